import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { defaultPartitioner } from "./default_partitioner.ts";
import javaVectors from "./testdata/murmur2_vectors.json" with { type: "json" };

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

test("defaultPartitioner places keyed records where Java's producer does", () => {
  const partitioner = defaultPartitioner();
  for (const v of javaVectors.vectors) {
    const key = v.text ?? fromHex(v.hex);
    javaVectors.counts.forEach((count, i) => {
      assert.equal(partitioner.partition("t", key, count, [0], 100), v.partitions[i], v.hex);
    });
  }
});

test("defaultPartitioner sticks keyless records for 16384 bytes by default", () => {
  const partitioner = defaultPartitioner();
  const picks = Array.from({ length: 17 }, () => partitioner.partition("t", null, 6, [], 1024));
  assert.equal(new Set(picks.slice(0, 16)).size, 1);
  assert.notEqual(picks[16], picks[15]);
});

test("defaultPartitioner's keyed records do not count toward the keyless threshold", () => {
  const partitioner = defaultPartitioner({ stickyBytes: 1000 });
  const first = partitioner.partition("t", null, 6, [], 600);
  for (let i = 0; i < 20; i++) partitioner.partition("t", `k${i}`, 6, [], 600);
  assert.equal(partitioner.partition("t", null, 6, [], 300), first);
});

test("defaultPartitioner takes stickyBytes and random from its options", () => {
  let draws = 0;
  const partitioner = defaultPartitioner({
    stickyBytes: 200,
    random: () => {
      draws++;
      return 0;
    },
  });
  const picks = Array.from({ length: 4 }, () => partitioner.partition("t", null, 6, [], 100));
  // Draw 0 of 0..5 first; on leaving 0, draw 0 of the others, which is 1.
  assert.deepEqual(picks, [0, 0, 1, 1]);
  assert.equal(draws, 3);
});

test("defaultPartitioner with ignoreKeys treats keyed records like keyless ones", () => {
  const partitioner = defaultPartitioner({ ignoreKeys: true });
  const picks = ["a", "b", "c", "d", "e"].map((k) => partitioner.partition("t", k, 100, [], 10));
  assert.equal(new Set(picks).size, 1);
});
