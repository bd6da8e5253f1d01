// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * A small flag parser with kcat's habits: one-letter flags that take a value (`-b BROKERS`,
 * `-bBROKERS`), switches that can be grouped (`-Jq`), repeated flags (`-X a=1 -X b=2`), long
 * names (`--brokers=B`, `--brokers B`), `--` to end the flags, and an error for anything unknown.
 *
 * @module
 */

/** One flag a command accepts. */
export interface FlagSpec {
  /** The long name, used as `--name` and as the key to read it back, e.g. `brokers`. */
  readonly name: string;
  /** The one-letter name, used as `-b`. */
  readonly short?: string;
  /** The value's placeholder in help (`BROKERS`); a flag without one is a switch. */
  readonly value?: string;
  /** Whether the flag may be given more than once to collect several values. @default {false} */
  readonly repeatable?: boolean;
  /** One line for the help. */
  readonly description: string;
}

/**
 * A command line that cannot be understood: an unknown flag, a missing value, a missing
 * command. The command line exits with code 2 on it and prints the usage.
 *
 * @example A usage error is an Error with its own name
 * ```ts
 * import { UsageError } from "./args.ts";
 * import assert from "node:assert/strict";
 *
 * const err = new UsageError('Unknown flag "-q"');
 * assert.ok(err instanceof Error);
 * assert.equal(err.name, "UsageError");
 * ```
 */
export class UsageError extends Error {
  /** Makes the error with `message`, which is printed as is. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

/**
 * What {@linkcode parseArgs} found: values by flag name, switches, and the other arguments.
 *
 * @example Read values back by long name
 * ```ts
 * import { parseArgs } from "./args.ts";
 * import assert from "node:assert/strict";
 *
 * const args = parseArgs(["-t", "a", "-t", "b", "-J"], [
 *   { name: "topic", short: "t", value: "TOPIC", repeatable: true, description: "a topic" },
 *   { name: "json", short: "J", description: "print JSON" },
 * ]);
 * assert.deepEqual(args.all("topic"), ["a", "b"]);
 * assert.equal(args.has("json"), true);
 * assert.equal(args.get("brokers"), undefined);
 * ```
 */
export class ParsedArgs {
  readonly #values: ReadonlyMap<string, readonly string[]>;
  readonly #switches: ReadonlySet<string>;
  /** Arguments that are not flags, in order (and everything after `--`). */
  readonly positionals: readonly string[];

  /** Makes the result; {@linkcode parseArgs} is the usual way to get one. */
  constructor(
    values: ReadonlyMap<string, readonly string[]>,
    switches: ReadonlySet<string>,
    positionals: readonly string[],
  ) {
    this.#values = values;
    this.#switches = switches;
    this.positionals = positionals;
  }

  /** The value of flag `name`, or `undefined` when it was not given. */
  get(name: string): string | undefined {
    return this.#values.get(name)?.at(-1);
  }

  /** Every value given for flag `name`, in order; empty when it was not given. */
  all(name: string): readonly string[] {
    return this.#values.get(name) ?? [];
  }

