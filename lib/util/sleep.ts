// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The one way kanal waits: a timer that an `AbortSignal` cuts short, so close() and abort end
 * every backoff at once instead of leaving a timer to run out. Below every layer; imports
 * nothing.
 *
 * @module
 */

/**
 * Resolves after `ms` milliseconds, or rejects with the signal's reason as soon as it aborts
 * (at once if it already has). The timer and the listener are removed either way.
 *
 * @example A wait cut short by an abort
 * ```ts
 * import { sleep } from "./sleep.ts";
 * import assert from "node:assert/strict";
 *
 * await sleep(1);
 * const stop = new AbortController();
 * const waiting = sleep(60_000, stop.signal);
 * stop.abort(new Error("closed"));
 * await assert.rejects(waiting, /closed/);
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
