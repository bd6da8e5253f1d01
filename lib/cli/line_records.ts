// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The line format of `kanal produce` (kcat's `-P`): standard input cut into lines, each line a
 * record with an optional key before a delimiter (`-K`), and the parsing of `-D`/`-K` delimiters
 * and `-H` headers.
 *
 * @module
 */

import type { RecordHeaderInput } from "../protocol/record.ts";
import type { ProducerRecord } from "../producer/producer_record.ts";
import { UsageError } from "./args.ts";

/** What turns lines into records: see {@linkcode lineRecords}. */
export interface LineRecordOptions {
  /** The topic of every record. */
  readonly topic: string;
  /** Splits each line into key and value at its first occurrence; absent: no keys. */
  readonly keyDelimiter?: Uint8Array;
  /** Headers for every record (shared, not copied). */
  readonly headers?: readonly RecordHeaderInput[];
  /** The partition of every record; absent: the partitioner picks. */
  readonly partition?: number;
}

const LF = 10;
const CR = 13;

/**
 * A stream from raw bytes to arrays of records, one record per line and one array per chunk
 * read, as kcat's `-P` reads its input:
 *
 * - lines end with `\n` or `\r\n`; a last line without a newline counts;
 * - an empty line is skipped (kcat produces nothing for it);
 * - with `keyDelimiter`, the key is what comes before its first occurrence and the value what
 *   follows (either may be empty); a line without it has a null key and the whole line as value.
 *
 * Keys and values are views into the input chunks, never copies, except for a line that spans
 * two chunks; so the input must not reuse its buffers.
 *
 * @example Keys, values and a line without the delimiter
 * ```ts
 * import { lineRecords } from "./produce_command.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = new TextEncoder().encode("k1:v1\r\n\nno key\nk2:a:b");
 * const out = ReadableStream.from([bytes.subarray(0, 9), bytes.subarray(9)])
 *   .pipeThrough(lineRecords({ topic: "t", keyDelimiter: new TextEncoder().encode(":") }));
 * const text = (b: Uint8Array | string | null | undefined) =>
 *   b instanceof Uint8Array ? new TextDecoder().decode(b) : b;
 * const seen: unknown[] = [];
 * for await (const records of out) {
 *   for (const r of records) seen.push([text(r.key), text(r.value)]);
 * }
 * assert.deepEqual(seen, [["k1", "v1"], [null, "no key"], ["k2", "a:b"]]);
 * ```
 */
export function lineRecords(
  options: LineRecordOptions,
): TransformStream<Uint8Array, ProducerRecord[]> {
  const { topic, keyDelimiter, headers, partition } = options;
  if (keyDelimiter !== undefined && keyDelimiter.length === 0) {
    throw new RangeError(
      "Cannot split keys as the key delimiter must be at least one byte: current value is empty",
    );
  }
  const d0 = keyDelimiter?.[0] ?? 0;
  const dLen = keyDelimiter?.length ?? 0;
  // The pieces of a line that began in an earlier chunk.
  let carry: Uint8Array[] = [];
  let carried = 0;

  const record = (line: Uint8Array, out: ProducerRecord[]): void => {
    let end = line.length;
    if (end > 0 && line[end - 1] === CR) end--;
    if (end === 0) return;
    let key: Uint8Array | null = null;
    let value = end === line.length ? line : line.subarray(0, end);
    if (keyDelimiter !== undefined) {
      const at = find(value, end, keyDelimiter, d0, dLen);
      if (at >= 0) {
        key = value.subarray(0, at);
        value = value.subarray(at + dLen);
      }
    }
    // Every record has the same shape, so the producer's hot path sees one hidden class.
    out.push({ topic, key, value, headers, partition });
  };

  const joinCarry = (tail: Uint8Array): Uint8Array => {
    const line = new Uint8Array(carried + tail.length);
    let o = 0;
    for (const piece of carry) {
      line.set(piece, o);
      o += piece.length;
    }
    line.set(tail, o);
    carry = [];
    carried = 0;
    return line;
  };

  return new TransformStream<Uint8Array, ProducerRecord[]>({
    transform(chunk, controller) {
      const out: ProducerRecord[] = [];
      let pos = 0;
      for (;;) {
        const nl = chunk.indexOf(LF, pos);
        if (nl < 0) {
          if (pos < chunk.length) {
            carry.push(chunk.subarray(pos));
            carried += chunk.length - pos;
          }
          break;
        }
        const piece = chunk.subarray(pos, nl);
        record(carried > 0 ? joinCarry(piece) : piece, out);
        pos = nl + 1;
      }
      if (out.length > 0) controller.enqueue(out);
    },
    flush(controller) {
      if (carried === 0) return;
      const out: ProducerRecord[] = [];
      record(joinCarry(new Uint8Array(0)), out);
      if (out.length > 0) controller.enqueue(out);
    },
  });
}

