// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Consume, transform, produce, exactly once: each chunk of a claimed partition becomes one
 * transaction holding its output and its input offset (KIP-98, KIP-447).
 *
 * @module
 */

import type { RecordChunk } from "../consumer/record_chunk.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { sleep } from "../util/sleep.ts";
import type { GroupConsumer } from "../group/group_consumer.ts";
import type { Claim } from "../group/claim.ts";
import type { Producer } from "../producer/producer.ts";
import type { ProducerRecord } from "../producer/producer_record.ts";

/** TxnOffsetCommit answers that mean the member's generation (or member epoch) moved on. */
const FENCED: ReadonlySet<number> = new Set([
  ErrorCode.ILLEGAL_GENERATION,
  ErrorCode.UNKNOWN_MEMBER_ID,
  ErrorCode.FENCED_INSTANCE_ID,
  ErrorCode.STALE_MEMBER_EPOCH,
  ErrorCode.REBALANCE_IN_PROGRESS,
]);

/** Options for {@linkcode exactlyOnce}. */
export interface ExactlyOnceOptions {
  /** The input: a group member (give its consumer `isolationLevel: "read_committed"`). */
  readonly group: GroupConsumer;
  /** The output: a producer with a `transactionalId`. */
  readonly producer: Producer;
  /** The records one input chunk becomes (none is fine: its offset is still committed). */
  readonly transform: (
    chunk: RecordChunk,
  ) => readonly ProducerRecord[] | Promise<readonly ProducerRecord[]>;
  /** Stops taking chunks: the transaction under way commits, then the promise resolves. */
  readonly signal?: AbortSignal;
  /** Called after each committed transaction, with the chunk it came from. */
  readonly onCommit?: (chunk: RecordChunk) => void;
}

/**
 * Runs a consume-transform-produce loop exactly once: for each chunk a claimed partition yields,
 * one transaction sends `transform(chunk)` and commits the offset after the chunk for the group
 * (TxnOffsetCommit with the member's generation and id, so a member that lost the partition in
 * a rebalance cannot commit it). Chunks are never marked on the group, so the group's own
 * commits never move past a transaction. Transactions run one at a time on the producer.
 *
 * After a crash, the next member (with the same transactional id, whose first InitProducerId
 * aborts the crashed transaction) starts each partition at the last committed offset: the
 * chunks whose transaction did not commit are read and transformed again, and their earlier
 * output, aborted, is never seen by a read_committed reader. docs/transactions.md has the
 * failure model.
 *
 * Resolves when `signal` aborts or the group closes; rejects with the first error that is not
 * a lost partition (a fenced producer, say).
 *
 * @example Uppercase every value of "in" into "out", one chunk's worth
 * ```ts
 * import { Client } from "../client/client.ts";
 * import { FakeCluster } from "../testing/fake_cluster.ts";
 * import { GroupConsumer } from "../group/group_consumer.ts";
 * import { Producer } from "../producer/producer.ts";
 * import { exactlyOnce } from "./exactly_once.ts";
 * import assert from "node:assert/strict";
 *
 * await using cluster = await FakeCluster.start({
 *   topics: [{ name: "in", partitions: 1 }, { name: "out", partitions: 1 }],
 * });
 * await using client = await Client.connect({
 *   brokers: cluster.bootstrap,
 *   transport: cluster.transport,
 * });
 * {
 *   await using plain = new Producer(client);
 *   await plain.send([{ topic: "in", value: "a" }, { topic: "in", value: "b" }]);
 * }
 * await using producer = new Producer(client, { transactionalId: "upper-1" });
 * await using group = new GroupConsumer(client, {
 *   groupId: "upper",
 *   topics: ["in"],
 *   startOffset: "oldest",
 *   consumer: { isolationLevel: "read_committed" },
 * });
 * const stop = new AbortController();
 * const upper = (v: Uint8Array | null) => new TextDecoder().decode(v!).toUpperCase();
 * await exactlyOnce({
 *   group,
 *   producer,
 *   transform: (chunk) => chunk.records.map((r) => ({ topic: "out", value: upper(r.value) })),
 *   onCommit: () => stop.abort(), // one transaction is enough here
 *   signal: stop.signal,
 * });
 * // The output batch and its commit marker.
 * assert.deepEqual(cluster.partition("out", 0).log.batches.map((b) => b.control), [false, true]);
 * ```
 */
