// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The shareFetcher stage: one per broker, one ShareFetch at a time on that broker's share
 * session, acknowledgements riding along.
 *
 * @module
 */

import { ErrorCode } from "../protocol/error_codes.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import type { ShareFetchResponse } from "../protocol/messages/share_fetch.ts";
import type { ShareAcknowledgeResponse } from "../protocol/messages/share_acknowledge.ts";
import type { KafkaRecord } from "../protocol/record.ts";
import { decodeRecordBatches } from "../protocol/record_batch_decoder.ts";
import type { StageHandle } from "../net/stage_registry.ts";
import type { AssignedPartition, ShareContext } from "./_share_context.ts";
import { type SessionPlan, ShareSession } from "./_share_session.ts";
import { ShareChunk } from "./share_chunk.ts";
import { sleep } from "../util/sleep.ts";

// The broker no longer knows this session, or not at this epoch: open a new one.
const SESSION_GONE: ReadonlySet<number> = new Set([
  ErrorCode.SHARE_SESSION_NOT_FOUND,
  ErrorCode.INVALID_SHARE_SESSION_EPOCH,
]);

// Partition errors after which the partition's leader is looked up again.
const RELOCATE: ReadonlySet<number> = new Set([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.UNKNOWN_TOPIC_ID,
  ErrorCode.KAFKA_STORAGE_ERROR,
]);

/**
 * A `ReadableStream` of the chunks one broker hands this member: each pull sends one ShareFetch
 * for every assigned partition the broker leads (again until one acquires records), on the
 * member's share session with that broker, carrying the acknowledgements that wait for it.
 * Acknowledgements made while no fetch is due go alone in a ShareAcknowledge. Requests on the
 * session never overlap, as each one's epoch follows the last.
 *
 * SHARE_SESSION_NOT_FOUND and INVALID_SHARE_SESSION_EPOCH (a broker restart, a lost request)
 * open a new session (counter `sessionReopens`); SHARE_SESSION_LIMIT_REACHED backs off before
 * trying again; acknowledgements the broker refuses go to the consumer (counter `ackErrors`).
 * Only the offsets the broker says it acquired for this member are handed out; offsets in them
 * without a data record (transaction markers, compacted records) are acknowledged as gaps.
 *
 * @example Made by the share consumer, one per broker
 * ```ts ignore
 * consumer.stages().filter((s) => s.name === "shareFetcher");
 * ```
 */
export class ShareFetcher extends ReadableStream<ShareChunk[]> {
  /** The broker. */
  readonly broker: number;
  /** Its entry in the stage dump. */
  readonly stage: StageHandle;
  readonly #ctx: ShareContext;
  readonly #session: ShareSession = new ShareSession();
  #busy: Promise<unknown> = Promise.resolve();
  #inFlight = 0;
  /** A fetch is about to go or in flight: acknowledgements made now can ride on it. */
  #fetchDue = false;
  #ackTimer: ReturnType<typeof setTimeout> | undefined;
  #wake: (() => void) | undefined;
  #cancelled = false;

