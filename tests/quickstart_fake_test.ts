// Copyright 2026 the kanal authors. MIT license.
// The embedded default: without KAFKA_BROKERS the quickstart (and `deno task demo`) runs its
// produce-and-consume round trip against an in-process fake cluster, says so first, and needs
// neither Java nor a broker.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";

const ROOT = new URL("..", import.meta.url).pathname;

/** Runs a command with KAFKA_BROKERS removed from the environment. */
function runWithoutBrokers(
  cmd: string,
  args: string[],
): Promise<{ code: number | null; out: string; err: string }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k !== "KAFKA_BROKERS" && v !== undefined) env[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Uint8Array) => out += new TextDecoder().decode(c));
    child.stderr.on("data", (c: Uint8Array) => err += new TextDecoder().decode(c));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, out, err }));
  });
}

function assertRoundTrip(out: string): void {
  const lines = out.split("\n");
  assert.match(
    lines[0]!,
    /^quickstart: KAFKA_BROKERS is not set, so this runs against an in-process fake cluster/,
  );
  assert.match(
    out,
    /^brokers: +1@fake-1\.invalid:9092, 2@fake-2\.invalid:9092, 3@fake-3\.invalid:9092$/m,
  );
  const produced = [...out.matchAll(/^produced to kanal-quickstart\/(\d+) at offset (\d+)$/gm)];
  const consumed = [
    ...out.matchAll(/^consumed from kanal-quickstart\/(\d+) at offset (\d+): (.*)$/gm),
  ];
  assert.equal(produced.length, 3, out);
  assert.deepEqual(consumed.map((m) => `${m[1]}:${m[2]}`), produced.map((m) => `${m[1]}:${m[2]}`));
  assert.equal(consumed[0]![3], "greeting = hello from kanal");
  assert.equal(consumed[2]![3], "(null) = and keyless ones are spread");
}

for (
  const [runtime, args] of [
    ["deno", ["run", "--allow-env", "examples/quickstart.ts"]],
    ["bun", ["examples/quickstart.ts"]],
  ] as const
) {
  test(`without KAFKA_BROKERS the quickstart round-trips through a fake cluster under ${runtime}`, async () => {
    // Deno gets no --allow-net: the fake cluster and its transport need no socket.
    const r = await runWithoutBrokers(`${ROOT}node_modules/.bin/${runtime}`, [...args]);
    assert.equal(r.code, 0, r.err);
    assertRoundTrip(r.out);
  });
}

test("deno task demo runs the quickstart against the fake cluster without KAFKA_BROKERS", async () => {
  const r = await runWithoutBrokers("bash", [`${ROOT}scripts/demo.sh`]);
  assert.equal(r.code, 0, r.err);
  assertRoundTrip(r.out);
});
