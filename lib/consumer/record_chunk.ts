// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * What a consumer hands out: chunks of one partition's records.
 *
 * @module
 */

import type { KafkaRecord } from "../protocol/record.ts";

/**
 * Records of one partition from one fetch, in offset order. Keys, values and header values are
 * views into the fetched bytes; `slice()` them to keep them past the chunk.
 */
export interface RecordChunk {
  /** The topic. */
  readonly topic: string;
  /** The partition. */
  readonly partition: number;
  /** The records. */
  readonly records: readonly KafkaRecord[];
  /** The partition's high watermark when fetched: the offset the next produced record gets. */
  readonly highWatermark: number;
  /** Records after the last one in this chunk that were in the partition when fetched. */
  readonly lag: number;
}

/** One record with its topic and partition, for one-record-at-a-time reading. */
export interface ConsumerRecord extends KafkaRecord {
  /** The topic. */
  readonly topic: string;
  /** The partition. */
  readonly partition: number;
}

/**
 * Where a partition consumer starts: the `"oldest"` record still kept, the `"newest"` (only
 * records produced from now on), an absolute offset, or the first record at or after a
 * timestamp (ms since the epoch).
 */
export type StartOffset = "oldest" | "newest" | number | { readonly timestamp: number };
