// Copyright 2026 the kanal authors. MIT license.
// Conformance: produce, fetch and offsets, compression, DeleteRecords and the produce errors,
// run against the fake cluster and the real broker with the same expectations.
import { test } from "../_test.ts";
import assert from "node:assert/strict";
import { API_TABLE } from "../../lib/protocol/messages/api_table.ts";
import { ErrorCode } from "../../lib/protocol/error_codes.ts";
import type { CompressionName } from "../../lib/protocol/compression/codec.ts";
import { prepareCodecs } from "../../lib/protocol/compression/codec_registry.ts";
import { decodeRecordBatches } from "../../lib/protocol/record_batch_decoder.ts";
import { encodeRecordBatch } from "../../lib/protocol/record_batch_encoder.ts";
import { createTopic, freshTopic, openTarget, type Target, TARGETS } from "./_targets.ts";

async function produce(t: Target, topic: string, records: Uint8Array, acks = -1) {
  const res = await t.call(API_TABLE[0], 9, {
    transactionalId: null,
    acks,
    timeoutMs: 10_000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
  });
  return res.responses[0]!.partitionResponses[0]!;
}

async function fetchAt(t: Target, topicId: string, offset: bigint) {
  const res = await t.call(API_TABLE[1], 16, {
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{
      topicId,
      partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: 1 << 20 }],
    }],
  });
  return res.responses[0]!.partitions[0]!;
}

async function listOffset(t: Target, topic: string, timestamp: bigint) {
  const res = await t.call(API_TABLE[2], 8, {
    replicaId: -1,
    isolationLevel: 0,
    topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp }] }],
  });
  return res.topics[0]!.partitions[0]!;
}

// Timestamps from now: a real broker's time retention deletes a log whose records are all older
// than retention.ms (7 days), even its active segment, at any check; 1970 timestamps let a check
// that fell inside a test move the log start under it.
const NOW = Date.now();

function records(values: string[], firstTimestamp: number) {
  return values.map((value, i) => ({ key: `k${i}`, value, timestamp: firstTimestamp + i }));
}

