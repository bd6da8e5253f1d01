// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { Reader } from "./reader.ts";
import { MalformedDataError } from "./kafka_error.ts";

function reader(...bytes: number[]): Reader {
  return new Reader(new Uint8Array(bytes));
}

const F = 0xff;
const X = 0x80;

test("Reader decodes varints from Kafka's ByteUtilsTest bytes", () => {
  // Golden encodings from Kafka's ByteUtilsTest (clients/.../common/utils).
  const cases: [number, number[]][] = [
    [0, [0x00]],
    [-1, [0x01]],
    [1, [0x02]],
    [63, [0x7e]],
    [-64, [0x7f]],
    [64, [0x80, 0x01]],
    [-65, [0x81, 0x01]],
    [8191, [0xfe, 0x7f]],
    [-8192, [0xff, 0x7f]],
    [8192, [0x80, 0x80, 0x01]],
    [-8193, [0x81, 0x80, 0x01]],
    [134217728, [X, X, X, X, 0x01]],
    [2147483647, [0xfe, F, F, F, 0x0f]],
    [-2147483648, [F, F, F, F, 0x0f]],
  ];
  for (const [v, bytes] of cases) {
    const r = reader(...bytes);
    assert.equal(r.varint(), v, `varint ${bytes}`);
    assert.equal(r.remaining, 0);
    assert.equal(reader(...bytes).varlong(), BigInt(v), `varlong ${bytes}`);
    assert.equal(reader(...bytes).varlongNumber(), v, `varlongNumber ${bytes}`);
  }
});

test("Reader decodes unsigned varints from Kafka's ByteUtilsTest bytes", () => {
  const cases: [number, number[]][] = [
    [0, [0x00]],
    [63, [0x3f]],
    [64, [0x40]],
    [8191, [0xff, 0x3f]],
    [8192, [0x80, 0x40]],
    [1048576, [X, X, 0x40]],
    [2147483647, [F, F, F, F, 0x07]],
    [2147483648, [X, X, X, X, 0x08]],
    [4294967295, [F, F, F, F, 0x0f]],
  ];
  for (const [v, bytes] of cases) assert.equal(reader(...bytes).uvarint(), v, `${bytes}`);
});

test("Reader decodes varlongs over the whole int64 range", () => {
  const cases: [bigint, number[]][] = [
    [36028797018963967n, [0xfe, F, F, F, F, F, F, 0x7f]],
    [-36028797018963968n, [F, F, F, F, F, F, F, 0x7f]],
    [4611686018427387904n, [X, X, X, X, X, X, X, X, X, 0x01]],
    [-4611686018427387905n, [0x81, X, X, X, X, X, X, X, X, 0x01]],
    [9223372036854775807n, [0xfe, F, F, F, F, F, F, F, F, 0x01]],
    [-9223372036854775808n, [F, F, F, F, F, F, F, F, F, 0x01]],
  ];
  for (const [v, bytes] of cases) assert.equal(reader(...bytes).varlong(), v, `${v}`);
});

// Zigzag varlong bytes of a bigint, written here independently of Writer.
function zigzagBytes(v: bigint): number[] {
  let z = BigInt.asUintN(64, v >= 0n ? v << 1n : ((-v) << 1n) - 1n);
  const out: number[] = [];
  while (z >= 0x80n) {
    out.push(Number(z & 0x7fn) | 0x80);
    z >>= 7n;
  }
  out.push(Number(z));
  return out;
}

test("Reader varlongNumber is exact for every safe integer size, sign included", () => {
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  const values = [
    0n,
    -1n,
    2n ** 31n,
    -(2n ** 31n) - 1n,
    2n ** 48n - 1n,
    -(2n ** 48n),
    2n ** 52n + 1n,
    -(2n ** 52n) - 3n,
    max - 1n,
    max,
    -max,
    -max + 1n,
  ];
  for (const v of values) {
    const r = reader(...zigzagBytes(v));
    assert.equal(r.varlongNumber(), Number(v), `${v}`);
    assert.equal(r.remaining, 0);
  }
});

test("Reader varlongNumber refuses values beyond the safe integers", () => {
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  for (const v of [max + 1n, -max - 1n, max + 2n, -max - 2n, 2n ** 55n, 2n ** 63n - 1n]) {
    const r = reader(...zigzagBytes(v));
    assert.throws(() => r.varlongNumber(), MalformedDataError, `${v}`);
    assert.equal(r.offset, 0, "offset stays put on failure");
  }
});

