// Copyright 2026 the kanal authors. MIT license.
// GroupConsumer against the fake cluster's faults (issue 14): errors reach the reader, transient
// heartbeat errors do not rebalance, a dead coordinator is left behind, a static member fenced
// by another with its id stops.
import { test } from "../../tests/_test.ts";
import { until } from "../../tests/_wait.ts";
import assert from "node:assert/strict";
import { Client } from "../client/client.ts";
import { Producer } from "../producer/producer.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { KafkaError, MalformedDataError } from "../protocol/kafka_error.ts";
import { FakeCluster } from "../testing/fake_cluster.ts";
import { createPartitions, createTopics } from "../admin/topics.ts";
import { GroupConsumer, type GroupConsumerOptions } from "./group_consumer.ts";
import type { Assignor, TopicPartitions } from "./assignor.ts";
import type { RecordChunk } from "../consumer/record_chunk.ts";

async function setup(brokers = 1, partitions = 2, metadataMaxAgeMs = 300_000) {
  const cluster = await FakeCluster.start({ brokers, topics: [{ name: "t", partitions }] });
  const client = await Client.connect({
    brokers: cluster.bootstrap,
    transport: cluster.transport,
    metadataMaxAgeMs,
  });
  return {
    cluster,
    client,
    async produce(n: number, from = 0): Promise<void> {
      await using producer = new Producer(client);
      await producer.send(
        Array.from({ length: n }, (_, i) => ({
          topic: "t",
          partition: (from + i) % partitions,
          value: `v${from + i}`,
        })),
      );
    },
    async [Symbol.asyncDispose]() {
      await client.close();
      await cluster.close();
    },
  };
}

function member(client: Client, extra: Partial<GroupConsumerOptions> = {}): GroupConsumer {
  return new GroupConsumer(client, {
    groupId: "g",
    topics: ["t"],
    startOffset: "oldest",
    heartbeatIntervalMs: 50,
    sessionTimeoutMs: 6000,
    ...extra,
  });
}

/** Reads `records()` until it ends or fails; resolves with the error (or undefined). */
async function drain(group: GroupConsumer, seen: Set<string> = new Set()): Promise<unknown> {
  try {
    for await (const chunk of group.records()) {
      for (const r of chunk.records) seen.add(new TextDecoder().decode(r.value!));
    }
    return undefined;
  } catch (e) {
    return e;
  }
}

test("a fatal group error fails records() instead of ending it", { timeout: 30_000 }, async () => {
  await using env = await setup();
  env.cluster.intercept(() => ({ kind: "error", code: ErrorCode.GROUP_AUTHORIZATION_FAILED }), {
    key: 11,
  });
  await using group = member(env.client);
  const error = await drain(group);
  assert.ok(error instanceof KafkaError, `records() ended with ${error}`);
  assert.equal(error.code, ErrorCode.GROUP_AUTHORIZATION_FAILED);
});

