// Copyright 2026 the kanal authors. MIT license.
// kanal's client inside a real workerd: tests/workerd/worker.ts and all of kanal it imports are
// bundled into one JS module in a temp dir (workerd runs JS only), workerd serves it on a free
// port with tests/workerd/config.capnp, and the worker's answers are checked here against kcat.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { brokerList, brokers, requireBroker } from "./_kafka.ts";
import { bundle, ROOT } from "./_bundle.ts";
import { assertClusterView, createTopic, expectedCluster } from "./workerd/expected_cluster.ts";
import type { WorkerAnswer } from "./workerd/worker.ts";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as { port: number };
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

/** A running workerd serving the test worker; `close()` kills it and removes its files. */
interface Workerd {
  /** Asks the worker for `params` and returns its answer. */
  ask(params: Record<string, string>): Promise<WorkerAnswer>;
  /** What workerd printed on stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

async function startWorkerd(): Promise<Workerd> {
  const dir = mkdtempSync(join(tmpdir(), "kanal-workerd-"));
  try {
    // cloudflare:sockets is workerd's own. node:* stays an import too: the Node transport's
    // dynamic imports are never reached here, and Bun's browser stand-ins for them are not Node.
    await bundle("tests/workerd/worker.ts", join(dir, "worker.js"), {
      target: "browser",
      external: ["cloudflare:sockets", "node:*"],
    });
    copyFileSync(join(ROOT, "tests/workerd/config.capnp"), join(dir, "config.capnp"));
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const port = await freePort();
  const child = spawn(
    join(ROOT, "node_modules/.bin/workerd"),
    ["serve", join(dir, "config.capnp"), "--socket-addr", `http=127.0.0.1:${port}`],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr!.on("data", (c: Uint8Array) => stderr += new TextDecoder().decode(c));
  const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
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
      const res = await fetch(`${url}ready`);
      await res.arrayBuffer();
      if (res.status === 204) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await close();
      throw new Error(`workerd did not listen on ${port} within 15 s: ${stderr}`);
    }
    await new Promise((ok) => setTimeout(ok, 100));
  }
  return {
    async ask(params) {
      // A request whose promise never settles is cancelled by workerd with a 500.
      const res = await fetch(`${url}?${new URLSearchParams(params)}`, {
        signal: AbortSignal.timeout(20_000),
      });
      const text = await res.text();
      assert.equal(res.status, 200, `${text}\n${stderr}`);
      return JSON.parse(text) as WorkerAnswer;
    },
    stderr: () => stderr,
    close,
  };
}

test("a worker in workerd fetches the cluster's metadata through kanal's client, as kcat sees it", async () => {
  await requireBroker();
  const topic = await createTopic("workerd-meta", 3);
  const expected = await expectedCluster(topic);
  const workerd = await startWorkerd();
  try {
    // The client's own choice of transport, then workerd's passed explicitly: the second
    // request also shows the first left nothing behind in the isolate that breaks the next.
    for (const transport of ["default", "workerd"]) {
      const body = await workerd.ask({ brokers: brokerList(), topic, transport });
      assert.equal(body.error, undefined, JSON.stringify(body.error));
      assert.equal(body.view?.runtime, "workerd");
      assertClusterView(body.view!, expected);
      assert.deepEqual(body.unhandled, [], "nothing failed unhandled, during or after close()");
      // No nodejs_compat: gzip falls back to CompressionStream, and nothing broke on the
      // dynamic node:zlib import the bundle kept.
      assert.equal(body.codecs?.nodeZlib, false);
      for (const c of ["gzip", "snappy", "lz4"] as const) {
        assert.ok(body.codecs?.roundTrips.includes(c), c);
      }
      // No native zstd either: compressing with it is refused with UNSUPPORTED_COMPRESSION_TYPE.
      assert.equal(body.codecs?.zstd, false);
      assert.equal(body.codecs?.zstdRefused, true);
    }
    assert.doesNotMatch(workerd.stderr(), /uncaught|hung|error/i);
  } finally {
    await workerd.close();
  }
});

test("a worker in workerd sees an unreachable broker as a retriable ConnectionError", async () => {
  const workerd = await startWorkerd();
  try {
    const host = brokers()[0]!.host;
    const closedPort = await freePort();
    const body = await workerd.ask({ brokers: `${host}:${closedPort}`, topic: "none" });
    assert.equal(body.error?.name, "ConnectionError", JSON.stringify(body));
    assert.equal(body.error?.errorName, "NETWORK_EXCEPTION");
    assert.equal(body.error?.retriable, true);
    assert.ok(body.error?.message.includes(`${host}:${closedPort}`), body.error?.message);
    assert.deepEqual(body.unhandled, []);
  } finally {
    await workerd.close();
  }
});
