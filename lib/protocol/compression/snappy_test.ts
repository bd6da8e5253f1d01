import { test } from "../../../tests/_test.ts";
import assert from "node:assert/strict";
import { snappyCompress, snappyDecompress } from "./snappy.ts";
import { DecompressionLimitError } from "./codec.ts";
import { MalformedDataError } from "../kafka_error.ts";

const hex = (h: string) => Uint8Array.from(h.match(/../g)!, (x) => parseInt(x, 16));
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);

function sample(n: number, alphabet: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    b[i] = 97 + ((s >>> 16) % alphabet);
  }
  return b;
}

test("snappyDecompress reads every element kind, built by hand from the format description", () => {
  // preamble 20; literal "abcd" (tag 3<<2); copy with 1-byte offset, len 8, offset 4
  // (tag 4<<2|1, 04); copy with 2-byte offset, len 4, offset 4 (tag 3<<2|2, 04 00);
  // copy with 4-byte offset, len 4, offset 8 (tag 3<<2|3, 08 00 00 00).
  const block = hex("14" + "0c61626364" + "1104" + "0e0400" + "0f08000000");
  assert.equal(text(snappyDecompress(block)), "abcd".repeat(5));
});

test("snappyDecompress reads literals with 1- to 4-byte lengths", () => {
  const data = "x".repeat(256);
  // Tags 60..63 (<< 2) say 1..4 little-endian length bytes follow, holding 256 - 1 = 0xff.
  for (const head of ["f0ff", "f4ff00", "f8ff0000", "fcff000000"]) {
    const block = new Uint8Array([...hex("8002" + head), ...bytes(data)]);
    assert.equal(text(snappyDecompress(block)), data, head);
  }
});

test("snappyDecompress reads a raw block from snappy-java (Snappy.compress)", () => {
  const want = Array.from({ length: 30 }, (_, i) => `snappy kafka ${i % 3}`).join("");
  const block = hex(
    "a40334736e61707079206b61666b612030320e000031320e000032320e00fe2a00fe2a00fe2a00fe2a00fe2a00b22a00",
  );
  assert.equal(text(snappyDecompress(block)), want);
});

test("snappyDecompress reads the xerial framing snappy-java's stream writes", () => {
  const chunk1 = hex("0c" + "2c" + "68656c6c6f20776f726c6420"); // "hello world "
  const chunk2 = hex("04" + "0c" + "6b61666b"); // "kafk"
  const frame = new Uint8Array([
    ...hex("82534e41505059000000000100000001"),
    ...hex("0000000e"),
    ...chunk1,
    ...hex("00000006"),
    ...chunk2,
  ]);
  assert.equal(text(snappyDecompress(frame)), "hello world kafk");
});

test("snappy round-trips data of every size and entropy", () => {
  for (const n of [0, 1, 4, 14, 15, 16, 100, 4096, 65535, 65536, 65537, 200_000]) {
    for (const alphabet of [1, 2, 26, 256]) {
      const data = sample(n, alphabet, n * 17 + alphabet);
      assert.deepEqual(snappyDecompress(snappyCompress(data)), data, `n=${n} alphabet=${alphabet}`);
    }
  }
});

test("snappyCompress shrinks repetitive data", () => {
  assert.ok(snappyCompress(bytes("kafka ".repeat(1000))).length < 400);
});

test("snappyDecompress refuses bad blocks with MalformedDataError", () => {
  const cases: [string, Uint8Array][] = [
    ["empty", new Uint8Array(0)],
    ["preamble runs on", hex("ffffffffff")],
    ["literal past the end", hex("050c6162")],
    ["copy before the start", hex("08" + "0c61626364" + "1108")],
    ["zero offset", hex("08" + "0c61626364" + "1100")],
    ["output shorter than declared", hex("08" + "0c61626364")],
    ["output longer than declared", hex("02" + "0c61626364")],
    ["xerial chunk past the end", hex("82534e415050590000000001000000010000ffff00")],
  ];
  for (const [name, data] of cases) {
    assert.throws(() => snappyDecompress(data), MalformedDataError, name);
  }
});

test("snappyDecompress checks the size limit before allocating", () => {
  // A preamble claiming 4 GiB, and nothing else.
  assert.throws(() => snappyDecompress(hex("ffffffff0f"), 1 << 20), DecompressionLimitError);
  const packed = snappyCompress(new Uint8Array(100_000));
  assert.throws(() => snappyDecompress(packed, 99_999), DecompressionLimitError);
  assert.equal(snappyDecompress(packed, 100_000).length, 100_000);
});
