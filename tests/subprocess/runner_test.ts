// Copyright 2026 the kanal authors. MIT license.
// scripts/test.sh, the README's test command, cannot be fooled into a pass: a test file that
// exits the process mid-run, a test that never settles, and a runner that hangs each fail the
// run, under both runtimes' runners. It runs the script on small fixture suites it writes.
import { test } from "../_test.ts";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { ROOT, run, type RunResult } from "../_tools.ts";

const HARNESS = new URL("../_test.ts", import.meta.url).href;
const PASSING = `import { test } from "${HARNESS}";
test("passes", () => {});
`;

/** Runs scripts/test.sh on a suite of `files` (name to source), with `env` added. */
async function suite(files: Record<string, string>, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "kanal-runner-"));
  try {
    for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, name), source);
    const r: RunResult = await run(`${ROOT}scripts/test.sh`, [dir], {
      // The brokers are named, so the script starts none for these suites.
      env: {
        KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? "127.0.0.1:9092",
        KAFKA_CLUSTER_BROKERS: process.env.KAFKA_CLUSTER_BROKERS ?? "127.0.0.1:19092",
        ...env,
      },
      timeoutMs: 120_000,
    });
    const out = new TextDecoder().decode(r.stdout);
    return { code: r.code, out, err: r.stderr, last: out.trimEnd().split("\n").at(-1) ?? "" };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("test.sh passes a suite that passes, with its counts", async () => {
  const r = await suite({ "a_test.ts": PASSING, "b_test.ts": PASSING });
  assert.equal(r.code, 0, r.out + r.err);
  assert.equal(r.last, "4 passed, 0 failed");
});

test("test.sh fails a run in which a test file calls process.exit(0)", async () => {
  const r = await suite({
    "a_test.ts": PASSING,
    "b_test.ts": `import { test } from "${HARNESS}";
import process from "node:process";
test("leaves early", () => process.exit(0));
test("never runs", () => {});
`,
    "c_test.ts": PASSING,
  });
  assert.notEqual(r.code, 0, r.out);
  assert.match(r.last, /^\d+ passed, [1-9]\d* failed$/);
  assert.match(r.err, /deno ended without its summary line/);
  // Bun's parallel runner sees its worker die and fails that file itself.
  assert.match(r.out, /^bun: \d+ passed, [1-9]\d* failed$/m);
});

test("test.sh fails a test that never settles, at the test's time limit", async () => {
  const r = await suite({
    "a_test.ts": `import { test } from "${HARNESS}";
test("never settles", { timeout: 500 }, () => new Promise(() => {}));
test("passes", () => {});
`,
  });
  assert.notEqual(r.code, 0, r.out);
  assert.equal(r.last, "2 passed, 2 failed");
});

test("test.sh fails a runner that hangs, at the runner's time limit", async () => {
  const r = await suite({
    "a_test.ts": `import { test } from "${HARNESS}";
test("spins", () => { for (;;) {/* a hang no promise timeout can end */} });
`,
  }, { KANAL_RUNNER_LIMIT: "5" });
  assert.notEqual(r.code, 0, r.out);
  assert.match(r.err, /deno ran past its 5s limit/);
  assert.match(r.err, /bun ran past its 5s limit/);
  assert.match(r.last, /^0 passed, [1-9]\d* failed$/);
});
