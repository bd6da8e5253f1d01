import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { functionPartitioner, type PartitionFunction } from "./function_partitioner.ts";

test("functionPartitioner passes topic, key, count and availability to the function", () => {
  const calls: unknown[][] = [];
  const partitioner = functionPartitioner((...args) => {
    calls.push(args);
    return 2;
  });
  const key = new Uint8Array([9]);
  const available = [0, 2];
  assert.equal(partitioner.partition("orders", key, 3, available, 100), 2);
  assert.deepEqual(calls, [["orders", key, 3, available]]);
  assert.equal(calls[0]![1], key);
});

test("functionPartitioner returns every partition from 0 to count - 1", () => {
  const partitioner = functionPartitioner((_t, key) => Number(key));
  for (let p = 0; p < 5; p++) assert.equal(partitioner.partition("t", String(p), 5, [], 1), p);
});

test("functionPartitioner refuses results outside 0..count-1 with a RangeError naming topic and value", () => {
  for (const bad of [3, -1, 1.5, NaN, Infinity, "1", undefined, null]) {
    const partitioner = functionPartitioner((() => bad) as unknown as PartitionFunction);
    assert.throws(
      () => partitioner.partition("orders", "k", 3, [], 1),
      (e: unknown) =>
        e instanceof RangeError && e.message.includes('"orders"') &&
        e.message.includes(`current value is ${String(bad)}`),
      `result ${String(bad)}`,
    );
  }
});

test("functionPartitioner turns a returned -0 into 0", () => {
  const p = functionPartitioner(() => -0).partition("t", null, 3, [], 1);
  assert.ok(Object.is(p, 0));
});

test("functionPartitioner lets the function's own errors through", () => {
  const boom = new Error("boom");
  const partitioner = functionPartitioner(() => {
    throw boom;
  });
  assert.throws(() => partitioner.partition("t", null, 3, [], 1), (e: unknown) => e === boom);
});

test("functionPartitioner refuses a non-function, and a topic without partitions before calling", () => {
  assert.throws(() => functionPartitioner("nope" as never), TypeError);
  let called = false;
  const partitioner = functionPartitioner(() => {
    called = true;
    return 0;
  });
  assert.throws(() => partitioner.partition("t", null, 0, [], 1), RangeError);
  assert.equal(called, false);
});
