// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Records as bytes, with kcat's `-f` format tokens: what `kanal consume` prints.
 *
 * @module
 */

import type { KafkaRecord } from "../protocol/record.ts";
import { UsageError } from "./args.ts";

// Format tokens, as kcat's -f spells them.
const LITERAL = 0;
const TOPIC = 1; // %t
const PARTITION = 2; // %p
const OFFSET = 3; // %o
const KEY = 4; // %k
const KEY_SIZE = 5; // %K
const VALUE = 6; // %s
const VALUE_SIZE = 7; // %S
const VALUE_SIZE_BINARY = 8; // %R
const TIMESTAMP = 9; // %T
const HEADERS = 10; // %h

const TOKENS: Readonly<Record<string, number>> = {
  t: TOPIC,
  p: PARTITION,
  o: OFFSET,
  k: KEY,
  K: KEY_SIZE,
  s: VALUE,
  S: VALUE_SIZE,
  R: VALUE_SIZE_BINARY,
  T: TIMESTAMP,
  h: HEADERS,
};

const encoder = new TextEncoder();
const NULL_HEADER = encoder.encode("NULL");
const COMMA = encoder.encode(",");
const EQUALS = encoder.encode("=");

/** Options for {@linkcode RecordFormatter}. */
export interface RecordFormatterOptions {
  /**
   * What `%k` and `%s` print for a key or value that is null or empty, as kcat's `-Z` prints
   * `NULL` (kcat tests the length, so an empty value prints it too). @default {""}
   */
  readonly nullText?: string;
}

/**
 * Turns records into bytes with kcat's `-f` format tokens:
 *
 * | token | prints |
 * | ----- | ------ |
 * | `%t` `%p` `%o` | topic, partition, offset |
 * | `%k` `%s` | key, value: their bytes as they are (null or empty: `nullText`) |
 * | `%K` `%S` | key size, value size (-1 for null) |
 * | `%R` | value size as a big-endian 32-bit integer (-1 for null) |
 * | `%T` | timestamp in ms since the epoch (-1 when there is none) |
 * | `%h` | headers as `name=value,name2=value2` (a null value prints `NULL`) |
 * | `%%` | a `%` |
 *
 * Text between tokens takes kcat's escapes: `\n`, `\r`, `\t`, `\xHH` (hex), `\NNN` (decimal, or
 * octal with a leading 0, as C's `strtoul`), and a backslash before any other character stands
 * for that character (`\\` is a backslash). Unlike kcat, `\x00` writes a zero byte (kcat cuts the
 * text there) and `\xff` a 0xff byte (kcat only reads hex that starts with a digit).
 *
 * Records are written into one buffer, reused from call to call, so a chunk of records costs one
 * write and no allocation once the buffer has grown to fit.
 *
 * @example Every token
 * ```ts
 * import { RecordFormatter } from "./record_formatter.ts";
 * import assert from "node:assert/strict";
 *
 * const enc = new TextEncoder();
 * const f = new RecordFormatter("%t/%p@%o %T k=%k(%K) v=%s(%S) [%h] 100%%\\n");
 * const out = f.format("orders", 2, [{
 *   offset: 7, timestamp: 1700000000000, key: enc.encode("id"), value: null,
 *   headers: [{ key: "a", value: enc.encode("1") }, { key: "b", value: null }],
 * }]);
 * assert.equal(
 *   new TextDecoder().decode(out),
 *   "orders/2@7 1700000000000 k=id(2) v=(-1) [a=1,b=NULL] 100%\n",
 * );
 * ```
 */
export class RecordFormatter {
  #kinds: Uint8Array;
  #literals: readonly Uint8Array[];
  readonly #nullText: Uint8Array;
  #buf: Uint8Array = new Uint8Array(64 * 1024);
  #pos = 0;
  #topic = "";
  #topicBytes: Uint8Array = new Uint8Array(0);

