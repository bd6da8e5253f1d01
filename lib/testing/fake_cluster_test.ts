// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { Client } from "../client/client.ts";
import { Consumer } from "../consumer/consumer.ts";
import { Producer } from "../producer/producer.ts";
import { FakeCluster } from "./fake_cluster.ts";

test("a produced record is consumed back through the in-memory transport", async () => {
  await using cluster = await FakeCluster.start({
    brokers: 3,
    topics: [{ name: "t", partitions: 3 }],
  });
  await using client = await Client.connect({
    brokers: cluster.bootstrap,
    transport: cluster.transport,
  });
  await using producer = new Producer(client);
  const reports = await producer.send([
    { topic: "t", partition: 1, key: "k", value: "one" },
    { topic: "t", partition: 1, key: "k", value: "two" },
  ]);
  assert.deepEqual(reports.map((r) => [r.error, r.offset]), [[undefined, 0], [undefined, 1]]);
  await using consumer = new Consumer(client);
  const got: string[] = [];
  for await (const r of consumer.partition("t", 1, { offset: "oldest" }).records()) {
    got.push(new TextDecoder().decode(r.value!));
    if (got.length === 2) break;
  }
  assert.deepEqual(got, ["one", "two"]);
  assert.deepEqual(cluster.faults, []);
});

const API = await import("../protocol/messages/api_table.ts");
const { encodeRecordBatch } = await import("../protocol/record_batch_encoder.ts");
const { ErrorCode } = await import("../protocol/error_codes.ts");
const { Writer } = await import("../protocol/writer.ts");
const { FrameDecoder } = await import("../net/frame_decoder.ts");
const { readResponseFrame } = await import("../protocol/request_frame.ts");

function fetchReq(topicId: string, offset: bigint, extra: Record<string, unknown> = {}) {
  return {
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{
      topicId,
      partitions: [{
        partition: 0,
        currentLeaderEpoch: -1,
        fetchOffset: offset,
        lastFetchedEpoch: -1,
        logStartOffset: -1n,
        partitionMaxBytes: 1 << 20,
      }],
    }],
    forgottenTopicsData: [],
    rackId: "",
    ...extra,
  };
}

async function produceRaw(cluster: FakeCluster, topic: string, values: string[], broker?: number) {
  const records = await encodeRecordBatch(values.map((value) => ({ value, timestamp: 5 })));
  return await cluster.call(API.API_TABLE[0], 9, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 1000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
  }, broker);
}

test("a long-polling fetch is answered when records arrive", async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "t" }] });
  const id = cluster.state.topics.get("t")!.id;
  const waiting = cluster.call(
    API.API_TABLE[1],
    16,
    fetchReq(id, 0n, { maxWaitMs: 30_000, minBytes: 1 }),
  );
  await produceRaw(cluster, "t", ["late"]);
  const res = await waiting;
  assert.ok(res.responses[0]!.partitions[0]!.records!.length > 0);
  assert.equal(res.responses[0]!.partitions[0]!.highWatermark, 1n);
});

test("an incremental fetch session returns only what changed, and checks its epoch", async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "t" }] });
  const id = cluster.state.topics.get("t")!.id;
  await produceRaw(cluster, "t", ["a"]);
  const full = await cluster.call(API.API_TABLE[1], 16, fetchReq(id, 0n, { sessionEpoch: 0 }));
  const sessionId = full.sessionId!;
  assert.ok(sessionId > 0);
  assert.equal(full.responses[0]!.partitions[0]!.highWatermark, 1n);
  // The client names a partition again only when its fetch offset moved (KIP-227).
  const moveOn = fetchReq(id, 1n, { sessionId, sessionEpoch: 1 });
  const quiet = await cluster.call(API.API_TABLE[1], 16, moveOn);
  assert.deepEqual(quiet.responses, []); // no records, same watermarks: left out
  const none = { ...moveOn, topics: [] };
  await produceRaw(cluster, "t", ["b"]);
  const moved = await cluster.call(API.API_TABLE[1], 16, { ...none, sessionEpoch: 2 });
  assert.equal(moved.responses[0]!.partitions[0]!.highWatermark, 2n);
  const stale = await cluster.call(API.API_TABLE[1], 16, { ...none, sessionEpoch: 2 });
  assert.equal(stale.errorCode, ErrorCode.INVALID_FETCH_SESSION_EPOCH);
  const lost = await cluster.call(API.API_TABLE[1], 16, { ...none, sessionId: sessionId ^ 1 });
  assert.equal(lost.errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
});

