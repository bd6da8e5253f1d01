// Copyright 2026 the kanal authors. MIT license.
// The producer against the fake cluster under faults: every test checks the partition logs the
// fake holds (each acknowledged record once, in order) and that every call settles.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { Client } from "../client/client.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { decodeRecordBatches } from "../protocol/record_batch_decoder.ts";
import type { ProduceRequest, ProduceResponse } from "../protocol/messages/produce.ts";
import { FakeCluster } from "../testing/fake_cluster.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { until } from "../../tests/_wait.ts";
import { functionPartitioner } from "./function_partitioner.ts";
import { ProduceError } from "./produce_error.ts";
import { Producer } from "./producer.ts";
import type { DeliveryReport } from "./producer_record.ts";

/** The values the fake's log of `topic`/`partition` holds, in offset order. */
async function logValues(
  cluster: FakeCluster,
  topic: string,
  partition: number,
): Promise<string[]> {
  const out: string[] = [];
  for (const b of cluster.partition(topic, partition).log.batches) {
    if (b.control) continue;
    const { batches } = await decodeRecordBatches(b.bytes);
    for (const batch of batches) {
      for (const r of batch.records) out.push(new TextDecoder().decode(r.value!));
    }
  }
  return out;
}

async function connect(cluster: FakeCluster): Promise<Client> {
  return await Client.connect({ brokers: cluster.bootstrap, transport: cluster.transport });
}

test("a permanent error on one partition does not duplicate another's uncertain batch", async () => {
  await using cluster = await FakeCluster.start({
    brokers: 2,
    topics: [{ name: "t", partitions: 2 }],
  });
  cluster.moveLeader("t", 0, 1);
  cluster.moveLeader("t", 1, 2);
  // p0's batch is appended but answered REQUEST_TIMED_OUT: its fate is uncertain to the producer.
  const uncertain = cluster.intercept(() => ({
    kind: "rewrite",
    fn: (res) => {
      const r = res as ProduceResponse;
      for (const t of r.responses) {
        for (const p of t.partitionResponses) {
          p.errorCode = ErrorCode.REQUEST_TIMED_OUT;
          p.baseOffset = -1n;
        }
      }
      return r;
    },
  }), { key: 0, broker: 1, once: true });
  // p1's batch is refused for good: the producer must reset p1's sequence numbers.
  const refused = cluster.intercept(() => ({ kind: "error", code: ErrorCode.INVALID_RECORD }), {
    key: 0,
    broker: 2,
    once: true,
  });
  await using client = await connect(cluster);
  await using producer = new Producer(client, { retryBackoffMs: 200 });
  const reports = await producer.send([
    { topic: "t", partition: 0, value: "a" },
    { topic: "t", partition: 1, value: "b" },
  ]);
  assert.equal(uncertain.calls, 1);
  assert.equal(refused.calls, 1);
  assert.deepEqual([reports[0]!.error, reports[0]!.offset], [undefined, 0]);
  assert.equal((reports[1]!.error as { code?: number }).code, ErrorCode.INVALID_RECORD);
  // Both partitions go on, in order, after the reset.
  const more = await producer.send([
    { topic: "t", partition: 0, value: "c" },
    { topic: "t", partition: 1, value: "d" },
  ]);
  assert.deepEqual(more.map((r) => r.error), [undefined, undefined]);
  assert.deepEqual(await logValues(cluster, "t", 0), ["a", "c"]);
  assert.deepEqual(await logValues(cluster, "t", 1), ["d"]);
  assert.deepEqual(cluster.faults, []);
});

test("UNKNOWN_PRODUCER_ID resets the partition's sequence and the record is delivered once", async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "t" }] });
  await using client = await connect(cluster);
  await using producer = new Producer(client, { retryBackoffMs: 10 });
  assert.equal((await producer.send({ topic: "t", partition: 0, value: "a" })).offset, 0);
  const lost = cluster.intercept(
    () => ({ kind: "error", code: ErrorCode.UNKNOWN_PRODUCER_ID }),
    { key: 0, once: true },
  );
  const r = await producer.send({ topic: "t", partition: 0, value: "b" });
  assert.equal(lost.calls, 1);
  assert.equal(r.offset, 1);
  assert.equal((await producer.send({ topic: "t", partition: 0, value: "c" })).offset, 2);
  assert.deepEqual(await logValues(cluster, "t", 0), ["a", "b", "c"]);
  assert.deepEqual(cluster.faults, []);
});

