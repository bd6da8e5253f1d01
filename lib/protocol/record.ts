// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Kafka records as the producer hands them to the record batch encoder and as the consumer
 * gets them back from the decoder.
 *
 * @module
 */

/** A header to write. A string value is written as its UTF-8 bytes. */
export interface RecordHeaderInput {
  /** The header's name. */
  readonly key: string;
  /** The header's value; `null` is written as Kafka's null (length -1). */
  readonly value: Uint8Array | string | null;
}

/** A header as read: the value is a view into the fetched bytes, or `null`. */
export interface RecordHeader {
  /** The header's name. */
  readonly key: string;
  /** The header's value. */
  readonly value: Uint8Array | null;
}

/**
 * A record to encode: the producer's hot path. Strings are encoded straight into the batch
 * buffer (`TextEncoder.encodeInto`), never through an intermediate array.
 */
export interface RecordInput {
  /** The key; `null` or absent is Kafka's null key. @default {null} */
  readonly key?: Uint8Array | string | null;
  /** The value; `null` is Kafka's null value (a tombstone on compacted topics). */
  readonly value: Uint8Array | string | null;
  /** The headers, in order. @default {[]} */
  readonly headers?: readonly RecordHeaderInput[];
  /** Milliseconds since the Unix epoch. @default {Date.now() when appended} */
  readonly timestamp?: number;
  /**
   * The offset relative to the batch's base offset. Producers leave it out (records take 0,
   * 1, 2, …); a broker or fake writing compacted batches sets it, strictly increasing.
   * @default {the number of records already in the batch}
   */
  readonly offsetDelta?: number;
}

/**
 * A record as decoded from a fetch: key, value and header values are views (`subarray`) into
 * the fetched bytes, valid as long as the caller keeps them (copy with `slice()` to detach
 * from the response buffer).
 */
export interface KafkaRecord {
  /** The record's offset in its partition (exact: the decoder refuses offsets beyond 2^53). */
  readonly offset: number;
  /**
   * Milliseconds since the Unix epoch: the batch's log-append time when the topic uses
   * `LogAppendTime`, else the producer's; -1 when there is none (magic 0).
   */
  readonly timestamp: number;
  /** The key, or `null`. */
  readonly key: Uint8Array | null;
  /** The value, or `null`. */
  readonly value: Uint8Array | null;
  /** The headers, in order; a shared empty array when there are none. */
  readonly headers: readonly RecordHeader[];
}
