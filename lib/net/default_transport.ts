// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The socket adapter for the runtime kanal runs on.
 *
 * @module
 */

import { detectRuntime, type Runtime } from "./runtime.ts";
import type { Transport } from "./transport.ts";

/**
 * One loader per runtime. Each imports its adapter on demand, so a runtime never loads (or
 * resolves the imports of) another runtime's file.
 */
const LOADERS: Readonly<Record<Exclude<Runtime, "other">, () => Promise<Transport>>> = {
  deno: async () => (await import("./transport_deno.ts")).denoTransport,
  bun: async () => (await import("./transport_bun.ts")).bunTransport,
  workerd: async () => (await import("./transport_workerd.ts")).workerdTransport,
  node: async () => (await import("./transport_node.ts")).nodeTransport,
};

/**
 * Returns the transport for `runtime` (default: the one detected). A transport given to the
 * client always wins over this one; on a runtime kanal does not know this rejects with a
 * `TypeError` saying so.
 *
 * @example The default transport is a function that dials
 * ```ts
 * import { defaultTransport } from "./default_transport.ts";
 * import assert from "node:assert/strict";
 *
 * const transport = await defaultTransport();
 * assert.equal(typeof transport, "function");
 * await assert.rejects(defaultTransport("other"), TypeError);
 * ```
 */
export function defaultTransport(runtime: Runtime = detectRuntime()): Promise<Transport> {
  const load = runtime === "other" ? undefined : LOADERS[runtime];
  if (!load) {
    return Promise.reject(
      new TypeError(
        "Cannot pick a transport as the runtime is not Deno, Bun, workerd or Node: " +
          `current value is ${runtime}; pass a transport to the client`,
      ),
    );
  }
  return load();
}
