// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The error a partition raises when its log was truncated under it (KIP-320).
 *
 * @module
 */

import { ErrorCode } from "../protocol/error_codes.ts";
import { type ErrorSite, KafkaError } from "../protocol/kafka_error.ts";

/**
 * The partition's log no longer holds what this consumer read: an unclean leader election
 * dropped records from `divergedAt` up to `position` (the broker answered a fetch with
 * `divergingEpoch`). Raised under `logTruncation: "error"`; under `"resume"` the partition
 * goes on from `divergedAt` instead. It carries OFFSET_OUT_OF_RANGE's code (Kafka has none of
 * its own) and is not retriable: the records read past `divergedAt` are gone.
 *
 * @example Made with the divergence point and the position
 * ```ts
 * import { LogTruncationError } from "./log_truncation_error.ts";
 * import assert from "node:assert/strict";
 *
 * const e = new LogTruncationError(5, 10, 0, { topic: "t", partition: 0 });
 * assert.equal(e.name, "LogTruncationError");
 * assert.equal(e.divergedAt, 5);
 * assert.equal(e.retriable, false);
 * ```
 */
export class LogTruncationError extends KafkaError {
  /** The first offset the leader's log no longer agrees on. */
  readonly divergedAt: number;
  /** Where this consumer was when the divergence was found. */
  readonly position: number;
  /** The last leader epoch both logs agree on. */
  readonly epoch: number;

  /** Makes the error. */
  constructor(divergedAt: number, position: number, epoch: number, site: ErrorSite = {}) {
    super(ErrorCode.OFFSET_OUT_OF_RANGE, site, {
      retriable: false,
      message: `Log truncated: records from offset ${divergedAt} to ${position} ` +
        `(read at leader epoch ${epoch} or later) are no longer in the partition`,
    });
    this.name = "LogTruncationError";
    this.divergedAt = divergedAt;
    this.position = position;
    this.epoch = epoch;
  }
}
