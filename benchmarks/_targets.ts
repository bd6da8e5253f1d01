// Copyright 2026 the kanal authors. MIT license.
// Benchmark harness: runtime APIs allowed.
/**
 * kanal's targets against its peers (issue 5 for the producer, issue 6 for the consumer),
 * checked against a finished table. Benchmarks report, they never assert: a missed target is
 * printed as missed.
 *
 * @module
 */

import type { Row } from "./_runner.ts";

/** One target for one kanal row. */
export interface TargetCheck {
  /** The kanal row, e.g. `kanal-deno`. */
  client: string;
  /** What is wanted, e.g. `≥ 1.5× the best JS peer (kafkajs)`. */
  target: string;
  /** What was measured, e.g. `2.31×`. */
  measured: string;
  /** Whether it is met; `null` when it cannot be told (a row it needs failed). */
  met: boolean | null;
}

/** The three targets an issue sets for kanal against its peers. */
export interface Targets {
  /** Minimum records/s against the fastest client run by Node (the JS peers). */
  jsPeerRatio: number;
  /** Minimum records/s against Kafka's own Java client. */
  javaRatio: number;
  /** Maximum client CPU (the whole process, start-up included) per record, in µs. */
  cpuUsPerRecord: number;
}

/** The producer's targets (issue 5). */
export const PRODUCE_TARGETS: Readonly<Targets> = {
  jsPeerRatio: 1.5,
  javaRatio: 0.8,
  cpuUsPerRecord: 1,
};

/** The consumer's targets (issue 6). */
export const CONSUME_TARGETS: Readonly<Targets> = {
  jsPeerRatio: 2,
  javaRatio: 0.8,
  cpuUsPerRecord: 0.5,
};

/** Minimum records/s against the fastest client run by Node (the JS peers), for the producer. */
export const JS_PEER_RATIO: number = PRODUCE_TARGETS.jsPeerRatio;
/** Minimum records/s against Kafka's own Java producer. */
export const JAVA_RATIO: number = PRODUCE_TARGETS.javaRatio;
/** Maximum producer CPU (the whole process, start-up included) per record, in µs. */
export const CPU_US_PER_RECORD: number = PRODUCE_TARGETS.cpuUsPerRecord;

function rate(row: Row): number {
  return row.run!.result.records / row.run!.result.seconds;
}

/**
 * Checks each kanal row against `targets`: at least `jsPeerRatio` × the records/s of the best
 * JS peer (the fastest `node` row), at least `javaRatio` × the Java client's (`java`), at most
 * `cpuUsPerRecord` µs of client CPU per record.
 *
 * @example A kanal consumer row that meets the JS and CPU targets and misses Java's
 * ```ts
 * import { CONSUME_TARGETS, checkTargets } from "./_targets.ts";
 * import type { Row } from "./_runner.ts";
 * import assert from "node:assert/strict";
 *
 * const row = (name: string, runtime: string, seconds: number, cpuSeconds: number): Row => ({
 *   name,
 *   runtime,
 *   run: {
 *     name,
 *     cpuSeconds,
 *     wallSeconds: seconds,
 *     result: { client: name, runtime, op: "consume", records: 1e6, bytes: 1e8, seconds },
 *   },
 * });
 * const checks = checkTargets(
 *   [row("kanal-deno", "deno", 2, 0.4), row("kafkajs", "node", 4, 5), row("java", "jvm", 1, 3)],
 *   ["kanal-deno"],
 *   CONSUME_TARGETS,
 * );
 * assert.deepEqual(checks.map((c) => c.met), [true, false, true]);
 * ```
 */
