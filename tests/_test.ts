// Copyright 2026 the kanal authors. MIT license.
/**
 * `node:test`'s `test`, with a time limit on every test: a test that hangs fails after
 * {@linkcode TEST_TIMEOUT_MS} (or its own `timeout`), under Deno and under Bun alike, instead of
 * holding the whole run until CI's limit. Every test file imports `test` from here.
 *
 * @module
 */

import { test as nodeTest } from "node:test";

/** The time limit of a test that sets none. */
export const TEST_TIMEOUT_MS = 150_000;

/** What a test may set. */
export interface TestOptions {
  /** Its time limit, in ms. @default {TEST_TIMEOUT_MS} */
  timeout?: number;
  /** Not run here (the run counts it as skipped, never as passed). */
  skip?: boolean;
}

type TestFn = () => void | Promise<void>;

/** Declares a test with a time limit. */
export function test(name: string, fn: TestFn): void;
/** Declares a test with options (its own time limit). */
export function test(name: string, options: TestOptions, fn: TestFn): void;
export function test(name: string, a: TestOptions | TestFn, b?: TestFn): void {
  const [options, fn] = typeof a === "function" ? [{}, a] : [a, b!];
  // Both runtimes' node:test return a promise for the test's end; the runner awaits it and
  // reports its failure, so nothing is lost by not returning it here.
  void nodeTest(name, { timeout: TEST_TIMEOUT_MS, ...options }, fn);
}
