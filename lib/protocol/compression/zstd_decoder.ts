// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * A zstd decompressor in pure TypeScript (RFC 8878), the fallback where the runtime has no
 * native zstd: Node 20, Cloudflare workers without `nodejs_compat`, browsers.
 *
 * It decodes every frame the format allows except those needing a dictionary: raw, RLE and
 * compressed blocks; raw, RLE, Huffman and treeless literals with 1 or 4 streams; predefined,
 * RLE, FSE-compressed and repeated sequence tables; repeat offsets; concatenated and
 * skippable frames. The optional content checksum (the low 32 bits of XXH64) is verified when
 * a frame carries one. Native zstd is several times faster and is
 * preferred wherever it exists; this keeps consumers working everywhere else.
 *
 * Written from RFC 8878. Every read is bounds-checked: bad input throws `MalformedDataError`,
 * output past the limit `DecompressionLimitError`.
 *
 * @module
 */

import { MalformedDataError } from "../kafka_error.ts";
import { DecompressionLimitError, DEFAULT_MAX_DECOMPRESSED_BYTES } from "./codec.ts";
import { Output } from "./_output.ts";
import { xxhash64Low32 } from "./xxhash64.ts";

const FRAME_MAGIC = 0xfd2fb528;
const MAX_BLOCK = 128 * 1024;

function fail(reason: string): never {
  throw new MalformedDataError(`zstd ${reason}`);
}

function highBit(v: number): number {
  return 31 - Math.clz32(v);
}

/**
 * Reads a bitstream backwards, as zstd's Huffman and FSE streams are written: from the last
 * byte (whose highest set bit marks the start) towards the first. Reading past the first byte
 * yields zeros and leaves `bits` negative, which callers treat as corruption or as the end.
 */
class BackwardBits {
  readonly #src: Uint8Array;
  readonly #start: number;
  /** Bits left, counted from the stream's first byte. */
  bits: number;

  constructor(src: Uint8Array, start: number, end: number) {
    if (end <= start) fail("bitstream is empty");
    const last = src[end - 1]!;
    if (last === 0) fail("bitstream lacks its end marker");
    this.#src = src;
    this.#start = start;
    this.bits = (end - 1 - start) * 8 + highBit(last);
  }

  /** Reads `n` (0–24) bits. */
  read(n: number): number {
    if (n === 0) return 0;
    const from = this.bits - n;
    this.bits = from;
    return this.#peekAt(from, n);
  }

  /** Reads `n` (0–32) bits, in two steps when needed. */
  readLong(n: number): number {
    if (n <= 24) return this.read(n);
    const high = this.read(n - 16);
    return high * 65536 + this.read(16);
  }

  /** Returns `n` (1–24) bits without consuming them. */
  peek(n: number): number {
    return this.#peekAt(this.bits - n, n);
  }

  #peekAt(from: number, n: number): number {
    if (from < 0) {
      // Bits before the stream's start read as zeros.
      if (from + n <= 0) return 0;
      return this.#peekAt(0, from + n) << -from;
    }
    const src = this.#src;
    const byte = this.#start + (from >>> 3);
    const word = src[byte]! | ((src[byte + 1] ?? 0) << 8) | ((src[byte + 2] ?? 0) << 16) |
      ((src[byte + 3] ?? 0) << 24);
    return (word >>> (from & 7)) & ((1 << n) - 1);
  }
}

/** An FSE decoding table: per state, the symbol, the bits to read, the next state's base. */
interface FseTable {
  log: number;
  symbol: Uint8Array;
  bits: Uint8Array;
  base: Uint16Array;
}

function buildFse(probs: Int16Array, count: number, log: number): FseTable {
  const size = 1 << log;
  const symbol = new Uint8Array(size);
  const bits = new Uint8Array(size);
  const base = new Uint16Array(size);
  const next = new Uint16Array(count);
  let high = size - 1;
  for (let s = 0; s < count; s++) {
    if (probs[s] === -1) {
      symbol[high--] = s;
      next[s] = 1;
    } else next[s] = probs[s]!;
  }
  const mask = size - 1;
  const step = (size >>> 1) + (size >>> 3) + 3;
  let pos = 0;
  for (let s = 0; s < count; s++) {
    for (let i = 0; i < probs[s]!; i++) {
      symbol[pos] = s;
      do pos = (pos + step) & mask; while (pos > high);
    }
  }
  if (pos !== 0) fail("FSE table does not spread evenly");
  for (let i = 0; i < size; i++) {
    const s = symbol[i]!;
    const n = next[s]!++;
    const nb = log - highBit(n);
    bits[i] = nb;
    base[i] = (n << nb) - size;
  }
  return { log, symbol, bits, base };
}

