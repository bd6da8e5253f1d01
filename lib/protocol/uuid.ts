// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Kafka UUIDs (topic ids, member ids) in the 22-character base64url form Kafka prints.
 *
 * @module
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const LOOKUP: Int8Array = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();

/** The all-zero UUID, which Kafka uses for "no id". */
export const ZERO_UUID: string = "AAAAAAAAAAAAAAAAAAAAAA";

/**
 * Turns 16 bytes into Kafka's base64url form (no padding).
 *
 * @example The zero UUID
 * ```ts
 * import { uuidFromBytes, ZERO_UUID } from "./uuid.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(uuidFromBytes(new Uint8Array(16)), ZERO_UUID);
 * ```
 */
export function uuidFromBytes(b: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 3 <= 15; i += 3) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! +
      ALPHABET[n & 63]!;
  }
  const n = b[15]! << 16;
  return out + ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
}

/**
 * Turns Kafka's base64url UUID form back into 16 bytes.
 *
 * @throws {TypeError} when the string is not 22 base64url characters.
 *
 * @example Round trip
 * ```ts
 * import { uuidFromBytes, uuidToBytes } from "./uuid.ts";
 * import assert from "node:assert/strict";
 *
 * const id = "3bL3pRSzRIWXS0KT0YrZ6g";
 * assert.equal(uuidFromBytes(uuidToBytes(id)), id);
 * ```
 */
export function uuidToBytes(s: string): Uint8Array {
  if (s.length !== 22) {
    throw new TypeError(`Cannot read UUID as it is not 22 characters: current value is "${s}"`);
  }
  const out = new Uint8Array(16);
  let o = 0;
  for (let i = 0; i < 22; i += 4) {
    let n = 0;
    const k = Math.min(4, 22 - i);
    for (let j = 0; j < 4; j++) {
      const c = j < k ? s.charCodeAt(i + j) : 65;
      const v = c < 128 ? LOOKUP[c]! : -1;
      if (v < 0) {
        throw new TypeError(`Cannot read UUID as it is not base64url: current value is "${s}"`);
      }
      n = (n << 6) | v;
    }
    out[o++] = n >> 16;
    if (o < 16) out[o++] = (n >> 8) & 255;
    if (o < 16) out[o++] = n & 255;
  }
  return out;
}

/**
 * A random Kafka UUID (version 4), as Java's `Uuid.randomUuid()` makes them: never the zero
 * UUID, and never starting with `-`, which Kafka's command-line tools would read as a flag.
 *
 * @example A member id for ConsumerGroupHeartbeat v1+
 * ```ts
 * import { randomUuid, uuidToBytes, ZERO_UUID } from "./uuid.ts";
 * import assert from "node:assert/strict";
 *
 * const id = randomUuid();
 * assert.match(id, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
 * assert.notEqual(id, ZERO_UUID);
 * assert.equal(uuidToBytes(id)[6]! >> 4, 4);
 * ```
 */
export function randomUuid(): string {
  const b = new Uint8Array(16);
  for (;;) {
    crypto.getRandomValues(b);
    b[6] = (b[6]! & 0x0f) | 0x40; // version 4
    b[8] = (b[8]! & 0x3f) | 0x80; // IETF variant
    const s = uuidFromBytes(b);
    if (s !== ZERO_UUID && !s.startsWith("-")) return s;
  }
}