test("a throwing partitioner fails its record alone, and the topic goes on", async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "t", partitions: 2 }] });
  await using client = await connect(cluster);
  await using producer = new Producer(client, {
    partitioner: functionPartitioner((_t, key) => key === "bad" ? 7 : 1),
  });
  const reports = await producer.send([
    { topic: "t", key: "a", value: "a" },
    { topic: "t", key: "bad", value: "x" },
    { topic: "t", key: "b", value: "b" },
  ]);
  assert.deepEqual(reports.map((r) => r.error?.name ?? r.offset), [0, "RangeError", 1]);
  assert.equal((await producer.send({ topic: "t", key: "c", value: "c" })).offset, 2);
  assert.deepEqual(await logValues(cluster, "t", 1), ["a", "b", "c"]);
});

test("a header value that is not bytes, a string or null is refused before anything is sent", async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "t" }] });
  await using client = await connect(cluster);
  await using producer = new Producer(client);
  for (const value of [5, { a: 1 }, undefined]) {
    await assert.rejects(
      producer.send({
        topic: "t",
        value: "v",
        headers: [{ key: "h", value: value as unknown as string }],
      }),
      TypeError,
    );
  }
  await assert.rejects(
    producer.send({
      topic: "t",
      value: "v",
      headers: [{ key: 3 as unknown as string, value: "" }],
    }),
    TypeError,
  );
  const ok = await producer.send({
    topic: "t",
    value: "good",
    headers: [{ key: "h", value: "x" }],
  });
  assert.equal(ok.offset, 0);
  assert.deepEqual(await logValues(cluster, "t", 0), ["good"]);
  assert.deepEqual(cluster.faults, []);
});

test("a bad write into writable fails its records, and the stream and flush() go on", async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "t" }] });
  await using client = await connect(cluster);
  await using producer = new Producer(client);
  const writer = producer.writable.getWriter();
  // Not awaited: both are queued in the stream before the first is handled.
  const bad = writer.write({ topic: "t", value: 42 as unknown as string });
  const good = writer.write({ topic: "t", value: "good" });
  await Promise.allSettled([bad, good]);
  const err = await producer.flush().then(() => null, (e) => e);
  assert.ok(err instanceof ProduceError, String(err));
  assert.equal(err.count, 1);
  assert.ok(err.reports[0]!.error instanceof TypeError);
  await writer.write({ topic: "t", value: "after" });
  await producer.flush();
  writer.releaseLock();
  assert.deepEqual(await logValues(cluster, "t", 0), ["good", "after"]);
});

test("close() delivers the writes still queued in writable", async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "t" }] });
  await using client = await connect(cluster);
  const producer = new Producer(client, { lingerMs: 50 });
  const writer = producer.writable.getWriter();
  const writes = ["a", "b", "c"].map((v) => writer.write({ topic: "t", value: v }));
  await producer.close();
  await Promise.all(writes);
  assert.deepEqual(await logValues(cluster, "t", 0), ["a", "b", "c"]);
});

test("a write that finds the buffer full fails after maxBlockMs with a typed error", async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "t" }] });
  // The first produce hangs unanswered until the request times out; then it goes through.
  const hung = cluster.intercept(() => ({ kind: "drop", silent: true }), { key: 0, once: true });
  await using client = await connect(cluster);
  await using producer = new Producer(client, {
    maxBufferedRecords: 1,
    maxBlockMs: 200,
    requestTimeoutMs: 1000,
    retryBackoffMs: 10,
  });
  const first = producer.send({ topic: "t", value: "first" });
  await until("the first produce", () => hung.calls === 1);
  const err = await producer.send({ topic: "t", value: "second" }).then(() => null, (e) => e);
  assert.ok(err instanceof KafkaError, String(err));
  assert.equal(err.code, ErrorCode.REQUEST_TIMED_OUT);
  assert.equal((await first).offset, 0);
  assert.deepEqual(await logValues(cluster, "t", 0), ["first"]);
});

/**
 * Sends `rounds` rounds of numbered records over `partitions` partitions of "t" (each round one
 * send of 20 records, four sends at a time), calling `during(round)` before each round, then
 * checks the fake's logs: no record twice, each partition in numbering order, and every
 * acknowledged record at the offset it was reported at. Returns the reports.
 */
