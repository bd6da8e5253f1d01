// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * KafkaJS's logger: levels, namespaces, `logCreator`, and its default JSON lines on the
 * console.
 *
 * @module
 */

import { logLevel } from "./constants.ts";

/** One log entry, as KafkaJS hands it to a log function. */
export interface LogEntry {
  /** The namespace (e.g. `Producer`), or empty. */
  namespace: string;
  /** The level's number. */
  level: logLevel;
  /** The level's name. */
  label: string;
  /** The entry: timestamp, logger name, message and any extra fields. */
  log: { timestamp: string; logger: string; message: string; [key: string]: unknown };
}

/** KafkaJS's `logCreator`: given the level, returns the function that writes each entry. */
export type logCreator = (level: logLevel) => (entry: LogEntry) => void;

/** KafkaJS's logger. */
export interface Logger {
  /** Logs at INFO. */
  info(message: string, extra?: Record<string, unknown>): void;
  /** Logs at ERROR. */
  error(message: string, extra?: Record<string, unknown>): void;
  /** Logs at WARN. */
  warn(message: string, extra?: Record<string, unknown>): void;
  /** Logs at DEBUG. */
  debug(message: string, extra?: Record<string, unknown>): void;
  /** A logger for `namespace`, at `level` or the parent's. */
  namespace(namespace: string, level?: logLevel): Logger;
  /** Sets the level of this logger and of the namespaces that follow it. */
  setLogLevel(level: logLevel): void;
}

const LABELS: Record<number, string> = { 1: "ERROR", 2: "WARN", 4: "INFO", 5: "DEBUG" };

/**
 * KafkaJS's default log creator: one JSON line per entry on the console (`console.info` for
 * INFO, `console.error` for ERROR, `console.warn` for WARN, `console.log` for DEBUG).
 *
 * @returns The log creator.
 *
 * @example One JSON line
 * ```ts
 * import { consoleLogCreator } from "./logger.ts";
 * import { logLevel } from "./constants.ts";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const original = console.warn;
 * console.warn = (line: string) => lines.push(line);
 * try {
 *   consoleLogCreator()(logLevel.WARN)({
 *     namespace: "Producer",
 *     level: logLevel.WARN,
 *     label: "WARN",
 *     log: { timestamp: "t", logger: "kafkajs", message: "slow" },
 *   });
 * } finally {
 *   console.warn = original;
 * }
 * assert.equal(JSON.parse(lines[0]!).message, "[Producer] slow");
 * ```
 */
export function consoleLogCreator(): logCreator {
  return () => ({ namespace, level, label, log }) => {
    const prefix = namespace ? `[${namespace}] ` : "";
    const line = JSON.stringify({ level: label, ...log, message: `${prefix}${log.message}` });
    if (level === logLevel.ERROR) console.error(line);
    else if (level === logLevel.WARN) console.warn(line);
    else if (level === logLevel.INFO) console.info(line);
    else console.log(line);
  };
}

/**
 * Makes a KafkaJS logger.
 *
 * @param level The level (INFO by default, as KafkaJS's).
 * @param creator Where entries go (KafkaJS's default: JSON lines on the console).
 * @returns The root logger.
 *
 * @example Entries below the level are dropped
 * ```ts
 * import { createLogger } from "./logger.ts";
 * import { logLevel } from "./constants.ts";
 * import assert from "node:assert/strict";
 *
 * const seen: string[] = [];
 * const log = createLogger(logLevel.WARN, () => (e) => seen.push(e.label + " " + e.log.message));
 * log.info("hidden");
 * log.namespace("Consumer").error("shown");
 * assert.deepEqual(seen, ["ERROR shown"]);
 * ```
 */
export function createLogger(
  level: logLevel = logLevel.INFO,
  creator: logCreator = consoleLogCreator(),
): Logger {
  let current: logLevel = level;
  const write = creator(level);
  const make = (namespace: string, own: logLevel | undefined): Logger => {
    const at = (n: logLevel) => (message: string, extra: Record<string, unknown> = {}) => {
      if (n > (own ?? current)) return;
      write({
        namespace,
        level: n,
        label: LABELS[n]!,
        log: { timestamp: new Date().toISOString(), logger: "kafkajs", message, ...extra },
      });
    };
    return {
      info: at(logLevel.INFO),
      error: at(logLevel.ERROR),
      warn: at(logLevel.WARN),
      debug: at(logLevel.DEBUG),
      namespace: (ns, nsLevel) => make(ns, nsLevel),
      setLogLevel: (n) => {
        current = n;
      },
    };
  };
  return make("", undefined);
}
