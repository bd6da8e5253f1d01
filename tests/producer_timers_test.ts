// Copyright 2026 the kanal authors. MIT license.
// The producer's timers never keep a process alive: a program that forgets to close its
// producers, one of them made on a client already closed, still ends. A timer still running
// keeps it alive, and run() kills it when its timeout passes.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { detectRuntime } from "../lib/net/runtime.ts";
import { run } from "./_tools.ts";
import { ROOT } from "./_bundle.ts";

const runtime = detectRuntime();

test(`a ${runtime} program that forgets to close its producers still ends`, async () => {
  const program = "tests/node/producer_left_open.ts";
  const [cmd, args] = runtime === "deno"
    ? [join(ROOT, "node_modules/.bin/deno"), ["run", "-A", program]]
    : [join(ROOT, "node_modules/.bin/bun"), [program]];
  const r = await run(cmd, args, { cwd: ROOT, timeoutMs: 30_000 }).catch((e: Error) => {
    throw new Error(`the program did not end: ${e.message}`);
  });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(r.stdout)), {
    offset: 0,
    late: "rejected: TypeError", // "the producer is closed", as after close()
  });
});
