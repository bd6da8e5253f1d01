// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { MetadataCache } from "./metadata_cache.ts";
import type { MetadataResponse } from "../protocol/messages/metadata.ts";
import { MalformedDataError } from "../protocol/kafka_error.ts";

function answer(leader: number, leaderEpoch: number, brokers: number[]): MetadataResponse {
  return {
    brokers: brokers.map((n) => ({ nodeId: n, host: `b${n}`, port: 9092, rack: null })),
    clusterId: "c",
    controllerId: brokers[0]!,
    topics: [{
      errorCode: 0,
      name: "t",
      partitions: [
        {
          errorCode: 0,
          partitionIndex: 0,
          leaderId: leader,
          leaderEpoch,
          replicaNodes: [1, 2],
          isrNodes: [1, 2],
        },
        {
          errorCode: 0,
          partitionIndex: 1,
          leaderId: 1,
          leaderEpoch: 5,
          replicaNodes: [1, 2],
          isrNodes: [1, 2],
        },
      ],
    }],
  };
}

test("a lagging broker's answer does not undo a newer leader hint", () => {
  const cache = new MetadataCache();
  cache.apply(answer(1, 4, [1]), ["t"]);
  assert.ok(cache.hint("t", 0, 2, 5, [{ nodeId: 2, host: "b2", port: 9092 }]));
  // A broker that has not heard of epoch 5 yet still names leader 1 at epoch 4.
  cache.apply(answer(1, 4, [1]), ["t"]);
  const p = cache.snapshot.topics.get("t")!.partitions[0]!;
  assert.equal(p.leader, 2);
  assert.equal(p.leaderEpoch, 5);
  assert.equal(cache.leaderFor("t", 0)?.host, "b2", "the hinted leader's address is kept too");
});

test("a metadata answer with an older epoch does not undo a newer answer, per partition", () => {
  const cache = new MetadataCache();
  cache.apply(answer(2, 7, [1, 2]), null);
  cache.apply({
    ...answer(1, 6, [1, 2]),
    topics: [{
      ...answer(1, 6, [1, 2]).topics[0]!,
      partitions: [
        {
          errorCode: 0,
          partitionIndex: 0,
          leaderId: 1,
          leaderEpoch: 6,
          replicaNodes: [1, 2],
          isrNodes: [1],
        },
        {
          errorCode: 0,
          partitionIndex: 1,
          leaderId: 2,
          leaderEpoch: 6,
          replicaNodes: [1, 2],
          isrNodes: [2],
        },
      ],
    }],
  }, null);
  const [p0, p1] = cache.snapshot.topics.get("t")!.partitions;
  assert.deepEqual([p0!.leader, p0!.leaderEpoch], [2, 7], "older epoch 6 < 7 is ignored");
  assert.deepEqual([p1!.leader, p1!.leaderEpoch], [2, 6], "newer epoch 6 > 5 is taken");
});

test("an answer with the same or a newer epoch, or none, replaces the partition", () => {
  const cache = new MetadataCache();
  cache.apply(answer(1, 4, [1, 2]), ["t"]);
  cache.apply(answer(2, 4, [1, 2]), ["t"]);
  assert.equal(cache.leaderFor("t", 0)?.nodeId, 2);
  cache.apply(answer(1, -1, [1, 2]), ["t"]);
  assert.equal(cache.leaderFor("t", 0)?.nodeId, 1, "a broker that gives no epoch is believed");
});

test("a metadata answer naming a broker with no usable address is a MalformedDataError", () => {
  const cache = new MetadataCache();
  for (const [host, port] of [["", 9092], ["b1", 0], ["b1", 70000], ["b1", -1]] as const) {
    const res = answer(1, 4, [1]);
    res.brokers[0] = { nodeId: 1, host, port, rack: null };
    assert.throws(
      () => cache.apply(res, ["t"]),
      (e: unknown) => e instanceof MalformedDataError && e.site.api === "Metadata",
      `${host}:${port}`,
    );
  }
  assert.equal(cache.snapshot.brokers.size, 0, "nothing of the bad answers was kept");
});

test("a leader hint with an unusable endpoint is ignored", () => {
  const cache = new MetadataCache();
  cache.apply(answer(1, 4, [1]), ["t"]);
  assert.equal(cache.hint("t", 0, 2, 5, [{ nodeId: 2, host: "b2", port: 0 }]), false);
  assert.equal(cache.leaderFor("t", 0)?.nodeId, 1);
});
