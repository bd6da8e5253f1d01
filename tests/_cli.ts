// Copyright 2026 the kanal authors. MIT license.
/**
 * Running kanal's programs (cli.ts, the examples) as a user does: a subprocess under Deno and
 * under Bun. Shared by the suites in tests/subprocess/, which run each case in both runtimes
 * themselves and so run under one test runner only (see scripts/test.sh).
 *
 * @module
 */

import { spawn } from "node:child_process";
import { ROOT, run, type RunResult } from "./_tools.ts";

/** The runtimes a user runs kanal's programs in, with the arguments that run a script. */
export const RUNTIMES: readonly (readonly ["deno" | "bun", readonly string[]])[] = [
  ["deno", ["run", "-A"]],
  ["bun", []],
];

/** A runtime of {@linkcode RUNTIMES}. */
export type Runtime = "deno" | "bun";

/** UTF-8 bytes as text. */
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** The command line that runs `script` (relative to the repository) under `runtime`. */
export function command(runtime: Runtime, script: string): [string, string[]] {
  const prefix = RUNTIMES.find(([r]) => r === runtime)![1];
  return [`${ROOT}node_modules/.bin/${runtime}`, [...prefix, script]];
}

/** Options for {@linkcode kanal}. */
export interface KanalOptions {
  /** Fed on stdin. */
  input?: string | Uint8Array;
  /** Killed after this long (a hang fails the test, never passes it). @default {60000} */
  timeoutMs?: number;
  /** Added to the environment. */
  env?: Record<string, string>;
  /** The program to run, relative to the repository. @default {"cli.ts"} */
  script?: string;
}

/** Runs kanal's command line (or another program of the repository) to its end. */
export async function kanal(
  runtime: Runtime,
  args: string[],
  options: KanalOptions = {},
): Promise<RunResult> {
  const [cmd, prefix] = command(runtime, options.script ?? "cli.ts");
  return await run(cmd, [...prefix, ...args], {
    cwd: ROOT,
    input: options.input,
    env: options.env,
    timeoutMs: options.timeoutMs ?? 60_000,
  });
}

/** A command running in the background, its output so far, and its exit code to come. */
export interface Background {
  readonly out: string;
  readonly err: string;
  /** The exit code, or null when a signal ended it. */
  readonly exited: Promise<number | null>;
  kill(signal: "SIGINT" | "SIGTERM" | "SIGKILL"): void;
}

interface DenoChild {
  stdout: ReadableStream<Uint8Array>;
  stderr: ReadableStream<Uint8Array>;
  status: Promise<{ code: number; signal: string | null }>;
  kill(signal: string): void;
}

type DenoCommand = new (
  cmd: string,
  options: { args: string[]; cwd: string; stdin: "null"; stdout: "piped"; stderr: "piped" },
) => { spawn(): DenoChild };

/**
 * Starts kanal's command line (or another program of the repository) in the background. Under Deno through Deno.Command: Deno's
 * node:child_process reports a child that handled SIGINT and exited 0 as ended by the signal.
 */
export function start(runtime: Runtime, args: string[], script = "cli.ts"): Background {
  const [cmd, prefix] = command(runtime, script);
  const state = { out: "", err: "" };
  const Command = (globalThis as { Deno?: { Command: DenoCommand } }).Deno?.Command;
  if (Command !== undefined) {
    const child = new Command(cmd, {
      args: [...prefix, ...args],
      cwd: ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const collect = async (s: ReadableStream<Uint8Array>, key: "out" | "err") => {
      const decoder = new TextDecoder();
      for await (const c of s) state[key] += decoder.decode(c, { stream: true });
    };
    const read = Promise.all([collect(child.stdout, "out"), collect(child.stderr, "err")]);
    let done = false;
    const exited = child.status.then(async (st) => {
      done = true;
      await read;
      return st.signal === null ? st.code : null;
    });
    return {
      get out() {
        return state.out;
      },
      get err() {
        return state.err;
      },
      exited,
      kill: (signal) => {
        if (!done) child.kill(signal);
      },
    };
  }
  const child = spawn(cmd, [...prefix, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (c: string) => state.out += c);
  child.stderr.on("data", (c: string) => state.err += c);
  const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
  return {
    get out() {
      return state.out;
    },
    get err() {
      return state.err;
    },
    exited,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}
