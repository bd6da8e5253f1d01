// Copyright 2026 the kanal authors. MIT license.
// The option checks and the abort/timeout guard every adapter shares, without any socket.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { checkDial, guardDial, isCertificateError } from "./_dial.ts";
import { ConnectionError } from "./connection_error.ts";

test("checkDial refuses a bad host, port or timeout with TypeError or RangeError", () => {
  assert.throws(() => checkDial({ host: "", port: 9092 }), TypeError);
  assert.throws(() => checkDial({ host: "b", port: 0 }), RangeError);
  assert.throws(() => checkDial({ host: "b", port: 65536 }), RangeError);
  assert.throws(() => checkDial({ host: "b", port: 9092.5 }), RangeError);
  assert.throws(() => checkDial({ host: "b", port: 9092, timeoutMs: 0 }), RangeError);
  assert.throws(() => checkDial({ host: "b", port: 9092, timeoutMs: Infinity }), RangeError);
  assert.throws(
    () => checkDial({ host: "b", port: 9092 * 10 }),
    /port must be an integer from 1 to 65535: current value is 90920/,
  );
});

test("checkDial refuses a client certificate without its key, and the reverse", () => {
  assert.throws(() => checkDial({ host: "b", port: 1, tls: { cert: "C" } }), TypeError);
  assert.throws(() => checkDial({ host: "b", port: 1, tls: { key: "K" } }), TypeError);
  assert.deepEqual(checkDial({ host: "b", port: 1, tls: { cert: "C", key: "K" } }).tls, {
    cert: "C",
    key: "K",
  });
});

test("checkDial spells out TLS and the default timeout", () => {
  assert.equal(checkDial({ host: "b", port: 1 }).tls, null);
  assert.equal(checkDial({ host: "b", port: 1, tls: false }).tls, null);
  assert.deepEqual(checkDial({ host: "b", port: 1, tls: true }).tls, {});
  assert.equal(checkDial({ host: "b", port: 1 }).timeoutMs, 10_000);
});

test("guardDial hands a socket that lands after the dial was given up to discard", async () => {
  const controller = new AbortController();
  let land!: (v: string) => void;
  const discarded: string[] = [];
  const dial = guardDial(
    checkDial({ host: "b", port: 1, signal: controller.signal }),
    () => new Promise<string>((resolve) => land = resolve),
    (v) => discarded.push(v),
  );
  controller.abort(new Error("stop"));
  await assert.rejects(dial, /stop/);
  land("late socket");
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(discarded, ["late socket"]);
});

test("guardDial aborts the signal it gave open when the time runs out", async () => {
  let inner!: AbortSignal;
  const err = await guardDial(
    checkDial({ host: "b", port: 1, timeoutMs: 20 }),
    (signal) => {
      inner = signal;
      return new Promise<never>(() => {});
    },
    () => {},
  ).catch((e: unknown) => e);
  assert.ok(err instanceof ConnectionError, String(err));
  assert.equal(inner.aborted, true);
  assert.match(err.message, /timed out after 20 ms/);
});

test("guardDial wraps a runtime's failure but passes typed errors through", async () => {
  const dial = checkDial({ host: "b", port: 1 });
  const raw = new Error("ECONNREFUSED");
  const wrapped = await guardDial(dial, () => Promise.reject(raw), () => {}).catch((e) => e);
  assert.ok(wrapped instanceof ConnectionError);
  assert.equal(wrapped.cause, raw);
  const typed = new TypeError("bad option");
  assert.equal(await guardDial(dial, () => Promise.reject(typed), () => {}).catch((e) => e), typed);
  const thrown = await guardDial(dial, () => {
    throw raw;
  }, () => {}).catch((e) => e);
  assert.ok(thrown instanceof ConnectionError, "a synchronous throw is wrapped too");
});

test("isCertificateError knows Node's and Bun's codes and Deno's wording", () => {
  const coded = (code: string) => Object.assign(new Error("x"), { code });
  assert.equal(isCertificateError(coded("ERR_TLS_CERT_ALTNAME_INVALID")), true);
  assert.equal(isCertificateError(coded("DEPTH_ZERO_SELF_SIGNED_CERT")), true);
  assert.equal(isCertificateError(coded("UNABLE_TO_VERIFY_LEAF_SIGNATURE")), true);
  assert.equal(isCertificateError(new Error("invalid peer certificate: UnknownIssuer")), true);
  assert.equal(isCertificateError(coded("ECONNRESET")), false);
  assert.equal(isCertificateError("certificate"), false);
});
