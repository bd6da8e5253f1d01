// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { ErrorCode } from "../protocol/error_codes.ts";
import { encodeRecordBatch } from "../protocol/record_batch_encoder.ts";
import { checkBatch, PartitionLog } from "./partition_log.ts";

async function batch(n: number, producerId = -1n, epoch = -1, seq = -1): Promise<Uint8Array> {
  const records = Array.from({ length: n }, (_, i) => ({ value: `r${i}`, timestamp: 1000 + i }));
  return await encodeRecordBatch(records, {
    producerId,
    producerEpoch: epoch,
    baseSequence: seq,
  });
}

test("a retried idempotent batch is answered with its first offset and stored once", async () => {
  const log = new PartitionLog();
  assert.equal(log.append(await batch(3, 7n, 0, 0), 0, 0n).baseOffset, 0n);
  assert.equal(log.append(await batch(2, 7n, 0, 3), 0, 0n).baseOffset, 3n);
  const dup = log.append(await batch(3, 7n, 0, 0), 0, 0n);
  assert.deepEqual([dup.errorCode, dup.baseOffset], [0, 0n]);
  assert.equal(log.highWatermark, 5n);
  assert.equal(log.batches.length, 2);
});

test("a gap in sequences is OUT_OF_ORDER_SEQUENCE_NUMBER and writes nothing", async () => {
  const log = new PartitionLog();
  log.append(await batch(2, 7n, 0, 0), 0, 0n);
  const r = log.append(await batch(1, 7n, 0, 5), 0, 0n);
  assert.equal(r.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  assert.equal(log.highWatermark, 2n);
});

test("an older epoch is INVALID_PRODUCER_EPOCH; a newer one must start at sequence 0", async () => {
  const log = new PartitionLog();
  log.append(await batch(1, 7n, 3, 0), 0, 0n);
  assert.equal(
    log.append(await batch(1, 7n, 2, 1), 0, 0n).errorCode,
    ErrorCode.INVALID_PRODUCER_EPOCH,
  );
  assert.equal(
    log.append(await batch(1, 7n, 4, 9), 0, 0n).errorCode,
    ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
  );
  assert.equal(log.append(await batch(1, 7n, 4, 0), 0, 0n).errorCode, 0);
});

test("an unknown producer may start at any sequence, as Kafka 4 allows", async () => {
  const log = new PartitionLog();
  assert.equal(log.append(await batch(1, 9n, 0, 42), 0, 0n).errorCode, 0);
  assert.equal(log.append(await batch(1, 9n, 0, 43), 0, 0n).errorCode, 0);
});

test("retention by bytes drops the oldest batches and moves the log start", async () => {
  const one = await batch(1);
  const log = new PartitionLog({ retentionBytes: one.length * 3 });
  for (let i = 0; i < 10; i++) log.append((await batch(1)).slice(), 0, 0n);
  assert.equal(log.batches.length, 3);
  assert.equal(log.logStartOffset, 7n);
  assert.equal(log.highWatermark, 10n);
  assert.ok(log.sizeInBytes <= one.length * 3);
});

test("truncation cuts the tail and the epochs that began in it", async () => {
  const log = new PartitionLog();
  log.append(await batch(2), 0, 0n);
  log.append(await batch(2), 1, 0n);
  log.append(await batch(2), 2, 0n);
  log.truncate(4n);
  assert.equal(log.highWatermark, 4n);
  assert.deepEqual(log.epochs.map((e) => e.epoch), [0, 1]);
  assert.deepEqual(log.endOffsetFor(1, 3), { epoch: 1, endOffset: 4n });
  assert.deepEqual(log.endOffsetFor(0, 3), { epoch: 0, endOffset: 2n });
});

test("a batch with a broken CRC is CORRUPT_MESSAGE, a short one too", async () => {
  const b = await batch(2);
  b[b.length - 1]! ^= 0xff;
  assert.equal(checkBatch(b)?.code, ErrorCode.CORRUPT_MESSAGE);
  assert.equal(checkBatch(b.subarray(0, 30))?.code, ErrorCode.CORRUPT_MESSAGE);
  const two = new Uint8Array([...await batch(1), ...await batch(1)]);
  assert.equal(checkBatch(two)?.code, ErrorCode.INVALID_RECORD);
});
