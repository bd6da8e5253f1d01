// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * kanal's typed errors in KafkaJS's classes.
 *
 * @module
 */

import { ConnectionError } from "../net/connection_error.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import {
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSOffsetOutOfRange,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
  KafkaJSSASLAuthenticationError,
} from "./errors.ts";

/**
 * KafkaJS's shape of any error kanal throws: a broker's code becomes a
 * {@linkcode KafkaJSProtocolError} (or {@linkcode KafkaJSOffsetOutOfRange}), a timed-out request a
 * {@linkcode KafkaJSRequestTimeoutError}, a failed connection a
 * {@linkcode KafkaJSConnectionError}, a SASL failure a {@linkcode KafkaJSSASLAuthenticationError};
 * a KafkaJS error is returned as it is, anything else wrapped in a {@linkcode KafkaJSError}.
 *
 * @param e What was thrown.
 * @param where The partition it concerns, when known.
 * @returns The KafkaJS error.
 *
 * @example A broker's code
 * ```ts
 * import { KafkaError } from "../protocol/kafka_error.ts";
 * import { KafkaJSProtocolError } from "./errors.ts";
 * import { toKafkaJSError } from "./to_kafkajs_error.ts";
 * import assert from "node:assert/strict";
 *
 * const e = toKafkaJSError(new KafkaError(29));
 * assert.ok(e instanceof KafkaJSProtocolError);
 * assert.equal(e.type, "TOPIC_AUTHORIZATION_FAILED");
 * ```
 */
export function toKafkaJSError(
  e: unknown,
  where?: { topic: string; partition: number },
): KafkaJSError {
  if (e instanceof KafkaJSError) return e;
  if (e instanceof ConnectionError) {
    return new KafkaJSConnectionError(e, { broker: `${e.host}:${e.port}`, cause: e });
  }
  if (e instanceof KafkaError) {
    if (e.errorName === "OFFSET_OUT_OF_RANGE" && where !== undefined) {
      return new KafkaJSOffsetOutOfRange(e, where);
    }
    if (e.errorName === "REQUEST_TIMED_OUT") {
      return new KafkaJSRequestTimeoutError(e, { cause: e });
    }
    if (e.errorName === "SASL_AUTHENTICATION_FAILED") {
      return new KafkaJSSASLAuthenticationError(e, { cause: e });
    }
    return new KafkaJSProtocolError(e);
  }
  if (e instanceof Error) return new KafkaJSError(e, { retriable: false, cause: e });
  return new KafkaJSError(String(e), { retriable: false });
}