test("leader moves fence old epochs, and a truncated log answers with divergingEpoch", async () => {
  await using cluster = await FakeCluster.start({ brokers: 2, topics: [{ name: "t" }] });
  const id = cluster.state.topics.get("t")!.id;
  await produceRaw(cluster, "t", ["a", "b"], 1);
  assert.equal(cluster.moveLeader("t", 0, 2), 1);
  const wrong = await produceRaw(cluster, "t", ["c"], 1);
  assert.equal(
    wrong.responses[0]!.partitionResponses[0]!.errorCode,
    ErrorCode.NOT_LEADER_OR_FOLLOWER,
  );
  const old = await cluster.call(
    API.API_TABLE[1],
    16,
    fetchReq(id, 0n, {
      topics: [{
        topicId: id,
        partitions: [{
          partition: 0,
          currentLeaderEpoch: 0,
          fetchOffset: 0n,
          partitionMaxBytes: 1000,
        }],
      }],
    }),
    2,
  );
  assert.equal(old.responses[0]!.partitions[0]!.errorCode, ErrorCode.FENCED_LEADER_EPOCH);
  assert.deepEqual(old.responses[0]!.partitions[0]!.currentLeader, { leaderId: 2, leaderEpoch: 1 });
  assert.deepEqual(old.nodeEndpoints!.map((e) => e.nodeId), [1, 2]);
  await produceRaw(cluster, "t", ["c", "d"], 2); // offsets 2-3 in epoch 1
  cluster.truncate("t", 0, 2n); // epoch 2 begins at 2; epoch 1's records are gone
  const diverged = await cluster.call(
    API.API_TABLE[1],
    16,
    fetchReq(id, 4n, {
      topics: [{
        topicId: id,
        partitions: [{
          partition: 0,
          currentLeaderEpoch: 2,
          fetchOffset: 4n,
          lastFetchedEpoch: 1,
          partitionMaxBytes: 1000,
        }],
      }],
    }),
    2,
  );
  assert.deepEqual(diverged.responses[0]!.partitions[0]!.divergingEpoch, {
    epoch: 0,
    endOffset: 2n,
  });
});

test("ApiVersions at a version the fake does not know is answered at v0 with UNSUPPORTED_VERSION", async () => {
  await using cluster = await FakeCluster.start();
  const b = cluster.state.brokers.get(1)!;
  const socket = await cluster.transport({ host: b.host, port: b.port });
  const w = new Writer();
  // size, key 18, version 99, correlation id 5, client id "x"
  w.int32(11);
  w.int16(18);
  w.int16(99);
  w.int32(5);
  w.nullableString("x");
  const writer = socket.writable.getWriter();
  await writer.write(w.finish());
  const frames = socket.readable.pipeThrough(new FrameDecoder()).getReader();
  const { value } = await frames.read();
  const { correlationId, body } = readResponseFrame(value!, API.API_TABLE[18], 0);
  assert.equal(correlationId, 5);
  assert.equal(body.errorCode, ErrorCode.UNSUPPORTED_VERSION);
  assert.deepEqual(body.apiKeys.map((k) => k.apiKey), [18]);
  frames.releaseLock();
  writer.releaseLock();
  await socket.close();
});

test("a lost produce answer makes the idempotent producer retry, and the fake keeps one copy", async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "t" }] });
  const lost = cluster.intercept(() => ({ kind: "applyAndDrop" }), { key: 0, once: true });
  await using client = await Client.connect({
    brokers: cluster.bootstrap,
    transport: cluster.transport,
  });
  await using producer = new Producer(client, { idempotent: true, requestTimeoutMs: 2000 });
  const reports = await producer.send([
    { topic: "t", partition: 0, value: "once" },
    { topic: "t", partition: 0, value: "twice?" },
  ]);
  assert.deepEqual(reports.map((r) => [r.error, r.offset]), [[undefined, 0], [undefined, 1]]);
  assert.equal(lost.calls, 1);
  const log = cluster.partition("t", 0).log;
  assert.equal(log.highWatermark, 2n);
  assert.equal(log.batches.length, 1);
  assert.deepEqual(cluster.faults, []);
});

