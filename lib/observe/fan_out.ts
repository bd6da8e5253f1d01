// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * One observer from several, so metrics, logging and tracing can watch one client.
 *
 * @module
 */

import { emit, type KafkaEvent, type Observer } from "./kafka_event.ts";

/**
 * An observer that hands each event to every one of `observers`, in order; one that throws does
 * not keep the event from the others.
 *
 * @example Metrics and a log from one client
 * ```ts
 * import { fanOut } from "./fan_out.ts";
 * import type { KafkaEvent } from "./kafka_event.ts";
 * import assert from "node:assert/strict";
 *
 * const a: KafkaEvent[] = [];
 * const b: KafkaEvent[] = [];
 * const both = fanOut((e) => a.push(e), (e) => b.push(e));
 * both({ type: "error", source: "test", error: new Error("x") });
 * assert.equal(a.length + b.length, 2);
 * ```
 */
export function fanOut(...observers: readonly (Observer | undefined)[]): Observer {
  const list = observers.filter((o): o is Observer => o !== undefined);
  return (event: KafkaEvent): void => {
    for (const o of list) emit(o, event);
  };
}
