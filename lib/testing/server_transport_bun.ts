// Copyright 2026 the kanal authors. MIT license.
// The only file in lib/testing that names Bun's listening API.
/**
 * Listening on Bun with `Bun.listen`.
 *
 * @module
 */

import { PushSocket, type PushSocketSink } from "../net/_push_socket.ts";
import type { ListenOptions, ServerListener } from "./server_transport.ts";

// Just the part of Bun's API used here.
interface BunSocket {
  data: Conn;
  /** Unbuffered: the bytes the kernel took, possibly fewer; -1 once closed. */
  write(data: Uint8Array): number;
  pause(): void;
  resume(): void;
  shutdown(halfClose?: boolean): void;
  end(): void;
  setNoDelay?(noDelay?: boolean): boolean;
}
interface BunServer {
  readonly port: number;
  stop(closeActiveConnections?: boolean): void;
}
interface BunNet {
  listen(options: {
    hostname: string;
    port: number;
    socket: {
      open(socket: BunSocket): void;
      data(socket: BunSocket, data: Uint8Array): void;
      drain(socket: BunSocket): void;
      end(socket: BunSocket): void;
      error(socket: BunSocket, error: Error): void;
      close(socket: BunSocket, error?: Error): void;
    };
  }): BunServer;
}

class Conn implements PushSocketSink {
  readonly push: PushSocket;
  readonly #socket: BunSocket;
  #pending: { rest: Uint8Array; resolve(): void; reject(e: unknown): void } | null = null;

  constructor(host: string, port: number, socket: BunSocket) {
    this.#socket = socket;
    this.push = new PushSocket(host, port, this);
  }

  write(chunk: Uint8Array): Promise<void> | void {
    const n = this.#socket.write(chunk);
    if (n === chunk.byteLength) return;
    if (n < 0) return Promise.reject(new Error("the socket is closed"));
    return new Promise<void>((resolve, reject) => {
      this.#pending = { rest: chunk.subarray(n), resolve, reject };
    });
  }

  flush(): void {
    const p = this.#pending;
    if (!p) return;
    const n = this.#socket.write(p.rest);
    if (n === p.rest.byteLength) {
      this.#pending = null;
      p.resolve();
    } else if (n >= 0) {
      p.rest = p.rest.subarray(n);
    }
  }

  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }

  shutdown(): void {
    this.#socket.shutdown();
  }

  destroy(): void {
    this.#socket.end();
  }

  onClose(error?: Error): void {
    if (error) this.push.onError(error);
    this.#pending?.reject(error ?? new Error("the socket closed"));
    this.#pending = null;
    this.push.onClose();
  }
}

/**
 * Listens with `Bun.listen` and wraps each accepted socket in a `BrokerSocket`.
 *
 * @example Listen on a free port and stop
 * ```ts
 * import { bunServerTransport } from "./server_transport_bun.ts";
 * import assert from "node:assert/strict";
 *
 * if ((globalThis as { Bun?: unknown }).Bun !== undefined) {
 *   const l = await bunServerTransport({ host: "127.0.0.1", port: 0, onConnection: (s) => void s.close() });
 *   assert.ok(l.port > 0);
 *   await l.close();
 * }
 * ```
 */
export function bunServerTransport(options: ListenOptions): Promise<ServerListener> {
  try {
    const bun = (globalThis as unknown as { Bun: BunNet }).Bun;
    let port = 0;
    const server = bun.listen({
      hostname: options.host,
      port: options.port,
      socket: {
        open(socket) {
          socket.setNoDelay?.(true);
          socket.data = new Conn(options.host, port, socket);
          options.onConnection(socket.data.push);
        },
        data(socket, data) {
          socket.data.push.onData(new Uint8Array(data));
        },
        drain(socket) {
          socket.data.flush();
        },
        end(socket) {
          socket.data.push.onEnd();
        },
        error(socket, error) {
          socket.data.push.onError(error);
        },
        close(socket, error) {
          socket.data.onClose(error);
        },
      },
    });
    port = server.port;
    return Promise.resolve({
      port,
      close(): Promise<void> {
        server.stop(false);
        return Promise.resolve();
      },
    });
  } catch (e) {
    return Promise.reject(e);
  }
}