test("an injected NOT_LEADER_OR_FOLLOWER is retried, and a delayed answer still arrives", async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "t" }] });
  const failed = cluster.intercept(
    () => ({ kind: "error", code: ErrorCode.NOT_LEADER_OR_FOLLOWER }),
    {
      key: 0,
      once: true,
    },
  );
  const slow = cluster.intercept(() => ({ kind: "delay", ms: 20 }), { key: 0 });
  await using client = await Client.connect({
    brokers: cluster.bootstrap,
    transport: cluster.transport,
  });
  await using producer = new Producer(client, { retryBackoffMs: 10 });
  const [r] = await producer.send([{ topic: "t", partition: 0, value: "v" }]);
  assert.equal(r!.error, undefined);
  assert.equal(failed.calls, 1);
  // Hooks run in the order added, and the first that answers ends the run: the delaying hook
  // saw only the retry.
  assert.equal(slow.calls, 1);
  assert.equal(cluster.partition("t", 0).log.highWatermark, 1n);
});

test("after a broker stops, its partitions' new leader serves the producer", async () => {
  await using cluster = await FakeCluster.start({
    brokers: 3,
    topics: [{ name: "t", partitions: 3 }],
  });
  await using client = await Client.connect({
    brokers: cluster.bootstrap,
    transport: cluster.transport,
  });
  await using producer = new Producer(client, { retryBackoffMs: 10 });
  const first = await producer.send([{ topic: "t", partition: 0, value: "before" }]);
  assert.equal(first[0]!.error, undefined);
  await cluster.stopBroker(1);
  assert.notEqual(cluster.partition("t", 0).leader, 1);
  const after = await producer.send([{ topic: "t", partition: 0, value: "after" }]);
  assert.deepEqual([after[0]!.error, after[0]!.offset], [undefined, 1]);
  const epochs = cluster.partition("t", 0).log.batches.map((b) => b.leaderEpoch);
  assert.deepEqual(epochs, [0, 1]);
});

test("the null broker acknowledges produces without keeping them and serves prepared batches", async () => {
  await using cluster = await FakeCluster.start({ nullBroker: true, topics: [{ name: "t" }] });
  await using client = await Client.connect({
    brokers: cluster.bootstrap,
    transport: cluster.transport,
  });
  await using producer = new Producer(client);
  const reports = await producer.send([
    { topic: "t", partition: 0, value: "a" },
    { topic: "t", partition: 0, value: "b" },
  ]);
  assert.deepEqual(reports.map((r) => [r.error, r.offset]), [[undefined, 0], [undefined, 1]]);
  const log = cluster.partition("t", 0).log;
  assert.deepEqual([log.batches.length, log.sizeInBytes], [0, 0]);
  cluster.prepareFetch("t", 0, await encodeRecordBatch([{ value: "p0" }, { value: "p1" }]), 1000);
  await using consumer = new Consumer(client);
  let n = 0;
  let last = -1;
  for await (const r of consumer.partition("t", 0, { offset: "oldest" }).records()) {
    assert.equal(r.offset, last + 1);
    assert.equal(new TextDecoder().decode(r.value!), `p${r.offset % 2}`);
    last = r.offset;
    if (++n === 2000) break;
  }
  assert.equal(last, 1999);
});

test("after every connection is cut, the client reconnects and the producer goes on", async () => {
  await using cluster = await FakeCluster.start({ brokers: 2, topics: [{ name: "t" }] });
  await using client = await Client.connect({
    brokers: cluster.bootstrap,
    transport: cluster.transport,
  });
  await using producer = new Producer(client, { retryBackoffMs: 10 });
  assert.equal(
    (await producer.send([{ topic: "t", partition: 0, value: "a" }]))[0]!.error,
    undefined,
  );
  const seen: number[] = [];
  cluster.intercept((r) => void seen.push(r.key));
  await cluster.cutConnections();
  const [r] = await producer.send([{ topic: "t", partition: 0, value: "b" }]);
  assert.deepEqual([r!.error, r!.offset], [undefined, 1]);
  assert.equal(seen[0], 18); // a new connection starts with ApiVersions
});

