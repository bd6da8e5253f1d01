// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Which JavaScript runtime kanal runs on, to pick the socket adapter.
 *
 * @module
 */

/** The runtimes kanal has a socket adapter for, or `"other"`. */
export type Runtime = "deno" | "bun" | "workerd" | "node" | "other";

/** `navigator.userAgent` prefixes, checked first: each runtime sets its own on purpose. */
const USER_AGENTS: readonly (readonly [prefix: string, runtime: Runtime])[] = [
  ["Deno/", "deno"],
  ["Bun/", "bun"],
  ["Cloudflare-Workers", "workerd"],
  ["Node.js/", "node"],
];

/**
 * Globals for runtimes (or versions) without a telling user agent, checked in order: Deno and
 * Bun both define `process` too, so the Node check comes last.
 */
const GLOBALS: readonly (readonly [test: (scope: Scope) => boolean, runtime: Runtime])[] = [
  [(g) => typeof g.Deno?.version?.deno === "string", "deno"],
  [(g) => typeof g.Bun?.version === "string", "bun"],
  [(g) => typeof g.WebSocketPair === "function", "workerd"],
  [(g) => g.process?.release?.name === "node", "node"],
];

/** The globals detection looks at. */
interface Scope {
  navigator?: { userAgent?: unknown };
  Deno?: { version?: { deno?: unknown } };
  Bun?: { version?: unknown };
  WebSocketPair?: unknown;
  process?: { release?: { name?: unknown } };
}

/**
 * Returns the runtime this code runs on: first by `navigator.userAgent` prefix, then by the
 * runtime's own globals, else `"other"`. `scope` is for tests; it defaults to `globalThis`.
 *
 * @example The answer is one of the known names
 * ```ts
 * import { detectRuntime } from "./runtime.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(["deno", "bun", "workerd", "node", "other"].includes(detectRuntime()));
 * assert.equal(detectRuntime({ navigator: { userAgent: "Cloudflare-Workers" } }), "workerd");
 * assert.equal(detectRuntime({}), "other");
 * ```
 */
export function detectRuntime(scope: object = globalThis): Runtime {
  const g = scope as Scope;
  const ua = g.navigator?.userAgent;
  if (typeof ua === "string") {
    for (const [prefix, runtime] of USER_AGENTS) if (ua.startsWith(prefix)) return runtime;
  }
  for (const [test, runtime] of GLOBALS) if (test(g)) return runtime;
  return "other";
}
