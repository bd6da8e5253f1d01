// Copyright 2026 the kanal authors. MIT license.
// kanal-test: serial — it measures the process's memory, which test files running beside it in
// the same runner process would add to.
// Hostile-input fuzzing of every generated protocol decoder and of the record batch decoder.
// It feeds a few hundred thousand seeded, mutated frames through them, so it lives in tests/
// rather than beside the code.
//
// What it proves for every frame, whether it decodes or not:
// - failure is a typed error (MalformedDataError from the message decoders; a KafkaError from
//   the batch decoder, which also has unknown codecs and decompression limits), never a
//   RangeError or TypeError escaping from DataView, TextDecoder or an array;
// - decoding does work linear in the frame: Reader calls are counted (the prototype is wrapped
//   for the run), so a loop that makes no progress or re-reads fails by count, not by clock;
// - nothing is allocated from a length the frame cannot back: every array in the result holds
//   no more elements than the frame has bytes, no string is more than twice as long, and every
//   byte field is a view into the frame's own window of a larger buffer (guard bytes either
//   side catch a decoder that reads past `Reader.end`); only decompressed record data may live
//   elsewhere, bounded by maxDecompressedBytes;
// - the heap and RSS stay within a loose bound over the whole run.
//
// The inputs are seeded: KANAL_FUZZ_SEED=<integer> explores other ones. Every failure names
// the seed, the case and the frame in hex, so it can be replayed without the fuzzer.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import process from "node:process";
import { Reader } from "../lib/protocol/reader.ts";
import { Writer } from "../lib/protocol/writer.ts";
import { KafkaError, MalformedDataError } from "../lib/protocol/kafka_error.ts";
import * as messages from "../lib/protocol/messages/mod.ts";
import { API_LIST } from "../lib/protocol/messages/api_table.ts";
import { readResponseFrame } from "../lib/protocol/request_frame.ts";
import { encodeResponseHeader } from "../lib/protocol/messages/response_header.ts";
import specData from "../lib/protocol/messages/testdata/specs.json" with { type: "json" };
import {
  defaultValue,
  elemType,
  inRange,
  isStructType,
  makeSample,
  propName,
  type SpecField,
  type SpecMessage,
  structFields,
  type Variant,
  versionsOf,
} from "../lib/protocol/messages/testdata/sample.ts";
import { referenceEncode } from "../lib/protocol/messages/testdata/reference_encoder.ts";
import { ZERO_UUID } from "../lib/protocol/uuid.ts";
import {
  type DecodedRecordBatches,
  decodeRecordBatches,
  decodeRecordBatchesSync,
} from "../lib/protocol/record_batch_decoder.ts";
import { encodeRecordBatch } from "../lib/protocol/record_batch_encoder.ts";
import { controlRecord } from "../lib/protocol/record_batch.ts";
import { JAVA_FIXTURES } from "../lib/protocol/record_batch_test_fixtures.ts";
import { crc32c } from "../lib/protocol/crc32c.ts";
import { crc32 } from "../lib/protocol/message_set_crc32.ts";
import { compress, decompress, prepareCodecs } from "../lib/protocol/compression/codec_registry.ts";
import type { CompressionName } from "../lib/protocol/compression/codec.ts";
import { zstdAvailable } from "../lib/protocol/compression/zstd.ts";
import { lz4Decompress } from "../lib/protocol/compression/lz4.ts";
import { snappyDecompress } from "../lib/protocol/compression/snappy.ts";
import { zstdDecompressPortable } from "../lib/protocol/compression/zstd_decoder.ts";

await prepareCodecs();

const DEFAULT_SEED = 0x6b616e61; // "kana"
const SEED = parseSeed(process.env.KANAL_FUZZ_SEED, DEFAULT_SEED);
/** KANAL_FUZZ_SCALE=<n> multiplies the mutations per seed, for a longer hunt. */
const SCALE = Math.max(1, parseSeed(process.env.KANAL_FUZZ_SCALE, 1));
const MIB = 1024 * 1024;
/**
 * Bun's default per-test timeout is 5 s, which a loaded machine can reach; hangs still fail,
 * just later.
 */
const LONG = { timeout: 120_000 * SCALE };

function parseSeed(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(
      `Cannot fuzz as KANAL_FUZZ_SEED and KANAL_FUZZ_SCALE must be integers: current value is ${raw}`,
    );
  }
  return n >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: small, fast and good enough to pick mutations; the same seed, the same run. */
class Rng {
  #s: number;

  constructor(seed: number) {
    this.#s = seed >>> 0;
  }

  next(): number {
    this.#s = (this.#s + 0x6d2b79f5) | 0;
    let t = Math.imul(this.#s ^ (this.#s >>> 15), 1 | this.#s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** 0 to n-1. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    // Mostly noise, with runs of the bytes that mean "null", "huge" and "continue".
    for (let i = 0; i < n; i++) {
      b[i] = this.chance(0.7) ? this.int(256) : this.pick([0, 0, 1, 0x7f, 0x80, 0xff, 0xff]);
    }
    return b;
  }
}

// ---------------------------------------------------------------------------------------------
// Mutations, shared by every decoder

const HOSTILE_32 = [0x7fffffff, -1, -0x80000000, -2, 0x3fffffff, 0x10000];
const HOSTILE_16 = [0x7fff, -1, -0x8000, -2, 0x4000];
const EDGE_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];

