// Copyright 2026 the kanal authors. MIT license.
/**
 * Hostile frames for kanal's decoders and connections, shared by the CI sample
 * (tests/connection_fuzz_test.ts) and the soak (scripts/soak.ts).
 *
 * - {@linkcode fuzzDecoders} feeds seeded, mutated response frames (every API and version, some
 *   decoded as the wrong API), record batches (every codec) and compressed data through the
 *   decoders.
 * - {@linkcode fuzzConnections} runs real {@linkcode BrokerConnection}s against a fake broker
 *   that answers with wrong and repeated correlation ids, truncated, oversized, negative and
 *   short frames, random bytes, valid frames of the wrong API, mutated answers, answers after
 *   the request timed out and hang-ups; some connections get a hostile ApiVersions answer.
 *
 * Every outcome is counted: a success, a typed error (a `KafkaError`), an untyped error
 * (anything else; the first few are kept), or a hang (a request that did not settle within the
 * watchdog, far below its request timeout, or a decode that took longer than a second).
 *
 * @module
 */

import { Writer } from "../lib/protocol/writer.ts";
import { KafkaError } from "../lib/protocol/kafka_error.ts";
import { API_LIST, API_TABLE } from "../lib/protocol/messages/api_table.ts";
import type { ApiCodec } from "../lib/protocol/messages/api_table.ts";
import {
  type DecodedRequest,
  readRequestFrame,
  readResponseFrame,
  writeResponseFrame,
} from "../lib/protocol/request_frame.ts";
import specData from "../lib/protocol/messages/testdata/specs.json" with { type: "json" };
import {
  makeSample,
  type SpecMessage,
  versionsOf,
} from "../lib/protocol/messages/testdata/sample.ts";
import { decodeRecordBatchesSync } from "../lib/protocol/record_batch_decoder.ts";
import { encodeRecordBatch } from "../lib/protocol/record_batch_encoder.ts";
import { decompress } from "../lib/protocol/compression/codec_registry.ts";
import type { CompressionName } from "../lib/protocol/compression/codec.ts";
import { BrokerConnection } from "../lib/net/broker_connection.ts";
import { ConnectionError } from "../lib/net/connection_error.ts";
import { FrameDecoder } from "../lib/net/frame_decoder.ts";
import type { BrokerSocket, Transport } from "../lib/net/transport.ts";
import { apiVersionsAnswer, type FakeConn, frame, type OnRequest } from "./_fake_broker.ts";

const specs = specData as unknown as SpecMessage[];

/** What a run saw. */
export interface Counts {
  frames: number;
  ok: number;
  typed: number;
  untyped: number;
  hangs: number;
  /** The first few untyped errors and hangs, to replay. */
  examples: string[];
}

/** Fresh counters. */
export function counts(): Counts {
  return { frames: 0, ok: 0, typed: 0, untyped: 0, hangs: 0, examples: [] };
}

function note(c: Counts, what: string): void {
  if (c.examples.length < 10) c.examples.push(what);
}

