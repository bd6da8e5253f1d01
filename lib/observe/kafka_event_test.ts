// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { emit, type KafkaEvent } from "./kafka_event.ts";
import { fanOut } from "./fan_out.ts";
import { consoleLogger, redact } from "./logger.ts";

const EVENT: KafkaEvent = { type: "error", source: "test", error: new Error("boom") };

test("an observer that throws does not reach the emitter, nor stop the others", () => {
  const seen: string[] = [];
  const realError = console.error;
  const reported: unknown[] = [];
  console.error = (...args: unknown[]) => void reported.push(args);
  try {
    const both = fanOut(() => {
      throw new Error("observer bug");
    }, (e) => seen.push(e.type));
    emit(both, EVENT);
    emit(() => {
      throw new Error("alone");
    }, EVENT);
  } finally {
    console.error = realError;
  }
  assert.deepEqual(seen, ["error"]);
  assert.equal(reported.length, 2);
});

test("redact hides secrets at any depth, in arrays, and keeps the rest", () => {
  const out = redact({
    broker: "b:9092",
    options: { sasl: { mechanism: "plain", password: "p1" }, tls: { key: "PEM", caCerts: ["c"] } },
    attempts: [{ accessToken: "t1" }, { ok: 1 }],
    error: new TypeError("bad"),
    value: new Uint8Array(12),
  });
  const text = JSON.stringify(out);
  for (const secret of ["p1", "PEM", "t1"]) assert.equal(text.includes(secret), false, secret);
  assert.deepEqual(out, {
    broker: "b:9092",
    options: { sasl: "[redacted]", tls: { key: "[redacted]", caCerts: ["c"] } },
    attempts: [{ accessToken: "[redacted]" }, { ok: 1 }],
    error: "TypeError: bad",
    value: "[12 bytes]",
  });
});

test("consoleLogger drops lines below its level and redacts what it writes", () => {
  const lines: string[] = [];
  const sink = {
    debug: (l: string) => lines.push(l),
    info: (l: string) => lines.push(l),
    warn: (l: string) => lines.push(l),
    error: (l: string) => lines.push(l),
  };
  const log = consoleLogger({ level: "info", console: sink });
  log.debug("hidden");
  log.info("connected", { password: "x" });
  log.error("failed");
  assert.deepEqual(lines, ['kanal info connected {"password":"[redacted]"}', "kanal error failed"]);
});