test(
  "a partition that cannot go on fails records() and the member leaves",
  { timeout: 30_000 },
  async () => {
    await using env = await setup();
    await env.produce(4);
    env.cluster.intercept(
      (req) => {
        const body = req.body as { topics: { partitions: { partition: number }[] }[] };
        const asks1 = body.topics.some((t) => t.partitions.some((p) => p.partition === 1));
        return asks1 ? { kind: "error", code: ErrorCode.TOPIC_AUTHORIZATION_FAILED } : undefined;
      },
      { key: 1 },
    );
    await using group = member(env.client);
    const error = await drain(group);
    assert.ok(error instanceof KafkaError, `records() ended with ${error}`);
    assert.equal(error.code, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    // It did not keep the partition it could not read: it left the group.
    await until("the member left", () => env.cluster.groups.groups.get("g")?.state === "Empty");
  },
);

test(
  "a transient heartbeat error retries the heartbeat instead of rejoining",
  { timeout: 30_000 },
  async () => {
    await using env = await setup();
    let joins = 0;
    env.cluster.intercept(() => void joins++, { key: 11 });
    await using group = member(env.client);
    await until("joined", () => group.assignment().length > 0);
    const joinsBefore = joins;
    const after = env.cluster.intercept(
      () => ({ kind: "error", code: ErrorCode.NOT_COORDINATOR }),
      { key: 12, once: true },
    );
    let heartbeats = 0;
    env.cluster.intercept(() => void heartbeats++, { key: 12 });
    await until("the error was seen", () => after.calls > 0);
    await until("heartbeats went on", () => heartbeats >= 3);
    assert.equal(joins, joinsBefore, "the member rejoined after one NOT_COORDINATOR heartbeat");
    assert.equal(group.assignment()[0]?.partitions.length, 2);
  },
);

test("FENCED_INSTANCE_ID is fatal for a static member", { timeout: 30_000 }, async () => {
  await using env = await setup();
  await using group = member(env.client, { groupInstanceId: "static-1" });
  await until("joined", () => group.assignment().length > 0);
  env.cluster.intercept(() => ({ kind: "error", code: ErrorCode.FENCED_INSTANCE_ID }), {
    key: 12,
  });
  const error = await drain(group);
  assert.ok(error instanceof KafkaError, `records() ended with ${error}`);
  assert.equal(error.code, ErrorCode.FENCED_INSTANCE_ID);
});

test("when the coordinator's broker dies the group moves to the new coordinator", {
  timeout: 30_000,
}, async () => {
  await using env = await setup(3, 3);
  await env.produce(6);
  await using group = member(env.client);
  const seen = new Set<string>();
  const reading = drain(group, seen);
  await until("first records", () => seen.size === 6);
  const old = await env.client.coordinator("g");
  await env.cluster.stopBroker(old);
  await env.produce(6, 6);
  // The broker stays down: the member must find the coordinator Kafka moved to a live broker.
  await until("records after the coordinator died", () => seen.size === 12, 20_000);
  assert.notEqual(await env.client.coordinator("g"), old);
  await group.close();
  assert.equal(await reading, undefined);
});

test("commits go through NOT_COORDINATOR and a lost connection", { timeout: 30_000 }, async () => {
  await using env = await setup();
  await using group = member(env.client, { autoCommitIntervalMs: 0 });
  await until("joined", () => group.assignment().length > 0);
  env.cluster.intercept(() => ({ kind: "error", code: ErrorCode.NOT_COORDINATOR }), {
    key: 8,
    once: true,
  });
  group.offsets.mark("t", 0, 4);
  await group.commit();
  assert.equal(env.cluster.groups.committed("g", "t", 0)?.offset, 5n);
  env.cluster.intercept(() => ({ kind: "drop" }), { key: 8, once: true });
  group.offsets.mark("t", 0, 6);
  await group.commit();
  assert.equal(env.cluster.groups.committed("g", "t", 0)?.offset, 7n);
});

test("REBALANCE_IN_PROGRESS on a commit keeps the marks for the next commit", {
  timeout: 30_000,
}, async () => {
  await using env = await setup();
  await using group = member(env.client, { autoCommitIntervalMs: 0 });
  await until("joined", () => group.assignment().length > 0);
  env.cluster.intercept(() => ({ kind: "error", code: ErrorCode.REBALANCE_IN_PROGRESS }), {
    key: 8,
    once: true,
  });
  group.offsets.mark("t", 1, 2);
  await assert.rejects(group.commit(), (e) => (e as KafkaError).code === 27);
  await group.commit();
  assert.equal(env.cluster.groups.committed("g", "t", 1)?.offset, 3n);
});

test("a failed automatic commit is reported to onError", { timeout: 30_000 }, async () => {
  await using env = await setup();
  const errors: unknown[] = [];
  await using group = member(env.client, {
    autoCommitIntervalMs: 20,
    onError: (e) => void errors.push(e),
  });
  await until("joined", () => group.assignment().length > 0);
  env.cluster.intercept(() => ({ kind: "error", code: ErrorCode.GROUP_AUTHORIZATION_FAILED }), {
    key: 8,
  });
  group.offsets.mark("t", 0, 1);
  await until("the failure was reported", () => errors.length > 0);
  assert.equal((errors[0] as KafkaError).code, ErrorCode.GROUP_AUTHORIZATION_FAILED);
});

test("a subscribed topic's new partitions cause a rebalance", { timeout: 30_000 }, async () => {
  await using env = await setup(1, 2, 100);
  await using group = member(env.client);
  await until("joined", () => group.assignment()[0]?.partitions.length === 2);
  const [added] = await createPartitions(env.client, [{ topic: "t", count: 3 }]);
  assert.equal(added?.error, null);
  await until("the new partition is claimed", () => group.assignment()[0]?.partitions.length === 3);
});

/** Gives every partition to the member with instance id "b" when it is there. */
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

test("a revoked partition's chunk being processed finishes and is committed before it moves", {
  timeout: 30_000,
}, async () => {
  await using env = await setup(1, 1);
  await env.produce(10);
  const a = member(env.client, { groupId: "slow", groupInstanceId: "a", assignors: [toB] });
  const readerA = a.records().getReader();
  const held = await readerA.read(); // processing this chunk: not done until A reads again
  assert.equal(held.value?.records.length, 10);
  await using clientB = await Client.connect({
    brokers: env.cluster.bootstrap,
    transport: env.cluster.transport,
  });
  const b = member(clientB, { groupId: "slow", groupInstanceId: "b", assignors: [toB] });
  const offsetsB: number[] = [];
  const readingB = (async () => {
    for await (const chunk of b.records()) for (const r of chunk.records) offsetsB.push(r.offset);
  })();
  // The group's stage is backpressured while a revocation waits for the reader.
  const waiting = () =>
    a.stages().some((s) => s.name === "groupSession" && s.state === "backpressured");
  await until("B reads or A waits for its chunk", () => offsetsB.length > 0 || waiting());
  assert.deepEqual(offsetsB, [], "B read records A was still processing");
  const next = readerA.read(); // A is done with its chunk
  await env.produce(1, 10);
  await until("B reads", () => offsetsB.length > 0);
  assert.equal(offsetsB[0], 10);
  await a.close();
  await b.close();
  await next;
  await readingB;
});

test("cancelling records() mid-stream leaves the group cleanly", { timeout: 30_000 }, async () => {
  await using env = await setup();
  await env.produce(4);
  await using group = member(env.client);
  const reader = group.records().getReader();
  await reader.read();
  await reader.cancel();
  await until("the member left", () => env.cluster.groups.groups.get("g")?.state === "Empty");
  // What it had read was committed on the way out.
  assert.ok(
    (env.cluster.groups.committed("g", "t", 0)?.offset ?? 0n) +
        (env.cluster.groups.committed("g", "t", 1)?.offset ?? 0n) > 0n,
  );
});

for (
  const [name, key, code, protocol] of [
    ["UNKNOWN_MEMBER_ID", 12, ErrorCode.UNKNOWN_MEMBER_ID, "classic"],
    ["ILLEGAL_GENERATION", 12, ErrorCode.ILLEGAL_GENERATION, "classic"],
    ["FENCED_MEMBER_EPOCH", 68, ErrorCode.FENCED_MEMBER_EPOCH, "consumer"],
  ] as const
) {
  test(`after ${name} the member joins again and every record is read`, {
    timeout: 30_000,
  }, async () => {
    await using env = await setup();
    await env.produce(4);
    await using group = member(env.client, { protocol });
    const seen = new Set<string>();
    const reading = drain(group, seen);
    await until("first records", () => seen.size === 4);
    const hook = env.cluster.intercept(() => ({ kind: "error", code }), { key, once: true });
    await until("the error was sent", () => hook.calls > 0);
    await env.produce(4, 4);
    await until("every record", () => seen.size === 8);
    await group.close();
    assert.equal(await reading, undefined);
  });
}

test("the coordinator moving to another broker does not stop the group", {
  timeout: 30_000,
}, async () => {
  await using env = await setup(3, 3);
  await using group = member(env.client);
  const seen = new Set<string>();
  const reading = drain(group, seen);
  await env.produce(3);
  await until("first records", () => seen.size === 3);
  const old = await env.client.coordinator("g");
  env.cluster.moveCoordinator("g", old === 1 ? 2 : 1);
  await env.produce(3, 3);
  await until("records after the move", () => seen.size === 6);
  group.offsets.mark("t", 0, 0);
  await group.commit();
  assert.notEqual(await env.client.coordinator("g"), old);
  await group.close();
  assert.equal(await reading, undefined);
});

test("a corrupt batch surfaces in records()", { timeout: 30_000 }, async () => {
  await using env = await setup();
  await env.produce(4);
  type Res = { responses: { partitions: { records?: Uint8Array | null }[] }[] };
  env.cluster.intercept(() => ({
    kind: "rewrite",
    fn: (res) => {
      for (const t of (res as Res).responses) {
        for (const p of t.partitions) {
          if (p.records && p.records.length > 70) {
            const copy = p.records.slice();
            copy[copy.length - 1]! ^= 0xff;
            p.records = copy;
          }
        }
      }
      return res;
    },
  }), { key: 1 });
  await using group = member(env.client);
  const error = await drain(group);
  assert.ok(error instanceof MalformedDataError, `records() ended with ${error}`);
});

test("a KIP-848 member re-checks its pattern and claims a matching topic made later", {
  timeout: 30_000,
}, async () => {
  await using env = await setup(1, 1, 100);
  await using group = member(env.client, {
    topics: undefined,
    pattern: /^t|^later$/,
    protocol: "consumer",
  });
  await until("joined", () => group.assignment().length === 1);
  await createTopics(env.client, [{ name: "later", partitions: 2 }]);
  await until(
    "the new topic is claimed",
    () => group.assignment().some((t) => t.topic === "later"),
  );
});

test("a JoinGroup parked by the coordinator does not hold up another group's commits", {
  timeout: 30_000,
}, async () => {
  await using env = await setup();
  await using other = member(env.client, { groupId: "other", autoCommitIntervalMs: 0 });
  await until("the other group joined", () => other.assignment().length > 0);
  // The coordinator parks group g's JoinGroup (as while it waits for the rest of the group).
  let parked = true;
  let joinSeen = false;
  let release!: () => void;
  const released = new Promise<void>((r) => release = r);
  env.cluster.intercept(async (req) => {
    if ((req.body as { groupId: string }).groupId !== "g") return undefined;
    joinSeen = true;
    await released;
    parked = false;
    return undefined;
  }, { key: 11, once: true });
  await using g = member(env.client);
  await until("g's JoinGroup is parked", () => joinSeen);
  other.offsets.mark("t", 0, 1);
  await other.commit();
  assert.equal(parked, true, "the commit waited for the parked JoinGroup");
  assert.equal(env.cluster.groups.committed("other", "t", 0)?.offset, 2n);
  release();
  await until("g joined", () => g.assignment().length > 0);
});

test("a committed offset out of range restarts where startOffset says, by default", {
  timeout: 30_000,
}, async () => {
  await using env = await setup(1, 1);
  await env.produce(5);
  // The group's committed offset is past the log's end (the log was cut, or a bad commit).
  type Node = { [k: string]: unknown };
  const setCommitted = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(setCommitted);
    else if (n !== null && typeof n === "object") {
      const o = n as Node;
      if (typeof o.committedOffset === "bigint") o.committedOffset = 50n;
      Object.values(o).forEach(setCommitted);
    }
  };
  env.cluster.intercept(() => ({
    kind: "rewrite",
    fn: (res) => {
      setCommitted(res);
      return res;
    },
  }), { key: 9 });
  await using group = member(env.client, { startOffset: "newest" });
  const it = group.records()[Symbol.asyncIterator]();
  const first = it.next();
  // Wait until the reset landed at the end, then add one record: it is the first one read.
  await until("the partition is claimed", () => group.assignment().length > 0);
  await until(
    "the reset happened",
    () =>
      group.stages().some((s) => s.name === "partitionConsumer" && (s.counters.resets ?? 0) > 0),
  );
  await env.produce(1, 5);
  const { value } = await first;
  assert.equal(value?.records[0]?.offset, 5, "startOffset newest must not replay from 0");
  await it.return?.();
});

