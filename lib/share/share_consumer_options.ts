// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The share consumer's options and their defaults.
 *
 * @module
 */

import { type OptionSchema, validateOptions } from "../client/validate_options.ts";
import type { KafkaError } from "../protocol/kafka_error.ts";

/**
 * How acquired records are acknowledged: `"implicit"` accepts every record of a chunk that was
 * not acknowledged otherwise when the next chunk is read; `"explicit"` leaves that to the
 * reader, and a record it never acknowledges is released when its lock times out or the
 * consumer closes.
 */
export type AcknowledgementMode = "implicit" | "explicit";

/** Options for {@linkcode ShareConsumer}. */
export interface ShareConsumerOptions {
  /** The share group. */
  groupId: string;
  /** The topics to read. */
  topics: readonly string[];
  /** How records are acknowledged. @default {"implicit"} */
  acknowledgementMode?: AcknowledgementMode;
  /** The most records one ShareFetch acquires per partition (Java's `max.poll.records`). @default {500} */
  maxRecords?: number;
  /**
   * How the broker counts `maxRecords` (ShareFetch v2, KIP-1206): `"batch_optimized"` acquires
   * whole batches and may exceed it; `"record_limit"` acquires at most that many records,
   * e.g. to spread a partition's records over members record by record. @default {"batch_optimized"}
   */
  acquireMode?: "batch_optimized" | "record_limit";
  /** How long a ShareFetch waits for records. @default {500} */
  maxWaitMs?: number;
  /** The bytes a ShareFetch waits for. @default {1} */
  minBytes?: number;
  /** The most bytes one ShareFetch answer holds. @default {16777216} */
  maxBytes?: number;
  /** Verify each batch's CRC. @default {true} */
  checkCrc?: boolean;
  /** The most bytes one batch may decompress to. @default {67108864} */
  maxDecompressedBytes?: number;
  /** Wait after a failed request, and the floor of the SHARE_SESSION_LIMIT_REACHED backoff. @default {250} */
  retryBackoffMs?: number;
  /** The rack, for the group's assignor. @default {null} */
  rackId?: string | null;
  /**
   * Told about acknowledgements the broker refused (e.g. INVALID_RECORD_STATE: the lock was
   * lost, the records will be delivered again). Without it they are counted in the stage dump
   * (`ackErrors`) and the next {@linkcode ShareConsumer.commit} throws the first of them.
   */
  onAcknowledgementError?: (error: KafkaError) => void;
  /** Closes the consumer. */
  signal?: AbortSignal;
}

/** The options with defaults filled in. */
export type ResolvedShareConsumerOptions =
  & Required<Omit<ShareConsumerOptions, "signal" | "onAcknowledgementError" | "rackId">>
  & Pick<ShareConsumerOptions, "signal" | "onAcknowledgementError">
  & { rackId: string | null };

const SCHEMA: OptionSchema = {
  groupId: { type: "string", nonEmpty: true },
  topics: { type: "array", of: "string", nonEmpty: true },
  acknowledgementMode: { type: "string", oneOf: ["implicit", "explicit"] },
  maxRecords: { type: "number", min: 1, max: 2 ** 31 - 1, integer: true },
  acquireMode: { type: "string", oneOf: ["batch_optimized", "record_limit"] },
  maxWaitMs: { type: "number", min: 0, max: 2 ** 31 - 1 },
  minBytes: { type: "number", min: 0, max: 2 ** 31 - 1 },
  maxBytes: { type: "number", min: 1, max: 2 ** 31 - 1 },
  checkCrc: { type: "boolean" },
  maxDecompressedBytes: { type: "number", min: 1, max: 2 ** 31 - 1 },
  retryBackoffMs: { type: "number", min: 0, max: 2 ** 31 - 1 },
  rackId: { type: "string" },
  onAcknowledgementError: { type: "function" },
  signal: { type: "signal" },
};

const DEFAULTS: ResolvedShareConsumerOptions = {
  groupId: "",
  topics: [],
  acknowledgementMode: "implicit",
  maxRecords: 500,
  acquireMode: "batch_optimized",
  maxWaitMs: 500,
  minBytes: 1,
  maxBytes: 16 * 1024 * 1024,
  checkCrc: true,
  maxDecompressedBytes: 64 * 1024 * 1024,
  retryBackoffMs: 250,
  rackId: null,
};

/**
 * Validates `options` and fills in the defaults.
 *
 * @throws {TypeError} or {RangeError} naming the option that is wrong.
 *
 * @example A group and topics are required
 * ```ts
 * import { resolveShareConsumerOptions } from "./share_consumer_options.ts";
 * import assert from "node:assert/strict";
 *
 * const o = resolveShareConsumerOptions({ groupId: "workers", topics: ["jobs"] });
 * assert.equal(o.acknowledgementMode, "implicit");
 * assert.throws(() => resolveShareConsumerOptions({ groupId: "", topics: ["jobs"] }));
 * assert.throws(() => resolveShareConsumerOptions({ groupId: "w", topics: [], maxRecords: 0 }));
 * ```
 */
export function resolveShareConsumerOptions(
  options: ShareConsumerOptions,
): ResolvedShareConsumerOptions {
  const o = validateOptions<ResolvedShareConsumerOptions>(
    "ShareConsumer",
    SCHEMA,
    options as never,
    DEFAULTS,
  );
  if (o.groupId.length === 0) {
    throw new TypeError('Cannot use ShareConsumer option "groupId" as it is empty');
  }
  if (o.topics.length === 0) {
    throw new TypeError('Cannot use ShareConsumer option "topics" as it names no topic');
  }
  return o;
}
