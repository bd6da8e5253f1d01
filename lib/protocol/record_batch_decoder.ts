// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Decodes the `records` bytes of a fetch (or produce) partition into batches and records.
 *
 * Keys, values and header values are views into the input (or into the decompressed buffer),
 * never copies. Every length is checked against what remains before it is used, so hostile
 * bytes end in a `MalformedDataError` (or a `KafkaError` for an unknown codec, or a
 * `DecompressionLimitError`), never a large allocation or a hang. A batch cut short at the end
 * of the input — brokers send that when a fetch's byte limit falls mid-batch — ends decoding
 * cleanly; `bytesConsumed` says where.
 *
 * @module
 */

import {
  type CompressionName,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  unsupportedCompression,
} from "./compression/codec.ts";
import { decompress } from "./compression/codec_registry.ts";
import { crc32c } from "./crc32c.ts";
import { MalformedDataError } from "./kafka_error.ts";
import { decodeMessageSetEntry } from "./message_set.ts";
import type { KafkaRecord, RecordHeader } from "./record.ts";
import {
  BatchAttributes,
  type ControlMarker,
  LOG_OVERHEAD,
  RECORD_BATCH_HEADER_SIZE,
  type RecordBatch,
} from "./record_batch.ts";

/** Options for {@linkcode decodeRecordBatches}. */
export interface DecodeRecordBatchesOptions {
  /** Verify each batch's CRC; a mismatch throws `MalformedDataError`. @default {true} */
  checkCrc?: boolean;
  /**
   * The most bytes one batch's records may decompress to; past it decoding throws
   * `DecompressionLimitError`. @default {67108864 (64 MiB)}
   */
  maxDecompressedBytes?: number;
}

/** What {@linkcode decodeRecordBatches} found. */
export interface DecodedRecordBatches {
  /** The complete batches, in order. */
  batches: RecordBatch[];
  /**
   * Bytes of the input the complete batches took. Less than the input's length when it ends
   * in a partial batch; 0 with a non-empty input means the first batch alone is larger than
   * what was fetched.
   */
  bytesConsumed: number;
}

const EMPTY_HEADERS: readonly RecordHeader[] = Object.freeze([]) as readonly RecordHeader[];
const COMPRESSION_NAMES: readonly CompressionName[] = ["none", "gzip", "snappy", "lz4", "zstd"];
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** The smallest record: length, attributes, timestamp, offset, key, value, header count. */
const MIN_RECORD_SIZE = 7;
const textDecoder: TextDecoder = new TextDecoder();

/** One step of decoding: the next position, -1 at a partial batch, or a promise of either. */
type Step = number | Promise<number>;

/** Shared by the sync and async entry points: decodes the entry at `pos` into `out`. */
function decodeEntry(
  bytes: Uint8Array,
  view: DataView,
  pos: number,
  out: RecordBatch[],
  checkCrc: boolean,
  limit: number,
): Step {
  const remaining = bytes.length - pos;
  if (remaining < LOG_OVERHEAD) return -1;
  const size = view.getInt32(pos + 8);
  if (size < 0) throw new MalformedDataError(`batch length ${size} at offset ${pos} is negative`);
  if (remaining < LOG_OVERHEAD + size) return -1;
  if (size < 5) throw new MalformedDataError(`batch length ${size} at offset ${pos} is too short`);
  const magic = bytes[pos + 16]!;
  const end = pos + LOG_OVERHEAD + size;
  if (magic < 2) {
    const r = decodeMessageSetEntry(bytes, pos, end, magic, out, checkCrc, limit);
    return r instanceof Promise ? r.then(() => end) : end;
  }
  if (magic > 2) throw new MalformedDataError(`batch at offset ${pos} has unknown magic ${magic}`);
  if (size < RECORD_BATCH_HEADER_SIZE - LOG_OVERHEAD) {
    throw new MalformedDataError(`record batch length ${size} at offset ${pos} is too short`);
  }
  const crc = view.getUint32(pos + 17);
  if (checkCrc) {
    const actual = crc32c(bytes.subarray(pos + 21, end));
    if (actual !== crc) {
      throw new MalformedDataError(
        `record batch at offset ${pos} fails its CRC: stored 0x${crc.toString(16)}, computed 0x${
          actual.toString(16)
        }`,
      );
    }
  }
  const attributes = view.getInt16(pos + 21);
  const codec = attributes & BatchAttributes.COMPRESSION_MASK;
  if (codec > 4) throw unsupportedCompression(codec);
  const header: BatchHeader = {
    baseOffset: view.getBigInt64(pos),
    size: LOG_OVERHEAD + size,
    partitionLeaderEpoch: view.getInt32(pos + 12),
    crc,
    attributes,
    lastOffsetDelta: view.getInt32(pos + 23),
    baseTimestamp: view.getBigInt64(pos + 27),
    maxTimestamp: view.getBigInt64(pos + 35),
    producerId: view.getBigInt64(pos + 43),
    producerEpoch: view.getInt16(pos + 51),
    baseSequence: view.getInt32(pos + 53),
    count: view.getInt32(pos + 57),
  };
  const section = bytes.subarray(pos + RECORD_BATCH_HEADER_SIZE, end);
  if (codec === 0) {
    out.push(decodeRecords(header, section));
    return end;
  }
  const data = decompress(codec, section, limit);
  if (data instanceof Promise) {
    return data.then((d) => {
      out.push(decodeRecords(header, d));
      return end;
    });
  }
  out.push(decodeRecords(header, data));
  return end;
}

