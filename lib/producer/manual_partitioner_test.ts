import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { manualPartitioner } from "./manual_partitioner.ts";

test("manualPartitioner refuses every record with a TypeError naming the topic", () => {
  const partitioner = manualPartitioner();
  for (const key of [null, "key", new Uint8Array([1])]) {
    assert.throws(
      () => partitioner.partition("orders-eu", key, 6, [0, 1], 100),
      (e: unknown) => e instanceof TypeError && e.message.includes('"orders-eu"'),
    );
  }
});
