// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The runtime-neutral contract between kanal and a byte pipe to a broker. Every adapter
 * (`transport_deno.ts`, `transport_bun.ts`, `transport_workerd.ts`, `transport_node.ts`) returns
 * a {@linkcode BrokerSocket}; a user may pass any {@linkcode Transport} of their own, for a
 * proxy, a test double or a runtime kanal does not know.
 *
 * @module
 */

/**
 * A byte pipe to one broker: web streams in both directions and a promise for its end.
 *
 * - `readable` yields the bytes as they arrive, each chunk a fresh buffer the reader may keep
 *   (adapters copy where the runtime reuses its buffers). It ends when the broker hangs up or
 *   {@linkcode BrokerSocket.close} is called, and errors with a `ConnectionError` when the
 *   connection breaks. Cancelling it closes the socket.
 * - `writable` sends chunks in order. A write resolves once the runtime has taken all of its
 *   bytes (handed them to the OS or copied them), so the chunk must stay unchanged until then
 *   and may be reused after. Closing it ends the sending side; aborting it closes the socket.
 * - `closed` resolves once the socket is closed, whichever side closed it, and rejects with a
 *   `ConnectionError` when it closed because of a failure. It never rejects unobserved.
 * - `close()` closes both directions at once and resolves with `closed`. Bytes of writes that
 *   already resolved are sent; writes still queued in `writable` fail.
 *
 * @example A socket over an in-memory pipe
 * ```ts
 * import type { BrokerSocket } from "./transport.ts";
 * import assert from "node:assert/strict";
 *
 * const pipe = new TransformStream<Uint8Array, Uint8Array>();
 * let done!: () => void;
 * const closed = new Promise<void>((resolve) => done = resolve);
 * const socket: BrokerSocket = {
 *   readable: pipe.readable,
 *   writable: pipe.writable,
 *   closed,
 *   close: () => (done(), closed),
 * };
 * const writer = socket.writable.getWriter();
 * void writer.write(new Uint8Array([1, 2]));
 * const { value } = await socket.readable.getReader().read();
 * assert.deepEqual(value, new Uint8Array([1, 2]));
 * await socket.close();
 * ```
 */
export interface BrokerSocket {
  /** Bytes from the broker. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Bytes to the broker. */
  readonly writable: WritableStream<Uint8Array>;
  /** Settles once the socket is closed: resolves on a clean close, rejects on a failure. */
  readonly closed: Promise<void>;
  /** Closes the socket in both directions; resolves when it is closed. */
  close(): Promise<void>;
}

/**
 * TLS settings for a dial. What each runtime supports:
 *
 * | option        | Deno                      | Bun      | Node     | workerd |
 * | ------------- | ------------------------- | -------- | -------- | ------- |
 * | `serverName`  | yes                       | yes      | yes      | no      |
 * | `caCerts`     | yes, added to the roots   | yes, replaces the roots | yes, replaces the roots | no |
 * | `cert`, `key` | yes (not with `serverName`) | yes    | yes      | no      |
 * | `verifyServerName: false`  | no           | yes      | yes      | no      |
 * | `verifyCertificate: false` | no           | yes      | yes      | no      |
 *
 * An option the runtime cannot honour makes the dial reject with a `TypeError`, rather than
 * connect with weaker checks than asked for. workerd verifies against its own roots and sends
 * the host as the server name; `tls: true` is all it takes.
 */
export interface TlsOptions {
  /**
   * The name to send in SNI and to verify the broker's certificate against.
   *
   * @default {the dial's `host`}
   */
  serverName?: string;
  /**
   * Certificates (PEM) to trust for the broker's chain. Deno adds them to its built-in roots;
   * Bun and Node trust only them.
   *
   * @default {the runtime's built-in roots}
   */
  caCerts?: string[];
  /** Client certificate chain (PEM) for mutual TLS; needs `key`. */
  cert?: string;
  /** Client private key (PEM, unencrypted) for mutual TLS; needs `cert`. */
  key?: string;
  /**
   * `false` skips checking that the certificate names the server (Java's and librdkafka's
   * `ssl.endpoint.identification.algorithm=none`); the chain is still verified. An explicit
   * opt-out, never the default.
   *
   * @default {true}
   */
  verifyServerName?: boolean;
  /**
   * `false` accepts any certificate, chain and name unchecked (librdkafka's
   * `enable.ssl.certificate.verification=false`): traffic is encrypted but the broker is not
   * authenticated. For throwaway test setups only; never the default.
   *
   * @default {true}
   */
  verifyCertificate?: boolean;
}

/** Where and how to connect. */
export interface DialOptions {
  /** The broker's host name or IP address. */
  host: string;
  /** The broker's TCP port, 1 to 65535. */
  port: number;
  /**
   * TLS: `true` for the runtime's defaults, an object to tune it, absent or `false` for plain
   * TCP.
   *
   * @default {false}
   */
  tls?: TlsOptions | boolean;
  /**
   * Aborts the dial: the promise rejects at once with the signal's reason. It does not close a
   * socket that has already been returned.
   */
  signal?: AbortSignal;
  /**
   * How long the TCP connect plus the TLS handshake may take before the dial rejects with a
   * retriable `ConnectionError`. Kafka's `socket.connection.setup.timeout.ms` default.
   *
   * @default {10000}
   */
  timeoutMs?: number;
}

/**
 * Opens a {@linkcode BrokerSocket}. A failed connect rejects with a `ConnectionError`
 * (`NETWORK_EXCEPTION`, retriable unless the TLS peer was refused); an aborted dial rejects with
 * the signal's reason; bad options reject with a `TypeError` or `RangeError`.
 *
 * @example A transport that always fails, as a test double
 * ```ts
 * import type { Transport } from "./transport.ts";
 * import { ConnectionError } from "./connection_error.ts";
 * import assert from "node:assert/strict";
 *
 * const offline: Transport = (o) =>
 *   Promise.reject(new ConnectionError(o.host, o.port, "offline in this test"));
 * await assert.rejects(offline({ host: "b1", port: 9092 }), ConnectionError);
 * ```
 */
export type Transport = (options: DialOptions) => Promise<BrokerSocket>;
