// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * A pluggable logger with levels, and the redaction that keeps secrets out of every line.
 *
 * @module
 */

/** Log levels, least to most severe. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Fields attached to a log line. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * What kanal logs to; any object with these four methods (console-like loggers, pino, a test
 * array) fits. Fields are already redacted when they arrive.
 */
export interface Logger {
  /** Detail for debugging: every request. */
  debug(message: string, fields?: LogFields): void;
  /** Connections and rebalances. */
  info(message: string, fields?: LogFields): void;
  /** Failures kanal retries. */
  warn(message: string, fields?: LogFields): void;
  /** Failures a user sees. */
  error(message: string, fields?: LogFields): void;
}

const RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

// Field names that may hold a secret, at any depth: SASL passwords, tokens, TLS keys.
const SECRET = /pass|secret|token|credential|auth|private|^key$|^cert$|^sasl$/i;

/**
 * A copy of `fields` with every value under a secret-looking name (password, secret, token,
 * credential, auth…, private key, `sasl`) replaced by `"[redacted]"`, at any depth; errors
 * become their name and message.
 *
 * @example A SASL password never reaches the log
 * ```ts
 * import { redact } from "./logger.ts";
 * import assert from "node:assert/strict";
 *
 * const out = redact({ broker: "b:9092", sasl: { user: "u", password: "hunter2" } });
 * assert.equal(JSON.stringify(out).includes("hunter2"), false);
 * assert.equal(out.broker, "b:9092");
 * ```
 */
export function redact(fields: LogFields): Record<string, unknown> {
  return walk(fields, 0) as Record<string, unknown>;
}

function walk(value: unknown, depth: number): unknown {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (value === null || typeof value !== "object") return value;
  if (depth > 4) return "[…]";
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET.test(k) ? "[redacted]" : walk(v, depth + 1);
  }
  return out;
}

/** Options for {@linkcode consoleLogger}. */
export interface ConsoleLoggerOptions {
  /** Lines below this level are dropped. @default {"info"} */
  level?: LogLevel;
  /** Where lines go. @default {globalThis.console} */
  console?: Pick<Console, "debug" | "info" | "warn" | "error">;
}

/**
 * A {@linkcode Logger} that writes `kanal <level> <message> <json fields>` lines to the
 * console, dropping lines below `level` and redacting fields.
 *
 * @example Only warnings and errors
 * ```ts
 * import { consoleLogger } from "./logger.ts";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const sink = { debug: () => {}, info: (l: string) => lines.push(l), warn: (l: string) => lines.push(l), error: () => {} };
 * const log = consoleLogger({ level: "warn", console: sink });
 * log.info("connected");
 * log.warn("retrying", { token: "abc" });
 * assert.deepEqual(lines, ['kanal warn retrying {"token":"[redacted]"}']);
 * ```
 */
export function consoleLogger(options: ConsoleLoggerOptions = {}): Logger {
  const min = RANK[options.level ?? "info"];
  const out = options.console ?? console;
  const line = (level: LogLevel) => (message: string, fields?: LogFields): void => {
    if (RANK[level] < min) return;
    const f = fields === undefined ? "" : ` ${JSON.stringify(redact(fields))}`;
    out[level](`kanal ${level} ${message}${f}`);
  };
  return { debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") };
}