/** mulberry32: the same seed, the same run. */
export class Rng {
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
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

const EXTREMES = [0x00, 0xff, 0x7f, 0x80, 0x01];

/** A mutated copy of `src`: bit flips, extreme bytes, cuts, growth or an overwritten int32. */
export function mutate(rng: Rng, src: Uint8Array): Uint8Array {
  let b = src.slice();
  const edits = 1 + rng.int(4);
  for (let e = 0; e < edits; e++) {
    const kind = rng.int(6);
    if (b.length === 0 || kind === 4) {
      const extra = rng.bytes(1 + rng.int(16));
      const at = rng.int(b.length + 1);
      const next = new Uint8Array(b.length + extra.length);
      next.set(b.subarray(0, at));
      next.set(extra, at);
      next.set(b.subarray(at), at + extra.length);
      b = next;
    } else if (kind === 0) {
      b[rng.int(b.length)]! ^= 1 << rng.int(8);
    } else if (kind === 1) {
      b[rng.int(b.length)] = rng.pick(EXTREMES);
    } else if (kind === 2) {
      b = b.subarray(0, rng.int(b.length));
    } else if (kind === 3 && b.length >= 4) {
      const at = rng.int(b.length - 3);
      const v = rng.pick([0x7fffffff, -1, -0x80000000, 0x10000, 0xffff, 0]);
      new DataView(b.buffer, b.byteOffset).setInt32(at, v);
    } else {
      b = b.subarray(rng.int(b.length));
    }
  }
  return b;
}

/** A response frame body (header and body, no size) and what it answers. */
interface Sample {
  // deno-lint-ignore no-explicit-any
  api: ApiCodec<any, any>;
  version: number;
  body: Uint8Array;
}

let corpus: Sample[] | undefined;

/** Valid responses of every API at every version, from the generated specs' samples. */
export function responseCorpus(): Sample[] {
  if (corpus) return corpus;
  corpus = [];
  for (const api of API_LIST) {
    const spec = specs.find((s) => s.name === `${api.info.name}Response`);
    if (spec === undefined) continue;
    for (const version of versionsOf(spec)) {
      for (const variant of ["full", "nulls"] as const) {
        try {
          const w = new Writer(256);
          writeResponseFrame(w, api, version, 1, makeSample(spec, version, variant));
          corpus.push({ api, version, body: w.toBytes().subarray(4) });
        } catch {
          // A sample the generated encoder refuses is no seed; the decoders get the others.
        }
      }
    }
  }
  return corpus;
}

const CODECS: CompressionName[] = ["none", "gzip", "snappy", "lz4", "zstd"];
let batches: Uint8Array[] | undefined;
let compressed: [CompressionName, Uint8Array][] | undefined;

async function batchCorpus(): Promise<void> {
  if (batches) return;
  batches = [];
  compressed = [];
  const records = Array.from({ length: 20 }, (_, i) => ({
    key: new TextEncoder().encode(`k${i}`),
    value: new TextEncoder().encode(`value ${i} `.repeat(1 + (i % 5))),
    headers: i % 3 === 0 ? [{ key: "h", value: new Uint8Array([i]) }] : [],
    timestamp: 1_700_000_000_000 + i,
  }));
  for (const compression of CODECS) {
    try {
      batches.push(await encodeRecordBatch(records, { compression }));
    } catch {
      // zstd without a native encoder: the other codecs still give seeds.
    }
  }
  const data = new TextEncoder().encode("hostile ".repeat(300));
  const { compress } = await import("../lib/protocol/compression/codec_registry.ts");
  for (const c of CODECS.slice(1)) {
    try {
      compressed.push([c, await compress(c, data)]);
    } catch {
      // As above.
    }
  }
}

function classify(c: Counts, e: unknown, what: () => string): void {
  if (e instanceof KafkaError) c.typed++;
  else {
    c.untyped++;
    note(c, `${what()}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}

const hex = (b: Uint8Array) =>
  Array.from(b.subarray(0, 96), (x) => x.toString(16).padStart(2, "0")).join("");

/** Decodes `n` hostile frames with the decoders, adding to `c`. */
export async function fuzzDecoders(rng: Rng, n: number, c: Counts): Promise<void> {
  const responses = responseCorpus();
  await batchCorpus();
  for (let i = 0; i < n; i++) {
    const kind = rng.int(10);
    const t0 = performance.now();
    let what = "";
    c.frames++;
    try {
      if (kind < 6) {
        const s = rng.pick(responses);
        const bytes = kind === 0 ? rng.bytes(rng.int(64)) : mutate(rng, s.body);
        // One in five is decoded as another API: a valid frame of the wrong API.
        const as = kind === 5 ? rng.pick(responses) : s;
        what = `${as.api.info.name} v${as.version} ${hex(bytes)}`;
        readResponseFrame(bytes, as.api, as.version);
      } else if (kind < 9) {
        const bytes = mutate(rng, rng.pick(batches!));
        what = `record batch ${hex(bytes)}`;
        decodeRecordBatchesSync(bytes, { maxDecompressedBytes: 1 << 20 });
      } else {
        const [codec, data] = rng.pick(compressed!);
        const bytes = mutate(rng, data);
        what = `${codec} ${hex(bytes)}`;
        await decompress(codec, bytes, 1 << 20);
      }
      c.ok++;
    } catch (e) {
      classify(c, e, () => what);
    }
    if (performance.now() - t0 > 1000) {
      c.hangs++;
      note(c, `slow decode (${Math.round(performance.now() - t0)} ms): ${what}`);
    }
  }
}

/**
 * A transport to an in-process fake broker over web streams: the same BrokerConnection,
 * FrameDecoder and request framing as over TCP, without the sockets, so hostile frames can be
 * counted by the hundred thousand.
 */
export function memoryTransport(
  onRequest: OnRequest,
  onConnect?: (conn: FakeConn) => void,
): Transport {
  let accepted = 0;
  return (options) => {
    const up = new TransformStream<Uint8Array, Uint8Array>();
    let down!: ReadableStreamDefaultController<Uint8Array>;
    let done!: () => void;
    const closed = new Promise<void>((resolve) => done = resolve);
    let open = true;
    const end = (error?: unknown): void => {
      if (!open) return;
      open = false;
      try {
        if (error === undefined) down.close();
        else down.error(error);
      } catch {
        // Already closed by the reader's cancel.
      }
      // The client's side may already be closed; nothing waits on this.
      up.writable.abort().catch(() => {});
      done();
    };
    const readable = new ReadableStream<Uint8Array>({
      start: (c) => void (down = c),
      cancel: () => end(),
    });
    const conn: FakeConn = {
      index: accepted++,
      send: (bytes) => {
        if (open) down.enqueue(bytes.slice());
      },
      answer: (api, version, correlationId, body) => {
        const w = new Writer();
        writeResponseFrame(w, api, version, correlationId, body);
        if (open) down.enqueue(w.toBytes());
      },
      destroy: () =>
        end(new ConnectionError(options.host, options.port, "Lost connection", { cause: "reset" })),
    };
    onConnect?.(conn);
    // The broker's side: frame what the client writes and hand it over. It ends with the pipe.
    up.readable.pipeThrough(new FrameDecoder()).pipeTo(
      new WritableStream({
        write(body) {
          const req = readRequestFrame(body);
          onRequest(req, conn);
        },
      }),
    ).catch(() => end());
    const socket: BrokerSocket = {
      readable,
      writable: up.writable,
      closed,
      close: () => {
        end();
        return closed;
      },
    };
    return Promise.resolve(socket);
  };
}

/** What the hostile broker does with one request. */
const BEHAVIOURS = [
  "good",
  "wrong id",
  "repeated",
  "truncated",
  "oversized",
  "negative size",
  "random bytes",
  "wrong api",
  "mutated",
  "late",
  "hang up",
  "short frame",
] as const;
type Behaviour = typeof BEHAVIOURS[number];

const MAX_FRAME = 1 << 20;

function metadataAnswer(version: number, correlationId: number): Uint8Array {
  const w = new Writer();
  writeResponseFrame(w, API_TABLE[3], version, correlationId, {
    brokers: [{ nodeId: 0, host: "127.0.0.1", port: 9092, rack: null }],
    clusterId: "hostile",
    controllerId: 0,
    topics: [],
  });
  return w.toBytes();
}

function int32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n);
  return b;
}

/** Answers `req` the way `how` says. Timers it starts are tracked so the run can end. */
function misbehave(
  rng: Rng,
  how: Behaviour,
  req: DecodedRequest,
  conn: FakeConn,
  later: (fn: () => void, ms: number) => void,
): void {
  const id = req.correlationId;
  const good = () =>
    req.api.info.key === 18 ? apiVersionsAnswer(id, req.version) : metadataAnswer(req.version, id);
  switch (how) {
    case "good":
      return conn.send(good());
    case "wrong id":
      return conn.send(frame(int32(id + 1 + rng.int(1000))));
    case "repeated": {
      const g = good();
      conn.send(g);
      return conn.send(g);
    }
    case "truncated": {
      // A size larger than what comes, then the broker hangs up: the stream ends in a frame.
      const g = good();
      conn.send(g.subarray(0, 4 + rng.int(g.length - 4)));
      return conn.destroy();
    }
    case "oversized":
      return conn.send(int32(MAX_FRAME + 1 + rng.int(0x7fffffff - MAX_FRAME - 1)));
    case "negative size":
      return conn.send(int32(-1 - rng.int(0x7fffffff)));
    case "random bytes":
      return conn.send(rng.bytes(1 + rng.int(64)));
    case "wrong api": {
      const s = rng.pick(responseCorpus());
      const body = s.body.slice();
      new DataView(body.buffer).setInt32(0, id);
      return conn.send(frame(body));
    }
    case "mutated": {
      const body = mutate(rng, good().subarray(4));
      if (body.length >= 4) new DataView(body.buffer, body.byteOffset).setInt32(0, id);
      return conn.send(frame(body));
    }
    case "late":
      // After the request's own (short) timeout, which closed the connection.
      return later(() => conn.send(good()), 30);
    case "hang up":
      return conn.destroy();
    case "short frame":
      return conn.send(frame(rng.bytes(rng.int(4))));
  }
}

/** Options for {@linkcode fuzzConnections}. */
export interface ConnectionFuzzOptions {
  /** How many hostile answers to send. */
  frames: number;
  /** Makes the transport for a broker that answers with `onRequest`. */
  transport: (
    onRequest: OnRequest,
  ) => Promise<{ transport: Transport; host: string; port: number; close(): Promise<void> }>;
  /** How long a request may stay unsettled before it counts as a hang. @default {10000} */
  watchdogMs?: number;
}

/**
 * Sends requests over connections to a hostile broker until `frames` hostile answers went out;
 * each request must settle (success or typed error) well before its 60 s timeout.
 */
export async function fuzzConnections(
  rng: Rng,
  o: ConnectionFuzzOptions,
  c: Counts,
): Promise<void> {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  let hostileApiVersions = false;
  const plan: Behaviour[] = [];
  const broker = await o.transport((req, conn) => {
    if (req.api.info.key === 18 && !hostileApiVersions) {
      conn.send(apiVersionsAnswer(req.correlationId, req.version));
      return;
    }
    c.frames++;
    misbehave(rng, plan.shift() ?? "good", req, conn, later);
  });
  const watchdogMs = o.watchdogMs ?? 10_000;
  let conn: BrokerConnection | undefined;
  try {
    // A few hangs are enough to report; waiting out every one would take the run's time.
    while (c.frames < o.frames && c.hangs < 3) {
      if (conn === undefined || !conn.isOpen) {
        if (conn) await settleOrHang(conn.close(), watchdogMs, c, "close").catch(() => {});
        // One connection in ten meets a hostile ApiVersions answer.
        hostileApiVersions = rng.int(10) === 0;
        const how = hostileApiVersions ? rng.pick(BEHAVIOURS.filter((b) => b !== "late")) : "good";
        if (hostileApiVersions) plan.push(how);
        try {
          conn = await settleOrHang(
            BrokerConnection.connect({
              host: broker.host,
              port: broker.port,
              transport: broker.transport,
              requestTimeoutMs: 60_000,
              connectTimeoutMs: waitsForMore(how) ? 50 : 60_000,
              maxFrameBytes: MAX_FRAME,
              maxInFlight: 3,
            }),
            watchdogMs,
            c,
            "connect",
          );
          c.ok++;
        } catch (e) {
          if (!(e instanceof Hang)) classify(c, e, () => "connect");
          conn = undefined;
          plan.length = 0;
          hostileApiVersions = false;
          continue;
        } finally {
          hostileApiVersions = false;
        }
      }
      // Up to three requests in flight, each with its own hostile answer.
      const n = 1 + rng.int(3);
      const requests: Promise<void>[] = [];
      for (let i = 0; i < n; i++) {
        const how = rng.pick(BEHAVIOURS);
        plan.push(how);
        const request = conn.request(API_TABLE[3], { topics: [] }, {
          timeoutMs: how === "late" || waitsForMore(how) ? 10 : 60_000,
        });
        requests.push(
          settleOrHang(request, watchdogMs, c, `request answered "${how}"`).then(
            () => void c.ok++,
            (e) => {
              if (!(e instanceof Hang)) classify(c, e, () => `request answered "${how}"`);
            },
          ),
        );
      }
      const before = c.frames;
      await Promise.all(requests);
      plan.length = 0;
      // A hostile ApiVersions answer can decode as a valid one that lists no Metadata: the
      // requests then fail typed (UNSUPPORTED_VERSION) without reaching the broker, on a
      // connection that stays open. Start over on a new one.
      if (c.frames === before) {
        await settleOrHang(conn.close(), watchdogMs, c, "close").catch(() => {});
      }
    }
  } finally {
    await conn?.close();
    for (const t of timers) clearTimeout(t);
    await broker.close();
  }
}

/**
 * Whether an answer may leave the client waiting, rightly, for the rest of a frame that never
 * comes (random bytes can be a size prefix, or part of one). Only the request timeout ends
 * that wait, so such requests get a short one: the watchdog is for requests nothing would end.
 */
function waitsForMore(how: Behaviour): boolean {
  return how === "random bytes";
}

class Hang extends Error {}

/** Resolves or rejects as `p` does, or rejects with Hang (counted) after `ms`. */
function settleOrHang<T>(p: Promise<T>, ms: number, c: Counts, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => {
      c.hangs++;
      note(c, `hang: ${what} did not settle within ${ms} ms`);
      reject(new Hang());
    }, ms);
    p.then((v) => {
      clearTimeout(t);
      resolve(v);
    }, (e) => {
      clearTimeout(t);
      reject(e);
    });
  });
}
