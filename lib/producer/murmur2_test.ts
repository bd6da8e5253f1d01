import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { murmur2 } from "./murmur2.ts";
import javaVectors from "./testdata/murmur2_vectors.json" with { type: "json" };

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

test("murmur2 matches Java's Utils.murmur2 for every key of the Java fixture", () => {
  assert.ok(javaVectors.vectors.length >= 200);
  for (const v of javaVectors.vectors) {
    assert.equal(murmur2(fromHex(v.hex)), v.murmur2, `key ${v.hex}`);
  }
});

test("the Java fixture covers the empty key and every tail length, both hash signs", () => {
  const lengths = new Set(javaVectors.vectors.map((v) => v.hex.length / 2));
  assert.ok(lengths.has(0));
  for (let len = 1; len <= 40; len++) assert.ok(lengths.has(len), `length ${len}`);
  assert.ok(javaVectors.vectors.some((v) => v.murmur2 < 0));
  assert.ok(javaVectors.vectors.some((v) => v.murmur2 > 0));
});

test("murmur2 hashes only the first length bytes of a larger buffer", () => {
  for (const v of javaVectors.vectors) {
    const key = fromHex(v.hex);
    const big = new Uint8Array(key.length + 7).fill(0xa5);
    big.set(key);
    assert.equal(murmur2(big, key.length), v.murmur2, `key ${v.hex}`);
  }
});

test("murmur2 hashes a view at its own offset, not the start of its buffer", () => {
  const v = javaVectors.vectors.find((x) => x.hex.length === 26)!;
  const key = fromHex(v.hex);
  const backing = new Uint8Array(key.length + 5).fill(0x11);
  backing.set(key, 5);
  assert.equal(murmur2(backing.subarray(5)), v.murmur2);
});

test("murmur2 refuses a length that is negative, fractional or past the end", () => {
  const bytes = new Uint8Array(4);
  for (const bad of [-1, 5, 1.5, NaN]) {
    assert.throws(() => murmur2(bytes, bad), RangeError, `length ${bad}`);
  }
  assert.doesNotThrow(() => murmur2(bytes, 0));
  assert.doesNotThrow(() => murmur2(bytes, 4));
});
