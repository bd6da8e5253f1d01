// Copyright 2026 the kanal authors. MIT license.
// The transactional producer against the fake cluster (transactions v1: the fake finalizes no
// transaction.version) under faults: retried coordinator answers, a coordinator that moves or
// drops the connection, fatal and abortable errors. Every test checks what the fake's log holds:
// the records and the commit or abort markers.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { Client } from "../client/client.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { decodeRecordBatches } from "../protocol/record_batch_decoder.ts";
import { FakeCluster } from "../testing/fake_cluster.ts";
import { Producer } from "./producer.ts";

/** The fake's log of t/0: values, and "COMMIT"/"ABORT" for markers, in offset order. */
async function log(cluster: FakeCluster): Promise<string[]> {
  const out: string[] = [];
  for (const b of cluster.partition("t", 0).log.batches) {
    const { batches } = await decodeRecordBatches(b.bytes);
    for (const batch of batches) {
      if (batch.controlMarker) out.push(batch.controlMarker.type.toUpperCase());
      else for (const r of batch.records) out.push(new TextDecoder().decode(r.value!));
    }
  }
  return out;
}

async function setUp(brokers = 1) {
  const cluster = await FakeCluster.start({ brokers, topics: [{ name: "t", partitions: 1 }] });
  const client = await Client.connect({ brokers: cluster.bootstrap, transport: cluster.transport });
  const producer = new Producer(client, { transactionalId: "tx", retryBackoffMs: 10 });
  return {
    cluster,
    client,
    producer,
    async [Symbol.asyncDispose]() {
      await producer.close().catch(() => {}); // a fatal producer's close may rethrow its error
      await client.close();
      await cluster.close();
    },
  };
}

const rec = (value: string) => ({ topic: "t", partition: 0, value });

test("CONCURRENT_TRANSACTIONS and COORDINATOR_LOAD_IN_PROGRESS are retried, not surfaced", async () => {
  await using s = await setUp();
  const hooks = [
    s.cluster.intercept(() => ({ kind: "error", code: ErrorCode.CONCURRENT_TRANSACTIONS }), {
      key: 22,
      once: true,
    }),
    s.cluster.intercept(() => ({ kind: "error", code: ErrorCode.CONCURRENT_TRANSACTIONS }), {
      key: 24,
      once: true,
    }),
    s.cluster.intercept(() => ({ kind: "error", code: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS }), {
      key: 26,
      once: true,
    }),
  ];
  await s.producer.transaction(async (tx) => {
    await tx.send(rec("a"));
  });
  assert.deepEqual(hooks.map((h) => h.calls), [1, 1, 1]);
  assert.deepEqual(await log(s.cluster), ["a", "COMMIT"]);
});

test("the coordinator moving mid-transaction is found again (NOT_COORDINATOR), and a lost connection is retried", async () => {
  await using s = await setUp(2);
  const finds = s.cluster.intercept(() => undefined, { key: 10 });
  s.cluster.moveCoordinator("tx", 1, 1);
  await s.producer.beginTransaction();
  await s.producer.send(rec("a"));
  const before = finds.calls;
  s.cluster.moveCoordinator("tx", 2, 1);
  // The EndTxn that reaches the new coordinator loses its answer once: sent again, it commits.
  const dropped = s.cluster.intercept(() => ({ kind: "drop" }), { key: 26, broker: 2, once: true });
  await s.producer.commitTransaction();
  assert.ok(finds.calls > before, "looked the coordinator up again");
  assert.equal(dropped.calls, 1);
  assert.deepEqual(await log(s.cluster), ["a", "COMMIT"]);
});

test("PRODUCER_FENCED from the coordinator ends the producer, typed", async () => {
  await using s = await setUp();
  s.cluster.intercept(() => ({ kind: "error", code: ErrorCode.PRODUCER_FENCED }), {
    key: 26,
    once: true,
  });
  await s.producer.beginTransaction();
  await s.producer.send(rec("a"));
  const fenced = { name: "KafkaError", code: ErrorCode.PRODUCER_FENCED };
  await assert.rejects(s.producer.commitTransaction(), fenced);
  assert.equal(s.producer.transactionState, "fatal");
  await assert.rejects(s.producer.abortTransaction(), fenced);
  await assert.rejects(s.producer.beginTransaction(), fenced);
  await assert.rejects(s.producer.send(rec("b")), fenced);
  // Never committed: no marker.
  assert.deepEqual(await log(s.cluster), ["a"]);
});

