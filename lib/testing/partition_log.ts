// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * One partition's log in the fake cluster: record batches kept as the producer wrote them (with
 * the offset and leader epoch the broker stamps), the high watermark, the log start, retention
 * by bytes, the leader-epoch history and the idempotent producers' state.
 *
 * @module
 */

import { crc32c } from "../protocol/crc32c.ts";
import { controlRecord } from "../protocol/record_batch.ts";
import { RecordBatchEncoder } from "../protocol/record_batch_encoder.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { BatchAttributes, RECORD_BATCH_HEADER_SIZE } from "../protocol/record_batch.ts";

/** A batch in the log: its bytes (offset and epoch stamped) and the facts reads need. */
export interface StoredBatch {
  /** The batch's first offset. */
  readonly baseOffset: bigint;
  /** The batch's last offset. */
  readonly lastOffset: bigint;
  /** The leader epoch stamped at append. */
  readonly leaderEpoch: number;
  /** The largest record timestamp (or the append time). */
  readonly maxTimestamp: bigint;
  /** The batch as stored, a v2 record batch. */
  readonly bytes: Uint8Array;
  /** The producer id, -1 for none. */
  readonly producerId: bigint;
  /** Whether the batch is part of a transaction. */
  readonly transactional: boolean;
  /** Whether the batch is a control batch (a transaction marker). */
  readonly control: boolean;
}

/** What an append answered: the error code, and on success where the batch went. */
export interface AppendResult {
  /** Kafka's error code; 0 on success (a duplicate is a success at its first offset). */
  readonly errorCode: number;
  /** The batch's first offset, or -1 on error. */
  readonly baseOffset: bigint;
  /** The log start offset at the time. */
  readonly logStartOffset: bigint;
  /** The append time, when the topic stamps it; -1 otherwise. */
  readonly logAppendTime: bigint;
  /** A message for the error, if any. */
  readonly errorMessage: string | null;
}

/** Options for {@linkcode PartitionLog}. */
export interface PartitionLogOptions {
  /**
   * Bytes of batches kept; past it the oldest batches are removed and the log start moves up,
   * as Kafka's `retention.bytes` does. Bounds the fake's memory in long tests.
   *
   * @default {67108864 (64 MiB)}
   */
  retentionBytes?: number;
  /** Stamp the append time on batches (`message.timestamp.type=LogAppendTime`). @default {false} */
  logAppendTime?: boolean;
  /**
   * The null broker: appended batches are acknowledged (offsets advance) but not kept, and
   * reads serve the batch given to {@linkcode PartitionLog.prepare}. For benchmarks.
   *
   * @default {false}
   */
  discard?: boolean;
}

interface ProducerEntry {
  epoch: number;
  /** The last (up to five) batches appended: first seq, last seq and first offset. */
  batches: { firstSeq: number; lastSeq: number; baseOffset: bigint }[];
}

const MAX_INT32 = 0x7fffffff;
/** How many recent batches per producer Kafka remembers for duplicate detection. */
const DEDUPE_WINDOW = 5;

/**
 * One partition's log: appends validated batches, serves them back as written, and answers
 * idempotent producers as a Kafka 4 broker does (a duplicate of one of the last five batches
 * succeeds with its first offset; a gap is OUT_OF_ORDER_SEQUENCE_NUMBER; an older epoch is
 * INVALID_PRODUCER_EPOCH).
 *
 * @example Append a batch and read it back
 * ```ts
 * import { PartitionLog } from "./partition_log.ts";
 * import { encodeRecordBatch } from "../protocol/record_batch_encoder.ts";
 * import assert from "node:assert/strict";
 *
 * const log = new PartitionLog();
 * const batch = await encodeRecordBatch([{ value: "a" }, { value: "b" }]);
 * assert.equal(log.append(batch, 0, 0n).baseOffset, 0n);
 * assert.equal(log.append(batch, 0, 0n).baseOffset, 2n);
 * assert.equal(log.highWatermark, 4n);
 * assert.equal(log.read(3n, 1 << 20)[0]!.baseOffset, 2n);
 * ```
 */