async function streamAndCheck(
  cluster: FakeCluster,
  producer: Producer,
  partitions: number,
  rounds: number,
  during: (round: number) => void | Promise<void> = () => {},
): Promise<DeliveryReport[]> {
  const reports: DeliveryReport[] = [];
  const values: string[] = [];
  let n = 0;
  for (let round = 0; round < rounds; round += 4) {
    const sends: Promise<DeliveryReport[]>[] = [];
    for (let k = round; k < Math.min(rounds, round + 4); k++) {
      await during(k);
      const records = [];
      for (let i = 0; i < 20; i++, n++) {
        const value = String(n).padStart(6, "0");
        values.push(value);
        records.push({ topic: "t", partition: n % partitions, value });
      }
      sends.push(producer.send(records));
    }
    for (const r of await Promise.all(sends)) reports.push(...r);
  }
  for (let p = 0; p < partitions; p++) {
    const log = await logValues(cluster, "t", p);
    assert.equal(new Set(log).size, log.length, `partition ${p} holds a record twice`);
    assert.deepEqual(log, [...log].sort(), `partition ${p} is out of order`);
    for (let i = 0; i < reports.length; i++) {
      const r = reports[i]!;
      if (r.partition !== p || r.error !== undefined || r.offset < 0) continue;
      assert.equal(log[r.offset], values[i], `record ${values[i]} is not at offset ${r.offset}`);
    }
  }
  assert.deepEqual(cluster.faults, []);
  return reports;
}

test("answers lost after the append: every record once, in order", async () => {
  await using cluster = await FakeCluster.start({
    brokers: 2,
    topics: [{ name: "t", partitions: 4 }],
  });
  let seen = 0;
  cluster.intercept(() => ++seen % 3 === 0 ? { kind: "applyAndDrop" } : undefined, { key: 0 });
  await using client = await connect(cluster);
  await using producer = new Producer(client, { retryBackoffMs: 5, requestTimeoutMs: 2000 });
  const reports = await streamAndCheck(cluster, producer, 4, 24);
  assert.deepEqual(reports.filter((r) => r.error), []);
});

test("OUT_OF_ORDER_SEQUENCE_NUMBER and DUPLICATE_SEQUENCE_NUMBER answers: every record once", async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "t", partitions: 2 }] });
  await using client = await connect(cluster);
  await using producer = new Producer(client, { retryBackoffMs: 5 });
  const reports = await streamAndCheck(cluster, producer, 2, 16, (round) => {
    if (round === 3) {
      cluster.intercept(() => ({ kind: "error", code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER }), {
        key: 0,
        once: true,
      });
    }
    if (round === 9) {
      // Appended, then answered as a duplicate: the producer must count it delivered.
      cluster.intercept(() => ({
        kind: "rewrite",
        fn: (res) => {
          for (const t of (res as ProduceResponse).responses) {
            for (const p of t.partitionResponses) {
              p.errorCode = ErrorCode.DUPLICATE_SEQUENCE_NUMBER;
            }
          }
          return res;
        },
      }), { key: 0, once: true });
    }
  });
  assert.deepEqual(reports.filter((r) => r.error), []);
  for (let p = 0; p < 2; p++) assert.equal((await logValues(cluster, "t", p)).length, 160);
});

test("leaders moving mid-stream and a broker stopped with requests in flight", async () => {
  await using cluster = await FakeCluster.start({
    brokers: 3,
    topics: [{ name: "t", partitions: 3 }],
  });
  await using client = await connect(cluster);
  await using producer = new Producer(client, { retryBackoffMs: 5, requestTimeoutMs: 2000 });
  let stopped = 0;
  let stopping: Promise<void> = Promise.resolve();
  const reports = await streamAndCheck(cluster, producer, 3, 32, async (round) => {
    if (round % 4 === 1) {
      // To a running broker: the fake's moveLeader would pick a stopped one too, leaving the
      // partition without a live leader until deliveryTimeoutMs.
      const p = round % 3;
      const to = [1, 2, 3].find((b) => b !== stopped && b !== cluster.partition("t", p).leader)!;
      cluster.moveLeader("t", p, to);
    }
    if (round === 13) {
      const victim = stopped = cluster.partition("t", 0).leader;
      cluster.intercept(() => ({ kind: "delay", ms: 50 }), { key: 0, broker: victim, once: true });
      // Stopped while the delayed request is in flight.
      stopping = new Promise((r) => setTimeout(r, 10)).then(() => cluster.stopBroker(victim));
    }
    if (round === 25) {
      await stopping;
      cluster.startBroker(stopped);
      stopped = 0;
    }
  });
  assert.deepEqual(reports.filter((r) => r.error), []);
});

