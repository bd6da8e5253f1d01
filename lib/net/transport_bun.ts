// Copyright 2026 the kanal authors. MIT license.
// The only file that names Bun's socket API.
/**
 * Broker sockets on Bun: `Bun.connect`, whose handler callbacks are bridged to web streams.
 *
 * @module
 */

import { checkDial, guardDial } from "./_dial.ts";
import { PushSocket, type PushSocketSink } from "./_push_socket.ts";
import { ConnectionError } from "./connection_error.ts";
import type { BrokerSocket, DialOptions } from "./transport.ts";

// Just the part of Bun's API used here, so no other file needs bun-types.
interface BunSocket {
  readonly data: BunConn;
  /** Unbuffered: returns the bytes the kernel took, possibly fewer; -1 once closed. */
  write(data: Uint8Array): number;
  pause(): void;
  resume(): void;
  shutdown(halfClose?: boolean): void;
  end(): void;
  terminate(): void;
  setNoDelay?(noDelay?: boolean): boolean;
}
interface BunHandlers {
  open?(socket: BunSocket): void;
  data(socket: BunSocket, data: Uint8Array): void;
  drain?(socket: BunSocket): void;
  end?(socket: BunSocket): void;
  error?(socket: BunSocket, error: Error): void;
  close?(socket: BunSocket, error?: Error): void;
  handshake?(socket: BunSocket, success: boolean, authorizationError: Error | null): void;
}
interface BunTls {
  serverName?: string;
  rejectUnauthorized?: boolean;
  ca?: string[];
  cert?: string;
  key?: string;
}
interface BunNet {
  connect(options: {
    hostname: string;
    port: number;
    tls?: boolean | BunTls;
    data: BunConn;
    socket: BunHandlers;
  }): Promise<BunSocket>;
}

/** A write the kernel has not wholly taken yet. */
interface PendingWrite {
  rest: Uint8Array;
  resolve(): void;
  reject(e: unknown): void;
}

/** One connection's state, kept in the socket's `data` so one handler set serves all. */
class BunConn implements PushSocketSink {
  readonly push: PushSocket;
  readonly #host: string;
  readonly #port: number;
  socket: BunSocket | null = null;
  #pending: PendingWrite | null = null;
  #handshake: { resolve(): void; reject(e: unknown): void } | null = null;

  /** Verification errors the dial was told to let pass (`verifyServerName: false` and such). */
  readonly #tolerated: (error: Error) => boolean;

  constructor(host: string, port: number, tolerated: (error: Error) => boolean = () => false) {
    this.#host = host;
    this.#port = port;
    this.#tolerated = tolerated;
    this.push = new PushSocket(host, port, this);
  }

  write(chunk: Uint8Array): Promise<void> | void {
    const n = this.socket!.write(chunk);
    if (n === chunk.byteLength) return;
    if (n < 0) {
      throw new ConnectionError(this.#host, this.#port, "Cannot write", {
        cause: "the socket is closed",
      });
    }
    // Bun kept none of the rest: hold it and send it on `drain`.
    return new Promise<void>((resolve, reject) => {
      this.#pending = { rest: chunk.subarray(n), resolve, reject };
    });
  }

  /** Sends more of the pending write; called on `drain`. */
  flush(): void {
    const p = this.#pending;
    if (!p) return;
    const n = this.socket!.write(p.rest);
    if (n === p.rest.byteLength) {
      this.#pending = null;
      p.resolve();
    } else if (n >= 0) {
      p.rest = p.rest.subarray(n);
    }
    // n < 0: the socket is closing; its close handler fails the write.
  }

  pause(): void {
    this.socket!.pause();
  }

  resume(): void {
    this.socket!.resume();
  }

  shutdown(): void {
    this.socket!.shutdown();
  }

  destroy(): void {
    // end() flushes what Bun holds and sends FIN; the close handler follows.
    this.socket!.end();
  }

  /** Resolves once the TLS handshake succeeded. */
  handshake(): Promise<void> {
    return new Promise<void>((resolve, reject) => this.#handshake = { resolve, reject });
  }

  onHandshake(success: boolean, error: Error | null): void {
    const h = this.#handshake;
    this.#handshake = null;
    if (!h) return;
    // Bun reports success false with a verification error even when told not to reject: a
    // tolerated error stands for the handshake having gone through.
    if (error ? this.#tolerated(error) : success) h.resolve();
    else {
      h.reject(
        new ConnectionError(this.#host, this.#port, "Cannot shake hands (TLS)", {
          cause: error ?? "handshake failed",
          retriable: false,
        }),
      );
    }
  }

  onClose(error?: Error): void {
    if (error) this.push.onError(error);
    const closed = new ConnectionError(this.#host, this.#port, "Lost connection", {
      cause: error ?? "the socket closed",
    });
    this.#handshake?.reject(closed);
    this.#handshake = null;
    this.#pending?.reject(closed);
    this.#pending = null;
    this.push.onClose();
  }
}

