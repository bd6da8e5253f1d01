// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { utf8Length, uvarintSize, varintSize, Writer } from "./writer.ts";
import { Reader } from "./reader.ts";

function bytesOf(write: (w: Writer) => void): number[] {
  const w = new Writer(16);
  write(w);
  return [...w.finish()];
}

// Golden encodings from Kafka's own ByteUtilsTest (clients/.../common/utils): value, bytes.
const UVARINT_GOLDEN: [number, number[]][] = [
  [0, [0x00]],
  [1, [0x01]],
  [63, [0x3f]],
  [64, [0x40]],
  [8191, [0xff, 0x3f]],
  [8192, [0x80, 0x40]],
  [1048575, [0xff, 0xff, 0x3f]],
  [1048576, [0x80, 0x80, 0x40]],
  [2147483647, [0xff, 0xff, 0xff, 0xff, 0x07]],
  // Java's int -2^31 and -1, read as unsigned.
  [2147483648, [0x80, 0x80, 0x80, 0x80, 0x08]],
  [4294967295, [0xff, 0xff, 0xff, 0xff, 0x0f]],
];

const VARINT_GOLDEN: [number, number[]][] = [
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
  [1048575, [0xfe, 0xff, 0x7f]],
  [-1048576, [0xff, 0xff, 0x7f]],
  [1048576, [0x80, 0x80, 0x80, 0x01]],
  [-1048577, [0x81, 0x80, 0x80, 0x01]],
  [134217727, [0xfe, 0xff, 0xff, 0x7f]],
  [-134217728, [0xff, 0xff, 0xff, 0x7f]],
  [134217728, [0x80, 0x80, 0x80, 0x80, 0x01]],
  [-134217729, [0x81, 0x80, 0x80, 0x80, 0x01]],
  [2147483647, [0xfe, 0xff, 0xff, 0xff, 0x0f]],
  [-2147483648, [0xff, 0xff, 0xff, 0xff, 0x0f]],
];

const F = 0xff;
const X = 0x80;
const VARLONG_GOLDEN: [bigint, number[]][] = [
  ...VARINT_GOLDEN.map(([v, b]): [bigint, number[]] => [BigInt(v), b]),
  [17179869183n, [0xfe, F, F, F, 0x7f]],
  [-17179869184n, [F, F, F, F, 0x7f]],
  [17179869184n, [X, X, X, X, X, 0x01]],
  [-17179869185n, [0x81, X, X, X, X, 0x01]],
  [2199023255551n, [0xfe, F, F, F, F, 0x7f]],
  [-2199023255552n, [F, F, F, F, F, 0x7f]],
  [2199023255552n, [X, X, X, X, X, X, 0x01]],
  [-2199023255553n, [0x81, X, X, X, X, X, 0x01]],
  [281474976710655n, [0xfe, F, F, F, F, F, 0x7f]],
  [-281474976710656n, [F, F, F, F, F, F, 0x7f]],
  [281474976710656n, [X, X, X, X, X, X, X, 0x01]],
  [-281474976710657n, [0x81, X, X, X, X, X, X, 0x01]],
  [36028797018963967n, [0xfe, F, F, F, F, F, F, 0x7f]],
  [-36028797018963968n, [F, F, F, F, F, F, F, 0x7f]],
  [36028797018963968n, [X, X, X, X, X, X, X, X, 0x01]],
  [-36028797018963969n, [0x81, X, X, X, X, X, X, X, 0x01]],
  [4611686018427387903n, [0xfe, F, F, F, F, F, F, F, 0x7f]],
  [-4611686018427387904n, [F, F, F, F, F, F, F, F, 0x7f]],
  [4611686018427387904n, [X, X, X, X, X, X, X, X, X, 0x01]],
  [-4611686018427387905n, [0x81, X, X, X, X, X, X, X, X, 0x01]],
  [9223372036854775807n, [0xfe, F, F, F, F, F, F, F, F, 0x01]],
  [-9223372036854775808n, [F, F, F, F, F, F, F, F, F, 0x01]],
];

test("Writer encodes unsigned varints as Kafka does", () => {
  for (const [v, bytes] of UVARINT_GOLDEN) {
    assert.deepEqual(bytesOf((w) => w.uvarint(v)), bytes, `uvarint ${v}`);
    assert.equal(uvarintSize(v), bytes.length, `uvarintSize ${v}`);
  }
});

test("Writer encodes zigzag varints as Kafka does", () => {
  for (const [v, bytes] of VARINT_GOLDEN) {
    assert.deepEqual(bytesOf((w) => w.varint(v)), bytes, `varint ${v}`);
    assert.equal(varintSize(v), bytes.length, `varintSize ${v}`);
  }
});

