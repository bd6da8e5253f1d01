// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The 32-bit FNV-1a hash, which Sarama's default hash partitioner uses.
 *
 * @module
 */

const OFFSET_BASIS = 0x811c9dc5;
const PRIME = 0x01000193;

/**
 * Hashes the first `length` bytes of `bytes` with 32-bit FNV-1a, as Go's `hash/fnv.New32a`
 * does.
 *
 * The result is unsigned, as FNV's published vectors are written. Sarama reads it as a signed
 * `int32` before taking it modulo the partition count; `fnv1a32(key) | 0` gives that value.
 *
 * @param bytes The key bytes.
 * @param length How many bytes of `bytes` to hash, from the start; all of them when omitted.
 * @returns The hash, 0 to 2^32-1.
 *
 * @example A published FNV-1a test vector
 * ```ts
 * import { fnv1a32 } from "./fnv1a.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(fnv1a32(new TextEncoder().encode("foobar")), 0xbf9cf968);
 * assert.equal(fnv1a32(new Uint8Array(0)), 0x811c9dc5);
 * ```
 */
export function fnv1a32(bytes: Uint8Array, length: number = bytes.length): number {
  if (!(length >= 0 && length <= bytes.length) || !Number.isInteger(length)) {
    throw new RangeError(
      `Cannot hash the key as length must be an integer from 0 to ${bytes.length}: current value is ${length}`,
    );
  }
  let h = OFFSET_BASIS;
  for (let i = 0; i < length; i++) h = Math.imul(h ^ bytes[i]!, PRIME);
  return h >>> 0;
}
