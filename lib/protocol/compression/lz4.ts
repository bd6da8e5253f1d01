// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * LZ4 in the frame format Kafka uses (KIP-57), pure TypeScript, synchronous.
 *
 * Compression writes what Java's `Lz4BlockOutputStream` writes and requires on reading:
 * version 1, independent blocks of at most 64 KiB, no block or content checksum, no content
 * size; a block that does not shrink is stored raw. Decompression accepts every frame the LZ4
 * frame spec allows (linked blocks, block and content checksums, content size, concatenated
 * frames) and also the frame-descriptor checksum Kafka clients before 0.10 computed wrongly
 * over the magic number too (KAFKA-3160), which old magic 0 message sets carry.
 *
 * Written from the LZ4 block and frame format descriptions. No runtime ships LZ4, and its
 * byte-oriented format is about as fast in JS as snappy.
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
import { xxhash32 } from "./xxhash32.ts";

const MAGIC = 0x184d2204;
const BLOCK_SIZE = 1 << 16;
/** FLG: version 01, independent blocks; BD: 64 KiB maximum block size. */
const FLG = 0x60;
const BD = 0x40;
const MIN_MATCH = 4;
/** The last 5 bytes of a block are always literals, and no match starts in the last 12. */
const LAST_LITERALS = 5;
const MF_LIMIT = 12;
const HASH_BITS = 14;

/** Absolute input positions by hash; a stale entry is harmless as every match is verified. */
const table: Int32Array = new Int32Array(1 << HASH_BITS).fill(-1);

/**
 * Compresses `data` into one LZ4 frame that Java's Kafka client reads.
 *
 * @example Repetitive data shrinks and comes back
 * ```ts
 * import { lz4Compress, lz4Decompress } from "./lz4.ts";
 * import assert from "node:assert/strict";
 *
 * const data = new TextEncoder().encode("kafka ".repeat(100));
 * const frame = lz4Compress(data);
 * assert.ok(frame.length < 40);
 * assert.deepEqual(lz4Decompress(frame), data);
 * ```
 */
export function lz4Compress(data: Uint8Array): Uint8Array {
  const n = data.length;
  const blocks = Math.ceil(n / BLOCK_SIZE);
  // Worst case per block: the raw bytes plus the 4-byte size; a compressed attempt may
  // briefly need the LZ4 bound (n + n/255 + 16) before it is replaced by the raw copy.
  const out = new Uint8Array(7 + blocks * (4 + BLOCK_SIZE + (BLOCK_SIZE >>> 8) + 16) + 4);
  out[0] = MAGIC & 0xff;
  out[1] = (MAGIC >>> 8) & 0xff;
  out[2] = (MAGIC >>> 16) & 0xff;
  out[3] = MAGIC >>> 24;
  out[4] = FLG;
  out[5] = BD;
  out[6] = (xxhash32(out, 0, 4, 6) >>> 8) & 0xff;
  let op = 7;
  for (let start = 0; start < n; start += BLOCK_SIZE) {
    const end = Math.min(n, start + BLOCK_SIZE);
    const size = compressBlock(data, start, end, out, op + 4) - (op + 4);
    if (size < end - start) {
      write32(out, op, size);
      op += 4 + size;
    } else {
      write32(out, op, (end - start) | 0x80000000);
      out.set(data.subarray(start, end), op + 4);
      op += 4 + end - start;
    }
  }
  write32(out, op, 0);
  return out.subarray(0, op + 4);
}

function write32(b: Uint8Array, i: number, v: number): void {
  b[i] = v & 0xff;
  b[i + 1] = (v >>> 8) & 0xff;
  b[i + 2] = (v >>> 16) & 0xff;
  b[i + 3] = v >>> 24;
}

