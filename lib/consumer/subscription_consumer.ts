// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Sarama's brokerConsumer subscriptionConsumer: one per broker, one long-poll Fetch at a time
 * for every partition of that broker that has room.
 *
 * @module
 */

import { emit } from "../observe/kafka_event.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import type { FetchRequestTopic, FetchResponse } from "../protocol/messages/fetch.ts";
import type { KafkaRecord } from "../protocol/record.ts";
import type { RecordBatch } from "../protocol/record_batch.ts";
import { decodeRecordBatches } from "../protocol/record_batch_decoder.ts";
import type { StageHandle } from "../net/stage_registry.ts";
import type { ConsumerContext } from "./_consumer_context.ts";
import { FetchSession, type SessionPartition } from "./_fetch_session.ts";
import type { PartitionConsumer } from "./partition_consumer.ts";
import { sleep } from "../util/sleep.ts";

/** One partition's share of a fetch. */
export interface PartitionFetch {
  readonly consumer: PartitionConsumer;
  /** The partition's generation when the fetch was sent; stale answers are dropped. */
  readonly generation: number;
  /** Its records, or the error it got. */
  readonly records?: KafkaRecord[];
  readonly nextOffset?: number;
  readonly highWatermark?: number;
  /** The last stable offset under read_committed (what lag counts to); -1 otherwise. */
  readonly stableOffset?: number;
  /** What its records hold on to: fetched bytes, plus the decompressed size of compressed batches. */
  readonly bytes?: number;
  /** The leader epoch of the last batch its records came from (KIP-320's lastFetchedEpoch). */
  readonly lastEpoch?: number;
  /** Where a leader epoch other than the one before began, as `[offset, epoch]` pairs; or null. */
  readonly epochs?: readonly number[] | null;
  /** The broker found its log diverged from what was read (KIP-320): where, and at what epoch. */
  readonly diverging?: { readonly epoch: number; readonly endOffset: number };
  /** The leader named a replica to fetch it from instead (KIP-392's preferredReadReplica). */
  readonly readReplica?: number;
  readonly error?: unknown;
}

/** The results of one fetch. */
export type FetchResult = readonly PartitionFetch[];

const FETCH_SESSION_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.FETCH_SESSION_ID_NOT_FOUND,
  ErrorCode.INVALID_FETCH_SESSION_EPOCH,
  ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR,
]);

/**
 * A `ReadableStream` of fetch results for one broker, pulled by that broker's
 * subscriptionManager. Each pull sends one Fetch covering every subscribed partition that has
 * room in its buffer (a partition whose reader is behind is left out, so it never holds up the
 * rest), using a fetch session (KIP-227) where the broker offers one, then decodes each
 * partition's batches: records before the fetch offset, control records and (with
 * `read_committed`) aborted transactions are dropped. When no partition has room it waits to
 * be woken.
 *
 * Each partition's bytes are copied out of the response before decoding when the response
 * holds more than one partition, so a slow partition keeps only its own bytes alive, not the
 * whole response.
 *
 * @example Made by the consumer, one per broker
 * ```ts ignore
 * consumer.stages().filter((s) => s.name === "subscriptionConsumer");
 * ```
 */
export class SubscriptionConsumer extends ReadableStream<FetchResult> {
  /** The broker. */
  readonly broker: number;
  /** Its entry in the stage dump. */
  readonly stage: StageHandle;
  readonly #ctx: ConsumerContext;
  readonly #session: FetchSession;
  #subscriptions: () => Iterable<PartitionConsumer> = () => [];
  #wake: (() => void) | undefined;
  #woken = false;
  #cancelled = false;

