// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The transactional producer's state machine: its transactional id, the coordinator's requests
 * (InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit, EndTxn), and the
 * errors that end a transaction or the producer.
 *
 * @module
 */

import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import type { ApiVersionTable } from "../protocol/versions.ts";
import type { CoordinatorType } from "../client/client.ts";
import { KANAL_SOFTWARE_NAME, KANAL_VERSION } from "../net/version.ts";
import { sleep } from "../util/sleep.ts";
import type { ProducerContext } from "./_producer_context.ts";
import type { ProducerBatch } from "./_producer_batch.ts";

/** A consumer group member's identity, for fencing offsets committed in a transaction (KIP-447). */
export interface GroupMetadata {
  /** The group. */
  readonly groupId: string;
  /** The member's generation (its member epoch under KIP-848); -1 skips generation fencing. */
  readonly generationId: number;
  /** The member id; "" skips member fencing. */
  readonly memberId: string;
  /** The static member's instance id, if any. */
  readonly groupInstanceId?: string | null;
}

/** One offset to commit in a transaction: the next offset the group should read. */
export interface TransactionOffset {
  /** The topic. */
  readonly topic: string;
  /** The partition. */
  readonly partition: number;
  /** The offset of the next record to consume (the last processed offset plus one). */
  readonly offset: number;
  /** Metadata stored with the offset. */
  readonly metadata?: string | null;
}

/** Where a transactional producer is. */
export type TransactionState =
  | "uninitialized"
  | "ready"
  | "in transaction"
  | "committing"
  | "aborting"
  | "abortable"
  | "fatal";

/** Errors that end the producer: nothing but close() works after them. */
const FATAL: ReadonlySet<number> = new Set([
  ErrorCode.PRODUCER_FENCED,
  ErrorCode.INVALID_PRODUCER_EPOCH,
  ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
  ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
  ErrorCode.INVALID_PRODUCER_ID_MAPPING,
  ErrorCode.INVALID_TXN_STATE,
  ErrorCode.UNSUPPORTED_VERSION,
  ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
]);

/** Coordinator answers that mean: ask again, maybe elsewhere. */
const RETRY: ReadonlySet<number> = new Set([
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.CONCURRENT_TRANSACTIONS,
  ErrorCode.REQUEST_TIMED_OUT,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
]);

const STALE: ReadonlySet<number> = new Set([
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
]);

/**
 * Runs one transactional producer's transactions. The producer makes it when `transactionalId`
 * is set and exposes it through `beginTransaction()`, `commitTransaction()`,
 * `abortTransaction()`, `sendOffsetsToTransaction()` and `transaction()`.
 *
 * Transactions v2 (KIP-890) are used when the coordinator's cluster finalizes
 * `transaction.version` 2 or more: partitions join with the Produce request (v12) and the group
 * with TxnOffsetCommit (v5), and every EndTxn answers a new epoch, after which each partition's
 * sequence numbers start again from 0. Otherwise (v1) each partition is added with
 * AddPartitionsToTxn before its first batch, the group with AddOffsetsToTxn, and an abort bumps
 * the epoch with InitProducerId so the next transaction starts from clean sequences.
 *
 * @example A producer with a transactional id makes one
 * ```ts
 * import { Client } from "../client/client.ts";
 * import { FakeCluster } from "../testing/fake_cluster.ts";
 * import { Producer } from "./producer.ts";
 * import assert from "node:assert/strict";
 *
 * await using cluster = await FakeCluster.start({ topics: [{ name: "out", partitions: 1 }] });
 * await using client = await Client.connect({
 *   brokers: cluster.bootstrap,
 *   transport: cluster.transport,
 * });
 * await using producer = new Producer(client, { transactionalId: "orders-1" });
 * await producer.transaction(async (tx) => {
 *   await tx.send({ topic: "out", partition: 0, value: "x" });
 * });
 * assert.equal(producer.transactionState, "ready");
 * // The record's batch, then the commit marker.
 * assert.deepEqual(cluster.partition("out", 0).log.batches.map((b) => b.control), [false, true]);
 * ```
 */
