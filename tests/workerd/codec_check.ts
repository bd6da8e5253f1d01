// Copyright 2026 the kanal authors. MIT license.
// Web APIs only: run inside the bundled workerd worker and Node program, where the codecs'
// dynamic `node:zlib` import must survive bundling (and fail softly where there is none).
/**
 * Which compression codecs work in the running runtime: whether `node:zlib` loaded, and which
 * codecs give back what they were given.
 *
 * @module
 */

import { loadNodeZlib } from "../../lib/protocol/compression/zlib_node.ts";
import {
  compress,
  type CompressionName,
  decompress,
  prepareCodecs,
  zstdAvailable,
} from "../../lib/protocol/compression/mod.ts";

/** What {@linkcode checkCodecs} found. */
export interface CodecCheck {
  /** Whether `node:zlib` loaded (gzip and zstd are then native and synchronous). */
  nodeZlib: boolean;
  /** Whether zstd compresses here (it decompresses everywhere). */
  zstd: boolean;
  /** Where zstd does not compress: whether asking it to failed with Kafka's code 76. */
  zstdRefused: boolean;
  /** The codecs whose round trip gave back the input. */
  roundTrips: CompressionName[];
}

/** Compresses and decompresses a sample with every codec the runtime can compress with. */
export async function checkCodecs(): Promise<CodecCheck> {
  await prepareCodecs();
  const nodeZlib = (await loadNodeZlib()) !== null;
  const zstd = await zstdAvailable();
  const data = new TextEncoder().encode("kanal codec check ".repeat(200));
  const roundTrips: CompressionName[] = [];
  const codecs: CompressionName[] = ["gzip", "snappy", "lz4", ...(zstd ? ["zstd" as const] : [])];
  for (const codec of codecs) {
    const packed = await compress(codec, data);
    const back = await decompress(codec, packed);
    if (
      packed.length < data.length && back.length === data.length &&
      back.every((b, i) => b === data[i])
    ) {
      roundTrips.push(codec);
    }
  }
  let zstdRefused = false;
  if (!zstd) {
    try {
      await compress("zstd", data);
    } catch (e) {
      zstdRefused = (e as { code?: unknown }).code === 76;
    }
  }
  return { nodeZlib, zstd, zstdRefused, roundTrips };
}
