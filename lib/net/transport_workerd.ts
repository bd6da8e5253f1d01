// Copyright 2026 the kanal authors. MIT license.
// The only file that names workerd's socket API.
/**
 * Broker sockets on Cloudflare Workers and workerd: `connect()` from `cloudflare:sockets`.
 *
 * Workers limits apply: sockets must be opened inside a request (or alarm, queue, scheduled)
 * handler and not shared across requests, and a request may hold only a few at once.
 *
 * @module
 */

import { checkDial, guardDial, refuseTlsOptions } from "./_dial.ts";
import { PullSocket } from "./_pull_socket.ts";
import type { BrokerSocket, DialOptions } from "./transport.ts";

// Just the part of `cloudflare:sockets` used here.
interface CfSocket {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly opened: Promise<unknown>;
  close(): Promise<void>;
}
interface CfSockets {
  connect(
    address: { hostname: string; port: number },
    options: { secureTransport: "on" | "off"; allowHalfOpen: boolean },
  ): CfSocket;
}

// Held in a variable so that Deno, Bun and bundlers do not try to resolve a module only
// workerd has when they load or check this file.
const SOCKETS_MODULE = "cloudflare:sockets";
let sockets: Promise<CfSockets> | undefined;

/**
 * Opens a broker socket with workerd's `connect()`. With `tls`, the socket speaks TLS from the
 * start (`secureTransport: "on"`), checked against workerd's roots with the host as the server
 * name; `serverName`, `caCerts`, `cert` and `key` have no workerd counterpart and make the dial
 * reject with a `TypeError`.
 *
 * @example Options workerd cannot honour are refused before any connect
 * ```ts
 * import { workerdTransport } from "./transport_workerd.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   workerdTransport({ host: "b1", port: 9093, tls: { caCerts: ["-----BEGIN CERTIFICATE-----"] } }),
 *   TypeError,
 * );
 * ```
 */
export function workerdTransport(options: DialOptions): Promise<BrokerSocket> {
  try {
    const dial = checkDial(options);
    const { host, port, tls } = dial;
    refuseTlsOptions("workerd", tls, ["serverName", "caCerts", "cert", "key"]);
    return guardDial(dial, async (signal) => {
      const { connect } = await (sockets ??= import(SOCKETS_MODULE) as Promise<CfSockets>);
      const socket = connect({ hostname: host, port }, {
        secureTransport: tls ? "on" : "off",
        allowHalfOpen: false,
      });
      const onAbort = (): void => void socket.close().catch(() => {});
      signal.addEventListener("abort", onAbort, { once: true });
      try {
        await socket.opened;
      } catch (e) {
        socket.close().catch(() => {});
        throw e;
      } finally {
        signal.removeEventListener("abort", onAbort);
      }
      return new PullSocket(host, port, socket);
    }, (s) => void s.close());
  } catch (e) {
    return Promise.reject(e);
  }
}
