import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { decodeRecordBatches, decodeRecordBatchesSync } from "./record_batch_decoder.ts";
import { encodeRecordBatch, RecordBatchEncoder } from "./record_batch_encoder.ts";
import { controlRecord, type RecordBatch } from "./record_batch.ts";
import type { KafkaRecord, RecordInput } from "./record.ts";
import { JAVA_FIXTURES } from "./record_batch_test_fixtures.ts";
import { prepareCodecs } from "./compression/codec_registry.ts";
import { type CompressionName, DecompressionLimitError } from "./compression/codec.ts";
import { zstdAvailable } from "./compression/zstd.ts";
import { KafkaError, MalformedDataError } from "./kafka_error.ts";

await prepareCodecs();
const CODECS: CompressionName[] = ["none", "gzip", "snappy", "lz4"];
if (await zstdAvailable()) CODECS.push("zstd");

const hex = (h: string) => Uint8Array.from(h.match(/../g)!, (x) => parseInt(x, 16));
const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

/** A bit-at-a-time CRC-32C, independent of crc32c.ts, for patching hand-made bytes. */
function slowCrc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function recrc(batch: Uint8Array): Uint8Array {
  const copy = batch.slice();
  new DataView(copy.buffer).setUint32(17, slowCrc32c(copy.subarray(21)));
  return copy;
}

function simplify(r: KafkaRecord) {
  return {
    offset: r.offset,
    timestamp: r.timestamp,
    key: text(r.key),
    value: text(r.value),
    headers: r.headers.map((h) => [h.key, text(h.value)]),
  };
}

// One record (key "k", value "v", timestamp 1000) laid out by hand from the v2 format in the
// Kafka protocol guide. The CRC is java.util.zip.CRC32C over bytes 21..end.
const GOLDEN = hex(
  "0000000000000000" + // baseOffset 0
    "0000003a" + // batchLength: 61 + 9 - 12 = 58
    "ffffffff" + // partitionLeaderEpoch -1
    "02" + // magic
    "716a6189" + // crc
    "0000" + // attributes: no codec, CreateTime, not transactional, not control
    "00000000" + // lastOffsetDelta
    "00000000000003e8" + // baseTimestamp 1000
    "00000000000003e8" + // maxTimestamp 1000
    "ffffffffffffffff" + // producerId -1
    "ffff" + // producerEpoch -1
    "ffffffff" + // baseSequence -1
    "00000001" + // recordsCount
    "10" + // record length 8 (zigzag 16)
    "00" + // record attributes
    "00" + // timestampDelta 0
    "00" + // offsetDelta 0
    "02" + "6b" + // key length 1, "k"
    "02" + "76" + // value length 1, "v"
    "00", // no headers
);

test("encodeRecordBatch writes the hand-worked golden bytes of the protocol guide's layout", async () => {
  const bytes = await encodeRecordBatch([{ key: "k", value: "v", timestamp: 1000 }]);
  assert.deepEqual(bytes, GOLDEN);
  const fromBytes = await encodeRecordBatch([{
    key: utf8("k"),
    value: utf8("v"),
    timestamp: 1000,
  }]);
  assert.deepEqual(fromBytes, GOLDEN);
});

test("decodeRecordBatches reads the golden bytes", async () => {
  const { batches, bytesConsumed } = await decodeRecordBatches(GOLDEN);
  assert.equal(bytesConsumed, GOLDEN.length);
  assert.equal(batches.length, 1);
  const b = batches[0]!;
  assert.equal(b.baseOffset, 0n);
  assert.equal(b.lastOffset, 0n);
  assert.equal(b.partitionLeaderEpoch, -1);
  assert.equal(b.magic, 2);
  assert.equal(b.crc, 0x716a6189);
  assert.equal(b.compression, "none");
  assert.equal(b.producerId, -1n);
  assert.equal(b.sizeInBytes, 70);
  assert.deepEqual(b.records.map(simplify), [
    { offset: 0, timestamp: 1000, key: "k", value: "v", headers: [] },
  ]);
});

const JAVA_RECORDS = [
  {
    offset: 1000,
    timestamp: 1700000000000,
    key: "key-0",
    value: "value-0",
    headers: [["h1", "v1"]],
  },
  { offset: 1001, timestamp: 1700000000005, key: null, value: "value-1 ".repeat(40), headers: [] },
  { offset: 1002, timestamp: 1699999999990, key: "k2", value: null, headers: [["n", null]] },
];

