// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The byte writer every encoder in kanal writes through.
 *
 * @module
 */

import { uuidToBytes } from "./uuid.ts";

const encoder: TextEncoder = new TextEncoder();
const MAX_UTF8_PER_UTF16 = 3;

/**
 * A growable big-endian byte writer over one reusable buffer.
 *
 * 64-bit integers are written from `bigint` (exact over the whole int64 range); the varlong
 * writer also takes a `number` because record deltas are small and hot. Strings go through
 * `TextEncoder.encodeInto` straight into the buffer: no intermediate array per string.
 *
 * `finish()` returns a view of the bytes written so far. The view is only valid until the
 * next write or `reset()`: copy it (`slice()`) to keep it.
 *
 * @example Write a length-prefixed string
 * ```ts
 * import { Writer } from "./writer.ts";
 * import assert from "node:assert/strict";
 *
 * const w = new Writer();
 * w.string("hi");
 * assert.deepEqual(w.finish(), new Uint8Array([0, 2, 0x68, 0x69]));
 * ```
 */
export class Writer {
  #buf: Uint8Array;
  #view: DataView;
  #pos = 0;

  /** Makes a writer whose buffer starts at `initialCapacity` bytes and grows by doubling. */
  constructor(initialCapacity = 1024) {
    this.#buf = new Uint8Array(Math.max(16, initialCapacity));
    this.#view = new DataView(this.#buf.buffer);
  }

  /** The number of bytes written since the last `reset()`. */
  get length(): number {
    return this.#pos;
  }

