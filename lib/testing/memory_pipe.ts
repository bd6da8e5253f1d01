// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * A pair of connected in-memory {@linkcode BrokerSocket}s: what one writes the other reads. The
 * fake cluster's in-memory transport is built on it, so tests need no socket and run on every
 * runtime, workerd included.
 *
 * @module
 */

import { ConnectionError } from "../net/connection_error.ts";
import type { BrokerSocket } from "../net/transport.ts";

/** Bytes queued for a reader before the writer waits. */
const HIGH_WATER_MARK = 1 << 20;

class Direction {
  readonly readable: ReadableStream<Uint8Array>;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #wake: (() => void) | null = null;
  #open = true;

  constructor(onCancel: () => void) {
    this.readable = new ReadableStream<Uint8Array>({
      start: (c) => {
        this.#controller = c;
      },
      pull: () => {
        const wake = this.#wake;
        this.#wake = null;
        wake?.();
      },
      cancel: onCancel,
    }, new ByteLengthQueuingStrategy({ highWaterMark: HIGH_WATER_MARK }));
  }

  /** Queues a copy of `chunk`; resolves when the reader has room for more. */
  async push(chunk: Uint8Array): Promise<void> {
    if (!this.#open) throw new Error("closed");
    this.#controller.enqueue(chunk.slice());
    if ((this.#controller.desiredSize ?? 1) <= 0) {
      await new Promise<void>((resolve) => this.#wake = resolve);
    }
  }

  end(): void {
    if (!this.#open) return;
    this.#open = false;
    try {
      this.#controller.close();
    } catch { /* the reader cancelled: it is closed already */ }
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}

class MemorySocket implements BrokerSocket {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly closed: Promise<void>;
  readonly #close: () => void;

  constructor(
    incoming: Direction,
    outgoing: Direction,
    closed: Promise<void>,
    close: () => void,
    where: { host: string; port: number },
  ) {
    this.readable = incoming.readable;
    this.closed = closed;
    this.#close = close;
    this.writable = new WritableStream<Uint8Array>({
      write: async (chunk) => {
        try {
          await outgoing.push(chunk);
        } catch {
          throw new ConnectionError(where.host, where.port, "Cannot write", {
            cause: "the in-memory connection is closed",
          });
        }
      },
      close: () => close(),
      abort: () => close(),
    });
  }

  close(): Promise<void> {
    this.#close();
    return this.closed;
  }
}

/**
 * Makes two connected sockets: `client` and `server`. Closing either closes both; each side
 * then reads what was already queued and sees the end.
 *
 * @example Bytes written on one side are read on the other
 * ```ts
 * import { memoryPipe } from "./memory_pipe.ts";
 * import assert from "node:assert/strict";
 *
 * const { client, server } = memoryPipe({ host: "fake", port: 9092 });
 * const w = client.writable.getWriter();
 * await w.write(new Uint8Array([1, 2, 3]));
 * const { value } = await server.readable.getReader().read();
 * assert.deepEqual(value, new Uint8Array([1, 2, 3]));
 * await client.close();
 * await server.closed;
 * ```
 */
export function memoryPipe(
  where: { host: string; port: number },
): { client: BrokerSocket; server: BrokerSocket } {
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => resolveClosed = r);
  let done = false;
  const close = (): void => {
    if (done) return;
    done = true;
    toServer.end();
    toClient.end();
    resolveClosed();
  };
  const toServer: Direction = new Direction(close);
  const toClient: Direction = new Direction(close);
  return {
    client: new MemorySocket(toClient, toServer, closed, close, where),
    server: new MemorySocket(toServer, toClient, closed, close, where),
  };
}
