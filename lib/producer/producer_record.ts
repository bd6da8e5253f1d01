// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * What goes into a producer, and what comes back for each record.
 *
 * @module
 */

import type { RecordHeaderInput } from "../protocol/record.ts";

/**
 * A record to produce. Keys and values are bytes, strings (written as UTF-8) or `null`; with a
 * key or value serializer configured they may be anything the serializer takes.
 */
export interface ProducerRecord<K = Uint8Array | string | null, V = Uint8Array | string | null> {
  /** The topic. */
  readonly topic: string;
  /** The key; records with equal keys go to the same partition. @default {null} */
  readonly key?: K;
  /** The value; `null` is a tombstone on compacted topics. */
  readonly value: V;
  /** Headers, as a list (names may repeat) or an object. @default {[]} */
  readonly headers?:
    | readonly RecordHeaderInput[]
    | Readonly<Record<string, Uint8Array | string | null>>;
  /** Milliseconds since the epoch, or a `Date`. @default {the time it was accepted} */
  readonly timestamp?: number | Date;
  /** The partition; when absent the partitioner picks one. */
  readonly partition?: number;
}

/** The outcome of producing one record. */
export interface DeliveryReport {
  /** The topic. */
  readonly topic: string;
  /** The partition it went to; -1 if it failed before one was picked. */
  readonly partition: number;
  /**
   * Its offset; -1 when unknown (acks `none`, or a retry the broker recognised as a duplicate
   * of a write it had already acknowledged).
   */
  readonly offset: number;
  /** Its timestamp: the one it was sent with, or the broker's when the topic uses LogAppendTime. */
  readonly timestamp: number;
  /** Why it was not delivered; absent on success. */
  readonly error?: Error;
}
