// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * How a consumer group member classifies the errors of its group requests.
 *
 * @module
 */

import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";

/**
 * Errors after which the member joins again rather than giving up.
 *
 * @example A stale generation means joining again
 * ```ts
 * import { REJOINABLE } from "./_group_errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(REJOINABLE.has(22)); // ILLEGAL_GENERATION
 * assert.ok(!REJOINABLE.has(82)); // FENCED_INSTANCE_ID is fatal
 * ```
 */
export const REJOINABLE: ReadonlySet<number> = new Set([
  ErrorCode.UNKNOWN_MEMBER_ID,
  ErrorCode.ILLEGAL_GENERATION,
  ErrorCode.REBALANCE_IN_PROGRESS,
  ErrorCode.MEMBER_ID_REQUIRED,
]);

// Errors after which the coordinator must be looked up again (FindCoordinator): the broker
// cached for it may be dead, and Kafka moves the coordinator to a live one within seconds.
const COORDINATOR_LOST: ReadonlySet<number> = new Set([
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NETWORK_EXCEPTION,
  ErrorCode.REQUEST_TIMED_OUT,
]);

/**
 * Whether `e` (an error or an error code) means the cached coordinator is stale.
 *
 * @example A refused connection and NOT_COORDINATOR both mean looking it up again
 * ```ts
 * import { coordinatorLost } from "./_group_errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(coordinatorLost(16)); // NOT_COORDINATOR
 * assert.ok(coordinatorLost(new Error("ECONNREFUSED")));
 * assert.ok(!coordinatorLost(27)); // REBALANCE_IN_PROGRESS
 * ```
 */
export function coordinatorLost(e: unknown): boolean {
  const code = e instanceof KafkaError ? e.code : typeof e === "number" ? e : -1;
  // Anything but a Kafka answer (a socket error, a refused connection) counts as lost.
  return COORDINATOR_LOST.has(code) || !(e instanceof KafkaError || typeof e === "number");
}

/**
 * Whether a failed heartbeat request should simply be sent again (after FindCoordinator).
 *
 * @example A timeout is sent again; an authorization failure is not
 * ```ts
 * import { transient } from "./_group_errors.ts";
 * import { KafkaError } from "../protocol/kafka_error.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(transient(new KafkaError(7))); // REQUEST_TIMED_OUT
 * assert.ok(!transient(new KafkaError(30))); // GROUP_AUTHORIZATION_FAILED
 * ```
 */
export function transient(e: unknown): boolean {
  return coordinatorLost(e) || (e instanceof KafkaError && e.retriable);
}
