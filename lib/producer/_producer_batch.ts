// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * One record batch of one partition, from its first record to its acknowledgement.
 *
 * @module
 */

import { type RecordBatchEncoder, restampRecordBatch } from "../protocol/record_batch_encoder.ts";
import type { Delivery } from "./_delivery.ts";

/**
 * A batch: its encoder (records are written into it as they arrive, sized once), and for each
 * record the submission it came from, its index there and its timestamp, in parallel arrays so
 * no object is made per record.
 */
export class ProducerBatch {
  readonly topic: string;
  readonly partition: number;
  readonly encoder: RecordBatchEncoder;
  readonly deliveries: Delivery[] = [];
  readonly indices: number[] = [];
  readonly timestamps: number[] = [];
  /** When the first record was appended. */
  readonly createdAt: number;
  /** Buffer bytes charged for its records, released when it completes. */
  chargedBytes = 0;
  /** Set when a `send()` record is in it: go without lingering. */
  urgent = false;
  /** The finished bytes, once closed. */
  bytes: Uint8Array | Promise<Uint8Array> | null = null;
  /** The idempotent sequence of its first record; -1 when not idempotent. */
  baseSequence = -1;
  /** Its place in its partition's order, counted up without wrapping (sequences wrap at 2^31). */
  ordinal = 0;
  /**
   * Whether an attempt may have been appended though it was not acknowledged (a timeout, a lost
   * connection, NOT_ENOUGH_REPLICAS_AFTER_APPEND): such a batch is sent again only with the
   * producer id, epoch and sequence it was first sent with, so the broker can drop the copy.
   */
  uncertain = false;
  /** Sends so far. */
  attempts = 0;
  /** The error of the last failed attempt. */
  lastError: Error | null = null;

  constructor(topic: string, partition: number, encoder: RecordBatchEncoder, createdAt: number) {
    this.topic = topic;
    this.partition = partition;
    this.encoder = encoder;
    this.createdAt = createdAt;
  }

  /** The number of records. */
  get count(): number {
    return this.deliveries.length;
  }

  /** Reports every record delivered, from the broker's base offset. */
  succeed(baseOffset: number, logAppendTime: number): void {
    for (let i = 0; i < this.deliveries.length; i++) {
      this.deliveries[i]!.delivered(
        this.indices[i]!,
        this.topic,
        this.partition,
        baseOffset < 0 ? -1 : baseOffset + i,
        logAppendTime >= 0 ? logAppendTime : this.timestamps[i]!,
      );
    }
  }

  /** Reports every record failed with `error`. */
  fail(error: Error): void {
    for (let i = 0; i < this.deliveries.length; i++) {
      this.deliveries[i]!.failed(
        this.indices[i]!,
        this.topic,
        this.partition,
        this.timestamps[i]!,
        error,
      );
    }
  }

  /** Gives the batch a new producer epoch and sequence, after an epoch bump. */
  async restamp(producerId: bigint, epoch: number, baseSequence: number): Promise<void> {
    this.baseSequence = baseSequence;
    if (this.bytes === null) {
      this.encoder.setProducer(producerId, epoch, baseSequence);
      return;
    }
    restampRecordBatch(await this.bytes, producerId, epoch, baseSequence);
  }
}
