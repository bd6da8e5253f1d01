// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The error for a connection that could not be opened or that broke.
 *
 * @module
 */

import { KafkaError } from "../protocol/kafka_error.ts";

/** Kafka's `NETWORK_EXCEPTION`: the code Java clients report for a lost connection. */
const NETWORK_EXCEPTION = 13;

/** Options for {@linkcode ConnectionError}. */
export interface ConnectionErrorOptions extends ErrorOptions {
  /**
   * Whether dialing again may help. A refused or dropped connection may; a TLS peer whose
   * certificate fails verification will not.
   *
   * @default {true}
   */
  retriable?: boolean;
}

/**
 * A connection to a broker that could not be opened or that broke: Kafka's
 * `NETWORK_EXCEPTION` (code 13), retriable unless said otherwise, with the address and the
 * runtime's own error as `cause`.
 *
 * @example A refused connection
 * ```ts
 * import { ConnectionError } from "./connection_error.ts";
 * import assert from "node:assert/strict";
 *
 * const cause = new Error("ECONNREFUSED");
 * const err = new ConnectionError("127.0.0.1", 9092, "Cannot connect", { cause });
 * assert.equal(err.code, 13);
 * assert.equal(err.retriable, true);
 * assert.equal(err.cause, cause);
 * assert.equal(err.message, "NETWORK_EXCEPTION: Cannot connect to 127.0.0.1:9092: ECONNREFUSED");
 * ```
 */
export class ConnectionError extends KafkaError {
  /** The host that was dialed. */
  readonly host: string;
  /** The port that was dialed. */
  readonly port: number;

  /**
   * Makes the error. The message is `what` followed by ` to host:port` and, when there is a
   * cause, its message: `Cannot connect to b1:9092: ECONNREFUSED`.
   */
  constructor(host: string, port: number, what: string, options: ConnectionErrorOptions = {}) {
    const cause = options.cause;
    const why = cause instanceof Error
      ? `: ${cause.message}`
      : cause !== undefined
      ? `: ${String(cause)}`
      : "";
    super(NETWORK_EXCEPTION, {}, {
      cause,
      retriable: options.retriable ?? true,
      message: `${what} to ${formatAddress(host, port)}${why}`,
    });
    this.name = "ConnectionError";
    this.host = host;
    this.port = port;
  }
}

/** `host:port`, with brackets around an IPv6 literal so the port stays readable. */
function formatAddress(host: string, port: number): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]:${port}` : `${host}:${port}`;
}
