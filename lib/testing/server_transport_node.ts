// Copyright 2026 the kanal authors. MIT license.
// The only file in lib/testing that names Node's listening API.
/**
 * Listening on Node with `node:net`'s `createServer`.
 *
 * @module
 */

import { PushSocket, type PushSocketSink } from "../net/_push_socket.ts";
import type { ListenOptions, ServerListener } from "./server_transport.ts";

// Just the part of Node's API used here.
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
}
interface NodeServer {
  listen(port: number, host: string, callback: () => void): unknown;
  address(): { port: number } | string | null;
  close(callback: () => void): unknown;
  once(event: "error", listener: (e: Error) => void): unknown;
}
interface NodeNet {
  createServer(listener: (socket: NodeSocket) => void): NodeServer;
}

class Conn implements PushSocketSink {
  readonly push: PushSocket;
  readonly #socket: NodeSocket;

  constructor(host: string, port: number, socket: NodeSocket) {
    this.#socket = socket;
    this.push = new PushSocket(host, port, this);
    socket.on(
      "data",
      (c) => this.push.onData(new Uint8Array(c.buffer, c.byteOffset, c.byteLength)),
    );
    socket.on("end", () => this.push.onEnd());
    socket.on("error", (e) => this.push.onError(e));
    socket.on("close", () => this.push.onClose());
  }

  write(chunk: Uint8Array): Promise<void> {
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
 * Listens with `node:net` and wraps each accepted socket in a `BrokerSocket`. Also works on
 * Deno and Bun, whose `node:net` implements `createServer`.
 *
 * @example Listen on a free port and stop
 * ```ts
 * import { nodeServerTransport } from "./server_transport_node.ts";
 * import assert from "node:assert/strict";
 *
 * const l = await nodeServerTransport({ host: "127.0.0.1", port: 0, onConnection: (s) => void s.close() });
 * assert.ok(l.port > 0);
 * await l.close();
 * ```
 */
export async function nodeServerTransport(options: ListenOptions): Promise<ServerListener> {
  const net = await import("node:net") as unknown as NodeNet;
  let port = 0;
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    options.onConnection(new Conn(options.host, port, socket).push);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, resolve);
  });
  const addr = server.address();
  port = typeof addr === "object" && addr !== null ? addr.port : options.port;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