/** The index of the first `delim` in `line[0, end)`, or -1. */
function find(line: Uint8Array, end: number, delim: Uint8Array, d0: number, dLen: number): number {
  let i = line.indexOf(d0);
  while (i >= 0 && i + dLen <= end) {
    let j = 1;
    while (j < dLen && line[i + j] === delim[j]) j++;
    if (j === dLen) return i;
    i = line.indexOf(d0, i + 1);
  }
  return -1;
}

/**
 * Reads a delimiter as kcat's `-K` and `-D` take it: the characters as UTF-8, where `\n`, `\r`,
 * `\t`, `\0`, `\\` and `\xNN` (a byte in hex) stand for what they say.
 *
 * @throws {UsageError} for an empty delimiter or a bad `\x` escape.
 *
 * @example A tab, and a byte in hex
 * ```ts
 * import { parseDelimiter } from "./produce_command.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseDelimiter("\\t"), new Uint8Array([9]));
 * assert.deepEqual(parseDelimiter("\\x1f::"), new Uint8Array([0x1f, 58, 58]));
 * ```
 */
export function parseDelimiter(text: string): Uint8Array {
  if (text === "") {
    throw new UsageError("Cannot use -K as the key delimiter must not be empty");
  }
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== "\\" || i + 1 === text.length) {
      const code = text.codePointAt(i)!;
      const s = String.fromCodePoint(code);
      bytes.push(...encoder.encode(s));
      i += s.length - 1;
      continue;
    }
    const e = text[++i]!;
    const simple: Record<string, number> = { n: 10, r: 13, t: 9, "0": 0, "\\": 92 };
    if (e in simple) {
      bytes.push(simple[e]!);
    } else if (e === "x") {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
        throw new UsageError(
          `Cannot read delimiter as \\x needs two hex digits: current value is "${text}"`,
        );
      }
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(92, ...encoder.encode(e));
    }
  }
  return new Uint8Array(bytes);
}

/**
 * Reads `-H name=value` as kcat does: the name is what comes before the first `=` and the value
 * everything after it (so it may hold `=`); `-H name` alone gives a header with a null value.
 * Values are encoded once here, not per record.
 *
 * @throws {UsageError} for an empty name.
 *
 * @example
 * ```ts
 * import { parseHeader } from "./produce_command.ts";
 * import assert from "node:assert/strict";
 *
 * const h = parseHeader("trace=a=b");
 * assert.equal(h.key, "trace");
 * assert.equal(new TextDecoder().decode(h.value as Uint8Array), "a=b");
 * assert.equal(parseHeader("flag").value, null);
 * ```
 */
export function parseHeader(text: string): RecordHeaderInput {
  const eq = text.indexOf("=");
  const key = eq < 0 ? text : text.slice(0, eq);
  if (key === "") {
    throw new UsageError(
      `Cannot read -H as it must be name=value or name: current value is "${text}"`,
    );
  }
  return { key, value: eq < 0 ? null : new TextEncoder().encode(text.slice(eq + 1)) };
}
