// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { DEFAULT_MAX_FRAME_BYTES, FrameDecoder } from "./frame_decoder.ts";
import { KafkaError, MalformedDataError } from "../protocol/kafka_error.ts";

/** A small seeded PRNG (mulberry32), so a failing chunking can be replayed from its seed. */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
}

/** Frame bodies of random sizes and contents; sizes lean small with some empty and large. */
function makeBodies(rand: (n: number) => number, count: number): Uint8Array[] {
  const bodies: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const kind = rand(10);
    const size = kind === 0 ? 0 : kind < 7 ? rand(64) : kind < 9 ? rand(2048) : rand(20_000);
    const body = new Uint8Array(size);
    for (let j = 0; j < size; j++) body[j] = rand(256);
    bodies.push(body);
  }
  return bodies;
}

/** Size-prefixes each body by hand (not with our Writer) and joins them. */
function frame(bodies: Uint8Array[]): Uint8Array {
  const total = bodies.reduce((a, b) => a + 4 + b.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of bodies) {
    const n = b.length;
    out[at] = n >>> 24;
    out[at + 1] = (n >>> 16) & 0xff;
    out[at + 2] = (n >>> 8) & 0xff;
    out[at + 3] = n & 0xff;
    out.set(b, at + 4);
    at += 4 + n;
  }
  return out;
}

/** Cuts `bytes` at random points into fresh chunks (copies, as a socket would deliver). */
function chop(bytes: Uint8Array, rand: (n: number) => number, maxChunk: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    const n = 1 + rand(maxChunk);
    chunks.push(bytes.slice(at, at + n));
    at += n;
  }
  return chunks;
}

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (i < chunks.length) c.enqueue(chunks[i++]!);
      else c.close();
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const r = await reader.read();
    if (r.done) return out;
    out.push(r.value);
  }
}

async function decode(chunks: Uint8Array[], maxFrameBytes?: number): Promise<Uint8Array[]> {
  return await collect(streamOf(chunks).pipeThrough(new FrameDecoder({ maxFrameBytes })));
}

test("frames come out whole and in order under random chunkings", async () => {
  for (let seed = 1; seed <= 60; seed++) {
    const rand = rng(seed);
    const bodies = makeBodies(rand, 1 + rand(40));
    const bytes = frame(bodies);
    // Chunk sizes from tiny (size prefixes split byte by byte) to larger than most frames.
    const maxChunk = [1, 3, 7, 64, 1500, 65_536][seed % 6]!;
    const got = await decode(chop(bytes, rand, maxChunk));
    assert.equal(got.length, bodies.length, `seed ${seed}: frame count`);
    for (let i = 0; i < bodies.length; i++) {
      assert.deepEqual(got[i], bodies[i], `seed ${seed}: frame ${i}`);
    }
  }
});

test("a frame wholly inside one chunk is a view of that chunk, not a copy", async () => {
  const chunk = frame([new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])]);
  const got = await decode([chunk]);
  assert.deepEqual(got, [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])]);
  assert.equal(got[0]!.buffer, chunk.buffer);
  assert.equal(got[0]!.byteOffset, 4);
  assert.equal(got[1]!.buffer, chunk.buffer);
  assert.equal(got[1]!.byteOffset, 11);
});

test("a frame split across chunks is copied once into a buffer of exactly its size", async () => {
  const body = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
  const bytes = frame([body]);
  const got = await decode([bytes.slice(0, 2), bytes.slice(2, 300), bytes.slice(300)]);
  assert.equal(got.length, 1);
  assert.deepEqual(got[0], body);
  assert.equal(got[0]!.byteOffset, 0);
  assert.equal(got[0]!.buffer.byteLength, 1000);
});

test("an empty frame comes out as an empty body", async () => {
  const got = await decode([new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1, 42])]);
  assert.deepEqual(got, [new Uint8Array(0), new Uint8Array([42])]);
});

test("empty input chunks change nothing", async () => {
  const bytes = frame([new Uint8Array([9, 9])]);
  const got = await decode([
    new Uint8Array(0),
    bytes.slice(0, 3),
    new Uint8Array(0),
    bytes.slice(3),
  ]);
  assert.deepEqual(got, [new Uint8Array([9, 9])]);
});

test("a negative size errors the stream with MalformedDataError", async () => {
  const err = await decode([new Uint8Array([0xff, 0xff, 0xff, 0xfe, 1, 2])]).catch((e) => e);
  assert.ok(err instanceof MalformedDataError, String(err));
  assert.match(err.message, /frame size -2 is negative/);
  assert.equal(err.retriable, false);
});

test("a size above maxFrameBytes errors before anything is allocated for it", async () => {
  // 0x7fffffff would be a 2 GiB allocation if it were trusted.
  const err = await decode([new Uint8Array([0x7f, 0xff]), new Uint8Array([0xff, 0xff, 0])])
    .catch((e) => e);
  assert.ok(err instanceof MalformedDataError, String(err));
  assert.match(
    err.message,
    new RegExp(`2147483647 is above maxFrameBytes ${DEFAULT_MAX_FRAME_BYTES}`),
  );
});

test("maxFrameBytes is inclusive: a frame of exactly the limit passes, one byte more fails", async () => {
  const ok = await decode([frame([new Uint8Array(16)])], 16);
  assert.equal(ok[0]!.length, 16);
  const err = await decode([frame([new Uint8Array(17)])], 16).catch((e) => e);
  assert.ok(err instanceof MalformedDataError, String(err));
});

test("frames before a bad size still come out", async () => {
  const good = frame([new Uint8Array([1]), new Uint8Array([2])]);
  const bytes = new Uint8Array([...good, 0x80, 0, 0, 0]);
  const frames: Uint8Array[] = [];
  const reader = streamOf([bytes.slice(0, 6), bytes.slice(6)]).pipeThrough(new FrameDecoder())
    .getReader();
  let failure: unknown;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      frames.push(r.value);
    }
  } catch (e) {
    failure = e;
  }
  assert.deepEqual(frames, [new Uint8Array([1]), new Uint8Array([2])]);
  assert.ok(failure instanceof MalformedDataError, String(failure));
});

test("a stream that ends inside a frame body errors with a retriable network error", async () => {
  const bytes = frame([new Uint8Array(10)]);
  const err = await decode([bytes.slice(0, 9)]).catch((e) => e);
  assert.ok(err instanceof KafkaError, String(err));
  assert.equal(err.errorName, "NETWORK_EXCEPTION");
  assert.equal(err.retriable, true);
  assert.match(err.message, /5 of a 10-byte frame/);
});

test("a stream that ends inside a size prefix errors with a retriable network error", async () => {
  const err = await decode([new Uint8Array([0, 0])]).catch((e) => e);
  assert.ok(err instanceof KafkaError, String(err));
  assert.equal(err.retriable, true);
  assert.match(err.message, /2 of 4 size bytes/);
});

test("maxFrameBytes outside 0 to 2^31-1 is a RangeError", () => {
  assert.throws(() => new FrameDecoder({ maxFrameBytes: -1 }), RangeError);
  assert.throws(() => new FrameDecoder({ maxFrameBytes: 2 ** 31 }), RangeError);
  assert.throws(() => new FrameDecoder({ maxFrameBytes: 1.5 }), RangeError);
});
