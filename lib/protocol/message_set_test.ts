import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { decodeRecordBatches, decodeRecordBatchesSync } from "./record_batch_decoder.ts";
import { encodeRecordBatch } from "./record_batch_encoder.ts";
import { crc32 } from "./message_set_crc32.ts";
import type { KafkaRecord } from "./record.ts";
import { JAVA_FIXTURES } from "./record_batch_test_fixtures.ts";
import { prepareCodecs } from "./compression/codec_registry.ts";
import { snappyCompress } from "./compression/snappy.ts";
import { MalformedDataError } from "./kafka_error.ts";

await prepareCodecs();

const hex = (h: string) => Uint8Array.from(h.match(/../g)!, (x) => parseInt(x, 16));
const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));
const simplify = (r: KafkaRecord) => [r.offset, r.timestamp, text(r.key), text(r.value)];

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * One message-set entry, laid out as the old message format documents it: offset int64,
 * message size int32, crc int32 (CRC-32 of magic..end), magic int8, attributes int8,
 * timestamp int64 (magic 1 only), key and value as int32-length bytes (-1 for null).
 */
function message(
  magic: 0 | 1,
  offset: number,
  attributes: number,
  timestamp: number,
  key: Uint8Array | null,
  value: Uint8Array | null,
): Uint8Array {
  const body = 2 + (magic === 1 ? 8 : 0) + 4 + (key?.length ?? 0) + 4 + (value?.length ?? 0);
  const out = new Uint8Array(12 + 4 + body);
  const v = new DataView(out.buffer);
  v.setBigInt64(0, BigInt(offset));
  v.setInt32(8, 4 + body);
  let p = 16;
  out[p++] = magic;
  out[p++] = attributes;
  if (magic === 1) {
    v.setBigInt64(p, BigInt(timestamp));
    p += 8;
  }
  for (const field of [key, value]) {
    v.setInt32(p, field === null ? -1 : field.length);
    p += 4;
    if (field !== null) {
      out.set(field, p);
      p += field.length;
    }
  }
  v.setUint32(12, crc32(out.subarray(16)));
  return out;
}

test("crc32 gives the IEEE catalogue check value", () => {
  assert.equal(crc32(utf8("123456789")), 0xcbf43926);
  assert.equal(crc32(utf8("6789"), crc32(utf8("12345"))), 0xcbf43926);
});

test("magic 0 messages decode one batch each, without timestamps", () => {
  const set = concat(
    message(0, 7, 0, 0, utf8("a"), utf8("alpha")),
    message(0, 8, 0, 0, null, utf8("beta")),
    message(0, 9, 0, 0, utf8("c"), null),
  );
  const { batches, bytesConsumed } = decodeRecordBatchesSync(set);
  assert.equal(bytesConsumed, set.length);
  assert.deepEqual(batches.map((b) => b.records.map(simplify)), [
    [[7, -1, "a", "alpha"]],
    [[8, -1, null, "beta"]],
    [[9, -1, "c", null]],
  ]);
  assert.equal(batches[0]!.magic, 0);
  assert.equal(batches[0]!.baseOffset, 7n);
  assert.equal(batches[0]!.producerId, -1n);
  assert.equal(batches[0]!.compression, "none");
});

test("magic 1 messages carry their timestamps and timestamp type", () => {
  const set = concat(
    message(1, 100, 0, 1700000000000, utf8("k"), utf8("v")),
    message(1, 101, 0x08, 1700000000999, null, utf8("w")),
  );
  const { batches } = decodeRecordBatchesSync(set);
  assert.deepEqual(batches.flatMap((b) => b.records.map(simplify)), [
    [100, 1700000000000, "k", "v"],
    [101, 1700000000999, null, "w"],
  ]);
  assert.equal(batches[0]!.timestampType, "create-time");
  assert.equal(batches[1]!.timestampType, "log-append-time");
});

test("a magic 1 wrapper's inner offsets count from 0 up to the wrapper's offset", () => {
  const inner = concat(
    message(1, 0, 0, 1000, utf8("a"), utf8("1")),
    message(1, 1, 0, 1001, utf8("b"), utf8("2")),
    message(1, 2, 0, 1002, utf8("c"), utf8("3")),
  );
  const wrapper = message(1, 12, 2, 1002, null, snappyCompress(inner)); // attributes 2: snappy
  const { batches } = decodeRecordBatchesSync(wrapper);
  assert.equal(batches.length, 1);
  const b = batches[0]!;
  assert.equal(b.compression, "snappy");
  assert.equal(b.baseOffset, 10n);
  assert.equal(b.lastOffset, 12n);
  assert.deepEqual(b.records.map(simplify), [
    [10, 1000, "a", "1"],
    [11, 1001, "b", "2"],
    [12, 1002, "c", "3"],
  ]);
});

