// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The partitioner contract, and the small pieces the built-in partitioners share.
 *
 * @module
 */

/**
 * Chooses the partition of each record that has no explicit `partition`.
 *
 * `partition` runs once per record on the producer's hot path, so an implementation should not
 * allocate per call. The producer handles records that name their partition itself and never
 * asks the partitioner about them.
 *
 * The producer passes the same `available` array for as long as the set of partitions with a
 * leader stays the same, and a new array when it changes; partitioners may cache work keyed
 * on the array's identity, and must not change it.
 *
 * @example A partitioner that sends every record to the last partition
 * ```ts
 * import type { Partitioner } from "./partitioner.ts";
 * import assert from "node:assert/strict";
 *
 * const last: Partitioner = {
 *   partition(_topic, _key, count) {
 *     return count - 1;
 *   },
 * };
 * assert.equal(last.partition("orders", null, 6, [], 100), 5);
 * ```
 */
export interface Partitioner {
  /**
   * Returns the partition, from 0 to `count - 1`, for one record.
   *
   * @param topic The record's topic.
   * @param key The record's key after serialization; a string stands for its UTF-8 bytes.
   * @param count How many partitions the topic has.
   * @param available The partitions that have a leader now, in ascending order. It may be
   * empty, when metadata knows no leader at all: then any of 0 to `count - 1` may be returned.
   * @param recordBytes The record's approximate encoded size, for partitioners that move on
   * after a number of bytes.
   * @returns The partition number.
   */
  partition(
    topic: string,
    key: Uint8Array | string | null,
    count: number,
    available: readonly number[],
    recordBytes: number,
  ): number;
}

/**
 * A 32-bit hash over the first `length` bytes of `bytes`, such as `murmur2` or `fnv1a32`.
 */
export type KeyHash = (bytes: Uint8Array, length: number) => number;

const encoder: TextEncoder = new TextEncoder();
/** A UTF-16 code unit never takes more than 3 bytes of UTF-8 (a surrogate pair takes 4 for 2). */
const MAX_UTF8_PER_UTF16 = 3;

/**
 * Hashes record keys given as bytes or as strings, hashing a string over its UTF-8 bytes.
 *
 * A string is written into a scratch buffer that the hasher keeps and grows, never into a
 * fresh array per key: ASCII by copying char codes, anything else with
 * `TextEncoder.encodeInto`. Each partitioner owns one hasher, so no
 * two callers share a scratch buffer.
 *
 * A string with an unpaired surrogate is encoded with U+FFFD in its place, as `TextEncoder`
 * does; Java's `String.getBytes` writes `?` there instead, so such keys (which are not valid
 * Unicode) may hash differently from the Java client.
 *
 * @example A string key hashes like its UTF-8 bytes
 * ```ts
 * import { KeyHasher } from "./partitioner.ts";
 * import { murmur2 } from "./murmur2.ts";
 * import assert from "node:assert/strict";
 *
 * const hasher = new KeyHasher(murmur2);
 * assert.equal(hasher.hash("grüße"), murmur2(new TextEncoder().encode("grüße")));
 * ```
 */
export class KeyHasher {
  readonly #hash: KeyHash;
  #scratch: Uint8Array = new Uint8Array(256);

  /**
   * Makes a hasher that applies `hash` to each key's bytes.
   *
   * @param hash The hash function.
   */
  constructor(hash: KeyHash) {
    if (typeof hash !== "function") {
      throw new TypeError(
        `Cannot make a key hasher as the hash must be a function: current value is ${typeof hash}`,
      );
    }
    this.#hash = hash;
  }

  /**
   * Hashes one key.
   *
   * @param key The key, as bytes or as a string to hash over its UTF-8 bytes.
   * @returns What the hash function returns for the key's bytes.
   */
  hash(key: Uint8Array | string): number {
    if (typeof key !== "string") return this.#hash(key, key.length);
    const worst = key.length * MAX_UTF8_PER_UTF16;
    if (worst > this.#scratch.length) {
      this.#scratch = new Uint8Array(Math.max(worst, this.#scratch.length * 2));
    }
    const scratch = this.#scratch;
    // Most keys are ASCII: copying char codes costs less than a call into the encoder (which
    // also allocates its result object), about 35 ns instead of 90 ns per 20-byte key in Deno.
    const n = key.length;
    let i = 0;
    while (i < n) {
      const c = key.charCodeAt(i);
      if (c >= 0x80) break;
      scratch[i++] = c;
    }
    if (i === n) return this.#hash(scratch, n);
    // The scratch buffer holds the worst case, so one call always encodes the whole string.
    const { written } = encoder.encodeInto(key, scratch);
    return this.#hash(scratch, written);
  }
}

/**
 * Throws a `RangeError` unless `count` is a positive integer: a topic without partitions
 * cannot take a record, and taking a hash modulo 0 would give `NaN` rather than fail.
 *
 * @param topic The record's topic, for the message.
 * @param count The topic's partition count.
 *
 * @example A topic with no partitions is refused
 * ```ts
 * import { assertPartitionCount } from "./partitioner.ts";
 * import assert from "node:assert/strict";
 *
 * assertPartitionCount("orders", 3);
 * assert.throws(() => assertPartitionCount("orders", 0), RangeError);
 * ```
 */
export function assertPartitionCount(topic: string, count: number): void {
  if (count >= 1 && count <= 0x7fffffff && (count | 0) === count) return;
  throw new RangeError(
    `Cannot choose a partition for topic "${topic}" as the partition count must be a positive integer: current value is ${count}`,
  );
}
