// Copyright 2026 the kanal authors. MIT license.
// KIP-392 on the fake cluster: a leader that names a preferred read replica moves the
// partition's fetches there; when the replica fails them, the partition goes back to the leader
// and reads on without losing or repeating a record.
import { test } from "../../tests/_test.ts";
import { until } from "../../tests/_wait.ts";
import assert from "node:assert/strict";
import { Client } from "../client/client.ts";
import { Producer } from "../producer/producer.ts";
import { FakeCluster } from "../testing/fake_cluster.ts";
import { Consumer } from "./consumer.ts";

test(
  "a preferred read replica gets the fetches, and a failing one sends them back to the leader",
  { timeout: 30_000 },
  async () => {
    await using cluster = await FakeCluster.start({
      brokers: 3,
      topics: [{ name: "t", partitions: 1, replicationFactor: 3 }],
    });
    await using client = await Client.connect({
      brokers: cluster.bootstrap,
      transport: cluster.transport,
    });
    {
      await using producer = new Producer(client);
      await producer.send([0, 1, 2].map((i) => ({ topic: "t", partition: 0, value: `${i}` })));
    }
    const leader = (await client.leaderFor("t", 0)).nodeId;
    const replica = [1, 2, 3].find((n) => n !== leader)!;
    // The leader's first answer names the replica (and, as Kafka then, holds no records).
    cluster.intercept(() => ({
      kind: "rewrite",
      fn: (res) => {
        const r = res as {
          responses: { partitions: { preferredReadReplica: number; records: unknown }[] }[];
        };
        for (const t of r.responses) {
          for (const p of t.partitions) {
            p.preferredReadReplica = replica;
            p.records = new Uint8Array(0);
          }
        }
        return r;
      },
    }), { key: 1, broker: leader, once: true });
    const rackIds: string[] = [];
    const atReplica = cluster.intercept(
      (req) => void rackIds.push((req.body as { rackId: string }).rackId),
      { key: 1, broker: replica },
    );
    await using consumer = new Consumer(client, { rack: "r9", maxWaitMs: 10 });
    const stream = consumer.partition("t", 0, { offset: "oldest" });
    const seen: string[] = [];
    const reading = (async () => {
      for await (const chunk of stream) {
        for (const r of chunk.records) seen.push(new TextDecoder().decode(r.value!));
        if (seen.length >= 3) break;
      }
    })();
    await reading;
    // The fake's followers answer NOT_LEADER_OR_FOLLOWER: the fetch went there, then back.
    assert.ok(atReplica.calls > 0, "no fetch went to the preferred read replica");
    assert.deepEqual(rackIds.slice(0, 1), ["r9"]);
    assert.deepEqual(seen, ["0", "1", "2"]);
    await until("back on the leader", () => stream.stage.counters.readReplica === undefined);
  },
);
