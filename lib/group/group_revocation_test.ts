// Copyright 2026 the kanal authors. MIT license.
// A revocation waiting for the reader to finish its chunk keeps the member alive (issue 14):
// heartbeats go on, under the classic protocol and KIP-848, so a slow reader across a
// rebalance longer than the session timeout keeps its membership, and its chunk is committed
// before the partition moves.
import { test } from "../../tests/_test.ts";
import { until } from "../../tests/_wait.ts";
import assert from "node:assert/strict";
import { Client } from "../client/client.ts";
import { Producer } from "../producer/producer.ts";
import { FakeCluster } from "../testing/fake_cluster.ts";
import { GroupConsumer, type GroupConsumerOptions } from "./group_consumer.ts";
import type { Assignor, TopicPartitions } from "./assignor.ts";

// Short, so the test is quick, yet ten heartbeat intervals: a loaded machine keeps up.
const SESSION_MS = 600;

async function setup() {
  const cluster = await FakeCluster.start({
    topics: [{ name: "t", partitions: 1 }],
    groupMinSessionTimeoutMs: SESSION_MS,
    consumerGroupSessionTimeoutMs: SESSION_MS,
  });
  const connect = () =>
    Client.connect({ brokers: cluster.bootstrap, transport: cluster.transport });
  const client = await connect();
  const clientB = await connect();
  await using producer = new Producer(client);
  await producer.send(Array.from({ length: 10 }, (_, i) => ({ topic: "t", value: `v${i}` })));
  return {
    cluster,
    client,
    clientB,
    async produce(): Promise<void> {
      await using p = new Producer(client);
      await p.send([{ topic: "t", value: "after" }]);
    },
    async [Symbol.asyncDispose]() {
      await clientB.close();
      await client.close();
      await cluster.close();
    },
  };
}

/** Every partition to the member with instance id "b" (else the first). */
const toB: Assignor = {
  name: "to-b",
  protocols: ["eager"],
  subscriptionUserData: () => null,
  assign(members, counts) {
    const winner = members.find((m) => m.groupInstanceId === "b") ?? members[0]!;
    const out = new Map(members.map((m) => [m.memberId, [] as TopicPartitions[]]));
    out.set(
      winner.memberId,
      [...counts].map(([topic, n]) => ({
        topic,
        partitions: Array.from({ length: n }, (_, i) => i),
      })),
    );
    return out;
  },
};

function member(client: Client, extra: Partial<GroupConsumerOptions>): GroupConsumer {
  return new GroupConsumer(client, {
    groupId: "g",
    topics: ["t"],
    startOffset: "oldest",
    heartbeatIntervalMs: 60,
    sessionTimeoutMs: SESSION_MS,
    rebalanceTimeoutMs: 20_000,
    autoCommitIntervalMs: 0,
    ...extra,
  });
}

function heartbeats(g: GroupConsumer): number {
  return g.stages().find((s) => s.name === "groupSession")?.counters.heartbeats ?? 0;
}

function waitingForReader(g: GroupConsumer): boolean {
  return g.stages().some((s) => s.name === "groupSession" && s.state === "backpressured");
}

/**
 * A holds a chunk while a rebalance revokes its partition for B: A must stay in the group
 * (`isMember`) through more than two session timeouts of heartbeats, then, once A is done,
 * B starts after A's chunk (at 10, committed before the release).
 */
async function slowReaderAcrossRebalance(
  env: Awaited<ReturnType<typeof setup>>,
  a: GroupConsumer,
  startB: () => Promise<GroupConsumer>,
  isMember: (memberId: string) => boolean,
): Promise<void> {
  const readerA = a.records().getReader();
  const held = await readerA.read(); // being processed until A reads again
  assert.equal(held.value?.records.length, 10);
  const memberA = a.memberId;
  const b = await startB();
  const offsetsB: number[] = [];
  const readingB = (async () => {
    for await (const chunk of b.records()) for (const r of chunk.records) offsetsB.push(r.offset);
  })();
  await until("A waits for its reader", () => waitingForReader(a) || !isMember(memberA));
  // Heartbeats at least 60 ms apart: 25 of them span more than two session timeouts.
  const from = heartbeats(a);
  await until(
    "A heartbeats through the wait, or is expelled",
    () => !isMember(memberA) || heartbeats(a) - from >= 25,
  );
  assert.ok(isMember(memberA), "A was expelled while its revocation waited for the reader");
  assert.deepEqual(offsetsB, [], "B read records A was still processing");
  const next = readerA.read(); // A is done with its chunk
  await env.produce();
  await until("B reads", () => offsetsB.length > 0);
  assert.equal(offsetsB[0], 10);
  assert.equal(a.memberId, memberA, "A joined again under a new id");
  await a.close();
  await b.close();
  await next;
  await readingB;
}

test("a classic member heartbeats while its revocation waits for the reader", {
  timeout: 30_000,
}, async () => {
  await using env = await setup();
  const a = member(env.client, { assignors: [toB] });
  await slowReaderAcrossRebalance(
    env,
    a,
    () => Promise.resolve(member(env.clientB, { assignors: [toB], groupInstanceId: "b" })),
    (id) => env.cluster.groups.group("g")?.members.has(id) ?? false,
  );
});

test("a KIP-848 member heartbeats while its revocation waits for the reader", {
  timeout: 30_000,
}, async () => {
  await using env = await setup();
  const a = member(env.client, { protocol: "consumer" });
  await until("A owns the partition", () => a.assignment().length === 1);
  // The fake's uniform assignor gives the one partition to the lowest member id: make B until
  // it sorts before A, so that A has to give the partition up.
  const startB = async (): Promise<GroupConsumer> => {
    for (let i = 0; i < 30; i++) {
      const b = member(env.clientB, { protocol: "consumer" });
      await until("B joined", () => b.generationId > 0);
      if (b.memberId < a.memberId) return b;
      await b.close();
    }
    throw new Error("no member id sorted before A's in 30 tries");
  };
  await slowReaderAcrossRebalance(
    env,
    a,
    startB,
    (id) => env.cluster.consumerGroups.groups.get("g")?.members.has(id) ?? false,
  );
});