  /** Makes the stage for `broker`. */
  constructor(ctx: ConsumerContext, broker: number, stage: StageHandle) {
    const ref: { self?: SubscriptionConsumer } = {};
    super({
      pull: async (controller) => {
        const self = ref.self!;
        for (;;) {
          if (self.#cancelled) return;
          self.#woken = false;
          const wanted = [...self.#subscriptions()].filter((pc) => pc.wantsData());
          if (wanted.length === 0) {
            self.stage.set("waiting for input");
            await self.#sleep();
            continue;
          }
          const result = await self.#fetch(wanted);
          if (self.#cancelled) return;
          controller.enqueue(result);
          return;
        }
      },
      cancel: () => {
        const self = ref.self!;
        self.#cancelled = true;
        self.#wake?.();
        self.stage.close();
      },
    }, { highWaterMark: 0 });
    ref.self = this;
    this.#ctx = ctx;
    this.broker = broker;
    this.stage = stage;
    this.#session = new FetchSession(ctx.options.fetchSessions);
    stage.counters.fetches = 0;
    stage.counters.bytes = 0;
  }

  /** Tells it where the broker's subscriptions are (the manager does, once). */
  watch(subscriptions: () => Iterable<PartitionConsumer>): void {
    this.#subscriptions = subscriptions;
  }

  /** Makes a waiting pull look again (a partition was added or made room). */
  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  async #fetch(wanted: PartitionConsumer[]): Promise<FetchResult> {
    const ctx = this.#ctx;
    const o = ctx.options;
    const meta = ctx.client.metadata;
    const byKey = new Map<
      string,
      { pc: PartitionConsumer; generation: number; offset: number; epoch: number }
    >();
    const parts: SessionPartition[] = [];
    for (const pc of wanted) {
      const { offset, leaderEpoch, lastFetchedEpoch } = pc.fetchPosition();
      const topicId = meta.topics.get(pc.topic)?.topicId ?? "";
      parts.push({
        topicId,
        topic: pc.topic,
        partition: pc.partition,
        offset,
        leaderEpoch,
        lastFetchedEpoch,
        maxBytes: o.maxPartitionBytes,
      });
      byKey.set(`${pc.topic}\u0000${pc.partition}`, {
        pc,
        generation: pc.generation,
        offset,
        epoch: lastFetchedEpoch,
      });
    }
    const plan = this.#session.plan(parts);
    const topics = new Map<string, FetchRequestTopic>();
    for (const p of plan.send) {
      let t = topics.get(p.topic);
      if (t === undefined) {
        topics.set(p.topic, t = { topic: p.topic, topicId: p.topicId, partitions: [] });
      }
      t.partitions.push({
        partition: p.partition,
        currentLeaderEpoch: p.leaderEpoch,
        fetchOffset: BigInt(p.offset),
        lastFetchedEpoch: p.lastFetchedEpoch,
        logStartOffset: -1n,
        partitionMaxBytes: p.maxBytes,
      });
    }
    const forgotten = new Map<string, { topic: string; topicId: string; partitions: number[] }>();
    for (const p of plan.forget) {
      let f = forgotten.get(p.topic);
      if (f === undefined) {
        forgotten.set(p.topic, f = { topic: p.topic, topicId: p.topicId, partitions: [] });
      }
      f.partitions.push(p.partition);
    }
    this.stage.set("request in flight");
    this.stage.add("fetches", 1);
    let res: FetchResponse;
    try {
      const conn = await ctx.client.connection(this.broker, "fetch");
      const version = conn.versions.version(API_TABLE[1].info.key);
      if (version < 12) {
        // lastFetchedEpoch is v12+ (KIP-320): an older broker checks positions only through
        // OffsetForLeaderEpoch, which the partition does after a leader change.
        for (const t of topics.values()) for (const p of t.partitions) p.lastFetchedEpoch = -1;
      }
      res = await conn.request(API_TABLE[1], {
        replicaId: -1,
        maxWaitMs: o.maxWaitMs,
        minBytes: o.minBytes,
        maxBytes: o.maxBytes,
        isolationLevel: o.isolationLevel === "read_committed" ? 1 : 0,
        sessionId: plan.sessionId,
        sessionEpoch: plan.epoch,
        topics: [...topics.values()],
        forgottenTopicsData: [...forgotten.values()],
        rackId: o.rack,
      }, { version, timeoutMs: o.maxWaitMs + ctx.client.options.requestTimeoutMs });
    } catch (e) {
      this.#session.reset();
      this.stage.set("retrying");
      // Cut short by close; the failed partitions below are then dropped with the consumer.
      await sleep(o.retryBackoffMs, ctx.stop.signal).catch(() => {});
      return wanted.map((pc) => ({
        consumer: pc,
        generation: byKey.get(`${pc.topic}\u0000${pc.partition}`)!.generation,
        error: e,
      }));
    }
    const top = res.errorCode ?? 0;
    if (top !== 0) {
      this.#session.reset();
      if (FETCH_SESSION_ERRORS.has(top)) return []; // the next pull starts a new session
      const err = new KafkaError(top, { api: "Fetch", broker: this.broker });
      return wanted.map((pc) => ({ consumer: pc, generation: pc.generation, error: err }));
    }
    this.#session.answered(plan, res.sessionId ?? 0);
    const results: PartitionFetch[] = [];
    const names = new Map(parts.map((p) => [p.topicId, p.topic]));
    const withData = res.responses.reduce(
      (n, t) => n + t.partitions.filter((p) => p.records?.length).length,
      0,
    );
    for (const t of res.responses) {
      // From v13 answers name topics by id only (the name field decodes as its default, "").
      const topic = t.topic || names.get(t.topicId ?? "");
      if (topic === undefined) continue;
      for (const p of t.partitions) {
        const entry = byKey.get(`${topic}\u0000${p.partitionIndex}`);
        if (entry === undefined) continue; // answered for a partition no longer wanted
        const { pc, generation, offset, epoch } = entry;
        if (p.errorCode !== 0) {
          if (p.currentLeader && (p.currentLeader.leaderId ?? -1) >= 0) {
            ctx.client.hintLeader(
              topic,
              p.partitionIndex,
              p.currentLeader.leaderId!,
              p.currentLeader.leaderEpoch ?? -1,
              res.nodeEndpoints,
            );
          }
          results.push({
            consumer: pc,
            generation,
            error: new KafkaError(p.errorCode, {
              api: "Fetch",
              broker: this.broker,
              topic,
              partition: p.partitionIndex,
            }),
          });
          continue;
        }
        const div = p.divergingEpoch;
        if (div !== undefined && ((div.epoch ?? -1) >= 0 || (div.endOffset ?? -1n) >= 0n)) {
          // KIP-320: the log no longer holds what was read; the partition decides by policy.
          results.push({
            consumer: pc,
            generation,
            diverging: { epoch: div.epoch ?? -1, endOffset: Number(div.endOffset ?? -1n) },
          });
          continue;
        }
        const replica = p.preferredReadReplica ?? -1;
        if (replica >= 0 && replica !== this.broker) {
          // KIP-392: the leader sends no records then; the partition moves to that replica.
          results.push({ consumer: pc, generation, readReplica: replica });
          continue;
        }
        const hw = Number(p.highWatermark);
        let bytes = p.records ?? new Uint8Array(0);
        // Keep only this partition's bytes alive, not the whole response.
        if (withData > 1 && bytes.length > 0) bytes = bytes.slice();
        try {
          const decoded = await decodeRecordBatches(bytes, {
            checkCrc: o.checkCrc,
            maxDecompressedBytes: o.maxDecompressedBytes,
          });
          const { records, nextOffset, expanded, lastEpoch, epochs } = select(
            decoded.batches,
            offset,
            o.isolationLevel === "read_committed" ? p.abortedTransactions ?? [] : null,
            epoch,
          );
          results.push({
            consumer: pc,
            generation,
            records,
            nextOffset,
            lastEpoch,
            epochs,
            highWatermark: hw,
            stableOffset: o.isolationLevel === "read_committed"
              ? Number(p.lastStableOffset ?? -1n)
              : -1,
            // The budget holds what the records keep alive: a zstd batch can decompress to
            // many times its size, so its decompressed records count too.
            bytes: decoded.bytesConsumed + expanded,
          });
          this.stage.add("bytes", decoded.bytesConsumed);
          const observe = ctx.client.options.observe;
          if (observe) {
            emit(observe, {
              type: "fetch",
              broker: this.broker,
              topic,
              partition: p.partitionIndex,
              records: records.length,
              bytes: decoded.bytesConsumed,
              highWatermark: hw,
            });
          }
        } catch (e) {
          results.push({ consumer: pc, generation, error: e });
        }
      }
    }
    this.stage.set("waiting for input");
    return results;
  }

  #sleep(): Promise<void> {
    if (this.#woken) return Promise.resolve();
    return new Promise((resolve) => {
      this.#wake = () => {
        this.#wake = undefined;
        resolve();
      };
    });
  }
}

/**
 * The records a reader at `offset` should see from `batches`, and where the next fetch starts.
 * Control batches (transaction markers) are skipped. With `aborted` (read_committed), batches of
 * transactions that were aborted are skipped: a producer's transactional batches from an aborted
 * transaction's first offset are dropped until its abort marker. `epochs` lists where a leader
 * epoch other than `epoch` (the one read before) began, for the epochs committed with offsets.
 */
function select(
  batches: readonly RecordBatch[],
  offset: number,
  aborted: readonly { producerId: bigint; firstOffset: bigint }[] | null,
  epoch: number,
): {
  records: KafkaRecord[];
  nextOffset: number;
  expanded: number;
  lastEpoch: number;
  epochs: number[] | null;
} {
  const records: KafkaRecord[] = [];
  let next = offset;
  let lastEpoch = -1;
  let epochs: number[] | null = null;
  let prev = epoch;
  let expanded = 0;
  const pending = aborted === null
    ? []
    : [...aborted].sort((a, b) => Number(a.firstOffset - b.firstOffset));
  const abortedProducers = new Set<bigint>();
  for (const b of batches) {
    const last = Number(b.lastOffset);
    if (last < offset) continue;
    while (pending.length > 0 && pending[0]!.firstOffset <= b.lastOffset) {
      abortedProducers.add(pending.shift()!.producerId);
    }
    if (b.isControl) {
      if (b.controlMarker?.type === "abort") abortedProducers.delete(b.producerId);
    } else if (!(aborted !== null && b.isTransactional && abortedProducers.has(b.producerId))) {
      const compressed = b.compression !== "none";
      for (const r of b.records) {
        if (r.offset < offset) continue;
        records.push(r);
        if (compressed) expanded += recordBytes(r);
      }
    }
    if (last + 1 > next) next = last + 1;
    lastEpoch = b.partitionLeaderEpoch;
    if (lastEpoch !== prev) {
      (epochs ??= []).push(Math.max(Number(b.baseOffset), offset), lastEpoch);
      prev = lastEpoch;
    }
  }
  return { records, nextOffset: next, expanded, lastEpoch, epochs };
}

/** The bytes a decoded record's key, value and headers take. */
function recordBytes(r: KafkaRecord): number {
  let n = (r.key?.length ?? 0) + (r.value?.length ?? 0);
  for (const h of r.headers) n += h.key.length + (h.value?.length ?? 0);
  return n;
}
