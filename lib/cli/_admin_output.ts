// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * What the admin commands (`kanal topic|group|acl|cluster|user|quota|transaction|partition`)
 * share: their common flags, a connected admin, subcommand dispatch, and printing results as a
 * table (default) or JSON, with one stderr line per failed item and exit code 1 when any failed.
 *
 * @module
 */

import { Client } from "../client/client.ts";
import { Admin } from "../admin/admin.ts";
import { AdminError, type ItemResult } from "../admin/admin_error.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { type FlagSpec, type ParsedArgs, UsageError } from "./args.ts";
import { CLIENT_FLAGS, clientOptionsFromArgs } from "./client_options.ts";
import type { CliIo, Command } from "./command.ts";

/** `--format`, which every admin command accepts. */
export const FORMAT_FLAG: FlagSpec = {
  name: "format",
  value: "table|json",
  description: "Output format (default: table)",
};

/** A subcommand: its name, synopsis and work. */
export interface Subcommand {
  /** The word after the command, e.g. `create`. */
  readonly name: string;
  /** Its synopsis after `kanal <command> <name>`, e.g. `NAME... [-p N]`. */
  readonly usage: string;
  /** One line for the help. */
  readonly summary: string;
  /** Does the work with a connected admin and the positionals after the subcommand. */
  run(admin: Admin, args: ParsedArgs, rest: readonly string[], out: Output): Promise<void>;
}

/** How a subcommand prints: rows for the table, values for JSON, and failed items. */
export class Output {
  readonly #json: boolean;
  readonly #io: CliIo;
  #failed = 0;

  /** Prints to `io` in `format`. */
  constructor(io: CliIo, format: string | undefined) {
    if (format !== undefined && format !== "table" && format !== "json") {
      throw new UsageError(
        `Cannot use --format as it must be table or json: current value is "${format}"`,
      );
    }
    this.#json = format === "json";
    this.#io = io;
  }

  /** Whether JSON is wanted. */
  get json(): boolean {
    return this.#json;
  }

  /** How many items failed. */
  get failed(): number {
    return this.#failed;
  }

  /** Prints `rows` under `headers` as an aligned table, or `json` as JSON. */
  async print(
    headers: readonly string[],
    rows: readonly (readonly unknown[])[],
    json: unknown,
  ): Promise<void> {
    if (this.#json) {
      await this.#io.stdout(`${toJson(json)}\n`);
      return;
    }
    await this.#io.stdout(table(headers, rows));
  }

  /** Prints a line (table mode only). */
  async line(text: string): Promise<void> {
    if (!this.#json) await this.#io.stdout(`${text}\n`);
  }

  /** Reports one failed item on stderr: `kanal: NAME: ERROR`. */
  async fail(name: string, error: Error): Promise<void> {
    this.#failed++;
    await this.#io.stderr(`kanal: ${name}: ${error.message.replaceAll("\n", " ")}\n`);
  }

  /**
   * Reports each failed result on stderr and returns the successes with their names; with
   * `json`, failures also appear in `--format json` output via {@linkcode resultsJson}.
   */
  async settle<T>(results: readonly ItemResult<T>[]): Promise<{ name: string; value: T }[]> {
    const out: { name: string; value: T }[] = [];
    for (const r of results) {
      if (r.error) await this.fail(r.name, r.error);
      else out.push({ name: r.name, value: r.value as T });
    }
    return out;
  }
}

/** Every result as JSON: `{ name, value, error }` with the error's name and message. */
export function resultsJson(results: readonly ItemResult<unknown>[]): unknown[] {
  return results.map((r) => ({
    name: r.name,
    value: r.value,
    error: r.error
      ? { code: r.error.code, name: r.error.errorName, message: r.error.message }
      : null,
  }));
}

/** JSON with bigints as numbers when safe (strings otherwise) and errors by name. */
export function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) => {
    if (typeof x === "bigint") {
      return x <= BigInt(Number.MAX_SAFE_INTEGER) && x >= BigInt(Number.MIN_SAFE_INTEGER)
        ? Number(x)
        : x.toString();
    }
    if (x instanceof Uint8Array) return btoa(String.fromCharCode(...x));
    if (x instanceof KafkaError) return { code: x.code, name: x.errorName, message: x.message };
    return x;
  });
}