export function checkTargets(
  rows: Row[],
  kanal: readonly string[],
  targets: Readonly<Targets>,
): TargetCheck[] {
  const js = rows.filter((r) => r.runtime === "node" && r.run)
    .sort((a, b) => rate(b) - rate(a))[0];
  const java = rows.find((r) => r.name === "java" && r.run);
  const checks: TargetCheck[] = [];
  for (const name of kanal) {
    const k = rows.find((r) => r.name === name);
    const ok = k?.run !== undefined;
    const ratio = (peer: Row | undefined, min: number, what: string): TargetCheck => {
      const target = `≥ ${min}× ${what}${peer ? ` (${peer.name})` : ""}`;
      if (!ok || !peer) return { client: name, target, measured: "n/a", met: null };
      const x = rate(k!) / rate(peer);
      return { client: name, target, measured: `${x.toFixed(2)}×`, met: x >= min };
    };
    checks.push(ratio(js, targets.jsPeerRatio, "the best JS peer"));
    checks.push(ratio(java, targets.javaRatio, "the Java client"));
    const max = targets.cpuUsPerRecord;
    const target = `≤ ${max} µs client CPU per record`;
    if (!ok) checks.push({ client: name, target, measured: "n/a", met: null });
    else {
      const us = k!.run!.cpuSeconds / k!.run!.result.records * 1e6;
      checks.push({ client: name, target, measured: `${us.toFixed(2)} µs`, met: us <= max });
    }
  }
  return checks;
}

/**
 * The producer's targets (issue 5) for each kanal row: ≥ 1.5× the best JS peer, ≥ 0.8× the
 * Java client, ≤ 1 µs of client CPU per record.
 *
 * @example A kanal row that meets the JS and CPU targets and misses Java's
 * ```ts
 * import { produceTargets } from "./_targets.ts";
 * import type { Row } from "./_runner.ts";
 * import assert from "node:assert/strict";
 *
 * const row = (name: string, runtime: string, seconds: number, cpuSeconds: number): Row => ({
 *   name,
 *   runtime,
 *   run: {
 *     name,
 *     cpuSeconds,
 *     wallSeconds: seconds,
 *     result: { client: name, runtime, op: "produce", records: 1e6, bytes: 1e8, seconds },
 *   },
 * });
 * const checks = produceTargets(
 *   [row("kanal-deno", "deno", 2, 0.9), row("kafkajs", "node", 4, 5), row("java", "jvm", 1, 3)],
 *   ["kanal-deno"],
 * );
 * assert.deepEqual(checks.map((c) => c.met), [true, false, true]);
 * ```
 */
export function produceTargets(rows: Row[], kanal: readonly string[]): TargetCheck[] {
  return checkTargets(rows, kanal, PRODUCE_TARGETS);
}

/**
 * The consumer's targets (issue 6) for each kanal row: ≥ 2× the best JS peer, ≥ 0.8× the Java
 * client, ≤ 0.5 µs of client CPU per record.
 *
 * @example A kanal row at 0.6 µs per record misses the CPU target
 * ```ts
 * import { consumeTargets } from "./_targets.ts";
 * import type { Row } from "./_runner.ts";
 * import assert from "node:assert/strict";
 *
 * const kanal: Row = {
 *   name: "kanal-bun",
 *   runtime: "bun",
 *   run: {
 *     name: "kanal-bun",
 *     cpuSeconds: 0.6,
 *     wallSeconds: 1,
 *     result: { client: "kanal", runtime: "bun", op: "consume", records: 1e6, bytes: 1e8, seconds: 0.5 },
 *   },
 * };
 * assert.deepEqual(consumeTargets([kanal], ["kanal-bun"]).map((c) => c.met), [null, null, false]);
 * ```
 */
export function consumeTargets(rows: Row[], kanal: readonly string[]): TargetCheck[] {
  return checkTargets(rows, kanal, CONSUME_TARGETS);
}

/** The checks as lines: `kanal-deno  ≥ 1.5× the best JS peer (kafkajs)  2.31×  met`. */
export function formatTargets(checks: readonly TargetCheck[]): string {
  const w0 = Math.max(0, ...checks.map((c) => c.client.length));
  const w1 = Math.max(0, ...checks.map((c) => c.target.length));
  const w2 = Math.max(0, ...checks.map((c) => c.measured.length));
  return checks.map((c) =>
    [
      c.client.padEnd(w0),
      c.target.padEnd(w1),
      c.measured.padStart(w2),
      c.met === null ? "unknown" : c.met ? "met" : "missed",
    ].join("  ")
  ).join("\n");
}