test("a slow broker's requests time out and are retried: every record once", async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "t", partitions: 2 }] });
  await using client = await connect(cluster);
  await using producer = new Producer(client, { retryBackoffMs: 5, requestTimeoutMs: 200 });
  // One answer comes long after the request timed out (request timeout + the client's 5 s).
  const slow = cluster.intercept(() => ({ kind: "delay", ms: 5600 }), { key: 0, once: true });
  const reports = await streamAndCheck(cluster, producer, 2, 8);
  assert.equal(slow.calls >= 1, true);
  assert.deepEqual(reports.filter((r) => r.error), []);
});

test("abort fails what is not sent with the reason, and every call settles", async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "t" }] });
  const hung = cluster.intercept(() => ({ kind: "drop", silent: true }), { key: 0 });
  await using client = await connect(cluster);
  const stop = new AbortController();
  const failed: DeliveryReport[] = [];
  const producer = new Producer(client, {
    signal: stop.signal,
    requestTimeoutMs: 500,
    lingerMs: 60_000,
    onError: (r) => failed.push(r),
  });
  const writer = producer.writable.getWriter();
  // In flight: its fate is the request's (it times out, unanswered).
  const sent = producer.send([{ topic: "t", value: "a" }]);
  await until("the produce", () => hung.calls >= 1);
  // Buffered, lingering: abort fails it with the reason.
  await writer.write({ topic: "t", value: "b" });
  stop.abort(new Error("stopped by the test"));
  await until("the lingering record's failure", () => failed.length === 1);
  assert.equal(failed[0]!.error?.message, "stopped by the test");
  const [a] = await sent;
  assert.equal((a!.error as KafkaError).code, ErrorCode.REQUEST_TIMED_OUT);
  await producer.close();
  await assert.rejects(writer.write({ topic: "t", value: "late" }));
  hung.remove();
  assert.deepEqual(await logValues(cluster, "t", 0), []);
});

test("with the broker stalled, the dump shows the request in flight and the stages upstream backpressured", async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "t", partitions: 2 }] });
  const stall = cluster.intercept(() => ({ kind: "drop", silent: true }), { key: 0 });
  await using client = await connect(cluster);
  await using producer = new Producer(client, {
    maxBufferedRecords: 40,
    requestTimeoutMs: 500,
    retryBackoffMs: 10,
  });
  const writer = producer.writable.getWriter();
  const writes: Promise<void>[] = [];
  for (let i = 0; i < 10; i++) {
    writes.push(writer.write(Array.from({ length: 20 }, (_, k) => ({
      topic: "t",
      partition: k % 2,
      value: `${i}-${k}`,
    }))));
  }
  const state = (name: string) =>
    producer.stages().filter((s) => s.name === name).map((s) => s.state);
  await until("the buffer to fill", () => state("topicDispatcher")[0] === "backpressured");
  assert.deepEqual(state("flusher"), ["request in flight"]);
  assert.deepEqual(state("leaderDispatcher"), ["request in flight", "request in flight"]);
  const dump = producer.dumpStages();
  assert.match(dump, /flusher\s+producer \d+, broker 1\s+request in flight/);
  assert.match(dump, /topicDispatcher\s+producer \d+\s+backpressured/);
  stall.remove();
  await Promise.all(writes);
  await producer.flush();
  writer.releaseLock();
  for (let p = 0; p < 2; p++) assert.equal((await logValues(cluster, "t", p)).length, 100);
});

test("a produce request stays within maxRequestBytes", async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "t", partitions: 4 }] });
  const sizes: number[] = [];
  cluster.intercept((req) => {
    const body = req.body as { topicData: { partitionData: { records: Uint8Array | null }[] }[] };
    let n = 0;
    for (const t of body.topicData) for (const p of t.partitionData) n += p.records?.length ?? 0;
    sizes.push(n);
  }, { key: 0 });
  await using client = await connect(cluster);
  await using producer = new Producer(client, {
    maxRequestBytes: 2048,
    batchBytes: 1024,
    lingerMs: 10_000,
  });
  const value = "x".repeat(800);
  await producer.send([0, 1, 2, 3].map((partition) => ({ topic: "t", partition, value })));
  assert.ok(sizes.length >= 2);
  for (const n of sizes) assert.ok(n <= 2048, `a request carried ${n} bytes of batches`);
  for (let p = 0; p < 4; p++) assert.equal((await logValues(cluster, "t", p)).length, 1);
});