/** Reads an FSE table description at src[p]; returns the table and the bytes it took. */
function readFse(
  src: Uint8Array,
  p: number,
  end: number,
  maxSymbol: number,
  maxLog: number,
): [FseTable, number] {
  let bitPos = 0;
  const bitsAt = (n: number): number => {
    const byte = p + (bitPos >>> 3);
    if (byte >= end) fail("FSE table description passes the end");
    const word = src[byte]! | ((src[byte + 1] ?? 0) << 8) | ((src[byte + 2] ?? 0) << 16);
    return (word >>> (bitPos & 7)) & ((1 << n) - 1);
  };
  const log = bitsAt(4) + 5;
  bitPos += 4;
  if (log > maxLog) fail(`FSE accuracy log ${log} is above ${maxLog}`);
  const probs = new Int16Array(maxSymbol + 1);
  let remaining = (1 << log) + 1;
  let threshold = 1 << log;
  let nbBits = log + 1;
  let s = 0;
  while (remaining > 1) {
    if (s > maxSymbol) fail("FSE table has too many symbols");
    const max = 2 * threshold - 1 - remaining;
    let value = bitsAt(nbBits);
    if ((value & (threshold - 1)) < max) {
      value &= threshold - 1;
      bitPos += nbBits - 1;
    } else {
      value &= 2 * threshold - 1;
      if (value >= threshold) value -= max;
      bitPos += nbBits;
    }
    const prob = value - 1;
    probs[s++] = prob;
    remaining -= prob < 0 ? -prob : prob;
    if (prob === 0) {
      for (;;) {
        const repeat = bitsAt(2);
        bitPos += 2;
        s += repeat;
        if (s > maxSymbol + 1) fail("FSE zero run passes the last symbol");
        if (repeat !== 3) break;
      }
    }
    while (remaining < threshold) {
      nbBits--;
      threshold >>>= 1;
    }
  }
  if (remaining !== 1) fail("FSE probabilities do not add up");
  return [buildFse(probs, s, log), (bitPos + 7) >>> 3];
}

function predefined(probs: number[], log: number): FseTable {
  return buildFse(Int16Array.from(probs), probs.length, log);
}

const LL_DEFAULT: FseTable = predefined(
  [
    4,
    3,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    1,
    1,
    1,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    3,
    2,
    1,
    1,
    1,
    1,
    1,
    -1,
    -1,
    -1,
    -1,
  ],
  6,
);
const ML_DEFAULT: FseTable = predefined(
  [
    1,
    4,
    3,
    2,
    2,
    2,
    2,
    2,
    2,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    1,
    -1,
    -1,
    -1,
    -1,
    -1,
    -1,
    -1,
  ],
  6,
);
const OF_DEFAULT: FseTable = predefined(
  [1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1],
  5,
);

const LL_BASE = [
  0,
  1,
  2,
  3,
  4,
  5,
  6,
  7,
  8,
  9,
  10,
  11,
  12,
  13,
  14,
  15,
  16,
  18,
  20,
  22,
  24,
  28,
  32,
  40,
  48,
  64,
  128,
  256,
  512,
  1024,
  2048,
  4096,
  8192,
  16384,
  32768,
  65536,
];
const LL_BITS = [
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  1,
  1,
  1,
  1,
  2,
  2,
  3,
  3,
  4,
  6,
  7,
  8,
  9,
  10,
  11,
  12,
  13,
  14,
  15,
  16,
];
const ML_BASE = [
  3,
  4,
  5,
  6,
  7,
  8,
  9,
  10,
  11,
  12,
  13,
  14,
  15,
  16,
  17,
  18,
  19,
  20,
  21,
  22,
  23,
  24,
  25,
  26,
  27,
  28,
  29,
  30,
  31,
  32,
  33,
  34,
  35,
  37,
  39,
  41,
  43,
  47,
  51,
  59,
  67,
  83,
  99,
  131,
  259,
  515,
  1027,
  2051,
  4099,
  8195,
  16387,
  32771,
  65539,
];
const ML_BITS = [
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  1,
  1,
  1,
  1,
  2,
  2,
  3,
  3,
  4,
  4,
  5,
  7,
  8,
  9,
  10,
  11,
  12,
  13,
  14,
  15,
  16,
];

