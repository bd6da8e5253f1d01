// Copyright 2026 the kanal authors. MIT license.
// The workerd transport inside a real workerd: tests/workerd/config.capnp lists the worker and
// the library modules it needs; they are transpiled to JS into a temp dir (workerd runs JS
// only), workerd serves them on a free port, and the worker's answers are checked here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import process from "node:process";
import { brokerList, brokers, requireBroker } from "./_kafka.ts";
import { run } from "./_tools.ts";
import type { RoundTrip } from "./workerd/worker.ts";

const ROOT = resolve(new URL("..", import.meta.url).pathname);
const CONFIG = join(ROOT, "tests/workerd/config.capnp");

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as { port: number };
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

/** A running workerd serving the test worker; `close()` kills it and removes its files. */
interface Workerd {
  url: string;
  close(): Promise<void>;
}

async function startWorkerd(): Promise<Workerd> {
  const dir = mkdtempSync(join(tmpdir(), "kanal-workerd-"));
  // The modules the config lists, by their .ts names: transpile exactly those.
  const modules = [...readFileSync(CONFIG, "utf8").matchAll(/name = "([^"]+\.ts)"/g)]
    .map((m) => m[1]!);
  const built = await run(join(ROOT, "node_modules/.bin/bun"), [
    "build",
    "--no-bundle",
    "--target=browser",
    "--format=esm",
    `--root=${ROOT}`,
    `--outdir=${dir}`,
    ...modules.map((m) => join(ROOT, m)),
  ]);
  if (built.code !== 0) throw new Error(`bun build failed: ${built.stderr}`);
  copyFileSync(CONFIG, join(dir, "config.capnp"));
  const port = await freePort();
  const child = spawn(
    join(ROOT, "node_modules/.bin/workerd"),
    ["serve", join(dir, "config.capnp"), "--socket-addr", `http=127.0.0.1:${port}`],
    {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, KAFKA_BROKERS: brokerList() },
    },
  );
  let stderr = "";
  child.stderr!.on("data", (c: Uint8Array) => stderr += new TextDecoder().decode(c));
  const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
  const close = async (): Promise<void> => {
    if (child.exitCode === null) child.kill("SIGKILL");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) {
      await close();
      throw new Error(`workerd exited with ${child.exitCode}: ${stderr}`);
    }
    try {
      // Any answer means the socket is up; a connection error means not yet.
      await (await fetch(`${url}?port=1`)).arrayBuffer();
      return { url, close };
    } catch {
      if (Date.now() > deadline) {
        await close();
        throw new Error(`workerd did not listen on ${port} within 15 s: ${stderr}`);
      }
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }
}

test("a worker in workerd does an ApiVersions round trip with the broker", async () => {
  await requireBroker();
  const workerd = await startWorkerd();
  try {
    const res = await fetch(workerd.url);
    assert.equal(res.status, 200);
    const body = await res.json() as RoundTrip;
    assert.equal(body.error, undefined, JSON.stringify(body.error));
    assert.equal(body.correlationId, 31337);
    assert.equal(body.errorCode, 0);
    assert.ok(body.apiKeys?.includes(18), "ApiVersions lists itself");
    assert.ok(body.apiKeys?.includes(0) && body.apiKeys.includes(1), "Produce and Fetch listed");
    assert.equal(body.closed, true, "close() resolved inside the worker");
  } finally {
    await workerd.close();
  }
});

test("a worker in workerd sees a refused dial as a retriable ConnectionError", async () => {
  const workerd = await startWorkerd();
  try {
    const closedPort = await freePort();
    const body = await (await fetch(`${workerd.url}?port=${closedPort}`)).json() as RoundTrip;
    assert.equal(body.error?.name, "ConnectionError", JSON.stringify(body));
    assert.equal(body.error?.errorName, "NETWORK_EXCEPTION");
    assert.equal(body.error?.retriable, true);
    const host = brokers()[0]!.host;
    assert.ok(body.error?.message.includes(`${host}:${closedPort}`), body.error?.message);
  } finally {
    await workerd.close();
  }
});
