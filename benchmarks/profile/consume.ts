// Copyright 2026 the kanal authors. MIT license.
// Benchmark tool: runtime APIs allowed.
/**
 * Profiles kanal's consumer benchmark client (`../kanal/consume.ts`) under Deno and Bun: fills
 * one topic of 6 partitions with `--records` (3,000,000) records of 100 bytes, reads it with
 * `--cpu-prof` under each runtime and prints each profile's summary (see `summarize.ts`) with
 * times per record; then reads it again under each runtime without the profiler, with the
 * client's memory sampling on, and prints its CPU time and peak RSS (GNU time's maxrss, and the
 * client's own VmHWM and heap peaks). The profiles stay in `benchmarks/.build/profile/` for
 * Chrome DevTools.
 *
 *   deno run -A benchmarks/profile/consume.ts [--records 3000000] [--interval 100] [--top 25]
 *     [--api topic|partitions]
 *
 * @module
 */

import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fillTopic } from "../_consume.ts";
import { benchOptions, deleteTopic, ROOT, run } from "../_runner.ts";
import { perRecordReport } from "./_print.ts";
import { summarize } from "./summarize.ts";

const args = process.argv.slice(2);
const opt = (name: string, d: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] ?? d : d;
};
const records = Number(opt("--records", "3000000"));
const interval = Number(opt("--interval", "100"));
const top = Number(opt("--top", "25"));
const api = opt("--api", "topic");
const o = benchOptions(["--records", String(records)]);
const dir = join(ROOT, "benchmarks/.build/profile");
mkdirSync(dir, { recursive: true });
const client = join(ROOT, "benchmarks/kanal/consume.ts");
const topic = `bench-profile-consume-${Date.now().toString(36)}`;
const common = ["--brokers", o.brokers, "--topic", topic, "--records", String(records)]
  .concat(["--api", api]);
const lastLine = (out: string) => out.trim().split("\n").at(-1);

/** The command line that runs the client under `runtime` with `extra` runtime flags. */
function command(runtime: string, extra: string[], clientArgs: string[]): [string, string[]] {
  const cmd = join(ROOT, `node_modules/.bin/${runtime}`);
  return [
    cmd,
    runtime === "deno"
      ? ["run", "-A", ...extra, client, ...common, ...clientArgs]
      : [...extra, client, ...common, ...clientArgs],
  ];
}

try {
  await fillTopic(topic, o);
  for (const runtime of ["deno", "bun"]) {
    const name = `consume-${runtime}.cpuprofile`;
    const prof = [`--cpu-prof`, `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`]
      .concat(`--cpu-prof-interval=${interval}`);
    const out = await run(...command(runtime, prof, []));
    const s = summarize(JSON.parse(readFileSync(join(dir, name), "utf8")));
    console.log(`\n== ${runtime} (--api ${api}): ${lastLine(out)}`);
    console.log(perRecordReport(s, records, top));
  }
  for (const runtime of ["deno", "bun"]) {
    const [cmd, argv] = command(runtime, [], ["--memory"]);
    // GNU time reports the CPU and maxrss of the unprofiled run; without it, the client's own
    // VmHWM line is the memory figure.
    const out = existsSync("/usr/bin/time")
      ? await run("/usr/bin/time", ["-f", "cpu %U s user + %S s sys, maxrss %M KiB", cmd, ...argv])
      : await run(cmd, argv);
    console.log(`\n== ${runtime} memory (--api ${api}, no profiler):`);
    for (const line of out.trim().split("\n")) console.log(`  ${line}`);
  }
} finally {
  await deleteTopic(o.brokers, topic).catch(() => {});
}