  /** Makes the stage for `broker`. */
  constructor(ctx: ShareContext, broker: number, stage: StageHandle) {
    const ref: { self?: ShareFetcher } = {};
    super({
      pull: async (controller) => {
        const self = ref.self!;
        try {
          for (;;) {
            if (self.#cancelled || ctx.closed) return;
            const wanted = ctx.partitionsOf(self.broker);
            if (wanted.length === 0) {
              // No fetch is coming: what gets acknowledged meanwhile goes alone.
              self.#fetchDue = false;
              if (self.#session.hasAcks) self.#ackSoon();
              self.stage.set("waiting for input");
              await new Promise<void>((r) => self.#wake = r);
              continue;
            }
            self.#fetchDue = true;
            const chunks = await self.#exclusive(() => self.#fetch(wanted));
            if (self.#cancelled || ctx.closed) {
              // Nobody will read these: back to the broker with the session's close.
              for (const c of chunks) c.release();
              return;
            }
            if (chunks.length > 0) {
              controller.enqueue(chunks);
              return;
            }
          }
        } finally {
          self.#fetchDue = false;
          if (self.#session.hasAcks) self.#ackSoon();
        }
      },
      cancel: () => {
        const self = ref.self!;
        self.#cancelled = true;
        self.#wake?.();
      },
    }, { highWaterMark: 0 });
    ref.self = this;
    this.#ctx = ctx;
    this.broker = broker;
    this.stage = stage;
    stage.counters.fetches = 0;
    stage.counters.acquired = 0;
    stage.counters.acknowledged = 0;
  }

  /** Makes a waiting pull look at the assignment again. */
  wake(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  /** Queues acknowledgements for this broker; sent with the next fetch, or alone soon. */
  acknowledge(topicId: string, partition: number, offsets: number[], types: number[]): void {
    this.#session.acknowledge(topicId, partition, offsets, types);
    this.#ackSoon();
  }

  /** Sends what waits now, alone, and resolves once the broker answered. */
  flush(): Promise<void> {
    return this.#exclusive(async () => {
      if (this.#session.hasAcks && this.#session.epoch > 0) await this.#acknowledge(false);
    });
  }

  /**
   * Closes the session (ShareAcknowledge at epoch -1, carrying what waits): the broker releases
   * every record still acquired in it. Waits for a fetch in flight first.
   */
  closeSession(): Promise<void> {
    clearTimeout(this.#ackTimer);
    return this.#exclusive(async () => {
      if (this.#session.epoch > 0) await this.#acknowledge(true);
      this.#session.reset();
      this.stage.close();
    });
  }

  /** Runs `fn` once every earlier request on the session has been answered. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#busy.then(() => {
      this.#inFlight++;
      return fn().finally(() => {
        this.#inFlight--;
        // Acknowledged while this request was out, with no fetch to carry them: send them.
        if (this.#session.hasAcks && !this.#fetchDue) this.#ackSoon();
      });
    });
    // The chain only orders requests; each caller gets (and handles) its own outcome.
    this.#busy = run.catch(() => {});
    return run;
  }

  /** Acknowledgements made while no fetch is due go alone, once the current turn ends. */
  #ackSoon(): void {
    if (this.#ackTimer !== undefined) return;
    this.#ackTimer = setTimeout(() => {
      this.#ackTimer = undefined;
      // A fetch due or a request out picks them up, or calls again when it ends.
      if (this.#fetchDue || this.#inFlight > 0 || this.#ctx.closed) return;
      if (!this.#session.hasAcks || this.#session.epoch <= 0) return;
      this.#exclusive(() => this.#acknowledge(false)).catch((e) => this.#ctx.fail(e));
    }, 0);
  }

  async #acknowledge(final: boolean): Promise<void> {
    const plan = this.#session.planAcknowledge(final);
    const ctx = this.#ctx;
    this.stage.set("request in flight");
    let res: ShareAcknowledgeResponse;
    try {
      res = await ctx.client.request(this.broker, API_TABLE[79], {
        groupId: ctx.options.groupId,
        memberId: ctx.memberId,
        shareSessionEpoch: plan.epoch,
        topics: topicsOf(plan),
      }, { kind: "fetch" });
    } catch (e) {
      // The broker may not have seen it: those records come back when their locks end.
      this.stage.add("acksLost", plan.acks);
      if (final || ctx.closed || plan.acks === 0) return;
      this.#ackError(
        e instanceof KafkaError ? e : new KafkaError(ErrorCode.NETWORK_EXCEPTION, {
          api: "ShareAcknowledge",
          broker: this.broker,
        }, { message: `The acknowledgements may be lost: ${e}`, cause: e }),
      );
      return;
    } finally {
      this.stage.set("waiting for input");
    }
    if (res.errorCode !== 0) {
      if (SESSION_GONE.has(res.errorCode)) {
        this.#reopen(plan.acks);
        return;
      }
      if (!final) {
        this.#ackError(
          new KafkaError(res.errorCode, {
            api: "ShareAcknowledge",
            broker: this.broker,
            detail: res.errorMessage,
          }),
        );
      }
      return;
    }
    this.#session.answered(plan);
    this.stage.add("acknowledged", plan.acks);
    for (const t of res.responses) {
      for (const p of t.partitions) {
        if (p.errorCode !== 0) {
          this.#partitionAckError(
            t.topicId,
            p.partitionIndex,
            p.errorCode,
            "ShareAcknowledge",
            p.errorMessage,
          );
        }
      }
    }
  }

