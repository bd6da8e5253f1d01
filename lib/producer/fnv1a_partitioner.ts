// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The FNV-1a key partitioner: Sarama's default placement of keyed records.
 *
 * @module
 */

import { fnv1a32 } from "./fnv1a.ts";
import type { Partitioner } from "./partitioner.ts";
import { KeyedPartitioner } from "./_keyed_partitioner.ts";
import { randomPartitioner } from "./random_partitioner.ts";

/** Options for {@linkcode fnv1aPartitioner}. */
export interface Fnv1aPartitionerOptions {
  /**
   * Places records without a key. Sarama picks a random partition with a leader.
   *
   * @default {randomPartitioner()}
   */
  keyless?: Partitioner;
}

/**
 * Makes a partitioner that places keyed records where Sarama's default `NewHashPartitioner`
 * does, for services moving from Sarama that must keep each key on its partition: the 32-bit
 * FNV-1a hash of the key read as a signed 32-bit integer, modulo the partition count, negated
 * when negative. All partitions count, whether or not they have a leader. A string key is
 * hashed over its UTF-8 bytes, as Sarama's `StringEncoder` sends it.
 *
 * This is not where Java's producer puts the same key; use `murmur2Partitioner` or
 * `defaultPartitioner` to agree with Java clients.
 *
 * @param options Where keyless records go.
 * @returns The partitioner.
 *
 * @example Sarama's placement of "foobar" among 7 partitions
 * ```ts
 * import { fnv1aPartitioner } from "./fnv1a_partitioner.ts";
 * import assert from "node:assert/strict";
 *
 * // FNV-1a("foobar") is 0xbf9cf968, which is -1080231576 as an int32; -1080231576 % 7 is -4.
 * assert.equal(fnv1aPartitioner().partition("orders", "foobar", 7, [], 100), 4);
 * ```
 */
export function fnv1aPartitioner(options: Fnv1aPartitionerOptions = {}): Partitioner {
  // Sarama's HashPartitioner: int32(hash) % count, negated when negative. Go's % truncates
  // toward zero like JavaScript's; `| 0` turns a -0 remainder into 0.
  return new KeyedPartitioner("FNV-1a", fnv1a32, (h, count) => {
    const p = ((h | 0) % count) | 0;
    return p < 0 ? -p : p;
  }, options.keyless ?? randomPartitioner());
}
