// Copyright 2026 the kanal authors. MIT license.
// The one file of the command line that touches runtime APIs: Deno's, or Node's `process`
// (which Bun provides too). Everything else in lib/cli/ goes through CliIo.
/**
 * The running runtime's arguments, output streams, environment and exit.
 *
 * @module
 */

import type { CliIo } from "./command.ts";

type StopSignal = "SIGINT" | "SIGTERM";

const STOP_SIGNALS: readonly StopSignal[] = ["SIGINT", "SIGTERM"];

interface DenoLike {
  args: string[];
  stdin: { readable: ReadableStream<Uint8Array> };
  stdout: { write(p: Uint8Array): Promise<number> };
  stderr: { write(p: Uint8Array): Promise<number>; isTerminal(): boolean };
  env: { get(name: string): string | undefined };
  exit(code: number): never;
  addSignalListener(signal: StopSignal, handler: () => void): void;
}

interface NodeStream {
  isTTY?: boolean;
  write(s: string | Uint8Array, cb: (err?: Error | null) => void): boolean;
  on(event: "error", listener: (err: Error) => void): unknown;
}

interface ProcessLike {
  argv: string[];
  stdin: AsyncIterable<Uint8Array>;
  stdout: NodeStream;
  stderr: NodeStream;
  env: Record<string, string | undefined>;
  exit(code: number): never;
  on(event: StopSignal, listener: () => void): unknown;
}

/** The command line's view of the runtime: its arguments, its I/O and a way out. */
export interface CliRuntime extends CliIo {
  /** The arguments after the script's name. */
  readonly args: readonly string[];
  /** Ends the process with `code`; call it once output has been written. */
  exit(code: number): never;
  /**
   * Standard input as bytes. Every chunk is a buffer of its own, never reused, so a command may
   * keep views into it (the producer holds record values as views until they are sent).
   */
  stdin(): ReadableStream<Uint8Array>;
  /**
   * Writes raw bytes to standard output, for output that need not be text (record values).
   * Resolves once they are written, so the caller may reuse the buffer; resolves `false` when
   * the reader has gone away (`kanal consume … | head -1`), so the command can stop.
   */
  stdoutBytes(bytes: Uint8Array): Promise<boolean>;
  /**
   * A signal that aborts on the first SIGINT or SIGTERM, so a command that runs until
   * interrupted can close cleanly. Asking for it replaces the runtime's default of dying at
   * once; a second signal still ends the process at once, with code 130.
   */
  interrupted(): AbortSignal;
}

/** The running runtime, Deno first (it also has a `process`), then Node or Bun. */
export function cliRuntime(): CliRuntime {
  const deno = (globalThis as { Deno?: DenoLike }).Deno;
  if (deno !== undefined) return denoRuntime(deno);
  const proc = (globalThis as { process?: ProcessLike }).process;
  if (proc !== undefined) return processRuntime(proc);
  throw new TypeError(
    "Cannot run the kanal command line as this runtime has neither Deno nor process",
  );
}

/**
 * An AbortSignal for the first stop signal, made on first use; `listen` installs a handler for
 * one signal. A second signal exits at once: a close that hangs must not trap the user.
 */
function stopSignal(
  listen: (signal: StopSignal, handler: () => void) => void,
  exit: (code: number) => never,
): () => AbortSignal {
  let controller: AbortController | undefined;
  return () => {
    if (controller === undefined) {
      const c = new AbortController();
      controller = c;
      const handler = (): void => {
        if (c.signal.aborted) exit(130);
        c.abort(new DOMException("Interrupted", "AbortError"));
      };
      for (const s of STOP_SIGNALS) listen(s, handler);
    }
    return controller.signal;
  };
}

function denoRuntime(deno: DenoLike): CliRuntime {
  const encoder = new TextEncoder();
  const writeBytes = async (w: DenoLike["stdout"], bytes: Uint8Array): Promise<boolean> => {
    try {
      while (bytes.length > 0) bytes = bytes.subarray(await w.write(bytes));
      return true;
    } catch {
      // A reader that went away (`kanal metadata | head -1`) is not our failure.
      return false;
    }
  };
  const writeAll = async (w: DenoLike["stdout"], text: string): Promise<void> => {
    await writeBytes(w, encoder.encode(text));
  };
  return {
    args: deno.args,
    stdout: (text) => writeAll(deno.stdout, text),
    stdoutBytes: (bytes) => writeBytes(deno.stdout, bytes),
    interrupted: stopSignal((s, h) => deno.addSignalListener(s, h), (code) => deno.exit(code)),
    stderr: (text) => writeAll(deno.stderr, text),
    stderrIsTerminal: () => deno.stderr.isTerminal(),
    env: (name) => {
      try {
        return deno.env.get(name);
      } catch {
        return undefined; // No --allow-env: as if unset.
      }
    },
    exit: (code) => deno.exit(code),
    stdin: () => deno.stdin.readable,
  };
}

function processRuntime(proc: ProcessLike): CliRuntime {
  // Without a listener a closed pipe's EPIPE would crash the process; the write callbacks
  // still report it, and a reader that went away is not our failure.
  proc.stdout.on("error", () => {});
  proc.stderr.on("error", () => {});
  const write = (s: NodeStream, text: string): Promise<void> =>
    new Promise((resolve) => s.write(text, () => resolve()));
  return {
    args: proc.argv.slice(2),
    stdout: (text) => write(proc.stdout, text),
    stdoutBytes: (bytes) =>
      new Promise((resolve) => proc.stdout.write(bytes, (err) => resolve(!err))),
    interrupted: stopSignal((s, h) => proc.on(s, h), (code) => proc.exit(code)),
    stderr: (text) => write(proc.stderr, text),
    stderrIsTerminal: () => proc.stderr.isTTY === true,
    env: (name) => proc.env[name],
    exit: (code) => proc.exit(code),
    stdin: () => processStdin(proc),
  };
}

function processStdin(proc: ProcessLike): ReadableStream<Uint8Array> {
  // Bun's own stream skips the Node-compatible stream layer; Node has only process.stdin.
  const bun = (globalThis as { Bun?: { stdin: { stream(): ReadableStream<Uint8Array> } } }).Bun;
  if (bun !== undefined) return bun.stdin.stream();
  const it = proc.stdin[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const r = await it.next();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    async cancel() {
      await it.return?.();
    },
  });
}