for (const name of TARGETS) {
  test(`[${name}] produced batches get consecutive offsets and are fetched and listed back`, async () => {
    await using t = await openTarget(name);
    const topic = freshTopic("pf");
    const id = await createTopic(t, topic);
    const first = await produce(t, topic, await encodeRecordBatch(records(["a", "b", "c"], NOW)));
    assert.deepEqual([first.errorCode, first.baseOffset], [0, 0n]);
    const second = await produce(t, topic, await encodeRecordBatch(records(["d", "e"], NOW + 3)));
    assert.deepEqual([second.errorCode, second.baseOffset], [0, 3n]);
    const f = await fetchAt(t, id, 0n);
    assert.deepEqual([f.errorCode, f.highWatermark, f.logStartOffset], [0, 5n, 0n]);
    const { batches } = await decodeRecordBatches(f.records!);
    assert.deepEqual(batches.map((b) => b.baseOffset), [0n, 3n]);
    assert.deepEqual(
      batches.flatMap((b) =>
        b.records.map((r) => `${r.offset}:${new TextDecoder().decode(r.value!)}`)
      ),
      ["0:a", "1:b", "2:c", "3:d", "4:e"],
    );
    // A fetch in the middle of a batch returns the whole batch, from its first offset.
    const mid = await decodeRecordBatches((await fetchAt(t, id, 4n)).records!);
    assert.deepEqual(mid.batches.map((b) => b.baseOffset), [3n]);
    assert.equal((await fetchAt(t, id, 5n)).records?.length ?? 0, 0);
    assert.equal((await fetchAt(t, id, 6n)).errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
    assert.equal((await listOffset(t, topic, -2n)).offset, 0n);
    assert.equal((await listOffset(t, topic, -1n)).offset, 5n);
    const byTime = await listOffset(t, topic, BigInt(NOW + 2));
    assert.deepEqual([byTime.offset, byTime.timestamp], [2n, BigInt(NOW + 2)]);
    const max = await listOffset(t, topic, -3n);
    assert.deepEqual([max.offset, max.timestamp], [4n, BigInt(NOW + 4)]);
    assert.equal((await listOffset(t, topic, BigInt(NOW + 9999))).offset, -1n);
  });

  test(`[${name}] every codec is stored as produced and read back`, async () => {
    await prepareCodecs();
    await using t = await openTarget(name);
    const topic = freshTopic("codec");
    const id = await createTopic(t, topic);
    const codecs: CompressionName[] = ["none", "gzip", "snappy", "lz4", "zstd"];
    for (const compression of codecs) {
      const batch = await encodeRecordBatch(records([compression, "x".repeat(200)], NOW), {
        compression,
      });
      assert.equal((await produce(t, topic, batch)).errorCode, 0, compression);
    }
    const { batches } = await decodeRecordBatches((await fetchAt(t, id, 0n)).records!);
    assert.deepEqual(batches.map((b) => b.compression), codecs);
    assert.deepEqual(batches.map((b) => new TextDecoder().decode(b.records[0]!.value!)), codecs);
  });

  test(`[${name}] DeleteRecords moves the log start, and reads below it are out of range`, async () => {
    await using t = await openTarget(name);
    const topic = freshTopic("del");
    const id = await createTopic(t, topic);
    await produce(t, topic, await encodeRecordBatch(records(["a", "b"], NOW)));
    await produce(t, topic, await encodeRecordBatch(records(["c", "d"], NOW + 2)));
    const res = await t.call(API_TABLE[21], 2, {
      topics: [{ name: topic, partitions: [{ partitionIndex: 0, offset: 2n }] }],
      timeoutMs: 10_000,
    });
    assert.deepEqual(res.topics[0]!.partitions[0], {
      partitionIndex: 0,
      lowWatermark: 2n,
      errorCode: 0,
    });
    assert.equal((await listOffset(t, topic, -2n)).offset, 2n);
    assert.equal((await fetchAt(t, id, 0n)).errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
    assert.equal((await fetchAt(t, id, 2n)).logStartOffset, 2n);
    const beyond = await t.call(API_TABLE[21], 2, {
      topics: [{ name: topic, partitions: [{ partitionIndex: 0, offset: 9n }] }],
      timeoutMs: 10_000,
    });
    assert.equal(beyond.topics[0]!.partitions[0]!.errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
  });

  test(`[${name}] bad produce requests get Kafka's error codes`, async () => {
    await using t = await openTarget(name);
    const topic = freshTopic("bad");
    await createTopic(t, topic);
    const batch = await encodeRecordBatch(records(["a"], NOW));
    assert.equal(
      (await produce(t, freshTopic("missing"), batch)).errorCode,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
    const corrupt = batch.slice();
    corrupt[corrupt.length - 1]! ^= 0xff;
    assert.equal((await produce(t, topic, corrupt)).errorCode, ErrorCode.CORRUPT_MESSAGE);
    assert.equal((await produce(t, topic, batch, 2)).errorCode, ErrorCode.INVALID_REQUIRED_ACKS);
  });

  test(`[${name}] CreateTopics refuses a taken name, a bad name and bad counts`, async () => {
    await using t = await openTarget(name);
    const taken = freshTopic("taken");
    await createTopic(t, taken);
    const res = await t.call(API_TABLE[19], 7, {
      topics: [
        { name: taken, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
        { name: "bad name!", numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
        {
          name: freshTopic("rf"),
          numPartitions: 1,
          replicationFactor: 9,
          assignments: [],
          configs: [],
        },
        {
          name: freshTopic("np"),
          numPartitions: 0,
          replicationFactor: 1,
          assignments: [],
          configs: [],
        },
      ],
      timeoutMs: 10_000,
    });
    assert.deepEqual(res.topics.map((r) => r.errorCode), [
      ErrorCode.TOPIC_ALREADY_EXISTS,
      ErrorCode.INVALID_TOPIC_EXCEPTION,
      ErrorCode.INVALID_REPLICATION_FACTOR,
      ErrorCode.INVALID_PARTITIONS,
    ]);
  });
}
