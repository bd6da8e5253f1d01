// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The contract between the fake cluster's connection loop and its per-API handlers.
 *
 * @module
 */

import type { ClusterState, FakeBroker } from "./cluster_state.ts";
import type { FetchSessions } from "./fetch_sessions.ts";
import type { GroupCoordinator } from "./group_coordinator.ts";
import type { FakeApiRange } from "./fake_versions.ts";
import type { TransactionCoordinator } from "./transaction_coordinator.ts";
import type { ConsumerGroupCoordinator } from "./consumer_group_coordinator.ts";
import type { FakeSaslOptions, SaslServer } from "./sasl_server.ts";

/** What the fake knows about one client connection. */
export interface FakeConnection {
  /** The SASL exchange under way, after a SaslHandshake. */
  sasl: SaslServer | null;
  /** The authenticated user, or null. */
  user: string | null;
  /** Set by a handler to close the connection once its answer is sent (failed SASL). */
  closeAfterReply: boolean;
}

/** What a handler may use to answer one request. */
export interface HandlerContext {
  /** The cluster's state. */
  readonly state: ClusterState;
  /** The broker the request came to. */
  readonly broker: FakeBroker;
  /** The request's version. */
  readonly version: number;
  /** The request's client id. */
  readonly clientId: string | null;
  /** Aborts when the cluster or the connection closes; long polls end early on it. */
  readonly signal: AbortSignal;
  /** The fetch sessions of this broker. */
  readonly sessions: FetchSessions;
  /** The classic group coordinator (shared; each group answers only on its coordinator). */
  readonly groups: GroupCoordinator;
  /** KIP-848 consumer groups. */
  readonly consumerGroups: ConsumerGroupCoordinator;
  /** The transaction coordinator (each transactional id answers only on its coordinator). */
  readonly transactions: TransactionCoordinator;
  /** This connection's state. */
  readonly connection: FakeConnection;
  /** The cluster's SASL settings; null when clients need not authenticate. */
  readonly sasl: FakeSaslOptions | null;
  /** The API versions this cluster offers. */
  readonly advertised: readonly FakeApiRange[];
}

/** Returned by a handler when Kafka sends no response (Produce with acks=0). */
export const NO_RESPONSE: unique symbol = Symbol("no response");

/** One API's handler: answers a decoded request body with a response body. */
export interface FakeHandler {
  /** The API key. */
  readonly key: number;
  /** Answers `body`; may wait (long polls, joins). */
  handle(
    ctx: HandlerContext,
    body: unknown,
  ): unknown | typeof NO_RESPONSE | Promise<unknown | typeof NO_RESPONSE>;
  /**
   * The answer when a control hook injects `code`, without applying the request. Absent for
   * APIs that change nothing: the fake then answers normally and sets every error code.
   */
  errorAnswer?(ctx: HandlerContext, body: unknown, code: number): unknown;
}

/**
 * Sets every `errorCode` field in a response, at any depth, to `code`: a generic injected
 * error for APIs that change nothing.
 *
 * @example Every error code becomes the injected one
 * ```ts
 * import { stampErrorCode } from "./handler.ts";
 * import assert from "node:assert/strict";
 *
 * const r = stampErrorCode({ errorCode: 0, topics: [{ errorCode: 0, name: "t" }] }, 6);
 * assert.deepEqual(r, { errorCode: 6, topics: [{ errorCode: 6, name: "t" }] });
 * ```
 */
export function stampErrorCode<T>(response: T, code: number): T {
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
    } else if (v !== null && typeof v === "object" && !(v instanceof Uint8Array)) {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        if (k === "errorCode" && typeof o[k] === "number") o[k] = code;
        else walk(o[k]);
      }
    }
  };
  walk(response);
  return response;
}