test("decodeRecordBatches reads batches Kafka's Java client wrote, with every codec", async () => {
  for (const codec of CODECS) {
    const bytes = hex(JAVA_FIXTURES[`v2_${codec}`]!);
    const { batches, bytesConsumed } = await decodeRecordBatches(bytes);
    assert.equal(bytesConsumed, bytes.length, codec);
    assert.equal(batches.length, 1);
    const b = batches[0]!;
    assert.equal(b.compression, codec);
    assert.equal(b.baseOffset, 1000n);
    assert.equal(b.lastOffset, 1002n);
    assert.equal(b.lastOffsetDelta, 2);
    assert.equal(b.partitionLeaderEpoch, 9);
    assert.equal(b.producerId, 42n);
    assert.equal(b.producerEpoch, 3);
    assert.equal(b.baseSequence, 17);
    assert.equal(b.isTransactional, true);
    assert.equal(b.isControl, false);
    assert.equal(b.timestampType, "create-time");
    assert.equal(b.baseTimestamp, 1700000000000n);
    assert.equal(b.maxTimestamp, 1700000000005n);
    assert.equal(b.controlMarker, null);
    assert.deepEqual(b.records.map(simplify), JAVA_RECORDS, codec);
  }
});

test("decodeRecordBatches reads Java's commit and abort markers", async () => {
  const both = new Uint8Array([
    ...hex(JAVA_FIXTURES.control_commit!),
    ...hex(JAVA_FIXTURES.control_abort!),
  ]);
  const { batches } = await decodeRecordBatches(both);
  assert.equal(batches.length, 2);
  const [commit, abort] = batches as [RecordBatch, RecordBatch];
  assert.equal(commit.isControl, true);
  assert.equal(commit.isTransactional, true);
  assert.deepEqual(commit.controlMarker, { type: "commit", typeId: 1, coordinatorEpoch: 6 });
  assert.equal(commit.records[0]!.offset, 77);
  assert.equal(commit.records[0]!.timestamp, 1700000000123);
  assert.equal(commit.partitionLeaderEpoch, 4);
  assert.deepEqual(abort.controlMarker, { type: "abort", typeId: 0, coordinatorEpoch: 6 });
  assert.equal(abort.baseOffset, 78n);
});

test("control batches built with controlRecord decode to their marker", async () => {
  const { key, value } = controlRecord("abort", 12);
  const bytes = await encodeRecordBatch([{ key, value, timestamp: 5 }], {
    control: true,
    transactional: true,
    producerId: 9n,
    producerEpoch: 1,
  });
  const [batch] = (await decodeRecordBatches(bytes)).batches;
  assert.deepEqual(batch!.controlMarker, { type: "abort", typeId: 0, coordinatorEpoch: 12 });
});

const MIXED: RecordInput[] = [
  {
    key: "key-0",
    value: "value-0",
    timestamp: 1700000000000,
    headers: [{ key: "h1", value: "v1" }, { key: "ключ-😀", value: utf8("bytes") }],
  },
  { key: null, value: "ü€😀 ".repeat(50), timestamp: 1700000000005 },
  { key: utf8("k2"), value: null, timestamp: 1699999999990, headers: [{ key: "n", value: null }] },
  { value: "x".repeat(70_000), timestamp: 1 }, // a delta below -2^31, over 64 KiB
  { key: "", value: new Uint8Array(0), timestamp: 1700000000001, headers: [] },
];

function expected(records: RecordInput[], baseOffset: number, logAppend?: number) {
  return records.map((r, i) => ({
    offset: baseOffset + (r.offsetDelta ?? i),
    timestamp: logAppend ?? r.timestamp!,
    key: typeof r.key === "string" ? r.key : text(r.key ?? null),
    value: typeof r.value === "string" ? r.value : text(r.value),
    headers: (r.headers ?? []).map((
      h,
    ) => [h.key, typeof h.value === "string" ? h.value : text(h.value)]),
  }));
}

test("record batches round-trip every codec and attribute combination", async () => {
  for (const compression of CODECS) {
    for (const transactional of [false, true]) {
      for (const timestampType of ["create-time", "log-append-time"] as const) {
        const logAppend = timestampType === "log-append-time" ? 1800000000000 : undefined;
        const bytes = await encodeRecordBatch(MIXED, {
          compression,
          transactional,
          timestampType,
          maxTimestamp: logAppend === undefined ? undefined : BigInt(logAppend),
          baseOffset: 5_000_000_000n,
          partitionLeaderEpoch: 3,
          producerId: 1234567890123n,
          producerEpoch: 7,
          baseSequence: 2_147_483_000,
        });
        const where = `${compression} txn=${transactional} ${timestampType}`;
        const { batches, bytesConsumed } = await decodeRecordBatches(bytes);
        assert.equal(bytesConsumed, bytes.length, where);
        const b = batches[0]!;
        assert.equal(b.compression, compression, where);
        assert.equal(b.isTransactional, transactional, where);
        assert.equal(b.timestampType, timestampType, where);
        assert.equal(b.isControl, false);
        assert.equal(b.producerId, 1234567890123n);
        assert.equal(b.producerEpoch, 7);
        assert.equal(b.baseSequence, 2_147_483_000);
        assert.equal(b.partitionLeaderEpoch, 3);
        assert.equal(b.baseTimestamp, 1700000000000n);
        assert.equal(b.maxTimestamp, BigInt(logAppend ?? 1700000000005));
        assert.equal(b.lastOffset, 5_000_000_004n);
        assert.deepEqual(b.records.map(simplify), expected(MIXED, 5_000_000_000, logAppend), where);
      }
    }
  }
});