/**
 * An aligned text table: a header row, then rows; cells are stringified, `null` shows as `-`.
 *
 * @example
 * ```ts
 * import { table } from "./_admin_output.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(table(["NAME", "N"], [["a", 1], ["bb", null]]), "NAME  N\na     1\nbb    -\n");
 * ```
 */
export function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = [headers, ...rows.map((r) => r.map(cell))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  return cells.map((r) =>
    r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd() + "\n"
  ).join("");
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return "-";
  if (Array.isArray(v)) return v.map(cell).join(",");
  return String(v);
}

/** Reads `key=value` flag values into pairs. */
export function keyValues(flag: string, values: readonly string[]): [string, string][] {
  return values.map((kv) => {
    const eq = kv.indexOf("=");
    if (eq <= 0) {
      throw new UsageError(
        `Cannot read --${flag} as it must be key=value: current value is "${kv}"`,
      );
    }
    return [kv.slice(0, eq), kv.slice(eq + 1)];
  });
}

/** Reads an integer flag, or `fallback` when absent. */
export function intFlag(args: ParsedArgs, name: string, fallback?: number): number | undefined {
  const v = args.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v.trim() === "" || !Number.isInteger(n)) {
    throw new UsageError(`Cannot use --${name} as it must be an integer: current value is "${v}"`);
  }
  return n;
}

/** Requires at least one positional. */
export function need(rest: readonly string[], what: string): readonly string[] {
  if (rest.length === 0) throw new UsageError(`Cannot run as no ${what} is given`);
  return rest;
}

/**
 * Makes an admin command: `kanal NAME SUBCOMMAND [args] [flags]`, with the client flags and
 * `--format` besides the command's own.
 *
 * @example A subcommand is required
 * ```ts
 * import { adminCommand } from "./_admin_output.ts";
 * import { parseArgs } from "./args.ts";
 * import assert from "node:assert/strict";
 *
 * const cmd = adminCommand("thing", "Things", [], []);
 * const io = { stdout: async () => {}, stderr: async () => {}, env: () => undefined };
 * await assert.rejects(cmd.run(parseArgs(["-b", "h:1"], cmd.flags), io), /subcommand/);
 * ```
 */
export function adminCommand(
  name: string,
  summary: string,
  flags: readonly FlagSpec[],
  subcommands: readonly Subcommand[],
): Command {
  const width = Math.max(0, ...subcommands.map((s) => s.name.length));
  return {
    name,
    summary: `${summary}: ${subcommands.map((s) => s.name).join(", ")}`,
    usage: `kanal ${name} SUBCOMMAND -b BROKERS [flags]\n\nSubcommands:\n${
      subcommands.map((s) =>
        `  ${s.name.padEnd(width)}  ${s.summary}\n  ${
          " ".repeat(width)
        }  kanal ${name} ${s.name} ${s.usage}`
      ).join("\n")
    }`,
    flags: [...CLIENT_FLAGS, FORMAT_FLAG, ...flags],
    async run(args, io) {
      const [word, ...rest] = args.positionals;
      if (word === undefined) {
        throw new UsageError(
          `Cannot run as no subcommand is given: one of ${
            subcommands.map((s) => s.name).join(", ")
          }`,
        );
      }
      const sub = subcommands.find((s) => s.name === word);
      if (!sub) throw new UsageError(`Unknown subcommand "${word}"`);
      const out = new Output(io, args.get("format"));
      await using client = await Client.connect({
        ...clientOptionsFromArgs(args),
        allowAutoTopicCreation: false,
      });
      try {
        await sub.run(new Admin(client), args, rest, out);
      } catch (e) {
        // A batch that failed as a whole reports each item on its own line.
        if (!(e instanceof AdminError)) throw e;
        for (const r of e.results) if (r.error) await out.fail(r.name, r.error);
      }
      return out.failed > 0 ? 1 : 0;
    },
  };
}
