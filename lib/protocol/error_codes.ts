// Copyright 2026 the kanal authors. MIT license.
/**
 * Kafka's error-code table as data. (Placeholder rows; the full table lands with the protocol issue.)
 *
 * @module
 */

/** One row of Kafka's error-code table. */
export interface ErrorCodeInfo {
  /** Kafka's numeric code. */
  readonly code: number;
  /** Kafka's name for it, e.g. `NOT_LEADER_OR_FOLLOWER`. */
  readonly name: string;
  /** Whether Kafka's own client treats it as retriable. */
  readonly retriable: boolean;
  /** Kafka's default message. */
  readonly message: string;
}

/** Every error code Kafka defines, in code order. */
export const ERROR_CODES: readonly ErrorCodeInfo[] = [
  { code: -1, name: "UNKNOWN_SERVER_ERROR", retriable: false, message: "The server experienced an unexpected error when processing the request." },
  { code: 0, name: "NONE", retriable: false, message: "" },
  { code: 2, name: "CORRUPT_MESSAGE", retriable: true, message: "This message has failed its CRC checksum, exceeds the valid size, has a null key for a compacted topic, or is otherwise corrupt." },
];
