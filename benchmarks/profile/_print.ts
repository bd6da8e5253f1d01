// Copyright 2026 the kanal authors. MIT license.
// Benchmark tool: runtime APIs allowed.
/**
 * Prints a profile's summary per unit of work, for the profile runners (`produce.ts`,
 * `consume.ts`).
 *
 * @module
 */

import type { Summary } from "./summarize.ts";

/**
 * The summary as lines of ns per record: the busy time (the span less idle), then the `top`
 * functions and the 12 files with the most self time, each with its self and inclusive time.
 */
export function perRecordReport(s: Summary, records: number, top: number): string {
  const busy = s.span - s.idle;
  const ns = (us: number) => (us * 1000 / records).toFixed(1).padStart(7);
  const lines = [
    `profile span ${(s.span / 1000).toFixed(0)} ms, busy ${(busy / 1000).toFixed(0)} ms ` +
    `(${(busy * 1000 / records).toFixed(0)} ns per record, start-up included)`,
    " self ns/rec  total ns/rec  function",
  ];
  for (const f of s.functions.filter((f) => f.key !== "(idle)").slice(0, top)) {
    lines.push(`     ${ns(f.self)}       ${ns(f.total)}  ${f.key}`);
  }
  lines.push(" self ns/rec  total ns/rec  file");
  for (const f of s.files.slice(0, 12)) {
    lines.push(`     ${ns(f.self)}       ${ns(f.total)}  ${f.key}`);
  }
  return lines.join("\n");
}