  /**
   * Compiles `format`.
   *
   * @throws {UsageError} for a `%` at the end or a token kcat does not have.
   */
  constructor(format: string, options: RecordFormatterOptions = {}) {
    const kinds: number[] = [];
    const literals: Uint8Array[] = [];
    let text: number[] = [];
    const flush = (): void => {
      if (text.length === 0) return;
      kinds.push(LITERAL);
      literals.push(new Uint8Array(text));
      text = [];
    };
    let from = 0;
    for (;;) {
      const at = format.indexOf("%", from);
      if (at < 0) {
        text.push(...unescape(format.slice(from)));
        break;
      }
      text.push(...unescape(format.slice(from, at)));
      const letter = format[at + 1];
      if (letter === undefined) {
        throw new UsageError(
          `Cannot read -f as it ends in a lone "%" (write %% for a percent sign): ` +
            `current value is "${format}"`,
        );
      }
      if (letter === "%") {
        text.push(37);
      } else {
        const kind = TOKENS[letter];
        if (kind === undefined) {
          throw new UsageError(
            `Cannot read -f as %${letter} is not a format token ` +
              `(%t %p %o %k %K %s %S %R %T %h %%): current value is "${format}"`,
          );
        }
        flush();
        kinds.push(kind);
        literals.push(NULL_HEADER); // a placeholder, so both arrays share indices
      }
      from = at + 2;
    }
    flush();
    this.#kinds = new Uint8Array(kinds);
    this.#literals = literals;
    this.#nullText = encoder.encode(options.nullText ?? "");
  }

  /**
   * kcat's format when there is no `-f`: the value, or with `keyDelimiter` (kcat's `-K`) the key,
   * the delimiter and the value, each followed by `delimiter` (kcat's `-D`, default a newline).
   *
   * @example Key and value, tab-separated
   * ```ts
   * import { RecordFormatter } from "./record_formatter.ts";
   * import assert from "node:assert/strict";
   *
   * const enc = new TextEncoder();
   * const f = RecordFormatter.delimited(enc.encode("\t"), enc.encode("\n"));
   * const r = { offset: 0, timestamp: 0, key: enc.encode("k"), value: enc.encode("v"), headers: [] };
   * assert.equal(new TextDecoder().decode(f.format("t", 0, [r, { ...r, key: null }])), "k\tv\n\tv\n");
   * ```
   */
  static delimited(
    keyDelimiter: Uint8Array | undefined,
    delimiter: Uint8Array,
    options: RecordFormatterOptions = {},
  ): RecordFormatter {
    // Built from parts, not by pasting the delimiters into a format as kcat does, so a "%" or
    // "\\" in a delimiter is printed as it is.
    const kinds = keyDelimiter === undefined ? [VALUE] : [KEY, LITERAL, VALUE];
    const literals = keyDelimiter === undefined
      ? [NULL_HEADER]
      : [NULL_HEADER, keyDelimiter, NULL_HEADER];
    if (delimiter.length > 0) {
      kinds.push(LITERAL);
      literals.push(delimiter);
    }
    const f = new RecordFormatter("", options);
    f.#kinds = new Uint8Array(kinds);
    f.#literals = literals;
    return f;
  }

  /**
   * Formats `records[start, end)` of `topic`/`partition`. The answer is a view of the
   * formatter's buffer: write it before the next call.
   */
  format(
    topic: string,
    partition: number,
    records: readonly KafkaRecord[],
    start = 0,
    end: number = records.length,
  ): Uint8Array {
    if (topic !== this.#topic) {
      this.#topic = topic;
      this.#topicBytes = encoder.encode(topic);
    }
    this.#pos = 0;
    const kinds = this.#kinds;
    const literals = this.#literals;
    for (let i = start; i < end; i++) {
      const r = records[i]!;
      for (let t = 0; t < kinds.length; t++) {
        switch (kinds[t]) {
          case LITERAL:
            this.#bytes(literals[t]!);
            break;
          case TOPIC:
            this.#bytes(this.#topicBytes);
            break;
          case PARTITION:
            this.#int(partition);
            break;
          case OFFSET:
            this.#int(r.offset);
            break;
          case KEY:
            this.#bytes(r.key !== null && r.key.length > 0 ? r.key : this.#nullText);
            break;
          case KEY_SIZE:
            this.#int(r.key === null ? -1 : r.key.length);
            break;
          case VALUE:
            this.#bytes(r.value !== null && r.value.length > 0 ? r.value : this.#nullText);
            break;
          case VALUE_SIZE:
            this.#int(r.value === null ? -1 : r.value.length);
            break;
          case VALUE_SIZE_BINARY:
            this.#int32(r.value === null ? -1 : r.value.length);
            break;
          case TIMESTAMP:
            this.#int(r.timestamp);
            break;
          case HEADERS:
            this.#headers(r);
            break;
        }
      }
    }
    return this.#buf.subarray(0, this.#pos);
  }