function read32(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

/** Compresses src[start, end) as one independent LZ4 block at out[op]; returns the new end. */
function compressBlock(
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  op: number,
): number {
  const t = table;
  const shift = 32 - HASH_BITS;
  let anchor = start;
  if (end - start > MF_LIMIT) {
    const mfLimit = end - MF_LIMIT;
    const matchLimit = end - LAST_LITERALS;
    let ip = start;
    t[Math.imul(read32(src, ip), 0x9e3779b1) >>> shift] = ip;
    ip++;
    while (ip <= mfLimit) {
      const word = read32(src, ip);
      const h = Math.imul(word, 0x9e3779b1) >>> shift;
      let ref = t[h]!;
      t[h] = ip;
      if (ref < start || ref >= ip || ip - ref > 0xffff || read32(src, ref) !== word) {
        // Step faster through data that keeps failing to match.
        ip += 1 + ((ip - anchor) >>> 6);
        continue;
      }
      while (ip > anchor && ref > start && src[ip - 1] === src[ref - 1]) {
        ip--;
        ref--;
      }
      let len = MIN_MATCH;
      while (ip + len < matchLimit && src[ref + len] === src[ip + len]) len++;
      op = emitSequence(src, anchor, ip, ip - ref, len, out, op);
      ip += len;
      anchor = ip;
      if (ip <= mfLimit) t[Math.imul(read32(src, ip - 2), 0x9e3779b1) >>> shift] = ip - 2;
    }
  }
  // The last literals: a token with no match part.
  const litLen = end - anchor;
  const token = op++;
  op = writeLength(litLen, out, op);
  out[token] = (litLen >= 15 ? 15 : litLen) << 4;
  out.set(src.subarray(anchor, end), op);
  return op + litLen;
}

function emitSequence(
  src: Uint8Array,
  anchor: number,
  ip: number,
  offset: number,
  len: number,
  out: Uint8Array,
  op: number,
): number {
  const litLen = ip - anchor;
  const matchLen = len - MIN_MATCH;
  out[op++] = ((litLen >= 15 ? 15 : litLen) << 4) | (matchLen >= 15 ? 15 : matchLen);
  op = writeLength(litLen, out, op);
  if (litLen < 16) {
    for (let i = 0; i < litLen; i++) out[op + i] = src[anchor + i]!;
  } else out.set(src.subarray(anchor, ip), op);
  op += litLen;
  out[op++] = offset & 0xff;
  out[op++] = offset >>> 8;
  return writeLength(matchLen, out, op);
}

/** Writes the bytes that follow a token nibble of 15: runs of 255, then the rest. */
function writeLength(n: number, out: Uint8Array, op: number): number {
  if (n < 15) return op;
  n -= 15;
  while (n >= 255) {
    out[op++] = 255;
    n -= 255;
  }
  out[op++] = n;
  return op;
}

/**
 * Decompresses one or more LZ4 frames.
 *
 * @param data The compressed bytes.
 * @param maxSize The most bytes the output may have.
 * @throws {MalformedDataError} when the data is not a valid LZ4 frame or a checksum fails.
 * @throws {DecompressionLimitError} when the output would pass `maxSize`.
 *
 * @example A frame holding one raw block
 * ```ts
 * import { lz4Decompress } from "./lz4.ts";
 * import assert from "node:assert/strict";
 *
 * const frame = new Uint8Array([
 *   0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82, // magic, FLG, BD, header checksum
 *   0x02, 0x00, 0x00, 0x80, 0x68, 0x69, // a raw ("uncompressed") block of 2 bytes
 *   0x00, 0x00, 0x00, 0x00, // end mark
 * ]);
 * assert.equal(new TextDecoder().decode(lz4Decompress(frame)), "hi");
 * ```
 */
export function lz4Decompress(
  data: Uint8Array,
  maxSize: number = DEFAULT_MAX_DECOMPRESSED_BYTES,
): Uint8Array {
  const out = new Output("lz4", data.length, maxSize);
  let p = 0;
  do {
    p = decompressFrame(data, p, out, maxSize);
  } while (p < data.length);
  return out.result();
}

function decompressFrame(d: Uint8Array, p: number, out: Output, maxSize: number): number {
  const frameStart = p;
  const end = d.length;
  if (p + 7 > end) throw new MalformedDataError("lz4 frame header is cut short");
  if (read32(d, p) >>> 0 !== MAGIC) {
    throw new MalformedDataError(`lz4 frame magic is 0x${(read32(d, p) >>> 0).toString(16)}`);
  }
  const flg = d[p + 4]!;
  const bd = d[p + 5]!;
  if (flg >>> 6 !== 1) throw new MalformedDataError(`lz4 frame version ${flg >>> 6} is not 1`);
  if ((flg & 2) !== 0 || (bd & 0x8f) !== 0) {
    throw new MalformedDataError("lz4 frame reserved bits set");
  }
  const independent = (flg & 0x20) !== 0;
  const blockChecksum = (flg & 0x10) !== 0;
  const hasContentSize = (flg & 0x08) !== 0;
  const contentChecksum = (flg & 0x04) !== 0;
  const hasDictId = (flg & 0x01) !== 0;
  const sizeCode = (bd >>> 4) & 7;
  if (sizeCode < 4) throw new MalformedDataError(`lz4 block size code ${sizeCode} is not 4-7`);
  const blockMax = 1 << (2 * sizeCode + 8);
  p += 6;
  // The declared size is only a claim: it is checked against the limit now and against what
  // the blocks decode to at the end, but nothing is allocated by it.
  let contentSize = -1;
  if (hasContentSize) {
    if (p + 8 > end) throw new MalformedDataError("lz4 frame content size is cut short");
    contentSize = (read32(d, p) >>> 0) + (read32(d, p + 4) >>> 0) * 2 ** 32;
    if (out.pos + contentSize > maxSize) throw new DecompressionLimitError("lz4", maxSize);
    p += 8;
  }
  if (hasDictId) {
    throw new MalformedDataError("lz4 frame asks for a dictionary, which Kafka never uses");
  }
  if (p >= end) throw new MalformedDataError("lz4 frame header is cut short");
  const hc = d[p]!;
  // The spec hashes the descriptor after the magic; Kafka before 0.10 hashed the magic too.
  if (
    hc !== ((xxhash32(d, 0, frameStart + 4, p) >>> 8) & 0xff) &&
    hc !== ((xxhash32(d, 0, frameStart, p) >>> 8) & 0xff)
  ) {
    throw new MalformedDataError("lz4 frame header checksum does not match");
  }
  p++;
  const contentStart = out.pos;
  for (;;) {
    if (p + 4 > end) throw new MalformedDataError("lz4 block size is cut short");
    const word = read32(d, p) >>> 0;
    p += 4;
    if (word === 0) break;
    const raw = word >= 0x80000000;
    const size = word & 0x7fffffff;
    if (size > blockMax || p + size + (blockChecksum ? 4 : 0) > end) {
      throw new MalformedDataError(`lz4 block of ${size} bytes passes the end of the frame`);
    }
    if (blockChecksum && xxhash32(d, 0, p, p + size) !== read32(d, p + size) >>> 0) {
      throw new MalformedDataError("lz4 block checksum does not match");
    }
    if (raw) {
      out.ensure(size).set(d.subarray(p, p + size), out.pos);
      out.pos += size;
    } else {
      decompressBlock(d, p, p + size, out, independent ? out.pos : contentStart, blockMax);
    }
    p += size + (blockChecksum ? 4 : 0);
  }
  if (contentSize >= 0 && out.pos - contentStart !== contentSize) {
    throw new MalformedDataError(
      `lz4 frame decoded to ${out.pos - contentStart} bytes but declared ${contentSize}`,
    );
  }
  if (contentChecksum) {
    if (p + 4 > end) throw new MalformedDataError("lz4 content checksum is cut short");
    if (xxhash32(out.buf, 0, contentStart, out.pos) !== read32(d, p) >>> 0) {
      throw new MalformedDataError("lz4 content checksum does not match");
    }
    p += 4;
  }
  return p;
}

/** Decodes one LZ4 block from src[ip, end); matches may reach back to out[floor]. */
function decompressBlock(
  src: Uint8Array,
  ip: number,
  end: number,
  out: Output,
  floor: number,
  blockMax: number,
): void {
  let buf = out.buf;
  let op = out.pos;
  const blockEnd = op + blockMax;
  for (;;) {
    if (ip >= end) throw new MalformedDataError("lz4 block ends inside a sequence");
    const token = src[ip++]!;
    let litLen = token >>> 4;
    if (litLen === 15) {
      let b = 255;
      while (b === 255) {
        if (ip >= end) throw new MalformedDataError("lz4 literal length is cut short");
        b = src[ip++]!;
        litLen += b;
      }
    }
    if (ip + litLen > end) throw new MalformedDataError("lz4 literals pass the end of the block");
    if (op + litLen > blockEnd) {
      throw new MalformedDataError("lz4 block grows past its maximum size");
    }
    if (op + litLen > buf.length) {
      out.pos = op;
      buf = out.ensure(litLen);
    }
    if (litLen < 16) {
      for (let i = 0; i < litLen; i++) buf[op + i] = src[ip + i]!;
    } else buf.set(src.subarray(ip, ip + litLen), op);
    ip += litLen;
    op += litLen;
    if (ip === end) break; // the last sequence has literals only
    if (ip + 2 > end) throw new MalformedDataError("lz4 match offset is cut short");
    const offset = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    if (offset === 0 || offset > op - floor) {
      throw new MalformedDataError(`lz4 match offset ${offset} points before the start`);
    }
    let len = token & 15;
    if (len === 15) {
      let b = 255;
      while (b === 255) {
        if (ip >= end) throw new MalformedDataError("lz4 match length is cut short");
        b = src[ip++]!;
        len += b;
      }
    }
    len += MIN_MATCH;
    if (op + len > blockEnd) throw new MalformedDataError("lz4 block grows past its maximum size");
    if (op + len > buf.length) {
      out.pos = op;
      buf = out.ensure(len);
    }
    let from = op - offset;
    if (offset >= len && len > 32) {
      buf.copyWithin(op, from, from + len);
      op += len;
    } else {
      const stop = op + len;
      while (op < stop) buf[op++] = buf[from++]!;
    }
  }
  out.pos = op;
}

/** The LZ4 codec, in Kafka's frame form. */
export const lz4Codec: CompressionCodec = {
  id: 3,
  name: "lz4",
  compress: lz4Compress,
  decompress: lz4Decompress,
};
