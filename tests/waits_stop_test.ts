// Copyright 2026 the kanal authors. MIT license.
// close() and abort cut every retry wait short: a program that leaves a client, a producer and
// a consumer in ten-minute backoffs and then closes them must end by itself. A wait still
// running keeps it alive, and run() kills it when its timeout passes.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { detectRuntime } from "../lib/net/runtime.ts";
import { run } from "./_tools.ts";
import { ROOT } from "./_bundle.ts";

const runtime = detectRuntime();

test(`a ${runtime} program whose stages are in long backoffs ends once they are closed`, async () => {
  const program = "tests/node/waits_end_on_close.ts";
  const [cmd, args] = runtime === "deno"
    ? [join(ROOT, "node_modules/.bin/deno"), ["run", "-A", program]]
    : [join(ROOT, "node_modules/.bin/bun"), [program]];
  const r = await run(cmd, args, { cwd: ROOT, timeoutMs: 60_000 }).catch((e: Error) => {
    throw new Error(`the program did not end after close: ${e.message}`);
  });
  assert.equal(r.code, 0, r.stderr);
  const [coordinator, delivery, records, refresh] = JSON.parse(
    new TextDecoder().decode(r.stdout),
  ) as string[];
  // The coordinator lookup and the refresh fail as the client closes, the delivery as the
  // producer aborts, and the record stream just ends.
  assert.equal(coordinator, "rejected: ConnectionError");
  assert.match(delivery!, /^rejected: /);
  assert.equal(records, "fulfilled");
  assert.equal(refresh, "rejected: ConnectionError");
});
