// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The random partitioner: each record goes to a partition picked at random.
 *
 * @module
 */

import { assertPartitionCount, type Partitioner } from "./partitioner.ts";

/** Options for {@linkcode randomPartitioner}. */
export interface RandomPartitionerOptions {
  /**
   * Returns uniform numbers from 0 (inclusive) to 1 (exclusive); replace it to make choices
   * repeatable in tests.
   *
   * @default {Math.random}
   */
  random?: () => number;
}

/**
 * Makes a partitioner that sends each record to a random partition among those with a leader
 * (or among all of them when none is known to have one), ignoring the key, like Sarama's
 * `NewRandomPartitioner`.
 *
 * @param options How to draw random numbers.
 * @returns The partitioner.
 *
 * @example Every choice is a partition with a leader
 * ```ts
 * import { randomPartitioner } from "./random_partitioner.ts";
 * import assert from "node:assert/strict";
 *
 * const partitioner = randomPartitioner();
 * for (let i = 0; i < 100; i++) {
 *   assert.ok([1, 4].includes(partitioner.partition("orders", "key", 6, [1, 4], 100)));
 * }
 * ```
 */
export function randomPartitioner(options: RandomPartitionerOptions = {}): Partitioner {
  return new RandomPartitioner(options.random ?? Math.random);
}

class RandomPartitioner implements Partitioner {
  readonly #random: () => number;

  constructor(random: () => number) {
    if (typeof random !== "function") {
      throw new TypeError(
        `Cannot make a random partitioner as random must be a function: current value is ${typeof random}`,
      );
    }
    this.#random = random;
  }

  partition(
    topic: string,
    _key: Uint8Array | string | null,
    count: number,
    available: readonly number[],
  ): number {
    assertPartitionCount(topic, count);
    const n = available.length;
    if (n === 0) return Math.floor(this.#random() * count);
    return available[Math.floor(this.#random() * n)]!;
  }
}
