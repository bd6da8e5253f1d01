// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The listening adapter for the runtime kanal runs on.
 *
 * @module
 */

import { detectRuntime, type Runtime } from "../net/runtime.ts";
import type { ServerTransport } from "./server_transport.ts";

/**
 * Returns the server transport for `runtime` (default: the one detected). workerd and unknown
 * runtimes cannot listen: this rejects with a `TypeError` that points at the in-memory
 * transport.
 *
 * @example Listening is not offered on workerd
 * ```ts
 * import { defaultServerTransport } from "./default_server_transport.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(defaultServerTransport("workerd"), TypeError);
 * assert.equal(typeof await defaultServerTransport("node"), "function");
 * ```
 */
export async function defaultServerTransport(
  runtime: Runtime = detectRuntime(),
): Promise<ServerTransport> {
  switch (runtime) {
    case "deno":
      return (await import("./server_transport_deno.ts")).denoServerTransport;
    case "bun":
      return (await import("./server_transport_bun.ts")).bunServerTransport;
    case "node":
      return (await import("./server_transport_node.ts")).nodeServerTransport;
    default:
      throw new TypeError(
        `Cannot listen as the runtime cannot open server sockets: current value is ${runtime}; use the fake cluster's in-memory transport`,
      );
  }
}
