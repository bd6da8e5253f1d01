// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Snappy, pure TypeScript, synchronous.
 *
 * Compression writes the raw block format (a varint length, then literals and copies), which
 * is what librdkafka sends and what Java's snappy-java reads when the xerial header is absent.
 * Decompression reads raw blocks and the xerial framing Java writes: the 8-byte magic
 * `82 'SNAPPY' 00`, two int32s (version, compatible version), then chunks of
 * `[int32 length][raw block]`.
 *
 * Written from the format description (google/snappy `format_description.txt`). No runtime
 * ships snappy, and a small greedy hash-table matcher in JS is fast enough that the batch's
 * CRC and copies stay the larger costs.
 *
 * @module
 */

import { MalformedDataError } from "../kafka_error.ts";
import {
  type CompressionCodec,
  DecompressionLimitError,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
} from "./codec.ts";
import { Output } from "./_output.ts";

const XERIAL_MAGIC = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00];
const XERIAL_HEADER_SIZE = 16;
/** Matches never cross a 64 KiB fragment, so every copy fits a 2-byte offset. */
const FRAGMENT = 1 << 16;
const HASH_BITS = 14;
/** Keep the last bytes of a fragment as literals so 4-byte loads never run past it. */
const INPUT_MARGIN = 15;

/** One hash table for all calls: compression is synchronous, so no two calls share it at once. */
const table: Uint16Array = new Uint16Array(1 << HASH_BITS);

/**
 * Compresses `data` into one raw snappy block.
 *
 * @example Repetitive data shrinks and comes back
 * ```ts
 * import { snappyCompress, snappyDecompress } from "./snappy.ts";
 * import assert from "node:assert/strict";
 *
 * const data = new TextEncoder().encode("kafka ".repeat(100));
 * const packed = snappyCompress(data);
 * assert.ok(packed.length < 40);
 * assert.deepEqual(snappyDecompress(packed), data);
 * ```
 */
