// Copyright 2026 the kanal authors. MIT license.
/**
 * The hostile-frame soak (issue 11): at least 1,000,000 hostile frames through kanal's decoders
 * and through real BrokerConnections (in memory and over TCP on 127.0.0.1), printing what came
 * of them. The run is good when it ends with 0 hangs and 0 untyped errors; record its output in
 * docs/reliability.md. tests/connection_fuzz_test.ts runs a small sample of it in CI.
 *
 *   node_modules/.bin/deno run -A scripts/soak.ts [--frames 1000000] [--seed N]
 *   node_modules/.bin/bun scripts/soak.ts [--frames 1000000] [--seed N]
 *
 * The frames are split: 80% to the decoders, 18% to in-memory connections, 2% over TCP.
 *
 * @module
 */

import process from "node:process";
import { parseArgs } from "node:util";
import { defaultTransport } from "../lib/net/default_transport.ts";
import { detectRuntime } from "../lib/net/runtime.ts";
import { prepareCodecs } from "../lib/protocol/compression/codec_registry.ts";
import {
  type Counts,
  counts,
  fuzzConnections,
  fuzzDecoders,
  memoryTransport,
  Rng,
} from "../tests/_hostile.ts";
import { startFakeBroker } from "../tests/_fake_broker.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    frames: { type: "string", default: "1000000" },
    seed: { type: "string", default: "1" },
  },
});
const total = Number(values.frames);
const seed = Number(values.seed) >>> 0;
await prepareCodecs();

let peakRss = 0;
let peakHeap = 0;
const sample = (): void => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
};
const sampler = setInterval(sample, 100);

const parts: [string, Counts][] = [];
const started = performance.now();

function report(name: string, c: Counts, t0: number): void {
  const s = (performance.now() - t0) / 1000;
  console.log(
    `${name.padEnd(22)} frames ${String(c.frames).padStart(8)}  ok ${String(c.ok).padStart(7)}  ` +
      `typed ${String(c.typed).padStart(7)}  untyped ${c.untyped}  hangs ${c.hangs}  ` +
      `${s.toFixed(1)} s`,
  );
  for (const e of c.examples) console.log(`  ${e}`);
  parts.push([name, c]);
}

console.log(`kanal soak: ${total} frames, seed ${seed}, ${detectRuntime()}`);

const CHUNK = 10_000;
{
  const c = counts();
  const t0 = performance.now();
  const rng = new Rng(seed);
  const n = Math.round(total * 0.8);
  while (c.frames < n) {
    await fuzzDecoders(rng, Math.min(CHUNK, n - c.frames), c);
    sample();
  }
  report("decoders", c, t0);
}
{
  const c = counts();
  const t0 = performance.now();
  await fuzzConnections(new Rng(seed + 1), {
    frames: Math.round(total * 0.18),
    transport: (onRequest) =>
      Promise.resolve({
        transport: memoryTransport(onRequest),
        host: "memory",
        port: 1,
        close: () => Promise.resolve(),
      }),
  }, c);
  report("connections, memory", c, t0);
}
{
  const c = counts();
  const t0 = performance.now();
  const transport = await defaultTransport();
  await fuzzConnections(new Rng(seed + 2), {
    frames: total - parts.reduce((n, [, p]) => n + p.frames, 0),
    transport: async (onRequest) => {
      const broker = await startFakeBroker(onRequest, { answerApiVersions: false });
      return { transport, host: broker.host, port: broker.port, close: () => broker.close() };
    },
  }, c);
  report("connections, TCP", c, t0);
}

clearInterval(sampler);
sample();
const sum = (k: "frames" | "ok" | "typed" | "untyped" | "hangs") =>
  parts.reduce((n, [, c]) => n + c[k], 0);
console.log(
  `total                  frames ${sum("frames")}  ok ${sum("ok")}  typed ${sum("typed")}  ` +
    `untyped ${sum("untyped")}  hangs ${sum("hangs")}  ` +
    `${((performance.now() - started) / 1000).toFixed(0)} s, ` +
    `peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB, peak heap ${
      (peakHeap / 2 ** 20).toFixed(0)
    } MiB`,
);
if (sum("untyped") > 0 || sum("hangs") > 0) process.exitCode = 1;