export class PartitionLog {
  /** The batches, in offset order. */
  readonly batches: StoredBatch[] = [];
  /** Leader epochs and the offset each started at, oldest first. */
  readonly epochs: { epoch: number; startOffset: bigint }[] = [];
  #logStart = 0n;
  #next = 0n;
  #bytes = 0;
  readonly #retention: number;
  readonly #appendTime: boolean;
  readonly #producers: Map<bigint, ProducerEntry> = new Map();
  readonly #discard: boolean;
  /** Open transactions: producer id to the offset of its first batch here. */
  readonly #ongoing: Map<bigint, bigint> = new Map();
  /** Aborted transactions still in the log, for read_committed fetches. */
  readonly #aborted: { producerId: bigint; firstOffset: bigint; lastOffset: bigint }[] = [];
  #template: { bytes: Uint8Array; records: number; copies: number } | null = null;

  /** Makes an empty log. */
  constructor(options: PartitionLogOptions = {}) {
    this.#retention = options.retentionBytes ?? 64 * 1024 * 1024;
    this.#appendTime = options.logAppendTime ?? false;
    this.#discard = options.discard ?? false;
  }

  /**
   * Makes the log read as `copies` copies of `batch` back to back from offset 0 (each copy
   * restamped with its offset), without holding more than the one batch: what a null broker
   * serves to a consumer benchmark.
   *
   * @example A million records from one batch
   * ```ts
   * import { PartitionLog } from "./partition_log.ts";
   * import { encodeRecordBatch } from "../protocol/record_batch_encoder.ts";
   * import assert from "node:assert/strict";
   *
   * const log = new PartitionLog({ discard: true });
   * log.prepare(await encodeRecordBatch([{ value: "a" }, { value: "b" }]), 500_000);
   * assert.equal(log.highWatermark, 1_000_000n);
   * assert.equal(log.read(999_999n, 1)[0]!.baseOffset, 999_998n);
   * ```
   */
  prepare(batch: Uint8Array, copies: number): void {
    const records = new DataView(batch.buffer, batch.byteOffset, batch.byteLength).getInt32(57);
    this.#template = { bytes: batch.slice(), records, copies };
    this.#logStart = 0n;
    this.#next = BigInt(records * copies);
  }

  /** The first offset still in the log. */
  get logStartOffset(): bigint {
    return this.#logStart;
  }

  /** The next offset to be written (the log end offset). */
  get logEndOffset(): bigint {
    return this.#next;
  }

  /** The high watermark: every replica is the log itself here, so the log end. */
  get highWatermark(): bigint {
    return this.#next;
  }

