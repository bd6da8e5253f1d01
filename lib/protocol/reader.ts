// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The bounds-checked byte reader every decoder in kanal reads through.
 *
 * @module
 */

import { MalformedDataError } from "./kafka_error.ts";
import { uuidFromBytes } from "./uuid.ts";

const decoder: TextDecoder = new TextDecoder("utf-8", { fatal: false });

/**
 * A big-endian reader over a `Uint8Array`, checked at every step.
 *
 * Every length is compared with what remains before anything is allocated, so hostile bytes
 * can cost at most the frame they came in: a bad length, a short frame or an overlong varint
 * throws {@linkcode MalformedDataError}. Byte fields come back as views into the input, not
 * copies.
 *
 * 64-bit integers come back as `bigint`: exact over the whole int64 range, which Kafka uses
 * for sentinels such as `Long.MAX_VALUE`. The record batch decoder turns per-record offsets
 * and timestamps into `number`s, exact to 2^53.
 *
 * @example Read a length-prefixed string
 * ```ts
 * import { Reader } from "./reader.ts";
 * import assert from "node:assert/strict";
 *
 * const r = new Reader(new Uint8Array([0, 2, 0x68, 0x69]));
 * assert.equal(r.string(), "hi");
 * assert.equal(r.remaining, 0);
 * ```
 */
export class Reader {
  /** The bytes read from. */
  readonly data: Uint8Array;
  /** The next position to read. */
  offset: number;
  /** The position reading stops at. */
  readonly end: number;
  readonly #view: DataView;

  /**
   * Reads `bytes` from `offset` up to `end`.
   *
   * @throws {RangeError} unless `0 <= offset <= end <= bytes.length`: a window past the data
   * would let reads run into bytes that are not there.
   */
  constructor(bytes: Uint8Array, offset = 0, end: number = bytes.length) {
    if (!(offset >= 0 && offset <= end && end <= bytes.length)) {
      throw new RangeError(
        `Cannot read bytes as the window must lie within them: current value is ${offset} to ${end} of ${bytes.length}`,
      );
    }
    this.data = bytes;
    this.offset = offset;
    this.end = end;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.end - this.offset;
  }

  /** Throws unless `n` more bytes remain. */
  need(n: number): void {
    // `!(n >= 0)` also refuses NaN, which would pass both plain comparisons.
    if (!(n >= 0) || this.offset + n > this.end) {
      throw new MalformedDataError(
        `needs ${n} bytes at offset ${this.offset}, but only ${this.end - this.offset} remain`,
      );
    }
  }

  /** Skips `n` bytes. */
  skip(n: number): void {
    this.need(n);
    this.offset += n;
  }

  /** Reads one signed byte. */
  int8(): number {
    this.need(1);
    return this.#view.getInt8(this.offset++);
  }

  /** Reads a boolean (any non-zero byte is true). */
  bool(): boolean {
    this.need(1);
    return this.data[this.offset++] !== 0;
  }

  /** Reads a big-endian int16. */
  int16(): number {
    this.need(2);
    const v = this.#view.getInt16(this.offset);
    this.offset += 2;
    return v;
  }

  /** Reads a big-endian uint16. */
  uint16(): number {
    this.need(2);
    const v = this.#view.getUint16(this.offset);
    this.offset += 2;
    return v;
  }

  /** Reads a big-endian int32. */
  int32(): number {
    this.need(4);
    const v = this.#view.getInt32(this.offset);
    this.offset += 4;
    return v;
  }

  /** Reads a big-endian uint32. */
  uint32(): number {
    this.need(4);
    const v = this.#view.getUint32(this.offset);
    this.offset += 4;
    return v;
  }

  /** Reads a big-endian int64 as a bigint. */
  int64(): bigint {
    this.need(8);
    const v = this.#view.getBigInt64(this.offset);
    this.offset += 8;
    return v;
  }

  /** Reads a big-endian IEEE 754 double. */
  float64(): number {
    this.need(8);
    const v = this.#view.getFloat64(this.offset);
    this.offset += 8;
    return v;
  }

