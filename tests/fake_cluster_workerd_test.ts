// Copyright 2026 the kanal authors. MIT license.
// The fake cluster inside a real workerd: its in-memory transport needs no socket, so a worker
// can start a cluster and round-trip records through kanal's producer and consumer.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { bundle, ROOT } from "./_bundle.ts";
import type { FakeClusterAnswer } from "./workerd/fake_cluster_worker.ts";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as { port: number };
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

test("a worker in workerd round-trips records through an in-memory fake cluster, and closes a producer", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kanal-workerd-fake-"));
  try {
    await bundle("tests/workerd/fake_cluster_worker.ts", join(dir, "worker.js"), {
      target: "browser",
      external: ["cloudflare:sockets", "node:*"],
    });
    copyFileSync(join(ROOT, "tests/workerd/config.capnp"), join(dir, "config.capnp"));
    const port = await freePort();
    const child = spawn(
      join(ROOT, "node_modules/.bin/workerd"),
      ["serve", join(dir, "config.capnp"), "--socket-addr", `http=127.0.0.1:${port}`],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr!.on("data", (c: Uint8Array) => stderr += new TextDecoder().decode(c));
    const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
    try {
      const url = `http://127.0.0.1:${port}/`;
      for (let i = 0;; i++) {
        assert.equal(child.exitCode, null, `workerd exited: ${stderr}`);
        const ready = await fetch(`${url}ready`).then(async (r) => {
          await r.arrayBuffer();
          return r.status === 204;
        }, () => false);
        if (ready) break;
        assert.ok(i < 150, `workerd did not listen: ${stderr}`);
        await new Promise((ok) => setTimeout(ok, 100));
      }
      const res = await fetch(url, { signal: AbortSignal.timeout(20_000) });
      const body = await res.json() as FakeClusterAnswer;
      assert.equal(body.error, undefined, body.error);
      assert.deepEqual(body.produced, [[0, "0"]]);
      // kanal's Producer delivers and its close() returns under workerd.
      assert.deepEqual(body.producer, { offset: 3, closed: true });
      assert.deepEqual(body.consumed, ["0:a", "1:b", "2:c", "3:d"]);
      assert.equal(body.highWatermark, "4");
      assert.deepEqual(body.faults, []);
      assert.doesNotMatch(stderr, /uncaught|hung|error/i);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
