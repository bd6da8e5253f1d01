// Copyright 2026 the kanal authors. MIT license.
// The producer's stage edges against the fake cluster: a stage that fails fails the records it
// holds with a typed error, errors the stages upstream, and leaves no send(), flush() or close()
// waiting; and a partitioner's answer out of range fails its record alone.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { Client } from "../client/client.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { decodeRecordBatches } from "../protocol/record_batch_decoder.ts";
import { FakeCluster } from "../testing/fake_cluster.ts";
import { type FaultyStage, stageFault } from "./_stage_fault.ts";
import type { Partitioner } from "./partitioner.ts";
import { Producer } from "./producer.ts";

/** The values the fake's log of `topic`/`partition` holds, in offset order. */
async function logValues(cluster: FakeCluster, topic: string, partition: number) {
  const out: string[] = [];
  for (const b of cluster.partition(topic, partition).log.batches) {
    const { batches } = await decodeRecordBatches(b.bytes);
    for (const batch of batches) {
      for (const r of batch.records) out.push(new TextDecoder().decode(r.value!));
    }
  }
  return out;
}

function assertStageError(error: unknown, stage: string): void {
  assert.ok(error instanceof KafkaError, `not a KafkaError: ${error}`);
  assert.equal(error.retriable, false);
  assert.match(error.message, new RegExp(stage));
  assert.equal((error.cause as Error).message, `injected into ${stage}`);
}

// One test per edge: the stage downstream of it fails once, as it takes its first chunk.
for (
  const stage of [
    "partitionDispatcher",
    "leaderDispatcher",
    "messageAggregator",
    "flusher",
    "retryHandler",
  ] as const satisfies readonly FaultyStage[]
) {
  test(`a failing ${stage} fails its records typed, and send, flush and close settle`, {
    timeout: 30_000,
  }, async () => {
    await using cluster = await FakeCluster.start({ topics: [{ name: "t" }] });
    // The retryHandler is only reached by a failed batch: the first produce is refused,
    // retriably, and not appended.
    const refused = stage === "retryHandler"
      ? cluster.intercept(() => ({ kind: "error", code: ErrorCode.NOT_LEADER_OR_FOLLOWER }), {
        key: 0,
        once: true,
      })
      : undefined;
    let armed = true;
    stageFault.at = (s) => {
      if (s !== stage || !armed) return undefined;
      armed = false;
      return new Error(`injected into ${stage}`);
    };
    try {
      await using client = await Client.connect({
        brokers: cluster.bootstrap,
        transport: cluster.transport,
      });
      const producer = new Producer(client, { retryBackoffMs: 10 });
      const writer = producer.writable.getWriter();
      const reports = await producer.send([{ topic: "t", value: "a" }, { topic: "t", value: "b" }]);
      assert.equal(armed, false, "the fault was not reached");
      if (refused) assert.equal(refused.calls, 1);
      for (const r of reports) assertStageError(r.error, stage);
      // The producer is failed: later sends are refused with the same typed error, the stream
      // into it is errored, and flush() and close() settle.
      await assert.rejects(
        producer.send({ topic: "t", value: "late" }),
        (e) => (assertStageError(e, stage), true),
      );
      await assert.rejects(writer.write({ topic: "t", value: "later" }));
      await producer.flush();
      await producer.close();
      assert.deepEqual(await logValues(cluster, "t", 0), []);
      assert.equal(producer.buffered.records, 0);
    } finally {
      stageFault.at = undefined;
    }
  });
}

test("a partitioner's answer out of range fails that record, typed; the others go on", async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "t", partitions: 2 }] });
  await using client = await Client.connect({
    brokers: cluster.bootstrap,
    transport: cluster.transport,
  });
  const bad = [2, 7, -1, NaN, 0.5, Infinity];
  const partitioner: Partitioner = {
    partition: (_t, key) => key === null ? 1 : bad[Number(key)]!,
  };
  await using producer = new Producer(client, { partitioner });
  const reports = await producer.send([
    { topic: "t", value: "a" },
    ...bad.map((_, i) => ({ topic: "t", key: String(i), value: `bad ${i}` })),
    { topic: "t", value: "b" },
  ]);
  assert.deepEqual([reports[0]!.offset, reports.at(-1)!.offset], [0, 1]);
  for (const r of reports.slice(1, -1)) {
    assert.ok(r.error instanceof KafkaError, `not a KafkaError: ${r.error}`);
    assert.equal(r.error.retriable, false);
    assert.match(r.error.message, /partitioner/);
    assert.equal(r.offset, -1);
  }
  assert.equal((await producer.send({ topic: "t", value: "c" })).offset, 2);
  assert.deepEqual(await logValues(cluster, "t", 1), ["a", "b", "c"]);
  assert.deepEqual(await logValues(cluster, "t", 0), []);
  assert.equal(producer.buffered.records, 0);
});

test(
  "a batch behind one refused as out of order resets with it instead of waiting out deliveryTimeoutMs",
  {
    timeout: 60_000,
  },
  async () => {
    await using cluster = await FakeCluster.start({ topics: [{ name: "t" }] });
    await using client = await Client.connect({
      brokers: cluster.bootstrap,
      transport: cluster.transport,
    });
    // One record per batch, so "b" and "c" go in two requests, both in flight at once.
    await using producer = new Producer(client, {
      batchRecords: 1,
      retryBackoffMs: 10,
      requestTimeoutMs: 300,
      deliveryTimeoutMs: 20_000,
    });
    assert.equal((await producer.send({ topic: "t", value: "a" })).offset, 0);
    let produces = 0;
    // "b" is refused as OUT_OF_ORDER_SEQUENCE_NUMBER (not appended: the partition's sequences
    // reset), answered late enough that "c" is in flight by then; "c"'s request goes unanswered
    // and times out, so the producer cannot tell from its own answer whether it was appended.
    const counter = cluster.intercept(() => {
      produces++;
      return produces === 1 ? { kind: "delay", ms: 200 } : undefined;
    }, { key: 0 });
    const faults = cluster.intercept(
      () =>
        produces === 1
          ? { kind: "error", code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER }
          : produces === 2
          ? { kind: "drop", silent: true }
          : undefined,
      { key: 0 },
    );
    const [b, c] = await Promise.all([
      producer.send({ topic: "t", value: "b" }),
      producer.send({ topic: "t", value: "c" }),
    ]);
    assert.equal(produces >= 4, true, `${produces} produce requests`);
    // "c" cannot be in the log, since "b", before it in sequence, is not: both go again, from
    // sequence 0 under a new epoch, once each and in order.
    assert.deepEqual([b.offset, c.offset], [1, 2]);
    assert.deepEqual(await logValues(cluster, "t", 0), ["a", "b", "c"]);
    counter.remove();
    faults.remove();
  },
);