const handlers: BunHandlers = {
  open(socket) {
    // Before Bun.connect resolves, so a handler that needs the socket never finds it missing.
    socket.data.socket = socket;
  },
  data(socket, data) {
    // Bun reuses the buffer behind `data` for the next read: copy before handing it on.
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
  handshake(socket, success, authorizationError) {
    socket.data.onHandshake(success, authorizationError);
  },
};

/**
 * Opens a broker socket with `Bun.connect`. Received chunks are copied (Bun reuses its read
 * buffer) and queued up to 1 MiB, past which the socket is paused until the reader catches up.
 * Writes resolve once the kernel took every byte: a partial write keeps the rest and sends it on
 * `drain`.
 *
 * TLS: `serverName`, `caCerts` (which replace Bun's roots), `cert` and `key` all work. The dial
 * resolves after the handshake, so a bad certificate fails the dial, not the first request.
 *
 * @example Connecting to a port nobody listens on fails with a retriable error
 * ```ts ignore
 * import { bunTransport } from "./transport_bun.ts";
 * import { ConnectionError } from "./connection_error.ts";
 * import assert from "node:assert/strict";
 *
 * const err = await bunTransport({ host: "127.0.0.1", port: 1 }).catch((e) => e);
 * assert.ok(err instanceof ConnectionError);
 * assert.equal(err.retriable, true);
 * ```
 */
export function bunTransport(options: DialOptions): Promise<BrokerSocket> {
  try {
    const dial = checkDial(options);
    const { host, port, tls } = dial;
    const bun = (globalThis as unknown as { Bun: BunNet }).Bun;
    return guardDial(dial, async (signal) => {
      // Bun reports a failed verification to the handshake callback and leaves the verdict to
      // us: an opt-out lets the whole verdict, or only a name mismatch, pass.
      const conn = new BunConn(
        host,
        port,
        tls?.verifyCertificate === false
          ? () => true
          : tls?.verifyServerName === false
          ? (e) => (e as { code?: unknown }).code === "ERR_TLS_CERT_ALTNAME_INVALID"
          : undefined,
      );
      const handshake = tls ? conn.handshake() : null;
      // Settled by the close handler if the connect fails; only the await below reports.
      handshake?.catch(() => {});
      const socket = await bun.connect({
        hostname: host,
        port,
        // Without a serverName Bun never runs the handshake callback for a certificate it
        // rejects, so the dial would hang until its timeout: name the host, as every other
        // runtime does by default.
        tls: tls
          ? {
            serverName: tls.serverName ?? host,
            ca: tls.caCerts,
            cert: tls.cert,
            key: tls.key,
            // With an opt-out Bun must not end the handshake itself; the verdict is ours then.
            rejectUnauthorized: tls.verifyCertificate === false || tls.verifyServerName === false
              ? false
              : undefined,
          }
          : false,
        data: conn,
        socket: handlers,
      });
      conn.socket = socket;
      if (signal.aborted) {
        socket.terminate();
        throw signal.reason;
      }
      socket.setNoDelay?.(true);
      if (handshake) {
        const onAbort = (): void => socket.terminate();
        signal.addEventListener("abort", onAbort, { once: true });
        try {
          await handshake;
        } catch (e) {
          socket.terminate();
          throw e;
        } finally {
          signal.removeEventListener("abort", onAbort);
        }
      }
      return conn.push;
    }, (s) => void s.close());
  } catch (e) {
    return Promise.reject(e);
  }
}