test("explicit offset deltas leave gaps, as compaction does", async () => {
  const records = [
    { value: "a", timestamp: 1, offsetDelta: 0 },
    { value: "b", timestamp: 2, offsetDelta: 5 },
    { value: "c", timestamp: 3, offsetDelta: 9 },
  ];
  const bytes = await encodeRecordBatch(records, { baseOffset: 10n });
  const b = (await decodeRecordBatches(bytes)).batches[0]!;
  assert.deepEqual(b.records.map((r) => r.offset), [10, 15, 19]);
  assert.equal(b.lastOffsetDelta, 9);
});

test("several batches decode in order, and a partial last batch is left for the next fetch", async () => {
  const parts = [
    await encodeRecordBatch([{ value: "a", timestamp: 1 }], { baseOffset: 0n }),
    await encodeRecordBatch([{ value: "b", timestamp: 2 }, { value: "c", timestamp: 3 }], {
      baseOffset: 1n,
      compression: "lz4",
    }),
    await encodeRecordBatch([{ value: "d".repeat(300), timestamp: 4 }], { baseOffset: 3n }),
  ];
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const full = await decodeRecordBatches(all);
  assert.deepEqual(full.batches.flatMap((b) => b.records.map((r) => r.offset)), [0, 1, 2, 3]);
  const firstTwo = parts[0]!.length + parts[1]!.length;
  for (let cut = firstTwo; cut < all.length; cut++) {
    const { batches, bytesConsumed } = decodeRecordBatchesSync(all.subarray(0, cut));
    assert.equal(batches.length, 2, `cut at ${cut}`);
    assert.equal(bytesConsumed, firstTwo);
  }
  for (let cut = 0; cut < parts[0]!.length; cut++) {
    assert.deepEqual(decodeRecordBatchesSync(all.subarray(0, cut)), {
      batches: [],
      bytesConsumed: 0,
    });
  }
});

test("a CRC mismatch throws MalformedDataError unless the check is off", async () => {
  const bytes = GOLDEN.slice();
  bytes[bytes.length - 2] = 0x77; // value "v" becomes "w"
  await assert.rejects(decodeRecordBatches(bytes), MalformedDataError);
  assert.throws(() => decodeRecordBatchesSync(bytes), /fails its CRC/);
  const { batches } = decodeRecordBatchesSync(bytes, { checkCrc: false });
  assert.equal(text(batches[0]!.records[0]!.value), "w");
});

test("an unknown codec id throws KafkaError code 76", () => {
  const bytes = GOLDEN.slice();
  bytes[22] = 5; // attributes: codec 5
  assert.throws(
    () => decodeRecordBatchesSync(recrc(bytes)),
    (e) => e instanceof KafkaError && e.code === 76,
  );
});

test("decompression beyond maxDecompressedBytes throws DecompressionLimitError", async () => {
  for (const compression of CODECS.filter((c) => c !== "none")) {
    const bytes = await encodeRecordBatch([{ value: new Uint8Array(200_000), timestamp: 0 }], {
      compression,
    });
    await assert.rejects(
      decodeRecordBatches(bytes, { maxDecompressedBytes: 100_000 }),
      DecompressionLimitError,
      compression,
    );
    const ok = await decodeRecordBatches(bytes, { maxDecompressedBytes: 300_000 });
    assert.equal(ok.batches[0]!.records[0]!.value!.length, 200_000);
  }
});

