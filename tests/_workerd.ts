// Copyright 2026 the kanal authors. MIT license.
/**
 * A real workerd serving one test worker: the worker and all of kanal it imports are bundled
 * into one JS module in a temp dir, served with tests/workerd/config.capnp on a free port.
 *
 * @module
 */

import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { bundle, ROOT } from "./_bundle.ts";

/** A running workerd; `close()` kills it and removes its files. */
export interface RunningWorkerd {
  /** The worker's base URL, ending in `/`. */
  readonly url: string;
  /** What workerd printed on stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as { port: number };
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

/**
 * Bundles `entry` (a worker module in the repository) and serves it with `config`, the text of
 * a workerd config that embeds `worker.js` (by default tests/workerd/config.capnp); resolves
 * once the worker answers `GET /ready` with 204.
 */
export async function startWorkerd(
  entry: string,
  config: string = readFileSync(join(ROOT, "tests/workerd/config.capnp"), "utf8"),
): Promise<RunningWorkerd> {
  const dir = mkdtempSync(join(tmpdir(), "kanal-workerd-"));
  try {
    await bundle(entry, join(dir, "worker.js"), {
      target: "browser",
      external: ["cloudflare:sockets", "node:*"],
    });
    writeFileSync(join(dir, "config.capnp"), config);
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
  return { url, stderr: () => stderr, close };
}