export async function exactlyOnce(options: ExactlyOnceOptions): Promise<void> {
  const { group, producer, transform, signal, onCommit } = options;
  let turn: Promise<unknown> = Promise.resolve();
  /** One transaction at a time on the producer, in the order chunks come. */
  const serially = <T>(f: () => Promise<T>): Promise<T> => {
    const next = turn.then(f, f);
    turn = next.catch(() => {}); // the caller of `next` gets its error; the queue goes on
    return next;
  };
  let failure: unknown;
  // Settles when the caller stops or a partition's loop fails: every read races it.
  let halt!: () => void;
  let stopping = false;
  const stopped = new Promise<void>((resolve) =>
    halt = () => {
      stopping = true;
      resolve();
    }
  );
  if (signal?.aborted) halt();
  signal?.addEventListener("abort", () => halt(), { once: true });

  const work = async (claim: Claim): Promise<void> => {
    const reader = claim.records.getReader();
    try {
      for (;;) {
        const next = await Promise.race([reader.read(), stopped.then(() => null)]);
        if (next === null || next.done || failure !== undefined || !claim.active) return;
        const chunk = next.value;
        if (chunk.records.length === 0) continue;
        const last = chunk.records[chunk.records.length - 1]!.offset;
        // The generation the chunk was read under fences its offsets: if a rebalance completes
        // before they are committed, the coordinator refuses them, the transaction aborts, and
        // a partition that moved is read again by its next owner from the committed offset.
        let generationId = group.generationId;
        for (;;) {
          try {
            await serially(() =>
              producer.transaction(async (tx) => {
                const out = await transform(chunk);
                if (out.length > 0) {
                  const reports = await tx.send(out);
                  const bad = reports.find((r) => r.error !== undefined);
                  if (bad) throw bad.error;
                }
                await tx.sendOffsetsToTransaction(
                  [{ topic: chunk.topic, partition: chunk.partition, offset: last + 1 }],
                  { groupId: group.groupId, generationId, memberId: group.memberId },
                );
              })
            );
            break;
          } catch (e) {
            // A partition given up in a rebalance: its transaction was aborted and the next
            // owner reads the chunk again.
            if (!claim.active) return;
            if (!(e instanceof KafkaError && FENCED.has(e.code))) throw e;
            // Still ours under a newer generation (a cooperative rebalance kept it, or a new
            // member epoch): once the member has it, the same chunk goes again, the output of
            // the aborted attempt never seen by read_committed readers.
            generationId = await nextGeneration(generationId, claim, e);
            if (generationId < 0) return;
          }
        }
        onCommit?.(chunk);
      }
    } finally {
      reader.cancel().catch(() => {}); // stopping: the claim's records are not wanted any more
    }
  };

  // First fence the previous owner of the transactional id: its open transaction is aborted, so
  // the offsets it left pending stop blocking the group's stable offset fetch.
  await producer.initTransactions();
  /** The member's generation once it differs from `stale`; -1 if the claim ends first. */
  const nextGeneration = async (stale: number, claim: Claim, cause: unknown): Promise<number> => {
    const deadline = Date.now() + 5 * 60_000;
    while (group.generationId === stale) {
      if (!claim.active || stopping) return -1;
      if (Date.now() > deadline) throw cause;
      await sleep(50);
    }
    return claim.active ? group.generationId : -1;
  };
  const workers: Promise<void>[] = [];
  const claims = group.claims.getReader();
  try {
    for (;;) {
      const next = await Promise.race([claims.read(), stopped.then(() => null)]);
      if (next === null || next.done || failure !== undefined) break;
      workers.push(
        work(next.value).catch((e) => {
          failure ??= e;
          halt();
        }),
      );
    }
  } finally {
    claims.releaseLock();
  }
  await Promise.all(workers);
  if (failure !== undefined) throw failure;
}
