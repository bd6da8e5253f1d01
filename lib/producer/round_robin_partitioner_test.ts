import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { roundRobinPartitioner } from "./round_robin_partitioner.ts";

test("roundRobinPartitioner cycles through every partition in order", () => {
  const partitioner = roundRobinPartitioner();
  const picks = Array.from({ length: 10 }, () => partitioner.partition("t", null, 4, [], 100));
  assert.deepEqual(picks, [0, 1, 2, 3, 0, 1, 2, 3, 0, 1]);
});

test("roundRobinPartitioner cycles through the partitions with a leader only", () => {
  const partitioner = roundRobinPartitioner();
  const available = [1, 4, 6];
  const picks = Array.from(
    { length: 7 },
    () => partitioner.partition("t", null, 8, available, 100),
  );
  assert.deepEqual(picks, [1, 4, 6, 1, 4, 6, 1]);
});

test("roundRobinPartitioner keeps a separate turn per topic", () => {
  const partitioner = roundRobinPartitioner();
  const picks = ["a", "b", "a", "b", "a", "a"].map((t) => partitioner.partition(t, null, 3, [], 1));
  assert.deepEqual(picks, [0, 0, 1, 1, 2, 0]);
});

test("roundRobinPartitioner ignores keys", () => {
  const partitioner = roundRobinPartitioner();
  const picks = ["same", "same", "same"].map((k) => partitioner.partition("t", k, 3, [], 1));
  assert.deepEqual(picks, [0, 1, 2]);
});

test("roundRobinPartitioner stays in range when the partition list shrinks", () => {
  const partitioner = roundRobinPartitioner();
  for (let i = 0; i < 5; i++) partitioner.partition("t", null, 6, [], 1);
  for (let i = 0; i < 10; i++) {
    assert.ok([2, 5].includes(partitioner.partition("t", null, 6, [2, 5], 1)));
    assert.ok(partitioner.partition("t", null, 2, [], 1) < 2);
  }
});

test("roundRobinPartitioner refuses a topic without partitions", () => {
  assert.throws(() => roundRobinPartitioner().partition("orders", null, 0, [], 1), RangeError);
});
