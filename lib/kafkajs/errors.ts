// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * KafkaJS's error classes, with the names, `retriable` flags and fields KafkaJS programs test
 * for, and the mapping from kanal's typed errors onto them.
 *
 * @module
 */

import { KafkaError } from "../protocol/kafka_error.ts";
import { ConnectionError } from "../net/connection_error.ts";

/** What a KafkaJS error may carry besides its message. */
export interface KafkaJSErrorMetadata {
  /** Whether trying again may succeed. @default {true} */
  retriable?: boolean;
  /** The error that caused this one. */
  cause?: unknown;
}

/**
 * The base of every error the KafkaJS layer throws, as KafkaJS's own.
 *
 * @example A retriable error by default
 * ```ts
 * import { KafkaJSError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const e = new KafkaJSError("try again");
 * assert.equal(e.name, "KafkaJSError");
 * assert.equal(e.retriable, true);
 * ```
 */
export class KafkaJSError extends Error {
  /** Whether trying again may succeed. */
  readonly retriable: boolean;

  /**
   * Makes an error from a message or another error (whose message it takes).
   *
   * @param e The message, or the error to wrap.
   * @param metadata Its `retriable` flag and cause.
   */
  constructor(e: Error | string, metadata: KafkaJSErrorMetadata = {}) {
    super(typeof e === "string" ? e : e.message, { cause: metadata.cause });
    this.name = new.target.name;
    this.retriable = metadata.retriable ?? true;
  }
}

/**
 * An error that trying again cannot mend.
 *
 * @example Never retriable
 * ```ts
 * import { KafkaJSNonRetriableError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new KafkaJSNonRetriableError("no").retriable, false);
 * ```
 */
export class KafkaJSNonRetriableError extends KafkaJSError {
  /**
   * Makes the error.
   *
   * @param e The message, or the error to wrap.
   * @param metadata The cause.
   */
  constructor(e: Error | string, metadata: { cause?: unknown } = {}) {
    super(e, { retriable: false, cause: metadata.cause });
  }
}

/**
 * An error code a broker answered with: `type` is Kafka's name for it, `code` its number.
 *
 * @example From kanal's typed error
 * ```ts
 * import { KafkaError } from "../protocol/kafka_error.ts";
 * import { KafkaJSProtocolError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const e = new KafkaJSProtocolError(new KafkaError(3));
 * assert.equal(e.type, "UNKNOWN_TOPIC_OR_PARTITION");
 * assert.equal(e.code, 3);
 * assert.equal(e.retriable, true);
 * ```
 */
export class KafkaJSProtocolError extends KafkaJSError {
  /** Kafka's error code. */
  readonly code: number;
  /** Kafka's name for the code, e.g. `UNKNOWN_TOPIC_OR_PARTITION`. */
  readonly type: string;

  /**
   * Makes the error.
   *
   * @param e kanal's `KafkaError` (its code, name and `retriable` flag are kept), or a message.
   * @param metadata Overrides its `retriable` flag.
   */
  constructor(e: KafkaError | Error | string, metadata: { retriable?: boolean } = {}) {
    const kafka = e instanceof KafkaError ? e : undefined;
    super(e, { retriable: metadata.retriable ?? kafka?.retriable ?? false, cause: kafka });
    this.code = kafka?.code ?? -1;
    this.type = kafka?.errorName ?? "UNKNOWN";
  }
}

/**
 * A read from an offset the partition no longer (or not yet) holds.
 *
 * @example It names the partition
 * ```ts
 * import { KafkaError } from "../protocol/kafka_error.ts";
 * import { KafkaJSOffsetOutOfRange } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const e = new KafkaJSOffsetOutOfRange(new KafkaError(1), { topic: "t", partition: 2 });
 * assert.equal(e.partition, 2);
 * ```
 */
export class KafkaJSOffsetOutOfRange extends KafkaJSProtocolError {
  /** The topic. */
  readonly topic: string;
  /** The partition. */
  readonly partition: number;

  /**
   * Makes the error.
   *
   * @param e The broker's error.
   * @param metadata Which partition.
   */
  constructor(e: KafkaError | Error | string, metadata: { topic: string; partition: number }) {
    super(e);
    this.topic = metadata.topic;
    this.partition = metadata.partition;
  }
}