  /** Whether flag `name` (a switch or a flag with a value) was given. */
  has(name: string): boolean {
    return this.#switches.has(name) || this.#values.has(name);
  }
}

/**
 * Parses `argv` against `flags`.
 *
 * @throws {UsageError} for a flag not in `flags`, a flag missing its value, a switch given a
 * value, or a non-repeatable flag given twice with different values.
 *
 * @example kcat-style flags
 * ```ts
 * import { parseArgs } from "./args.ts";
 * import assert from "node:assert/strict";
 *
 * const flags = [
 *   { name: "brokers", short: "b", value: "BROKERS", description: "bootstrap brokers" },
 *   { name: "config", short: "X", value: "KEY=VALUE", repeatable: true, description: "option" },
 *   { name: "json", short: "J", description: "print JSON" },
 * ];
 * const args = parseArgs(["-b127.0.0.1:9092", "-X", "client.id=me", "--json", "extra"], flags);
 * assert.equal(args.get("brokers"), "127.0.0.1:9092");
 * assert.deepEqual(args.all("config"), ["client.id=me"]);
 * assert.equal(args.has("json"), true);
 * assert.deepEqual(args.positionals, ["extra"]);
 * assert.throws(() => parseArgs(["-q"], flags), { name: "UsageError" });
 * ```
 */
export function parseArgs(argv: readonly string[], flags: readonly FlagSpec[]): ParsedArgs {
  const byShort = new Map<string, FlagSpec>();
  const byLong = new Map<string, FlagSpec>();
  for (const f of flags) {
    if (f.short !== undefined) {
      if (f.short.length !== 1) {
        throw new RangeError(
          `Cannot use flag "${f.name}" as its short name must be one letter: current value is "${f.short}"`,
        );
      }
      byShort.set(f.short, f);
    }
    byLong.set(f.name, f);
  }
  const values = new Map<string, string[]>();
  const switches = new Set<string>();
  const positionals: string[] = [];

  const setValue = (f: FlagSpec, shown: string, v: string): void => {
    const list = values.get(f.name);
    if (list === undefined) values.set(f.name, [v]);
    else if (f.repeatable) list.push(v);
    // Different values for a one-value flag are a mistake worth saying; the same one twice is not.
    else if (list[0] !== v) {
      throw new UsageError(
        `Cannot use flag ${shown} twice as it takes one value: current values are "${
          list[0]
        }" and "${v}"`,
      );
    }
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const f = byLong.get(name);
      if (f === undefined) throw new UsageError(`Unknown flag "--${name}"`);
      if (f.value === undefined) {
        if (eq >= 0) {
          throw new UsageError(
            `Cannot read flag "--${name}" as it takes no value: current value is "${
              arg.slice(eq + 1)
            }"`,
          );
        }
        switches.add(f.name);
      } else if (eq >= 0) {
        setValue(f, `"--${name}"`, arg.slice(eq + 1));
      } else {
        const v = argv[++i];
        if (v === undefined) throw missingValue(`--${name}`, f);
        setValue(f, `"--${name}"`, v);
      }
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) {
      // A cluster of one-letter flags: switches until the first flag that takes a value, which
      // takes the rest of the cluster, or the next argument, as getopt does.
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j]!;
        const f = byShort.get(letter);
        if (f === undefined) {
          throw new UsageError(
            `Unknown flag "-${letter}"${arg.length > 2 ? ` (in "${arg}")` : ""}`,
          );
        }
        if (f.value === undefined) {
          switches.add(f.name);
          continue;
        }
        let v: string | undefined = arg.slice(j + 1);
        if (v === "") v = argv[++i];
        if (v === undefined) throw missingValue(`-${letter}`, f);
        setValue(f, `"-${letter}"`, v);
        break;
      }
      continue;
    }
    positionals.push(arg);
  }
  return new ParsedArgs(values, switches, positionals);
}

/**
 * The help lines for `flags`, one per flag, aligned: `  -b, --brokers BROKERS  Bootstrap …`.
 *
 * @example
 * ```ts
 * import { formatFlags } from "./args.ts";
 * import assert from "node:assert/strict";
 *
 * const text = formatFlags([
 *   { name: "brokers", short: "b", value: "BROKERS", description: "Bootstrap brokers" },
 *   { name: "json", short: "J", description: "Print JSON" },
 * ]);
 * assert.equal(
 *   text,
 *   "  -b, --brokers BROKERS  Bootstrap brokers\n" +
 *     "  -J, --json             Print JSON",
 * );
 * ```
 */
export function formatFlags(flags: readonly FlagSpec[]): string {
  const heads = flags.map((f) =>
    `  ${f.short !== undefined ? `-${f.short}, ` : "    "}--${f.name}${
      f.value !== undefined ? ` ${f.value}` : ""
    }`
  );
  const width = Math.max(0, ...heads.map((h) => h.length));
  return flags.map((f, i) => `${heads[i]!.padEnd(width)}  ${f.description}`).join("\n");
}

function missingValue(shown: string, f: FlagSpec): UsageError {
  return new UsageError(`Cannot read flag "${shown}" as it needs a value (${f.value})`);
}