interface BatchHeader {
  baseOffset: bigint;
  size: number;
  partitionLeaderEpoch: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  count: number;
}

/**
 * The read position of the record loop and its helpers. Module state rather than an object:
 * decoding is synchronous, and a plain variable keeps the hot loop free of property loads.
 */
let at = 0;

/** Reads a zigzag varint (int32) at `at`, not past `end`. */
function varint(buf: Uint8Array, end: number): number {
  if (at >= end) throw new MalformedDataError(`varint runs past the end at offset ${at}`);
  let b = buf[at++]!;
  if (b < 0x80) return (b >>> 1) ^ -(b & 1);
  let z = b & 0x7f;
  for (let shift = 7; shift < 35; shift += 7) {
    if (at >= end) throw new MalformedDataError(`varint runs past the end at offset ${at}`);
    b = buf[at++]!;
    if (shift === 28 && b > 0x0f) throw new MalformedDataError(`varint too long at offset ${at}`);
    z |= (b & 0x7f) << shift;
    if (b < 0x80) return (z >>> 1) ^ -(z & 1);
  }
  throw new MalformedDataError(`varint too long at offset ${at}`);
}

/** Reads a zigzag varlong at `at` as a number; beyond 2^56 it throws, and callers check 2^53. */
function varlong(buf: Uint8Array, end: number): number {
  if (at >= end) throw new MalformedDataError(`varlong runs past the end at offset ${at}`);
  const first = buf[at++]!;
  if (first < 0x80) return (first >>> 1) ^ -(first & 1);
  let z = first & 0x7f;
  let mul = 128;
  for (let i = 1; i < 8; i++) {
    if (at >= end) throw new MalformedDataError(`varlong runs past the end at offset ${at}`);
    const b = buf[at++]!;
    z += (b & 0x7f) * mul;
    if (b < 0x80) return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    mul *= 128;
  }
  throw new MalformedDataError(`varlong beyond 2^53 at offset ${at}`);
}

function readHeaders(buf: Uint8Array, end: number, count: number): RecordHeader[] {
  if (count < 0 || count * 2 > end - at) {
    throw new MalformedDataError(`header count ${count} cannot fit in the record`);
  }
  const list: RecordHeader[] = new Array(count);
  for (let j = 0; j < count; j++) {
    const keyLength = varint(buf, end);
    if (keyLength < 0 || keyLength > end - at) {
      throw new MalformedDataError(`header key length ${keyLength} does not fit the record`);
    }
    const key = textDecoder.decode(buf.subarray(at, at += keyLength));
    const valueLength = varint(buf, end);
    let value: Uint8Array | null = null;
    if (valueLength >= 0) {
      if (valueLength > end - at) {
        throw new MalformedDataError(`header value length ${valueLength} passes the record`);
      }
      value = buf.subarray(at, at += valueLength);
    }
    list[j] = { key, value };
  }
  return list;
}

