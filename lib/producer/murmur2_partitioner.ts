// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The murmur2 key partitioner: Java's placement of keyed records.
 *
 * @module
 */

import { murmur2 } from "./murmur2.ts";
import type { Partitioner } from "./partitioner.ts";
import { KeyedPartitioner } from "./_keyed_partitioner.ts";
import { randomPartitioner } from "./random_partitioner.ts";

/** Options for {@linkcode murmur2Partitioner}. */
export interface Murmur2PartitionerOptions {
  /**
   * Places records without a key. `defaultPartitioner` passes a sticky partitioner here.
   *
   * @default {randomPartitioner()}
   */
  keyless?: Partitioner;
}

/**
 * Makes a partitioner that places a keyed record where Java's producer does:
 * `(murmur2(key) & 0x7fffffff) % count` (Java's `BuiltInPartitioner.partitionForKey`), over
 * all partitions whether or not they have a leader, so a key always maps to the same
 * partition while the count stays the same. Sarama's `NewMurmur2Partitioner` agrees. A string
 * key is hashed over its UTF-8 bytes, as Java's `StringSerializer` would send it.
 *
 * Records without a key go to `options.keyless`.
 *
 * @param options Where keyless records go.
 * @returns The partitioner.
 *
 * @example A key always lands on the same partition, a string like its bytes
 * ```ts
 * import { murmur2Partitioner } from "./murmur2_partitioner.ts";
 * import assert from "node:assert/strict";
 *
 * const partitioner = murmur2Partitioner();
 * const p = partitioner.partition("orders", "customer-42", 12, [], 100);
 * assert.ok(p >= 0 && p < 12);
 * const bytes = new TextEncoder().encode("customer-42");
 * assert.equal(partitioner.partition("orders", bytes, 12, [0], 100), p);
 * ```
 */
export function murmur2Partitioner(options: Murmur2PartitionerOptions = {}): Partitioner {
  // Java's BuiltInPartitioner: the hash made positive, modulo the count.
  return new KeyedPartitioner(
    "murmur2",
    murmur2,
    (h, count) => (h & 0x7fffffff) % count,
    options.keyless ?? randomPartitioner(),
  );
}
