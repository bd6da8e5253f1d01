// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The record batch as decoded, its attribute bits, and control (transaction marker) records.
 *
 * The v2 layout (KIP-98), offsets from the batch start: baseOffset int64 @0, batchLength int32
 * @8, partitionLeaderEpoch int32 @12, magic int8 @16, crc uint32 @17 (CRC-32C over bytes 21 to
 * the end), attributes int16 @21, lastOffsetDelta int32 @23, baseTimestamp int64 @27,
 * maxTimestamp int64 @35, producerId int64 @43, producerEpoch int16 @51, baseSequence int32
 * @53, recordsCount int32 @57, records @61. Older message sets (magic 0 and 1) are decoded
 * into the same shape, one batch per wrapper message.
 *
 * @module
 */

import type { CompressionName } from "./compression/codec.ts";
import type { KafkaRecord } from "./record.ts";

/** Bytes before the records in a v2 batch. */
export const RECORD_BATCH_HEADER_SIZE = 61;
/** Bytes of a v2 batch header that `batchLength` does not count (baseOffset and itself). */
export const LOG_OVERHEAD = 12;

/** Attribute bits of a v2 batch. */
export const BatchAttributes: {
  /** Bits 0–2: the compression codec id. */
  readonly COMPRESSION_MASK: 0x07;
  /** Bit 3: timestamps are the broker's log-append time. */
  readonly LOG_APPEND_TIME: 0x08;
  /** Bit 4: the batch belongs to a transaction. */
  readonly TRANSACTIONAL: 0x10;
  /** Bit 5: the batch holds one control record (a transaction marker). */
  readonly CONTROL: 0x20;
  /** Bit 6: baseTimestamp is the delete horizon set by compaction (KIP-534). */
  readonly DELETE_HORIZON: 0x40;
} = Object.freeze({
  COMPRESSION_MASK: 0x07,
  LOG_APPEND_TIME: 0x08,
  TRANSACTIONAL: 0x10,
  CONTROL: 0x20,
  DELETE_HORIZON: 0x40,
});

/** Whose clock set the timestamps: the producer's or the broker's at append. */
export type TimestampType = "create-time" | "log-append-time";

/** The marker a control batch carries. */
export interface ControlMarker {
  /** "abort" (type 0) or "commit" (type 1); "other" for KRaft-internal control types. */
  readonly type: "abort" | "commit" | "other";
  /** The control type as written. */
  readonly typeId: number;
  /** The transaction coordinator's epoch, from the record value; -1 if absent. */
  readonly coordinatorEpoch: number;
}

/** One decoded record batch (or, for magic 0 and 1, one message set entry). */
export interface RecordBatch {
  /** The offset of the first record the batch was written with. */
  readonly baseOffset: bigint;
  /** baseOffset + lastOffsetDelta: the next fetch starts after it, even if compaction removed it. */
  readonly lastOffset: bigint;
  /** The leader epoch the broker stamped; -1 for magic 0 and 1. */
  readonly partitionLeaderEpoch: number;
  /** The format: 2 for record batches, 0 or 1 for old message sets. */
  readonly magic: number;
  /** The checksum as stored (CRC-32C for magic 2, CRC-32 for 0 and 1). */
  readonly crc: number;
  /** The attribute bits as stored. */
  readonly attributes: number;
  /** The codec the records were compressed with. */
  readonly compression: CompressionName;
  /** Whose clock the timestamps come from. */
  readonly timestampType: TimestampType;
  /** Whether the batch belongs to a transaction. */
  readonly isTransactional: boolean;
  /** Whether the batch is a transaction marker rather than data. */
  readonly isControl: boolean;
  /** Whether baseTimestamp holds the compaction delete horizon. */
  readonly hasDeleteHorizon: boolean;
  /** The last offset's distance from baseOffset. */
  readonly lastOffsetDelta: number;
  /** The first record's timestamp (or the delete horizon); -1 for none. */
  readonly baseTimestamp: bigint;
  /** The largest timestamp in the batch, or the log-append time. */
  readonly maxTimestamp: bigint;
  /** The idempotent producer's id; -1 when not idempotent. */
  readonly producerId: bigint;
  /** The producer's epoch; -1 when not idempotent. */
  readonly producerEpoch: number;
  /** The sequence number of the first record; -1 when not idempotent. */
  readonly baseSequence: number;
  /** The batch's size on the wire, in bytes. */
  readonly sizeInBytes: number;
  /** The records; for a control batch, the one marker record. */
  readonly records: readonly KafkaRecord[];
  /** For a control batch, the decoded marker; otherwise `null`. */
  readonly controlMarker: ControlMarker | null;
}

/**
 * Builds the key and value of a control record, for brokers and fakes that write transaction
 * markers: key `int16 version 0, int16 type`, value `int16 version 0, int32 coordinatorEpoch`.
 *
 * @example A commit marker
 * ```ts
 * import { controlRecord } from "./record_batch.ts";
 * import assert from "node:assert/strict";
 *
 * const { key, value } = controlRecord("commit", 5);
 * assert.deepEqual(key, new Uint8Array([0, 0, 0, 1]));
 * assert.deepEqual(value, new Uint8Array([0, 0, 0, 0, 0, 5]));
 * ```
 */
export function controlRecord(
  type: "abort" | "commit",
  coordinatorEpoch: number,
): { key: Uint8Array; value: Uint8Array } {
  const key = new Uint8Array(4);
  key[3] = type === "commit" ? 1 : 0;
  const value = new Uint8Array(6);
  new DataView(value.buffer).setInt32(2, coordinatorEpoch);
  return { key, value };
}
