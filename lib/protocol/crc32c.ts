// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * CRC-32C (Castagnoli), the checksum of Kafka record batches (magic 2).
 *
 * Pure TypeScript, slicing-by-8: eight 256-entry tables, built once when the module loads,
 * let each step of the loop fold eight input bytes with eight table lookups. That measured
 * 0.7–1.5 GB/s across Node, Bun and Deno on our 2-core box, about ten times a byte-at-a-time
 * table, and ~0.1 µs for a 100-byte record — cheap next to everything else per record. WASM
 * has no carry-less multiply, so it would stay table-bound and gain little.
 *
 * @module
 */

/** The reflected Castagnoli polynomial 0x1EDC6F41. */
const POLY = 0x82f63b78;
// Word loads read the platform's byte order; every runtime kanal targets is little-endian, but
// the byte-wise path stays for any that is not.
const LITTLE_ENDIAN: boolean = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Table k maps a byte to its CRC contribution k bytes further back: T0 is the classic table. */
const TABLES: Int32Array = buildTables();
const T0: Int32Array = TABLES.subarray(0, 256);
const T1: Int32Array = TABLES.subarray(256, 512);
const T2: Int32Array = TABLES.subarray(512, 768);
const T3: Int32Array = TABLES.subarray(768, 1024);
const T4: Int32Array = TABLES.subarray(1024, 1280);
const T5: Int32Array = TABLES.subarray(1280, 1536);
const T6: Int32Array = TABLES.subarray(1536, 1792);
const T7: Int32Array = TABLES.subarray(1792, 2048);

function buildTables(): Int32Array {
  const t = new Int32Array(2048);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[i] = c;
  }
  for (let i = 0; i < 256; i++) {
    let c = t[i]!;
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + i] = c;
    }
  }
  return t;
}

/**
 * Computes the CRC-32C of `bytes`, as an unsigned 32-bit number.
 *
 * To checksum data that arrives in pieces, pass the result for the earlier pieces as
 * `initial`: `crc32c(b, crc32c(a))` equals the CRC of `a` followed by `b`.
 *
 * @param bytes The data to checksum.
 * @param initial The CRC of the data before `bytes`, or 0 to start.
 * @returns The CRC, 0 to 2^32-1.
 *
 * @example The check value of the CRC catalogue
 * ```ts
 * import { crc32c } from "./crc32c.ts";
 * import assert from "node:assert/strict";
 *
 * const digits = new TextEncoder().encode("123456789");
 * assert.equal(crc32c(digits), 0xe3069283);
 * assert.equal(crc32c(digits.subarray(4), crc32c(digits.subarray(0, 4))), 0xe3069283);
 * ```
 */
export function crc32c(bytes: Uint8Array, initial = 0): number {
  let crc = ~initial;
  let i = 0;
  const n = bytes.length;
  if (LITTLE_ENDIAN && n >= 64) {
    // Bytes one at a time up to a 4-byte boundary, then two 32-bit loads per 8 bytes: a
    // quarter of the loads of the byte-wise form.
    while ((bytes.byteOffset + i) & 3) crc = T0[(crc ^ bytes[i++]!) & 0xff]! ^ (crc >>> 8);
    const words = (n - i) >>> 3;
    const u32 = new Int32Array(bytes.buffer, bytes.byteOffset + i, words * 2);
    for (let w = 0; w < u32.length; w += 2) {
      const a = crc ^ u32[w]!;
      const b = u32[w + 1]!;
      crc = T7[a & 0xff]! ^ T6[(a >>> 8) & 0xff]! ^ T5[(a >>> 16) & 0xff]! ^ T4[a >>> 24]! ^
        T3[b & 0xff]! ^ T2[(b >>> 8) & 0xff]! ^ T1[(b >>> 16) & 0xff]! ^ T0[b >>> 24]!;
    }
    i += words * 8;
  } else {
    const end8 = n - (n & 7);
    while (i < end8) {
      const a = crc ^
        (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
      crc = T7[a & 0xff]! ^ T6[(a >>> 8) & 0xff]! ^ T5[(a >>> 16) & 0xff]! ^ T4[a >>> 24]! ^
        T3[bytes[i + 4]!]! ^ T2[bytes[i + 5]!]! ^ T1[bytes[i + 6]!]! ^ T0[bytes[i + 7]!]!;
      i += 8;
    }
  }
  while (i < n) crc = T0[(crc ^ bytes[i++]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
