// Copyright 2026 the kanal authors. MIT license.
// The only file that names Deno's socket API.
/**
 * Broker sockets on Deno: `Deno.connect`, `Deno.connectTls` and, for a server name other than
 * the host, `Deno.startTls`. Needs `--allow-net`.
 *
 * @module
 */

import {
  checkDial,
  guardDial,
  isCertificateError,
  refuseTlsOptions,
  refuseTlsOptOuts,
} from "./_dial.ts";
import { PullSocket } from "./_pull_socket.ts";
import { ConnectionError } from "./connection_error.ts";
import type { BrokerSocket, DialOptions } from "./transport.ts";

// Just the part of Deno's API used here, so no other file needs Deno's types.
interface DenoConn {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  close(): void;
  setNoDelay?(noDelay?: boolean): void;
  handshake?(): Promise<unknown>;
}
interface DenoNet {
  connect(options: { hostname: string; port: number; signal?: AbortSignal }): Promise<DenoConn>;
  connectTls(options: {
    hostname: string;
    port: number;
    caCerts?: string[];
    cert?: string;
    key?: string;
  }): Promise<DenoConn>;
  startTls(conn: DenoConn, options: { hostname: string; caCerts?: string[] }): Promise<DenoConn>;
}

/**
 * Opens a broker socket with Deno's TCP and TLS API. The conn's own web streams carry the
 * bytes; Nagle's algorithm is off, as in every Kafka client.
 *
 * TLS: `caCerts` are added to Deno's roots; `cert`/`key` give mutual TLS; `serverName` (for a
 * broker reached by IP or through a tunnel) dials TCP and then starts TLS, which Deno offers
 * without client certificates, so `serverName` with `cert` rejects with a `TypeError`.
 *
 * @example Connecting to a port nobody listens on fails with a retriable error
 * ```ts
 * import { denoTransport } from "./transport_deno.ts";
 * import { ConnectionError } from "./connection_error.ts";
 * import assert from "node:assert/strict";
 *
 * const err = await denoTransport({ host: "127.0.0.1", port: 1 }).catch((e) => e);
 * assert.ok(err instanceof ConnectionError);
 * assert.equal(err.retriable, true);
 * ```
 */
export function denoTransport(options: DialOptions): Promise<BrokerSocket> {
  try {
    const dial = checkDial(options);
    const { host, port, tls } = dial;
    const deno = (globalThis as unknown as { Deno: DenoNet }).Deno;
    refuseTlsOptOuts("Deno", tls);
    const startTls = tls?.serverName !== undefined && tls.serverName !== host;
    if (startTls) refuseTlsOptions("Deno's startTls (used for serverName)", tls, ["cert"]);
    return guardDial(dial, async (signal) => {
      let conn: DenoConn;
      if (!tls) {
        conn = await deno.connect({ hostname: host, port, signal });
      } else if (startTls) {
        const tcp = await deno.connect({ hostname: host, port, signal });
        conn = await deno.startTls(tcp, { hostname: tls.serverName!, caCerts: tls.caCerts });
      } else {
        conn = await deno.connectTls({
          hostname: host,
          port,
          caCerts: tls.caCerts,
          cert: tls.cert,
          key: tls.key,
        });
      }
      if (signal.aborted) {
        conn.close();
        throw signal.reason;
      }
      conn.setNoDelay?.(true);
      if (tls) {
        // Deno shakes hands lazily on first I/O; doing it here makes a bad certificate fail
        // the dial instead of the first request.
        const onAbort = (): void => conn.close();
        signal.addEventListener("abort", onAbort, { once: true });
        try {
          await conn.handshake?.();
        } catch (e) {
          try {
            conn.close();
          } catch { /* already closed by the failed handshake */ }
          throw new ConnectionError(host, port, "Cannot shake hands (TLS)", {
            cause: e,
            retriable: !isCertificateError(e),
          });
        } finally {
          signal.removeEventListener("abort", onAbort);
        }
      }
      return new PullSocket(host, port, conn);
    }, (s) => void s.close());
  } catch (e) {
    return Promise.reject(e);
  }
}
