// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * What KafkaJS's `consumer.run()` takes and hands its handlers: the run options, the batch and
 * message payloads, and a chunk of kanal's records as KafkaJS's batch.
 *
 * @module
 */

import type { RecordChunk } from "../consumer/record_chunk.ts";
import { type KafkaMessage, kafkaMessage } from "./_messages.ts";

/** KafkaJS's batch, as `eachBatch` gets it. */
export interface Batch {
  /** The topic. */
  topic: string;
  /** The partition. */
  partition: number;
  /** The partition's high watermark, as a string. */
  highWatermark: string;
  /** The messages. */
  messages: KafkaMessage[];
  /** Whether there are none. */
  isEmpty(): boolean;
  /** The first message's offset, or null. */
  firstOffset(): string | null;
  /** The last message's offset (the high watermark less one when empty). */
  lastOffset(): string;
  /** The high watermark less one, less the last offset. */
  offsetLag(): string;
  /** The high watermark less one, less the first offset. */
  offsetLagLow(): string;
}

/** Offsets resolved and not committed yet. */
export interface OffsetsByTopicPartition {
  /** Per topic. */
  topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
}

/** What `eachBatch` gets. */
export interface EachBatchPayload {
  /** The batch. */
  batch: Batch;
  /** Marks the message at `offset` (and all before it) processed. */
  resolveOffset(offset: string): void;
  /** Says the handler is alive (group heartbeats never wait for it). */
  heartbeat(): Promise<void>;
  /** Pauses this partition; returns the function that resumes it. */
  pause(): () => void;
  /** Commits what is resolved, when `autoCommit` is on and its interval or threshold is met. */
  commitOffsetsIfNecessary(): Promise<void>;
  /** What is resolved and not committed yet. */
  uncommittedOffsets(): OffsetsByTopicPartition;
  /** Whether the consumer still runs. */
  isRunning(): boolean;
  /** Whether this partition is being given up: stop early. */
  isStale(): boolean;
}

/** What `eachMessage` gets. */
export interface EachMessagePayload {
  /** The topic. */
  topic: string;
  /** The partition. */
  partition: number;
  /** The message. */
  message: KafkaMessage;
  /** Says the handler is alive (group heartbeats never wait for it). */
  heartbeat(): Promise<void>;
  /** Pauses this partition; returns the function that resumes it. */
  pause(): () => void;
}

/** KafkaJS's `consumer.run()` argument. */
export interface ConsumerRunConfig {
  /** Called per batch. */
  eachBatch?: (payload: EachBatchPayload) => Promise<void>;
  /** Called per message. */
  eachMessage?: (payload: EachMessagePayload) => Promise<void>;
  /** Partitions processed at once (order kept within each). @default {1} */
  partitionsConsumedConcurrently?: number;
  /** Commit what handlers resolved. @default {true} */
  autoCommit?: boolean;
  /** Commit at most this often, in milliseconds; without it (or a threshold), after each batch. */
  autoCommitInterval?: number | null;
  /** Commit once this many messages are resolved. */
  autoCommitThreshold?: number | null;
  /** With `eachBatch`, resolve the whole batch when the handler resolves. @default {true} */
  eachBatchAutoResolve?: boolean;
}

/**
 * A chunk of one partition's records as KafkaJS's batch: offsets as strings, Buffers over the
 * fetched bytes.
 *
 * @param chunk The records kanal fetched.
 * @returns KafkaJS's batch.
 *
 * @example The lag KafkaJS reports
 * ```ts
 * import { batchOf } from "./consumer_payloads.ts";
 * import assert from "node:assert/strict";
 *
 * const record = { offset: 4, timestamp: 0, key: null, value: null, headers: [] };
 * const batch = batchOf({ topic: "t", partition: 0, records: [record], highWatermark: 10, lag: 5 });
 * assert.equal(batch.lastOffset(), "4");
 * assert.equal(batch.offsetLag(), "5");
 * ```
 */
export function batchOf(chunk: RecordChunk): Batch {
  const messages = chunk.records.map(kafkaMessage);
  const hw = chunk.highWatermark;
  const first = chunk.records[0]?.offset;
  const last = chunk.records.at(-1)?.offset ?? hw - 1;
  return {
    topic: chunk.topic,
    partition: chunk.partition,
    highWatermark: String(hw),
    messages,
    isEmpty: () => messages.length === 0,
    firstOffset: () => first === undefined ? null : String(first),
    lastOffset: () => String(last),
    offsetLag: () => String(Math.max(0, hw - 1 - last)),
    offsetLagLow: () => String(Math.max(0, hw - 1 - (first ?? last))),
  };
}
