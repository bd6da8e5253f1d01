// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * What the hash partitioners share: hash the key's bytes, map the hash to a partition, and hand
 * keyless records to another partitioner. Private to lib/producer.
 *
 * @module
 */

import { assertPartitionCount, type KeyHash, KeyHasher, type Partitioner } from "./partitioner.ts";

/** A partitioner that places keyed records by a hash and keyless ones with `keyless`. */
export class KeyedPartitioner implements Partitioner {
  readonly #hasher: KeyHasher;
  readonly #place: (hash: number, count: number) => number;
  readonly #keyless: Partitioner;

  /**
   * `name` is for error messages; `place` maps a key's hash and the partition count to a
   * partition.
   */
  constructor(
    name: string,
    hash: KeyHash,
    place: (hash: number, count: number) => number,
    keyless: Partitioner,
  ) {
    if (typeof keyless?.partition !== "function") {
      throw new TypeError(
        `Cannot make a${
          /^[aeiou]/i.test(name) ? "n" : ""
        } ${name} partitioner as keyless must be a partitioner: current value is ${typeof keyless}`,
      );
    }
    this.#hasher = new KeyHasher(hash);
    this.#place = place;
    this.#keyless = keyless;
  }

  /** The partition for one record; see {@linkcode Partitioner.partition}. */
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
    return this.#place(this.#hasher.hash(key), count);
  }
}