function rleTable(symbol: number): FseTable {
  return { log: 0, symbol: Uint8Array.of(symbol), bits: Uint8Array.of(0), base: Uint16Array.of(0) };
}

/** A Huffman decoding table indexed by the next `maxBits` bits. */
interface Huffman {
  maxBits: number;
  symbol: Uint8Array;
  bits: Uint8Array;
}

/** State kept between the blocks of one frame. */
interface FrameState {
  huffman: Huffman | null;
  ll: FseTable | null;
  of: FseTable | null;
  ml: FseTable | null;
  rep: [number, number, number];
  frameStart: number;
}

function readHuffman(src: Uint8Array, p: number, end: number): [Huffman, number] {
  if (p >= end) fail("Huffman tree description is missing");
  const header = src[p]!;
  const weights = new Uint8Array(256);
  let count = 0;
  let size: number;
  if (header >= 128) {
    count = header - 127;
    size = 1 + ((count + 1) >>> 1);
    if (p + size > end) fail("Huffman weights pass the end");
    for (let i = 0; i < count; i++) {
      const b = src[p + 1 + (i >>> 1)]!;
      weights[i] = i & 1 ? b & 15 : b >>> 4;
    }
  } else {
    size = 1 + header;
    if (p + size > end) fail("Huffman weights pass the end");
    const [table, used] = readFse(src, p + 1, p + size, 255, 6);
    if (1 + used >= size) fail("Huffman weights stream is missing");
    const bits = new BackwardBits(src, p + 1 + used, p + size);
    let s1 = bits.read(table.log);
    let s2 = bits.read(table.log);
    for (;;) {
      if (count > 254) fail("Huffman tree has too many weights");
      weights[count++] = table.symbol[s1]!;
      s1 = table.base[s1]! + bits.read(table.bits[s1]!);
      if (bits.bits < 0) {
        weights[count++] = table.symbol[s2]!;
        break;
      }
      if (count > 254) fail("Huffman tree has too many weights");
      weights[count++] = table.symbol[s2]!;
      s2 = table.base[s2]! + bits.read(table.bits[s2]!);
      if (bits.bits < 0) {
        weights[count++] = table.symbol[s1]!;
        break;
      }
    }
  }
  let total = 0;
  for (let i = 0; i < count; i++) {
    const w = weights[i]!;
    if (w > 11) fail(`Huffman weight ${w} is above 11`);
    if (w > 0) total += 1 << (w - 1);
  }
  if (total === 0) fail("Huffman tree has no symbols");
  const maxBits = highBit(total) + 1;
  if (maxBits > 11) fail("Huffman codes are longer than 11 bits");
  const rest = (1 << maxBits) - total;
  if ((rest & (rest - 1)) !== 0) fail("Huffman weights do not complete a tree");
  if (count > 255) fail("Huffman tree has too many symbols");
  weights[count++] = highBit(rest) + 1;
  // Codes go to symbols by increasing weight, then increasing symbol: fill the table so.
  const tableSize = 1 << maxBits;
  const symbol = new Uint8Array(tableSize);
  const nbBits = new Uint8Array(tableSize);
  let at = 0;
  for (let w = 1; w <= maxBits; w++) {
    const span = 1 << (w - 1);
    const len = maxBits + 1 - w;
    for (let s = 0; s < count; s++) {
      if (weights[s] !== w) continue;
      symbol.fill(s, at, at + span);
      nbBits.fill(len, at, at + span);
      at += span;
    }
  }
  if (at !== tableSize) fail("Huffman table is incomplete");
  return [{ maxBits, symbol, bits: nbBits }, size];
}

function decodeHuffmanStream(
  src: Uint8Array,
  start: number,
  end: number,
  h: Huffman,
  out: Uint8Array,
  from: number,
  to: number,
): void {
  const bits = new BackwardBits(src, start, end);
  const maxBits = h.maxBits;
  for (let i = from; i < to; i++) {
    const v = bits.peek(maxBits);
    out[i] = h.symbol[v]!;
    bits.bits -= h.bits[v]!;
  }
  if (bits.bits !== 0) fail("Huffman stream does not end where its literals do");
}