test("bad lengths inside a batch throw MalformedDataError", () => {
  const cases: [string, (b: Uint8Array) => void][] = [
    ["record count too large", (b) => new DataView(b.buffer).setInt32(57, 1000)],
    ["record count negative", (b) => new DataView(b.buffer).setInt32(57, -1)],
    ["record count too small", (b) => new DataView(b.buffer).setInt32(57, 0)],
    ["record length too long", (b) => (b[61] = 0x12)],
    ["record length too short", (b) => (b[61] = 0x0e)],
    ["key length past the end", (b) => (b[65] = 0x7e)],
    ["header count negative", (b) => (b[69] = 0x01)],
    ["unknown magic", (b) => (b[16] = 3)],
  ];
  for (const [name, mutate] of cases) {
    const bytes = GOLDEN.slice();
    mutate(bytes);
    assert.throws(() => decodeRecordBatchesSync(recrc(bytes)), MalformedDataError, name);
  }
  const short = GOLDEN.slice();
  new DataView(short.buffer).setInt32(8, 40); // shorter than a batch header
  assert.throws(() => decodeRecordBatchesSync(short.subarray(0, 52)), MalformedDataError);
  const negative = GOLDEN.slice();
  new DataView(negative.buffer).setInt32(8, -5);
  assert.throws(() => decodeRecordBatchesSync(negative), MalformedDataError);
});

test("offsets beyond 2^53 are refused rather than rounded", () => {
  const bytes = GOLDEN.slice();
  new DataView(bytes.buffer).setBigInt64(0, 2n ** 60n);
  assert.throws(() => decodeRecordBatchesSync(bytes), /beyond 2\^53/);
});

test("the encoder is reusable and sizes each record as it is appended", () => {
  const enc = new RecordBatchEncoder(64); // tiny, so appends must grow the buffer
  for (let round = 0; round < 3; round++) {
    enc.reset({ baseOffset: BigInt(round * 100) });
    assert.equal(enc.sizeInBytes, 61);
    let size = 61;
    for (let i = 0; i < 50; i++) {
      // A 2-byte UTF-16 string whose UTF-8 form pushes the length prefix from 1 to 2 bytes.
      const value = "é".repeat(40 + i);
      const after = enc.append({ key: `k${i}`, value, timestamp: 1000 + i });
      assert.ok(after > size);
      size = after;
    }
    assert.equal(enc.count, 50);
    const bytes = enc.finish() as Uint8Array;
    assert.equal(bytes.length, size);
    assert.equal(enc.finish(), bytes); // finishing twice returns the same batch
    assert.throws(() => enc.append({ value: null }), TypeError);
    const { batches } = decodeRecordBatchesSync(bytes);
    const records = batches[0]!.records;
    assert.equal(records.length, 50);
    assert.equal(records[49]!.offset, round * 100 + 49);
    assert.equal(text(records[49]!.value), "é".repeat(89));
    assert.equal(text(records[7]!.key), "k7");
  }
});

test("the encoder refuses offset deltas that do not increase and unsafe timestamps", () => {
  const enc = new RecordBatchEncoder();
  enc.reset();
  enc.append({ value: "a", offsetDelta: 3, timestamp: 0 });
  assert.throws(() => enc.append({ value: "b", offsetDelta: 3, timestamp: 0 }), RangeError);
  assert.throws(() => enc.append({ value: "b", timestamp: 2 ** 60 }), RangeError);
  assert.throws(() => enc.reset({ compression: "brotli" as CompressionName }), TypeError);
});

test("records without a timestamp get the time of appending", async () => {
  const before = Date.now();
  const bytes = await encodeRecordBatch([{ value: "now" }]);
  const after = Date.now();
  const ts = (await decodeRecordBatches(bytes)).batches[0]!.records[0]!.timestamp;
  assert.ok(ts >= before && ts <= after);
});

test("decoded keys and values are views into the fetched bytes, not copies", () => {
  const { batches } = decodeRecordBatchesSync(GOLDEN);
  const value = batches[0]!.records[0]!.value!;
  assert.equal(value.buffer, GOLDEN.buffer);
});

test("append with maxBytes leaves a full batch untouched and reports -1", async () => {
  const enc = new RecordBatchEncoder();
  enc.reset();
  const first = enc.append({ value: "x".repeat(500), timestamp: 10 }, 100); // first always fits
  assert.ok(first > 100);
  enc.reset();
  const one = enc.append({ value: "a".repeat(40), timestamp: 10 }, 200);
  assert.equal(enc.append({ value: "b".repeat(200), timestamp: 99 }, 200), -1);
  assert.equal(enc.count, 1);
  assert.equal(enc.sizeInBytes, one);
  const two = enc.append({ value: "c".repeat(40), timestamp: 20 }, 200);
  assert.ok(two <= 200);
  const { batches } = await decodeRecordBatches(enc.finish() as Uint8Array);
  const b = batches[0]!;
  assert.deepEqual(b.records.map((r) => [r.offset, text(r.value)![0]]), [[0, "a"], [1, "c"]]);
  assert.equal(b.maxTimestamp, 20n); // the refused record's timestamp left no trace
});