test("Reader reads fixed-width integers big-endian in two's complement", () => {
  assert.equal(reader(0x80).int8(), -128);
  assert.equal(reader(0x7f).int8(), 127);
  assert.equal(reader(0x80, 0).int16(), -32768);
  assert.equal(reader(F, F).uint16(), 65535);
  assert.equal(reader(0x80, 0, 0, 0).int32(), -(2 ** 31));
  assert.equal(reader(F, F, F, F).uint32(), 2 ** 32 - 1);
  assert.equal(reader(0x80, 0, 0, 0, 0, 0, 0, 0).int64(), -(2n ** 63n));
  assert.equal(reader(0x7f, F, F, F, F, F, F, F).int64(), 2n ** 63n - 1n);
  assert.equal(reader(0x3f, 0xf0, 0, 0, 0, 0, 0, 0).float64(), 1);
  assert.equal(reader(2).bool(), true, "any non-zero byte is true");
  assert.equal(reader(0).bool(), false);
});

test("Reader reads strings, bytes and their null forms", () => {
  assert.equal(reader(0, 0).string(), "");
  assert.equal(reader(0, 3, 0xe2, 0x82, 0xac).string(), "€");
  assert.equal(reader(F, F).nullableString(), null);
  assert.equal(reader(0).compactNullableString(), null);
  assert.equal(reader(5, 0xf0, 0x9f, 0x98, 0x80).compactString(), "😀");
  assert.equal(reader(F, F, F, F).nullableBytes(), null);
  assert.equal(reader(0).compactNullableBytes(), null);
  assert.deepEqual([...reader(0, 0, 0, 2, 7, 8).bytes()], [7, 8]);
  assert.deepEqual([...reader(3, 7, 8).compactBytes()], [7, 8]);
  assert.equal(reader(F, F, F, F).arrayLength(), -1);
  assert.equal(reader(0).compactArrayLength(), -1);
  assert.equal(reader(4, 1, 1, 1).compactArrayLength(), 3);
});

test("Reader reads a compact string whose length prefix takes 2 bytes", () => {
  const utf8 = new TextEncoder().encode("😀".repeat(40)); // 160 bytes, prefix 161
  const r = reader(161 & 0x7f | 0x80, 161 >> 7, ...utf8);
  assert.equal(r.compactString(), "😀".repeat(40));
  assert.equal(r.remaining, 0);
});

test("Reader byte fields are views into the input, not copies", () => {
  const data = new Uint8Array([0, 0, 0, 2, 7, 8]);
  const b = new Reader(data).bytes();
  assert.equal(b.buffer, data.buffer);
  assert.equal(b.byteOffset, 4);
});

test("Reader reads UUIDs into Kafka's base64url form", () => {
  assert.equal(reader(...new Array(16).fill(0)).uuid(), "AAAAAAAAAAAAAAAAAAAAAA");
  assert.equal(reader(...Array(16).keys()).uuid(), "AAECAwQFBgcICQoLDA0ODw");
  assert.equal(reader(...new Array(16).fill(F)).uuid(), "_____________________w");
  // Cross-check random ids against the platform's base64 (btoa), a separate implementation.
  for (let i = 0; i < 50; i++) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    const expected = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
      .replace(/=+$/, "");
    assert.equal(new Reader(bytes).uuid(), expected);
  }
});

test("Reader stays within its window", () => {
  const data = new Uint8Array([1, 2, 3, 4, 5, 6]);
  const r = new Reader(data, 1, 3);
  assert.equal(r.int16(), 0x0203);
  assert.throws(() => r.int8(), MalformedDataError);
  assert.throws(() => new Reader(data, 2, 7), RangeError);
  assert.throws(() => new Reader(data, 4, 3), RangeError);
  assert.throws(() => new Reader(data, -1), RangeError);
});

test("Reader need and skip refuse negative, NaN and too-large counts", () => {
  const r = reader(1, 2, 3);
  r.skip(2);
  assert.equal(r.offset, 2);
  assert.throws(() => r.skip(2), MalformedDataError);
  assert.throws(() => r.need(-1), MalformedDataError);
  assert.throws(() => r.need(Number.NaN), MalformedDataError);
  r.need(1);
  assert.equal(r.int8(), 3);
});

// One valid encoding per primitive; every proper prefix of it must throw MalformedDataError.
const TRUNCATION_CASES: [string, (r: Reader) => unknown, number[]][] = [
  ["int8", (r) => r.int8(), [1]],
  ["bool", (r) => r.bool(), [1]],
  ["int16", (r) => r.int16(), [1, 2]],
  ["uint16", (r) => r.uint16(), [1, 2]],
  ["int32", (r) => r.int32(), [1, 2, 3, 4]],
  ["uint32", (r) => r.uint32(), [1, 2, 3, 4]],
  ["int64", (r) => r.int64(), [1, 2, 3, 4, 5, 6, 7, 8]],
  ["float64", (r) => r.float64(), [1, 2, 3, 4, 5, 6, 7, 8]],
  ["uvarint", (r) => r.uvarint(), [F, F, F, F, 0x0f]],
  ["varint", (r) => r.varint(), [0x81, X, X, 0x01]],
  ["varlong", (r) => r.varlong(), [F, F, F, F, F, F, F, F, F, 0x01]],
  ["varlongNumber", (r) => r.varlongNumber(), [0xfe, F, F, F, F, F, 0x7f]],
  ["uuid", (r) => r.uuid(), Array.from({ length: 16 }, (_, i) => i)],
  ["raw", (r) => r.raw(3), [1, 2, 3]],
  ["string", (r) => r.string(), [0, 2, 0x68, 0x69]],
  ["nullableString", (r) => r.nullableString(), [0, 2, 0x68, 0x69]],
  ["compactString", (r) => r.compactString(), [3, 0x68, 0x69]],
  ["compactNullableString", (r) => r.compactNullableString(), [3, 0x68, 0x69]],
  ["bytes", (r) => r.bytes(), [0, 0, 0, 2, 7, 8]],
  ["nullableBytes", (r) => r.nullableBytes(), [0, 0, 0, 2, 7, 8]],
  ["compactBytes", (r) => r.compactBytes(), [X, 0x01, ...new Array(127).fill(9)]],
  ["compactNullableBytes", (r) => r.compactNullableBytes(), [3, 7, 8]],
  ["arrayLength", (r) => r.arrayLength(), [0, 0, 0, 1, 0]],
  ["compactArrayLength", (r) => r.compactArrayLength(), [2, 0]],
];

