// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The options of a {@linkcode GroupRunner}, the payloads its handlers get, and their checks.
 *
 * @module
 */

import { type OptionSchema, validateOptions } from "../client/validate_options.ts";
import type { KafkaRecord } from "../protocol/record.ts";
import type { RecordChunk } from "../consumer/record_chunk.ts";

/** What every handler can call while it runs. */
export interface HandlerControls {
  /**
   * Says the handler is alive: restarts its `maxPollIntervalMs` clock. Group heartbeats do not
   * need it (they run on the member's own stage, never waiting for handlers).
   */
  heartbeat(): Promise<void>;
  /** Whether the runner is still running (false once it stops or fails). */
  isRunning(): boolean;
  /** Whether this partition is being given up (a rebalance) or the runner stopped: stop early. */
  isStale(): boolean;
  /** Aborted when the handler's work no longer counts: stop, timeout, revocation. */
  readonly signal: AbortSignal;
}

/** What `eachBatch` gets: one partition's records from one fetch, and its controls. */
export interface BatchPayload extends HandlerControls {
  /** The records, in offset order; views into the fetched bytes (copy what you keep). */
  readonly batch: RecordChunk;
  /** Marks the record at `offset` (and all before it) processed; committed with the next commit. */
  resolveOffset(offset: number): void;
  /** Commits every marked offset now (with `autoCommit`; without it, does nothing). */
  commitOffsetsIfNecessary(): Promise<void>;
}

/** What `eachMessage` gets: one record, and its controls. */
export interface MessagePayload extends HandlerControls {
  /** The topic. */
  readonly topic: string;
  /** The partition. */
  readonly partition: number;
  /** The record; its bytes are views into the fetched bytes (copy what you keep). */
  readonly message: KafkaRecord;
}

/** Options for {@linkcode GroupRunner}: give `eachBatch` or `eachMessage`. */
export interface GroupRunnerOptions {
  /** Called with each batch; the next batch of the partition waits for it to resolve. */
  eachBatch?: (payload: BatchPayload) => Promise<void>;
  /** Called with each record; the next record of the partition waits for it to resolve. */
  eachMessage?: (payload: MessagePayload) => Promise<void>;
  /** How many partitions are processed at the same time. @default {1} */
  partitionsConsumedConcurrently?: number;
  /**
   * Mark each batch or record processed once its handler resolved, and commit the marks at the
   * group's `autoCommitIntervalMs`, on `commitOffsetsIfNecessary()` and before a partition is
   * given up. Without it, nothing is marked but what `commitOffsets()` is given. @default {true}
   */
  autoCommit?: boolean;
  /** With `eachBatch`, mark the whole batch when its handler resolves. @default {true} */
  eachBatchAutoResolve?: boolean;
  /**
   * How long a handler may run without resolving or calling `heartbeat()` before the member
   * leaves the group and the runner fails with {@linkcode MaxPollIntervalError}; 0 for no
   * limit. As Java's `max.poll.interval.ms`. @default {300000}
   */
  maxPollIntervalMs?: number;
  /**
   * How many times a failed handler is called again (with the records it did not resolve)
   * before the runner fails with its error. @default {0}
   */
  retries?: number;
  /** Wait before the first retry; doubled for each next one, up to 30 s. @default {300} */
  retryBackoffMs?: number;
}

/** The options with their defaults filled in. */
export type ResolvedRunnerOptions =
  & Required<Omit<GroupRunnerOptions, "eachBatch" | "eachMessage">>
  & Pick<GroupRunnerOptions, "eachBatch" | "eachMessage">;

const SCHEMA: OptionSchema = {
  eachBatch: { type: "function" },
  eachMessage: { type: "function" },
  partitionsConsumedConcurrently: { type: "number", min: 1, max: 100_000, integer: true },
  autoCommit: { type: "boolean" },
  eachBatchAutoResolve: { type: "boolean" },
  maxPollIntervalMs: { type: "number", min: 0, max: 2 ** 31 - 1 },
  retries: { type: "number", min: 0, max: 1_000_000, integer: true },
  retryBackoffMs: { type: "number", min: 0, max: 2 ** 31 - 1 },
};

/**
 * Validates `options` and fills in the defaults.
 *
 * @throws {TypeError} or {RangeError} for bad options, naming the option.
 *
 * @example Exactly one handler
 * ```ts
 * import { resolveRunnerOptions } from "./group_runner_options.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => resolveRunnerOptions({}), TypeError);
 * const o = resolveRunnerOptions({ eachBatch: async () => {} });
 * assert.equal(o.partitionsConsumedConcurrently, 1);
 * assert.equal(o.maxPollIntervalMs, 300_000);
 * ```
 */
export function resolveRunnerOptions(options: GroupRunnerOptions): ResolvedRunnerOptions {
  const o = validateOptions<ResolvedRunnerOptions>("GroupRunner", SCHEMA, options as never, {
    partitionsConsumedConcurrently: 1,
    autoCommit: true,
    eachBatchAutoResolve: true,
    maxPollIntervalMs: 300_000,
    retries: 0,
    retryBackoffMs: 300,
  } as ResolvedRunnerOptions);
  if ((o.eachBatch === undefined) === (o.eachMessage === undefined)) {
    throw new TypeError("Cannot run a group without a handler: give eachBatch or eachMessage");
  }
  return o;
}
