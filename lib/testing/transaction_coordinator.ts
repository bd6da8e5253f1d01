// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The fake cluster's transaction coordinator (transactions v1, KIP-98): transactional ids'
 * producer ids and epochs, the partitions and groups of the open transaction, transaction
 * markers on commit and abort, offsets committed with the transaction, and the timeout abort.
 *
 * @module
 */

import { ErrorCode } from "../protocol/error_codes.ts";
import type { ClusterState } from "./cluster_state.ts";
import type { CommittedOffset, GroupCoordinator } from "./group_coordinator.ts";

/** A transactional id's state, as Kafka's coordinator names it. */
export type TransactionState = "Empty" | "Ongoing" | "CompleteCommit" | "CompleteAbort";

/** One transactional id. */
export interface FakeTransaction {
  /** The transactional id. */
  readonly transactionalId: string;
  /** Its producer id. */
  producerId: bigint;
  /** Its current epoch. */
  epoch: number;
  /** The state. */
  state: TransactionState;
  /** The transaction timeout. */
  timeoutMs: number;
  /** Partitions in the open transaction, as `topic\0partition`. */
  readonly partitions: Set<string>;
  /** Groups whose offsets the open transaction commits, with the offsets sent so far. */
  readonly offsets: Map<string, Map<string, CommittedOffset>>;
  /** The timeout timer of the open transaction. */
  timer: ReturnType<typeof setTimeout> | undefined;
}

const MAX_EPOCH = 32767;

/**
 * Transactions of the fake cluster. Markers are written at once (Kafka writes them
 * asynchronously and answers CONCURRENT_TRANSACTIONS meanwhile; the fake never needs to).
 *
 * @example Begin, add a partition, commit
 * ```ts
 * import { ClusterState } from "./cluster_state.ts";
 * import { GroupCoordinator } from "./group_coordinator.ts";
 * import { TransactionCoordinator } from "./transaction_coordinator.ts";
 * import assert from "node:assert/strict";
 *
 * const state = new ClusterState();
 * state.createTopic("t", 1, 1);
 * const txns = new TransactionCoordinator(state, new GroupCoordinator());
 * const { producerId, epoch } = txns.init("tx", 60_000);
 * assert.equal(txns.addPartitions("tx", producerId, epoch, "t", 0), 0);
 * assert.equal(txns.end("tx", producerId, epoch, true), 0);
 * assert.equal(state.topics.get("t")!.partitions[0]!.log.batches[0]!.control, true);
 * txns.close();
 * ```
 */
export class TransactionCoordinator {
  /** Transactions by transactional id. */
  readonly transactions: Map<string, FakeTransaction> = new Map();
  readonly #state: ClusterState;
  readonly #groups: GroupCoordinator;
  #closed = false;

  /** Makes the coordinator over a cluster's state and group coordinator. */
  constructor(state: ClusterState, groups: GroupCoordinator) {
    this.#state = state;
    this.#groups = groups;
  }

  /**
   * InitProducerId for a transactional id: aborts its open transaction, then returns its
   * producer id with the next epoch (a new id when the epoch runs out), fencing older holders.
   */
  init(
    transactionalId: string,
    timeoutMs: number,
    given?: { producerId: bigint; epoch: number },
  ): { errorCode: number; producerId: bigint; epoch: number } {
    let t = this.transactions.get(transactionalId);
    if (t !== undefined && given !== undefined && given.producerId >= 0n) {
      if (given.producerId !== t.producerId || given.epoch !== t.epoch) {
        return { errorCode: ErrorCode.PRODUCER_FENCED, producerId: -1n, epoch: -1 };
      }
    }
    if (t === undefined) {
      t = {
        transactionalId,
        producerId: this.#state.nextProducerId(),
        epoch: -1,
        state: "Empty",
        timeoutMs,
        partitions: new Set(),
        offsets: new Map(),
        timer: undefined,
      };
      this.transactions.set(transactionalId, t);
    }
    if (t.state === "Ongoing") this.#complete(t, false, t.epoch + 1);
    if (t.epoch >= MAX_EPOCH - 1) {
      t.producerId = this.#state.nextProducerId();
      t.epoch = 0;
    } else {
      t.epoch++;
    }
    t.timeoutMs = timeoutMs;
    t.state = "Empty";
    return { errorCode: 0, producerId: t.producerId, epoch: t.epoch };
  }

