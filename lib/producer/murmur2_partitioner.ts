// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The murmur2 key partitioner: Java's placement of keyed records.
 *
 * @module
 */

import { murmur2 } from "./murmur2.ts";
import { assertPartitionCount, KeyHasher, type Partitioner } from "./partitioner.ts";
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
  return new Murmur2Partitioner(options.keyless ?? randomPartitioner());
}

class Murmur2Partitioner implements Partitioner {
  readonly #hasher: KeyHasher = new KeyHasher(murmur2);
  readonly #keyless: Partitioner;

  constructor(keyless: Partitioner) {
    if (typeof keyless?.partition !== "function") {
      throw new TypeError(
        `Cannot make a murmur2 partitioner as keyless must be a partitioner: current value is ${typeof keyless}`,
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
    // `== null` also catches an undefined key from untyped callers.
    if (key == null) return this.#keyless.partition(topic, null, count, available, recordBytes);
    assertPartitionCount(topic, count);
    return (this.#hasher.hash(key) & 0x7fffffff) % count;
  }
}