test("records() piped into a read-ahead sink marks a chunk only when the sink finished it", {
  timeout: 30_000,
}, async () => {
  await using env = await setup(1, 1);
  await env.produce(1);
  await using group = member(env.client, { autoCommitIntervalMs: 0 });
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  const queued: RecordChunk[] = [];
  const written: RecordChunk[] = [];
  const sink = new WritableStream<RecordChunk>({
    async write(chunk) {
      if (written.length === 0) await gate; // the first chunk takes a while to process
      written.push(chunk);
    },
  }, {
    highWaterMark: 4,
    size: (chunk) => {
      queued.push(chunk);
      return 1;
    },
  });
  const abort = new AbortController();
  const piped = group.records().pipeTo(sink, { signal: abort.signal }).catch((e) => e);
  await until("the first chunk reached the sink", () => queued.length === 1);
  await env.produce(1, 1);
  // The pipe reads the second chunk ahead while the first is still being processed.
  await until("the second chunk was read ahead", () => queued.length === 2);
  await group.commit();
  assert.equal(group.offsets.committed("t", 0), -1, "the first chunk is not processed yet");
  release();
  await until("both chunks processed", () => written.length === 2);
  await until("the first chunk is marked", async () => {
    await group.commit();
    return group.offsets.committed("t", 0) >= 1;
  });
  abort.abort();
  await piped;
});

