// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * A partitioner made from a user's function.
 *
 * @module
 */

import { assertPartitionCount, type Partitioner } from "./partitioner.ts";

/**
 * A user's partitioning rule: returns the partition, from 0 to `count - 1`, for one record.
 * `available` lists the partitions that have a leader now; it may be empty.
 */
export type PartitionFunction = (
  topic: string,
  key: Uint8Array | string | null,
  count: number,
  available: readonly number[],
) => number;

/**
 * Makes a partitioner from a function, checking each answer: a result that is not an integer
 * from 0 to `count - 1` throws a `RangeError` naming the topic and the value, so a bad rule
 * fails at the record rather than as a broker error later.
 *
 * @param fn The rule.
 * @returns The partitioner.
 *
 * @example Route by the first byte of the key
 * ```ts
 * import { functionPartitioner } from "./function_partitioner.ts";
 * import assert from "node:assert/strict";
 *
 * const partitioner = functionPartitioner((_topic, key, count) =>
 *   typeof key === "string" ? key.charCodeAt(0) % count : 0
 * );
 * assert.equal(partitioner.partition("orders", "b", 3, [], 100), 2);
 * assert.throws(() => functionPartitioner(() => 7).partition("orders", null, 3, [], 100), RangeError);
 * ```
 */
export function functionPartitioner(fn: PartitionFunction): Partitioner {
  return new FunctionPartitioner(fn);
}

class FunctionPartitioner implements Partitioner {
  readonly #fn: PartitionFunction;

  constructor(fn: PartitionFunction) {
    if (typeof fn !== "function") {
      throw new TypeError(
        `Cannot make a partitioner from a function as the argument must be a function: current value is ${typeof fn}`,
      );
    }
    this.#fn = fn;
  }

  partition(
    topic: string,
    key: Uint8Array | string | null,
    count: number,
    available: readonly number[],
  ): number {
    assertPartitionCount(topic, count);
    const p = this.#fn(topic, key, count, available);
    // `| 0` turns a returned -0 into 0.
    if (Number.isInteger(p) && p >= 0 && p < count) return p | 0;
    throw new RangeError(
      `Cannot send a record to topic "${topic}" as the partition function must return an integer from 0 to ${
        count - 1
      }: current value is ${String(p)}`,
    );
  }
}