function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** The encoding of an unsigned varint, for planting chosen lengths. */
function uvarintBytes(v: number): Uint8Array {
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

type Mutation =
  | "flip"
  | "int32"
  | "int16"
  | "varint-run"
  | "truncate"
  | "insert"
  | "delete"
  | "edge-byte"
  | "duplicate";

const MUTATIONS: readonly Mutation[] = [
  "flip",
  "int32",
  "int16",
  "varint-run",
  "truncate",
  "insert",
  "delete",
  "edge-byte",
  "duplicate",
];

/**
 * Applies one blind mutation to a copy of `input`, within [from, input.length) so that callers
 * can spare a header. Returns the new bytes.
 */
function mutateOnce(input: Uint8Array, kind: Mutation, rng: Rng, from = 0): Uint8Array {
  const b = input.slice();
  const span = b.length - from;
  if (span <= 0) return kind === "insert" ? concat(b, rng.bytes(1 + rng.int(8))) : b;
  const at = from + rng.int(span);
  switch (kind) {
    case "flip":
      for (let i = 1 + rng.int(4); i > 0; i--) {
        const p = from + rng.int(span);
        b[p] = b[p]! ^ (1 << rng.int(8));
      }
      return b;
    case "int32":
      if (at + 4 <= b.length) viewOf(b).setInt32(at, rng.pick(HOSTILE_32));
      return b;
    case "int16":
      if (at + 2 <= b.length) viewOf(b).setInt16(at, rng.pick(HOSTILE_16));
      return b;
    case "varint-run": {
      // 0xff runs are overlong varints whose every byte says "more follows"; 0x80 runs also
      // carry zero payload, the overlong encodings of small numbers.
      const fill = rng.pick([0xff, 0x80, 0xff]);
      const end = Math.min(b.length, at + 1 + rng.int(12));
      for (let i = at; i < end; i++) b[i] = fill;
      if (rng.chance(0.3) && end < b.length) b[end] = rng.int(0x80);
      return b;
    }
    case "truncate":
      return b.subarray(0, at);
    case "insert":
      return concat(b.subarray(0, at), rng.bytes(1 + rng.int(16)), b.subarray(at));
    case "delete":
      return concat(b.subarray(0, at), b.subarray(at + 1 + rng.int(16)));
    case "edge-byte":
      b[at] = rng.pick(EDGE_BYTES);
      return b;
    case "duplicate": {
      const len = 1 + rng.int(Math.min(32, b.length - at));
      return concat(b.subarray(0, at), b.subarray(at, at + len), b.subarray(at));
    }
  }
}

/** One to three blind mutations, named for the failure report. */
function mutate(input: Uint8Array, rng: Rng, from = 0): { bytes: Uint8Array; how: string } {
  let bytes = input;
  const hows: string[] = [];
  for (let i = 1 + rng.int(3); i > 0; i--) {
    const kind = rng.pick(MUTATIONS);
    hows.push(kind);
    bytes = mutateOnce(bytes, kind, rng, from);
  }
  return { bytes, how: hows.join("+") };
}

/** `a` cut at a random point, followed by `b` from a random point. */
function splice(a: Uint8Array, b: Uint8Array, rng: Rng): Uint8Array {
  return concat(a.subarray(0, rng.int(a.length + 1)), b.subarray(rng.int(b.length + 1)));
}

/** The lengths to cut `len` bytes at: every one for small frames, a spread for big ones. */
function cutPoints(len: number, rng: Rng, every: number, spread: number): number[] {
  if (len <= every) return Array.from({ length: len }, (_, i) => i);
  const out = [0, 1, len - 1, len - 2];
  for (let i = 0; i < spread; i++) out.push(rng.int(len));
  return out;
}

function hex(b: Uint8Array, max = 2048): string {
  let s = "";
  for (let i = 0; i < Math.min(b.length, max); i++) s += b[i]!.toString(16).padStart(2, "0");
  return b.length > max ? `${s}… (${b.length} bytes)` : s;
}

function describeError(e: unknown): string {
  if (e instanceof Error) {
    return `${e.constructor.name}: ${e.message}\n${e.stack?.split("\n").slice(1, 6).join("\n")}`;
  }
  return `non-Error ${typeof e}: ${String(e)}`;
}

// ---------------------------------------------------------------------------------------------
// Failure collection: keep going after the first, so one run shows the shape of a bug

class Failures {
  readonly list: string[] = [];
  count = 0;

  add(what: string, frame: Uint8Array, detail: string): void {
    this.count++;
    if (this.list.length < 12) {
      this.list.push(`${what}\n  problem: ${detail}\n  frame: ${hex(frame)}`);
    }
  }

  assertNone(what: string): void {
    if (this.count === 0) return;
    assert.fail(
      `${this.count} ${what} misbehaved (KANAL_FUZZ_SEED=${SEED}); the first ones:\n\n` +
        this.list.join("\n\n"),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Reader instrumentation: count calls, and record where the length-like fields sit

type FieldKind = "int8" | "int16" | "int32" | "uvarint";
interface FieldAt {
  at: number;
  kind: FieldKind;
}

const TRACED: ReadonlySet<string> = new Set(["int8", "int16", "int32", "uvarint"]);
let readerCalls = 0;
let trace: FieldAt[] | null = null;

/**
 * Wraps every Reader method to count calls (and, while `trace` is set, to note where each
 * integer is read from). Returns the undo. The counts bound the work per frame: a decoder loop
 * that stops consuming bytes shows as calls out of proportion to the frame.
 */
function instrumentReader(): () => void {
  const proto = Reader.prototype as unknown as Record<string, unknown>;
  const saved: [string, PropertyDescriptor][] = [];
  for (const name of Object.getOwnPropertyNames(Reader.prototype)) {
    const d = Object.getOwnPropertyDescriptor(Reader.prototype, name)!;
    if (name === "constructor" || typeof d.value !== "function") continue;
    saved.push([name, d]);
    const original = d.value as (this: Reader, ...args: unknown[]) => unknown;
    const kind = TRACED.has(name) ? name as FieldKind : null;
    proto[name] = kind === null
      ? function (this: Reader, ...args: unknown[]): unknown {
        readerCalls++;
        return original.apply(this, args);
      }
      : function (this: Reader, ...args: unknown[]): unknown {
        readerCalls++;
        if (trace !== null) trace.push({ at: this.offset, kind });
        return original.apply(this, args);
      };
  }
  return () => {
    for (const [name, d] of saved) Object.defineProperty(Reader.prototype, name, d);
  };
}

/**
 * The most Reader calls a frame of `n` bytes may cost. The costliest read per byte is an empty
 * compact byte field (compactBytes → uvarint, raw → need: 4 calls for its 1 length byte) and an
 * empty tagged field (tag, size, need, skip → need: 5 calls for 2 bytes); 6 per byte leaves
 * slack without letting a stuck loop through.
 */
function callBudget(n: number): number {
  return 6 * n + 16;
}

// ---------------------------------------------------------------------------------------------
// Checking one decoded message

interface Window {
  buffer: ArrayBufferLike;
  start: number;
  end: number;
}

/**
 * Walks a decoded value and returns the first thing wrong with it, or null. `elements` counts
 * every array element: each takes at least one byte of the frame that no other element owns
 * (a count prefix or a value), so the total cannot pass the frame's length.
 */
function inspect(value: unknown, w: Window, budget: { elements: number }): string | null {
  if (value === null || typeof value !== "object") {
    // UTF-8 yields at most one UTF-16 unit per byte; a UUID, 22 characters per 16 bytes; and a
    // UUID field absent at the version holds the zero UUID without taking any.
    if (
      typeof value === "string" && value.length > 2 * (w.end - w.start) && value !== ZERO_UUID
    ) {
      return `a string of ${value.length} characters from ${w.end - w.start} bytes`;
    }
    return null;
  }
  if (value instanceof Uint8Array) {
    if (value.buffer !== w.buffer) return `a ${value.length}-byte field is not a view of the input`;
    if (value.byteOffset < w.start || value.byteOffset + value.byteLength > w.end) {
      return `a byte field at ${value.byteOffset}+${value.byteLength} lies outside the frame ` +
        `[${w.start}, ${w.end})`;
    }
    return null;
  }
  if (Array.isArray(value)) {
    budget.elements -= value.length;
    if (budget.elements < 0) {
      return `the arrays hold more elements than the frame's ${w.end - w.start} bytes`;
    }
    for (const v of value) {
      const p = inspect(v, w, budget);
      if (p !== null) return p;
    }
    return null;
  }
  for (const k in value) {
    const p = inspect((value as Record<string, unknown>)[k], w, budget);
    if (p !== null) return p;
  }
  return null;
}

type Decode = (r: Reader, version: number) => unknown;
type Encode = (w: Writer, version: number, m: unknown) => void;

interface Tally {
  frames: number;
  decoded: number;
  rejected: number;
}

/**
 * Decodes `frame` placed inside a larger buffer between guard bytes, so the Reader works on a
 * window as it does on a real socket chunk, and checks the outcome.
 */
function runMessageCase(
  decode: Decode,
  version: number,
  frame: Uint8Array,
  rng: Rng,
  tally: Tally,
  failures: Failures,
  what: () => string,
  guards: [number, number] = [rng.int(9), rng.int(9)],
): void {
  const [pre, post] = guards;
  const host = new Uint8Array(pre + frame.length + post).fill(rng.pick([0x00, 0xff, 0x80]));
  host.set(frame, pre);
  const end = pre + frame.length;
  const r = new Reader(host, pre, end);
  tally.frames++;
  readerCalls = 0;
  let out: unknown;
  try {
    out = decode(r, version);
  } catch (e) {
    if (e instanceof MalformedDataError) {
      tally.rejected++;
      if (readerCalls > callBudget(frame.length)) {
        failures.add(what(), frame, `${readerCalls} Reader calls before rejecting`);
      }
      return;
    }
    failures.add(what(), frame, `threw ${describeError(e)}`);
    return;
  }
  tally.decoded++;
  if (r.offset < pre || r.offset > end) {
    failures.add(what(), frame, `the reader ended at ${r.offset}, outside [${pre}, ${end}]`);
    return;
  }
  if (readerCalls > callBudget(r.offset - pre)) {
    failures.add(what(), frame, `${readerCalls} Reader calls for ${r.offset - pre} bytes`);
    return;
  }
  const problem = inspect(out, { buffer: host.buffer, start: pre, end }, {
    elements: frame.length,
  });
  if (problem !== null) failures.add(what(), frame, problem);
}

// ---------------------------------------------------------------------------------------------
// The message decoders and their seeds

const specs = specData as SpecMessage[];
const exported = messages as unknown as Record<string, unknown>;

interface Target {
  /** The spec name, e.g. FetchResponse. */
  name: string;
  spec: SpecMessage;
  versions: number[];
  encode: Encode;
  decode: Decode;
}

function specNamed(name: string): SpecMessage {
  const spec = specs.find((s) => s.name === name);
  assert.ok(spec, `the specs hold ${name}`);
  return spec;
}

/** Every response decoder, reached as the client reaches it: through the API table. */
function responseTargets(): Target[] {
  return API_LIST.map((api) => {
    const spec = specNamed(`${api.info.name}Response`);
    const versions = versionsOf(spec);
    assert.equal(api.info.minVersion, versions[0]);
    assert.equal(api.info.maxVersion, versions.at(-1));
    return {
      name: spec.name,
      spec,
      versions,
      encode: api.encodeResponse as Encode,
      decode: api.decodeResponse as Decode,
    };
  });
}

/** Every other decoder: requests (a fake broker reads them), headers and embedded data. */
function otherTargets(): Target[] {
  return specs.filter((s) => s.type !== "response").map((spec) => {
    const encode = exported[`encode${spec.name}`];
    const decode = exported[`decode${spec.name}`];
    assert.equal(typeof decode, "function", `decode${spec.name} is exported`);
    return {
      name: spec.name,
      spec,
      versions: versionsOf(spec),
      encode: encode as Encode,
      decode: decode as Decode,
    };
  });
}

interface Seed {
  target: Target;
  version: number;
  variant: Variant;
  bytes: Uint8Array;
  /** Where the decoder reads each integer of this seed: the fields to aim at. */
  fields: FieldAt[];
}

function seedsOf(target: Target): Seed[] {
  const out: Seed[] = [];
  for (const version of target.versions) {
    for (const variant of ["full", "nulls"] as Variant[]) {
      const w = new Writer(256);
      target.encode(w, version, makeSample(target.spec, version, variant));
      const bytes = w.toBytes();
      trace = [];
      try {
        const r = new Reader(bytes);
        target.decode(r, version);
        assert.equal(r.remaining, 0, `${target.name} v${version} seed decodes whole`);
        out.push({ target, version, variant, bytes, fields: trace });
      } finally {
        trace = null;
      }
    }
  }
  return out;
}

/** How many bytes the unsigned varint at `at` takes (up to 5; fewer if the frame ends). */
function varintLength(b: Uint8Array, at: number): number {
  let n = 0;
  while (at + n < b.length && n < 5) {
    if (b[at + n++]! < 0x80) break;
  }
  return n;
}

/**
 * Aims one hostile value at a field the decoder reads: the limits, -1 and -2 (null markers and
 * below), and lengths just past what remains. Varints also get overlong and too-long forms.
 */
function aimAtField(seed: Seed, rng: Rng): { bytes: Uint8Array; how: string } {
  const f = rng.pick(seed.fields);
  const b = seed.bytes.slice();
  const v = viewOf(b);
  switch (f.kind) {
    case "int8": {
      const x = rng.pick([-128, -1, 127, 0, 1, 2]);
      v.setInt8(f.at, x);
      return { bytes: b, how: `int8@${f.at}=${x}` };
    }
    case "int16": {
      const rest = b.length - f.at - 2;
      const x = rng.pick([...HOSTILE_16, rest + 1, rest, Math.max(0, rest - 1)]);
      v.setInt16(f.at, x);
      return { bytes: b, how: `int16@${f.at}=${x}` };
    }
    case "int32": {
      const rest = b.length - f.at - 4;
      const x = rng.pick([...HOSTILE_32, rest + 1, rest, Math.max(0, rest - 1), rest >>> 1]);
      v.setInt32(f.at, x);
      return { bytes: b, how: `int32@${f.at}=${x}` };
    }
    case "uvarint": {
      const old = varintLength(b, f.at);
      const rest = b.length - f.at - old;
      const forms: [string, Uint8Array][] = [
        ["2^32-1", Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f)],
        ["too long", Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x7f)],
        ["0xff run", new Uint8Array(6 + rng.int(8)).fill(0xff)],
        ["overlong 0", Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x00)],
        ["six bytes", Uint8Array.of(0x81, 0x80, 0x80, 0x80, 0x80, 0x00)],
        ["2^31", uvarintBytes(2 ** 31)],
        ["0", Uint8Array.of(0)],
        ["rest+1", uvarintBytes(rest + 1)],
        ["rest+2", uvarintBytes(rest + 2)],
        ["rest", uvarintBytes(rest)],
      ];
      const [name, bytes] = rng.pick(forms);
      return {
        bytes: concat(b.subarray(0, f.at), bytes, b.subarray(f.at + old)),
        how: `uvarint@${f.at}=${name}`,
      };
    }
  }
}

interface Plan {
  /** Blind mutations per seed. */
  blind: number;
  /** Aimed field mutations per seed. */
  aimed: number;
  /** Cut at every length up to this size, else at `spread` random points. */
  every: number;
  spread: number;
  /** Splices with another seed. */
  splices: number;
  /** Frames of pure noise per target version. */
  noise: number;
  /** Whole frames through readResponseFrame (header included) per seed. */
  framed: number;
}

/** `plan` with its per-seed counts multiplied by KANAL_FUZZ_SCALE. */
function scaled(plan: Plan): Plan {
  return {
    ...plan,
    blind: plan.blind * SCALE,
    aimed: plan.aimed * SCALE,
    splices: plan.splices * SCALE,
    noise: plan.noise * SCALE,
    framed: plan.framed * SCALE,
  };
}

interface MessageRun {
  tally: Tally;
  /** Frames per "Name vN", to show every version was reached. */
  perVersion: Map<string, number>;
  failures: Failures;
}

function fuzzTargets(targets: Target[], plan: Plan, rng: Rng, responses: boolean): MessageRun {
  const tally: Tally = { frames: 0, decoded: 0, rejected: 0 };
  const perVersion = new Map<string, number>();
  const failures = new Failures();
  const all: Seed[] = [];
  for (const t of targets) all.push(...seedsOf(t));
  let caseNo = 0;
  for (const seed of all) {
    const { target, version } = seed;
    const key = `${target.name} v${version}`;
    const before = tally.frames;
    const run = (frame: Uint8Array, how: string, at = version) => {
      const n = caseNo++;
      runMessageCase(
        target.decode,
        at,
        frame,
        rng,
        tally,
        failures,
        () => `case ${n}: ${target.name} v${at} (${seed.variant} seed of v${version}), ${how}`,
      );
    };
    run(seed.bytes, "unmutated");
    for (const cut of cutPoints(seed.bytes.length, rng, plan.every, plan.spread)) {
      run(seed.bytes.subarray(0, cut), `cut at ${cut}`);
    }
    for (let i = 0; i < plan.blind; i++) {
      const { bytes, how } = mutate(seed.bytes, rng);
      run(bytes, how);
    }
    for (let i = 0; i < plan.aimed && seed.fields.length > 0; i++) {
      const { bytes, how } = aimAtField(seed, rng);
      run(bytes, how);
      // Half the time also cut the aimed frame short, where a length meets the end.
      if (rng.chance(0.5)) {
        const cut = rng.int(bytes.length + 1);
        run(bytes.subarray(0, cut), `${how}, cut at ${cut}`);
      }
    }
    // The same bytes read as every other version: what a version mix-up delivers.
    for (const other of target.versions) {
      if (other !== version) run(seed.bytes, `v${version} bytes`, other);
    }
    for (let i = 0; i < plan.splices; i++) {
      const partner = rng.chance(0.5)
        ? all[rng.int(all.length)]!
        : all.find((s) => s.target === target && s.version === version && s !== seed) ?? seed;
      run(splice(seed.bytes, partner.bytes, rng), `spliced with ${partner.target.name}`);
    }
    if (seed.variant === "full") {
      for (let i = 0; i < plan.noise; i++) {
        const len = rng.chance(0.5) ? rng.int(16) : rng.int(512);
        run(rng.bytes(len), `${len} random bytes`);
      }
    }
    if (responses) {
      for (let i = 0; i < plan.framed; i++) {
        fuzzFramed(seed, rng, tally, failures, caseNo++);
      }
    }
    perVersion.set(key, (perVersion.get(key) ?? 0) + tally.frames - before);
  }
  return { tally, perVersion, failures };
}

/**
 * Sends a seed through `readResponseFrame`, the client's own path: response header first (its
 * version picked by the API), then the body, then no bytes to spare.
 */
function fuzzFramed(seed: Seed, rng: Rng, tally: Tally, failures: Failures, n: number): void {
  const api = API_LIST.find((a) => `${a.info.name}Response` === seed.target.name)!;
  const w = new Writer(64);
  encodeResponseHeader(w, api.info.responseHeaderVersion(seed.version), { correlationId: n });
  const whole = concat(w.toBytes(), seed.bytes);
  const { bytes, how } = rng.chance(0.2)
    ? { bytes: whole, how: "unmutated" }
    : rng.chance(0.3)
    ? { bytes: whole.subarray(0, rng.int(whole.length)), how: "cut" }
    : mutate(whole, rng);
  tally.frames++;
  try {
    const { body } = readResponseFrame(bytes, api, seed.version);
    tally.decoded++;
    const problem = inspect(body, { buffer: bytes.buffer, start: 0, end: bytes.length }, {
      elements: bytes.length,
    });
    if (problem !== null) {
      failures.add(
        `case ${n}: framed ${seed.target.name} v${seed.version}, ${how}`,
        bytes,
        problem,
      );
    }
  } catch (e) {
    if (e instanceof MalformedDataError) {
      tally.rejected++;
      return;
    }
    failures.add(
      `case ${n}: framed ${seed.target.name} v${seed.version}, ${how}`,
      bytes,
      `threw ${describeError(e)}`,
    );
  }
}

/** One line per run, so a log shows what was covered and with which seed. */
function report(what: string, t: Tally, extra = ""): void {
  console.log(
    `fuzz ${what}: ${t.frames} frames, ${t.decoded} decoded, ${t.rejected} rejected${extra} ` +
      `(KANAL_FUZZ_SEED=${SEED})`,
  );
}

function memory(): { heap: number; rss: number } {
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

function assertMemoryGrowth(before: { heap: number; rss: number }, what: string): void {
  const after = memory();
  const heap = (after.heap - before.heap) / MIB;
  const rss = (after.rss - before.rss) / MIB;
  console.log(`fuzz ${what}: heap grew ${heap.toFixed(0)} MiB, RSS ${rss.toFixed(0)} MiB`);
  assert.ok(heap < 512, `${what}: the heap grew by ${heap.toFixed(0)} MiB`);
  // RSS is allowed to grow with the work done: Deno 2.9's node:zlib leaks native memory on
  // every zstdDecompressSync that fails (~8 KB each, none of it on the JS heap), which costs
  // the record batch run ~250 MiB of RSS per scale unit under Deno and nothing under Bun.
  assert.ok(rss < 512 * SCALE, `${what}: RSS grew by ${rss.toFixed(0)} MiB`);
}

// ---------------------------------------------------------------------------------------------
// The message tests

test(
  "every response decoder, at every version, meets 100,000+ hostile frames with only MalformedDataError",
  LONG,
  () => {
    const before = memory();
    const undo = instrumentReader();
    let result: MessageRun;
    try {
      result = fuzzTargets(
        responseTargets(),
        scaled({
          blind: 200,
          aimed: 150,
          every: 200,
          spread: 40,
          splices: 10,
          noise: 10,
          framed: 20,
        }),
        new Rng(SEED),
        true,
      );
    } finally {
      undo();
    }
    const { tally, perVersion, failures } = result;
    failures.assertNone("response frames");
    report("response decoders", tally);
    assert.ok(tally.frames >= 100_000, `only ${tally.frames} frames`);
    // Every API key at every version got its share.
    const expected = API_LIST.reduce((n, a) => n + a.info.maxVersion - a.info.minVersion + 1, 0);
    assert.equal(perVersion.size, expected);
    const fewest = Math.min(...perVersion.values());
    console.log(`fuzz response decoders: at least ${fewest} frames for every API version`);
    for (const [key, n] of perVersion) assert.ok(n >= 500, `${key} got only ${n} frames`);
    // Both outcomes must be common, or the mutations were too weak or too strong to test much.
    assert.ok(tally.decoded > tally.frames * 0.05, `only ${tally.decoded} frames decoded`);
    assert.ok(tally.rejected > tally.frames * 0.3, `only ${tally.rejected} frames rejected`);
    assertMemoryGrowth(before, "response decoders");
  },
);

test(
  "request, header and embedded-data decoders meet hostile frames with only MalformedDataError",
  LONG,
  () => {
    const before = memory();
    const undo = instrumentReader();
    let result: MessageRun;
    try {
      result = fuzzTargets(
        otherTargets(),
        scaled({ blind: 30, aimed: 25, every: 64, spread: 16, splices: 2, noise: 3, framed: 0 }),
        new Rng(SEED ^ 0x5a5a5a5a),
        false,
      );
    } finally {
      undo();
    }
    const { tally, failures } = result;
    failures.assertNone("request/header/data frames");
    report("request, header and data decoders", tally);
    assert.ok(tally.frames >= 30_000, `only ${tally.frames} frames`);
    assert.ok(tally.decoded > tally.frames * 0.05, `only ${tally.decoded} frames decoded`);
    assert.ok(tally.rejected > tally.frames * 0.3, `only ${tally.rejected} frames rejected`);
    assertMemoryGrowth(before, "request decoders");
  },
);

test("the fuzzer's own checks catch a decoder that escapes its window, overreads or loops", () => {
  // The checks above pass only if they can fail: run deliberately broken decoders through them.
  const undo = instrumentReader();
  try {
    const rng = new Rng(1);
    const frame = Uint8Array.of(0, 0, 0, 2, 1, 2, 9, 9);
    const caught = (decode: Decode): string => {
      const failures = new Failures();
      const tally = { frames: 0, decoded: 0, rejected: 0 };
      runMessageCase(decode, 0, frame, rng, tally, failures, () => "probe", [3, 3]);
      assert.equal(failures.count, 1);
      return failures.list[0]!;
    };
    // Reads past Reader.end through the raw data.
    assert.match(
      caught((r) => r.data.subarray(r.offset, r.end + 1)),
      /outside the frame/,
    );
    // Copies instead of viewing.
    assert.match(caught((r) => r.raw(2).slice()), /not a view/);
    // Trusts a count: one element per claimed entry without reading any.
    assert.match(caught((r) => new Array(r.int32() + 40).fill(0)), /more elements/);
    // Loops without consuming.
    assert.match(
      caught((r) => {
        for (let i = 0; i < 200; i++) r.need(1);
        return null;
      }),
      /Reader calls/,
    );
    // Lets a DataView RangeError out.
    assert.match(
      caught((r) => new DataView(r.data.buffer).getInt32(r.data.byteLength)),
      /RangeError/,
    );
  } finally {
    undo();
  }
});

// ---------------------------------------------------------------------------------------------
// The other side of the count checks: valid arrays packed as densely as the specs allow

/** The smallest value of a primitive array element. */
function smallestPrim(t: string): unknown {
  switch (t) {
    case "int64":
      return 0n;
    case "bool":
      return false;
    case "string":
      return "";
    case "uuid":
      return ZERO_UUID;
    case "bytes":
    case "records":
      return new Uint8Array(0);
  }
  return 0;
}

/** The value of `f` that takes the fewest bytes on the wire at `v`. */
function smallest(spec: SpecMessage, f: SpecField, v: number): unknown {
  if (f.tag !== undefined) return defaultValue(spec, f); // left off the wire
  if (inRange(f.nullableVersions, v)) return null;
  if (f.type.startsWith("[]")) return [];
  if (isStructType(f.type)) return shaped(spec, structFields(spec, f), v, [], 0);
  const d = defaultValue(spec, f);
  return typeof d === "string" || d instanceof Uint8Array || d === null ? smallestPrim(f.type) : d;
}

/**
 * A struct whose fields all take their smallest form, except those on `path`: structs and
 * arrays on the way hold one element, and the array the path ends at holds `k` smallest
 * elements.
 */
function shaped(
  spec: SpecMessage,
  fields: SpecField[],
  v: number,
  path: SpecField[],
  k: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const name = propName(f);
    if (!inRange(f.versions, v)) out[name] = defaultValue(spec, f);
    else if (path[0] !== f) out[name] = smallest(spec, f, v);
    else {
      const rest = path.slice(1);
      const t = elemType(f);
      const elem = () =>
        isStructType(t) ? shaped(spec, structFields(spec, f), v, rest, k) : smallestPrim(t);
      if (!f.type.startsWith("[]")) out[name] = elem();
      else if (rest.length > 0) out[name] = [elem()];
      else out[name] = Array.from({ length: k }, elem);
    }
  }
  return out;
}

/** Every path from the top of a spec to one of its arrays, at version `v`. */
function arrayPaths(
  spec: SpecMessage,
  fields: SpecField[],
  v: number,
  prefix: SpecField[] = [],
): SpecField[][] {
  const out: SpecField[][] = [];
  for (const f of fields) {
    if (!inRange(f.versions, v)) continue;
    const path = [...prefix, f];
    if (f.type.startsWith("[]")) out.push(path);
    if (isStructType(elemType(f))) out.push(...arrayPaths(spec, structFields(spec, f), v, path));
  }
  return out;
}

test(
  "the count checks accept every array of every message holding 300 of its smallest elements",
  LONG,
  () => {
    // Each decoder refuses a count whose elements cannot fit in what remains, using a minimum
    // element size worked out by the generator. Claiming one byte too many would reject real
    // responses; 300 smallest elements make any overclaim outweigh the few bytes that follow.
    const k = 300;
    let checked = 0;
    for (const spec of specs) {
      const { encode, decode } = spec.type === "response"
        ? responseTargets().find((t) => t.name === spec.name)!
        : otherTargets().find((t) => t.name === spec.name)!;
      for (const v of versionsOf(spec)) {
        for (const path of arrayPaths(spec, spec.fields, v)) {
          const where = `${spec.name} v${v} ${path.map((f) => f.name).join(".")}`;
          const sample = shaped(spec, spec.fields, v, path, k);
          const w = new Writer(256);
          encode(w, v, sample);
          const bytes = w.toBytes();
          const ref = new Writer(256);
          referenceEncode(ref, spec, v, sample);
          assert.deepEqual(bytes, ref.toBytes(), `${where}: encodes like the reference`);
          const r = new Reader(bytes);
          let decoded: unknown;
          try {
            decoded = decode(r, v);
          } catch (e) {
            assert.fail(`${where}: ${k} smallest elements (${bytes.length} bytes) rejected: ${e}`);
          }
          assert.equal(r.remaining, 0, `${where}: decode reads every byte`);
          assert.deepEqual(decoded, sample, `${where}: decode gives back the sample`);
          checked++;
        }
      }
    }
    assert.ok(checked > 1000, `only ${checked} arrays checked`);
  },
);

// ---------------------------------------------------------------------------------------------
// Record batches

const fromHex = (h: string) => Uint8Array.from(h.match(/../g)!, (x) => parseInt(x, 16));
const utf8 = (s: string) => new TextEncoder().encode(s);

async function settle<T>(v: T | Promise<T>): Promise<T> {
  return v instanceof Promise ? await v : v;
}

async function batchSeeds(codecs: CompressionName[]): Promise<Uint8Array[]> {
  const out: Uint8Array[] = Object.values(JAVA_FIXTURES).map(fromHex);
  for (const compression of codecs) {
    out.push(
      await settle(encodeRecordBatch(
        [
          {
            key: "k",
            value: "value ".repeat(12),
            timestamp: 1000,
            headers: [{ key: "h", value: "x" }],
          },
          { key: null, value: null, timestamp: 900, headers: [{ key: "n", value: null }] },
          { key: utf8("bytes"), value: "ü€", timestamp: 2000, offsetDelta: 4 },
          {
            value: "",
            timestamp: 2001,
            headers: [{ key: "", value: "" }, { key: "a", value: "b" }],
          },
        ],
        {
          compression,
          // Near 2^53, so offset and timestamp mutations reach the exactness checks.
          baseOffset: 2n ** 53n - 100n,
          producerId: 5n,
          producerEpoch: 1,
          baseSequence: 3,
        },
      )),
    );
    out.push(
      await settle(encodeRecordBatch([{ value: "x", timestamp: 2 ** 52 }], {
        compression,
        timestampType: "log-append-time",
        maxTimestamp: 2n ** 52n + 7n,
      })),
    );
  }
  const { key, value } = controlRecord("abort", 9);
  out.push(
    await settle(
      encodeRecordBatch([{ key, value, timestamp: 1 }], { control: true, transactional: true }),
    ),
  );
  // Batches back to back, legacy then v2, so mutations also meet the boundaries; and a batch
  // followed by the start of another, as a fetch cut at its byte limit ends.
  const v0 = fromHex(JAVA_FIXTURES.v0_none!);
  const v2 = fromHex(JAVA_FIXTURES.v2_none!);
  out.push(concat(v0, v2, out[out.length - 1]!));
  out.push(concat(v2, fromHex(JAVA_FIXTURES.v2_gzip!).subarray(0, 40)));
  return out;
}

/** Recomputes the length (optionally) and checksum of the entry at `pos`, v2 or legacy. */
function fixEntry(b: Uint8Array, pos: number, setLength: boolean): void {
  if (b.length < pos + 17) return;
  const v = viewOf(b);
  if (setLength) v.setInt32(pos + 8, b.length - pos - 12);
  const len = v.getInt32(pos + 8);
  const end = pos + 12 + len;
  if (len < 5 || end > b.length) return;
  const magic = b[pos + 16]!;
  if (magic === 2 && len >= 49) v.setUint32(pos + 17, crc32c(b.subarray(pos + 21, end)));
  if (magic < 2 && len >= 5) v.setUint32(pos + 12, crc32(b.subarray(pos + 16, end)));
}

/** The v2 header fields by offset and width, for aimed mutations. */
const V2_FIELDS: [string, number, 1 | 2 | 4 | 8][] = [
  ["baseOffset", 0, 8],
  ["batchLength", 8, 4],
  ["leaderEpoch", 12, 4],
  ["magic", 16, 1],
  ["attributes", 21, 2],
  ["lastOffsetDelta", 23, 4],
  ["baseTimestamp", 27, 8],
  ["maxTimestamp", 35, 8],
  ["producerId", 43, 8],
  ["producerEpoch", 51, 2],
  ["baseSequence", 53, 4],
  ["recordCount", 57, 4],
];
const HOSTILE_64 = [
  2n ** 63n - 1n,
  -(2n ** 63n),
  -1n,
  2n ** 53n,
  2n ** 53n - 1n,
  -(2n ** 53n),
  0n,
];

function aimAtBatchHeader(b: Uint8Array, rng: Rng): string {
  const [name, at, width] = rng.pick(V2_FIELDS);
  if (at + width > b.length) return `${name} (beyond)`;
  const v = viewOf(b);
  switch (width) {
    case 1: {
      const x = rng.pick([0, 1, 2, 3, 0xff]);
      b[at] = x;
      return `${name}=${x}`;
    }
    case 2: {
      // Attributes: every codec id 0-7, with control, transactional and log-append bits.
      const x = name === "attributes"
        ? rng.int(0x80) | (rng.chance(0.1) ? 0x8000 : 0)
        : rng.pick(HOSTILE_16);
      v.setInt16(at, x);
      return `${name}=${x}`;
    }
    case 4: {
      const count = b.length >= 61 ? v.getInt32(57) : 0;
      const x = rng.pick([...HOSTILE_32, 0, count + 1, count - 1, b.length - 12, b.length - 11]);
      v.setInt32(at, x);
      return `${name}=${x}`;
    }
    case 8: {
      const x = rng.pick(HOSTILE_64);
      v.setBigInt64(at, x);
      return `${name}=${x}`;
    }
  }
}

/**
 * A v2 batch whose records are mutated before compression, so the mutation gets through the
 * codec to the record parser (mutating the compressed bytes mostly tests the codec).
 */
async function mutateInside(
  batch: Uint8Array,
  rng: Rng,
): Promise<{ bytes: Uint8Array; how: string }> {
  const codec = viewOf(batch).getInt16(21) & 7;
  const len = viewOf(batch).getInt32(8);
  const section = batch.subarray(61, 12 + len);
  const plain = await settle(decompress(codec, section));
  const { bytes: records, how } = mutate(plain, rng);
  const packed = await settle(compress(codec, records));
  const out = concat(batch.subarray(0, 61), packed);
  if (rng.chance(0.3)) viewOf(out).setInt32(57, rng.pick([0, 1, 2, 5, 1000, -1]));
  fixEntry(out, 0, true);
  return { bytes: out, how: `inside: ${how}` };
}

/** A legacy entry's inner message set, mutated and compressed again into a fresh wrapper. */
async function mutateLegacyInside(
  entry: Uint8Array,
  rng: Rng,
): Promise<{ bytes: Uint8Array; how: string } | null> {
  const magic = entry[16]!;
  const attributes = entry[17]!;
  const codec = attributes & 7;
  if (codec === 0 || codec > 3) return null;
  const v = viewOf(entry);
  const valueAt = 18 + (magic === 1 ? 8 : 0) + 4;
  const keyLength = v.getInt32(valueAt - 4);
  const valueLengthAt = valueAt + Math.max(0, keyLength);
  const valueLength = v.getInt32(valueLengthAt);
  const value = entry.subarray(valueLengthAt + 4, valueLengthAt + 4 + valueLength);
  const inner = await settle(decompress(codec, value));
  const { bytes: mutated, how } = mutate(inner, rng);
  // Half the time, fix the inner checksums so the mutation reaches the parsing behind them.
  if (rng.chance(0.5)) fixEntry(mutated, 0, false);
  const packed = await settle(compress(codec, mutated));
  const head = entry.slice(0, valueLengthAt + 4);
  viewOf(head).setInt32(valueLengthAt, packed.length);
  const out = concat(head, packed);
  fixEntry(out, 0, true);
  return { bytes: out, how: `legacy inside: ${how}` };
}

interface BatchTally extends Tally {
  records: number;
  limitHits: number;
}

function checkBatches(
  result: DecodedRecordBatches,
  host: Uint8Array,
  start: number,
  end: number,
  limit: number,
): string | null {
  const { batches, bytesConsumed } = result;
  const len = end - start;
  if (!(bytesConsumed >= 0 && bytesConsumed <= len)) return `bytesConsumed ${bytesConsumed}`;
  let sized = 0;
  for (const b of batches) {
    sized += b.sizeInBytes;
    const inFrame = b.compression === "none";
    // Each record takes at least 7 bytes of the frame, or of at most `limit` decompressed bytes.
    if (b.records.length > (inFrame ? b.sizeInBytes : limit) / 7 + 1) {
      return `${b.records.length} records from a ${b.sizeInBytes}-byte batch`;
    }
    for (const rec of b.records) {
      if (!Number.isSafeInteger(rec.offset) || !Number.isSafeInteger(rec.timestamp)) {
        return `record offset ${rec.offset} or timestamp ${rec.timestamp} is not exact`;
      }
      const views = [rec.key, rec.value, ...rec.headers.map((h) => h.value)];
      for (const view of views) {
        if (view === null) continue;
        if (inFrame) {
          if (
            view.buffer !== host.buffer || view.byteOffset < start ||
            view.byteOffset + view.byteLength > end
          ) {
            return `a ${view.length}-byte field of an uncompressed batch is not in the frame`;
          }
        } else if (view.byteLength > limit) {
          return `a ${view.length}-byte field passes the ${limit}-byte decompression limit`;
        }
      }
      for (const h of rec.headers) {
        if (h.key.length > (inFrame ? len : limit)) return `a header key of ${h.key.length}`;
      }
    }
  }
  if (sized !== bytesConsumed) return `batches total ${sized} bytes but ${bytesConsumed} consumed`;
  return null;
}

async function runBatchCase(
  frame: Uint8Array,
  rng: Rng,
  tally: BatchTally,
  failures: Failures,
  what: () => string,
): Promise<void> {
  const pre = rng.int(9);
  const host = new Uint8Array(pre + frame.length + rng.int(9)).fill(0xff);
  host.set(frame, pre);
  const bytes = host.subarray(pre, pre + frame.length);
  const checkCrc = rng.chance(0.5);
  const limit = rng.pick([1 * MIB, 1 * MIB, 4096, 100]);
  tally.frames++;
  let result: DecodedRecordBatches;
  try {
    result = rng.chance(0.1)
      ? await decodeRecordBatches(bytes, { checkCrc, maxDecompressedBytes: limit })
      : decodeRecordBatchesSync(bytes, { checkCrc, maxDecompressedBytes: limit });
  } catch (e) {
    if (e instanceof KafkaError) {
      tally.rejected++;
      if (e.name === "DecompressionLimitError") tally.limitHits++;
      return;
    }
    failures.add(what(), frame, `threw ${describeError(e)} (checkCrc ${checkCrc}, limit ${limit})`);
    return;
  }
  tally.decoded++;
  for (const b of result.batches) tally.records += b.records.length;
  const problem = checkBatches(result, host, pre, pre + frame.length, limit);
  if (problem !== null) failures.add(what(), frame, problem);
}

test(
  "the record batch decoder meets 40,000+ hostile batches with only KafkaError and no copies of the frame",
  LONG,
  async () => {
    const before = memory();
    const codecs: CompressionName[] = ["none", "gzip", "snappy", "lz4"];
    if (await zstdAvailable()) codecs.push("zstd");
    const seeds = await batchSeeds(codecs);
    const rng = new Rng(SEED ^ 0x0ba7c4);
    const tally: BatchTally = { frames: 0, decoded: 0, rejected: 0, records: 0, limitHits: 0 };
    const failures = new Failures();
    let caseNo = 0;
    const run = async (frame: Uint8Array, how: string, seedNo: number) => {
      const n = caseNo++;
      // node:zlib frees a failed synchronous gunzip or zstd decode on the next tick (its destroy
      // closes the native handle in process.nextTick), so a loop that never yields holds ~20 KB
      // per corrupt batch. A consumer yields between fetches; so does this loop.
      if (n % 256 === 255) await new Promise((resolve) => setTimeout(resolve, 0));
      await runBatchCase(frame, rng, tally, failures, () => `case ${n}: seed ${seedNo}, ${how}`);
    };
    for (let round = 0; round < 40 * SCALE; round++) {
      for (let s = 0; s < seeds.length; s++) {
        const seed = seeds[s]!;
        const magic = seed[16]!;
        const codec = magic === 2 ? viewOf(seed).getInt16(21) & 7 : seed[17]! & 7;
        if (round === 0) {
          await run(seed, "unmutated", s);
          for (const cut of cutPoints(seed.length, rng, 400, 60)) {
            await run(seed.subarray(0, cut), `cut at ${cut}`, s);
          }
        }
        for (let i = 0; i < 30; i++) {
          const { bytes, how } = mutate(seed, rng);
          // Usually make the checksum (and sometimes the length) agree, so the mutation gets
          // past the CRC check to the parser behind it.
          if (rng.chance(0.7)) fixEntry(bytes, 0, rng.chance(0.4));
          await run(bytes, how, s);
        }
        for (let i = 0; i < 20; i++) {
          // The records section only, with the header left intact and then made consistent.
          const { bytes, how } = mutate(seed, rng, magic === 2 ? 61 : 18);
          fixEntry(bytes, 0, rng.chance(0.7));
          await run(bytes, `records ${how}`, s);
        }
        if (magic === 2) {
          for (let i = 0; i < 20; i++) {
            const bytes = seed.slice();
            const how = aimAtBatchHeader(bytes, rng);
            if (rng.chance(0.8)) fixEntry(bytes, 0, false);
            await run(bytes, how, s);
          }
          if (codec !== 0) {
            for (let i = 0; i < 6; i++) {
              const { bytes, how } = await mutateInside(seed, rng);
              await run(bytes, how, s);
            }
          }
        } else if (codec !== 0) {
          for (let i = 0; i < 6; i++) {
            const m = await mutateLegacyInside(seed, rng);
            if (m !== null) await run(m.bytes, m.how, s);
          }
        }
        for (let i = 0; i < 3; i++) {
          const other = rng.int(seeds.length);
          await run(splice(seed, seeds[other]!, rng), `spliced with seed ${other}`, s);
        }
        // Noise, sometimes behind a plausible entry header so it gets past the first checks.
        for (let i = 0; i < 3; i++) {
          const noise = rng.bytes(rng.int(300));
          if (rng.chance(0.5) && noise.length >= 17) {
            viewOf(noise).setInt32(8, noise.length - 12);
            noise[16] = rng.pick([0, 1, 2]);
            fixEntry(noise, 0, false);
          }
          await run(noise, `${noise.length} random bytes`, s);
        }
      }
    }
    failures.assertNone("record batch frames");
    report(
      "record batch decoder",
      tally,
      `, ${tally.records} records, ${tally.limitHits} limit hits`,
    );
    assert.ok(tally.frames >= 40_000, `only ${tally.frames} frames`);
    assert.ok(tally.decoded > tally.frames * 0.05, `only ${tally.decoded} frames decoded`);
    assert.ok(tally.rejected > tally.frames * 0.3, `only ${tally.rejected} frames rejected`);
    assert.ok(
      tally.limitHits > 100,
      `the decompression limit was reached only ${tally.limitHits} times`,
    );
    assertMemoryGrowth(before, "record batch decoder");
  },
);

test(
  "lz4, snappy and the portable zstd decoder refuse hostile input with typed errors and keep to their limit",
  LONG,
  async () => {
    // The registry turns whatever a codec throws into a MalformedDataError, which would hide a
    // codec's own RangeError or TypeError from the batch test; so the pure-TypeScript codecs are
    // called directly here.
    const before = memory();
    const text = utf8(
      "kafka record value 0123456789 ".repeat(40) + "abcdefghijklmnopqrstuvwxyz".repeat(20),
    );
    const noise = new Rng(7).bytes(600);
    const inputs = [text, noise, text.subarray(0, 17), new Uint8Array(5000)];
    const codecs: [string, (d: Uint8Array, max: number) => Uint8Array, Uint8Array[]][] = [];
    const packed = async (c: CompressionName) =>
      await Promise.all(inputs.map(async (d) => await settle(compress(c, d))));
    codecs.push(["lz4", lz4Decompress, await packed("lz4")]);
    codecs.push(["snappy", snappyDecompress, await packed("snappy")]);
    const zstdFrames: Uint8Array[] = [
      // The section of kafka-clients' zstd batch: Java's encoder, not only the runtime's.
      fromHex(JAVA_FIXTURES.v2_zstd!).subarray(61),
    ];
    if (await zstdAvailable()) zstdFrames.push(...await packed("zstd"));
    codecs.push(["zstd (portable)", zstdDecompressPortable, zstdFrames]);

    const rng = new Rng(SEED ^ 0xc0dec);
    const failures = new Failures();
    let frames = 0;
    let decoded = 0;
    for (const [name, decode, seeds] of codecs) {
      for (let s = 0; s < seeds.length; s++) {
        const seed = seeds[s]!;
        const cases: [Uint8Array, string][] = [[seed, "unmutated"]];
        for (const cut of cutPoints(seed.length, rng, 300, 80)) {
          cases.push([seed.subarray(0, cut), `cut at ${cut}`]);
        }
        for (let i = 0; i < 4000 * SCALE; i++) {
          const { bytes, how } = mutate(seed, rng);
          cases.push([bytes, how]);
        }
        for (let i = 0; i < 60; i++) cases.push([rng.bytes(rng.int(200)), "random bytes"]);
        for (const [bytes, how] of cases) {
          const max = rng.pick([1 * MIB, 1 * MIB, 2000, 64]);
          frames++;
          try {
            const out = decode(bytes, max);
            decoded++;
            if (out.length > max) {
              failures.add(`${name} seed ${s}, ${how}`, bytes, `${out.length} bytes past ${max}`);
            }
          } catch (e) {
            if (!(e instanceof KafkaError)) {
              failures.add(`${name} seed ${s}, ${how}, limit ${max}`, bytes, describeError(e));
            }
          }
        }
      }
    }
    failures.assertNone("decompressor inputs");
    report("decompressors", { frames, decoded, rejected: frames - decoded });
    assert.ok(frames >= 15_000, `only ${frames} inputs`);
    assert.ok(decoded > 100, `only ${decoded} inputs decompressed`);
    assertMemoryGrowth(before, "decompressors");
  },
);
