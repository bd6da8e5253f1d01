// Copyright 2026 the kanal authors. MIT license.
// Benchmark tool: runtime APIs allowed (node:fs, node:process), so Deno and Bun both run it.
/**
 * Summarizes a `.cpuprofile` (what `deno run --cpu-prof` and `bun --cpu-prof` write): the
 * functions with the most self time, the most inclusive time (each sample counted once per
 * function on its stack), and self time by file. Times come from the samples' own time deltas,
 * so a profile taken at any `--cpu-prof-interval` sums to its wall span.
 *
 *   deno run -A benchmarks/profile/summarize.ts PROFILE.cpuprofile [--top 25] [--per N]
 *
 * `--per N` also prints each figure as ns per unit of work (e.g. per record produced).
 *
 * @module
 */

import { readFileSync } from "node:fs";
import process from "node:process";

/** The parts of Chrome's CPU profile format this reads. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

/** One function's (or file's) times, in µs. */
export interface Entry {
  /** `name url:line` for functions, the url for files. */
  key: string;
  /** Time with this function at the top of the stack. */
  self: number;
  /** Time with this function anywhere on the stack. */
  total: number;
}

/** The profile's times by function and by file, most self time first. */
export interface Summary {
  /** The sum of every sample's time delta, in µs. */
  span: number;
  /** Time in idle, program and garbage-collector pseudo-frames. */
  idle: number;
  functions: Entry[];
  files: Entry[];
}

function shortUrl(url: string): string {
  const i = url.indexOf("/lib/");
  if (i >= 0) return url.slice(i + 1);
  const b = url.indexOf("/benchmarks/");
  if (b >= 0) return url.slice(b + 1);
  return url.replace(/^file:\/\//, "");
}

/**
 * Adds up a profile's samples by function and by file.
 *
 * @example Self and inclusive time
 * ```ts
 * import { summarize } from "./summarize.ts";
 * import assert from "node:assert/strict";
 *
 * const frame = (functionName: string) => ({ functionName, url: "file:///x.ts", lineNumber: 0 });
 * const s = summarize({
 *   nodes: [
 *     { id: 1, callFrame: frame("(root)"), children: [2] },
 *     { id: 2, callFrame: frame("outer"), children: [3] },
 *     { id: 3, callFrame: frame("inner") },
 *   ],
 *   samples: [2, 3, 3],
 *   timeDeltas: [0, 20, 30], // a sample lasts until the next: 20, 30 and (the last) 0 µs
 * });
 * const outer = s.functions.find((f) => f.key.startsWith("outer"))!;
 * assert.deepEqual([outer.self, outer.total], [20, 50]);
 * ```
 */
export function summarize(p: CpuProfile): Summary {
  const parent = new Map<number, number>();
  const byId = new Map<number, CpuProfile["nodes"][number]>();
  for (const n of p.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const keyOf = (id: number): string => {
    const f = byId.get(id)!.callFrame;
    return `${f.functionName || "(anonymous)"} ${shortUrl(f.url)}:${f.lineNumber + 1}`;
  };
  const fileOf = (id: number): string => shortUrl(byId.get(id)!.callFrame.url) || "(native)";
  const fns = new Map<string, Entry>();
  const files = new Map<string, Entry>();
  const entry = (m: Map<string, Entry>, key: string): Entry => {
    let e = m.get(key);
    if (e === undefined) m.set(key, e = { key, self: 0, total: 0 });
    return e;
  };
  let span = 0;
  let idle = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i]!;
    const dt = p.timeDeltas[i + 1] ?? 0; // a sample's delta is the time until the next one
    span += dt;
    const name = byId.get(id)!.callFrame.functionName;
    if (name === "(idle)" || name === "(program)" || name === "(garbage collector)") {
      if (name === "(idle)") idle += dt;
      entry(fns, name).self += dt;
      entry(fns, name).total += dt;
      continue;
    }
    entry(fns, keyOf(id)).self += dt;
    entry(files, fileOf(id)).self += dt;
    const seen = new Set<string>();
    const seenFiles = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      if (byId.get(n)!.callFrame.functionName === "(root)") continue; // the whole span
      const k = keyOf(n);
      if (!seen.has(k)) {
        seen.add(k);
        entry(fns, k).total += dt;
      }
      const f = fileOf(n);
      if (!seenFiles.has(f)) {
        seenFiles.add(f);
        entry(files, f).total += dt;
      }
    }
  }
  const bySelf = (a: Entry, b: Entry) => b.self - a.self;
  return {
    span,
    idle,
    functions: [...fns.values()].sort(bySelf),
    files: [...files.values()].sort(bySelf),
  };
}

function table(entries: Entry[], top: number, busy: number, per: number, by: "self" | "total") {
  const rows = entries.filter((e) => e.key !== "(idle)").toSorted((
    a,
    b,
  ) => b[by] - a[by]).slice(0, top);
  const lines = [
    `${"self ms".padStart(8)} ${"self %".padStart(6)} ${"total ms".padStart(9)} ${
      per > 0 ? `${"self ns/u".padStart(9)} ` : ""
    }function`,
  ];
  for (const e of rows) {
    lines.push(
      `${(e.self / 1000).toFixed(1).padStart(8)} ${(e.self / busy * 100).toFixed(1).padStart(6)} ${
        (e.total / 1000).toFixed(1).padStart(9)
      } ${per > 0 ? `${(e.self * 1000 / per).toFixed(1).padStart(9)} ` : ""}${e.key}`,
    );
  }
  return lines.join("\n");
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith("--") && !/^\d+$/.test(a));
  if (!file) throw new TypeError("Cannot summarize as no .cpuprofile file is named");
  const opt = (name: string, d: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : d;
  };
  const top = opt("--top", 25);
  const per = opt("--per", 0);
  const s = summarize(JSON.parse(readFileSync(file, "utf8")));
  const busy = s.span - s.idle;
  console.log(
    `span ${(s.span / 1000).toFixed(0)} ms, idle ${(s.idle / 1000).toFixed(0)} ms, busy ${
      (busy / 1000).toFixed(0)
    } ms${per > 0 ? `, ${(busy * 1000 / per).toFixed(0)} ns busy per unit` : ""}`,
  );
  console.log(`\nby self time:\n${table(s.functions, top, busy, per, "self")}`);
  console.log(`\nby inclusive time:\n${table(s.functions, top, busy, per, "total")}`);
  console.log(`\nfiles by self time:\n${table(s.files, top, busy, per, "self")}`);
}
