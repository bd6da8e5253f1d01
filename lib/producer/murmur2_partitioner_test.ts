import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { murmur2Partitioner } from "./murmur2_partitioner.ts";
import type { Partitioner } from "./partitioner.ts";
import javaVectors from "./testdata/murmur2_vectors.json" with { type: "json" };
import saramaVectors from "./testdata/sarama_vectors.json" with { type: "json" };

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

test("murmur2Partitioner places byte keys where Java's BuiltInPartitioner.partitionForKey does", () => {
  const partitioner = murmur2Partitioner();
  let checked = 0;
  for (const v of javaVectors.vectors) {
    const key = fromHex(v.hex);
    javaVectors.counts.forEach((count, i) => {
      assert.equal(
        partitioner.partition("t", key, count, [], 100),
        v.partitions[i],
        `${v.hex}/${count}`,
      );
      checked++;
    });
  }
  assert.ok(checked >= 1200);
});

test("murmur2Partitioner places string keys where Java places their UTF-8 bytes", () => {
  const partitioner = murmur2Partitioner();
  const texts = javaVectors.vectors.filter((v) => v.text !== undefined);
  assert.ok(texts.some((v) => /[^ -~]/.test(v.text!)), "fixture has multi-byte text");
  for (const v of texts) {
    javaVectors.counts.forEach((count, i) => {
      assert.equal(partitioner.partition("t", v.text!, count, [], 100), v.partitions[i], v.text);
    });
  }
});

test("murmur2Partitioner agrees with Sarama's NewMurmur2Partitioner", () => {
  const partitioner = murmur2Partitioner();
  for (const v of saramaVectors.vectors) {
    const key = fromHex(v.hex);
    saramaVectors.counts.forEach((count, i) => {
      assert.equal(
        partitioner.partition("t", key, count, [], 100),
        v.murmur2[i],
        `${v.hex}/${count}`,
      );
    });
  }
});

test("murmur2Partitioner hashes keyed records over all partitions, led or not", () => {
  const partitioner = murmur2Partitioner();
  // Pick a key whose partition among 100 is not 0, then say only partition 0 has a leader.
  const v = javaVectors.vectors.find((x) => x.partitions[5] !== 0)!;
  assert.equal(partitioner.partition("t", fromHex(v.hex), 100, [0], 100), v.partitions[5]);
});

test("murmur2Partitioner hands keyless records to the keyless partitioner with all arguments", () => {
  const calls: unknown[][] = [];
  const keyless: Partitioner = {
    partition(...args) {
      calls.push(args);
      return 3;
    },
  };
  const partitioner = murmur2Partitioner({ keyless });
  const available = [1, 3];
  assert.equal(partitioner.partition("orders", null, 6, available, 250), 3);
  assert.equal(partitioner.partition("orders", undefined as never, 6, available, 250), 3);
  assert.deepEqual(calls, [["orders", null, 6, available, 250], [
    "orders",
    null,
    6,
    available,
    250,
  ]]);
  assert.equal(calls[0]![3], available);
});

test("murmur2Partitioner spreads keyless records over partitions with a leader by default", () => {
  const partitioner = murmur2Partitioner();
  const seen = new Set<number>();
  for (let i = 0; i < 500; i++) seen.add(partitioner.partition("t", null, 8, [2, 5, 7], 100));
  assert.deepEqual([...seen].sort(), [2, 5, 7]);
});

test("murmur2Partitioner refuses a topic without partitions and a keyless that is not a partitioner", () => {
  assert.throws(() => murmur2Partitioner().partition("t", "k", 0, [], 100), RangeError);
  assert.throws(() => murmur2Partitioner({ keyless: {} as Partitioner }), TypeError);
});