function decodeRecords(h: BatchHeader, data: Uint8Array): RecordBatch {
  const count = h.count;
  if (count < 0 || count > data.length / MIN_RECORD_SIZE) {
    throw new MalformedDataError(`record count ${count} cannot fit in ${data.length} bytes`);
  }
  const baseOffset = Number(h.baseOffset);
  if (baseOffset > MAX_SAFE - 0x80000000 || baseOffset < -MAX_SAFE + 0x80000000) {
    throw new MalformedDataError(`base offset ${h.baseOffset} is beyond 2^53`);
  }
  const baseTimestamp = Number(h.baseTimestamp);
  const logAppend = (h.attributes & BatchAttributes.LOG_APPEND_TIME) !== 0;
  const maxTimestamp = Number(h.maxTimestamp);
  if (!Number.isSafeInteger(baseTimestamp) || (logAppend && !Number.isSafeInteger(maxTimestamp))) {
    throw new MalformedDataError(`timestamp ${h.baseTimestamp} is beyond 2^53`);
  }
  const records: KafkaRecord[] = new Array(count);
  const buf = data;
  const dataEnd = data.length;
  at = 0;
  for (let i = 0; i < count; i++) {
    const length = varint(buf, dataEnd);
    if (length < 0 || length > dataEnd - at) {
      throw new MalformedDataError(`record length ${length} passes the end of the batch`);
    }
    const end = at + length;
    if (at >= end) throw new MalformedDataError("record is empty");
    at++; // record attributes: unused
    const timestampDelta = varlong(buf, end);
    const offsetDelta = varint(buf, end);
    const keyLength = varint(buf, end);
    let key: Uint8Array | null = null;
    if (keyLength >= 0) {
      if (keyLength > end - at) {
        throw new MalformedDataError(`key length ${keyLength} passes the record`);
      }
      key = buf.subarray(at, at += keyLength);
    }
    const valueLength = varint(buf, end);
    let value: Uint8Array | null = null;
    if (valueLength >= 0) {
      if (valueLength > end - at) {
        throw new MalformedDataError(`value length ${valueLength} passes the record`);
      }
      value = buf.subarray(at, at += valueLength);
    }
    const headerCount = varint(buf, end);
    let headers = EMPTY_HEADERS;
    if (headerCount !== 0) headers = readHeaders(buf, end, headerCount);
    if (at !== end) {
      throw new MalformedDataError(`record declares ${length} bytes but its fields take fewer`);
    }
    const timestamp = logAppend ? maxTimestamp : baseTimestamp + timestampDelta;
    if (timestamp > MAX_SAFE || timestamp < -MAX_SAFE) {
      throw new MalformedDataError(`record timestamp is beyond 2^53`);
    }
    records[i] = { offset: baseOffset + offsetDelta, timestamp, key, value, headers };
  }
  if (at !== dataEnd) {
    throw new MalformedDataError(`${dataEnd - at} bytes follow the batch's ${count} records`);
  }
  const isControl = (h.attributes & BatchAttributes.CONTROL) !== 0;
  return {
    baseOffset: h.baseOffset,
    lastOffset: h.baseOffset + BigInt(h.lastOffsetDelta),
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    magic: 2,
    crc: h.crc,
    attributes: h.attributes,
    compression: COMPRESSION_NAMES[h.attributes & BatchAttributes.COMPRESSION_MASK]!,
    timestampType: logAppend ? "log-append-time" : "create-time",
    isTransactional: (h.attributes & BatchAttributes.TRANSACTIONAL) !== 0,
    isControl,
    hasDeleteHorizon: (h.attributes & BatchAttributes.DELETE_HORIZON) !== 0,
    lastOffsetDelta: h.lastOffsetDelta,
    baseTimestamp: h.baseTimestamp,
    maxTimestamp: h.maxTimestamp,
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    sizeInBytes: h.size,
    records,
    controlMarker: isControl ? readControlMarker(records) : null,
  };
}

