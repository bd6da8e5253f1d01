// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Options checked when a client, producer or consumer is made: an unknown option or a bad value
 * is an error that names the option and says what is allowed, never a surprise later.
 *
 * @module
 */

/** How one option is checked. */
export type OptionSpec =
  | { type: "number"; min?: number; max?: number; integer?: boolean; doc?: string }
  | { type: "string"; oneOf?: readonly string[]; nonEmpty?: boolean; doc?: string }
  | { type: "boolean"; doc?: string }
  | { type: "function"; doc?: string }
  | { type: "object"; doc?: string }
  | { type: "array"; of?: "string" | "object"; nonEmpty?: boolean; doc?: string }
  | { type: "signal"; doc?: string };

/** A schema: one spec per option name. */
export type OptionSchema = Readonly<Record<string, OptionSpec>>;

/**
 * Checks `input` against `schema` and returns it with `defaults` filled in.
 *
 * @param what names the thing being configured in messages, e.g. `Client`.
 * @throws {TypeError} for an unknown option (with the nearest known name) or a value of the
 * wrong type.
 * @throws {RangeError} for a value outside what is allowed.
 *
 * @example An unknown option names the one meant
 * ```ts
 * import { validateOptions } from "./validate_options.ts";
 * import assert from "node:assert/strict";
 *
 * const schema = { requestTimeoutMs: { type: "number", min: 1 } } as const;
 * assert.throws(
 *   () => validateOptions("Client", schema, { requestTimeoutMS: 5 } as never, { requestTimeoutMs: 30000 }),
 *   /Unknown Client option "requestTimeoutMS": did you mean "requestTimeoutMs"/,
 * );
 * assert.equal(validateOptions("Client", schema, {}, { requestTimeoutMs: 30000 }).requestTimeoutMs, 30000);
 * ```
 */
export function validateOptions<T extends object>(
  what: string,
  schema: OptionSchema,
  input: Partial<T> | undefined,
  defaults: T,
): T {
  if (input !== undefined && (typeof input !== "object" || input === null)) {
    throw new TypeError(
      `Cannot read ${what} options as they are not an object: current value is ${show(input)}`,
    );
  }
  const out = { ...defaults } as Record<string, unknown>;
  for (const [key, value] of Object.entries(input ?? {})) {
    const spec = schema[key];
    if (spec === undefined) {
      const near = nearest(key, Object.keys(schema));
      throw new TypeError(
        `Unknown ${what} option "${key}"${near ? `: did you mean "${near}"?` : ""} ` +
          `(known: ${Object.keys(schema).join(", ")})`,
      );
    }
    if (value === undefined) continue;
    checkValue(what, key, spec, value);
    out[key] = value;
  }
  return out as T;
}

function checkValue(what: string, key: string, spec: OptionSpec, value: unknown): void {
  const name = `${what} option "${key}"`;
  switch (spec.type) {
    case "number": {
      if (typeof value !== "number" || Number.isNaN(value)) {
        throw new TypeError(
          `Cannot use ${name} as it must be a number: current value is ${show(value)}`,
        );
      }
      if (spec.integer !== false && !Number.isInteger(value) && Number.isFinite(value)) {
        throw new RangeError(
          `Cannot use ${name} as it must be a whole number: current value is ${value}`,
        );
      }
      if (
        (spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)
      ) {
        throw new RangeError(
          `Cannot use ${name} as it must be ${
            range(spec.min, spec.max)
          }: current value is ${value}`,
        );
      }
      return;
    }
    case "string": {
      if (typeof value !== "string") {
        throw new TypeError(
          `Cannot use ${name} as it must be a string: current value is ${show(value)}`,
        );
      }
      if (spec.oneOf && !spec.oneOf.includes(value)) {
        throw new RangeError(
          `Cannot use ${name} as it must be one of ${
            spec.oneOf.map((s) => `"${s}"`).join(", ")
          }: ` +
            `current value is "${value}"`,
        );
      }
      if (spec.nonEmpty && value.length === 0) {
        throw new RangeError(`Cannot use ${name} as it must not be empty`);
      }
      return;
    }
    case "boolean":
      if (typeof value !== "boolean") {
        throw new TypeError(
          `Cannot use ${name} as it must be true or false: current value is ${show(value)}`,
        );
      }
      return;
    case "function":
      if (typeof value !== "function") {
        throw new TypeError(
          `Cannot use ${name} as it must be a function: current value is ${show(value)}`,
        );
      }
      return;
    case "object":
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new TypeError(
          `Cannot use ${name} as it must be an object: current value is ${show(value)}`,
        );
      }
      return;
    case "array": {
      if (!Array.isArray(value)) {
        throw new TypeError(
          `Cannot use ${name} as it must be an array: current value is ${show(value)}`,
        );
      }
      if (spec.nonEmpty && value.length === 0) {
        throw new RangeError(`Cannot use ${name} as it must not be empty`);
      }
      if (spec.of && value.some((v) => typeof v !== spec.of)) {
        throw new TypeError(
          `Cannot use ${name} as it must hold only ${spec.of}s: current value is ${show(value)}`,
        );
      }
      return;
    }
    case "signal":
      if (!(value instanceof AbortSignal)) {
        throw new TypeError(
          `Cannot use ${name} as it must be an AbortSignal: current value is ${show(value)}`,
        );
      }
      return;
  }
}

function range(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return `between ${min} and ${max}`;
  if (min !== undefined) return `at least ${min}`;
  return `at most ${max}`;
}

function show(v: unknown): string {
  if (typeof v === "string") return `"${v}"`;
  if (typeof v === "function") return "a function";
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** The known name closest to `name` by edit distance, if any is close enough to be a typo. */
function nearest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const k of known) {
    const d = distance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        prev[j]! + 1,
        cur[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length]!;
}
