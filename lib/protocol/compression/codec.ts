// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The contract every compression codec meets, Kafka's codec ids, and the errors decompression
 * throws.
 *
 * @module
 */

import { KafkaError, MalformedDataError } from "../kafka_error.ts";

/** Kafka's compression codecs by name. */
export type CompressionName = "none" | "gzip" | "snappy" | "lz4" | "zstd";

/** The codec id each name has in record batch attributes (bits 0–2). */
export const COMPRESSION_IDS: Readonly<Record<CompressionName, number>> = Object.freeze({
  none: 0,
  gzip: 1,
  snappy: 2,
  lz4: 3,
  zstd: 4,
});

const NAMES: readonly CompressionName[] = ["none", "gzip", "snappy", "lz4", "zstd"];

/**
 * Decompressed data may not grow past this many bytes unless the caller says otherwise: 64 MiB,
 * far above any batch a broker accepts by default (1 MiB) at any real compression ratio, and
 * small enough that a hostile batch cannot exhaust memory.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

/**
 * One compression codec. `compress` and `decompress` return the bytes directly when the
 * platform can work synchronously and a promise only when it cannot (gzip through
 * `CompressionStream`), so callers on the hot path test for a promise rather than always
 * awaiting.
 */
export interface CompressionCodec {
  /** Kafka's id for the codec, 1–4. */
  readonly id: number;
  /** Kafka's name for the codec. */
  readonly name: CompressionName;
  /** Compresses `data` into Kafka's wire form for this codec. */
  compress(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /**
   * Decompresses `data`, throwing {@linkcode DecompressionLimitError} once the output would
   * pass `maxSize` bytes and {@linkcode MalformedDataError} when the input is not valid.
   */
  decompress(data: Uint8Array, maxSize: number): Uint8Array | Promise<Uint8Array>;
}

/**
 * Decompressed data grew past the configured limit. Code `CORRUPT_MESSAGE` ("exceeds the valid
 * size"); not retriable, as the same bytes grow just as large again. Raise the limit if the
 * data is genuine.
 *
 * @example
 * ```ts
 * import { DecompressionLimitError } from "./codec.ts";
 * import assert from "node:assert/strict";
 *
 * const err = new DecompressionLimitError("snappy", 1024);
 * assert.equal(err.limit, 1024);
 * assert.equal(err.errorName, "CORRUPT_MESSAGE");
 * ```
 */
export class DecompressionLimitError extends KafkaError {
  /** The limit, in bytes, that the output would have passed. */
  readonly limit: number;

  /** Makes the error for `codec` and the `limit` it passed. */
  constructor(codec: string, limit: number) {
    super(2, {}, {
      retriable: false,
      message:
        `Cannot decompress ${codec} data as it grows past the limit of ${limit} bytes (maxDecompressedBytes)`,
    });
    this.name = "DecompressionLimitError";
    this.limit = limit;
  }
}

/**
 * Returns the name for a codec id, or throws a `KafkaError` with code 76
 * (`UNSUPPORTED_COMPRESSION_TYPE`) for an id Kafka does not define.
 *
 * @example
 * ```ts
 * import { compressionName } from "./codec.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(compressionName(4), "zstd");
 * assert.throws(() => compressionName(6), { code: 76 });
 * ```
 */
export function compressionName(id: number): CompressionName {
  const name = NAMES[id];
  if (name === undefined) throw unsupportedCompression(id);
  return name;
}

/** The error for a codec id that no codec handles: code 76, not retriable. */
export function unsupportedCompression(id: number | string): KafkaError {
  return new KafkaError(76, {}, {
    retriable: false,
    message: `Cannot handle compression as codec ${id} is not supported`,
  });
}

/** Wraps an error thrown by a platform decompressor into kanal's typed errors. */
export function decompressionFailure(codec: string, cause: unknown): KafkaError {
  if (cause instanceof KafkaError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  const err = new MalformedDataError(`${codec} data cannot be decompressed: ${reason}`);
  (err as { cause?: unknown }).cause = cause;
  return err;
}