/**
 * Tries ran out: `cause` is the last failure.
 *
 * @example Never retriable
 * ```ts
 * import { KafkaJSNumberOfRetriesExceeded } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const e = new KafkaJSNumberOfRetriesExceeded(new Error("down"), { retryCount: 5, retryTime: 0 });
 * assert.equal(e.retriable, false);
 * assert.equal(e.retryCount, 5);
 * ```
 */
export class KafkaJSNumberOfRetriesExceeded extends KafkaJSNonRetriableError {
  /** How many times it was tried again. */
  readonly retryCount: number;
  /** The last wait before trying again, in milliseconds. */
  readonly retryTime: number;

  /**
   * Makes the error.
   *
   * @param e The last failure.
   * @param metadata How many retries, and the last wait.
   */
  constructor(e: Error | string, metadata: { retryCount?: number; retryTime?: number } = {}) {
    super(e, { cause: e });
    this.retryCount = metadata.retryCount ?? 0;
    this.retryTime = metadata.retryTime ?? 0;
  }
}

/**
 * A connection to a broker failed or closed.
 *
 * @example It names the broker
 * ```ts
 * import { KafkaJSConnectionError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new KafkaJSConnectionError("refused", { broker: "h:9092" }).broker, "h:9092");
 * ```
 */
export class KafkaJSConnectionError extends KafkaJSError {
  /** The broker, as `host:port` (empty when unknown). */
  readonly broker: string;

  /**
   * Makes the error.
   *
   * @param e The message, or the error to wrap.
   * @param metadata The broker.
   */
  constructor(e: Error | string, metadata: { broker?: string; cause?: unknown } = {}) {
    super(e, { cause: metadata.cause });
    this.broker = metadata.broker ?? "";
  }
}

/**
 * A request got no answer within the request timeout.
 *
 * @example Retriable
 * ```ts
 * import { KafkaJSRequestTimeoutError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new KafkaJSRequestTimeoutError("late").retriable, true);
 * ```
 */
export class KafkaJSRequestTimeoutError extends KafkaJSError {}

/**
 * The metadata of a topic was not found.
 *
 * @example It names the topic
 * ```ts
 * import { KafkaJSTopicMetadataNotLoaded } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new KafkaJSTopicMetadataNotLoaded("none", { topic: "t" }).topic, "t");
 * ```
 */
export class KafkaJSTopicMetadataNotLoaded extends KafkaJSError {
  /** The topic. */
  readonly topic: string;

  /**
   * Makes the error.
   *
   * @param e The message.
   * @param metadata The topic.
   */
  constructor(e: Error | string, metadata: { topic: string }) {
    super(e);
    this.topic = metadata.topic;
  }
}

/**
 * SASL authentication failed.
 *
 * @example Not retriable
 * ```ts
 * import { KafkaJSSASLAuthenticationError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new KafkaJSSASLAuthenticationError("bad password").retriable, false);
 * ```
 */
export class KafkaJSSASLAuthenticationError extends KafkaJSNonRetriableError {}

/**
 * Something KafkaJS offers that kanal's KafkaJS layer does not.
 *
 * @example Not retriable
 * ```ts
 * import { KafkaJSNotImplemented } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new KafkaJSNotImplemented("socketFactory").retriable, false);
 * ```
 */
export class KafkaJSNotImplemented extends KafkaJSNonRetriableError {}

/**
 * Several errors at once (e.g. one per partition).
 *
 * @example It keeps them all
 * ```ts
 * import { KafkaJSAggregateError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new KafkaJSAggregateError("two", [new Error("a"), new Error("b")]).errors.length, 2);
 * ```
 */
export class KafkaJSAggregateError extends Error {
  /** The errors. */
  readonly errors: (Error | string)[];

  /**
   * Makes the error.
   *
   * @param message What failed.
   * @param errors Each failure.
   */
  constructor(message: Error | string, errors: (Error | string)[]) {
    super(typeof message === "string" ? message : message.message);
    this.name = "KafkaJSAggregateError";
    this.errors = errors;
  }
}

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
 * import { KafkaJSProtocolError, toKafkaJSError } from "./errors.ts";
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
