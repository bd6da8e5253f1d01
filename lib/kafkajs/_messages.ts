// Copyright 2026 the kanal authors. MIT license.
// Web APIs only, and node:buffer: KafkaJS hands keys and values out as Buffers and its users
// call Buffer methods on them (`message.value.toString()`).
/**
 * KafkaJS's message shapes, both ways: a KafkaJS message to produce into kanal's record, and a
 * record kanal fetched into KafkaJS's message, with Buffers that view the fetched bytes.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { RecordHeaderInput } from "../protocol/record.ts";
import type { KafkaRecord } from "../protocol/record.ts";

/** KafkaJS's headers: a value, or several for a repeated name. */
export interface IHeaders {
  /** A header's value, or its values when the name repeats. */
  [key: string]: Uint8Array | string | (Uint8Array | string)[] | undefined;
}

/** A message to produce, as KafkaJS takes it. */
export interface Message {
  /** The key. */
  key?: Uint8Array | string | null;
  /** The value; `null` is a tombstone. */
  value: Uint8Array | string | null;
  /** The partition; the partitioner picks one when absent. */
  partition?: number;
  /** Headers. */
  headers?: IHeaders;
  /** Milliseconds since the epoch, as a string. */
  timestamp?: string;
}

/** A fetched message, as KafkaJS hands it to `eachMessage` and in a batch. */
export interface KafkaMessage {
  /** The key, a Buffer over the fetched bytes. */
  key: Buffer | null;
  /** The value, a Buffer over the fetched bytes. */
  value: Buffer | null;
  /** Milliseconds since the epoch, as a string. */
  timestamp: string;
  /** The record's attributes (always 0: record batches keep them per batch). */
  attributes: number;
  /** The offset, as a string. */
  offset: string;
  /** Headers: a Buffer (null for a null value) per name, or an array for a repeated name. */
  headers: { [key: string]: Buffer | null | (Buffer | null)[] | undefined };
  /** The record batch format (always 2). */
  magicByte: number;
  /** Whether it is a transaction marker (never: kanal hands out data records only). */
  isControlRecord: boolean;
}

/** A message's headers as kanal's list. */
export function headerList(headers: IHeaders | undefined): RecordHeaderInput[] | undefined {
  if (headers === undefined || headers === null) return undefined;
  const out: RecordHeaderInput[] = [];
  for (const [key, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) { for (const one of v) out.push({ key, value: one }); }
    else out.push({ key, value: v });
  }
  return out;
}

const view = (b: Uint8Array | null): Buffer | null =>
  b === null ? null : Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** A fetched record as KafkaJS's message. */
export function kafkaMessage(r: KafkaRecord): KafkaMessage {
  const headers: KafkaMessage["headers"] = {};
  for (const h of r.headers) {
    const value = view(h.value);
    const had = headers[h.key];
    if (had === undefined) headers[h.key] = value;
    else if (Array.isArray(had)) had.push(value);
    else headers[h.key] = [had, value];
  }
  return {
    key: view(r.key),
    value: view(r.value),
    timestamp: String(r.timestamp),
    attributes: 0,
    offset: String(r.offset),
    headers,
    magicByte: 2,
    isControlRecord: false,
  };
}
