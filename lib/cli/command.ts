// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * What a command of the `kanal` command line is, and what it is given to talk to the world.
 *
 * @module
 */

import type { FlagSpec, ParsedArgs } from "./args.ts";

/**
 * The outside world as a command sees it. The runtime's own version comes from `_runtime.ts`;
 * tests pass their own to capture output.
 */
export interface CliIo {
  /** Writes text to standard output; resolves once it is written. */
  stdout(text: string): Promise<void>;
  /** Writes text to standard error; resolves once it is written. */
  stderr(text: string): Promise<void>;
  /** Reads an environment variable. */
  env(name: string): string | undefined;
  /** Whether standard error is a terminal (progress lines go there only then). @default {false} */
  stderrIsTerminal?(): boolean;
}

/**
 * One command: `kanal <name> …`, or with kcat's mode letter (`kanal -L …`). Commands live in
 * `lib/cli/<name>_command.ts`; `cli.ts` lists them.
 *
 * @example A command that prints its flags
 * ```ts
 * import type { Command } from "./command.ts";
 * import { parseArgs } from "./args.ts";
 * import assert from "node:assert/strict";
 *
 * const echo: Command = {
 *   name: "echo",
 *   summary: "Print the topic",
 *   usage: "kanal echo -t TOPIC",
 *   flags: [{ name: "topic", short: "t", value: "TOPIC", description: "The topic" }],
 *   async run(args, io) {
 *     await io.stdout(`${args.get("topic")}\n`);
 *     return 0;
 *   },
 * };
 * let out = "";
 * const io = { stdout: async (s: string) => void (out += s), stderr: async () => {}, env: () => undefined };
 * assert.equal(await echo.run(parseArgs(["-t", "orders"], echo.flags), io), 0);
 * assert.equal(out, "orders\n");
 * ```
 */
export interface Command {
  /** The name typed after `kanal`, e.g. `metadata`. */
  readonly name: string;
  /** kcat's mode letter for the same job, e.g. `L` for `-L`. */
  readonly alias?: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The synopsis, e.g. `kanal metadata -b BROKERS [-t TOPIC] [-J]`. */
  readonly usage: string;
  /** The flags it accepts; `-h`/`--help` is added for every command. */
  readonly flags: readonly FlagSpec[];
  /**
   * Does the work and resolves with the exit code (0 for success, 1 when it failed).
   *
   * @throws {UsageError} (exit code 2) for arguments that make no sense together.
   */
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}
