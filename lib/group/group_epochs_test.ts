// Copyright 2026 the kanal authors. MIT license.
// GroupConsumer and leader epochs (issue 14, KIP-320): a commit carries the epoch of the record
// the offset follows, and a position restored with one is checked against the leader's log.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { Client } from "../client/client.ts";
import { Producer } from "../producer/producer.ts";
import { FakeCluster } from "../testing/fake_cluster.ts";
import { LogTruncationError } from "../consumer/log_truncation_error.ts";
import { GroupConsumer } from "./group_consumer.ts";

async function setup() {
  const cluster = await FakeCluster.start({ topics: [{ name: "t", partitions: 1 }] });
  const client = await Client.connect({ brokers: cluster.bootstrap, transport: cluster.transport });
  const producer = new Producer(client);
  return {
    cluster,
    client,
    /** Appends `n` records as one batch, valued `${prefix}${i}`. */
    async produce(prefix: string, n: number): Promise<void> {
      await producer.send(Array.from({ length: n }, (_, i) => ({ topic: "t", value: prefix + i })));
    },
    async [Symbol.asyncDispose]() {
      await producer.close();
      await client.close();
      await cluster.close();
    },
  };
}

function member(client: Client, logTruncation: "resume" | "error" = "resume"): GroupConsumer {
  return new GroupConsumer(client, {
    groupId: "g",
    topics: ["t"],
    startOffset: "oldest",
    heartbeatIntervalMs: 50,
    autoCommitIntervalMs: 0,
    consumer: { logTruncation },
  });
}

test("a commit carries the leader epoch of the record the offset follows", {
  timeout: 30_000,
}, async () => {
  await using env = await setup();
  await env.produce("a", 5); // epoch 0
  env.cluster.moveLeader("t", 0);
  await env.client.refreshMetadata(["t"]);
  await env.produce("b", 5); // epoch 1
  const group = member(env.client);
  const reader = group.records().getReader();
  let seen = 0;
  while (seen < 10) seen += (await reader.read()).value!.records.length;
  await reader.cancel(); // marks what was read, commits, leaves
  await group.close();
  const committed = env.cluster.groups.committed("g", "t", 0);
  assert.equal(committed?.offset, 10n);
  assert.equal(committed?.leaderEpoch, 1);
});

/** Offset 10 committed at epoch 0, then the log cut back to 5 and refilled at epoch 1. */
async function truncatedAfterCommit(env: Awaited<ReturnType<typeof setup>>): Promise<void> {
  await env.produce("a", 5);
  await env.produce("a", 5);
  env.cluster.groups.commit("g", "t", 0, { offset: 10n, leaderEpoch: 0, metadata: null });
  env.cluster.truncate("t", 0, 5n);
  await env.client.refreshMetadata(["t"]);
  // Offsets 5 to 12 exist again: without the check the member would read on from 10 and
  // never see b0 to b4.
  await env.produce("b", 8);
}

test("a position restored with its committed epoch resumes at the divergence point", {
  timeout: 30_000,
}, async () => {
  await using env = await setup();
  await truncatedAfterCommit(env);
  await using group = member(env.client);
  const reader = group.records().getReader();
  const first = (await reader.read()).value!.records[0]!;
  assert.equal(`${first.offset}:${new TextDecoder().decode(first.value!)}`, "5:b0");
  await reader.cancel();
});

test("a position restored with its committed epoch raises LogTruncationError by policy", {
  timeout: 30_000,
}, async () => {
  await using env = await setup();
  await truncatedAfterCommit(env);
  await using group = member(env.client, "error");
  const error = await group.records().getReader().read().then(() => null, (e) => e);
  assert.ok(error instanceof LogTruncationError, String(error));
  assert.equal(error.site.api, "OffsetForLeaderEpoch", "found before the first fetch");
  assert.equal(error.divergedAt, 5);
  assert.equal(error.position, 10);
});
