// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Decodes the old message sets (magic 0 and 1), which topics written before Kafka 0.11 may
 * still hold and which brokers still serve.
 *
 * Layout of one entry: offset int64, messageSize int32, crc uint32 (CRC-32 IEEE over the rest
 * of the message), magic int8, attributes int8 (bits 0–2 codec; bit 3 log-append time, magic
 * 1 only), timestamp int64 (magic 1 only), key bytes (int32 length, -1 null), value bytes.
 * A compressed entry (a "wrapper") holds a whole message set in its value, compressed; for
 * magic 1 the inner offsets count from 0 and the wrapper carries the last inner's absolute
 * offset. Each entry becomes one {@linkcode RecordBatch}, as Kafka's own client presents them.
 *
 * @module
 */

import { type CompressionName, unsupportedCompression } from "./compression/codec.ts";
import { decompress } from "./compression/codec_registry.ts";
import { MalformedDataError } from "./kafka_error.ts";
import { crc32 } from "./message_set_crc32.ts";
import type { KafkaRecord, RecordHeader } from "./record.ts";
import type { RecordBatch } from "./record_batch.ts";

const EMPTY_HEADERS: readonly RecordHeader[] = Object.freeze([]) as readonly RecordHeader[];
const COMPRESSION_NAMES: readonly CompressionName[] = ["none", "gzip", "snappy", "lz4", "zstd"];
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** One message, parsed. */
interface Message {
  offset: bigint;
  crc: number;
  magic: number;
  attributes: number;
  timestamp: bigint;
  key: Uint8Array | null;
  value: Uint8Array | null;
}

/**
 * Parses the message at bytes[pos, end) (`end` from its size field), checking its CRC.
 */
function readMessage(
  bytes: Uint8Array,
  view: DataView,
  pos: number,
  end: number,
  checkCrc: boolean,
): Message {
  const magic = bytes[pos + 16]!;
  if (magic > 1) {
    throw new MalformedDataError(
      `message at offset ${pos} has magic ${magic} inside a message set`,
    );
  }
  const min = magic === 0 ? 14 : 22;
  if (end - pos - 12 < min) {
    throw new MalformedDataError(`message size ${end - pos - 12} at offset ${pos} is too short`);
  }
  const crc = view.getUint32(pos + 12);
  if (checkCrc) {
    const actual = crc32(bytes.subarray(pos + 16, end));
    if (actual !== crc) {
      throw new MalformedDataError(
        `message at offset ${pos} fails its CRC: stored 0x${crc.toString(16)}, computed 0x${
          actual.toString(16)
        }`,
      );
    }
  }
  const attributes = bytes[pos + 17]!;
  let p = pos + 18;
  let timestamp = -1n;
  if (magic === 1) {
    timestamp = view.getBigInt64(p);
    p += 8;
  }
  const keyLength = view.getInt32(p);
  p += 4;
  let key: Uint8Array | null = null;
  if (keyLength >= 0) {
    if (keyLength > end - p - 4) {
      throw new MalformedDataError(`message key length ${keyLength} passes the end`);
    }
    key = bytes.subarray(p, p + keyLength);
    p += keyLength;
  }
  if (p + 4 > end) throw new MalformedDataError("message value length passes the end");
  const valueLength = view.getInt32(p);
  p += 4;
  let value: Uint8Array | null = null;
  if (valueLength >= 0) {
    if (valueLength > end - p) {
      throw new MalformedDataError(`message value length ${valueLength} passes the end`);
    }
    value = bytes.subarray(p, p + valueLength);
    p += valueLength;
  }
  if (p !== end) {
    throw new MalformedDataError(`message at offset ${pos} has ${end - p} bytes to spare`);
  }
  return { offset: view.getBigInt64(pos), crc, magic, attributes, timestamp, key, value };
}

function safeNumber(v: bigint, what: string): number {
  const n = Number(v);
  if (n > MAX_SAFE || n < -MAX_SAFE) throw new MalformedDataError(`${what} ${v} is beyond 2^53`);
  return n;
}

