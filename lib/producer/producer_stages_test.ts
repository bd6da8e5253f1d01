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
