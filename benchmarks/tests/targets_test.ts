import { test } from "node:test";
import assert from "node:assert/strict";
import type { Row } from "../_runner.ts";
import { consumeTargets, formatTargets, produceTargets } from "../_targets.ts";

function row(name: string, runtime: string, seconds: number, cpuSeconds: number): Row {
  return {
    name,
    runtime,
    run: {
      name,
      cpuSeconds,
      wallSeconds: seconds + 1,
      result: { client: name, runtime, op: "produce", records: 1_000_000, bytes: 1e8, seconds },
    },
  };
}

test("produceTargets compares kanal with the fastest Node peer, Java, and 1 µs per record", () => {
  const rows = [
    row("kanal-deno", "deno", 1, 0.8), // 1,000,000 rec/s, 0.8 µs/record
    row("kanal-bun", "bun", 2, 1.5), // 500,000 rec/s, 1.5 µs/record
    row("java", "jvm", 1.2, 3), // 833,333 rec/s
    row("kafkajs", "node", 4, 6), // 250,000 rec/s
    row("confluent", "node", 2.5, 4), // 400,000 rec/s: the best JS peer
    row("franz-go", "go", 0.5, 1), // fastest of all, but not a JS peer
  ];
  const checks = produceTargets(rows, ["kanal-deno", "kanal-bun"]);
  assert.deepEqual(checks.map((c) => [c.client, c.measured, c.met]), [
    ["kanal-deno", "2.50×", true], // 1,000,000 / 400,000
    ["kanal-deno", "1.20×", true], // 1,000,000 / 833,333
    ["kanal-deno", "0.80 µs", true],
    ["kanal-bun", "1.25×", false], // 500,000 / 400,000 < 1.5
    ["kanal-bun", "0.60×", false], // 500,000 / 833,333 < 0.8
    ["kanal-bun", "1.50 µs", false],
  ]);
  assert.match(checks[0]!.target, /best JS peer \(confluent\)/);
  assert.match(checks[1]!.target, /Java client \(java\)/);
});

test("produceTargets says unknown when kanal or a peer has no result", () => {
  const rows: Row[] = [
    row("kanal-deno", "deno", 1, 0.5),
    { name: "java", runtime: "jvm", error: "timed out" },
    { name: "kanal-bun", runtime: "bun", error: "exited with code 1" },
  ];
  const checks = produceTargets(rows, ["kanal-deno", "kanal-bun"]);
  assert.deepEqual(checks.map((c) => c.met), [null, null, true, null, null, null]);
  const lines = formatTargets(checks).split("\n");
  assert.equal(lines.length, 6);
  assert.match(lines[2]!, /^kanal-deno\s+≤ 1 µs client CPU per record\s+0\.50 µs\s+met$/);
  assert.match(lines[3]!, /^kanal-bun\s+.*\s+n\/a\s+unknown$/);
});

test("consumeTargets wants 2× the fastest Node peer, 0.8× Java, and 0.5 µs per record", () => {
  const rows = [
    row("kanal-deno", "deno", 0.5, 0.45), // 2,000,000 rec/s, 0.45 µs/record
    row("kanal-bun", "bun", 0.4, 0.55), // 2,500,000 rec/s, 0.55 µs/record
    row("java", "jvm", 0.4, 2), // 2,500,000 rec/s
    row("platformatic", "node", 0.9, 3), // 1,111,111 rec/s: the best JS peer
    row("kafkajs", "node", 2, 4), // 500,000 rec/s
    row("franz-go", "go", 0.2, 0.3), // fastest of all, but not a JS peer
  ];
  const checks = consumeTargets(rows, ["kanal-deno", "kanal-bun"]);
  assert.deepEqual(checks.map((c) => [c.client, c.measured, c.met]), [
    ["kanal-deno", "1.80×", false], // 2,000,000 / 1,111,111 < 2
    ["kanal-deno", "0.80×", true], // 2,000,000 / 2,500,000, exactly the target
    ["kanal-deno", "0.45 µs", true],
    ["kanal-bun", "2.25×", true],
    ["kanal-bun", "1.00×", true],
    ["kanal-bun", "0.55 µs", false], // over 0.5, though under the producer's 1 µs
  ]);
  assert.match(checks[0]!.target, /^≥ 2× the best JS peer \(platformatic\)$/);
  assert.match(checks[2]!.target, /^≤ 0\.5 µs client CPU per record$/);
  // The same rows against the producer's targets: 1.8× is enough there, and 0.55 µs too.
  assert.deepEqual(produceTargets(rows, ["kanal-deno"]).map((c) => c.met), [true, true, true]);
});