test("a moved coordinator answers FindCoordinator, and the old one says NOT_COORDINATOR", async () => {
  await using cluster = await FakeCluster.start({ brokers: 3 });
  const before = cluster.state.coordinatorFor("g", 0);
  const target = before === 3 ? 1 : before + 1;
  cluster.moveCoordinator("g", target);
  const found = await cluster.call(API.API_TABLE[10], 6, { keyType: 0, coordinatorKeys: ["g"] });
  assert.equal(found.coordinators![0]!.nodeId, target);
  const beat = await cluster.call(
    API.API_TABLE[12],
    4,
    { groupId: "g", generationId: 1, memberId: "m" },
    before,
  );
  assert.equal(beat.errorCode, ErrorCode.NOT_COORDINATOR);
});

test("hooks replace an answer, rewrite one, and drop a request by closing its connection", async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "a" }, { name: "b" }] });
  cluster.intercept(() => ({
    kind: "rewrite",
    fn: (res) => {
      const m = res as { topics: { name: string | null }[] };
      return { ...m, topics: m.topics.filter((t) => t.name !== "b") };
    },
  }), { key: 3, once: true });
  const rewritten = await cluster.call(API.API_TABLE[3], 12, { topics: null });
  assert.deepEqual(rewritten.topics.map((t) => t.name), ["a"]);
  assert.equal((await cluster.call(API.API_TABLE[3], 12, { topics: null })).topics.length, 2);
  cluster.intercept(() => ({
    kind: "reply",
    body: {
      throttleTimeMs: 0,
      coordinators: [{
        key: "g",
        nodeId: 42,
        host: "h",
        port: 1,
        errorCode: 0,
        errorMessage: null,
      }],
    },
  }), { key: 10, once: true });
  const replied = await cluster.call(API.API_TABLE[10], 6, { keyType: 0, coordinatorKeys: ["g"] });
  assert.equal(replied.coordinators![0]!.nodeId, 42);
  const dropped = cluster.intercept(() => ({ kind: "drop" }), { key: 19, once: true });
  await assert.rejects(
    cluster.call(API.API_TABLE[19], 7, {
      topics: [{ name: "c", numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
    }),
    /closed the connection/,
  );
  assert.equal(dropped.calls, 1);
  assert.equal(cluster.state.topics.has("c"), false); // dropped, not applied
});

test("an injected error applies nothing: no auto-created topic, no member, no producer id", async () => {
  await using cluster = await FakeCluster.start();
  cluster.intercept(() => ({ kind: "error", code: ErrorCode.NOT_COORDINATOR }));
  const meta = await cluster.call(API.API_TABLE[3], 12, { topics: [{ name: "auto" }] });
  assert.equal(meta.topics[0]!.errorCode, ErrorCode.NOT_COORDINATOR);
  assert.equal(cluster.state.topics.has("auto"), false);
  const join = await cluster.call(API.API_TABLE[11], 9, {
    groupId: "g",
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    memberId: "",
    protocolType: "consumer",
    protocols: [{ name: "range", metadata: new Uint8Array(0) }],
  });
  assert.equal(join.errorCode, ErrorCode.NOT_COORDINATOR);
  assert.equal(cluster.groups.groups.size, 0);
  const init = await cluster.call(API.API_TABLE[22], 4, {
    transactionalId: "tx",
    transactionTimeoutMs: 10_000,
  });
  assert.equal(init.errorCode, ErrorCode.NOT_COORDINATOR);
  assert.equal(cluster.transactions.transactions.size, 0);
  assert.deepEqual(cluster.faults, []);
});

test("closing the cluster ends a long poll at once, leaving no timer behind", async () => {
  const cluster = await FakeCluster.start({ topics: [{ name: "t" }] });
  const id = cluster.state.topics.get("t")!.id;
  let arrived!: () => void;
  const fetchArrived = new Promise<void>((r) => arrived = r);
  cluster.intercept(() => void arrived(), { key: 1 });
  const waiting = cluster.call(
    API.API_TABLE[1],
    16,
    fetchReq(id, 0n, { maxWaitMs: 600_000, minBytes: 1 }),
  );
  await fetchArrived;
  await cluster.close();
  await assert.rejects(waiting, /closed the connection/);
});
