// Copyright 2026 the kanal authors. MIT license.
/**
 * The pure-TypeScript codecs' decompression on one core: snappy, LZ4 and the portable zstd
 * decoder, over 1 MiB of record-like bytes (a record batch of 100-byte JSON-ish values, which
 * compresses about as well as real traffic). Compression is timed too, for snappy and LZ4.
 * Runs under Deno and Bun:
 *
 *   node_modules/.bin/deno run -A benchmarks/compression.ts
 *   node_modules/.bin/bun benchmarks/compression.ts
 *
 * @module
 */

import { snappyCompress, snappyDecompress } from "../lib/protocol/compression/snappy.ts";
import { lz4Compress, lz4Decompress } from "../lib/protocol/compression/lz4.ts";
import { zstdDecompressPortable } from "../lib/protocol/compression/zstd_decoder.ts";
import { loadNodeZlib } from "../lib/protocol/compression/zlib_node.ts";

const runtime = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" ? "bun" : "deno";

function measure(name: string, bytes: number, round: () => void): void {
  for (let i = 0; i < 20; i++) round();
  let rounds = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < 2000) {
    for (let i = 0; i < 5; i++) round();
    rounds += 5;
    elapsed = performance.now() - start;
  }
  const rate = (rounds * bytes) / (elapsed / 1000);
  console.log(
    `${runtime.padEnd(5)} ${name.padEnd(34)} ${(rate / 1e6).toFixed(0).padStart(6)} MB/s`,
  );
}

// 1 MiB of values like {"id":123,"user":"u-42","amount":17.5,"ts":1700000000123,...}.
const text: string[] = [];
let size = 0;
for (let i = 0; size < 1 << 20; i++) {
  const s = `{"id":${i},"user":"u-${(i * 7919) % 5000}","amount":${(i * 13) % 1000}.5,` +
    `"ts":${1_700_000_000_000 + i * 37},"tags":["a${i % 17}","b${i % 5}"]}`;
  text.push(s);
  size += s.length;
}
const data = new TextEncoder().encode(text.join("")).subarray(0, 1 << 20);

let sink = 0;
const snappy = snappyCompress(data);
const lz4 = lz4Compress(data);
measure(`snappy compress (ratio ${(data.length / snappy.length).toFixed(1)})`, data.length, () => {
  sink ^= snappyCompress(data).length;
});
measure("snappy decompress", data.length, () => {
  sink ^= snappyDecompress(snappy, 64 << 20).length;
});
measure(`lz4 compress (ratio ${(data.length / lz4.length).toFixed(1)})`, data.length, () => {
  sink ^= lz4Compress(data).length;
});
measure("lz4 decompress", data.length, () => {
  sink ^= lz4Decompress(lz4, 64 << 20).length;
});
const zlib = await loadNodeZlib();
if (zlib?.zstdCompressSync) {
  const zstd = zlib.zstdCompressSync(data);
  measure(
    `zstd portable decompress (ratio ${(data.length / zstd.length).toFixed(1)})`,
    data.length,
    () => {
      sink ^= zstdDecompressPortable(zstd, 64 << 20).length;
    },
  );
}
console.log(`[sink ${sink & 1}]`);
