import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { assertPartitionCount, KeyHasher } from "./partitioner.ts";
import { murmur2 } from "./murmur2.ts";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

test("KeyHasher hashes a string key like its UTF-8 bytes", () => {
  const hasher = new KeyHasher(murmur2);
  for (const s of ["", "a", "kafka", "grüße", "日本語のキー", "🎉🎉", "a😀b", "x".repeat(300)]) {
    assert.equal(hasher.hash(s), murmur2(utf8(s)), JSON.stringify(s));
  }
});

test("KeyHasher passes byte keys through untouched, with their full length", () => {
  const seen: [Uint8Array, number][] = [];
  const hasher = new KeyHasher((bytes, length) => {
    seen.push([bytes, length]);
    return 7;
  });
  const key = new Uint8Array([1, 2, 3]);
  assert.equal(hasher.hash(key), 7);
  assert.equal(seen[0]![0], key);
  assert.equal(seen[0]![1], 3);
});

test("KeyHasher hands the hash exactly the encoded bytes of a string", () => {
  let got: number[] = [];
  const hasher = new KeyHasher((bytes, length) => {
    got = Array.from(bytes.subarray(0, length));
    return 0;
  });
  hasher.hash("é€😀");
  assert.deepEqual(got, Array.from(utf8("é€😀")));
});

test("KeyHasher grows for long keys and stays right for short keys after", () => {
  const hasher = new KeyHasher(murmur2);
  const long = "€".repeat(50_000); // 150,000 bytes, far past the first scratch buffer
  assert.equal(hasher.hash(long), murmur2(utf8(long)));
  // The scratch now holds stale bytes past the new key's end; they must not be hashed.
  assert.equal(hasher.hash("ab"), murmur2(utf8("ab")));
  assert.equal(hasher.hash(""), murmur2(new Uint8Array(0)));
});

test("KeyHasher encodes a lone surrogate as U+FFFD, as TextEncoder does", () => {
  const hasher = new KeyHasher(murmur2);
  assert.equal(hasher.hash("a\ud800b"), murmur2(utf8("a\ufffdb")));
});

test("KeyHasher refuses a hash that is not a function", () => {
  assert.throws(() => new KeyHasher(42 as never), TypeError);
});

test("assertPartitionCount accepts positive 32-bit integers", () => {
  for (const ok of [1, 2, 100, 0x7fffffff]) {
    assert.doesNotThrow(() => assertPartitionCount("t", ok));
  }
});

test("assertPartitionCount refuses counts a topic cannot have, naming the topic", () => {
  for (const bad of [0, -1, 1.5, NaN, Infinity, 2 ** 31]) {
    assert.throws(
      () => assertPartitionCount("orders", bad),
      (e: unknown) =>
        e instanceof RangeError && e.message.includes('"orders"') &&
        e.message.includes(`current value is ${bad}`),
      `count ${bad}`,
    );
  }
});
