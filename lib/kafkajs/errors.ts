// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * KafkaJS's error classes, with the names, `retriable` flags and fields KafkaJS programs test
 * for, and the mapping from kanal's typed errors onto them.
 *
 * @module
 */

import { KafkaError } from "../protocol/kafka_error.ts";

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
    // KafkaJS takes `retriable` from the error it wraps; a message alone is retriable.
    super(e, { retriable: metadata.retriable ?? kafka?.retriable ?? true, cause: kafka });
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
 * Metadata was not loaded yet.
 *
 * @example Retriable
 * ```ts
 * import { KafkaJSMetadataNotLoaded } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new KafkaJSMetadataNotLoaded("not yet").retriable, true);
 * ```
 */
export class KafkaJSMetadataNotLoaded extends KafkaJSError {}

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
export class KafkaJSTopicMetadataNotLoaded extends KafkaJSMetadataNotLoaded {
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

/** One-line KafkaJS classes: what each means, with KafkaJS's parent and `retriable` flag. */

/**
 * A message was cut short in a response.
 *
 * @example Not retriable
 * ```ts
 * import { KafkaJSPartialMessageError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new KafkaJSPartialMessageError("cut").retriable, false);
 * ```
 */
export class KafkaJSPartialMessageError extends KafkaJSNonRetriableError {}

/**
 * No broker is known for a node id.
 *
 * @example Retriable
 * ```ts
 * import { KafkaJSBrokerNotFound } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new KafkaJSBrokerNotFound("node 4").retriable, true);
 * ```
 */
export class KafkaJSBrokerNotFound extends KafkaJSError {}

/**
 * A connection closed under a request.
 *
 * @example A connection error
 * ```ts
 * import { KafkaJSConnectionClosedError, KafkaJSConnectionError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(new KafkaJSConnectionClosedError("closed") instanceof KafkaJSConnectionError);
 * ```
 */
export class KafkaJSConnectionClosedError extends KafkaJSConnectionError {}

/**
 * The broker asks the member to join again with the member id it gave.
 *
 * @example A protocol error
 * ```ts
 * import { KafkaJSMemberIdRequired, KafkaJSProtocolError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(new KafkaJSMemberIdRequired("again") instanceof KafkaJSProtocolError);
 * ```
 */
export class KafkaJSMemberIdRequired extends KafkaJSProtocolError {}

/**
 * No coordinator was found for a group.
 *
 * @example Not retriable
 * ```ts
 * import { KafkaJSGroupCoordinatorNotFound } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new KafkaJSGroupCoordinatorNotFound("none").retriable, false);
 * ```
 */
export class KafkaJSGroupCoordinatorNotFound extends KafkaJSNonRetriableError {}

/**
 * An assignment names partitions the metadata does not have.
 *
 * @example Retriable
 * ```ts
 * import { KafkaJSStaleTopicMetadataAssignment } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new KafkaJSStaleTopicMetadataAssignment("stale").retriable, true);
 * ```
 */
export class KafkaJSStaleTopicMetadataAssignment extends KafkaJSError {}

/**
 * Deleting groups failed for some of them.
 *
 * @example Retriable
 * ```ts
 * import { KafkaJSDeleteGroupsError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new KafkaJSDeleteGroupsError("g").retriable, true);
 * ```
 */
export class KafkaJSDeleteGroupsError extends KafkaJSError {}

/**
 * Something took longer than allowed.
 *
 * @example Not retriable
 * ```ts
 * import { KafkaJSTimeout } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new KafkaJSTimeout("late").retriable, false);
 * ```
 */
export class KafkaJSTimeout extends KafkaJSNonRetriableError {}

/**
 * A lock was not taken in time.
 *
 * @example A timeout
 * ```ts
 * import { KafkaJSLockTimeout, KafkaJSTimeout } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(new KafkaJSLockTimeout("lock") instanceof KafkaJSTimeout);
 * ```
 */
export class KafkaJSLockTimeout extends KafkaJSTimeout {}

/**
 * The broker does not support an API the call needs.
 *
 * @example Not retriable
 * ```ts
 * import { KafkaJSServerDoesNotSupportApiKey } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new KafkaJSServerDoesNotSupportApiKey("api").retriable, false);
 * ```
 */
export class KafkaJSServerDoesNotSupportApiKey extends KafkaJSNonRetriableError {}

/**
 * A message set used a magic byte no decoder knows.
 *
 * @example Not retriable
 * ```ts
 * import { KafkaJSUnsupportedMagicByteInMessageSet } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new KafkaJSUnsupportedMagicByteInMessageSet("magic").retriable, false);
 * ```
 */
export class KafkaJSUnsupportedMagicByteInMessageSet extends KafkaJSNonRetriableError {}

/**
 * Deleting records failed for some partitions: retriable only when every failure is.
 *
 * @example Retriable when the failures are
 * ```ts
 * import { KafkaJSDeleteTopicRecordsError, KafkaJSError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const e = new KafkaJSDeleteTopicRecordsError({
 *   topic: "t",
 *   partitions: [{ partition: 0, offset: "1", error: new KafkaJSError("x") }],
 * });
 * assert.equal(e.retriable, true);
 * ```
 */
export class KafkaJSDeleteTopicRecordsError extends KafkaJSError {
  /** The partitions that failed. */
  readonly partitions: { partition: number; offset: string; error: KafkaJSError }[];

