import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { fnv1a32 } from "./fnv1a.ts";
import saramaVectors from "./testdata/sarama_vectors.json" with { type: "json" };

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

test("fnv1a32 matches the published FNV-1a 32-bit test vectors", () => {
  assert.equal(fnv1a32(utf8("")), 0x811c9dc5);
  assert.equal(fnv1a32(utf8("a")), 0xe40c292c);
  assert.equal(fnv1a32(utf8("foobar")), 0xbf9cf968);
});

test("fnv1a32 matches Go's hash/fnv New32a for every key of the Sarama fixture", () => {
  assert.ok(saramaVectors.vectors.length >= 200);
  for (const v of saramaVectors.vectors) {
    assert.equal(fnv1a32(fromHex(v.hex)), v.fnv1a32, `key ${v.hex}`);
  }
});

test("fnv1a32 returns an unsigned value even when the top bit is set", () => {
  const h = fnv1a32(utf8("a"));
  assert.ok(h > 0x7fffffff);
});

test("fnv1a32 hashes only the first length bytes", () => {
  assert.equal(fnv1a32(utf8("foobarbaz"), 6), 0xbf9cf968);
  assert.equal(fnv1a32(utf8("foobar"), 0), 0x811c9dc5);
});

test("fnv1a32 refuses a length that is negative, fractional or past the end", () => {
  for (const bad of [-1, 7, 2.5, NaN]) {
    assert.throws(() => fnv1a32(utf8("foobar"), bad), RangeError, `length ${bad}`);
  }
});
