// Copyright 2026 the kanal authors. MIT license.
// Web APIs only (node:zlib is reached through ./zlib_node.ts when the runtime has it).
/**
 * gzip, from what the platform offers.
 *
 * Where `node:zlib` exists (Node, Deno, Bun, workerd with `nodejs_compat`) gzip runs
 * synchronously through `gzipSync`/`gunzipSync`: native zlib with no stream set-up, ~12–25 µs
 * for a small batch against 13–420 µs through `CompressionStream` (Node's web streams are the
 * slow end). Everywhere else `CompressionStream("gzip")`/`DecompressionStream("gzip")` do the
 * work, which is native too but only asynchronous. Both write standard gzip (RFC 1952), which
 * is what Kafka's gzip codec reads and writes.
 *
 * Until `node:zlib` has been looked for (see `prepareCodecs`) the first call returns a promise.
 *
 * @module
 */

import { type CompressionCodec, decompressionFailure, DecompressionLimitError } from "./codec.ts";
import { loadNodeZlib, nodeZlibIfLoaded, plainBytes } from "./zlib_node.ts";

/**
 * Runs `data` through a (de)compression stream, stopping as soon as the output passes
 * `maxSize` so a hostile input costs at most the limit.
 */
export async function pumpStream(
  stream: { readable: ReadableStream<Uint8Array>; writable: WritableStream<BufferSource> },
  data: Uint8Array,
  maxSize: number,
  codec: string,
): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  // Errors surface on the readable side; keep these from becoming unhandled rejections.
  writer.write(data as Uint8Array<ArrayBuffer>).catch(() => {});
  writer.close().catch(() => {});
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxSize) {
        reader.cancel().catch(() => {});
        throw new DecompressionLimitError(codec, maxSize);
      }
      chunks.push(value);
    }
  } catch (e) {
    throw decompressionFailure(codec, e);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Maps an error from `node:zlib` onto kanal's typed errors. */
export function nodeZlibFailure(codec: string, e: unknown, maxSize: number): Error {
  if ((e as { code?: unknown })?.code === "ERR_BUFFER_TOO_LARGE") {
    return new DecompressionLimitError(codec, maxSize);
  }
  return decompressionFailure(codec, e);
}

/**
 * Compresses `data` with gzip.
 *
 * @example
 * ```ts
 * import { gzipCompress, gzipDecompress } from "./gzip.ts";
 * import assert from "node:assert/strict";
 *
 * const data = new TextEncoder().encode("kafka ".repeat(100));
 * const packed = await gzipCompress(data);
 * assert.deepEqual([packed[0], packed[1]], [0x1f, 0x8b]);
 * assert.deepEqual(await gzipDecompress(packed), data);
 * ```
 */
export function gzipCompress(data: Uint8Array): Uint8Array | Promise<Uint8Array> {
  const zlib = nodeZlibIfLoaded();
  if (zlib) return plainBytes(zlib.gzipSync(data));
  if (zlib === undefined) return loadNodeZlib().then(() => gzipCompress(data));
  return pumpStream(new CompressionStream("gzip"), data, Infinity, "gzip");
}

/**
 * Decompresses gzip `data`, failing with {@linkcode DecompressionLimitError} past `maxSize`
 * bytes and `MalformedDataError` on bad input.
 *
 * @example
 * ```ts
 * import { gzipCompress, gzipDecompress } from "./gzip.ts";
 * import { DecompressionLimitError } from "./codec.ts";
 * import assert from "node:assert/strict";
 *
 * const packed = await gzipCompress(new Uint8Array(10_000));
 * await assert.rejects(async () => await gzipDecompress(packed, 1000), DecompressionLimitError);
 * ```
 */
export function gzipDecompress(
  data: Uint8Array,
  maxSize: number = 0x7fffffff,
): Uint8Array | Promise<Uint8Array> {
  const zlib = nodeZlibIfLoaded();
  if (zlib) {
    try {
      return plainBytes(zlib.gunzipSync(data, { maxOutputLength: maxSize }));
    } catch (e) {
      throw nodeZlibFailure("gzip", e, maxSize);
    }
  }
  if (zlib === undefined) return loadNodeZlib().then(() => gzipDecompress(data, maxSize));
  let stream: DecompressionStream;
  try {
    stream = new DecompressionStream("gzip");
  } catch (e) {
    throw decompressionFailure("gzip", e);
  }
  return pumpStream(stream, data, maxSize, "gzip");
}

/** The gzip codec. */
export const gzipCodec: CompressionCodec = {
  id: 1,
  name: "gzip",
  compress: gzipCompress,
  decompress: gzipDecompress,
};
