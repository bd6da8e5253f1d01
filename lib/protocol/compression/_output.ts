// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The growable output buffer the pure-TypeScript decompressors share: it grows with what is
 * actually decoded, never by a size the input merely declares, and never past the caller's
 * limit.
 *
 * @module
 */

import { DecompressionLimitError } from "./codec.ts";

/**
 * How far an output buffer starts beyond the input's size. Most Kafka data compresses 2-5×, so
 * this fits typical batches in one allocation while a hostile input can reserve no more than a
 * small multiple of its own size before it has to produce bytes.
 */
const START_RATIO = 4;

/** A decompressor's output: `buf[0, pos)` is decoded; `ensure` makes room for more. */
export class Output {
  /** The buffer; replaced by a larger one as the output grows. */
  buf: Uint8Array;
  /** How many bytes are decoded. */
  pos = 0;
  /** The most bytes the output may hold. */
  readonly max: number;
  readonly #codec: string;

  /**
   * Makes an output for decoding `inputBytes` of `codec` data. `expected` is the size the input
   * declares, if any: it only caps the first allocation, which is sized by the input.
   */
  constructor(codec: string, inputBytes: number, max: number, expected = Infinity) {
    this.#codec = codec;
    this.max = max;
    this.buf = new Uint8Array(
      Math.max(0, Math.min(max, expected, Math.max(64, inputBytes * START_RATIO))),
    );
  }

  /**
   * Makes room for `n` more bytes and returns the buffer. It at least doubles when it grows,
   * so growing costs at most one more copy of the output; `cap` (e.g. the end of a block whose
   * size was declared) bounds the growth beyond what is needed.
   *
   * @throws {DecompressionLimitError} when the output would pass `max`.
   */
  ensure(n: number, cap = Infinity): Uint8Array {
    const need = this.pos + n;
    if (need <= this.buf.length) return this.buf;
    if (need > this.max) throw new DecompressionLimitError(this.#codec, this.max);
    const size = Math.max(need, Math.min(this.max, cap, this.buf.length * 2));
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    return next;
  }

  /** The decoded bytes: a view of the buffer. */
  result(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}
