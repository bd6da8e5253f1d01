// Copyright 2026 the kanal authors. MIT license.
/**
 * Running the interop peers from tests: kcat and Kafka's own tools through scripts/kafka.sh.
 *
 * @module
 */

import { spawn } from "node:child_process";
import process from "node:process";

/** The repository. A bundled copy of a test lives elsewhere, so it is told by KANAL_ROOT. */
export const ROOT: string = process.env.KANAL_ROOT ?? new URL("..", import.meta.url).pathname;

/** What a finished command printed. */
export interface RunResult {
  code: number | null;
  stdout: Uint8Array;
  stderr: string;
}

/** Options for {@linkcode run}. */
export interface RunOptions {
  /** Fed on stdin. */
  input?: string | Uint8Array;
  /** Killed after this long. @default {60000} */
  timeoutMs?: number;
  /** Working directory. */
  cwd?: string;
  /** Added to the environment. */
  env?: Record<string, string>;
}

/** Runs a command, feeding `input` on stdin, and collects its output. */
export function run(
  cmd: string,
  args: string[],
  options: RunOptions = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: ["pipe", "pipe", "pipe"],
      cwd: options.cwd,
      env: options.env ? { ...process.env, ...options.env } : undefined,
    });
    const out: Uint8Array[] = [];
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${cmd} ${args.join(" ")} timed out:\n${err}`));
    }, options.timeoutMs ?? 60_000);
    child.stdout.on("data", (c: Uint8Array) => out.push(new Uint8Array(c)));
    child.stderr.on("data", (c: Uint8Array) => err += new TextDecoder().decode(c));
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${cmd}: ${e.message}`));
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      const n = out.reduce((a, c) => a + c.length, 0);
      const stdout = new Uint8Array(n);
      let o = 0;
      for (const c of out) {
        stdout.set(c, o);
        o += c.length;
      }
      resolve({ code, stdout, stderr: err });
    });
    // A child that exits without reading its stdin would make the write fail with EPIPE.
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
  });
}

/** Runs kcat and throws with its stderr when it exits non-zero. */
export async function kcat(
  args: string[],
  options: { input?: string | Uint8Array; timeoutMs?: number } = {},
): Promise<Uint8Array> {
  const r = await run("kcat", args, options);
  if (r.code !== 0) throw new Error(`kcat ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** A topic name no other test uses. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
