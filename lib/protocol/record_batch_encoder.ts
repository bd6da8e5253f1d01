// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Builds v2 record batches: the producer's hot path.
 *
 * Each record is written once, as it is appended, into one reusable buffer; its varint lengths
 * are computed then and there (a string's UTF-8 length is found by encoding it in place, and
 * the length prefix is moved only in the rare case the guess from its UTF-16 length was
 * short). `finish()` compresses the records section if asked and patches the header: length,
 * attributes, offsets, timestamps and the CRC-32C over attributes..end.
 *
 * @module
 */

import { compress } from "./compression/codec_registry.ts";
import { COMPRESSION_IDS, type CompressionName } from "./compression/codec.ts";
import { crc32c } from "./crc32c.ts";
import type { RecordHeaderInput, RecordInput } from "./record.ts";
import { BatchAttributes, RECORD_BATCH_HEADER_SIZE, type TimestampType } from "./record_batch.ts";

const encoder: TextEncoder = new TextEncoder();

/** The batch-level fields of a record batch; every one has a default fit for producing. */
export interface RecordBatchOptions {
  /** The codec for the records section. @default {"none"} */
  compression?: CompressionName;
  /** The first offset; producers send 0 and the broker assigns. @default {0n} */
  baseOffset?: bigint;
  /** The leader epoch; the broker overwrites it. @default {-1} */
  partitionLeaderEpoch?: number;
  /** The idempotent producer's id; -1 when not idempotent. @default {-1n} */
  producerId?: bigint;
  /** The idempotent producer's epoch. @default {-1} */
  producerEpoch?: number;
  /** The sequence number of the first record. @default {-1} */
  baseSequence?: number;
  /** Marks the batch as part of a transaction. @default {false} */
  transactional?: boolean;
  /** Marks the batch as a control batch (a transaction marker). @default {false} */
  control?: boolean;
  /** Whose clock the timestamps are; brokers set "log-append-time". @default {"create-time"} */
  timestampType?: TimestampType;
  /**
   * Overrides maxTimestamp, as a broker does with the append time under `LogAppendTime`.
   * @default {the largest record timestamp}
   */
  maxTimestamp?: bigint;
}

/**
 * Builds one v2 record batch at a time into a buffer it reuses.
 *
 * `finish()` returns a view into that buffer, valid until the next `reset()`: send or copy it
 * before starting the next batch.
 *
 * @example Build a batch and read back its record count
 * ```ts
 * import { RecordBatchEncoder } from "./record_batch_encoder.ts";
 * import assert from "node:assert/strict";
 *
 * const enc = new RecordBatchEncoder();
 * enc.reset({ producerId: 7n, producerEpoch: 0, baseSequence: 0 });
 * enc.append({ key: "k", value: "hello", timestamp: 1_700_000_000_000 });
 * enc.append({ value: new Uint8Array([1, 2, 3]), headers: [{ key: "h", value: null }] });
 * const batch = enc.finish() as Uint8Array;
 * const view = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
 * assert.equal(view.getInt32(57), 2); // recordsCount
 * assert.equal(view.getInt32(8), batch.length - 12); // batchLength
 * ```
 */
export class RecordBatchEncoder {
  #buf: Uint8Array;
  #view: DataView;
  #pos = RECORD_BATCH_HEADER_SIZE;
  #count = 0;
  #lastOffsetDelta = -1;
  #baseTimestamp = -1;
  #maxTimestamp = -1;
  #options: RecordBatchOptions = {};
  #codec = 0;
  #finished: Uint8Array | Promise<Uint8Array> | null = null;

  /** Makes an encoder whose buffer starts at `initialCapacity` bytes and grows as needed. */
  constructor(initialCapacity = 16 * 1024) {
    this.#buf = new Uint8Array(Math.max(256, initialCapacity));
    this.#view = new DataView(this.#buf.buffer);
  }

  /** Starts a new batch with `options`, forgetting the previous one (and its bytes). */
  reset(options: RecordBatchOptions = {}): void {
    const codec = COMPRESSION_IDS[options.compression ?? "none"];
    if (codec === undefined) {
      throw new TypeError(
        `Cannot encode record batch as compression must be one of none, gzip, snappy, lz4, zstd: current value is ${options.compression}`,
      );
    }
    this.#codec = codec;
    this.#options = options;
    this.#pos = RECORD_BATCH_HEADER_SIZE;
    this.#count = 0;
    this.#lastOffsetDelta = -1;
    this.#baseTimestamp = -1;
    this.#maxTimestamp = -1;
    this.#finished = null;
  }