/** Decodes the literals section at src[p]; returns the literals and the bytes it took. */
function readLiterals(
  src: Uint8Array,
  p: number,
  end: number,
  state: FrameState,
): [Uint8Array, number] {
  const b0 = src[p]!;
  const type = b0 & 3;
  const format = (b0 >>> 2) & 3;
  if (type < 2) {
    let size: number;
    let header: number;
    if (format === 0 || format === 2) {
      size = b0 >>> 3;
      header = 1;
    } else if (format === 1) {
      if (p + 2 > end) fail("literals header passes the end");
      size = (b0 >>> 4) | (src[p + 1]! << 4);
      header = 2;
    } else {
      if (p + 3 > end) fail("literals header passes the end");
      size = (b0 >>> 4) | (src[p + 1]! << 4) | (src[p + 2]! << 12);
      header = 3;
    }
    if (size > MAX_BLOCK) fail("literals are larger than a block");
    if (type === 0) {
      if (p + header + size > end) fail("raw literals pass the end");
      return [src.subarray(p + header, p + header + size), header + size];
    }
    if (p + header >= end) fail("RLE literal passes the end");
    return [new Uint8Array(size).fill(src[p + header]!), header + 1];
  }
  let regen: number;
  let compressed: number;
  let header: number;
  const streams = format === 0 ? 1 : 4;
  if (format < 2) {
    if (p + 3 > end) fail("literals header passes the end");
    const v = b0 | (src[p + 1]! << 8) | (src[p + 2]! << 16);
    regen = (v >>> 4) & 0x3ff;
    compressed = (v >>> 14) & 0x3ff;
    header = 3;
  } else if (format === 2) {
    if (p + 4 > end) fail("literals header passes the end");
    const v = (b0 | (src[p + 1]! << 8) | (src[p + 2]! << 16) | (src[p + 3]! << 24)) >>> 0;
    regen = (v >>> 4) & 0x3fff;
    compressed = v >>> 18;
    header = 4;
  } else {
    if (p + 5 > end) fail("literals header passes the end");
    const v = b0 | (src[p + 1]! << 8) | (src[p + 2]! << 16);
    regen = (v >>> 4) & 0x3ffff;
    compressed = (src[p + 2]! >>> 6) | (src[p + 3]! << 2) | (src[p + 4]! << 10);
    header = 5;
  }
  if (regen > MAX_BLOCK) fail("literals are larger than a block");
  let q = p + header;
  const stop = q + compressed;
  if (stop > end) fail("compressed literals pass the end");
  if (type === 2) {
    const [h, used] = readHuffman(src, q, stop);
    state.huffman = h;
    q += used;
  } else if (state.huffman === null) fail("treeless literals with no earlier Huffman table");
  const h = state.huffman!;
  const out = new Uint8Array(regen);
  if (streams === 1) {
    decodeHuffmanStream(src, q, stop, h, out, 0, regen);
  } else {
    if (q + 6 > stop) fail("literal jump table passes the end");
    const s1 = src[q]! | (src[q + 1]! << 8);
    const s2 = src[q + 2]! | (src[q + 3]! << 8);
    const s3 = src[q + 4]! | (src[q + 5]! << 8);
    q += 6;
    const per = Math.ceil(regen / 4);
    const ends = [q + s1, q + s1 + s2, q + s1 + s2 + s3, stop];
    if (ends[2]! > stop || per * 3 > regen) fail("literal streams do not fit");
    let from = q;
    for (let i = 0; i < 4; i++) {
      decodeHuffmanStream(src, from, ends[i]!, h, out, per * i, i === 3 ? regen : per * (i + 1));
      from = ends[i]!;
    }
  }
  return [out, stop - p];
}

function readTable(
  mode: number,
  src: Uint8Array,
  p: number,
  end: number,
  predefinedTable: FseTable,
  previous: FseTable | null,
  maxSymbol: number,
  maxLog: number,
): [FseTable, number] {
  switch (mode) {
    case 0:
      return [predefinedTable, 0];
    case 1:
      if (p >= end) fail("RLE sequence table passes the end");
      if (src[p]! > maxSymbol) fail("RLE sequence symbol is out of range");
      return [rleTable(src[p]!), 1];
    case 2: {
      const result = readFse(src, p, end, maxSymbol, maxLog);
      if (p + result[1] > end) fail("FSE table description passes the end");
      return result;
    }
    default:
      if (previous === null) fail("repeated sequence table with no earlier table");
      return [previous!, 0];
  }
}

