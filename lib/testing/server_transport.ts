// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The runtime-neutral contract for listening on a TCP port: the server-side twin of
 * `lib/net/transport.ts`. Each runtime's adapter (`server_transport_deno.ts`,
 * `server_transport_bun.ts`, `server_transport_node.ts`) implements it; workerd cannot listen,
 * so there the fake cluster runs over its in-memory transport only.
 *
 * @module
 */

import type { BrokerSocket } from "../net/transport.ts";

/** Where to listen and whom to hand each accepted connection. */
export interface ListenOptions {
  /** The address to bind, e.g. `127.0.0.1`. */
  host: string;
  /** The port; 0 picks a free one. */
  port: number;
  /** Called with each accepted connection; the callee owns it from then on. */
  onConnection(socket: BrokerSocket): void;
}

/** A listening socket. */
export interface ServerListener {
  /** The port bound (the one picked, when 0 was asked for). */
  readonly port: number;
  /** Stops accepting; connections already accepted are left to their owners. */
  close(): Promise<void>;
}

/**
 * Starts listening. Rejects when the port cannot be bound.
 *
 * @example A listener that refuses everything, as a test double
 * ```ts
 * import type { ServerTransport } from "./server_transport.ts";
 * import assert from "node:assert/strict";
 *
 * const none: ServerTransport = () => Promise.reject(new TypeError("cannot listen here"));
 * await assert.rejects(none({ host: "127.0.0.1", port: 0, onConnection() {} }), TypeError);
 * ```
 */
export type ServerTransport = (options: ListenOptions) => Promise<ServerListener>;
