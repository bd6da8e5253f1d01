// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Sarama's flusher: one per broker, sends produce requests and reads their answers.
 *
 * @module
 */

import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import type {
  ProduceRequestTopicProduceData,
  ProduceResponse,
} from "../protocol/messages/produce.ts";
import type { StageHandle } from "../net/stage_registry.ts";
import type { ProducerContext } from "./_producer_context.ts";
import { emitProduceEvents } from "./_produce_events.ts";
import { acksValue } from "./producer_options.ts";
import type { ProducePlan } from "./message_aggregator.ts";
import type { ProducerBatch } from "./_producer_batch.ts";
import type { LeaderDispatcher } from "./leader_dispatcher.ts";
import { checkFault } from "./_stage_fault.ts";

/**
 * The sink of one broker's messageAggregator. Each write sends one produce request on the
 * broker's produce connection and resolves as soon as it is sent, not answered, so up to
 * `maxInFlight` requests are outstanding; past that a write waits, which stops the aggregator
 * pulling (the in-flight limit is this stage's backpressure).
 *
 * Answers are handled as they come: each partition's batch is acknowledged to its
 * leaderDispatcher, or its failure goes to the retryHandler. A failed request (connection lost,
 * timeout) fails every batch in it, retriably.
 *
 * @example Made by the producer, one per broker
 * ```ts ignore
 * producer.stages().filter((s) => s.name === "flusher");
 * ```
 */
export class Flusher extends WritableStream<ProducePlan> {
  /** The broker's node id. */
  readonly broker: number;
  /** Its entry in the stage dump. */
  readonly stage: StageHandle;
  readonly #ctx: ProducerContext;
  #controller!: WritableStreamDefaultController;
  #inFlight = 0;
  #slot: (() => void) | undefined;
  #drained: (() => void) | undefined;