function decompressBlock(
  src: Uint8Array,
  p: number,
  end: number,
  out: Output,
  state: FrameState,
): void {
  if (p >= end) fail("compressed block is empty");
  const [literals, litSize] = readLiterals(src, p, end, state);
  p += litSize;
  if (p >= end) fail("sequences section is missing");
  let count = src[p++]!;
  if (count >= 128) {
    if (p >= end) fail("sequence count passes the end");
    if (count < 255) count = ((count - 128) << 8) + src[p++]!;
    else {
      if (p + 2 > end) fail("sequence count passes the end");
      count = src[p]! + (src[p + 1]! << 8) + 0x7f00;
      p += 2;
    }
  }
  let litPos = 0;
  if (count > 0) {
    if (p >= end) fail("sequence modes pass the end");
    const modes = src[p++]!;
    if ((modes & 3) !== 0) fail("reserved bits set in sequence modes");
    let used: number;
    [state.ll, used] = readTable(modes >>> 6, src, p, end, LL_DEFAULT, state.ll, 35, 9);
    p += used;
    [state.of, used] = readTable((modes >>> 4) & 3, src, p, end, OF_DEFAULT, state.of, 31, 8);
    p += used;
    [state.ml, used] = readTable((modes >>> 2) & 3, src, p, end, ML_DEFAULT, state.ml, 52, 9);
    p += used;
    const ll = state.ll!;
    const of = state.of!;
    const ml = state.ml!;
    const bits = new BackwardBits(src, p, end);
    let llState = bits.read(ll.log);
    let ofState = bits.read(of.log);
    let mlState = bits.read(ml.log);
    const rep = state.rep;
    for (let i = 0; i < count; i++) {
      const ofCode = of.symbol[ofState]!;
      const mlCode = ml.symbol[mlState]!;
      const llCode = ll.symbol[llState]!;
      if (ofCode > 31) fail(`offset code ${ofCode} is out of range`);
      const ofValue = 2 ** ofCode + bits.readLong(ofCode);
      const matchLength = ML_BASE[mlCode]! + bits.read(ML_BITS[mlCode]!);
      const litLength = LL_BASE[llCode]! + bits.read(LL_BITS[llCode]!);
      let offset: number;
      if (ofValue > 3) {
        offset = ofValue - 3;
        rep[2] = rep[1];
        rep[1] = rep[0];
        rep[0] = offset;
      } else {
        const index = ofValue - 1 + (litLength === 0 ? 1 : 0);
        if (index === 0) offset = rep[0];
        else if (index === 3) {
          offset = rep[0] - 1;
          rep[2] = rep[1];
          rep[1] = rep[0];
          rep[0] = offset;
        } else {
          offset = rep[index]!;
          if (index === 2) rep[2] = rep[1];
          rep[1] = rep[0];
          rep[0] = offset;
        }
      }
      if (i + 1 < count) {
        llState = ll.base[llState]! + bits.read(ll.bits[llState]!);
        mlState = ml.base[mlState]! + bits.read(ml.bits[mlState]!);
        ofState = of.base[ofState]! + bits.read(of.bits[ofState]!);
      }
      if (litPos + litLength > literals.length) fail("sequence takes more literals than there are");
      const buf = out.ensure(litLength + matchLength);
      let o = out.pos;
      buf.set(literals.subarray(litPos, litPos + litLength), o);
      litPos += litLength;
      o += litLength;
      if (offset <= 0 || offset > o - state.frameStart) {
        fail(`match offset ${offset} points before the frame`);
      }
      let from = o - offset;
      if (offset >= matchLength) {
        buf.copyWithin(o, from, from + matchLength);
        o += matchLength;
      } else {
        const stop = o + matchLength;
        while (o < stop) buf[o++] = buf[from++]!;
      }
      out.pos = o;
    }
    if (bits.bits !== 0) fail("sequence bitstream does not end with its last sequence");
  }
  const rest = literals.length - litPos;
  out.ensure(rest).set(literals.subarray(litPos), out.pos);
  out.pos += rest;
}

/**
 * Decompresses zstd frames in pure TypeScript.
 *
 * @param data One or more zstd frames (skippable frames are skipped).
 * @param maxSize The most bytes the output may have.
 * @throws {MalformedDataError} on input that is not valid zstd, or that needs a dictionary.
 * @throws {DecompressionLimitError} when the output would pass `maxSize`.
 *
 * @example A frame holding one raw block, built by hand from RFC 8878
 * ```ts
 * import { zstdDecompressPortable } from "./zstd_decoder.ts";
 * import assert from "node:assert/strict";
 *
 * const frame = new Uint8Array([
 *   0x28, 0xb5, 0x2f, 0xfd, // magic
 *   0x20, 0x02, // single segment, 1-byte content size: 2
 *   0x11, 0x00, 0x00, // last block, raw, 2 bytes
 *   0x68, 0x69,
 * ]);
 * assert.equal(new TextDecoder().decode(zstdDecompressPortable(frame)), "hi");
 * ```
 */
