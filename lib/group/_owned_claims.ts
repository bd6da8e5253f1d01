// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The partitions a group member owns, as claims: claiming them from the committed offsets,
 * and giving them up after the chunk being processed is done and committed.
 *
 * @module
 */

import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import type { Consumer } from "../consumer/consumer.ts";
import { sleep } from "../util/sleep.ts";
import { emit } from "../observe/kafka_event.ts";
import type { TopicPartitions } from "./assignor.ts";
import type { OffsetManager } from "./offset_manager.ts";
import type { GroupSession } from "./_group_session.ts";
import { type Claim, claimKey as key } from "./claim.ts";

/**
 * A member's claims, keyed by partition, and the `claims` stream they are handed out on. A
 * claim starts at the committed offset (checked against the leader's log with the epoch
 * committed with it, KIP-320) or where `startOffset` says; giving it up waits, up to the
 * rebalance timeout, for the chunk the reader of `records()` still processes, commits its
 * marks, and ends its records.
 */
export class OwnedClaims {
  /** Claims as they are made, for `GroupConsumer.claims`. */
  readonly stream: ReadableStream<Claim>;
  readonly #session: GroupSession;
  readonly #consumer: Consumer;
  readonly #offsets: OffsetManager;
  #controller!: ReadableStreamDefaultController<Claim>;
  readonly #owned: Map<string, Claim> = new Map();
  /** Claims with a chunk handed to the reader of `records()` and not yet done with. */
  readonly #busy: Map<Claim, { done: Promise<void>; resolve: () => void }> = new Map();
  /** Claims being given up: no more of their chunks are handed out. */
  readonly #revoking: Set<Claim> = new Set();

  /** Claims for `session`'s member, reading with `consumer`, marking into `offsets`. */
  constructor(
    session: GroupSession,
    consumer: Consumer,
    offsets: OffsetManager,
  ) {
    this.#session = session;
    this.#consumer = consumer;
    this.#offsets = offsets;
    this.stream = new ReadableStream<Claim>({
      start: (c) => {
        this.#controller = c;
      },
    });
  }

  /** How many partitions are owned. */
  get size(): number {
    return this.#owned.size;
  }

