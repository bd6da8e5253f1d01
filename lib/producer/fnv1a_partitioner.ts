// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The FNV-1a key partitioner: Sarama's default placement of keyed records.
 *
 * @module
 */

import { fnv1a32 } from "./fnv1a.ts";
import { assertPartitionCount, KeyHasher, type Partitioner } from "./partitioner.ts";
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
  return new Fnv1aPartitioner(options.keyless ?? randomPartitioner());
}

class Fnv1aPartitioner implements Partitioner {
  readonly #hasher: KeyHasher = new KeyHasher(fnv1a32);
  readonly #keyless: Partitioner;

  constructor(keyless: Partitioner) {
    if (typeof keyless?.partition !== "function") {
      throw new TypeError(
        `Cannot make an FNV-1a partitioner as keyless must be a partitioner: current value is ${typeof keyless}`,
      );
    }
    this.#keyless = keyless;
  }

  partition(
    topic: string,
    key: Uint8Array | string | null,
    count: number,
    available: readonly number[],
    recordBytes: number,
  ): number {
    if (key == null) return this.#keyless.partition(topic, null, count, available, recordBytes);
    assertPartitionCount(topic, count);
    // Go's % truncates toward zero like JavaScript's; `| 0` turns a -0 remainder into 0.
    const p = ((this.#hasher.hash(key) | 0) % count) | 0;
    return p < 0 ? -p : p;
  }
}