function toRecord(m: Message, offset: bigint, timestamp: bigint): KafkaRecord {
  return {
    offset: safeNumber(offset, "offset"),
    timestamp: safeNumber(timestamp, "timestamp"),
    key: m.key,
    value: m.value,
    headers: EMPTY_HEADERS,
  };
}

function toBatch(
  wrapper: Message,
  records: KafkaRecord[],
  baseOffset: bigint,
  baseTimestamp: bigint,
  size: number,
): RecordBatch {
  const logAppend = wrapper.magic === 1 && (wrapper.attributes & 0x08) !== 0;
  return {
    baseOffset,
    lastOffset: wrapper.offset,
    partitionLeaderEpoch: -1,
    magic: wrapper.magic,
    crc: wrapper.crc,
    attributes: wrapper.attributes,
    compression: COMPRESSION_NAMES[wrapper.attributes & 7]!,
    timestampType: logAppend ? "log-append-time" : "create-time",
    isTransactional: false,
    isControl: false,
    hasDeleteHorizon: false,
    lastOffsetDelta: Number(wrapper.offset - baseOffset),
    baseTimestamp,
    maxTimestamp: wrapper.timestamp,
    producerId: -1n,
    producerEpoch: -1,
    baseSequence: -1,
    sizeInBytes: size,
    records,
    controlMarker: null,
  };
}

/**
 * Decodes the message-set entry at bytes[pos, end) into `out`; a promise only when its codec
 * is asynchronous on this platform. Used by the record batch decoder, which has already
 * checked that `end` is within the input and that the magic byte is 0 or 1.
 */
export function decodeMessageSetEntry(
  bytes: Uint8Array,
  pos: number,
  end: number,
  _magic: number,
  out: RecordBatch[],
  checkCrc: boolean,
  limit: number,
): void | Promise<void> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const wrapper = readMessage(bytes, view, pos, end, checkCrc);
  const codec = wrapper.attributes & 7;
  if (codec === 0) {
    const record = toRecord(wrapper, wrapper.offset, wrapper.timestamp);
    out.push(toBatch(wrapper, [record], wrapper.offset, wrapper.timestamp, end - pos));
    return;
  }
  if (codec > 4) throw unsupportedCompression(codec);
  if (wrapper.value === null) throw new MalformedDataError("compressed message has a null value");
  const inner = decompress(codec, wrapper.value, limit);
  if (inner instanceof Promise) {
    return inner.then((d) => {
      out.push(decodeInner(wrapper, d, checkCrc, end - pos));
    });
  }
  out.push(decodeInner(wrapper, inner, checkCrc, end - pos));
}

function decodeInner(
  wrapper: Message,
  data: Uint8Array,
  checkCrc: boolean,
  size: number,
): RecordBatch {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const messages: Message[] = [];
  let pos = 0;
  // A partial message at the end of the inner set ends it, as in Kafka's own client.
  while (data.length - pos >= 12) {
    const innerSize = view.getInt32(pos + 8);
    if (innerSize < 0) throw new MalformedDataError(`inner message size ${innerSize} is negative`);
    if (data.length - pos - 12 < innerSize) break;
    if (innerSize < 5) throw new MalformedDataError(`inner message size ${innerSize} is too short`);
    const end = pos + 12 + innerSize;
    const m = readMessage(data, view, pos, end, checkCrc);
    if ((m.attributes & 7) !== 0) {
      throw new MalformedDataError("compressed message inside a compressed message");
    }
    messages.push(m);
    pos = end;
  }
  const last = messages[messages.length - 1];
  if (last === undefined) throw new MalformedDataError("compressed message set holds no messages");
  // Magic 1 wrappers carry the absolute offset of their last inner message, whose own offsets
  // count from 0; magic 0 inner messages carry absolute offsets.
  const shift = wrapper.magic > 0 ? wrapper.offset - last.offset : 0n;
  const logAppend = wrapper.magic === 1 && (wrapper.attributes & 0x08) !== 0;
  const records: KafkaRecord[] = messages.map((m) =>
    toRecord(m, m.offset + shift, logAppend ? wrapper.timestamp : m.timestamp)
  );
  const first = messages[0]!;
  return toBatch(
    wrapper,
    records,
    first.offset + shift,
    logAppend ? wrapper.timestamp : first.timestamp,
    size,
  );
}