  /** The owned partitions' keys. */
  keys(): string[] {
    return [...this.#owned.keys()];
  }

  /** Whether the partition keyed `k` (by `claimKey`) is owned. */
  has(k: string): boolean {
    return this.#owned.has(k);
  }

  /** The owned partitions, by topic. */
  assignment(): TopicPartitions[] {
    return groupPartitions([...this.#owned.values()].map((c) => [c.topic, c.partition] as const));
  }

  /** Whether `claim` is owned and not being given up: its chunks may be handed out. */
  current(claim: Claim): boolean {
    return this.#owned.get(key(claim.topic, claim.partition)) === claim &&
      !this.#revoking.has(claim);
  }

  /** A chunk of `claim` was handed to the reader: giving it up waits for {@linkcode done}. */
  handing(claim: Claim): void {
    if (this.#busy.has(claim)) return;
    let resolve!: () => void;
    const done = new Promise<void>((r) => resolve = r);
    this.#busy.set(claim, { done, resolve });
  }

  /** The reader is done with `claim`'s chunk. */
  done(claim: Claim): void {
    this.#busy.get(claim)?.resolve();
    this.#busy.delete(claim);
  }

  /** Ends the `claims` stream with `error`. */
  error(error: unknown): void {
    this.#controller.error(error);
  }

  /** Ends every claim's records and the `claims` stream (the member is closing). */
  close(): void {
    for (const c of this.#owned.values()) c.records.close();
    this.#owned.clear();
    try {
      this.#controller.close();
    } catch {
      // already errored
    }
  }

  /** Starts claims for `keys`, from the committed offsets. */
  async claim(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    this.#rebalanced("assigned", keys);
    const s = this.#session;
    const o = s.options;
    const parts = keys.map((k) => {
      const [topic, p] = k.split("\u0000") as [string, string];
      return { topic, partition: Number(p) };
    });
    const committed = await this.#fetchCommitted(parts);
    for (const { topic, partition } of parts) {
      const { offset: at, leaderEpoch } = committed.get(key(topic, partition)) ??
        { offset: -1, leaderEpoch: -1 };
      if (at >= 0) this.#offsets.seed(topic, partition, at);
      // With the committed epoch, the position is checked against the leader's log before the
      // first fetch (KIP-320): a log truncated since the commit is caught, not read past.
      const records = this.#consumer.partition(
        topic,
        partition,
        at >= 0 ? { offset: at, leaderEpoch } : { offset: o.startOffset },
      );
      const k = key(topic, partition);
      const active = (): boolean => this.#owned.get(k) === claim && !this.#revoking.has(claim);
      const claim: Claim = {
        topic,
        partition,
        generationId: s.generationId,
        records,
        get active(): boolean {
          return active();
        },
        // A mark after the partition was released would commit for its new owner: ignore it.
        mark: (offset) => {
          if (this.#owned.get(k) === claim) {
            this.#offsets.mark(topic, partition, offset, records.epochAt(offset));
          }
        },
        hold: () => {
          let resolve!: () => void;
          const done = new Promise<void>((r) => resolve = r);
          this.#busy.set(claim, { done, resolve });
          return () => {
            resolve();
            if (this.#busy.get(claim)?.done === done) this.#busy.delete(claim);
          };
        },
      };
      this.#owned.set(key(topic, partition), claim);
      this.#controller.enqueue(claim);
    }
    o.onAssigned?.(groupPartitions(parts.map((p) => [p.topic, p.partition] as const)));
  }

  /** Gives up partitions: commits their marks (when `commit`), ends their streams. */
  async revoke(keys: string[], commit: boolean): Promise<void> {
    if (keys.length === 0) return;
    this.#rebalanced("revoked", keys);
    const s = this.#session;
    const claims = keys.map((k) => this.#owned.get(k)!).filter(Boolean);
    if (commit) {
      // Sarama's ConsumeClaim contract: a chunk still being processed finishes (bounded by
      // the rebalance timeout) and is committed before the partition moves, so the new owner
      // never processes the same records at the same time.
      for (const c of claims) this.#revoking.add(c);
      const busy = claims.flatMap((c) => this.#busy.get(c)?.done ?? []);
      if (busy.length > 0) {
        s.stage.set("backpressured");
        // The wait may outlast the session timeout: heartbeats go on meanwhile, or the
        // coordinator would expel the member for being slow to give the partition up.
        const beat = new AbortController();
        const beating = s.keepAlive?.(AbortSignal.any([beat.signal, s.stop.signal]));
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          Promise.all(busy),
          new Promise<void>((r) => timer = setTimeout(r, s.options.rebalanceTimeoutMs)),
        ]);
        clearTimeout(timer);
        beat.abort();
        await beating;
        s.stage.set("request in flight");
      }
      await this.#offsets.commit(claims.map((c) => ({ topic: c.topic, partition: c.partition })))
        .catch(s.report);
    }
    for (const c of claims) {
      this.#revoking.delete(c);
      this.#busy.get(c)?.resolve();
      this.#busy.delete(c);
      c.records.close();
      this.#owned.delete(key(c.topic, c.partition));
      this.#offsets.forget(c.topic, c.partition);
    }
    s.options.onRevoked?.(groupPartitions(claims.map((c) => [c.topic, c.partition] as const)));
  }

  #rebalanced(phase: "assigned" | "revoked", keys: string[]): void {
    const partitions = keys.map((k) => k.replace("\u0000", "/"));
    const s = this.#session;
    emit(s.client.options.observe, {
      type: "rebalance",
      group: s.options.groupId,
      phase,
      partitions,
    });
  }

  /** The group's committed offsets (and their leader epochs) for `parts`, with OffsetFetch. */
  async #fetchCommitted(
    parts: { topic: string; partition: number }[],
  ): Promise<Map<string, { offset: number; leaderEpoch: number }>> {
    const s = this.#session;
    const groupId = s.options.groupId;
    const byTopic = new Map<string, number[]>();
    for (const p of parts) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    for (let attempt = 0;; attempt++) {
      const coordinator = await s.client.coordinator(groupId);
      const conn = await s.client.connection(coordinator);
      const v = conn.versions.version(API_TABLE[9].info.key);
      const topics = [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes }));
      const res = await conn.request(
        API_TABLE[9],
        v >= 8
          ? { groups: [{ groupId, topics }], requireStable: true }
          : { groupId, topics, requireStable: true },
        { version: v },
      );
      const rows = v >= 8 ? res.groups?.[0]?.topics ?? [] : res.topics ?? [];
      const top = v >= 8 ? res.groups?.[0]?.errorCode ?? 0 : res.errorCode ?? 0;
      let error = top;
      const out = new Map<string, { offset: number; leaderEpoch: number }>();
      for (const t of rows) {
        for (const p of t.partitions) {
          if (p.errorCode !== 0) error = p.errorCode;
          // Named up to OffsetFetch v9; CLIENT_MAX_VERSIONS keeps kanal below v10's topic ids.
          else {
            out.set(key(t.name ?? "", p.partitionIndex), {
              offset: Number(p.committedOffset),
              leaderEpoch: p.committedLeaderEpoch ?? -1,
            });
          }
        }
      }
      if (error === 0) return out;
      const err = new KafkaError(error, { api: "OffsetFetch" });
      if (!err.retriable || attempt >= 50) throw err;
      if (error === ErrorCode.NOT_COORDINATOR) s.client.forgetCoordinator(groupId);
      await sleep(100, s.stop.signal);
    }
  }
}

/**
 * Partitions grouped by topic, topics and partitions sorted, as `assignment()` and the
 * `onAssigned` / `onRevoked` callbacks give them.
 *
 * @example Partitions grouped by topic, as assignments are given
 * ```ts
 * import { groupPartitions } from "./_owned_claims.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(groupPartitions([["t", 1], ["t", 0], ["a", 2]]), [
 *   { topic: "a", partitions: [2] },
 *   { topic: "t", partitions: [0, 1] },
 * ]);
 * ```
 */
export function groupPartitions(
  parts: readonly (readonly [string, number])[],
): TopicPartitions[] {
  const m = new Map<string, number[]>();
  for (const [t, p] of parts) m.set(t, [...(m.get(t) ?? []), p]);
  return [...m].sort((a, b) => a[0].localeCompare(b[0])).map(([topic, partitions]) => ({
    topic,
    partitions: partitions.sort((a, b) => a - b),
  }));
}
