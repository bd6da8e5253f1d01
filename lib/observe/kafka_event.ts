// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The events kanal reports to an observer: connections, requests, produce and fetch batches,
 * retries, rebalances and errors. This file sits below lib/net so every layer can emit them.
 *
 * @module
 */

/** A connection to a broker opened (after version negotiation). */
export interface ConnectionOpenEvent {
  /** Discriminates the event. */
  readonly type: "connection.open";
  /** `host:port`. */
  readonly broker: string;
  /** What the connection carries, as the stage dump names it. */
  readonly role: string;
}

/** A connection to a broker ended. */
export interface ConnectionCloseEvent {
  /** Discriminates the event. */
  readonly type: "connection.close";
  /** `host:port`. */
  readonly broker: string;
  /** What the connection carries, as the stage dump names it. */
  readonly role: string;
  /** Why it ended. */
  readonly reason: Error;
}

/** A request was answered or failed. Requests that get no answer (Produce with acks 0) are not reported. */
export interface RequestEvent {
  /** Discriminates the event. */
  readonly type: "request";
  /** `host:port`. */
  readonly broker: string;
  /** The API's name, e.g. `Fetch`. */
  readonly api: string;
  /** The version sent. */
  readonly version: number;
  /** From sending the request to its answer (or failure), in ms. */
  readonly latencyMs: number;
  /** The request frame's size. */
  readonly bytesOut: number;
  /** The answer frame's size; 0 when none came. */
  readonly bytesIn: number;
  /** Why it failed; absent on success. */
  readonly error?: unknown;
}

/** A produce batch (one partition's records in one Produce request) was answered. */
export interface ProduceBatchEvent {
  /** Discriminates the event. */
  readonly type: "produce";
  /** The leader's node id. */
  readonly broker: number;
  /** The topic. */
  readonly topic: string;
  /** The partition. */
  readonly partition: number;
  /** Records in the batch. */
  readonly records: number;
  /** The encoded batch's size. */
  readonly bytes: number;
  /** From sending the request to its answer, in ms. */
  readonly latencyMs: number;
  /** The base offset the broker gave the batch; -1 when unknown or failed. */
  readonly baseOffset: number;
  /** Why the batch failed this attempt (it may be retried); absent on success. */
  readonly error?: unknown;
}

/** One partition's records came back from a Fetch. */
export interface FetchBatchEvent {
  /** Discriminates the event. */
  readonly type: "fetch";
  /** The leader's node id. */
  readonly broker: number;
  /** The topic. */
  readonly topic: string;
  /** The partition. */
  readonly partition: number;
  /** Records handed on. */
  readonly records: number;
  /** Record batch bytes decoded. */
  readonly bytes: number;
  /** The partition's high watermark. */
  readonly highWatermark: number;
}

/** A produce batch failed an attempt and goes back to its partition's leaderDispatcher. */
export interface RetryEvent {
  /** Discriminates the event. */
  readonly type: "retry";
  /** The topic. */
  readonly topic: string;
  /** The partition. */
  readonly partition: number;
  /** Records in the batch. */
  readonly records: number;
  /** Attempts so far. */
  readonly attempts: number;
  /** The attempt's error. */
  readonly error: unknown;
}

/** A group member gained or gave up partitions. */
export interface RebalanceEvent {
  /** Discriminates the event. */
  readonly type: "rebalance";
  /** The group. */
  readonly group: string;
  /** `assigned`: partitions gained; `revoked`: partitions given up. */
  readonly phase: "assigned" | "revoked";
  /** The partitions, as `topic/partition`. */
  readonly partitions: readonly string[];
}

/** An error a stage met and handled or passed on. */
export interface ErrorEvent {
  /** Discriminates the event. */
  readonly type: "error";
  /** The stage or component, e.g. `groupConsumer`. */
  readonly source: string;
  /** The error. */
  readonly error: unknown;
}

/** Every event kanal reports; switch on `type`. */
export type KafkaEvent =
  | ConnectionOpenEvent
  | ConnectionCloseEvent
  | RequestEvent
  | ProduceBatchEvent
  | FetchBatchEvent
  | RetryEvent
  | RebalanceEvent
  | ErrorEvent;

/**
 * Receives kanal's events, synchronously, on the path that caused them: keep it cheap. A throw
 * is caught by {@linkcode emit} and does not disturb the client.
 */
export type Observer = (event: KafkaEvent) => void;

/**
 * Hands `event` to `observer`, if there is one. An observer that throws must not break a
 * connection or a stage, so its error goes to `console.error` and the client carries on.
 *
 * @example An observer sees an event
 * ```ts
 * import { emit, type KafkaEvent } from "./kafka_event.ts";
 * import assert from "node:assert/strict";
 *
 * const seen: KafkaEvent[] = [];
 * emit((e) => seen.push(e), { type: "error", source: "test", error: new Error("x") });
 * assert.equal(seen[0]?.type, "error");
 * ```
 */
export function emit(observer: Observer | undefined, event: KafkaEvent): void {
  if (observer === undefined) return;
  try {
    observer(event);
  } catch (e) {
    console.error("kanal: an observer threw", e);
  }
}