export class TransactionManager {
  /** The transactional id. */
  readonly transactionalId: string;
  readonly #ctx: ProducerContext;
  #state: TransactionState = "uninitialized";
  #fatal: KafkaError | null = null;
  /** The first failure in the open transaction: it must be aborted. */
  #abortable: Error | null = null;
  #v2 = false;
  #init: Promise<void> | undefined;
  /** Partitions in the open transaction (v1: added; v2: sent to). */
  readonly #partitions: Set<string> = new Set();
  /** v1: additions in flight, by partition. */
  readonly #adding: Map<string, Promise<void>> = new Map();
  #offsetsSent = false;

  /** Made by the producer. */
  constructor(ctx: ProducerContext, transactionalId: string) {
    this.#ctx = ctx;
    this.transactionalId = transactionalId;
  }

  /** Where the producer is. */
  get state(): TransactionState {
    return this.#state;
  }

  /** Whether transactions v2 (KIP-890) are in use. */
  get v2(): boolean {
    return this.#v2;
  }

  /** Finds the coordinator, reads the cluster's transaction version and gets the producer id. */
  ready(): Promise<void> {
    if (this.#fatal) return Promise.reject(this.#fatal);
    this.#init ??= this.#initialize().catch((e) => {
      this.#init = undefined; // the next call tries again, unless the error was fatal
      throw e;
    });
    return this.#init;
  }

  async #initialize(): Promise<void> {
    const ctx = this.#ctx;
    const node = await ctx.client.coordinator(this.transactionalId, "transaction");
    const conn = await ctx.client.connection(node, "group");
    this.#v2 = await transactionVersion(conn) >= 2 && supportsV2(conn.versions);
    await this.#initProducerId(-1n, -1);
    this.#state = "ready";
  }

  /** InitProducerId through the coordinator: fences older producers of this id (KIP-98). */
  async #initProducerId(producerId: bigint, epoch: number): Promise<void> {
    const ctx = this.#ctx;
    const res = await this.#coordinatorCall(
      "InitProducerId",
      "transaction",
      (conn) =>
        conn.request(API_TABLE[22], {
          transactionalId: this.transactionalId,
          transactionTimeoutMs: ctx.options.transactionTimeoutMs,
          producerId,
          producerEpoch: epoch,
        }),
      (r) => r.errorCode,
    );
    ctx.producerId = res.producerId ?? -1n;
    ctx.producerEpoch = res.producerEpoch;
  }

  /**
   * Throws unless records may be sent now: only inside a transaction that has not failed (after
   * a failure only an abort helps, as in Kafka's own producer).
   */
  checkSend(): void {
    if (this.#fatal) throw this.#fatal;
    if (this.#state === "abortable") throw this.#mustAbort("send");
    if (this.#state !== "in transaction") {
      throw new TypeError(
        `Cannot send as a transactional producer sends only inside a transaction: the producer is ${this.#state}`,
      );
    }
  }

  /** A record failed: the transaction can only be aborted now; a fencing error ends the producer. */
  readonly failed = (error: Error): void => {
    if (error instanceof KafkaError && error.code === ErrorCode.PRODUCER_FENCED) {
      this.#fail(error);
      return;
    }
    this.#abortable ??= error;
    if (this.#state === "in transaction") this.#state = "abortable";
  };

  /** Starts a transaction. */
  async begin(): Promise<void> {
    await this.ready();
    if (this.#fatal) throw this.#fatal;
    if (this.#state !== "ready") {
      throw new TypeError(
        `Cannot begin a transaction as the producer is ${this.#state} (one at a time)`,
      );
    }
    this.#state = "in transaction";
    this.#abortable = null;
  }

  /**
   * Before a produce request goes: v1 adds the batches' partitions that are not yet in the
   * transaction (one AddPartitionsToTxn for all of them); v2 only notes them.
   */
  async addPartitions(batches: readonly ProducerBatch[]): Promise<void> {
    if (this.#fatal) throw this.#fatal;
    const fresh: { topic: string; partition: number; key: string }[] = [];
    const waits: Promise<void>[] = [];
    for (const b of batches) {
      const key = `${b.topic}\u0000${b.partition}`;
      if (this.#partitions.has(key)) continue;
      const pending = this.#adding.get(key);
      if (pending !== undefined) waits.push(pending);
      else if (!fresh.some((f) => f.key === key)) {
        fresh.push({ topic: b.topic, partition: b.partition, key });
      }
    }
    if (fresh.length > 0) {
      if (this.#v2) {
        for (const f of fresh) this.#partitions.add(f.key);
      } else {
        const adding = this.#addPartitionsV1(fresh);
        for (const f of fresh) this.#adding.set(f.key, adding);
        waits.push(adding);
        // The batches' send awaits `adding` below; the map entry only dedups concurrent sends.
        adding.then(
          () => fresh.forEach((f) => this.#partitions.add(f.key)),
          () => {},
        ).finally(() => fresh.forEach((f) => this.#adding.delete(f.key)));
      }
    }
    await Promise.all(waits);
  }

  async #addPartitionsV1(parts: { topic: string; partition: number }[]): Promise<void> {
    const ctx = this.#ctx;
    const topics = new Map<string, number[]>();
    for (const p of parts) {
      let list = topics.get(p.topic);
      if (list === undefined) topics.set(p.topic, list = []);
      list.push(p.partition);
    }
    await this.#coordinatorCall(
      "AddPartitionsToTxn",
      "transaction",
      (conn) =>
        conn.request(API_TABLE[24], {
          // Clients speak v3 at most: v4+ batches transactions for brokers (KIP-890).
          v3AndBelowTransactionalId: this.transactionalId,
          v3AndBelowProducerId: ctx.producerId,
          v3AndBelowProducerEpoch: ctx.producerEpoch,
          v3AndBelowTopics: [...topics].map(([name, partitions]) => ({ name, partitions })),
        }, { version: Math.min(3, conn.versions.version(24)) }),
      (r) => {
        let code = r.errorCode ?? 0;
        for (const t of r.resultsByTopicV3AndBelow ?? []) {
          for (const p of t.resultsByPartition) {
            // OPERATION_NOT_ATTEMPTED only says another partition failed.
            if (p.partitionErrorCode !== 0 && p.partitionErrorCode !== 55) {
              code = p.partitionErrorCode;
            }
          }
        }
        return code;
      },
    );
  }

  /**
   * Commits the group's offsets in the open transaction, fenced by the member's generation and
   * id (KIP-447): a member that lost its partitions in a rebalance cannot commit them.
   */
  async sendOffsets(offsets: readonly TransactionOffset[], group: GroupMetadata): Promise<void> {
    if (this.#fatal) throw this.#fatal;
    if (this.#state !== "in transaction") {
      throw this.#abortable ?? new TypeError(
        `Cannot send offsets as the producer is ${this.#state}, not in a transaction`,
      );
    }
    const ctx = this.#ctx;
    try {
      if (!this.#v2) {
        await this.#coordinatorCall(
          "AddOffsetsToTxn",
          "transaction",
          (conn) =>
            conn.request(API_TABLE[25], {
              transactionalId: this.transactionalId,
              producerId: ctx.producerId,
              producerEpoch: ctx.producerEpoch,
              groupId: group.groupId,
            }),
          (r) => r.errorCode,
        );
      }
      this.#offsetsSent = true;
      const topics = new Map<string, TransactionOffset[]>();
      for (const o of offsets) {
        let list = topics.get(o.topic);
        if (list === undefined) topics.set(o.topic, list = []);
        list.push(o);
      }
      await this.#coordinatorCall(
        "TxnOffsetCommit",
        "group",
        (conn) =>
          conn.request(API_TABLE[28], {
            transactionalId: this.transactionalId,
            groupId: group.groupId,
            producerId: ctx.producerId,
            producerEpoch: ctx.producerEpoch,
            generationId: group.generationId,
            memberId: group.memberId,
            groupInstanceId: group.groupInstanceId ?? null,
            topics: [...topics].map(([name, list]) => ({
              name,
              partitions: list.map((o) => ({
                partitionIndex: o.partition,
                committedOffset: BigInt(o.offset),
                committedLeaderEpoch: -1,
                committedMetadata: o.metadata ?? null,
              })),
            })),
          }, { version: this.#v2 ? undefined : Math.min(4, conn.versions.version(28)) }),
        (r) => {
          let code = 0;
          for (const t of r.topics) for (const p of t.partitions) code ||= p.errorCode;
          return code;
        },
        group.groupId,
      );
    } catch (e) {
      if (!this.#fatal) this.failed(e instanceof Error ? e : new Error(String(e)));
      throw e;
    }
  }

  /** Flushes (by `flush`), then commits with EndTxn; throws, leaving it to abort, after a failure. */
  async commit(flush: () => Promise<void>): Promise<void> {
    if (this.#fatal) throw this.#fatal;
    if (this.#state !== "in transaction" && this.#state !== "abortable") {
      throw new TypeError(`Cannot commit as the producer is ${this.#state}, not in a transaction`);
    }
    this.#state = "committing";
    try {
      await flush();
    } catch (e) {
      this.failed(e instanceof Error ? e : new Error(String(e)));
    }
    await Promise.allSettled(this.#adding.values());
    if (this.#fatal) throw this.#fatal;
    if (this.#abortable) {
      this.#state = "abortable";
      throw this.#mustAbort("commit");
    }
    try {
      await this.#endTxn(true);
    } catch (e) {
      if (!this.#fatal) this.#state = "abortable";
      throw e;
    }
  }

  /**
   * Aborts the open transaction: records not yet sent fail with `error`, records in flight are
   * awaited, then EndTxn aborts what reached the log.
   */
  async abort(): Promise<void> {
    if (this.#fatal) throw this.#fatal;
    if (
      this.#state !== "in transaction" && this.#state !== "abortable" &&
      this.#state !== "committing"
    ) {
      throw new TypeError(`Cannot abort as the producer is ${this.#state}, not in a transaction`);
    }
    this.#state = "aborting";
    const ctx = this.#ctx;
    const error = new KafkaError(ErrorCode.TRANSACTION_ABORTABLE, { api: "Produce" }, {
      message: "The transaction was aborted before the record was sent",
    });
    // Batches are failed where they wait; one in flight is awaited, and one that comes back to
    // be retried is failed the next time round.
    while (ctx.bufferedRecords > 0) {
      for (const ld of ctx.leaderDispatchers.values()) ld.expire(Date.now(), error);
      await Promise.race([ctx.idle(), sleep(20)]);
    }
    await Promise.allSettled(this.#adding.values());
    if (this.#fatal) throw this.#fatal;
    await this.#endTxn(false);
  }

  async #endTxn(commit: boolean): Promise<void> {
    const ctx = this.#ctx;
    const sent = this.#partitions.size > 0 || this.#offsetsSent;
    const id = ctx.producerId, epoch = ctx.producerEpoch;
    if (sent) {
      const res = await this.#coordinatorCall(
        "EndTxn",
        "transaction",
        (conn) =>
          conn.request(API_TABLE[26], {
            transactionalId: this.transactionalId,
            producerId: ctx.producerId,
            producerEpoch: ctx.producerEpoch,
            committed: commit,
          }, { version: this.#v2 ? undefined : Math.min(4, conn.versions.version(26)) }),
        (r) =>
          // An abort that fails as abortable would loop: it ends the producer.
          !commit && r.errorCode === ErrorCode.TRANSACTION_ABORTABLE
            ? ErrorCode.INVALID_TXN_STATE
            : r.errorCode,
      );
      if (this.#v2 && res.producerId !== undefined && res.producerId >= 0n) {
        // KIP-890: each transaction ends with a new epoch; sequences start again from 0.
        ctx.producerId = res.producerId;
        ctx.producerEpoch = res.producerEpoch ?? ctx.producerEpoch;
      }
    }
    if (!this.#v2 && !commit) {
      // v1: batches failed or dropped in the aborted transaction leave gaps in sequences; a
      // bumped epoch (KIP-360) starts every partition from 0.
      await this.#initProducerId(ctx.producerId, ctx.producerEpoch);
    }
    // Sequences start from 0 only under a new epoch: under the same one, a batch numbered 0 again
    // would be taken by the broker for a duplicate of the first and dropped. Under v2 with
    // nothing sent, no partition has a batch under this epoch yet, so 0 is right.
    if (
      ctx.producerId !== id || ctx.producerEpoch !== epoch || (this.#v2 && !sent && !commit)
    ) {
      for (const ld of ctx.leaderDispatchers.values()) ld.restartSequences();
    }
    this.#partitions.clear();
    this.#offsetsSent = false;
    this.#abortable = null;
    this.#state = "ready";
  }

  /**
   * One request to the transaction (or group) coordinator, sent again on retriable answers and
   * lost connections (after looking the coordinator up again when it moved), until maxBlockMs.
   * Fatal answers end the producer; others throw as they are.
   */
  async #coordinatorCall<Res>(
    api: string,
    type: CoordinatorType,
    send: (conn: Awaited<ReturnType<ProducerContext["client"]["connection"]>>) => Promise<Res>,
    codeOf: (res: Res) => number,
    key: string = this.transactionalId,
  ): Promise<Res> {
    const ctx = this.#ctx;
    const deadline = Date.now() + ctx.options.maxBlockMs;
    let backoff = Math.min(20, ctx.options.retryBackoffMs);
    for (;;) {
      let error: KafkaError;
      try {
        const node = await ctx.client.coordinator(key, type);
        const conn = await ctx.client.connection(node, "group");
        const res = await send(conn);
        const code = codeOf(res);
        if (code === 0) return res;
        error = new KafkaError(code, { api }, { retriable: RETRY.has(code) });
        if (STALE.has(code)) ctx.client.forgetCoordinator(key, type);
      } catch (e) {
        if (!(e instanceof KafkaError) || !e.retriable) throw e;
        // A lost connection: the coordinator may have moved.
        ctx.client.forgetCoordinator(key, type);
        error = e;
      }
      if (FATAL.has(error.code)) this.#fail(error);
      if (!error.retriable || Date.now() + backoff > deadline) throw error;
      await sleep(backoff, ctx.stop.signal);
      backoff = Math.min(backoff * 2, ctx.options.retryBackoffMs * 10);
    }
  }

  /** The error for `what` in a transaction that failed: its cause is the first failure. */
  #mustAbort(what: string): KafkaError {
    const cause = this.#abortable;
    return new KafkaError(ErrorCode.TRANSACTION_ABORTABLE, { api: "EndTxn" }, {
      message: `Cannot ${what} as the transaction failed (abort it): ${cause?.message}`,
      cause,
    });
  }

  #fail(error: KafkaError): void {
    this.#fatal ??= error;
    this.#state = "fatal";
  }
}

/** The cluster's finalized `transaction.version`, from a fresh ApiVersions answer (0 if none). */
async function transactionVersion(
  conn: Awaited<ReturnType<ProducerContext["client"]["connection"]>>,
): Promise<number> {
  const res = await conn.request(API_TABLE[18], {
    clientSoftwareName: KANAL_SOFTWARE_NAME,
    clientSoftwareVersion: KANAL_VERSION,
  });
  const f = res.finalizedFeatures?.find((x) => x.name === "transaction.version");
  return f?.maxVersionLevel ?? 0;
}

/** Whether the broker speaks the request versions transactions v2 need. */
function supportsV2(versions: ApiVersionTable): boolean {
  try {
    return versions.version(0) >= 12 && versions.version(26) >= 5 && versions.version(28) >= 5;
  } catch {
    return false;
  }
}
