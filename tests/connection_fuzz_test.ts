// Copyright 2026 the kanal authors. MIT license.
// A sample of the soak (scripts/soak.ts): hostile frames through the decoders and through real
// BrokerConnections, in memory and over TCP. Every request must settle with a typed error or a
// success; none may hang (the watchdog is far below the 60 s request timeout) and no error may
// be untyped. KANAL_FUZZ_SEED=<integer> explores other inputs.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import process from "node:process";
import { defaultTransport } from "../lib/net/default_transport.ts";
import {
  type Counts,
  counts,
  fuzzConnections,
  fuzzDecoders,
  memoryTransport,
  Rng,
} from "./_hostile.ts";
import { startFakeBroker } from "./_fake_broker.ts";

const SEED = Number(process.env.KANAL_FUZZ_SEED ?? 0x6b616e61) >>> 0;
// Bun's default per-test timeout is 5 s; a loaded machine needs longer. Hangs still fail.
const LONG = { timeout: 120_000 };

function check(c: Counts, frames: number): void {
  const why = `seed ${SEED}: ${JSON.stringify(c)}`;
  assert.ok(c.frames >= frames, why);
  assert.equal(c.untyped, 0, why);
  assert.equal(c.hangs, 0, why);
  assert.ok(c.typed > 0 && c.ok > 0, why);
}

test("hostile frames through the decoders end typed", LONG, async () => {
  const c = counts();
  await fuzzDecoders(new Rng(SEED), 20_000, c);
  check(c, 20_000);
});

test("hostile answers on in-memory connections settle every request typed", LONG, async () => {
  const c = counts();
  await fuzzConnections(new Rng(SEED), {
    frames: 3_000,
    transport: (onRequest) =>
      Promise.resolve({
        transport: memoryTransport(onRequest),
        host: "memory",
        port: 1,
        close: () => Promise.resolve(),
      }),
  }, c);
  check(c, 3_000);
});

test("hostile answers over TCP settle every request typed", LONG, async () => {
  const c = counts();
  const transport = await defaultTransport();
  await fuzzConnections(new Rng(SEED + 1), {
    frames: 500,
    transport: async (onRequest) => {
      const broker = await startFakeBroker(onRequest, { answerApiVersions: false });
      return { transport, host: broker.host, port: broker.port, close: () => broker.close() };
    },
  }, c);
  check(c, 500);
});
