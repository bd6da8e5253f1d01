// Copyright 2026 the kanal authors. MIT license.
// The fake cluster's listeners under each runtime: tests/node/fake_cluster_round_trip.ts
// listens with the runtime's server transport, round-trips records over real TCP with kanal,
// and must then end by itself (nothing left open), under Deno, Bun and bundled Node.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { bundle, ROOT } from "./_bundle.ts";
import { run } from "./_tools.ts";
import type { RoundTripOutput } from "./node/fake_cluster_round_trip.ts";

const PROGRAM = "tests/node/fake_cluster_round_trip.ts";

async function runIn(runtime: "deno" | "bun" | "node"): Promise<RoundTripOutput> {
  const dir = mkdtempSync(join(tmpdir(), "kanal-fake-rt-"));
  try {
    let cmd: string;
    let args: string[];
    if (runtime === "node") {
      await bundle(PROGRAM, join(dir, "program.mjs"), { target: "node" });
      [cmd, args] = ["/usr/bin/node", [join(dir, "program.mjs")]];
    } else if (runtime === "deno") {
      [cmd, args] = [join(ROOT, "node_modules/.bin/deno"), ["run", "-A", join(ROOT, PROGRAM)]];
    } else {
      [cmd, args] = [join(ROOT, "node_modules/.bin/bun"), [join(ROOT, PROGRAM)]];
    }
    // The run times out (and fails) if the program does not end by itself.
    const r = await run(cmd, args, { timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(new TextDecoder().decode(r.stdout)) as RoundTripOutput;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const runtime of ["deno", "bun", "node"] as const) {
  test(`under ${runtime}, the fake cluster listens, serves kanal over TCP, and closes cleanly`, async () => {
    const out = await runIn(runtime);
    assert.match(out.bootstrap, /^127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/);
    assert.deepEqual(out.offsets, [0, 1, 2]);
    assert.deepEqual(out.values, ["x", "y", "z"]);
    assert.equal(out.faults, 0);
  });
}
