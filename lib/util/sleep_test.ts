// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { sleep } from "./sleep.ts";

test("sleep resolves after its time when nothing aborts", async () => {
  const stop = new AbortController();
  await sleep(5, stop.signal);
  // Aborting afterwards changes nothing: the listener is gone with the timer.
  stop.abort(new Error("late"));
});

test("sleep rejects at once with the reason of an already aborted signal", async () => {
  const reason = new Error("closed before");
  await assert.rejects(sleep(600_000, AbortSignal.abort(reason)), (e) => e === reason);
});

test("sleep rejects with the reason when the signal aborts during the wait", async () => {
  const stop = new AbortController();
  const reason = new Error("closed during");
  const waiting = sleep(600_000, stop.signal);
  stop.abort(reason);
  await assert.rejects(waiting, (e) => e === reason);
});