test("a magic 0 wrapper's inner messages carry absolute offsets", () => {
  const inner = concat(
    message(0, 40, 0, 0, null, utf8("x")),
    message(0, 41, 0, 0, null, utf8("y")),
  );
  const wrapper = message(0, 41, 2, 0, null, snappyCompress(inner));
  const { batches } = decodeRecordBatchesSync(wrapper);
  assert.deepEqual(batches[0]!.records.map(simplify), [[40, -1, null, "x"], [41, -1, null, "y"]]);
});

const JAVA_LEGACY = [
  [500, 1700000000000, "key-0", "value-0"],
  [501, 1700000000005, null, "value-1 ".repeat(40)],
  [502, 1700000000010, "k2", null],
];

test("message sets written by Kafka's Java client decode with every codec", async () => {
  for (const magic of [0, 1]) {
    for (const codec of ["none", "gzip", "snappy", "lz4"]) {
      const name = `v${magic}_${codec}`;
      const bytes = hex(JAVA_FIXTURES[name]!);
      const { batches, bytesConsumed } = await decodeRecordBatches(bytes);
      assert.equal(bytesConsumed, bytes.length, name);
      assert.equal(batches.length, codec === "none" ? 3 : 1, name);
      const want = JAVA_LEGACY.map(([o, t, k, v]) => [o, magic === 0 ? -1 : t, k, v]);
      assert.deepEqual(batches.flatMap((b) => b.records.map(simplify)), want, name);
      assert.ok(batches.every((b) => b.magic === magic && b.compression === codec));
    }
  }
});

test("a magic 1 wrapper with log-append time gives every record the wrapper's time", async () => {
  const { batches } = await decodeRecordBatches(hex(JAVA_FIXTURES.v1_GZIP_LOGAPPEND!));
  const b = batches[0]!;
  assert.equal(b.timestampType, "log-append-time");
  assert.equal(b.maxTimestamp, 1700000009999n);
  assert.deepEqual(b.records.map((r) => r.timestamp), [
    1700000009999,
    1700000009999,
    1700000009999,
  ]);
});

test("old message sets and v2 batches can share one fetch response", async () => {
  const v2 = await encodeRecordBatch([{ value: "new", timestamp: 5 }], { baseOffset: 3n });
  const bytes = concat(message(1, 2, 0, 4, null, utf8("old")), v2);
  const { batches } = decodeRecordBatchesSync(bytes);
  assert.deepEqual(batches.map((b) => [b.magic, text(b.records[0]!.value)]), [[1, "old"], [
    2,
    "new",
  ]]);
});

test("a bad message CRC throws MalformedDataError unless the check is off", () => {
  const bytes = message(1, 0, 0, 0, null, utf8("value"));
  bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
  assert.throws(() => decodeRecordBatchesSync(bytes), MalformedDataError);
  assert.equal(decodeRecordBatchesSync(bytes, { checkCrc: false }).batches.length, 1);
});

test("a partial last message ends decoding cleanly", () => {
  const first = message(0, 0, 0, 0, null, utf8("one"));
  const second = message(0, 1, 0, 0, null, utf8("two"));
  const bytes = concat(first, second);
  for (let cut = first.length; cut < bytes.length; cut++) {
    const { batches, bytesConsumed } = decodeRecordBatchesSync(bytes.subarray(0, cut));
    assert.equal(batches.length, 1);
    assert.equal(bytesConsumed, first.length);
  }
});

test("bad message lengths and nesting throw MalformedDataError", () => {
  const ok = message(1, 0, 0, 0, utf8("k"), utf8("v"));
  const keyTooLong = ok.slice();
  new DataView(keyTooLong.buffer).setInt32(26, 1000);
  const innerWrapper = message(
    1,
    0,
    2,
    0,
    null,
    snappyCompress(message(1, 0, 0, 0, null, utf8("x"))),
  );
  const nested = message(1, 0, 2, 0, null, snappyCompress(innerWrapper));
  const emptyWrapper = message(1, 0, 2, 0, null, snappyCompress(new Uint8Array(0)));
  const nullWrapper = message(1, 0, 2, 0, null, null);
  const tooShort = message(0, 0, 0, 0, null, null);
  new DataView(tooShort.buffer).setInt32(8, 10);
  for (
    const [name, bytes, checkCrc] of [
      ["key too long", keyTooLong, false],
      ["compressed inside compressed", nested, true],
      ["empty wrapper", emptyWrapper, true],
      ["null wrapper value", nullWrapper, true],
      ["message too short", tooShort.subarray(0, 22), false],
    ] as const
  ) {
    assert.throws(() => decodeRecordBatchesSync(bytes, { checkCrc }), MalformedDataError, name);
  }
});