  /** Makes the stage for `broker`. */
  constructor(ctx: ProducerContext, broker: number, stage: StageHandle) {
    const ref: { controller?: WritableStreamDefaultController } = {};
    super({
      // Runs inside super(), before `this` exists.
      start: (controller) => {
        ref.controller = controller;
      },
      write: (plan) =>
        this.#send(plan).catch((e) => {
          // This stage failed: the plan's batches fail with the producer, and the stream errors
          // (the pipe from the aggregator reports it too).
          const error = this.#ctx.fatal("flusher", e);
          this.#abandon(plan, error);
          throw error;
        }),
      close: () => this.#drain(),
    }, { highWaterMark: 1 });
    this.#controller = ref.controller!;
    this.#ctx = ctx;
    this.broker = broker;
    this.stage = stage;
    stage.counters.inFlight = 0;
    stage.counters.requests = 0;
    stage.set("waiting for input");
  }

  async #send(plan: ProducePlan): Promise<void> {
    const ctx = this.#ctx;
    const o = ctx.options;
    checkFault("flusher");
    if (this.#inFlight >= o.maxInFlight) {
      this.stage.set("backpressured");
      await new Promise<void>((r) => this.#slot = r);
    }
    // Compressed batches may still be finishing (an asynchronous codec).
    const topics = new Map<string, ProduceRequestTopicProduceData>();
    try {
      for (const b of plan.batches) {
        const records = await b.bytes!;
        let t = topics.get(b.topic);
        if (t === undefined) topics.set(b.topic, t = { name: b.topic, partitionData: [] });
        t.partitionData.push({ index: b.partition, records });
      }
      // A transaction's partitions join it before their first batch (transactions v1).
      if (ctx.txn !== undefined) await ctx.txn.addPartitions(plan.batches);
    } catch (e) {
      this.#failAll(plan, e instanceof Error ? e : new Error(String(e)));
      return;
    }
    const acks = acksValue(o.acks);
    this.#inFlight++;
    this.stage.counters.inFlight = this.#inFlight;
    this.stage.add("requests", 1);
    this.stage.set("request in flight");
    let sent: Promise<ProduceResponse | undefined>;
    const observe = ctx.client.options.observe, started = observe ? performance.now() : 0;
    try {
      const conn = await ctx.client.connection(this.broker, "produce");
      sent = conn.request(API_TABLE[0], {
        transactionalId: ctx.txn?.transactionalId ?? null,
        acks,
        timeoutMs: o.requestTimeoutMs,
        topicData: [...topics.values()],
      }, {
        expectResponse: acks !== 0,
        timeoutMs: o.requestTimeoutMs + 5000,
        // Produce v12 adds partitions to a transaction by itself: only under transactions v2.
        version: ctx.txn !== undefined && !ctx.txn.v2
          ? Math.min(11, conn.versions.version(0))
          : undefined,
      });
    } catch (e) {
      sent = Promise.reject(e);
    }
    const report = (res: ProduceResponse | undefined, e?: unknown) =>
      observe &&
      emitProduceEvents(observe, this.broker, plan.batches, performance.now() - started, res, e);
    // The answer is handled apart from the stream's writes (so more requests go meanwhile); its
    // handling settles every batch of the plan, and its slot is freed once the retryHandler has
    // taken the failed ones.
    sent.then(
      (res) => (report(res), this.#answered(plan, res)),
      (
        e,
      ) => (report(undefined, e),
        this.#failAll(plan, e instanceof Error ? e : new Error(String(e)))),
    ).catch((e) => {
      // Handling the answer threw (a malformed answer the codec let through, say): this stage
      // cannot go on. The plan's unsettled batches fail with the producer; the stream errors.
      const error = this.#ctx.fatal("flusher", e);
      this.#abandon(plan, error);
      this.#controller.error(error);
    }).finally(() => {
      this.#inFlight--;
      this.stage.counters.inFlight = this.#inFlight;
      if (this.#inFlight === 0) {
        this.stage.set("waiting for input");
        this.#drained?.();
      }
      const slot = this.#slot;
      this.#slot = undefined;
      slot?.();
    });
  }

  #answered(plan: ProducePlan, res: ProduceResponse | undefined): Promise<void> | undefined {
    const ctx = this.#ctx;
    if (res === undefined) {
      // acks none: sent is all there is; offsets are unknown.
      for (let i = 0; i < plan.batches.length; i++) {
        plan.leaders[i]!.acked(plan.batches[i]!, -1, -1);
      }
      return;
    }
    let retries: Promise<void>[] | undefined;
    const answers = new Map<
      string,
      Map<number, (typeof res.responses)[number]["partitionResponses"][number]>
    >();
    for (const t of res.responses) {
      const m = new Map<number, (typeof t.partitionResponses)[number]>();
      for (const p of t.partitionResponses) m.set(p.index, p);
      // Topics are named up to Produce v12; CLIENT_MAX_VERSIONS keeps kanal below v13's ids.
      answers.set(t.name ?? "", m);
    }
    for (let i = 0; i < plan.batches.length; i++) {
      const batch = plan.batches[i]!;
      const ld = plan.leaders[i]!;
      const p = answers.get(batch.topic)?.get(batch.partition);
      if (p === undefined) {
        (retries ??= []).push(this.#retry(
          batch,
          ld,
          new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, {
            api: "Produce",
            topic: batch.topic,
            partition: batch.partition,
          }, { retriable: true, message: "The broker's answer left this partition out" }),
        ));
        continue;
      }
      if (p.errorCode === 0) {
        ld.acked(batch, Number(p.baseOffset), Number(p.logAppendTimeMs ?? -1n));
        continue;
      }
      // A NOT_LEADER answer may name the new leader and its endpoint (KIP-951): use it
      // rather than waiting for a metadata refresh.
      const leader = p.currentLeader;
      if (leader && (leader.leaderId ?? -1) >= 0) {
        ctx.client.hintLeader(
          batch.topic,
          batch.partition,
          leader.leaderId!,
          leader.leaderEpoch ?? -1,
          res.nodeEndpoints,
        );
      } else {
        ctx.client.onPartitionError(p.errorCode, batch.topic);
      }
      (retries ??= []).push(this.#retry(
        batch,
        ld,
        new KafkaError(p.errorCode, {
          api: "Produce",
          broker: this.broker,
          topic: batch.topic,
          partition: batch.partition,
          detail: p.errorMessage ?? p.recordErrors?.[0]?.batchIndexErrorMessage ?? null,
        }),
      ));
    }
    return retries === undefined ? undefined : Promise.all(retries).then(() => {});
  }

  #failAll(plan: ProducePlan, error: Error): Promise<void> {
    const retries: Promise<void>[] = [];
    for (let i = 0; i < plan.batches.length; i++) {
      retries.push(this.#retry(plan.batches[i]!, plan.leaders[i]!, error));
    }
    return Promise.all(retries).then(() => {});
  }

  /**
   * Writes a failed batch into the retryHandler and resolves once it has taken it. If that stage
   * has failed, the batch fails with the producer's failure and this stream errors with it.
   * (The retryHandler hands the batch to its leaderDispatcher at once and never waits on a
   * flusher, so this wait cannot close the cycle flusher → retryHandler → leaderDispatcher →
   * aggregator → flusher into a deadlock.)
   */
  #retry(batch: ProducerBatch, ld: LeaderDispatcher, error: Error): Promise<void> {
    this.#ctx.retryHandler.stage.set("retrying");
    return this.#ctx.retries.write({ batch, leader: ld, error }).then(undefined, (e) => {
      const failure = this.#ctx.fatal("retryHandler", e);
      ld.abandon(batch, failure);
      this.#controller.error(failure);
    });
  }

  /** Fails the plan's batches that are still in flight with `error`. */
  #abandon(plan: ProducePlan, error: Error): void {
    for (let i = 0; i < plan.batches.length; i++) plan.leaders[i]!.abandon(plan.batches[i]!, error);
  }

  /** Waits for every request in flight to be answered. */
  #drain(): Promise<void> | void {
    if (this.#inFlight === 0) return;
    return new Promise((r) => this.#drained = r);
  }
}
