// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Kafka's compression codecs: gzip, snappy, LZ4 and zstd, from one import in every runtime.
 *
 * Snappy and LZ4 are pure TypeScript. gzip and zstd use `node:zlib` (synchronous, native)
 * where the runtime has it — Node, Deno, Bun, workerd with `nodejs_compat` — else gzip goes
 * through `CompressionStream` (asynchronous) and zstd is decompressed in pure TypeScript.
 * Call {@linkcode prepareCodecs} once at start so gzip and zstd are synchronous from the
 * first batch wherever they can be.
 *
 * @example Compress and decompress by codec name
 * ```ts
 * import { compress, decompress, prepareCodecs } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * await prepareCodecs();
 * const data = new TextEncoder().encode("kafka ".repeat(100));
 * for (const codec of ["gzip", "snappy", "lz4"] as const) {
 *   assert.deepEqual(await decompress(codec, await compress(codec, data)), data);
 * }
 * ```
 *
 * @module
 */

export {
  COMPRESSION_IDS,
  type CompressionCodec,
  type CompressionName,
  compressionName,
  DecompressionLimitError,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
} from "./codec.ts";
export { codecFor, compress, decompress, prepareCodecs, registerCodec } from "./codec_registry.ts";
export { gzipCodec, gzipCompress, gzipDecompress } from "./gzip.ts";
export { lz4Codec, lz4Compress, lz4Decompress } from "./lz4.ts";
export { snappyCodec, snappyCompress, snappyDecompress } from "./snappy.ts";
export { zstdAvailable, zstdCodec, zstdCompress, zstdDecompress } from "./zstd.ts";
export { zstdDecompressPortable } from "./zstd_decoder.ts";