  /** Makes room for `n` more bytes. */
  #ensure(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    const grown = new Uint8Array(Math.max(this.#buf.length * 2, this.#pos + n));
    grown.set(this.#buf.subarray(0, this.#pos));
    this.#buf = grown;
  }

  #bytes(b: Uint8Array): void {
    this.#ensure(b.length);
    this.#buf.set(b, this.#pos);
    this.#pos += b.length;
  }

  #text(s: string): void {
    this.#ensure(s.length * 3);
    this.#pos += encoder.encodeInto(s, this.#buf.subarray(this.#pos)).written;
  }

  /** An integer in decimal, written digit by digit (exact to 2^53, as offsets are). */
  #int(n: number): void {
    if (!Number.isSafeInteger(n)) return this.#text(String(n));
    this.#ensure(17);
    const buf = this.#buf;
    let pos = this.#pos;
    if (n < 0) {
      buf[pos++] = 45; // "-"
      n = -n;
    }
    let digits = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
    for (let i = pos + digits - 1; i >= pos; i--) {
      buf[i] = 48 + (n % 10);
      n = Math.floor(n / 10);
    }
    this.#pos = pos + digits;
  }

  #int32(n: number): void {
    this.#ensure(4);
    const buf = this.#buf;
    const pos = this.#pos;
    buf[pos] = n >>> 24;
    buf[pos + 1] = (n >>> 16) & 0xff;
    buf[pos + 2] = (n >>> 8) & 0xff;
    buf[pos + 3] = n & 0xff;
    this.#pos = pos + 4;
  }

  #headers(r: KafkaRecord): void {
    const headers = r.headers;
    for (let h = 0; h < headers.length; h++) {
      const { key, value } = headers[h]!;
      if (h > 0) this.#bytes(COMMA);
      this.#text(key);
      this.#bytes(EQUALS);
      this.#bytes(value ?? NULL_HEADER);
    }
  }
}

const BACKSLASH = 92;

function digitValue(c: number, base: number): number {
  const v = c >= 48 && c <= 57
    ? c - 48
    : c >= 97 && c <= 102
    ? c - 87
    : c >= 65 && c <= 70
    ? c - 55
    : 99;
  return v < base ? v : -1;
}

/**
 * The digits of `b` from `i` read as C's `strtoul` reads them in `base` (0: `0x` means hex, a
 * leading 0 octal, else decimal), kept to one byte as kcat keeps them (a char).
 */
function readNumber(b: Uint8Array, i: number, base: number): { value: number; next: number } {
  if (base === 0) {
    if (
      b[i] === 48 && (b[i + 1] === 120 || b[i + 1] === 88) && digitValue(b[i + 2] ?? 0, 16) >= 0
    ) {
      base = 16;
      i += 2;
    } else {
      base = b[i] === 48 ? 8 : 10;
    }
  }
  let value = 0;
  let d: number;
  while (i < b.length && (d = digitValue(b[i]!, base)) >= 0) {
    value = (value * base + d) & 0xff;
    i++;
  }
  return { value, next: i };
}

/** The text between format tokens, with kcat's backslash escapes turned into bytes. */
function unescape(text: string): number[] {
  const b = encoder.encode(text);
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c !== BACKSLASH || i + 1 === b.length) {
      out.push(c);
      continue;
    }
    const e = b[++i]!;
    if (e === 116) out.push(9); // \t
    else if (e === 110) out.push(10); // \n
    else if (e === 114) out.push(13); // \r
    else if (e === 120) { // \x: hex digits, or else the character after the x
      if (i + 1 < b.length && digitValue(b[i + 1]!, 16) < 0) {
        out.push(b[++i]!);
      } else if (i + 1 < b.length) {
        const n = readNumber(b, i + 1, 16);
        out.push(n.value);
        i = n.next - 1;
      }
    } else if (e >= 48 && e <= 57) { // \NNN, as strtoul with base 0
      const n = readNumber(b, i, 0);
      out.push(n.value);
      i = n.next - 1;
    } else {
      out.push(e);
    }
  }
  return out;
}