function readControlMarker(records: KafkaRecord[]): ControlMarker {
  const first = records[0];
  const key = first?.key;
  if (!key || key.length < 4) {
    throw new MalformedDataError("control batch lacks a control record key of 4 bytes");
  }
  const typeId = (key[2]! << 8) | key[3]!;
  const value = first.value;
  let coordinatorEpoch = -1;
  if (value && value.length >= 6) {
    coordinatorEpoch = new DataView(value.buffer, value.byteOffset, value.byteLength).getInt32(2);
  }
  return {
    type: typeId === 0 ? "abort" : typeId === 1 ? "commit" : "other",
    typeId,
    coordinatorEpoch,
  };
}

function options(o: DecodeRecordBatchesOptions): [boolean, number] {
  const limit = o.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  if (!(limit >= 0)) {
    throw new RangeError(
      `Cannot decode record batches as maxDecompressedBytes must be at least 0: current value is ${limit}`,
    );
  }
  return [o.checkCrc ?? true, limit];
}

/**
 * Decodes record batches (and old message sets), awaiting a codec only when it is
 * asynchronous on this platform.
 *
 * @throws {MalformedDataError} for a bad CRC, a bad length or any other corruption.
 * @throws {KafkaError} code 76 for a codec kanal does not know.
 * @throws {DecompressionLimitError} when a batch decompresses past the limit.
 *
 * @example Encode, then decode
 * ```ts
 * import { decodeRecordBatches } from "./record_batch_decoder.ts";
 * import { encodeRecordBatch } from "./record_batch_encoder.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = await encodeRecordBatch([{ key: "k", value: "v", timestamp: 5 }], {
 *   baseOffset: 100n,
 *   compression: "lz4",
 * });
 * const { batches, bytesConsumed } = await decodeRecordBatches(bytes);
 * assert.equal(bytesConsumed, bytes.length);
 * const record = batches[0]!.records[0]!;
 * assert.equal(record.offset, 100);
 * assert.equal(new TextDecoder().decode(record.value!), "v");
 * ```
 */
export async function decodeRecordBatches(
  bytes: Uint8Array,
  options_: DecodeRecordBatchesOptions = {},
): Promise<DecodedRecordBatches> {
  const [checkCrc, limit] = options(options_);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const batches: RecordBatch[] = [];
  let pos = 0;
  for (;;) {
    let next = decodeEntry(bytes, view, pos, batches, checkCrc, limit);
    if (typeof next !== "number") next = await next;
    if (next < 0) break;
    pos = next;
  }
  return { batches, bytesConsumed: pos };
}

/**
 * Decodes record batches synchronously: the consumer's hot path once `prepareCodecs()` has
 * run. Throws a `TypeError` if a batch needs a codec that is only asynchronous here (gzip
 * where the runtime has no `node:zlib`); use {@linkcode decodeRecordBatches} there.
 *
 * @example A partial batch at the end is left for the next fetch
 * ```ts
 * import { decodeRecordBatchesSync } from "./record_batch_decoder.ts";
 * import { encodeRecordBatch } from "./record_batch_encoder.ts";
 * import assert from "node:assert/strict";
 *
 * const one = encodeRecordBatch([{ value: "a", timestamp: 0 }]) as Uint8Array;
 * const fetched = new Uint8Array(one.length + 20);
 * fetched.set(one);
 * fetched.set(one.subarray(0, 20), one.length);
 * const { batches, bytesConsumed } = decodeRecordBatchesSync(fetched);
 * assert.equal(batches.length, 1);
 * assert.equal(bytesConsumed, one.length);
 * ```
 */
export function decodeRecordBatchesSync(
  bytes: Uint8Array,
  options_: DecodeRecordBatchesOptions = {},
): DecodedRecordBatches {
  const [checkCrc, limit] = options(options_);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const batches: RecordBatch[] = [];
  let pos = 0;
  for (;;) {
    const next = decodeEntry(bytes, view, pos, batches, checkCrc, limit);
    if (typeof next !== "number") {
      next.catch(() => {});
      throw new TypeError(
        "Cannot decode record batches synchronously as a batch uses a codec that is asynchronous on this platform: use decodeRecordBatches()",
      );
    }
    if (next < 0) break;
    pos = next;
  }
  return { batches, bytesConsumed: pos };
}