  /**
   * The last stable offset: the first offset of the oldest open transaction, or the high
   * watermark when none is open. read_committed consumers read up to it.
   */
  get lastStableOffset(): bigint {
    let lso = this.#next;
    for (const first of this.#ongoing.values()) if (first < lso) lso = first;
    return lso;
  }

  /** The aborted transactions with records in `[from, to)`, for a read_committed fetch. */
  abortedIn(from: bigint, to: bigint): { producerId: bigint; firstOffset: bigint }[] {
    return this.#aborted.filter((a) => a.lastOffset >= from && a.firstOffset < to).map((a) => ({
      producerId: a.producerId,
      firstOffset: a.firstOffset,
    }));
  }

  /** Whether `producerId` has an open transaction here. */
  inTransaction(producerId: bigint): boolean {
    return this.#ongoing.has(producerId);
  }

  /**
   * Writes a transaction marker (a control batch) for `producerId`, closing its transaction
   * here; an abort is remembered for read_committed fetches.
   */
  writeMarker(
    producerId: bigint,
    producerEpoch: number,
    commit: boolean,
    leaderEpoch: number,
    now: bigint,
  ): void {
    const enc = new RecordBatchEncoder(128);
    enc.reset({ producerId, producerEpoch, transactional: true, control: true });
    const { key, value } = controlRecord(commit ? "commit" : "abort", 0);
    enc.append({ key, value, timestamp: Number(now) });
    const bytes = (enc.finish() as Uint8Array).slice();
    const first = this.#ongoing.get(producerId);
    const r = this.append(bytes, leaderEpoch, now);
    this.#ongoing.delete(producerId);
    if (!commit && first !== undefined) {
      this.#aborted.push({ producerId, firstOffset: first, lastOffset: r.baseOffset });
    }
  }

  /** Bytes of batches held. */
  get sizeInBytes(): number {
    return this.#bytes;
  }

  /**
   * Checks a producer's batch against its idempotence state without writing; returns an error
   * code, or the duplicate's first offset, or null when the batch may be appended.
   */
  #checkProducer(
    producerId: bigint,
    epoch: number,
    firstSeq: number,
    lastSeq: number,
  ): { code: number; dupOffset?: bigint; message: string | null } | null {
    const entry = this.#producers.get(producerId);
    if (entry === undefined) return null; // no state: Kafka accepts any sequence
    if (epoch < entry.epoch) {
      return {
        code: ErrorCode.INVALID_PRODUCER_EPOCH,
        message: `epoch ${epoch} is older than the current epoch ${entry.epoch}`,
      };
    }
    if (epoch > entry.epoch) {
      if (firstSeq !== 0) {
        return {
          code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          message: `a new epoch ${epoch} must start at sequence 0, not ${firstSeq}`,
        };
      }
      return null;
    }
    const dup = entry.batches.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq);
    if (dup !== undefined) return { code: 0, dupOffset: dup.baseOffset, message: null };
    const last = entry.batches.at(-1)?.lastSeq ?? -1;
    const inSequence = firstSeq === last + 1 || (firstSeq === 0 && last === MAX_INT32);
    if (!inSequence) {
      return {
        code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        message: `sequence ${firstSeq} does not follow ${last}`,
      };
    }
    return null;
  }

  /**
   * Appends one validated v2 batch (the caller checked its CRC and layout): stamps its first
   * offset and `leaderEpoch`, applies idempotence, and enforces retention. The bytes are kept;
   * pass a copy the log may own.
   */
  append(batch: Uint8Array, leaderEpoch: number, now: bigint): AppendResult {
    const v = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
    const attributes = v.getInt16(21);
    const lastOffsetDelta = v.getInt32(23);
    const producerId = v.getBigInt64(43);
    const producerEpoch = v.getInt16(51);
    const firstSeq = v.getInt32(53);
    const control = (attributes & BatchAttributes.CONTROL) !== 0;
    if (producerId >= 0n && !control) {
      const lastSeq = firstSeq > MAX_INT32 - lastOffsetDelta
        ? lastOffsetDelta - (MAX_INT32 - firstSeq) - 1
        : firstSeq + lastOffsetDelta;
      const verdict = this.#checkProducer(producerId, producerEpoch, firstSeq, lastSeq);
      if (verdict !== null) {
        return {
          errorCode: verdict.code,
          baseOffset: verdict.dupOffset ?? -1n,
          logStartOffset: this.#logStart,
          logAppendTime: -1n,
          errorMessage: verdict.message,
        };
      }
      let entry = this.#producers.get(producerId);
      if (entry === undefined || entry.epoch !== producerEpoch) {
        entry = { epoch: producerEpoch, batches: [] };
        this.#producers.set(producerId, entry);
      }
      entry.batches.push({ firstSeq, lastSeq, baseOffset: this.#next });
      if (entry.batches.length > DEDUPE_WINDOW) entry.batches.shift();
    } else if (producerId >= 0n) {
      // A marker ends the producer's transaction but keeps its epoch and sequences.
      const entry = this.#producers.get(producerId);
      if (entry !== undefined && producerEpoch > entry.epoch) entry.epoch = producerEpoch;
    }
    const baseOffset = this.#next;
    if (this.#discard) {
      this.#next += BigInt(lastOffsetDelta) + 1n;
      return {
        errorCode: 0,
        baseOffset,
        logStartOffset: 0n,
        logAppendTime: -1n,
        errorMessage: null,
      };
    }
    v.setBigInt64(0, baseOffset);
    v.setInt32(12, leaderEpoch);
    let maxTimestamp = v.getBigInt64(35);
    let logAppendTime = -1n;
    if (this.#appendTime) {
      v.setInt16(21, attributes | BatchAttributes.LOG_APPEND_TIME);
      v.setBigInt64(35, now);
      v.setUint32(17, crc32c(batch.subarray(21)));
      maxTimestamp = now;
      logAppendTime = now;
    }
    const transactional = (attributes & BatchAttributes.TRANSACTIONAL) !== 0;
    if (transactional && !control && producerId >= 0n && !this.#ongoing.has(producerId)) {
      this.#ongoing.set(producerId, baseOffset);
    }
    this.#push({
      baseOffset,
      lastOffset: baseOffset + BigInt(lastOffsetDelta),
      leaderEpoch,
      maxTimestamp,
      bytes: batch,
      producerId,
      transactional,
      control,
    });
    return {
      errorCode: 0,
      baseOffset,
      logStartOffset: this.#logStart,
      logAppendTime,
      errorMessage: null,
    };
  }

  #push(b: StoredBatch): void {
    const last = this.epochs.at(-1);
    if (last === undefined || last.epoch < b.leaderEpoch) {
      this.epochs.push({ epoch: b.leaderEpoch, startOffset: b.baseOffset });
    }
    this.batches.push(b);
    this.#next = b.lastOffset + 1n;
    this.#bytes += b.bytes.length;
    while (this.#bytes > this.#retention && this.batches.length > 1) {
      const gone = this.batches.shift()!;
      this.#bytes -= gone.bytes.length;
      this.#logStart = this.batches[0]!.baseOffset;
    }
    while (this.#aborted.length > 0 && this.#aborted[0]!.lastOffset < this.#logStart) {
      this.#aborted.shift();
    }
  }

  /** Index of the batch holding `offset`, or of the first batch after it; batches.length if none. */
  indexOf(offset: bigint): number {
    let lo = 0;
    let hi = this.batches.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.batches[mid]!.lastOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The batches from the one holding `offset`, up to `maxBytes` (but always the first, as Kafka
   * does so that a batch larger than the limit can still be read), stopping before `end`.
   */
  read(offset: bigint, maxBytes: number, end: bigint = this.#next): StoredBatch[] {
    if (this.#template !== null) return this.#readTemplate(offset, maxBytes, end);
    const out: StoredBatch[] = [];
    let size = 0;
    for (let i = this.indexOf(offset); i < this.batches.length; i++) {
      const b = this.batches[i]!;
      if (b.baseOffset >= end) break;
      if (out.length > 0 && size + b.bytes.length > maxBytes) break;
      out.push(b);
      size += b.bytes.length;
    }
    return out;
  }

  #readTemplate(offset: bigint, maxBytes: number, end: bigint): StoredBatch[] {
    const t = this.#template!;
    const out: StoredBatch[] = [];
    const n = BigInt(t.records);
    let size = 0;
    for (let base = (offset / n) * n; base < end; base += n) {
      if (out.length > 0 && size + t.bytes.length > maxBytes) break;
      const bytes = t.bytes.slice();
      new DataView(bytes.buffer).setBigInt64(0, base);
      out.push({
        baseOffset: base,
        lastOffset: base + n - 1n,
        leaderEpoch: 0,
        maxTimestamp: -1n,
        bytes,
        producerId: -1n,
        transactional: false,
        control: false,
      });
      size += bytes.length;
    }
    return out;
  }

  /**
   * Moves the log start up to `offset` (DeleteRecords): whole batches below it go. Returns the
   * new log start.
   */
  deleteBefore(offset: bigint): bigint {
    if (offset <= this.#logStart) return this.#logStart;
    while (this.batches.length > 0 && this.batches[0]!.lastOffset < offset) {
      this.#bytes -= this.batches.shift()!.bytes.length;
    }
    this.#logStart = offset;
    return offset;
  }

  /**
   * Cuts the log back to `offset` (as an unclean leader election does): batches at or past it
   * are removed, with the epochs that began there. A batch that straddles `offset` goes whole.
   */
  truncate(offset: bigint): void {
    while (this.batches.length > 0 && this.batches.at(-1)!.lastOffset >= offset) {
      this.#bytes -= this.batches.pop()!.bytes.length;
    }
    this.#next = this.batches.at(-1)?.lastOffset !== undefined
      ? this.batches.at(-1)!.lastOffset + 1n
      : (offset < this.#logStart ? this.#logStart : offset);
    if (this.#next < this.#logStart) this.#logStart = this.#next;
    while (this.epochs.length > 0 && this.epochs.at(-1)!.startOffset >= this.#next) {
      this.epochs.pop();
    }
    // Producers whose last batches are gone must start over: forget them, as a broker whose
    // log was truncated rebuilds its state from what is left. So with transactions cut off.
    this.#producers.clear();
    for (const [pid, first] of this.#ongoing) if (first >= this.#next) this.#ongoing.delete(pid);
    while (this.#aborted.length > 0 && this.#aborted.at(-1)!.lastOffset >= this.#next) {
      this.#aborted.pop();
    }
  }

  /**
   * For OffsetForLeaderEpoch: the end offset of `epoch` (the start of the next larger epoch,
   * or the log end) and the largest epoch at or below it; -1 and -1 when none is.
   */
  endOffsetFor(epoch: number, currentEpoch: number): { epoch: number; endOffset: bigint } {
    if (epoch === currentEpoch) return { epoch, endOffset: this.#next };
    let found = -1;
    for (let i = this.epochs.length - 1; i >= 0; i--) {
      if (this.epochs[i]!.epoch <= epoch) {
        found = i;
        break;
      }
    }
    if (found < 0) return { epoch: -1, endOffset: -1n };
    const next = this.epochs[found + 1];
    return {
      epoch: this.epochs[found]!.epoch,
      endOffset: next !== undefined ? next.startOffset : this.#next,
    };
  }

  /** The producer ids with state here (for tests and DescribeProducers). */
  producerIds(): bigint[] {
    return [...this.#producers.keys()];
  }
}

/**
 * Checks a produced v2 batch's layout and CRC, as a broker does before appending; returns an
 * error code and a message, or null when it is sound.
 */
export function checkBatch(bytes: Uint8Array): { code: number; message: string } | null {
  if (bytes.length < RECORD_BATCH_HEADER_SIZE) {
    return { code: ErrorCode.CORRUPT_MESSAGE, message: `batch of ${bytes.length} bytes` };
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[16] !== 2) {
    return {
      code: ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
      message: `magic ${bytes[16]} is not 2`,
    };
  }
  const length = v.getInt32(8);
  if (length + 12 !== bytes.length) {
    return {
      code: ErrorCode.INVALID_RECORD,
      message: `batch length ${length} does not match the ${bytes.length - 12} bytes sent ` +
        "(a produce request holds exactly one batch per partition)",
    };
  }
  if (v.getUint32(17) !== crc32c(bytes.subarray(21))) {
    return { code: ErrorCode.CORRUPT_MESSAGE, message: "CRC mismatch" };
  }
  const count = v.getInt32(57);
  if (count <= 0 || v.getInt32(23) !== count - 1) {
    return {
      code: ErrorCode.INVALID_RECORD,
      message: `lastOffsetDelta ${v.getInt32(23)} does not fit ${count} records`,
    };
  }
  if ((v.getInt16(21) & BatchAttributes.CONTROL) !== 0) {
    return { code: ErrorCode.INVALID_RECORD, message: "clients may not write control batches" };
  }
  return null;
}
