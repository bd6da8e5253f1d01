// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Which implementation handles each Kafka codec, and `compress`/`decompress` by codec.
 *
 * Defaults: snappy and LZ4 in pure TypeScript (synchronous everywhere); gzip and zstd from
 * `node:zlib` where the runtime has it (synchronous), else gzip through `CompressionStream`
 * (asynchronous) and zstd decompression in pure TypeScript (zstd compression then throws code
 * 76). {@linkcode registerCodec} swaps in another implementation, e.g. a WASM zstd encoder for
 * a worker without `nodejs_compat`.
 *
 * Results come back directly when the codec is synchronous and as a promise only when it is
 * not, so the record batch encoder and decoder stay free of promises on the common path.
 *
 * @module
 */

import {
  COMPRESSION_IDS,
  type CompressionCodec,
  type CompressionName,
  decompressionFailure,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  unsupportedCompression,
} from "./codec.ts";
import { gzipCodec } from "./gzip.ts";
import { lz4Codec } from "./lz4.ts";
import { snappyCodec } from "./snappy.ts";
import { zstdCodec } from "./zstd.ts";
import { loadNodeZlib } from "./zlib_node.ts";

const codecs: (CompressionCodec | undefined)[] = [
  undefined,
  gzipCodec,
  snappyCodec,
  lz4Codec,
  zstdCodec,
];

function idOf(codec: CompressionName | number): number {
  if (typeof codec === "number") return codec;
  const id = COMPRESSION_IDS[codec];
  if (id === undefined) throw unsupportedCompression(codec);
  return id;
}

/**
 * Returns the implementation for a codec, throwing a `KafkaError` with code 76
 * (UNSUPPORTED_COMPRESSION_TYPE) for "none" and for ids no codec handles.
 *
 * @example
 * ```ts
 * import { codecFor } from "./codec_registry.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(codecFor("lz4").id, 3);
 * assert.throws(() => codecFor(7), { code: 76 });
 * ```
 */
export function codecFor(codec: CompressionName | number): CompressionCodec {
  const impl = codecs[idOf(codec)];
  if (impl === undefined) throw unsupportedCompression(codec);
  return impl;
}

/**
 * Makes `codec` the implementation for its id, replacing the default.
 *
 * @example Count what a codec compresses
 * ```ts
 * import { codecFor, registerCodec } from "./codec_registry.ts";
 * import assert from "node:assert/strict";
 *
 * const original = codecFor("snappy");
 * let calls = 0;
 * registerCodec({ ...original, compress: (d) => (calls++, original.compress(d)) });
 * codecFor("snappy").compress(new Uint8Array(10));
 * registerCodec(original);
 * assert.equal(calls, 1);
 * ```
 */
export function registerCodec(codec: CompressionCodec): void {
  if (!Number.isInteger(codec.id) || codec.id < 1 || codec.id > 4) {
    throw new RangeError(
      `Cannot register codec as its id must be a Kafka codec id from 1 to 4: current value is ${codec.id}`,
    );
  }
  codecs[codec.id] = codec;
}

/**
 * Compresses `data` with `codec`; "none" returns `data` itself.
 *
 * @example
 * ```ts
 * import { compress, decompress } from "./codec_registry.ts";
 * import assert from "node:assert/strict";
 *
 * const data = new TextEncoder().encode("kafka ".repeat(50));
 * assert.deepEqual(decompress("lz4", compress("lz4", data) as Uint8Array), data);
 * ```
 */
export function compress(
  codec: CompressionName | number,
  data: Uint8Array,
): Uint8Array | Promise<Uint8Array> {
  if (codec === "none" || codec === 0) return data;
  return codecFor(codec).compress(data);
}

/**
 * Decompresses `data` compressed with `codec`, refusing to produce more than `maxSize` bytes.
 * Whatever a codec (built in or registered) throws comes out as a `KafkaError`:
 * `DecompressionLimitError` past the limit, `MalformedDataError` for bad input, code 76 for
 * a codec with no implementation here.
 */
export function decompress(
  codec: CompressionName | number,
  data: Uint8Array,
  maxSize: number = DEFAULT_MAX_DECOMPRESSED_BYTES,
): Uint8Array | Promise<Uint8Array> {
  if (codec === "none" || codec === 0) return data;
  const impl = codecFor(codec);
  let result: Uint8Array | Promise<Uint8Array>;
  try {
    result = impl.decompress(data, maxSize);
  } catch (e) {
    throw decompressionFailure(impl.name, e);
  }
  if (result instanceof Promise) {
    return result.catch((e: unknown) => {
      throw decompressionFailure(impl.name, e);
    });
  }
  return result;
}

/**
 * Looks for the platform's synchronous codecs (`node:zlib`) now, so that gzip and zstd never
 * return a promise where the runtime can do them synchronously. Producers and consumers call
 * it once at start; calling it again is free.
 *
 * @example
 * ```ts
 * import { prepareCodecs } from "./codec_registry.ts";
 *
 * await prepareCodecs();
 * ```
 */
export async function prepareCodecs(): Promise<void> {
  await loadNodeZlib();
}
