// Copyright 2026 the kanal authors. MIT license.
/**
 * Waiting for an event in a test: poll a condition until it holds. A deadline that passes is a
 * failure naming what did not happen, never a pass; how long the wait took is never asserted.
 *
 * @module
 */

/**
 * Polls `ok` every `everyMs` until it returns true; throws after `timeoutMs` (30 s unless told),
 * naming `what`.
 * `ok` may be async, and may throw to fail at once.
 */
export async function until(
  what: string,
  ok: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Calls `check` every `everyMs` until it returns a value other than `undefined`, and resolves
 * with that value; throws after `timeoutMs` (60 s unless told), naming `what`.
 */
export async function poll<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  everyMs = 200,
): Promise<T> {
  let value: T | undefined;
  await until(what, async () => (value = await check()) !== undefined, timeoutMs, everyMs);
  return value!;
}