  /**
   * Sets the idempotent producer's fields of the batch being built, before `finish()`: a
   * producer learns its sequence numbers (and, after an epoch bump, its epoch) only when it
   * closes a batch, not when it opens one.
   */
  setProducer(producerId: bigint, producerEpoch: number, baseSequence: number): void {
    if (this.#finished !== null) {
      throw new TypeError(
        "Cannot set producer fields as the batch is finished: call reset() first",
      );
    }
    this.#options = { ...this.#options, producerId, producerEpoch, baseSequence };
  }

  /** The number of records appended since `reset()`. */
  get count(): number {
    return this.#count;
  }

  /** The batch's size so far, header included, before compression. */
  get sizeInBytes(): number {
    return this.#pos;
  }

  /**
   * Appends a record and returns the batch's new uncompressed size in bytes.
   *
   * With `maxBytes`, a record that would take a non-empty batch past that size is not added:
   * the batch is left as it was and -1 comes back, so the producer can close this batch and
   * start the next with the record. The first record of a batch is always added (Kafka takes
   * one oversized record alone in its batch, or rejects it as too large). A record without a
   * timestamp takes `defaultTimestamp` (a producer reads the clock once per run of records and
   * reports the same value), else the current time.
   *
   * @throws {RangeError} when `offsetDelta` does not increase or a timestamp is not a safe
   * integer.
   */
  append(record: RecordInput, maxBytes: number = Infinity, defaultTimestamp?: number): number {
    if (this.#finished !== null) {
      throw new TypeError("Cannot append to record batch as it is finished: call reset() first");
    }
    const timestamp = record.timestamp ?? defaultTimestamp ?? Date.now();
    const offsetDelta = record.offsetDelta ?? this.#lastOffsetDelta + 1;
    if (!Number.isSafeInteger(timestamp)) {
      throw new RangeError(
        `Cannot append record as its timestamp must be a safe integer: current value is ${timestamp}`,
      );
    }
    if (
      offsetDelta <= this.#lastOffsetDelta || offsetDelta > 0x7fffffff ||
      offsetDelta !== (offsetDelta | 0)
    ) {
      throw new RangeError(
        `Cannot append record as offsetDelta must be an int32 above ${this.#lastOffsetDelta}: current value is ${offsetDelta}`,
      );
    }
    const previousMax = this.#maxTimestamp;
    if (this.#count === 0) {
      this.#baseTimestamp = timestamp;
      this.#maxTimestamp = timestamp;
    } else if (timestamp > this.#maxTimestamp) this.#maxTimestamp = timestamp;
    const timestampDelta = timestamp - this.#baseTimestamp;

    const key = record.key ?? null;
    const value = record.value;
    const headers = record.headers;
    // The body's size, exact for bytes and ASCII strings; strings with other characters grow
    // it, and the record is moved at the end if that lengthens its varint prefix.
    let estimate = 1 + varlongSize(timestampDelta) + varintSize(offsetDelta) +
      fieldEstimate(key) + fieldEstimate(value);
    const headerCount = headers === undefined ? 0 : headers.length;
    estimate += varintSize(headerCount);
    for (let i = 0; i < headerCount; i++) {
      const h = headers![i]!;
      estimate += varintSize(h.key.length) + h.key.length + fieldEstimate(h.value);
    }
    const prefix = varintSize(estimate);
    this.#ensure(prefix + estimate + 3 * extraUtf8Room(key, value, headers));
    const start = this.#pos;
    this.#pos = start + prefix;
    this.#buf[this.#pos++] = 0; // record attributes: unused
    this.#varlong(timestampDelta);
    this.#varint(offsetDelta);
    this.#field(key);
    this.#field(value);
    this.#varint(headerCount);
    for (let i = 0; i < headerCount; i++) {
      const h = headers![i]!;
      this.#field(h.key);
      this.#field(h.value);
    }
    const bodyStart = start + prefix;
    const bodySize = this.#pos - bodyStart;
    const realPrefix = varintSize(bodySize);
    if (realPrefix !== prefix) {
      this.#ensure(realPrefix - prefix);
      this.#buf.copyWithin(start + realPrefix, bodyStart, this.#pos);
      this.#pos += realPrefix - prefix;
    }
    const end = this.#pos;
    if (end > maxBytes && this.#count > 0) {
      // Undo: nothing else was touched but the buffer past `start`.
      this.#pos = start;
      this.#maxTimestamp = previousMax;
      return -1;
    }
    this.#pos = start;
    this.#varint(bodySize);
    this.#pos = end;
    this.#count++;
    this.#lastOffsetDelta = offsetDelta;
    return end;
  }

  /**
   * Finishes the batch: compresses the records if asked and writes the header and CRC.
   * Returns the batch bytes directly, or a promise only when the codec can work only
   * asynchronously on this platform (gzip without `node:zlib`). The bytes are a view into the
   * encoder's buffer, valid until `reset()`.
   */
  finish(): Uint8Array | Promise<Uint8Array> {
    if (this.#finished !== null) return this.#finished;
    if (this.#codec === 0) return this.#finished = this.#seal();
    const records = this.#buf.subarray(RECORD_BATCH_HEADER_SIZE, this.#pos);
    const packed = compress(this.#codec, records);
    if (packed instanceof Promise) {
      return this.#finished = packed.then((p) => this.#place(p));
    }
    return this.#finished = this.#place(packed);
  }

  #place(packed: Uint8Array): Uint8Array {
    this.#pos = RECORD_BATCH_HEADER_SIZE;
    this.#ensure(packed.length);
    this.#buf.set(packed, RECORD_BATCH_HEADER_SIZE);
    this.#pos += packed.length;
    return this.#seal();
  }

  #seal(): Uint8Array {
    const o = this.#options;
    const v = this.#view;
    let attributes = this.#codec;
    if (o.timestampType === "log-append-time") attributes |= BatchAttributes.LOG_APPEND_TIME;
    if (o.transactional) attributes |= BatchAttributes.TRANSACTIONAL;
    if (o.control) attributes |= BatchAttributes.CONTROL;
    v.setBigInt64(0, o.baseOffset ?? 0n);
    v.setInt32(8, this.#pos - 12);
    v.setInt32(12, o.partitionLeaderEpoch ?? -1);
    v.setInt8(16, 2);
    v.setInt16(21, attributes);
    v.setInt32(23, this.#lastOffsetDelta);
    v.setBigInt64(27, BigInt(this.#baseTimestamp));
    v.setBigInt64(35, o.maxTimestamp ?? BigInt(this.#maxTimestamp));
    v.setBigInt64(43, o.producerId ?? -1n);
    v.setInt16(51, o.producerEpoch ?? -1);
    v.setInt32(53, o.baseSequence ?? -1);
    v.setInt32(57, this.#count);
    const bytes = this.#buf.subarray(0, this.#pos);
    v.setUint32(17, crc32c(bytes.subarray(21)));
    return bytes;
  }

  #ensure(n: number): void {
    const need = this.#pos + n;
    if (need <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  #uvarint(v: number): void {
    const buf = this.#buf;
    let pos = this.#pos;
    while (v > 0x7f) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    this.#pos = pos;
  }

  #varint(v: number): void {
    this.#uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  #varlong(v: number): void {
    if (v >= -0x40000000 && v < 0x40000000) {
      this.#varint(v);
      return;
    }
    // zigzag without 32-bit operators, exact for safe integers.
    let z = v >= 0 ? v * 2 : -v * 2 - 1;
    const buf = this.#buf;
    let pos = this.#pos;
    while (z >= 0x80) {
      buf[pos++] = (z % 0x80) | 0x80;
      z = Math.floor(z / 0x80);
    }
    buf[pos++] = z;
    this.#pos = pos;
  }

  /** Writes a length-prefixed field: bytes, a string as UTF-8, or null as length -1. */
  #field(v: Uint8Array | string | null): void {
    if (v === null) {
      this.#buf[this.#pos++] = 1; // zigzag(-1)
    } else if (typeof v === "string") {
      const guess = varintSize(v.length);
      const start = this.#pos + guess;
      const { written } = encoder.encodeInto(v, this.#buf.subarray(start, start + v.length * 3));
      const real = varintSize(written);
      if (real !== guess) this.#buf.copyWithin(this.#pos + real, start, start + written);
      this.#varint(written);
      this.#pos += written;
    } else {
      const n = v.length;
      this.#varint(n);
      const buf = this.#buf;
      const pos = this.#pos;
      if (n < 32) {
        for (let i = 0; i < n; i++) buf[pos + i] = v[i]!;
      } else buf.set(v, pos);
      this.#pos = pos + n;
    }
  }
}

/**
 * Rewrites the idempotent producer's fields of a finished batch in place and recomputes its
 * CRC: after an epoch bump, batches not yet acknowledged are sent again under the new epoch with
 * new sequence numbers, and re-encoding their records would cost far more than this.
 *
 * @example Restamp a batch
 * ```ts
 * import { encodeRecordBatch, restampRecordBatch } from "./record_batch_encoder.ts";
 * import { decodeRecordBatchesSync } from "./record_batch_decoder.ts";
 * import assert from "node:assert/strict";
 *
 * const batch = await encodeRecordBatch([{ value: "v" }], { producerId: 1n, producerEpoch: 0, baseSequence: 5 });
 * restampRecordBatch(batch, 1n, 1, 0);
 * const [decoded] = decodeRecordBatchesSync(batch).batches;
 * assert.equal(decoded?.producerEpoch, 1);
 * assert.equal(decoded?.baseSequence, 0);
 * ```
 */
export function restampRecordBatch(
  batch: Uint8Array,
  producerId: bigint,
  producerEpoch: number,
  baseSequence: number,
): void {
  if (batch.length < RECORD_BATCH_HEADER_SIZE || batch[16] !== 2) {
    throw new TypeError("Cannot restamp as the bytes are not a v2 record batch");
  }
  const v = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  v.setBigInt64(43, producerId);
  v.setInt16(51, producerEpoch);
  v.setInt32(53, baseSequence);
  v.setUint32(17, crc32c(batch.subarray(21)));
}

/** Bytes a field takes if every string is ASCII. */
function fieldEstimate(v: Uint8Array | string | null): number {
  if (v === null) return 1;
  return varintSize(v.length) + v.length;
}

/** UTF-16 units in the record's strings: each may need up to 2 bytes beyond the estimate. */
function extraUtf8Room(
  key: Uint8Array | string | null,
  value: Uint8Array | string | null,
  headers: readonly RecordHeaderInput[] | undefined,
): number {
  let n = 0;
  if (typeof key === "string") n += key.length;
  if (typeof value === "string") n += value.length;
  if (headers !== undefined) {
    for (let i = 0; i < headers.length; i++) {
      const h = headers[i]!;
      n += h.key.length + 5;
      if (typeof h.value === "string") n += h.value.length + 5;
    }
  }
  return n;
}

function varintSize(v: number): number {
  const z = ((v << 1) ^ (v >> 31)) >>> 0;
  if (z < 0x80) return 1;
  if (z < 0x4000) return 2;
  if (z < 0x200000) return 3;
  if (z < 0x10000000) return 4;
  return 5;
}

function varlongSize(v: number): number {
  if (v >= -0x40000000 && v < 0x40000000) return varintSize(v);
  let z = v >= 0 ? v * 2 : -v * 2 - 1;
  let n = 1;
  while (z >= 0x80) {
    z = Math.floor(z / 0x80);
    n++;
  }
  return n;
}

/**
 * Encodes `records` as one v2 record batch and returns a copy of its bytes; a promise only
 * when the codec is asynchronous on this platform. Convenient for tests and tools; producers
 * reuse a {@linkcode RecordBatchEncoder}.
 *
 * @example One record, no compression
 * ```ts
 * import { encodeRecordBatch } from "./record_batch_encoder.ts";
 * import assert from "node:assert/strict";
 *
 * const batch = await encodeRecordBatch([{ key: null, value: "v", timestamp: 0 }]);
 * assert.equal(batch[16], 2); // magic
 * assert.equal(batch.length, 61 + 8); // header + one 8-byte record
 * ```
 */
export function encodeRecordBatch(
  records: readonly RecordInput[],
  options: RecordBatchOptions = {},
): Uint8Array | Promise<Uint8Array> {
  const enc = new RecordBatchEncoder(RECORD_BATCH_HEADER_SIZE + 64 * records.length);
  enc.reset(options);
  for (const r of records) enc.append(r);
  const out = enc.finish();
  return out instanceof Promise ? out.then((b) => b.slice()) : out.slice();
}
