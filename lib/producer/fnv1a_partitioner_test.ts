import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { fnv1aPartitioner } from "./fnv1a_partitioner.ts";
import type { Partitioner } from "./partitioner.ts";
import saramaVectors from "./testdata/sarama_vectors.json" with { type: "json" };
import javaVectors from "./testdata/murmur2_vectors.json" with { type: "json" };

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

test("fnv1aPartitioner places keys where Sarama's NewHashPartitioner does", () => {
  const partitioner = fnv1aPartitioner();
  let checked = 0;
  for (const v of saramaVectors.vectors) {
    const key = fromHex(v.hex);
    saramaVectors.counts.forEach((count, i) => {
      assert.equal(partitioner.partition("t", key, count, [], 100), v.hash[i], `${v.hex}/${count}`);
      checked++;
    });
  }
  assert.ok(checked >= 1200);
});

test("fnv1aPartitioner places string keys like their UTF-8 bytes", () => {
  const partitioner = fnv1aPartitioner();
  const sarama = new Map(saramaVectors.vectors.map((v) => [v.hex, v.hash]));
  for (const v of javaVectors.vectors) {
    if (v.text === undefined) continue;
    const expected = sarama.get(v.hex)!;
    saramaVectors.counts.forEach((count, i) => {
      assert.equal(partitioner.partition("t", v.text!, count, [], 100), expected[i], v.text);
    });
  }
});

test("fnv1aPartitioner negates a negative remainder, unlike Java's sign-bit mask", () => {
  // Sarama: int32(h) % n, negated if negative. Java-style would be (h & 0x7fffffff) % n.
  const partitioner = fnv1aPartitioner();
  let differs = 0;
  for (const v of saramaVectors.vectors) {
    const signed = v.fnv1a32 | 0;
    if (signed >= 0) continue;
    const sarama = Math.abs(signed % 7);
    const masked = (signed & 0x7fffffff) % 7;
    assert.equal(partitioner.partition("t", fromHex(v.hex), 7, [], 100), sarama, v.hex);
    if (sarama !== masked) differs++;
  }
  assert.ok(differs > 10, "the fixture tells the two rules apart");
});

test("fnv1aPartitioner returns 0, not -0, when a negative hash divides evenly", () => {
  // "a" hashes to 0xe40c292c, negative as an int32; every hash divides evenly by 1.
  const p = fnv1aPartitioner().partition("t", "a", 1, [], 100);
  assert.ok(Object.is(p, 0));
});

test("fnv1aPartitioner ignores availability for keys and hands keyless records on", () => {
  const keyless: Partitioner = { partition: () => 2 };
  const partitioner = fnv1aPartitioner({ keyless });
  assert.equal(partitioner.partition("t", "foobar", 7, [0], 100), 4);
  assert.equal(partitioner.partition("t", null, 7, [0], 100), 2);
  const fallback = fnv1aPartitioner();
  for (let i = 0; i < 100; i++) assert.equal(fallback.partition("t", null, 7, [5], 100), 5);
});

test("fnv1aPartitioner refuses a topic without partitions", () => {
  assert.throws(() => fnv1aPartitioner().partition("orders", "k", 0, [], 100), RangeError);
});
