// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The `kanal` dispatcher: finds the command (by name, or by kcat's mode letter such as `-L`),
 * parses its flags, runs it, and turns what went wrong into one line on stderr and an exit code.
 *
 * @module
 */

import { KANAL_VERSION } from "../net/version.ts";
import { type FlagSpec, formatFlags, parseArgs, UsageError } from "./args.ts";
import type { CliIo, Command } from "./command.ts";
import { KafkaError } from "../protocol/kafka_error.ts";

/** `-h`/`--help`, which every command accepts. */
const HELP: FlagSpec = { name: "help", short: "h", description: "Print this help" };

/**
 * Runs the command line `argv` (the arguments after the program) with `commands` and resolves
 * with the exit code: 0 for success, 1 when the command failed (a broker error, an unreachable
 * cluster, an unknown topic), 2 for a command line that cannot be understood (usage on stderr).
 * `kanal --help` and `kanal <command> --help` print usage on stdout.
 *
 * A command is named first (`kanal metadata -b …`) or by its kcat letter anywhere among the
 * flags (`kanal -b … -L`).
 *
 * @example An unknown flag is a usage error
 * ```ts
 * import { runCli } from "./run_cli.ts";
 * import type { Command } from "./command.ts";
 * import assert from "node:assert/strict";
 *
 * const hello: Command = {
 *   name: "hello", alias: "H", summary: "Say hello", usage: "kanal hello", flags: [],
 *   run: async (_args, io) => (await io.stdout("hello\n"), 0),
 * };
 * let out = "", err = "";
 * const io = {
 *   stdout: async (s: string) => void (out += s),
 *   stderr: async (s: string) => void (err += s),
 *   env: () => undefined,
 * };
 * assert.equal(await runCli(["-H"], [hello], io), 0);
 * assert.equal(out, "hello\n");
 * assert.equal(await runCli(["hello", "-q"], [hello], io), 2);
 * assert.match(err, /Unknown flag "-q"/);
 * ```
 */
export async function runCli(
  argv: readonly string[],
  commands: readonly Command[],
  io: CliIo,
): Promise<number> {
  let command: Command | undefined;
  try {
    const found = findCommand(argv, commands);
    if (found === "help") {
      await io.stdout(mainUsage(commands));
      return 0;
    }
    if (found === "version") {
      await io.stdout(`kanal ${KANAL_VERSION}\n`);
      return 0;
    }
    command = found.command;
    const args = parseArgs(found.rest, [...command.flags, HELP]);
    if (args.has("help")) {
      await io.stdout(commandUsage(command));
      return 0;
    }
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      await io.stderr(
        `kanal${command ? ` ${command.name}` : ""}: ${e.message}\n\n` +
          (command ? commandUsage(command) : mainUsage(commands)),
      );
      return 2;
    }
    // Bad option values: the client's validation names the option and what it allows.
    if (e instanceof TypeError || e instanceof RangeError) {
      await io.stderr(
        `kanal: ${e.message}\nRun "kanal${
          command ? ` ${command.name}` : ""
        } --help" for the flags.\n`,
      );
      return 2;
    }
    // A KafkaError's message starts with its error name, e.g. "NETWORK_EXCEPTION: Cannot …".
    const message = e instanceof KafkaError
      ? e.message
      : e instanceof Error
      ? `${e.name}: ${e.message}`
      : String(e);
    await io.stderr(`kanal: ${message.replaceAll("\n", " ")}\n`);
    return 1;
  }
}

function findCommand(
  argv: readonly string[],
  commands: readonly Command[],
): { command: Command; rest: readonly string[] } | "help" | "version" {
  const first = argv[0];
  if (first === undefined) throw new UsageError("Cannot run as no command is given");
  if (first === "-h" || first === "--help" || first === "help") return "help";
  if (first === "-V" || first === "--version") return "version";
  const named = commands.find((c) => c.name === first);
  if (named) return { command: named, rest: argv.slice(1) };
  // kcat's habit: the mode letter may stand anywhere among the flags (before `--`).
  const end = argv.indexOf("--");
  for (let i = 0; i < (end < 0 ? argv.length : end); i++) {
    const byLetter = commands.find((c) => c.alias !== undefined && argv[i] === `-${c.alias}`);
    if (byLetter) return { command: byLetter, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  if (!first.startsWith("-")) throw new UsageError(`Unknown command "${first}"`);
  throw new UsageError(
    `Cannot run as no command is given: name one first, or use kcat's ${
      commands.filter((c) => c.alias).map((c) => `-${c.alias}`).join("/")
    }`,
  );
}

function mainUsage(commands: readonly Command[]): string {
  const width = Math.max(0, ...commands.map((c) => c.name.length));
  const letters = commands.filter((c) => c.alias).map((c) => `-${c.alias}`).join("|");
  return [
    "Usage: kanal <command> [flags]",
    ...(letters
      ? [`       kanal ${letters} [flags]   (kcat's mode letters name commands too)`]
      : []),
    "",
    "Kafka from the command line, with kcat's habits.",
    "",
    "  -V, --version  Print kanal's version",
    "",
    "Commands:",
    ...commands.map((c) =>
      `  ${c.name.padEnd(width)}  ${c.alias ? `-${c.alias}` : "  "}  ${c.summary}`
    ),
    "",
    'Run "kanal <command> --help" for its flags.',
    "",
  ].join("\n");
}

function commandUsage(command: Command): string {
  return [
    `Usage: ${command.usage}`,
    ...(command.alias
      ? [`       ${command.usage.replace(`kanal ${command.name}`, `kanal -${command.alias}`)}`]
      : []),
    "",
    `${command.summary}.`,
    "",
    "Flags:",
    formatFlags([...command.flags, HELP]),
    "",
  ].join("\n");
}
