// Copyright 2026 the kanal authors. MIT license.
// Web APIs only (node:zlib is reached through ./zlib_node.ts when the runtime has it).
/**
 * zstd, from what the platform offers.
 *
 * Deno 2.x, Bun, workerd (with `nodejs_compat`) and Node ≥22.15 ship zstd in `node:zlib`;
 * `zstdCompressSync`/`zstdDecompressSync` are native and synchronous, and measured ~0.3–0.5 ms
 * per 100 KB against far more for any JS port. No `CompressionStream("zstd")` exists in Deno
 * or workerd, so there is no portable web API to fall back on. Where `node:zlib` has no zstd
 * (Node 20, a worker without `nodejs_compat`, a browser), decompression falls back to a pure
 * TypeScript decoder (./zstd_decoder.ts), so consumers read zstd batches everywhere;
 * compression there throws a `KafkaError` with code 76 (UNSUPPORTED_COMPRESSION_TYPE), as a
 * compressor is a much larger piece of work; register another implementation (e.g. WASM) with
 * `registerCodec` to produce zstd on those platforms.
 *
 * @module
 */

import { type CompressionCodec, unsupportedCompression } from "./codec.ts";
import { nodeZlibFailure } from "./gzip.ts";
import { zstdDecompressPortable } from "./zstd_decoder.ts";
import { loadNodeZlib, type NodeZlib, nodeZlibIfLoaded, plainBytes } from "./zlib_node.ts";

function nativeZstd(): NodeZlib | null | undefined {
  const zlib = nodeZlibIfLoaded();
  if (zlib === undefined) return undefined;
  return zlib && typeof zlib.zstdCompressSync === "function" ? zlib : null;
}

function missing(): Error {
  const err = unsupportedCompression("zstd");
  err.message += ": this runtime's node:zlib has no zstd compressor; register a zstd codec";
  return err;
}

/**
 * Compresses `data` with zstd.
 *
 * @example
 * ```ts
 * import { zstdCompress, zstdDecompress, zstdAvailable } from "./zstd.ts";
 * import assert from "node:assert/strict";
 *
 * if (await zstdAvailable()) {
 *   const data = new TextEncoder().encode("kafka ".repeat(100));
 *   assert.deepEqual(await zstdDecompress(await zstdCompress(data)), data);
 * }
 * ```
 */
export function zstdCompress(data: Uint8Array): Uint8Array | Promise<Uint8Array> {
  const zlib = nativeZstd();
  if (zlib) return plainBytes(zlib.zstdCompressSync!(data));
  if (zlib === undefined) return loadNodeZlib().then(() => zstdCompress(data));
  throw missing();
}

/**
 * Decompresses zstd `data`, failing with `DecompressionLimitError` past `maxSize` bytes and
 * `MalformedDataError` on bad input.
 */
export function zstdDecompress(
  data: Uint8Array,
  maxSize: number = 0x7fffffff,
): Uint8Array | Promise<Uint8Array> {
  const zlib = nativeZstd();
  if (zlib) {
    try {
      return plainBytes(zlib.zstdDecompressSync!(data, { maxOutputLength: maxSize }));
    } catch (e) {
      throw nodeZlibFailure("zstd", e, maxSize);
    }
  }
  if (zlib === undefined) return loadNodeZlib().then(() => zstdDecompress(data, maxSize));
  return zstdDecompressPortable(data, maxSize);
}

/**
 * Resolves to whether this runtime can compress zstd natively; decompression works everywhere.
 *
 * @example
 * ```ts
 * import { zstdAvailable } from "./zstd.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(typeof await zstdAvailable(), "boolean");
 * ```
 */
export async function zstdAvailable(): Promise<boolean> {
  await loadNodeZlib();
  return Boolean(nativeZstd());
}

/** The zstd codec. */
export const zstdCodec: CompressionCodec = {
  id: 4,
  name: "zstd",
  compress: zstdCompress,
  decompress: zstdDecompress,
};
