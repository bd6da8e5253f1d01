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

import { checkDial, guardDial, refuseTlsOptions, refuseTlsOptOuts } from "./_dial.ts";
import { PullSocket } from "./_pull_socket.ts";
import { ConnectionError } from "./connection_error.ts";
import type { BrokerSocket, DialOptions } from "./transport.ts";

// Just the part of `cloudflare:sockets` used here.
interface CfSocket {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly opened: Promise<unknown>;
  close(): Promise<void>;
  startTls(options?: { expectedServerHostname?: string }): CfSocket;
}
interface CfSockets {
  connect(
    address: { hostname: string; port: number },
    options: { secureTransport: "starttls" | "off"; allowHalfOpen: boolean },
  ): CfSocket;
}

// Held in a variable so that Deno, Bun and bundlers do not try to resolve a module only
// workerd has when they load or check this file.
const SOCKETS_MODULE = "cloudflare:sockets";
let sockets: Promise<CfSockets> | undefined;

/**
 * Opens a broker socket with workerd's `connect()`. With `tls`, the TCP connection is opened
 * first and TLS started on it (`secureTransport: "starttls"`), checked against workerd's roots
 * with the host as the server name: a failed connect is a retriable `ConnectionError`, a failed
 * handshake a non-retriable one (workerd does not tell scripts why a handshake failed, so a
 * certificate it distrusts and a peer that does not speak TLS look alike). `serverName`,
 * `caCerts`, `cert` and `key` have no workerd counterpart and make the dial reject with a
 * `TypeError`.
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
    refuseTlsOptOuts("workerd", tls);
    return guardDial(dial, async (signal) => {
      const { connect } = await (sockets ??= import(SOCKETS_MODULE) as Promise<CfSockets>);
      // TLS starts after the TCP connect ("starttls") rather than with it ("on"): workerd
      // reports every failure of a socket's `opened` alike, so only the two steps tell an
      // unreachable broker (retriable) from a handshake that failed (not retriable).
      let socket = connect({ hostname: host, port }, {
        secureTransport: tls ? "starttls" : "off",
        allowHalfOpen: false,
      });
      const onAbort = (): void => void socket.close().catch(() => {});
      signal.addEventListener("abort", onAbort, { once: true });
      try {
        await socket.opened;
        if (tls) {
          socket = socket.startTls();
          try {
            await socket.opened;
          } catch (e) {
            throw new ConnectionError(host, port, "Cannot shake hands (TLS)", {
              cause: e,
              retriable: false,
            });
          }
        }
      } catch (e) {
        // The close can only fail for a socket that never opened; the dial's error says why.
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
