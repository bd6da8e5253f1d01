// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * A {@linkcode BrokerSocket} over a runtime socket that already has web streams (Deno's conn,
 * workerd's `Socket`). The runtime's streams are wrapped, not passed through, so that every
 * adapter reports the end of a connection the same way: `closed` settles on EOF, failure or
 * `close()`, and failures are `ConnectionError`s.
 *
 * @module
 */

import { ConnectionError } from "./connection_error.ts";
import { type Settler, settler } from "./_dial.ts";
import { READ_HIGH_WATER_MARK } from "./_push_socket.ts";
import type { BrokerSocket } from "./transport.ts";

/** The runtime socket as {@linkcode PullSocket} drives it. */
export interface PullSocketSource {
  /** The runtime's readable; its chunks must be fresh buffers the reader may keep. */
  readonly readable: ReadableStream<Uint8Array>;
  /** The runtime's writable; a write must resolve only once its bytes are taken. */
  readonly writable: WritableStream<Uint8Array>;
  /** Closes the runtime socket; may throw or reject if it already is. */
  close(): unknown;
}

/** Web streams over a runtime's own, with kanal's end-of-connection rules. */
export class PullSocket implements BrokerSocket {
  /** Bytes from the broker. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Bytes to the broker. */
  readonly writable: WritableStream<Uint8Array>;
  readonly #host: string;
  readonly #port: number;
  readonly #source: PullSocketSource;
  readonly #closed: Settler = settler();
  readonly #in: ReadableStreamDefaultReader<Uint8Array>;
  readonly #out: WritableStreamDefaultWriter<Uint8Array>;
  #reader!: ReadableStreamDefaultController<Uint8Array>;
  #readOpen = true;
  #done = false;

  /** Wraps `source`, the connected socket to `host:port`. */
  constructor(host: string, port: number, source: PullSocketSource) {
    this.#host = host;
    this.#port = port;
    this.#source = source;
    this.#in = source.readable.getReader();
    this.#out = source.writable.getWriter();
    // Reading ahead up to the high-water mark keeps bytes flowing while the consumer decodes;
    // past it the runtime's socket is not read and TCP pushes back on the broker.
    this.readable = new ReadableStream<Uint8Array>({
      start: (c) => {
        this.#reader = c;
      },
      pull: (c) => this.#pull(c),
      cancel: () => {
        this.#readOpen = false;
        void this.close();
      },
    }, { highWaterMark: READ_HIGH_WATER_MARK, size: (c) => c.byteLength });
    this.writable = new WritableStream<Uint8Array>({
      write: (chunk) => {
        if (!(chunk instanceof Uint8Array)) {
          throw new TypeError(
            `Cannot write to a broker socket as chunks must be Uint8Array: current value is ${
              Object.prototype.toString.call(chunk)
            }`,
          );
        }
        return this.#out.write(chunk).catch((e: unknown) => {
          throw this.#lost("Cannot write", e);
        });
      },
      close: () =>
        this.#out.close().catch((e: unknown) => {
          throw this.#lost("Cannot close the sending side", e);
        }),
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
    this.#finish(undefined);
    return this.#closed.promise;
  }

  async #pull(c: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    let r: ReadableStreamReadResult<Uint8Array>;
    try {
      r = await this.#in.read();
    } catch (e) {
      // A read cut short by our own close() is the end of the stream, not a failure.
      this.#finish(this.#done ? undefined : this.#lost("Lost connection", e));
      return;
    }
    if (!this.#readOpen) return;
    if (r.done) this.#finish(undefined);
    else c.enqueue(r.value);
  }

  #lost(what: string, cause: unknown): ConnectionError {
    return new ConnectionError(this.#host, this.#port, what, { cause });
  }

  /** Closes everything once; `failure` decides how the readable and `closed` end. */
  #finish(failure: ConnectionError | undefined): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#readOpen) {
      this.#readOpen = false;
      if (failure) this.#reader.error(failure);
      else this.#reader.close();
    }
    try {
      // Rejections are expected here: the runtime socket may already be gone.
      Promise.resolve(this.#source.close()).catch(() => {});
    } catch {
      // Deno throws BadResource synchronously for a conn that is already closed.
    }
    if (failure) this.#closed.reject(failure);
    else this.#closed.resolve();
  }
}
