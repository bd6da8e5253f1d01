// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * A test hook that makes one producer stage fail, so a test can check that the failure reaches
 * the records that stage held and that no `send()`, `flush()` or `close()` is left waiting.
 * Unset outside tests: a stage pays one property read per chunk (run, plan, batch), not per
 * record. Private to lib/producer.
 *
 * @module
 */

/** The stages a fault can be injected into, each where it takes a chunk. */
export type FaultyStage =
  | "partitionDispatcher"
  | "leaderDispatcher"
  | "messageAggregator"
  | "flusher"
  | "retryHandler";

/**
 * The hook: when `at` is set, each stage calls it as it takes a chunk and throws the error it
 * returns.
 *
 * @example Fail the next leaderDispatcher write
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkFault, stageFault } from "./_stage_fault.ts";
 *
 * stageFault.at = (stage) => stage === "leaderDispatcher" ? new Error("injected") : undefined;
 * assert.throws(() => checkFault("leaderDispatcher"), /injected/);
 * checkFault("flusher"); // not this one
 * stageFault.at = undefined;
 * ```
 */
export const stageFault: { at: ((stage: FaultyStage) => Error | undefined) | undefined } = {
  at: undefined,
};

/** Throws the fault injected into `stage`, if any. */
export function checkFault(stage: FaultyStage): void {
  const at = stageFault.at;
  if (at === undefined) return;
  const error = at(stage);
  if (error !== undefined) throw error;
}
