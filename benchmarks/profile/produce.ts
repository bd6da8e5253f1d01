// Copyright 2026 the kanal authors. MIT license.
// Benchmark tool: runtime APIs allowed.
/**
 * Profiles kanal's producer benchmark client (`../kanal/produce.ts`) under Deno and Bun with
 * `--cpu-prof` on a fresh topic, then prints each profile's summary (see `summarize.ts`) with
 * times per record. The profiles stay in `benchmarks/.build/profile/` for Chrome DevTools.
 *
 *   deno run -A benchmarks/profile/produce.ts [--records 3000000] [--interval 100] [--top 25]
 *
 * @module
 */

import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { createTopic, deleteTopic, kafkaBrokers, ROOT, run } from "../_runner.ts";
import { perRecordReport } from "./_print.ts";
import { summarize } from "./summarize.ts";

const args = process.argv.slice(2);
const opt = (name: string, d: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const records = opt("--records", 3_000_000);
const interval = opt("--interval", 100);
const top = opt("--top", 25);
const brokers = kafkaBrokers();
const dir = join(ROOT, "benchmarks/.build/profile");
mkdirSync(dir, { recursive: true });
const client = join(ROOT, "benchmarks/kanal/produce.ts");
const common = ["--brokers", brokers, "--records", String(records)];

for (const runtime of ["deno", "bun"]) {
  const topic = `bench-profile-${runtime}-${Date.now().toString(36)}`;
  const name = `produce-${runtime}.cpuprofile`;
  const prof = [`--cpu-prof`, `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`]
    .concat(`--cpu-prof-interval=${interval}`);
  const cmd = join(ROOT, `node_modules/.bin/${runtime}`);
  const argv = runtime === "deno"
    ? ["run", "-A", ...prof, client, "--topic", topic, ...common]
    : [...prof, client, "--topic", topic, ...common];
  try {
    await createTopic(brokers, topic, 6);
    const out = await run(cmd, argv);
    const s = summarize(JSON.parse(readFileSync(join(dir, name), "utf8")));
    console.log(`\n== ${runtime}: ${out.trim().split("\n").at(-1)}`);
    console.log(perRecordReport(s, records, top));
  } finally {
    await deleteTopic(brokers, topic).catch(() => {});
  }
}
