// Copyright 2026 the kanal authors. MIT license.
/**
 * The protocol layer's hot paths on one core: encode and decode of 100-byte records in batches
 * of 1,000 with CRC-32C, and CRC-32C alone. Runs under Deno and Bun:
 *
 *   node_modules/.bin/deno run benchmarks/codec.ts
 *   node_modules/.bin/bun benchmarks/codec.ts
 *
 * Targets (issue 3): encode with CRC >= 5M records/s, decode with CRC >= 4M records/s.
 *
 * @module
 */

import { crc32c } from "../lib/protocol/crc32c.ts";
import { RecordBatchEncoder } from "../lib/protocol/record_batch_encoder.ts";
import { decodeRecordBatchesSync } from "../lib/protocol/record_batch_decoder.ts";
import type { RecordInput } from "../lib/protocol/record.ts";

const RECORDS_PER_BATCH = 1000;
const VALUE_BYTES = 100;
const runtime = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" ? "bun" : "deno";

function measure(name: string, unit: string, perRound: number, round: () => void): number {
  // Warm up until the JIT settles, then time whole rounds for about two seconds.
  for (let i = 0; i < 200; i++) round();
  let rounds = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < 2000) {
    for (let i = 0; i < 20; i++) round();
    rounds += 20;
    elapsed = performance.now() - start;
  }
  const rate = (rounds * perRound) / (elapsed / 1000);
  console.log(`${runtime.padEnd(5)} ${name.padEnd(34)} ${format(rate)} ${unit}`);
  return rate;
}

function format(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  return `${(n / 1e3).toFixed(1)}k`;
}

const value = new Uint8Array(VALUE_BYTES).map((_, i) => (i * 31) & 0xff);
const records: RecordInput[] = Array.from({ length: RECORDS_PER_BATCH }, (_, i) => ({
  key: null,
  value,
  timestamp: 1_700_000_000_000 + i,
}));

const encoder = new RecordBatchEncoder(RECORDS_PER_BATCH * (VALUE_BYTES + 16) + 128);
let batch: Uint8Array = new Uint8Array(0);
const encodeRate = measure("encode 100 B records, with CRC", "records/s", RECORDS_PER_BATCH, () => {
  encoder.reset({ producerId: 1n, producerEpoch: 0, baseSequence: 0 });
  for (let i = 0; i < RECORDS_PER_BATCH; i++) encoder.append(records[i]!);
  batch = encoder.finish() as Uint8Array;
});
batch = batch.slice();

let checksum = 0;
const decodeRate = measure("decode 100 B records, with CRC", "records/s", RECORDS_PER_BATCH, () => {
  const { batches } = decodeRecordBatchesSync(batch);
  checksum += batches[0]!.records.length;
});

const big = new Uint8Array(1 << 20).map((_, i) => i & 0xff);
const crcRate = measure("crc32c over 1 MiB", "B/s", big.length, () => {
  checksum ^= crc32c(big);
});

console.log(
  `${runtime.padEnd(5)} targets: encode ${encodeRate >= 5e6 ? "met" : "MISSED"} (5M), ` +
    `decode ${decodeRate >= 4e6 ? "met" : "MISSED"} (4M); crc ${(crcRate / 1e9).toFixed(2)} GB/s` +
    ` [checksum ${checksum & 1}]`,
);