test("TRANSACTIONAL_ID_AUTHORIZATION_FAILED ends the producer at its first transaction", async () => {
  await using s = await setUp();
  s.cluster.intercept(
    () => ({ kind: "error", code: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED }),
    { key: 22, once: true },
  );
  const denied = { name: "KafkaError", code: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
  await assert.rejects(s.producer.beginTransaction(), denied);
  assert.equal(s.producer.transactionState, "fatal");
  await assert.rejects(s.producer.beginTransaction(), denied);
});

test("a failed send makes the commit throw; the abort then lets the next transaction commit", async () => {
  await using s = await setUp();
  await s.producer.beginTransaction();
  await s.producer.send(rec("a"));
  s.cluster.intercept(() => ({ kind: "error", code: ErrorCode.INVALID_RECORD }), {
    key: 0,
    once: true,
  });
  const [report] = await s.producer.send([rec("b")]);
  assert.equal((report!.error as KafkaError).code, ErrorCode.INVALID_RECORD);
  await assert.rejects(s.producer.commitTransaction(), (e) => {
    assert.ok(e instanceof KafkaError);
    assert.equal(e.code, ErrorCode.TRANSACTION_ABORTABLE);
    assert.equal((e.cause as KafkaError).code, ErrorCode.INVALID_RECORD);
    return true;
  });
  assert.equal(s.producer.transactionState, "abortable");
  // Only an abort helps now: more records are refused with the same cause.
  await assert.rejects(s.producer.send(rec("b2")), (e) => {
    assert.ok(e instanceof KafkaError);
    assert.equal(e.code, ErrorCode.TRANSACTION_ABORTABLE);
    assert.equal((e.cause as KafkaError).code, ErrorCode.INVALID_RECORD);
    return true;
  });
  await s.producer.abortTransaction();
  await s.producer.transaction(async (tx) => {
    await tx.send(rec("c"));
  });
  assert.deepEqual(await log(s.cluster), ["a", "ABORT", "c", "COMMIT"]);
});

test("records not yet sent when the transaction aborts fail, and none reaches the log", async () => {
  await using s = await setUp();
  const producer = new Producer(s.client, { transactionalId: "slow", lingerMs: 60_000 });
  try {
    await producer.beginTransaction();
    const w = producer.writable.getWriter();
    await w.write([rec("lingering")]);
    w.releaseLock();
    await producer.abortTransaction();
    await assert.rejects(producer.flush(), (e: Error) => /aborted/.test(String(e.message)));
    await producer.transaction(async (tx) => {
      await tx.send(rec("after"));
    });
  } finally {
    await producer.close();
  }
  assert.deepEqual(await log(s.cluster), ["after", "COMMIT"]);
});

test("ILLEGAL_GENERATION on TxnOffsetCommit makes the transaction abortable", async () => {
  await using s = await setUp();
  s.cluster.intercept(() => ({ kind: "error", code: ErrorCode.ILLEGAL_GENERATION }), {
    key: 28,
    once: true,
  });
  await s.producer.beginTransaction();
  await s.producer.send(rec("a"));
  const group = { groupId: "g", generationId: 3, memberId: "m" };
  await assert.rejects(
    s.producer.sendOffsetsToTransaction([{ topic: "t", partition: 0, offset: 1 }], group),
    { name: "KafkaError", code: ErrorCode.ILLEGAL_GENERATION },
  );
  await assert.rejects(s.producer.commitTransaction(), {
    code: ErrorCode.TRANSACTION_ABORTABLE,
  });
  await s.producer.abortTransaction();
  assert.deepEqual(await log(s.cluster), ["a", "ABORT"]);
});

test("close() aborts an open transaction", async () => {
  await using s = await setUp();
  await s.producer.beginTransaction();
  await s.producer.send(rec("a"));
  await s.producer.close();
  assert.deepEqual(await log(s.cluster), ["a", "ABORT"]);
});