test("Writer encodes zigzag varlongs as Kafka does, from bigint and from safe numbers", () => {
  for (const [v, bytes] of VARLONG_GOLDEN) {
    assert.deepEqual(bytesOf((w) => w.varlong(v)), bytes, `varlong ${v}n`);
    const n = Number(v);
    if (Number.isSafeInteger(n)) {
      assert.deepEqual(bytesOf((w) => w.varlong(n)), bytes, `varlong ${n}`);
    }
  }
});

test("Writer varlong from a number matches bigint around the 2^30 switch and 2^53", () => {
  const edges = [
    2 ** 30 - 1,
    2 ** 30,
    -(2 ** 30),
    -(2 ** 30) - 1,
    2 ** 31,
    -(2 ** 31) - 1,
    2 ** 53 - 1,
    -(2 ** 53 - 1),
  ];
  for (const v of edges) {
    assert.deepEqual(bytesOf((w) => w.varlong(v)), bytesOf((w) => w.varlong(BigInt(v))), `${v}`);
  }
});

test("Writer writes fixed-width integers big-endian in two's complement", () => {
  assert.deepEqual(bytesOf((w) => w.int8(-128)), [0x80]);
  assert.deepEqual(bytesOf((w) => w.int8(127)), [0x7f]);
  assert.deepEqual(bytesOf((w) => w.int16(-32768)), [0x80, 0x00]);
  assert.deepEqual(bytesOf((w) => w.int16(0x1234)), [0x12, 0x34]);
  assert.deepEqual(bytesOf((w) => w.uint16(65535)), [0xff, 0xff]);
  assert.deepEqual(bytesOf((w) => w.int32(-(2 ** 31))), [0x80, 0, 0, 0]);
  assert.deepEqual(bytesOf((w) => w.int32(0x01020304)), [1, 2, 3, 4]);
  assert.deepEqual(bytesOf((w) => w.int32(-1)), [F, F, F, F]);
  assert.deepEqual(bytesOf((w) => w.uint32(2 ** 32 - 1)), [F, F, F, F]);
  assert.deepEqual(
    bytesOf((w) => w.int64(-(2n ** 63n))),
    [0x80, 0, 0, 0, 0, 0, 0, 0],
  );
  assert.deepEqual(
    bytesOf((w) => w.int64(2n ** 63n - 1n)),
    [0x7f, F, F, F, F, F, F, F],
  );
  assert.deepEqual(bytesOf((w) => w.int64(-1n)), [F, F, F, F, F, F, F, F]);
  assert.deepEqual(bytesOf((w) => w.int64(0x0102030405060708n)), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(bytesOf((w) => w.bool(true)), [1]);
  assert.deepEqual(bytesOf((w) => w.bool(false)), [0]);
});

test("Writer writes IEEE 754 doubles as Kafka's ByteUtilsTest expects", () => {
  const cases: [number, bigint][] = [
    [0.0, 0x0n],
    [-0.0, 0x8000000000000000n],
    [1.0, 0x3ff0000000000000n],
    [-1.0, 0xbff0000000000000n],
    [123e45, 0x49b58b82c0e0bb00n],
    [Number.MIN_VALUE, 0x1n],
    [Number.MAX_VALUE, 0x7fefffffffffffffn],
    [Number.NaN, 0x7ff8000000000000n],
    [Number.NEGATIVE_INFINITY, 0xfff0000000000000n],
  ];
  for (const [v, bits] of cases) {
    const expected = bytesOf((w) => w.int64(BigInt.asIntN(64, bits)));
    assert.deepEqual(bytesOf((w) => w.float64(v)), expected, `${v}`);
  }
});

test("Writer writes strings with int16 and compact lengths", () => {
  assert.deepEqual(bytesOf((w) => w.string("")), [0, 0]);
  assert.deepEqual(bytesOf((w) => w.string("ab")), [0, 2, 0x61, 0x62]);
  assert.deepEqual(bytesOf((w) => w.compactString("")), [1]);
  assert.deepEqual(bytesOf((w) => w.compactString("ab")), [3, 0x61, 0x62]);
  // é is 2 bytes, € 3, and 😀 (a surrogate pair) 4 in UTF-8.
  assert.deepEqual(bytesOf((w) => w.string("é€😀")), [
    0,
    9,
    0xc3,
    0xa9,
    0xe2,
    0x82,
    0xac,
    0xf0,
    0x9f,
    0x98,
    0x80,
  ]);
  assert.deepEqual(bytesOf((w) => w.compactString("😀")), [5, 0xf0, 0x9f, 0x98, 0x80]);
});

test("Writer writes null forms as Kafka's sentinels", () => {
  assert.deepEqual(bytesOf((w) => w.nullableString(null)), [F, F]);
  assert.deepEqual(bytesOf((w) => w.compactNullableString(null)), [0]);
  assert.deepEqual(bytesOf((w) => w.nullableBytes(null)), [F, F, F, F]);
  assert.deepEqual(bytesOf((w) => w.compactNullableBytes(null)), [0]);
  assert.deepEqual(bytesOf((w) => w.arrayLength(null)), [F, F, F, F]);
  assert.deepEqual(bytesOf((w) => w.compactArrayLength(null)), [0]);
  assert.deepEqual(bytesOf((w) => w.nullableString("")), [0, 0]);
  assert.deepEqual(bytesOf((w) => w.compactNullableString("")), [1]);
  assert.deepEqual(bytesOf((w) => w.compactArrayLength(0)), [1]);
  assert.deepEqual(bytesOf((w) => w.compactArrayLength(127)), [0x80, 0x01]);
  assert.deepEqual(bytesOf((w) => w.arrayLength(3)), [0, 0, 0, 3]);
});

test("Writer writes bytes with int32 and compact lengths", () => {
  const b = new Uint8Array([9, 8, 7]);
  assert.deepEqual(bytesOf((w) => w.bytes(b)), [0, 0, 0, 3, 9, 8, 7]);
  assert.deepEqual(bytesOf((w) => w.compactBytes(b)), [4, 9, 8, 7]);
  assert.deepEqual(bytesOf((w) => w.nullableBytes(new Uint8Array(0))), [0, 0, 0, 0]);
  assert.deepEqual(bytesOf((w) => w.compactNullableBytes(b)), [4, 9, 8, 7]);
});

test("Writer grows a compact string prefix from 1 to 2 bytes when UTF-8 outgrows UTF-16", () => {
  // Each case has few UTF-16 units (a 1-byte guess) but enough UTF-8 bytes for a 2-byte prefix.
  const cases = ["€".repeat(50), "😀".repeat(40), "é".repeat(64), "a".repeat(60) + "€".repeat(23)];
  for (const s of cases) {
    const utf8 = new TextEncoder().encode(s);
    assert.ok(s.length + 1 < 128 && utf8.length + 1 >= 128, "the case crosses the boundary");
    const got = bytesOf((w) => {
      w.int8(0x55); // something before, which the move must not touch
      w.compactString(s);
      w.int8(0x66); // and something after, which must land after the string
    });
    const n = utf8.length + 1;
    assert.deepEqual(got, [0x55, (n & 0x7f) | 0x80, n >> 7, ...utf8, 0x66]);
  }
});

test("Writer prefixes compact strings of 126 and 127 bytes with 1 and 2 bytes", () => {
  assert.deepEqual(bytesOf((w) => w.compactString("x".repeat(126))).slice(0, 2), [127, 0x78]);
  assert.deepEqual(bytesOf((w) => w.compactString("x".repeat(127))).slice(0, 3), [0x80, 1, 0x78]);
});

test("Writer refuses strings over 32767 UTF-8 bytes and writes nothing", () => {
  const ok = "€".repeat(10922) + "a"; // 32767 bytes
  const tooLong = "€".repeat(10923); // 32769 bytes from 10923 UTF-16 units
  for (const method of ["string", "compactString"] as const) {
    const w = new Writer(8);
    w[method](ok);
    const after = w.length;
    assert.ok(after > 32767);
    assert.throws(() => w[method](tooLong), RangeError);
    assert.equal(w.length, after, `${method} wrote nothing on failure`);
  }
  assert.throws(() => new Writer().nullableString("a".repeat(32768)), RangeError);
  assert.throws(() => new Writer().compactNullableString("a".repeat(32768)), RangeError);
});

test("Writer writes UUIDs from Kafka's base64url form", () => {
  assert.deepEqual(bytesOf((w) => w.uuid("AAAAAAAAAAAAAAAAAAAAAA")), new Array(16).fill(0));
  // base64 of bytes 0..15 is AAECAwQFBgcICQoLDA0ODw== (RFC 4648).
  assert.deepEqual(bytesOf((w) => w.uuid("AAECAwQFBgcICQoLDA0ODw")), [...Array(16).keys()]);
  assert.deepEqual(bytesOf((w) => w.uuid("_____________________w")), new Array(16).fill(F));
  assert.throws(() => new Writer().uuid("short"), TypeError);
  assert.throws(() => new Writer().uuid("AAAAAAAAAAAAAAAAAAAAA="), TypeError);
});

test("Writer keeps earlier bytes when its buffer grows", () => {
  const w = new Writer(16);
  const expected: number[] = [];
  for (let i = 0; i < 1000; i++) {
    w.int32(i);
    expected.push(0, 0, (i >> 8) & 0xff, i & 0xff);
  }
  w.compactString("é".repeat(500));
  assert.deepEqual([...w.finish().subarray(0, 4000)], expected);
  assert.equal(w.length, 4000 + 2 + 1000);
});

test("Writer patches reserved space and resets for reuse", () => {
  const w = new Writer();
  w.int8(7);
  const at = w.reserve(4);
  w.int16(0x0102);
  w.setInt32At(at, -2);
  assert.deepEqual([...w.finish()], [7, F, F, F, 0xfe, 1, 2]);
  w.setUint32At(at, 0xdeadbeef);
  w.setInt16At(at + 4, -1);
  assert.deepEqual([...w.finish()], [7, 0xde, 0xad, 0xbe, 0xef, F, F]);

  const kept = w.toBytes();
  w.reset();
  assert.equal(w.length, 0);
  w.int8(1);
  assert.deepEqual([...w.finish()], [1]);
  assert.deepEqual([...kept], [7, 0xde, 0xad, 0xbe, 0xef, F, F], "toBytes is a copy");
  // The old bytes are still in the buffer after reset; reserve must zero them.
  assert.equal(w.reserve(3), 1);
  assert.deepEqual([...w.finish()], [1, 0, 0, 0]);
});

test("utf8Length agrees with TextEncoder, lone surrogates included", () => {
  const samples = [
    "",
    "kafka",
    "é",
    "€",
    "😀",
    "a😀b",
    "\ud800",
    "\udc00",
    "x\ud800",
    "\ud800x",
    "\udc00\ud800",
    "\u07ff\u0800\uffff",
    "日本語のトピック",
  ];
  const enc = new TextEncoder();
  for (const s of samples) assert.equal(utf8Length(s), enc.encode(s).length, JSON.stringify(s));
});

test("uvarintSize changes exactly at the 7-bit boundaries", () => {
  const edges: [number, number][] = [
    [127, 1],
    [128, 2],
    [16383, 2],
    [16384, 3],
    [2 ** 21 - 1, 3],
    [2 ** 21, 4],
    [2 ** 28 - 1, 4],
    [2 ** 28, 5],
    [2 ** 32 - 1, 5],
  ];
  for (const [v, size] of edges) {
    assert.equal(uvarintSize(v), size, `${v}`);
    assert.equal(bytesOf((w) => w.uvarint(v)).length, size, `written ${v}`);
  }
});

test("every written primitive reads back through Reader", () => {
  const w = new Writer(8);
  w.int8(-5);
  w.int16(-300);
  w.uint16(40000);
  w.int32(-70000);
  w.uint32(3000000000);
  w.int64(-(2n ** 63n));
  w.int64(2n ** 63n - 1n);
  w.float64(Math.PI);
  w.bool(true);
  w.uvarint(300);
  w.varint(-(2 ** 31));
  w.varlong(-(2n ** 63n));
  w.varlong(2 ** 53 - 1);
  w.uuid("3bL3pRSzRIWXS0KT0YrZ6g");
  w.string("topic-é");
  w.nullableString(null);
  w.compactString("😀".repeat(40));
  w.compactNullableString(null);
  w.bytes(new Uint8Array([1, 2]));
  w.nullableBytes(null);
  w.compactBytes(new Uint8Array([3]));
  w.compactNullableBytes(null);
  w.arrayLength(0);
  w.compactArrayLength(null);

  const r = new Reader(w.toBytes());
  assert.equal(r.int8(), -5);
  assert.equal(r.int16(), -300);
  assert.equal(r.uint16(), 40000);
  assert.equal(r.int32(), -70000);
  assert.equal(r.uint32(), 3000000000);
  assert.equal(r.int64(), -(2n ** 63n));
  assert.equal(r.int64(), 2n ** 63n - 1n);
  assert.equal(r.float64(), Math.PI);
  assert.equal(r.bool(), true);
  assert.equal(r.uvarint(), 300);
  assert.equal(r.varint(), -(2 ** 31));
  assert.equal(r.varlong(), -(2n ** 63n));
  assert.equal(r.varlongNumber(), 2 ** 53 - 1);
  assert.equal(r.uuid(), "3bL3pRSzRIWXS0KT0YrZ6g");
  assert.equal(r.string(), "topic-é");
  assert.equal(r.nullableString(), null);
  assert.equal(r.compactString(), "😀".repeat(40));
  assert.equal(r.compactNullableString(), null);
  assert.deepEqual([...r.bytes()], [1, 2]);
  assert.equal(r.nullableBytes(), null);
  assert.deepEqual([...r.compactBytes()], [3]);
  assert.equal(r.compactNullableBytes(), null);
  assert.equal(r.arrayLength(), 0);
  assert.equal(r.compactArrayLength(), -1);
  assert.equal(r.remaining, 0);
});
