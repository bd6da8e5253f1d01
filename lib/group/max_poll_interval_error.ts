// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The error a {@linkcode GroupRunner} stops with when a handler does not finish in time.
 *
 * @module
 */

import { ErrorCode } from "../protocol/error_codes.ts";
import { KafkaError } from "../protocol/kafka_error.ts";

/**
 * A handler ran longer than `maxPollIntervalMs` without resolving or calling `heartbeat()`:
 * as the Java consumer does after `max.poll.interval.ms`, the member left the group so that
 * its partitions go to members that make progress. It carries UNKNOWN_MEMBER_ID's code (the
 * member is no longer in the group) and is not retriable on the same runner: start a new one.
 *
 * @example Made with the partition and the limit
 * ```ts
 * import { MaxPollIntervalError } from "./max_poll_interval_error.ts";
 * import assert from "node:assert/strict";
 *
 * const e = new MaxPollIntervalError("orders", 3, 1000);
 * assert.equal(e.name, "MaxPollIntervalError");
 * assert.equal(e.maxPollIntervalMs, 1000);
 * assert.match(e.message, /orders\/3/);
 * assert.equal(e.retriable, false);
 * ```
 */
export class MaxPollIntervalError extends KafkaError {
  /** The limit that was exceeded. */
  readonly maxPollIntervalMs: number;

  /** Makes the error for the handler of `topic`/`partition`. */
  constructor(topic: string, partition: number, maxPollIntervalMs: number) {
    super(ErrorCode.UNKNOWN_MEMBER_ID, { topic, partition }, {
      retriable: false,
      message: `The handler of ${topic}/${partition} did not finish within maxPollIntervalMs ` +
        `(${maxPollIntervalMs} ms): the member left the group`,
    });
    this.name = "MaxPollIntervalError";
    this.maxPollIntervalMs = maxPollIntervalMs;
  }
}
