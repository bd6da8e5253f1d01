// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The default partitioner: Java's producer's placement (Kafka 3.3 and later).
 *
 * @module
 */

import { murmur2Partitioner } from "./murmur2_partitioner.ts";
import type { Partitioner } from "./partitioner.ts";
import { stickyPartitioner } from "./sticky_partitioner.ts";

/** Options for {@linkcode defaultPartitioner}. */
export interface DefaultPartitionerOptions {
  /**
   * How many bytes of keyless records go to one partition before the topic moves to another.
   *
   * @default {16384}
   */
  stickyBytes?: number;
  /**
   * Spread keyed records like keyless ones, ignoring the key, as Java's
   * `partitioner.ignore.keys=true` does.
   *
   * @default {false}
   */
  ignoreKeys?: boolean;
  /**
   * Returns uniform numbers from 0 (inclusive) to 1 (exclusive) for the sticky draws; replace
   * it to make choices repeatable in tests.
   *
   * @default {Math.random}
   */
  random?: () => number;
}

/**
 * Makes the partitioner a producer uses unless told otherwise, which places records as Java's
 * producer does since Kafka 3.3, so kanal and Java clients writing the same keys to the same
 * topic agree:
 *
 * - a keyed record goes to `(murmur2(key) & 0x7fffffff) % count`, over all partitions
 *   (see `murmur2Partitioner`);
 * - a record without a key goes to the topic's current sticky partition, which changes after
 *   `stickyBytes` (see `stickyPartitioner`, KIP-794).
 *
 * @param options The sticky threshold, whether to ignore keys, and the random source.
 * @returns The partitioner.
 *
 * @example Keys map to fixed partitions; keyless records stick together
 * ```ts
 * import { defaultPartitioner } from "./default_partitioner.ts";
 * import assert from "node:assert/strict";
 *
 * const partitioner = defaultPartitioner();
 * const p = partitioner.partition("orders", "customer-42", 6, [], 100);
 * assert.equal(partitioner.partition("orders", "customer-42", 6, [], 100), p);
 * const a = partitioner.partition("clicks", null, 6, [], 100);
 * assert.equal(partitioner.partition("clicks", null, 6, [], 100), a);
 * ```
 */
export function defaultPartitioner(options: DefaultPartitionerOptions = {}): Partitioner {
  const sticky = stickyPartitioner({
    stickyBytes: options.stickyBytes,
    random: options.random,
  });
  return options.ignoreKeys ? sticky : murmur2Partitioner({ keyless: sticky });
}
