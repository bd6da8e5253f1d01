// Copyright 2026 the kanal authors. MIT license.
// Web APIs only: it uses a runtime's unref only when the runtime has one.
/**
 * Lets a periodic housekeeping timer run without keeping the process alive.
 *
 * @module
 */

/**
 * Marks `timer` so it does not keep the process alive: Node's and Bun's timers have `unref()`,
 * Deno has `Deno.unrefTimer(id)`; elsewhere (workerd, browsers) there is no such notion and it
 * does nothing.
 *
 * @example A timer that does not hold the process open
 * ```ts
 * import { unrefTimer } from "./unref_timer.ts";
 * import assert from "node:assert/strict";
 *
 * let ticks = 0;
 * const timer = setInterval(() => ticks++, 1000);
 * unrefTimer(timer);
 * clearInterval(timer);
 * assert.equal(ticks, 0);
 * ```
 */
export function unrefTimer(timer: ReturnType<typeof setTimeout>): void {
  const t = timer as unknown as { unref?: () => void };
  if (typeof t === "object" && t !== null && typeof t.unref === "function") {
    t.unref();
    return;
  }
  const deno = (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno;
  if (typeof timer === "number" && typeof deno?.unrefTimer === "function") deno.unrefTimer(timer);
}