test("a claim is active while the member owns it, and not once it is given up", {
  timeout: 30_000,
}, async () => {
  await using env = await setup(1, 2);
  const a = member(env.client, { rebalanceTimeoutMs: 1000 });
  const claims = a.claims.getReader();
  const first = (await claims.read()).value!;
  const second = (await claims.read()).value!;
  assert.ok(first.active && second.active);
  // A second member takes one partition: the claim given up says so.
  await using b = member(env.client, { rebalanceTimeoutMs: 1000 });
  const theirs = b.claims.getReader();
  await theirs.read();
  await until("a claim given up", () => !first.active || !second.active);
  // Eager (range): both were given up, and one partition is claimed again.
  const again = (await claims.read()).value!;
  assert.ok(again.active);
  assert.ok(!first.active && !second.active);
  await a.close();
  assert.ok(!again.active, "closing gives every claim up");
});

test("a KIP-848 assignment naming a topic id not yet in the metadata is claimed once it is", {
  timeout: 30_000,
}, async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "t", partitions: 1 }] });
  await using client = await Client.connect({
    brokers: cluster.bootstrap,
    transport: cluster.transport,
  });
  // The metadata lags behind the coordinator, as a broker's cache can: "later" stays out of
  // Metadata answers until `hidden` is cleared.
  let hidden = true;
  type Meta = { topics: { name: string | null }[] };
  cluster.intercept(() => ({
    kind: "rewrite",
    fn: (res) => {
      if (hidden) (res as Meta).topics = (res as Meta).topics.filter((t) => t.name !== "later");
      return res;
    },
  }), { key: 3 });
  await using group = new GroupConsumer(client, {
    groupId: "g",
    topics: ["t", "later"],
    protocol: "consumer",
    heartbeatIntervalMs: 50,
  });
  await until("joined", () => group.assignment().length === 1, 5000);
  const made = cluster.state.createTopic("later", 2, 1);
  assert.ok(typeof made !== "number");
  // The coordinator has sent the assignment with the new topic's id, and the member has
  // heartbeated since (so it has seen it and could not resolve it).
  const sent = () =>
    cluster.consumerGroups.groups.get("g")?.members.get(group.memberId)?.sent ?? new Set();
  await until("the coordinator assigned the new topic", () => sent().has(`${made.id}:1`), 5000);
  const heartbeats = () =>
    group.stages().find((s) => s.name === "groupSession")?.counters.heartbeats ?? 0;
  const seen = heartbeats();
  await until("two more heartbeats", () => heartbeats() >= seen + 2, 5000);
  hidden = false;
  await until(
    "the new topic's partitions are claimed",
    () => group.assignment().some((t) => t.topic === "later" && t.partitions.length === 2),
    10_000,
  );
});
