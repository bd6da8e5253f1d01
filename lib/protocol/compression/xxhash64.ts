// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * xxHash64, whose low 32 bits are the zstd frame's content checksum. 64-bit arithmetic is done
 * on pairs of 32-bit halves: BigInt would allocate per step and run several times slower.
 *
 * @module
 */

// The five primes, as [high, low] 32-bit halves.
const P1H = 0x9e3779b1, P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d, P2L = 0x27d4eb4f;
const P3H = 0x165667b1, P3L = 0x9e3779f9;
const P4H = 0x85ebca77, P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f, P5L = 0x165667c5;

// Results of the 64-bit helpers, to avoid allocating a pair per operation.
let rh = 0;
let rl = 0;

/** (ah:al) * (bh:bl) mod 2^64, into rh:rl. */
function mul(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  rl = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  const carry = p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  rh = (carry + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

/** (ah:al) + (bh:bl) mod 2^64, into rh:rl. */
function add(ah: number, al: number, bh: number, bl: number): void {
  const lo = al + bl;
  rl = lo >>> 0;
  rh = (ah + bh + (lo > 0xffffffff ? 1 : 0)) >>> 0;
}

/** (h:l) rotated left by r (0 < r < 32), into rh:rl. */
function rotl(h: number, l: number, r: number): void {
  rh = ((h << r) | (l >>> (32 - r))) >>> 0;
  rl = ((l << r) | (h >>> (32 - r))) >>> 0;
}

/** XXH64's round: rotl(acc + input * P2, 31) * P1, into rh:rl. */
function round(acch: number, accl: number, inh: number, inl: number): void {
  mul(inh, inl, P2H, P2L);
  add(acch, accl, rh, rl);
  rotl(rh, rl, 31);
  mul(rh, rl, P1H, P1L);
}

function read32(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

/**
 * Computes xxHash64 of `bytes[start, end)` with seed 0 and returns its low 32 bits, unsigned:
 * what a zstd frame's content checksum holds.
 *
 * @example The hash of "abc" is 0x44bc2cf5ad770999
 * ```ts
 * import { xxhash64Low32 } from "./xxhash64.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(xxhash64Low32(new TextEncoder().encode("abc")), 0xad770999);
 * ```
 */
export function xxhash64Low32(bytes: Uint8Array, start = 0, end: number = bytes.length): number {
  let i = start;
  let hh: number, hl: number;
  const len = end - start;
  if (len >= 32) {
    add(P1H, P1L, P2H, P2L);
    let v1h = rh, v1l = rl;
    let v2h = P2H, v2l = P2L;
    let v3h = 0, v3l = 0;
    // 0 - P1, mod 2^64.
    let v4h = 0x61c8864e, v4l = 0x7a143579;
    const limit = end - 32;
    while (i <= limit) {
      round(v1h, v1l, read32(bytes, i + 4), read32(bytes, i));
      v1h = rh, v1l = rl;
      round(v2h, v2l, read32(bytes, i + 12), read32(bytes, i + 8));
      v2h = rh, v2l = rl;
      round(v3h, v3l, read32(bytes, i + 20), read32(bytes, i + 16));
      v3h = rh, v3l = rl;
      round(v4h, v4l, read32(bytes, i + 28), read32(bytes, i + 24));
      v4h = rh, v4l = rl;
      i += 32;
    }
    rotl(v1h, v1l, 1);
    hh = rh, hl = rl;
    rotl(v2h, v2l, 7);
    add(hh, hl, rh, rl);
    hh = rh, hl = rl;
    rotl(v3h, v3l, 12);
    add(hh, hl, rh, rl);
    hh = rh, hl = rl;
    rotl(v4h, v4l, 18);
    add(hh, hl, rh, rl);
    hh = rh, hl = rl;
    for (const [vh, vl] of [[v1h, v1l], [v2h, v2l], [v3h, v3l], [v4h, v4l]] as const) {
      round(0, 0, vh, vl);
      hh = (hh ^ rh) >>> 0, hl = (hl ^ rl) >>> 0;
      mul(hh, hl, P1H, P1L);
      add(rh, rl, P4H, P4L);
      hh = rh, hl = rl;
    }
  } else {
    hh = P5H, hl = P5L;
  }
  add(hh, hl, Math.floor(len / 2 ** 32), len >>> 0);
  hh = rh, hl = rl;
  while (i + 8 <= end) {
    round(0, 0, read32(bytes, i + 4), read32(bytes, i));
    hh = (hh ^ rh) >>> 0, hl = (hl ^ rl) >>> 0;
    rotl(hh, hl, 27);
    mul(rh, rl, P1H, P1L);
    add(rh, rl, P4H, P4L);
    hh = rh, hl = rl;
    i += 8;
  }
  if (i + 4 <= end) {
    mul(0, read32(bytes, i), P1H, P1L);
    hh = (hh ^ rh) >>> 0, hl = (hl ^ rl) >>> 0;
    rotl(hh, hl, 23);
    mul(rh, rl, P2H, P2L);
    add(rh, rl, P3H, P3L);
    hh = rh, hl = rl;
    i += 4;
  }
  while (i < end) {
    mul(0, bytes[i]!, P5H, P5L);
    hh = (hh ^ rh) >>> 0, hl = (hl ^ rl) >>> 0;
    rotl(hh, hl, 11);
    mul(rh, rl, P1H, P1L);
    hh = rh, hl = rl;
    i++;
  }
  // Avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32.
  hl = (hl ^ (hh >>> 1)) >>> 0;
  mul(hh, hl, P2H, P2L);
  hl = (rl ^ ((rl >>> 29) | (rh << 3))) >>> 0;
  hh = (rh ^ (rh >>> 29)) >>> 0;
  mul(hh, hl, P3H, P3L);
  return (rl ^ rh) >>> 0;
}
