// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Sarama's retryHandler: one per producer, takes failed batches back to their partitions.
 *
 * @module
 */

import type { StageHandle } from "../net/stage_registry.ts";
import type { ProducerBatch } from "./_producer_batch.ts";
import type { LeaderDispatcher } from "./leader_dispatcher.ts";
import { emit, type Observer } from "../observe/kafka_event.ts";
import { checkFault } from "./_stage_fault.ts";

/** A batch that failed, with the dispatcher it goes back to. */
export interface FailedBatch {
  readonly batch: ProducerBatch;
  readonly leader: LeaderDispatcher;
  readonly error: Error;
}

/**
 * Takes failed batches from the flushers and hands each back to its partition's
 * leaderDispatcher, which decides whether it goes again (and makes sure it goes before anything
 * newer) or fails for good.
 *
 * Every broker's flusher writes into it through one shared writer (the producer's
 * `ProducerContext.retries`) and awaits each write, so a failure here reaches the flusher, which
 * fails the batch with the producer. The cycle flusher → retryHandler → leaderDispatcher →
 * messageAggregator → flusher cannot deadlock: this sink hands a batch on at once and never
 * waits on a flusher. What waits here is bounded too, since a retried batch stays charged to the
 * producer's buffer budget (`maxBufferedRecords`, `maxBufferedBytes`) until it is delivered or
 * failed, and new records wait for that budget.
 *
 * @example Made by the producer, one per producer
 * ```ts ignore
 * producer.stages().find((s) => s.name === "retryHandler");
 * ```
 */
export class RetryHandler extends WritableStream<FailedBatch> {
  /** Its entry in the stage dump. */
  readonly stage: StageHandle;

  /** Makes the stage; `observe` gets a `retry` event per failed batch. */
  constructor(stage: StageHandle, observe?: Observer) {
    super({
      write: ({ batch, leader, error }) => {
        checkFault("retryHandler");
        const { topic, partition, attempts } = batch;
        emit(observe, { type: "retry", topic, partition, records: batch.count, attempts, error });
        this.stage.add("batches", 1);
        this.stage.add("records", batch.count);
        leader.failed(batch, error);
        this.stage.set("idle");
      },
    });
    this.stage = stage;
    stage.counters.batches = 0;
    stage.counters.records = 0;
    stage.set("idle");
  }

  /** Stops the stage once what is queued is handled, closing it through its `writer`. */
  async stop(writer: WritableStreamDefaultWriter<FailedBatch>): Promise<void> {
    this.stage.close();
    // Errored by a failure, it has already failed the producer (ctx.fatal) and the batches
    // written into it (by their flushers): closing it has nothing more to report.
    await writer.close().catch(() => {});
  }
}
