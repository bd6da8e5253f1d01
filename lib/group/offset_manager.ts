// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Sarama's offsetManager: marked offsets, committed at an interval and on demand.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import type { StageHandle } from "../net/stage_registry.ts";
import { sleep } from "../util/sleep.ts";

/** Who is committing: the group's generation and this member. */
export interface CommitIdentity {
  /** The group generation the commit belongs to. */
  readonly generationId: number;
  /** The member committing. */
  readonly memberId: string;
  /** Its static instance id, if it has one. */
  readonly groupInstanceId: string | null;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** One partition of an OffsetCommit. */
interface CommitPartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  committedMetadata: null;
}

/**
 * Keeps, for each claimed partition, the offset after the last record marked processed, and
 * commits the ones that moved: every `intervalMs`, on `commit()`, and before a partition is
 * released in a rebalance. A commit never goes backwards: marking an offset below one already
 * marked or committed does nothing.
 *
 * It is a `WritableStream` of marks (`{ topic, partition, offset }`), so a records pipeline can
 * end in it; `mark()` does the same without a writer.
 *
 * @example Marks only move forward
 * ```ts ignore
 * offsets.mark("orders", 0, 41); // the record at 41 is processed: 42 will be committed
 * offsets.mark("orders", 0, 10); // ignored
 * await offsets.commit();
 * ```
 */
export class OffsetManager extends WritableStream<
  { topic: string; partition: number; offset: number; leaderEpoch?: number }
> {
  /** Its entry in the stage dump. */
  readonly stage: StageHandle;
  readonly #client: Client;
  readonly #groupId: string;
  readonly #identity: () => CommitIdentity | null;
  /** Next offset to commit per partition (the marked record's offset + 1). */
  readonly #marked: Map<
    string,
    { topic: string; partition: number; offset: number; leaderEpoch: number }
  > = new Map();
  readonly #committed: Map<string, number> = new Map();
  #timer: ReturnType<typeof setInterval> | undefined;
  #inFlight: Promise<void> | undefined;

  /**
   * Makes the manager for `groupId`. `identity` gives the current generation and member (null
   * while not in a generation: commits wait for the next one). A failed automatic commit goes
   * to `onError` (its marks stay, for the next commit).
   */
  constructor(
    client: Client,
    groupId: string,
    identity: () => CommitIdentity | null,
    intervalMs: number,
    stage: StageHandle,
    onError: (error: unknown) => void = () => {},
  ) {
    const ref: { self?: OffsetManager } = {};
    super({
      write: ({ topic, partition, offset, leaderEpoch }) =>
        ref.self!.mark(topic, partition, offset, leaderEpoch),
    });
    ref.self = this;
    this.#client = client;
    this.#groupId = groupId;
    this.#identity = identity;
    this.stage = stage;
    stage.counters.commits = 0;
    stage.counters.marked = 0;
    stage.counters.commitFailures = 0;
    stage.set("idle");
    if (intervalMs > 0) {
      this.#timer = setInterval(() =>
        this.commit().catch((e) => {
          stage.add("commitFailures", 1);
          onError(e);
        }), intervalMs);
    }
  }

  /**
   * Marks the record at `offset` processed: `offset + 1` is committed next, with `leaderEpoch`,
   * the leader epoch of the batch that held the record (KIP-320; -1 when not known), so that
   * whoever resumes from the commit can check the log still holds what was read.
   */
  mark(topic: string, partition: number, offset: number, leaderEpoch = -1): void {
    const k = key(topic, partition);
    const next = offset + 1;
    const cur = this.#marked.get(k)?.offset ?? this.#committed.get(k) ?? -1;
    if (next <= cur) return;
    this.#marked.set(k, { topic, partition, offset: next, leaderEpoch });
    this.stage.add("marked", 1);
  }

  /** The offset last committed for a partition (what the group resumes from), or -1. */
  committed(topic: string, partition: number): number {
    return this.#committed.get(key(topic, partition)) ?? -1;
  }

  /** Records what the group has committed, as fetched when a partition is claimed. */
  seed(topic: string, partition: number, offset: number): void {
    const k = key(topic, partition);
    if (offset > (this.#committed.get(k) ?? -1)) this.#committed.set(k, offset);
  }

  /** Forgets a released partition (after its final commit). */
  forget(topic: string, partition: number): void {
    const k = key(topic, partition);
    this.#marked.delete(k);
    this.#committed.delete(k);
  }

  /**
   * Commits every marked offset that moved past the committed one, optionally only for
   * `partitions`. Resolves when the broker has them.
   *
   * @throws {KafkaError} the first partition error (e.g. ILLEGAL_GENERATION after a rebalance).
   */
  async commit(partitions?: readonly { topic: string; partition: number }[]): Promise<void> {
    // Commits go one at a time, so a later one never lands before an earlier one.
    while (this.#inFlight) await this.#inFlight.catch(() => {});
    const id = this.#identity();
    if (id === null) return;
    const wanted = partitions === undefined
      ? null
      : new Set(partitions.map((p) => key(p.topic, p.partition)));
    const byTopic = new Map<string, CommitPartition[]>();
    const sent: [string, number][] = [];
    for (const [k, m] of this.#marked) {
      if (wanted !== null && !wanted.has(k)) continue;
      if (m.offset <= (this.#committed.get(k) ?? -1)) continue;
      let list = byTopic.get(m.topic);
      if (list === undefined) byTopic.set(m.topic, list = []);
      list.push({
        partitionIndex: m.partition,
        committedOffset: BigInt(m.offset),
        committedLeaderEpoch: m.leaderEpoch,
        committedMetadata: null,
      });
      sent.push([k, m.offset]);
    }
    if (sent.length === 0) return;
    this.#inFlight = this.#send(id, byTopic, sent);
    try {
      await this.#inFlight;
    } finally {
      this.#inFlight = undefined;
    }
  }

  /** Stops the interval. */
  stop(): void {
    clearInterval(this.#timer);
    this.stage.close();
  }

  async #send(
    id: CommitIdentity,
    byTopic: Map<string, CommitPartition[]>,
    sent: [string, number][],
  ): Promise<void> {
    this.stage.set("request in flight");
    try {
      for (let attempt = 0;; attempt++) {
        let error = 0;
        try {
          const coordinator = await this.#client.coordinator(this.#groupId);
          const res = await this.#client.request(coordinator, API_TABLE[8], {
            groupId: this.#groupId,
            generationIdOrMemberEpoch: id.generationId,
            memberId: id.memberId,
            groupInstanceId: id.groupInstanceId,
            topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
          });
          for (const t of res.topics) {
            for (const p of t.partitions) if (p.errorCode !== 0) error = p.errorCode;
          }
        } catch (e) {
          // A lost connection: the coordinator's broker may be dead, and Kafka moves the
          // coordinator elsewhere. Look it up again and resend (OffsetCommit is idempotent).
          if (!(e instanceof KafkaError) || !e.retriable || attempt >= 5) throw e;
          error = ErrorCode.NOT_COORDINATOR;
        }
        if (error === 0) break;
        if (isCoordinatorError(error)) this.#client.forgetCoordinator(this.#groupId);
        const err = new KafkaError(error, { api: "OffsetCommit" });
        if (!err.retriable || attempt >= 5) throw err;
        await sleep(100, this.#client.signal);
      }
      for (const [k, offset] of sent) {
        if (offset > (this.#committed.get(k) ?? -1)) this.#committed.set(k, offset);
      }
      this.stage.add("commits", 1);
    } finally {
      this.stage.set("idle");
    }
  }
}

function isCoordinatorError(code: number): boolean {
  return code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_NOT_AVAILABLE;
}