  /** Forgets what was written, keeping the buffer for reuse. */
  reset(): void {
    this.#pos = 0;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.#pos + n;
    if (need <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  /** A view of the bytes written; valid until the next write or `reset()`. */
  finish(): Uint8Array {
    return this.#buf.subarray(0, this.#pos);
  }

  /** A copy of the bytes written, safe to keep. */
  toBytes(): Uint8Array {
    return this.#buf.slice(0, this.#pos);
  }

  /** Writes one signed byte. */
  int8(v: number): void {
    this.ensure(1);
    this.#view.setInt8(this.#pos, v);
    this.#pos += 1;
  }

  /** Writes a boolean as one byte, 1 or 0. */
  bool(v: boolean): void {
    this.ensure(1);
    this.#buf[this.#pos++] = v ? 1 : 0;
  }

  /** Writes a big-endian int16. */
  int16(v: number): void {
    this.ensure(2);
    this.#view.setInt16(this.#pos, v);
    this.#pos += 2;
  }

  /** Writes a big-endian uint16. */
  uint16(v: number): void {
    this.ensure(2);
    this.#view.setUint16(this.#pos, v);
    this.#pos += 2;
  }

  /** Writes a big-endian int32. */
  int32(v: number): void {
    this.ensure(4);
    this.#view.setInt32(this.#pos, v);
    this.#pos += 4;
  }

  /** Writes a big-endian uint32. */
  uint32(v: number): void {
    this.ensure(4);
    this.#view.setUint32(this.#pos, v);
    this.#pos += 4;
  }

  /** Writes a big-endian int64 from a bigint. */
  int64(v: bigint): void {
    this.ensure(8);
    this.#view.setBigInt64(this.#pos, v);
    this.#pos += 8;
  }

  /** Writes a big-endian IEEE 754 double. */
  float64(v: number): void {
    this.ensure(8);
    this.#view.setFloat64(this.#pos, v);
    this.#pos += 8;
  }

  /** Writes an unsigned LEB128 varint (0 to 2^32-1). */
  uvarint(v: number): void {
    this.ensure(5);
    const buf = this.#buf;
    let pos = this.#pos;
    v >>>= 0;
    while (v > 0x7f) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    this.#pos = pos;
  }

  /** Writes a zigzag varint (a signed 32-bit value). */
  varint(v: number): void {
    this.uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  /**
   * Writes a zigzag varlong. A `number` must be a safe integer; a `bigint` covers the whole
   * int64 range.
   */
  varlong(v: number | bigint): void {
    if (typeof v === "number" && v >= -0x40000000 && v < 0x40000000) {
      this.varint(v);
      return;
    }
    let z = BigInt.asUintN(64, (BigInt(v) << 1n) ^ (BigInt(v) >> 63n));
    this.ensure(10);
    const buf = this.#buf;
    let pos = this.#pos;
    while (z > 0x7fn) {
      buf[pos++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    buf[pos++] = Number(z);
    this.#pos = pos;
  }

  /** Writes a UUID given in Kafka's 22-character base64url form. */
  uuid(v: string): void {
    this.raw(uuidToBytes(v));
  }

  /** Writes bytes as they are, with no length. */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.#buf.set(bytes, this.#pos);
    this.#pos += bytes.length;
  }

  /** Writes `n` zero bytes and returns where they start, to be patched later. */
  reserve(n: number): number {
    this.ensure(n);
    const at = this.#pos;
    this.#buf.fill(0, at, at + n);
    this.#pos += n;
    return at;
  }

  /** Overwrites an int32 at `offset`, for lengths known only at the end. */
  setInt32At(offset: number, v: number): void {
    this.#view.setInt32(offset, v);
  }

  /** Overwrites a uint32 at `offset`, for CRCs known only at the end. */
  setUint32At(offset: number, v: number): void {
    this.#view.setUint32(offset, v);
  }

  /** Overwrites an int16 at `offset`. */
  setInt16At(offset: number, v: number): void {
    this.#view.setInt16(offset, v);
  }

  /** Writes a string with an int16 length. */
  string(v: string): void {
    this.#stringBody(v, 2);
  }

  /** Writes a string or null (length -1) with an int16 length. */
  nullableString(v: string | null): void {
    if (v === null) this.int16(-1);
    else this.#stringBody(v, 2);
  }

  /** Writes a string with an unsigned varint length + 1. */
  compactString(v: string): void {
    this.#stringBody(v, 0);
  }

  /** Writes a string or null (length 0) with an unsigned varint length + 1. */
  compactNullableString(v: string | null): void {
    if (v === null) this.uvarint(0);
    else this.#stringBody(v, 0);
  }

  /** Writes bytes with an int32 length. */
  bytes(v: Uint8Array): void {
    this.int32(v.length);
    this.raw(v);
  }

  /** Writes bytes or null (length -1) with an int32 length. */
  nullableBytes(v: Uint8Array | null): void {
    if (v === null) this.int32(-1);
    else this.bytes(v);
  }

  /** Writes bytes with an unsigned varint length + 1. */
  compactBytes(v: Uint8Array): void {
    this.uvarint(v.length + 1);
    this.raw(v);
  }

  /** Writes bytes or null (length 0) with an unsigned varint length + 1. */
  compactNullableBytes(v: Uint8Array | null): void {
    if (v === null) this.uvarint(0);
    else this.compactBytes(v);
  }

  /** Writes an int32 array length, -1 for null. */
  arrayLength(n: number | null): void {
    this.int32(n === null ? -1 : n);
  }

  /** Writes a compact array length (n + 1, 0 for null). */
  compactArrayLength(n: number | null): void {
    this.uvarint(n === null ? 0 : n + 1);
  }

  /**
   * Writes a UTF-8 string with its length in front. `prefix` is 2 for an int16 length, 0 for a
   * compact (uvarint length + 1) one. The common ASCII case writes once; otherwise the string
   * is encoded once into the buffer and moved if the length prefix turns out longer.
   */
  #stringBody(v: string, prefix: 0 | 2): void {
    const n = v.length;
    if (prefix === 2) {
      this.ensure(2 + n * MAX_UTF8_PER_UTF16);
      const start = this.#pos + 2;
      const { written } = encoder.encodeInto(v, this.#buf.subarray(start));
      if (written > 0x7fff) {
        throw new RangeError(
          `Cannot write string as it is over 32767 bytes: current value is ${written}`,
        );
      }
      this.#view.setInt16(this.#pos, written);
      this.#pos = start + written;
      return;
    }
    // Guess the prefix size from the UTF-16 length; fix it up if the guess was short.
    const guess = uvarintSize(n + 1);
    this.ensure(5 + n * MAX_UTF8_PER_UTF16);
    const start = this.#pos + guess;
    const { written } = encoder.encodeInto(v, this.#buf.subarray(start));
    // Kafka caps compact strings at 32767 bytes too; brokers refuse longer ones.
    if (written > 0x7fff) {
      throw new RangeError(
        `Cannot write string as it is over 32767 bytes: current value is ${written}`,
      );
    }
    const real = uvarintSize(written + 1);
    if (real !== guess) this.#buf.copyWithin(this.#pos + real, start, start + written);
    this.uvarint(written + 1);
    this.#pos += written;
  }
}

/** The number of bytes an unsigned varint of `v` takes. */
export function uvarintSize(v: number): number {
  v >>>= 0;
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  return 5;
}

/** The number of bytes a zigzag varint of `v` takes. */
export function varintSize(v: number): number {
  return uvarintSize(((v << 1) ^ (v >> 31)) >>> 0);
}

/** The number of UTF-8 bytes `s` encodes to, without encoding it. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}