export function zstdDecompressPortable(
  data: Uint8Array,
  maxSize: number = DEFAULT_MAX_DECOMPRESSED_BYTES,
): Uint8Array {
  const out = new Output("zstd", data.length, maxSize);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let p = 0;
  do {
    if (p + 4 > data.length) fail("frame is cut short");
    const magic = view.getUint32(p, true);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      if (p + 8 > data.length) fail("skippable frame is cut short");
      const size = view.getUint32(p + 4, true);
      if (p + 8 + size > data.length) fail("skippable frame passes the end");
      p += 8 + size;
      continue;
    }
    if (magic !== FRAME_MAGIC) fail(`frame magic is 0x${magic.toString(16)}`);
    p = decompressFrame(data, view, p + 4, out);
  } while (p < data.length);
  return out.result();
}

function decompressFrame(src: Uint8Array, view: DataView, p: number, out: Output): number {
  const end = src.length;
  if (p >= end) fail("frame header is cut short");
  const fhd = src[p++]!;
  const fcsFlag = fhd >>> 6;
  const singleSegment = (fhd & 0x20) !== 0;
  const checksum = (fhd & 0x04) !== 0;
  const dictFlag = fhd & 3;
  if ((fhd & 0x08) !== 0) fail("reserved frame header bit set");
  if (!singleSegment) p++; // window descriptor: the whole output stays addressable anyway
  const dictSize = [0, 1, 2, 4][dictFlag]!;
  let dictId = 0;
  for (let i = 0; i < dictSize; i++) dictId += (src[p + i] ?? 0) * 2 ** (8 * i);
  p += dictSize;
  if (dictId !== 0) fail("frame needs a dictionary, which Kafka never uses");
  const fcsSize = fcsFlag === 0 ? (singleSegment ? 1 : 0) : [0, 2, 4, 8][fcsFlag]!;
  if (p + fcsSize > end) fail("frame header is cut short");
  let contentSize = -1;
  if (fcsSize === 1) contentSize = src[p]!;
  else if (fcsSize === 2) contentSize = view.getUint16(p, true) + 256;
  else if (fcsSize === 4) contentSize = view.getUint32(p, true);
  else if (fcsSize === 8) {
    contentSize = view.getUint32(p, true) + view.getUint32(p + 4, true) * 2 ** 32;
  }
  p += fcsSize;
  // The declared size is only a claim: checked against the limit now and against what the
  // blocks decode to at the end, but nothing is allocated by it.
  if (contentSize >= 0 && out.pos + contentSize > out.max) {
    throw new DecompressionLimitError("zstd", out.max);
  }
  const state: FrameState = {
    huffman: null,
    ll: null,
    of: null,
    ml: null,
    rep: [1, 4, 8],
    frameStart: out.pos,
  };
  for (;;) {
    if (p + 3 > end) fail("block header is cut short");
    const header = src[p]! | (src[p + 1]! << 8) | (src[p + 2]! << 16);
    p += 3;
    const last = (header & 1) !== 0;
    const type = (header >>> 1) & 3;
    const size = header >>> 3;
    if (type === 0) {
      if (p + size > end) fail("raw block passes the end");
      out.ensure(size).set(src.subarray(p, p + size), out.pos);
      out.pos += size;
      p += size;
    } else if (type === 1) {
      if (p >= end) fail("RLE block passes the end");
      if (size > MAX_BLOCK) fail("RLE block is larger than a block");
      out.ensure(size).fill(src[p]!, out.pos, out.pos + size);
      out.pos += size;
      p += 1;
    } else if (type === 2) {
      if (size > MAX_BLOCK || p + size > end) fail("compressed block passes the end");
      decompressBlock(src, p, p + size, out, state);
      p += size;
    } else fail("reserved block type");
    if (last) break;
  }
  if (contentSize >= 0 && out.pos - state.frameStart !== contentSize) {
    fail(`frame decoded to ${out.pos - state.frameStart} bytes but declared ${contentSize}`);
  }
  if (checksum) {
    if (p + 4 > end) fail("content checksum is cut short");
    if (xxhash64Low32(out.buf, state.frameStart, out.pos) !== view.getUint32(p, true)) {
      fail("content checksum does not match");
    }
    p += 4;
  }
  return p;
}