  /** Reads an unsigned LEB128 varint of at most 5 bytes (0 to 2^32-1). */
  uvarint(): number {
    const buf = this.data;
    let pos = this.offset;
    const end = this.end;
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      if (pos >= end) throw new MalformedDataError(`varint runs past the end at offset ${pos}`);
      const b = buf[pos++]!;
      if (i === 4 && b > 0x0f) {
        throw new MalformedDataError(`varint too long at offset ${this.offset}`);
      }
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) {
        this.offset = pos;
        return result;
      }
      shift += 7;
    }
    throw new MalformedDataError(`varint too long at offset ${this.offset}`);
  }

  /** Reads a zigzag varint (a signed 32-bit value). */
  varint(): number {
    const z = this.uvarint();
    return (z >>> 1) ^ -(z & 1);
  }

  /** Reads a zigzag varlong as a bigint. */
  varlong(): bigint {
    const buf = this.data;
    let pos = this.offset;
    let z = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (pos >= this.end) {
        throw new MalformedDataError(`varlong runs past the end at offset ${pos}`);
      }
      const b = buf[pos++]!;
      z |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) {
        this.offset = pos;
        z = BigInt.asUintN(64, z);
        return (z >> 1n) ^ -(z & 1n);
      }
      shift += 7n;
    }
    throw new MalformedDataError(`varlong too long at offset ${this.offset}`);
  }

  /**
   * Reads a zigzag varlong as a number, for record deltas. Values outside the safe integers
   * (beyond ±(2^53 - 1)) throw: no record delta a broker writes comes near that.
   */
  varlongNumber(): number {
    const buf = this.data;
    const end = this.end;
    let pos = this.offset;
    if (pos >= end) throw new MalformedDataError(`varlong runs past the end at offset ${pos}`);
    // The zigzag value z needs 54 bits for the safe integers, and a double holds odd numbers
    // only up to 2^53, so z itself may round and flip the sign bit. Split it instead: the low
    // bit is the sign, and the rest (z >> 1) is a magnitude that stays exact.
    const first = buf[pos++]!;
    const negative = (first & 1) === 1;
    let m = (first & 0x7f) >>> 1;
    if (first < 0x80) {
      this.offset = pos;
      return negative ? -m - 1 : m;
    }
    let mul = 64;
    // Eight bytes carry 56 bits, enough for every safe integer; a ninth means it is not one.
    for (let i = 1; i < 8; i++) {
      if (pos >= end) throw new MalformedDataError(`varlong runs past the end at offset ${pos}`);
      const b = buf[pos++]!;
      m += (b & 0x7f) * mul;
      if (b < 0x80) {
        const v = negative ? -m - 1 : m;
        if (!Number.isSafeInteger(v)) break;
        this.offset = pos;
        return v;
      }
      mul *= 128;
    }
    throw new MalformedDataError(`varlong beyond 2^53 at offset ${this.offset}`);
  }

  /** Reads a UUID into Kafka's base64url form. */
  uuid(): string {
    this.need(16);
    const v = uuidFromBytes(this.data.subarray(this.offset, this.offset + 16));
    this.offset += 16;
    return v;
  }

  /** Reads `n` bytes as a view into the input. */
  raw(n: number): Uint8Array {
    this.need(n);
    const v = this.data.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  /** Reads a string with an int16 length. */
  string(): string {
    const n = this.int16();
    if (n < 0) throw new MalformedDataError(`string length ${n} where null is not allowed`);
    return this.#utf8(n);
  }

  /** Reads a string or null with an int16 length. */
  nullableString(): string | null {
    const n = this.int16();
    return n < 0 ? null : this.#utf8(n);
  }

  /** Reads a string with an unsigned varint length + 1. */
  compactString(): string {
    const n = this.uvarint() - 1;
    if (n < 0) throw new MalformedDataError("compact string is null where null is not allowed");
    return this.#utf8(n);
  }

  /** Reads a string or null with an unsigned varint length + 1. */
  compactNullableString(): string | null {
    const n = this.uvarint() - 1;
    return n < 0 ? null : this.#utf8(n);
  }

  /** Reads bytes with an int32 length, as a view. */
  bytes(): Uint8Array {
    const n = this.int32();
    if (n < 0) throw new MalformedDataError(`bytes length ${n} where null is not allowed`);
    return this.raw(n);
  }

  /** Reads bytes or null with an int32 length, as a view. */
  nullableBytes(): Uint8Array | null {
    const n = this.int32();
    return n < 0 ? null : this.raw(n);
  }

  /** Reads bytes with an unsigned varint length + 1, as a view. */
  compactBytes(): Uint8Array {
    const n = this.uvarint() - 1;
    if (n < 0) throw new MalformedDataError("compact bytes are null where null is not allowed");
    return this.raw(n);
  }

  /** Reads bytes or null with an unsigned varint length + 1, as a view. */
  compactNullableBytes(): Uint8Array | null {
    const n = this.uvarint() - 1;
    return n < 0 ? null : this.raw(n);
  }

  /**
   * Reads an int32 array length; -1 (null) comes back as -1. Every element takes at least
   * `minElementSize` bytes, so a count larger than the rest of the frame could hold is refused
   * before any array is made.
   */
  arrayLength(minElementSize = 1): number {
    const n = this.int32();
    if (n < -1) throw new MalformedDataError(`array length ${n}`);
    this.#checkCount(n, minElementSize);
    return n;
  }

  /** Reads a compact array length (n + 1); null comes back as -1. Checked as `arrayLength`. */
  compactArrayLength(minElementSize = 1): number {
    const n = this.uvarint() - 1;
    this.#checkCount(n, minElementSize);
    return n;
  }

  #checkCount(n: number, minElementSize: number): void {
    if (n > 0 && n * minElementSize > this.end - this.offset) {
      throw new MalformedDataError(
        `array of ${n} elements cannot fit in the ${this.end - this.offset} bytes left`,
      );
    }
  }

  #utf8(n: number): string {
    this.need(n);
    const start = this.offset;
    this.offset += n;
    return decoder.decode(this.data.subarray(start, start + n));
  }
}