export function snappyCompress(data: Uint8Array): Uint8Array {
  const n = data.length;
  const out = new Uint8Array(32 + n + Math.ceil(n / 6));
  let op = 0;
  // Preamble: the uncompressed length as an unsigned varint.
  let v = n;
  while (v > 0x7f) {
    out[op++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[op++] = v;
  for (let start = 0; start < n; start += FRAGMENT) {
    op = compressFragment(data, start, Math.min(n, start + FRAGMENT), out, op);
  }
  return out.subarray(0, op);
}

function compressFragment(
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  op: number,
): number {
  let nextEmit = start;
  if (end - start >= INPUT_MARGIN) {
    const t = table;
    t.fill(0);
    const ipLimit = end - INPUT_MARGIN;
    const shift = 32 - HASH_BITS;
    let ip = start + 1;
    while (ip < ipLimit) {
      // Skip faster through data that does not match, as the reference compressor does.
      let skip = 32;
      let candidate = 0;
      let word = 0;
      for (;;) {
        word = load32(src, ip);
        const h = Math.imul(word, 0x1e35a7bd) >>> shift;
        candidate = start + t[h]!;
        t[h] = ip - start;
        if (candidate < ip && load32(src, candidate) === word) break;
        ip += skip++ >>> 5;
        if (ip >= ipLimit) return emitLiteral(src, nextEmit, end, out, op);
      }
      op = emitLiteral(src, nextEmit, ip, out, op);
      // Emit copies back to back while the next position matches too.
      for (;;) {
        let len = 4;
        while (ip + len < end && src[candidate + len] === src[ip + len]) len++;
        op = emitCopy(ip - candidate, len, out, op);
        ip += len;
        nextEmit = ip;
        if (ip >= ipLimit) return emitLiteral(src, nextEmit, end, out, op);
        const prev = ip - 1;
        t[Math.imul(load32(src, prev), 0x1e35a7bd) >>> shift] = prev - start;
        const w = load32(src, ip);
        const h = Math.imul(w, 0x1e35a7bd) >>> shift;
        candidate = start + t[h]!;
        t[h] = ip - start;
        if (candidate >= ip || load32(src, candidate) !== w) break;
      }
      ip++;
    }
  }
  return emitLiteral(src, nextEmit, end, out, op);
}

function load32(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

function emitLiteral(
  src: Uint8Array,
  from: number,
  to: number,
  out: Uint8Array,
  op: number,
): number {
  const n = to - from;
  if (n === 0) return op;
  const m = n - 1;
  if (m < 60) out[op++] = m << 2;
  else if (m < 0x100) {
    out[op++] = 60 << 2;
    out[op++] = m;
  } else if (m < 0x10000) {
    out[op++] = 61 << 2;
    out[op++] = m & 0xff;
    out[op++] = m >>> 8;
  } else if (m < 0x1000000) {
    out[op++] = 62 << 2;
    out[op++] = m & 0xff;
    out[op++] = (m >>> 8) & 0xff;
    out[op++] = m >>> 16;
  } else {
    out[op++] = 63 << 2;
    out[op++] = m & 0xff;
    out[op++] = (m >>> 8) & 0xff;
    out[op++] = (m >>> 16) & 0xff;
    out[op++] = m >>> 24;
  }
  if (n < 16) {
    for (let i = 0; i < n; i++) out[op + i] = src[from + i]!;
  } else out.set(src.subarray(from, to), op);
  return op + n;
}

function emitCopy(offset: number, len: number, out: Uint8Array, op: number): number {
  // A 2-byte-offset copy holds at most 64 bytes; leave at least 4 for the last piece.
  while (len >= 68) {
    op = emitCopy2(offset, 64, out, op);
    len -= 64;
  }
  if (len > 64) {
    op = emitCopy2(offset, 60, out, op);
    len -= 60;
  }
  if (len < 12 && offset < 2048) {
    out[op++] = ((offset >>> 8) << 5) | ((len - 4) << 2) | 1;
    out[op++] = offset & 0xff;
    return op;
  }
  return emitCopy2(offset, len, out, op);
}

function emitCopy2(offset: number, len: number, out: Uint8Array, op: number): number {
  out[op++] = ((len - 1) << 2) | 2;
  out[op++] = offset & 0xff;
  out[op++] = offset >>> 8;
  return op;
}

/**
 * Decompresses a raw snappy block or a xerial-framed stream (as Java's snappy-java writes).
 *
 * @param data The compressed bytes.
 * @param maxSize The most bytes the output may have.
 * @throws {MalformedDataError} when the data is not valid snappy.
 * @throws {DecompressionLimitError} when the output would pass `maxSize`.
 *
 * @example A literal-only block
 * ```ts
 * import { snappyDecompress } from "./snappy.ts";
 * import assert from "node:assert/strict";
 *
 * // length 3, then a literal tag for 3 bytes, then "abc"
 * const block = new Uint8Array([3, 2 << 2, 0x61, 0x62, 0x63]);
 * assert.equal(new TextDecoder().decode(snappyDecompress(block)), "abc");
 * ```
 */
export function snappyDecompress(
  data: Uint8Array,
  maxSize: number = DEFAULT_MAX_DECOMPRESSED_BYTES,
): Uint8Array {
  if (!isXerial(data)) {
    const [len, at] = readLength(data, 0, data.length);
    checkDeclared(len, data.length - at, maxSize);
    const out = new Output("snappy", data.length, maxSize, len);
    decompressBlock(data, at, data.length, out, len);
    return out.result();
  }
  // First pass: check the chunks' framing and declared lengths (without allocating), so a
  // stream that claims too much fails before any decoding; second pass: decode each chunk.
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let total = 0;
  for (let p = XERIAL_HEADER_SIZE; p < data.length;) {
    if (p + 4 > data.length) {
      throw new MalformedDataError("xerial snappy chunk length is cut short");
    }
    const size = view.getInt32(p);
    p += 4;
    if (size < 0 || p + size > data.length) {
      throw new MalformedDataError(
        `xerial snappy chunk of ${size} bytes passes the end of the data`,
      );
    }
    const [len, at] = readLength(data, p, p + size);
    checkDeclared(len, p + size - at, maxSize);
    total += len;
    if (total > maxSize) throw new DecompressionLimitError("snappy", maxSize);
    p += size;
  }
  const out = new Output("snappy", data.length, maxSize, total);
  for (let p = XERIAL_HEADER_SIZE; p < data.length;) {
    const size = view.getInt32(p);
    p += 4;
    const [len, at] = readLength(data, p, p + size);
    decompressBlock(data, at, p + size, out, len);
    p += size;
  }
  return out.result();
}

/**
 * The most a snappy element can expand: a 3-byte copy of 64 bytes. A block that declares more
 * than its elements could ever produce is refused before anything is decoded.
 */
const MAX_EXPANSION = 22;

function checkDeclared(len: number, elementBytes: number, maxSize: number): void {
  if (len > maxSize) throw new DecompressionLimitError("snappy", maxSize);
  if (len > elementBytes * MAX_EXPANSION) {
    throw new MalformedDataError(
      `snappy block declares ${len} bytes, more than its ${elementBytes} bytes can hold`,
    );
  }
}

function isXerial(data: Uint8Array): boolean {
  if (data.length < XERIAL_HEADER_SIZE) return false;
  for (let i = 0; i < XERIAL_MAGIC.length; i++) if (data[i] !== XERIAL_MAGIC[i]) return false;
  return true;
}

/** Reads a block's uncompressed-length preamble; returns it and where the elements start. */
function readLength(src: Uint8Array, at: number, end: number): [number, number] {
  let result = 0;
  for (let i = 0; i < 5; i++) {
    if (at >= end) throw new MalformedDataError("snappy length preamble is cut short");
    const b = src[at++]!;
    result += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return [result, at];
  }
  throw new MalformedDataError("snappy length preamble is longer than 5 bytes");
}

/**
 * Decodes the elements in src[ip, end) at `out.pos`, which they must grow by exactly
 * `declared` bytes. The output grows as elements are decoded, up to the declared end.
 */
function decompressBlock(
  src: Uint8Array,
  ip: number,
  end: number,
  out: Output,
  declared: number,
): void {
  let buf = out.buf;
  let op = out.pos;
  const blockStart = op;
  const outEnd = op + declared;
  while (ip < end) {
    const tag = src[ip++]!;
    const kind = tag & 3;
    if (kind === 0) {
      let len = (tag >>> 2) + 1;
      if (len > 60) {
        const extra = len - 60;
        if (ip + extra > end) throw new MalformedDataError("snappy literal length is cut short");
        len = 0;
        for (let i = 0; i < extra; i++) len += src[ip + i]! * 2 ** (8 * i);
        len += 1;
        ip += extra;
      }
      if (ip + len > end || op + len > outEnd) {
        throw new MalformedDataError(`snappy literal of ${len} bytes passes the end`);
      }
      if (op + len > buf.length) {
        out.pos = op;
        buf = out.ensure(len, outEnd);
      }
      if (len < 16) {
        for (let i = 0; i < len; i++) buf[op + i] = src[ip + i]!;
      } else buf.set(src.subarray(ip, ip + len), op);
      ip += len;
      op += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (ip >= end) throw new MalformedDataError("snappy copy is cut short");
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | src[ip++]!;
    } else if (kind === 2) {
      if (ip + 2 > end) throw new MalformedDataError("snappy copy is cut short");
      len = (tag >>> 2) + 1;
      offset = src[ip]! | (src[ip + 1]! << 8);
      ip += 2;
    } else {
      if (ip + 4 > end) throw new MalformedDataError("snappy copy is cut short");
      len = (tag >>> 2) + 1;
      offset = (src[ip]! | (src[ip + 1]! << 8) | (src[ip + 2]! << 16) | (src[ip + 3]! << 24)) >>> 0;
      ip += 4;
    }
    if (offset === 0 || offset > op - blockStart) {
      throw new MalformedDataError(`snappy copy offset ${offset} points before the start`);
    }
    if (op + len > outEnd) {
      throw new MalformedDataError(`snappy copy of ${len} bytes passes the end`);
    }
    if (op + len > buf.length) {
      out.pos = op;
      buf = out.ensure(len, outEnd);
    }
    let from = op - offset;
    if (offset >= len && len > 32) {
      buf.copyWithin(op, from, from + len);
      op += len;
    } else {
      // Overlapping copies repeat the last `offset` bytes, so go byte by byte.
      const stop = op + len;
      while (op < stop) buf[op++] = buf[from++]!;
    }
  }
  out.pos = op;
  if (op !== outEnd) {
    throw new MalformedDataError(
      `snappy block decoded to ${op - blockStart} bytes but declared ${declared}`,
    );
  }
}

/** The snappy codec: raw blocks out, raw or xerial-framed blocks in. */
export const snappyCodec: CompressionCodec = {
  id: 2,
  name: "snappy",
  compress: snappyCompress,
  decompress: snappyDecompress,
};