test("Reader throws MalformedDataError on every truncation of every primitive", () => {
  for (const [name, read, bytes] of TRUNCATION_CASES) {
    read(new Reader(new Uint8Array(bytes))); // the whole encoding reads
    for (let cut = 0; cut < bytes.length; cut++) {
      // The window ends early while the data goes on, as in a frame followed by the next one.
      const r = new Reader(new Uint8Array([...bytes, 1, 1, 1, 1]), 0, cut);
      assert.throws(() => read(r), MalformedDataError, `${name} cut at ${cut}`);
    }
  }
});

test("Reader refuses overlong varints as Kafka does", () => {
  assert.throws(() => reader(F, F, F, F, F, 0x01).varint(), MalformedDataError);
  assert.throws(() => reader(F, F, F, F, 0x10).uvarint(), MalformedDataError);
  assert.throws(() => reader(F, F, F, F, F, F, F, F, F, F, 0x01).varlong(), MalformedDataError);
  assert.throws(() => reader(X, X, X, X, X, X, X, X, 0x01).varlongNumber(), MalformedDataError);
});

test("Reader refuses negative lengths where null is not allowed", () => {
  assert.throws(() => reader(F, F).string(), MalformedDataError);
  assert.throws(() => reader(F, 0xfe).string(), MalformedDataError);
  assert.throws(() => reader(0).compactString(), MalformedDataError);
  assert.throws(() => reader(F, F, F, F).bytes(), MalformedDataError);
  assert.throws(() => reader(0).compactBytes(), MalformedDataError);
  assert.throws(() => reader(F, F, F, 0xfe).arrayLength(), MalformedDataError);
  assert.throws(() => reader(0x80, 0, 0, 0).arrayLength(), MalformedDataError);
});

test("Reader refuses huge lengths from the bytes alone, before allocating", () => {
  // Each claims up to 4 GiB but the frame has 4 bytes left: the check must come first, so
  // the error is ours and not an allocation failure.
  const tail = [1, 2, 3, 4];
  const cases: [string, () => unknown][] = [
    ["bytes", () => reader(0x7f, F, F, F, ...tail).bytes()],
    ["nullableBytes", () => reader(0x7f, F, F, F, ...tail).nullableBytes()],
    ["compactBytes", () => reader(F, F, F, F, 0x0f, ...tail).compactBytes()],
    ["compactNullableBytes", () => reader(F, F, F, F, 0x0f, ...tail).compactNullableBytes()],
    ["string", () => reader(0x7f, F, ...tail).string()],
    ["compactString", () => reader(F, F, F, F, 0x0f, ...tail).compactString()],
    ["arrayLength", () => reader(0x7f, F, F, F, ...tail).arrayLength()],
    ["compactArrayLength", () => reader(F, F, F, F, 0x0f, ...tail).compactArrayLength()],
    ["arrayLength of 8-byte elements", () => reader(0, 0, 0, 1, ...tail).arrayLength(8)],
    ["compactArrayLength of 4-byte elements", () => reader(3, ...tail).compactArrayLength(4)],
  ];
  for (const [name, read] of cases) assert.throws(read, MalformedDataError, name);
  // The same counts are fine when the elements can be empty.
  assert.equal(reader(0, 0, 0, 4, ...tail).arrayLength(1), 4);
  assert.equal(reader(2, ...tail).compactArrayLength(4), 1);
});

test("Reader errors say where the bytes went wrong", () => {
  const r = reader(0, 0, 0, 9, 1);
  assert.throws(() => r.bytes(), (err: unknown) => {
    assert.ok(err instanceof MalformedDataError);
    assert.equal(err.errorName, "CORRUPT_MESSAGE");
    assert.equal(err.retriable, false);
    assert.match(err.message, /needs 9 bytes at offset 4, but only 1 remain/);
    return true;
  });
});