  async #fetch(wanted: readonly AssignedPartition[]): Promise<ShareChunk[]> {
    const ctx = this.#ctx;
    const o = ctx.options;
    const plan = this.#session.planFetch(wanted);
    this.stage.set("request in flight");
    this.stage.add("fetches", 1);
    let res: ShareFetchResponse;
    const sent = Date.now();
    try {
      res = await ctx.client.request(this.broker, API_TABLE[78], {
        groupId: o.groupId,
        memberId: ctx.memberId,
        shareSessionEpoch: plan.epoch,
        maxWaitMs: o.maxWaitMs,
        minBytes: o.minBytes,
        maxBytes: o.maxBytes,
        maxRecords: o.maxRecords,
        batchSize: o.maxRecords,
        shareAcquireMode: o.acquireMode === "record_limit" ? 1 : 0,
        topics: topicsOf(plan),
        forgottenTopicsData: groupByTopic(plan.forget).map(([topicId, ps]) => ({
          topicId,
          partitions: ps.map((p) => p.partition),
        })),
      }, { kind: "fetch", timeoutMs: o.maxWaitMs + ctx.client.options.requestTimeoutMs });
    } catch (e) {
      // A dropped connection need not have lost the session: keep it, and let the broker say
      // (SHARE_SESSION_NOT_FOUND after a restart) when a new one is needed.
      this.stage.add("acksLost", plan.acks);
      if (e instanceof KafkaError && !e.retriable && e.code !== ErrorCode.REQUEST_TIMED_OUT) {
        ctx.fail(e);
        return [];
      }
      this.stage.set("retrying");
      this.stage.add("retries", 1);
      await sleep(o.retryBackoffMs);
      return [];
    }
    const top = res.errorCode;
    if (top !== 0) {
      if (SESSION_GONE.has(top)) {
        this.#reopen(plan.acks);
        return [];
      }
      const err = new KafkaError(top, {
        api: "ShareFetch",
        broker: this.broker,
        detail: res.errorMessage,
      });
      this.#session.reset();
      if (
        top === ErrorCode.SHARE_SESSION_LIMIT_REACHED || err.retriable ||
        top === ErrorCode.UNKNOWN_MEMBER_ID
      ) {
        this.stage.set("retrying");
        this.stage.add("retries", 1);
        await sleep(
          top === ErrorCode.SHARE_SESSION_LIMIT_REACHED ? o.retryBackoffMs * 4 : o.retryBackoffMs,
        );
        return [];
      }
      ctx.fail(err);
      return [];
    }
    this.#session.answered(plan);
    this.stage.add("acknowledged", plan.acks);
    const deadline = sent + res.acquisitionLockTimeoutMs;
    const names = new Map(wanted.map((p) => [p.topicId, p.topic]));
    const chunks: ShareChunk[] = [];
    for (const t of res.responses) {
      for (const p of t.partitions) {
        if (p.acknowledgeErrorCode !== 0) {
          this.#partitionAckError(
            t.topicId,
            p.partitionIndex,
            p.acknowledgeErrorCode,
            "ShareFetch",
            p.acknowledgeErrorMessage,
          );
        }
        if (p.errorCode !== 0) {
          this.stage.add("partitionErrors", 1);
          if ((p.currentLeader?.leaderId ?? -1) >= 0 && names.has(t.topicId)) {
            ctx.client.hintLeader(
              names.get(t.topicId)!,
              p.partitionIndex,
              p.currentLeader.leaderId,
              p.currentLeader.leaderEpoch,
              res.nodeEndpoints,
            );
          }
          const err = new KafkaError(p.errorCode, {
            api: "ShareFetch",
            broker: this.broker,
            topic: names.get(t.topicId),
            partition: p.partitionIndex,
            detail: p.errorMessage,
          });
          if (RELOCATE.has(p.errorCode) || err.retriable) ctx.relocate(t.topicId, p.partitionIndex);
          else ctx.fail(err);
          continue;
        }
        if (p.acquiredRecords.length === 0) continue;
        const topic = names.get(t.topicId);
        const chunk = await this.#chunk(
          t.topicId,
          topic ?? "",
          p.partitionIndex,
          p.records,
          p.acquiredRecords,
          deadline,
        );
        if (chunk !== undefined) {
          // Acquired for a partition no longer assigned here: give it straight back.
          if (topic === undefined) chunk.release();
          else chunks.push(chunk);
        }
      }
    }
    this.stage.set("waiting for input");
    return chunks;
  }

  /** The acquired records of one partition as a chunk; offsets without a record are gaps. */
  async #chunk(
    topicId: string,
    topic: string,
    partition: number,
    bytes: Uint8Array | null,
    acquired: readonly { firstOffset: bigint; lastOffset: bigint; deliveryCount: number }[],
    deadline: number,
  ): Promise<ShareChunk | undefined> {
    const o = this.#ctx.options;
    let data: KafkaRecord[] = [];
    if (bytes !== null && bytes.length > 0) {
      const decoded = await decodeRecordBatches(bytes, {
        checkCrc: o.checkCrc,
        maxDecompressedBytes: o.maxDecompressedBytes,
      }).catch((e) => {
        this.#ctx.fail(e);
        return undefined;
      });
      if (decoded === undefined) return undefined;
      for (const b of decoded.batches) {
        if (!b.isControl) {
          for (const r of b.records) data.push(r);
        }
      }
    }
    const records: KafkaRecord[] = [];
    const counts: number[] = [];
    const gaps: number[] = [];
    let i = 0;
    for (const range of acquired) {
      const first = Number(range.firstOffset);
      const last = Number(range.lastOffset);
      while (i < data.length && data[i]!.offset < first) i++;
      let next = first;
      while (i < data.length && data[i]!.offset <= last) {
        const r = data[i++]!;
        for (; next < r.offset; next++) gaps.push(next);
        records.push(r);
        counts.push(range.deliveryCount);
        next = r.offset + 1;
      }
      for (; next <= last; next++) gaps.push(next);
    }
    data = [];
    this.stage.add("acquired", records.length);
    if (gaps.length > 0) this.acknowledge(topicId, partition, gaps, new Array(gaps.length).fill(0));
    if (records.length === 0) return undefined;
    return new ShareChunk(topic, topicId, partition, records, counts, deadline, this);
  }

  #reopen(dropped: number): void {
    this.stage.add("sessionReopens", 1);
    this.stage.add("acksLost", dropped + this.#session.reset());
  }

  #partitionAckError(
    topicId: string,
    partition: number,
    code: number,
    api: string,
    detail?: string | null,
  ): void {
    const topic = this.#ctx.partitionsOf(this.broker).find((p) => p.topicId === topicId)?.topic;
    this.#ackError(new KafkaError(code, { api, broker: this.broker, topic, partition, detail }));
  }

  #ackError(error: KafkaError): void {
    this.stage.add("ackErrors", 1);
    this.#ctx.ackFailed(error);
  }
}

function groupByTopic<T extends { topicId: string }>(parts: readonly T[]): [string, T[]][] {
  const m = new Map<string, T[]>();
  for (const p of parts) {
    let l = m.get(p.topicId);
    if (l === undefined) m.set(p.topicId, l = []);
    l.push(p);
  }
  return [...m];
}

function topicsOf(plan: SessionPlan): {
  topicId: string;
  partitions: {
    partitionIndex: number;
    acknowledgementBatches: SessionPlan["send"][number]["batches"];
  }[];
}[] {
  return groupByTopic(plan.send).map(([topicId, ps]) => ({
    topicId,
    partitions: ps.map((p) => ({ partitionIndex: p.partition, acknowledgementBatches: p.batches })),
  }));
}
