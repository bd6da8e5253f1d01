import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { randomPartitioner } from "./random_partitioner.ts";

test("randomPartitioner stays in range and reaches every partition", () => {
  const partitioner = randomPartitioner();
  const counts = new Array<number>(7).fill(0);
  for (let i = 0; i < 7000; i++) {
    const p = partitioner.partition("t", "key", 7, [], 100);
    assert.ok(Number.isInteger(p) && p >= 0 && p < 7, `${p}`);
    counts[p]!++;
  }
  // Each expects 1000; 700 is more than nine standard deviations away.
  for (const c of counts) assert.ok(c > 700, `${counts}`);
});

test("randomPartitioner draws only among partitions with a leader", () => {
  const partitioner = randomPartitioner();
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) seen.add(partitioner.partition("t", null, 12, [3, 7, 11], 100));
  assert.deepEqual([...seen].sort((a, b) => a - b), [3, 7, 11]);
});

test("randomPartitioner maps the ends of the random range to the first and last choice", () => {
  assert.equal(randomPartitioner({ random: () => 0 }).partition("t", null, 5, [], 1), 0);
  const high = randomPartitioner({ random: () => 1 - Number.EPSILON });
  assert.equal(high.partition("t", null, 5, [], 1), 4);
  assert.equal(high.partition("t", null, 5, [0, 2], 1), 2);
});

test("randomPartitioner refuses a random source that is not a function", () => {
  assert.throws(() => randomPartitioner({ random: 0.5 as never }), TypeError);
  assert.throws(() => randomPartitioner().partition("orders", null, 0, [], 1), RangeError);
});
