// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * A {@linkcode BrokerSocket} over a callback-driven socket (Bun's handlers, Node's events):
 * the adapter pushes what arrives in, and this class turns it into web streams with
 * backpressure in both directions.
 *
 * @module
 */

import { ConnectionError } from "./connection_error.ts";
import { type Settler, settler } from "./_dial.ts";
import type { BrokerSocket } from "./transport.ts";

/**
 * How many received bytes may wait for the reader before the socket is paused. One fetch
 * response is often a few MiB; pausing much earlier would stall it between reads, much later
 * would hold memory nobody asked for yet.
 */
export const READ_HIGH_WATER_MARK: number = 1 << 20;

/** The runtime socket as {@linkcode PushSocket} drives it. */
export interface PushSocketSink {
  /**
   * Sends `chunk`: returns nothing when the runtime took all of it at once, or a promise that
   * resolves once it has and rejects if the socket fails first.
   */
  write(chunk: Uint8Array): Promise<void> | void;
  /** Stops delivering received bytes. */
  pause(): void;
  /** Delivers received bytes again. */
  resume(): void;
  /** Ends the sending side once what was written is sent. */
  shutdown(): void;
  /** Closes both sides now; the adapter then calls {@linkcode PushSocket.onClose}. */
  destroy(): void;
}

/**
 * The web-stream side of a callback socket. The adapter calls `onData`, `onEnd`, `onError` and
 * `onClose` from its runtime's callbacks.
 */
export class PushSocket implements BrokerSocket {
  /** Bytes from the broker. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Bytes to the broker. */
  readonly writable: WritableStream<Uint8Array>;
  readonly #host: string;
  readonly #port: number;
  readonly #sink: PushSocketSink;
  readonly #closed: Settler = settler();
  #reader!: ReadableStreamDefaultController<Uint8Array>;
  #writer!: WritableStreamDefaultController;
  #readOpen = true;
  #paused = false;
  #closing = false;
  #done = false;
  #failure: unknown = undefined;
  #rejectWrite: ((e: unknown) => void) | null = null;

  /** Wraps `sink`, the connected socket to `host:port`. */
  constructor(host: string, port: number, sink: PushSocketSink) {
    this.#host = host;
    this.#port = port;
    this.#sink = sink;
    // Not `type: "bytes"`: enqueueing into a byte stream transfers (detaches) the chunk's
    // buffer, which must not happen to a runtime's own buffers, and nothing downstream needs
    // BYOB reads. The byte-length strategy still counts bytes for backpressure.
    this.readable = new ReadableStream<Uint8Array>({
      start: (c) => {
        this.#reader = c;
      },
      pull: () => {
        if (this.#paused && !this.#done) {
          this.#paused = false;
          this.#sink.resume();
        }
      },
      cancel: () => {
        this.#readOpen = false;
        void this.close();
      },
    }, { highWaterMark: READ_HIGH_WATER_MARK, size: (c) => c.byteLength });
    this.writable = new WritableStream<Uint8Array>({
      start: (c) => {
        this.#writer = c;
      },
      write: (chunk) => this.#write(chunk),
      close: () => {
        if (!this.#done) this.#sink.shutdown();
      },
      abort: () => {
        void this.close();
      },
    });
  }

  /** Settles once the socket is closed. */
  get closed(): Promise<void> {
    return this.#closed.promise;
  }

  /** Closes both directions now. */
  close(): Promise<void> {
    if (!this.#done && !this.#closing) {
      this.#closing = true;
      this.#sink.destroy();
    }
    return this.#closed.promise;
  }

  /** Takes received bytes; `chunk` must be the socket's to give away (copied if reused). */
  onData(chunk: Uint8Array): void {
    if (!this.#readOpen) return;
    const c = this.#reader;
    c.enqueue(chunk);
    if (!this.#paused && c.desiredSize !== null && c.desiredSize <= 0) {
      this.#paused = true;
      this.#sink.pause();
    }
  }

  /** The broker finished sending. */
  onEnd(): void {
    if (!this.#readOpen) return;
    this.#readOpen = false;
    this.#reader.close();
  }

  /** The connection failed; `cause` is the runtime's error. */
  onError(cause: unknown): void {
    // Our own close may make a runtime report an error on the way down; it is no failure.
    if (this.#done || this.#closing || this.#failure !== undefined) return;
    this.#failure = new ConnectionError(this.#host, this.#port, "Lost connection", { cause });
  }

  /** The socket is closed; settles `closed` and ends both streams. */
  onClose(): void {
    if (this.#done) return;
    this.#done = true;
    const failure = this.#failure;
    const ending = failure ??
      new ConnectionError(this.#host, this.#port, "Cannot write", {
        cause: `the socket was closed by ${this.#closing ? "this client" : "the peer"}`,
      });
    this.#rejectWrite?.(ending);
    this.#rejectWrite = null;
    this.#writer.error(ending);
    if (this.#readOpen) {
      this.#readOpen = false;
      if (failure) this.#reader.error(failure);
      else this.#reader.close();
    }
    if (failure) this.#closed.reject(failure);
    else this.#closed.resolve();
  }

  #write(chunk: Uint8Array): Promise<void> | void {
    if (!(chunk instanceof Uint8Array)) {
      throw new TypeError(
        `Cannot write to a broker socket as chunks must be Uint8Array: current value is ${
          Object.prototype.toString.call(chunk)
        }`,
      );
    }
    const pending = this.#sink.write(chunk);
    if (pending === undefined) return;
    // Hold the rejection so a socket that dies mid-write fails the write instead of leaving it
    // pending for ever.
    return new Promise<void>((resolve, reject) => {
      this.#rejectWrite = reject;
      pending.then(() => {
        this.#rejectWrite = null;
        resolve();
      }, reject);
    });
  }
}
