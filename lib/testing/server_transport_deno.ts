// Copyright 2026 the kanal authors. MIT license.
// The only file in lib/testing that names Deno's listening API.
/**
 * Listening on Deno with `Deno.listen`; needs `--allow-net`.
 *
 * @module
 */

import { PullSocket } from "../net/_pull_socket.ts";
import type { ListenOptions, ServerListener } from "./server_transport.ts";

// Just the part of Deno's API used here.
interface DenoConn {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  close(): void;
  setNoDelay?(noDelay?: boolean): void;
}
interface DenoListener extends AsyncIterable<DenoConn> {
  readonly addr: { port: number };
  close(): void;
}
interface DenoNet {
  listen(options: { hostname: string; port: number }): DenoListener;
}

/**
 * Listens with `Deno.listen` and wraps each accepted conn in a `BrokerSocket`.
 *
 * @example Listen on a free port and stop
 * ```ts
 * import { denoServerTransport } from "./server_transport_deno.ts";
 * import assert from "node:assert/strict";
 *
 * if ((globalThis as { Deno?: unknown }).Deno !== undefined) {
 *   const l = await denoServerTransport({ host: "127.0.0.1", port: 0, onConnection: (s) => void s.close() });
 *   assert.ok(l.port > 0);
 *   await l.close();
 * }
 * ```
 */
export function denoServerTransport(options: ListenOptions): Promise<ServerListener> {
  try {
    const deno = (globalThis as unknown as { Deno: DenoNet }).Deno;
    const listener = deno.listen({ hostname: options.host, port: options.port });
    const port = listener.addr.port;
    const accepting = (async () => {
      try {
        for await (const conn of listener) {
          conn.setNoDelay?.(true);
          options.onConnection(new PullSocket(options.host, port, conn));
        }
      } catch { /* the listener was closed: accepting ends */ }
    })();
    return Promise.resolve({
      port,
      async close(): Promise<void> {
        try {
          listener.close();
        } catch { /* already closed */ }
        await accepting;
      },
    });
  } catch (e) {
    return Promise.reject(e);
  }
}