test("writes for a missing topic wait together, and other topics go on meanwhile", async () => {
  await using cluster = await FakeCluster.start({
    autoCreateTopics: false,
    topics: [{ name: "t" }],
  });
  await using client = await connect(cluster);
  await using producer = new Producer(client, { maxBlockMs: 3000, retryBackoffMs: 50 });
  const missing = Array.from(
    { length: 5 },
    (_, i) => producer.send({ topic: "nowhere", value: String(i) }).then(() => null, (e) => e),
  );
  // Another topic is not held back.
  assert.equal((await producer.send({ topic: "t", value: "meanwhile" })).offset, 0);
  const settled = new Set<number>();
  missing.forEach((p, i) => p.then(() => settled.add(i)));
  const first = await Promise.race(missing);
  assert.equal((first as KafkaError).code, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  // One after another, each would take another maxBlockMs; together they end at once.
  await until("every write to fail", () => settled.size === 5, 1500, 10);
  for (const e of await Promise.all(missing)) {
    assert.equal((e as KafkaError).code, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  }
});

test("a record's timestamp is taken when it is accepted, not when it reaches its batch", async () => {
  await using cluster = await FakeCluster.start({ autoCreateTopics: false });
  let lookups = 0;
  cluster.intercept(() => void lookups++, { key: 3 });
  await using client = await connect(cluster);
  await using producer = new Producer(client, { retryBackoffMs: 20 });
  const accepted = Date.now();
  const sent = producer.send({ topic: "late", value: "v" });
  const before = lookups;
  await until("the producer to look for the topic twice", () => lookups >= before + 2);
  // Whatever the clock's resolution, the topic appears strictly after the record was accepted.
  await until("the clock to move on", () => Date.now() > accepted + 1, 1000, 1);
  const appeared = Date.now();
  cluster.createTopic("late");
  const report = await sent;
  assert.ok(report.timestamp < appeared, `${report.timestamp} is not before ${appeared}`);
  const { batches } = await decodeRecordBatches(cluster.partition("late", 0).log.batches[0]!.bytes);
  assert.equal(batches[0]!.records[0]!.timestamp, report.timestamp);
});

test("MESSAGE_TOO_LARGE on a batch splits it and retries; a record too large alone fails alone", async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "t" }] });
  // The broker refuses any batch of more than one record, and any batch holding "big".
  const refusals: number[] = [];
  const hook = cluster.intercept(async (req) => {
    const body = req.body as ProduceRequest;
    for (const t of body.topicData) {
      for (const p of t.partitionData) {
        const { batches } = await decodeRecordBatches(p.records!);
        const values = batches.flatMap((b) =>
          b.records.map((r) => new TextDecoder().decode(r.value!))
        );
        if (values.length > 1 || values.includes("big")) {
          refusals.push(values.length);
          return { kind: "error", code: ErrorCode.MESSAGE_TOO_LARGE };
        }
      }
    }
  }, { key: 0 });
  await using client = await connect(cluster);
  await using producer = new Producer(client, { retryBackoffMs: 10, lingerMs: 1000 });
  const reports = await producer.send([
    { topic: "t", partition: 0, value: "a" },
    { topic: "t", partition: 0, value: "b" },
    { topic: "t", partition: 0, value: "big" },
    { topic: "t", partition: 0, value: "c" },
  ]);
  assert.ok(hook.calls > 1);
  assert.equal(refusals[0], 4, "the four records went in one batch first");
  assert.deepEqual(reports.map((r) => r.error === undefined), [true, true, false, true]);
  assert.equal((reports[2]!.error as KafkaError).code, ErrorCode.MESSAGE_TOO_LARGE);
  assert.deepEqual(reports.filter((r) => !r.error).map((r) => r.offset), [0, 1, 2]);
  assert.deepEqual(await logValues(cluster, "t", 0), ["a", "b", "c"]);
  assert.deepEqual(cluster.faults, []);
});
