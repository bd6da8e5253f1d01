// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Reassembles Kafka's size-prefixed frames from a byte stream.
 *
 * @module
 */

import { KafkaError, MalformedDataError } from "../protocol/kafka_error.ts";

/** Kafka's `NETWORK_EXCEPTION`, for a stream that ends inside a frame. */
const NETWORK_EXCEPTION = 13;
/** The largest size an int32 prefix can state. */
const MAX_INT32 = 0x7fffffff;

/**
 * The default largest frame: 100 MiB, the broker's own `socket.request.max.bytes`. A fetch
 * response is bounded by `fetch.max.bytes` (50 MiB by default) plus a little framing, so a
 * larger size almost surely means the stream is out of step, or the port does not speak Kafka.
 */
export const DEFAULT_MAX_FRAME_BYTES: number = 100 * 1024 * 1024;

/** Options for {@linkcode FrameDecoder}. */
export interface FrameDecoderOptions {
  /**
   * The largest frame body accepted, in bytes; a larger stated size errors the stream before
   * anything is allocated for it. At most 2^31 - 1.
   *
   * @default {104857600}
   */
  maxFrameBytes?: number;
}

/**
 * Splits a byte stream into Kafka frames: each an int32 big-endian size, then that many bytes.
 * Emits each frame's body without the size.
 *
 * Copies as little as it can. A frame that lies wholly inside one input chunk is emitted as a
 * view of that chunk; only a frame split across chunks is copied, once, into a buffer allocated
 * at its stated size. Input chunks must therefore not be reused by whoever wrote them (the
 * broker sockets hand over fresh buffers).
 *
 * A negative size, or one above `maxFrameBytes`, errors the stream with
 * {@linkcode MalformedDataError}: after a bad size the rest of the stream cannot be framed. A
 * stream that ends inside a frame errors with a retriable `NETWORK_EXCEPTION` `KafkaError`, as
 * the connection was cut rather than the data being bad.
 *
 * @example Two frames, the second split across chunks
 * ```ts
 * import { FrameDecoder } from "./frame_decoder.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = ReadableStream.from([
 *   new Uint8Array([0, 0, 0, 2, 7, 8, 0, 0]),
 *   new Uint8Array([0, 1, 9]),
 * ]);
 * const frames = await Array.fromAsync(bytes.pipeThrough(new FrameDecoder()));
 * assert.deepEqual(frames, [new Uint8Array([7, 8]), new Uint8Array([9])]);
 * ```
 */
export class FrameDecoder extends TransformStream<Uint8Array, Uint8Array> {
  /** Makes a decoder; see {@linkcode FrameDecoderOptions}. */
  constructor(options: FrameDecoderOptions = {}) {
    const max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (!Number.isInteger(max) || max < 0 || max > MAX_INT32) {
      throw new RangeError(
        `Cannot make a frame decoder as maxFrameBytes must be an integer from 0 to ${MAX_INT32}: current value is ${max}`,
      );
    }
    const state = new FrameState(max);
    super({
      transform: (chunk, controller) => state.take(chunk, controller),
      flush: () => state.end(),
    });
  }
}

/** The decoder's state between chunks, outside the class so `super()` can close over it. */
class FrameState {
  readonly #max: number;
  /** The size prefix read so far, when it is split across chunks. */
  readonly #head = new Uint8Array(4);
  #headFilled = 0;
  /** The body of a frame split across chunks, allocated at its stated size. */
  #body: Uint8Array | null = null;
  #bodyFilled = 0;

  constructor(max: number) {
    this.#max = max;
  }

  take(chunk: Uint8Array, out: TransformStreamDefaultController<Uint8Array>): void {
    const len = chunk.length;
    let at = 0;
    while (at < len) {
      const body = this.#body;
      if (body) {
        const n = Math.min(body.length - this.#bodyFilled, len - at);
        body.set(chunk.subarray(at, at + n), this.#bodyFilled);
        this.#bodyFilled += n;
        at += n;
        if (this.#bodyFilled === body.length) {
          this.#body = null;
          out.enqueue(body);
        }
        continue;
      }
      let size: number;
      if (this.#headFilled === 0 && len - at >= 4) {
        // `|` makes the result a signed int32, as Kafka's size is.
        size = (chunk[at]! << 24) | (chunk[at + 1]! << 16) | (chunk[at + 2]! << 8) | chunk[at + 3]!;
        at += 4;
      } else {
        const head = this.#head;
        while (this.#headFilled < 4 && at < len) head[this.#headFilled++] = chunk[at++]!;
        if (this.#headFilled < 4) return;
        this.#headFilled = 0;
        size = (head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!;
      }
      this.#check(size);
      if (len - at >= size) {
        out.enqueue(chunk.subarray(at, at + size));
        at += size;
      } else {
        const part = chunk.subarray(at);
        const next = new Uint8Array(size);
        next.set(part);
        this.#body = next;
        this.#bodyFilled = part.length;
        at = len;
      }
    }
  }

  end(): void {
    if (this.#body) {
      throw this.#cut(`${this.#bodyFilled} of a ${this.#body.length}-byte frame came`);
    }
    if (this.#headFilled > 0) throw this.#cut(`${this.#headFilled} of 4 size bytes came`);
  }

  #check(size: number): void {
    if (size < 0) {
      throw new MalformedDataError(`frame size ${size} is negative`);
    }
    if (size > this.#max) {
      throw new MalformedDataError(`frame size ${size} is above maxFrameBytes ${this.#max}`);
    }
  }

  #cut(what: string): KafkaError {
    return new KafkaError(NETWORK_EXCEPTION, {}, {
      retriable: true,
      message: `The stream ended inside a frame: ${what}`,
    });
  }
}
