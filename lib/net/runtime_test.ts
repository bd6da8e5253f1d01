// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { detectRuntime } from "./runtime.ts";

test("detectRuntime names the runtime running this test", () => {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  const expected = g.Deno ? "deno" : g.Bun ? "bun" : "node";
  assert.equal(detectRuntime(), expected);
});

test("detectRuntime reads each runtime's user agent", () => {
  const ua = (userAgent: string) => ({ navigator: { userAgent } });
  assert.equal(detectRuntime(ua("Deno/2.9.6")), "deno");
  assert.equal(detectRuntime(ua("Bun/1.4.4")), "bun");
  assert.equal(detectRuntime(ua("Cloudflare-Workers")), "workerd");
  assert.equal(detectRuntime(ua("Node.js/22")), "node");
});

test("detectRuntime trusts the user agent over globals another runtime also defines", () => {
  // Deno and Bun both define `process.release.name === "node"` for compatibility.
  const scope = { navigator: { userAgent: "Bun/1.4.4" }, process: { release: { name: "node" } } };
  assert.equal(detectRuntime(scope), "bun");
});

test("detectRuntime falls back to globals when the user agent says nothing", () => {
  assert.equal(detectRuntime({ Deno: { version: { deno: "2.9.6" } } }), "deno");
  assert.equal(detectRuntime({ Bun: { version: "1.4.4" } }), "bun");
  assert.equal(detectRuntime({ WebSocketPair: function WebSocketPair() {} }), "workerd");
  // Node 20 has no navigator at all.
  assert.equal(detectRuntime({ process: { release: { name: "node" } } }), "node");
  assert.equal(
    detectRuntime({ navigator: { userAgent: "Mozilla/5.0" }, Bun: { version: "1.4.4" } }),
    "bun",
  );
});

test("detectRuntime says other for a browser or an empty scope", () => {
  assert.equal(detectRuntime({ navigator: { userAgent: "Mozilla/5.0 (X11; Linux)" } }), "other");
  assert.equal(detectRuntime({}), "other");
  assert.equal(detectRuntime({ process: { release: { name: "io.js" } } }), "other");
});