  /**
   * Makes the error.
   *
   * @param metadata The topic and its failed partitions.
   */
  constructor(metadata: {
    topic: string;
    partitions: { partition: number; offset: string; error: KafkaJSError }[];
  }) {
    const failed = metadata.partitions.filter((p) => p.error !== undefined);
    super("Error while deleting records", {
      retriable: failed.every((p) => p.error.retriable === true),
    });
    this.partitions = failed;
  }
}

/**
 * A bug: something that must hold did not.
 *
 * @example Not retriable
 * ```ts
 * import { KafkaJSInvariantViolation } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new KafkaJSInvariantViolation("x").retriable, false);
 * ```
 */
export class KafkaJSInvariantViolation extends KafkaJSNonRetriableError {}

/**
 * A varint ran past its bytes.
 *
 * @example Not retriable
 * ```ts
 * import { KafkaJSInvalidVarIntError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new KafkaJSInvalidVarIntError("bad").retriable, false);
 * ```
 */
export class KafkaJSInvalidVarIntError extends KafkaJSNonRetriableError {}

/**
 * A 64-bit integer could not be read.
 *
 * @example Not retriable
 * ```ts
 * import { KafkaJSInvalidLongError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new KafkaJSInvalidLongError("bad").retriable, false);
 * ```
 */
export class KafkaJSInvalidLongError extends KafkaJSNonRetriableError {}

/**
 * Creating a topic failed with the broker's code.
 *
 * @example A protocol error
 * ```ts
 * import { KafkaJSCreateTopicError, KafkaJSProtocolError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(new KafkaJSCreateTopicError("t") instanceof KafkaJSProtocolError);
 * ```
 */
export class KafkaJSCreateTopicError extends KafkaJSProtocolError {}

/**
 * A fetch was cut short by a rebalance.
 *
 * @example A plain Error, as KafkaJS's
 * ```ts
 * import { KafkaJSError, KafkaJSFetcherRebalanceError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(!(new KafkaJSFetcherRebalanceError() instanceof KafkaJSError));
 * ```
 */
export class KafkaJSFetcherRebalanceError extends Error {}

/**
 * No broker could be reached.
 *
 * @example Retriable
 * ```ts
 * import { KafkaJSNoBrokerAvailableError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new KafkaJSNoBrokerAvailableError("none").retriable, true);
 * ```
 */
export class KafkaJSNoBrokerAvailableError extends KafkaJSError {}

/**
 * Reassigning partitions failed with the broker's code.
 *
 * @example A protocol error
 * ```ts
 * import { KafkaJSAlterPartitionReassignmentsError, KafkaJSProtocolError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(new KafkaJSAlterPartitionReassignmentsError("r") instanceof KafkaJSProtocolError);
 * ```
 */
export class KafkaJSAlterPartitionReassignmentsError extends KafkaJSProtocolError {}

/**
 * Whether `e` is a KafkaJS error.
 *
 * @param e Anything thrown.
 * @returns True for an instance of {@linkcode KafkaJSError}.
 *
 * @example
 * ```ts
 * import { isKafkaJSError, KafkaJSError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(isKafkaJSError(new KafkaJSError("x")));
 * assert.ok(!isKafkaJSError(new Error("x")));
 * ```
 */
export function isKafkaJSError(e: unknown): e is KafkaJSError {
  return e instanceof KafkaJSError;
}

/**
 * Whether `e` says a rebalance is under way (KafkaJS's `isRebalancing`).
 *
 * @param e Anything thrown.
 * @returns True for REBALANCE_IN_PROGRESS and NOT_COORDINATOR_FOR_GROUP.
 *
 * @example
 * ```ts
 * import { KafkaError } from "../protocol/kafka_error.ts";
 * import { isRebalancing, KafkaJSProtocolError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(isRebalancing(new KafkaJSProtocolError(new KafkaError(27))));
 * ```
 */
export function isRebalancing(e: unknown): boolean {
  const type = (e as { type?: unknown })?.type;
  return type === "REBALANCE_IN_PROGRESS" || type === "NOT_COORDINATOR";
}
