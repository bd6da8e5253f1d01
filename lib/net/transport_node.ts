// Copyright 2026 the kanal authors. MIT license.
// The only file that names Node's socket API.
/**
 * Broker sockets on Node ≥ 20 (and on any runtime with Node's `node:net`/`node:tls`): the
 * socket's events bridged to web streams by hand, because `Duplex.toWeb` neither copies Node's
 * pause/resume backpressure faithfully across runtimes nor reports when a write has reached the
 * kernel.
 *
 * @module
 */

import { checkDial, guardDial, isCertificateError } from "./_dial.ts";
import { PushSocket, type PushSocketSink } from "./_push_socket.ts";
import { ConnectionError } from "./connection_error.ts";
import type { BrokerSocket, DialOptions } from "./transport.ts";

// Just the part of Node's API used here; the modules are imported on first dial so that
// loading this file costs nothing where they do not exist.
interface NodeSocket {
  write(chunk: Uint8Array, callback: (error?: Error | null) => void): boolean;
  pause(): unknown;
  resume(): unknown;
  end(): unknown;
  destroy(): unknown;
  setNoDelay(noDelay?: boolean): unknown;
  on(event: "data", listener: (chunk: Uint8Array) => void): unknown;
  on(event: "end" | "close", listener: () => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  once(event: "connect" | "secureConnect", listener: () => void): unknown;
  once(event: "error", listener: (error: Error) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
}
interface NodeNet {
  connect(options: { host: string; port: number }): NodeSocket;
}
interface NodeTls {
  connect(options: {
    host: string;
    port: number;
    servername?: string;
    ca?: string[];
    cert?: string;
    key?: string;
    rejectUnauthorized?: boolean;
    checkServerIdentity?: () => undefined;
  }): NodeSocket;
}

let modules: Promise<[NodeNet, NodeTls]> | undefined;

function loadModules(): Promise<[NodeNet, NodeTls]> {
  return modules ??= Promise.all([
    import("node:net") as Promise<unknown> as Promise<NodeNet>,
    import("node:tls") as Promise<unknown> as Promise<NodeTls>,
  ]);
}

class NodeConn implements PushSocketSink {
  readonly push: PushSocket;
  readonly #socket: NodeSocket;

  constructor(host: string, port: number, socket: NodeSocket) {
    this.#socket = socket;
    this.push = new PushSocket(host, port, this);
    socket.on("data", (chunk) => {
      // Node allocates a fresh Buffer per read, so a view is safe to keep; a plain
      // Uint8Array keeps Buffer's different `slice` out of kanal.
      this.push.onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
    socket.on("end", () => this.push.onEnd());
    socket.on("error", (e) => this.push.onError(e));
    socket.on("close", () => this.push.onClose());
  }

  write(chunk: Uint8Array): Promise<void> {
    // Node keeps a reference to the chunk until it is flushed, so the write resolves only in
    // the callback: then the bytes are the kernel's and the caller may reuse the buffer.
    return new Promise<void>((resolve, reject) => {
      this.#socket.write(chunk, (e) => e ? reject(e) : resolve());
    });
  }

  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }

  shutdown(): void {
    this.#socket.end();
  }

  destroy(): void {
    this.#socket.destroy();
  }
}

/**
 * Opens a broker socket with `node:net`, or `node:tls` when `tls` is set. Reads are queued up
 * to 1 MiB, past which the socket is paused until the reader catches up; a write resolves once
 * Node has flushed it to the kernel.
 *
 * TLS: `serverName`, `caCerts` (which replace Node's roots), `cert` and `key` all work. The dial
 * resolves after the handshake, so a bad certificate fails the dial, not the first request.
 *
 * Meant for Node; Deno and Bun have their own adapters, but their `node:net` works with this
 * one too, which the tests use to run it.
 *
 * @example Connecting to a port nobody listens on fails with a retriable error
 * ```ts
 * import { nodeTransport } from "./transport_node.ts";
 * import { ConnectionError } from "./connection_error.ts";
 * import assert from "node:assert/strict";
 *
 * const err = await nodeTransport({ host: "127.0.0.1", port: 1 }).catch((e) => e);
 * assert.ok(err instanceof ConnectionError);
 * assert.equal(err.retriable, true);
 * ```
 */
export function nodeTransport(options: DialOptions): Promise<BrokerSocket> {
  try {
    const dial = checkDial(options);
    const { host, port, tls } = dial;
    return guardDial(dial, async (signal) => {
      const [net, nodeTls] = await loadModules();
      const socket = tls
        ? nodeTls.connect({
          host,
          port,
          servername: tls.serverName,
          ca: tls.caCerts,
          cert: tls.cert,
          key: tls.key,
          rejectUnauthorized: tls.verifyCertificate !== false,
          // Only when asked: Node refuses an explicit `undefined` here.
          ...(tls.verifyServerName === false ? { checkServerIdentity: () => undefined } : {}),
        })
        : net.connect({ host, port });
      const onAbort = (): void => void socket.destroy();
      signal.addEventListener("abort", onAbort, { once: true });
      const ready = tls ? "secureConnect" : "connect";
      let onReady!: () => void;
      let onError!: (e: Error) => void;
      try {
        await new Promise<void>((resolve, reject) => {
          onReady = resolve;
          onError = (e) =>
            reject(
              tls && isCertificateError(e)
                ? new ConnectionError(host, port, "Cannot shake hands (TLS)", {
                  cause: e,
                  retriable: false,
                })
                : e,
            );
          socket.once(ready, onReady);
          socket.once("error", onError);
        });
      } catch (e) {
        socket.destroy();
        throw e;
      } finally {
        signal.removeEventListener("abort", onAbort);
        socket.off(ready, onReady);
        socket.off("error", onError);
      }
      socket.setNoDelay(true);
      return new NodeConn(host, port, socket).push;
    }, (s) => void s.close());
  } catch (e) {
    return Promise.reject(e);
  }
}
