// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * CRC-32 (IEEE 802.3, as in zlib), the checksum of the old message sets (magic 0 and 1).
 * Only old data needs it, so a byte-at-a-time table is enough.
 *
 * @module
 */

const TABLE: Int32Array = (() => {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    t[i] = c;
  }
  return t;
})();

/**
 * Computes the CRC-32 (IEEE) of `bytes` as an unsigned number; pass an earlier result as
 * `initial` to continue it.
 *
 * @example The catalogue check value
 * ```ts
 * import { crc32 } from "./message_set_crc32.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
 * ```
 */
export function crc32(bytes: Uint8Array, initial = 0): number {
  let crc = ~initial;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
