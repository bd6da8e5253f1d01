// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The round-robin partitioner: each topic's records go to its partitions in turn.
 *
 * @module
 */

import { assertPartitionCount, type Partitioner } from "./partitioner.ts";

/**
 * Makes a partitioner that sends each topic's records to its partitions in turn, ignoring
 * keys: through the partitions that have a leader, or through all of them when none is known
 * to have one. Each topic keeps its own turn, as in Java's `RoundRobinPartitioner` (Sarama's
 * shares one counter across topics, which skews a topic's share when topics interleave).
 *
 * @returns The partitioner.
 *
 * @example Records cycle through the partitions
 * ```ts
 * import { roundRobinPartitioner } from "./round_robin_partitioner.ts";
 * import assert from "node:assert/strict";
 *
 * const partitioner = roundRobinPartitioner();
 * const picks = [0, 1, 2, 3].map(() => partitioner.partition("orders", null, 3, [], 100));
 * assert.deepEqual(picks, [0, 1, 2, 0]);
 * ```
 */
export function roundRobinPartitioner(): Partitioner {
  return new RoundRobinPartitioner();
}

class RoundRobinPartitioner implements Partitioner {
  /** Per topic, the position of the next record's partition in the list it is drawn from. */
  readonly #next: Map<string, number> = new Map();

  partition(
    topic: string,
    _key: Uint8Array | string | null,
    count: number,
    available: readonly number[],
  ): number {
    assertPartitionCount(topic, count);
    const n = available.length;
    const size = n === 0 ? count : n;
    // Taken modulo the current size, so a turn stays valid when the list shrinks or grows.
    const turn = (this.#next.get(topic) ?? 0) % size;
    this.#next.set(topic, turn + 1);
    return n === 0 ? turn : available[turn]!;
  }
}