  /** Checks the producer id and epoch against the transaction; returns an error code or 0. */
  check(transactionalId: string, producerId: bigint, epoch: number): number {
    const t = this.transactions.get(transactionalId);
    if (t === undefined || t.producerId !== producerId) {
      return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    }
    if (epoch < t.epoch) return ErrorCode.PRODUCER_FENCED;
    if (epoch > t.epoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    return 0;
  }

  /** AddPartitionsToTxn for one partition; returns its error code. */
  addPartitions(
    transactionalId: string,
    producerId: bigint,
    epoch: number,
    topic: string,
    partition: number,
  ): number {
    const bad = this.check(transactionalId, producerId, epoch);
    if (bad !== 0) return bad;
    if (this.#state.topics.get(topic)?.partitions[partition] === undefined) {
      return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    }
    this.#begin(this.transactions.get(transactionalId)!).partitions.add(`${topic}\0${partition}`);
    return 0;
  }

  /** AddOffsetsToTxn; returns its error code. */
  addOffsets(transactionalId: string, producerId: bigint, epoch: number, group: string): number {
    const bad = this.check(transactionalId, producerId, epoch);
    if (bad !== 0) return bad;
    const t = this.#begin(this.transactions.get(transactionalId)!);
    if (!t.offsets.has(group)) t.offsets.set(group, new Map());
    return 0;
  }

  /** TxnOffsetCommit for one partition; returns its error code. */
  commitOffset(
    transactionalId: string,
    producerId: bigint,
    epoch: number,
    group: string,
    topic: string,
    partition: number,
    value: CommittedOffset,
  ): number {
    const bad = this.check(transactionalId, producerId, epoch);
    if (bad !== 0) return bad;
    const t = this.transactions.get(transactionalId)!;
    const pending = t.offsets.get(group);
    if (t.state !== "Ongoing" || pending === undefined) return ErrorCode.INVALID_TXN_STATE;
    if (this.#state.topics.get(topic)?.partitions[partition] === undefined) {
      return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    }
    pending.set(`${topic}\0${partition}`, value);
    return 0;
  }

  /** Whether an open transaction holds an offset for the group's partition (not yet stable). */
  hasPendingOffset(group: string, topic: string, partition: number): boolean {
    for (const t of this.transactions.values()) {
      if (t.state === "Ongoing" && t.offsets.get(group)?.has(`${topic}\0${partition}`)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a transactional produce to `topic`/`partition` was added to the transaction. */
  inTransaction(
    transactionalId: string,
    producerId: bigint,
    topic: string,
    partition: number,
  ): boolean {
    const t = this.transactions.get(transactionalId);
    return t !== undefined && t.producerId === producerId && t.state === "Ongoing" &&
      t.partitions.has(`${topic}\0${partition}`);
  }

  /** EndTxn: commits or aborts; a retry of the same ending succeeds again. */
  end(transactionalId: string, producerId: bigint, epoch: number, commit: boolean): number {
    const bad = this.check(transactionalId, producerId, epoch);
    if (bad !== 0) return bad;
    const t = this.transactions.get(transactionalId)!;
    if (t.state === (commit ? "CompleteCommit" : "CompleteAbort")) return 0;
    if (t.state !== "Ongoing") return ErrorCode.INVALID_TXN_STATE;
    this.#complete(t, commit, t.epoch);
    return 0;
  }

  /** Stops every timeout timer. */
  close(): void {
    this.#closed = true;
    for (const t of this.transactions.values()) clearTimeout(t.timer);
  }

  #begin(t: FakeTransaction): FakeTransaction {
    if (t.state !== "Ongoing") {
      t.state = "Ongoing";
      t.partitions.clear();
      t.offsets.clear();
      clearTimeout(t.timer);
      if (!this.#closed) {
        // Kafka aborts a transaction open past its timeout and bumps the epoch, fencing the
        // producer that let it time out.
        t.timer = setTimeout(() => {
          if (t.state === "Ongoing") {
            this.#complete(t, false, t.epoch + 1);
            t.epoch++;
          }
        }, t.timeoutMs);
      }
    }
    return t;
  }

  #complete(t: FakeTransaction, commit: boolean, markerEpoch: number): void {
    clearTimeout(t.timer);
    t.timer = undefined;
    const now = BigInt(Date.now());
    for (const key of t.partitions) {
      const [topic, p] = key.split("\0") as [string, string];
      const partition = this.#state.topics.get(topic)?.partitions[Number(p)];
      if (partition === undefined) continue; // deleted since
      partition.log.writeMarker(t.producerId, markerEpoch, commit, partition.leaderEpoch, now);
    }
    if (commit) {
      for (const [group, offsets] of t.offsets) {
        for (const [key, value] of offsets) {
          const [topic, p] = key.split("\0") as [string, string];
          this.#groups.commit(group, topic, Number(p), value);
        }
      }
    }
    t.partitions.clear();
    t.offsets.clear();
    t.state = commit ? "CompleteCommit" : "CompleteAbort";
    this.#state.notify();
  }
}
