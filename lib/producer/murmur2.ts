// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Kafka's 32-bit murmur2 hash, the hash the Java producer partitions keys with.
 *
 * @module
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/**
 * Hashes the first `length` bytes of `bytes` exactly as Java's `Utils.murmur2` does, so a key
 * lands on the partition the Java client would choose.
 *
 * The result is a signed 32-bit integer, like Java's `int`; Kafka clears the sign bit
 * (`hash & 0x7fffffff`) before taking it modulo the partition count. `length` lets a caller
 * hash the front of a reusable scratch buffer without making a view of it.
 *
 * @param bytes The key bytes.
 * @param length How many bytes of `bytes` to hash, from the start; all of them when omitted.
 * @returns The hash, -2^31 to 2^31-1.
 *
 * @example The partition Java picks for the key "kafka" among 6
 * ```ts
 * import { murmur2 } from "./murmur2.ts";
 * import assert from "node:assert/strict";
 *
 * const key = new TextEncoder().encode("kafka");
 * const partition = (murmur2(key) & 0x7fffffff) % 6;
 * assert.ok(partition >= 0 && partition < 6);
 * assert.equal(murmur2(key), murmur2(new TextEncoder().encode("kafka!"), 5));
 * ```
 */
export function murmur2(bytes: Uint8Array, length: number = bytes.length): number {
  if (!(length >= 0 && length <= bytes.length) || !Number.isInteger(length)) {
    throw new RangeError(
      `Cannot hash the key as length must be an integer from 0 to ${bytes.length}: current value is ${length}`,
    );
  }
  let h = SEED ^ length;
  const blocks = length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The tail cases fall through on purpose, as in the reference implementation.
  switch (length & 3) {
    case 3:
      h ^= bytes[blocks + 2]! << 16;
    // falls through
    case 2:
      h ^= bytes[blocks + 1]! << 8;
    // falls through
    case 1:
      h ^= bytes[blocks]!;
      h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}
