// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Per-item results of admin batches, and the error that carries them all when some failed.
 *
 * @module
 */

import { KafkaError } from "../protocol/kafka_error.ts";

/**
 * What happened to one item of an admin batch (a topic, a group, a config resource, an ACL):
 * its value, or its own {@linkcode KafkaError}. One item's failure never hides the others'.
 */
export type ItemResult<T> =
  | { readonly name: string; readonly value: T; readonly error: null }
  | { readonly name: string; readonly value: null; readonly error: KafkaError };

/**
 * Thrown by an admin batch when at least one item failed. It is the first failed item's
 * {@linkcode KafkaError} (same `code`, `errorName`, `retriable`), its message names every failed
 * item, and `results` holds every item's outcome in request order, the successes included.
 *
 * @example Every item's outcome survives a partial failure
 * ```ts
 * import { AdminError, settle } from "./admin_error.ts";
 * import { KafkaError } from "../protocol/kafka_error.ts";
 * import assert from "node:assert/strict";
 *
 * const err = new KafkaError(36, { api: "CreateTopics", topic: "b" });
 * assert.throws(
 *   () => settle([{ name: "a", value: 1, error: null }, { name: "b", value: null, error: err }]),
 *   (e) => e instanceof AdminError && e.errorName === "TOPIC_ALREADY_EXISTS" &&
 *     e.results[0]?.value === 1,
 * );
 * ```
 */
export class AdminError extends KafkaError {
  /** Every item's outcome, in request order. */
  readonly results: readonly ItemResult<unknown>[];
  /** The failed items' errors. */
  readonly errors: readonly KafkaError[];

  /** Makes the error from a batch's results; at least one must have failed. */
  constructor(results: readonly ItemResult<unknown>[]) {
    const errors = results.flatMap((r) => (r.error ? [r.error] : []));
    const first = errors[0];
    if (first === undefined) throw new TypeError("Cannot make an AdminError as nothing failed");
    const more = errors.length > 1
      ? `; and ${errors.length - 1} more: ${errors.slice(1).map((e) => e.message).join("; ")}`
      : "";
    super(first.code, {}, {
      retriable: first.retriable,
      message: `${first.message.slice(first.errorName.length + 2)}${more}`,
    });
    this.name = "AdminError";
    this.results = results;
    this.errors = errors;
  }
}

/**
 * Returns the values of a batch whose items all succeeded; otherwise throws an
 * {@linkcode AdminError} carrying every item's outcome.
 *
 * @example
 * ```ts
 * import { settle } from "./admin_error.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(settle([{ name: "a", value: 1, error: null }]), [1]);
 * ```
 */
export function settle<T>(results: readonly ItemResult<T>[]): T[] {
  if (results.some((r) => r.error !== null)) throw new AdminError(results);
  return results.map((r) => r.value as T);
}

/** An item's success. */
export function ok<T>(name: string, value: T): ItemResult<T> {
  return { name, value, error: null };
}

/** An item's failure. */
export function failed<T>(name: string, error: KafkaError): ItemResult<T> {
  return { name, value: null, error };
}
