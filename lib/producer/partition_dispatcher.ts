// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Sarama's topicProducer: one per topic, picks each record's partition.
 *
 * @module
 */

import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import type { TopicInfo } from "../client/metadata_cache.ts";
import type { StageHandle } from "../net/stage_registry.ts";
import type { ProducerContext } from "./_producer_context.ts";
import { emptyRun, type RecordRun } from "./_record_run.ts";
import { sleep } from "../util/sleep.ts";
import { checkFault } from "./_stage_fault.ts";

/**
 * Takes one topic's records, waits for the topic's metadata when it is not yet known, picks a
 * partition for each record (its own `partition`, else the partitioner's choice) and hands each
 * partition's share to that partition's leaderDispatcher. Writes are handled in order, so a
 * topic whose metadata is slow to come holds back only its own records; while it is awaited, its
 * runs wait together, each up to `maxBlockMs` from its arrival.
 *
 * A topic that does not appear within `maxBlockMs` fails its records with
 * UNKNOWN_TOPIC_OR_PARTITION; a record naming a partition the topic lacks fails alone.
 *
 * @example Made by the producer, one per topic
 * ```ts ignore
 * producer.stages().filter((s) => s.name === "partitionDispatcher");
 * ```
 */
export class PartitionDispatcher extends WritableStream<RecordRun> {
  /** The topic. */
  readonly topic: string;
  /** Its entry in the stage dump. */
  readonly stage: StageHandle;
  readonly #ctx: ProducerContext;
  #controller!: WritableStreamDefaultController;
  /** The writer of each partition's leaderDispatcher, by partition: this stage is its one writer. */
  readonly #writers: WritableStreamDefaultWriter<RecordRun>[] = [];
  /** The last metadata refresh's failure while the topic is awaited, for the records' error. */
  #refreshError: Error | null = null;
  #availableOf: TopicInfo | undefined;
  /** Runs waiting for the topic's metadata, oldest first, each with its deadline. */
  #waiting: { run: RecordRun; deadline: number }[] = [];
  #available: readonly number[] = [];

  /** Makes the stage for `topic`. */
  constructor(ctx: ProducerContext, topic: string, stage: StageHandle) {
    const ref: { controller?: WritableStreamDefaultController } = {};
    super({
      // Runs inside super(), before `this` exists.
      start: (controller) => {
        ref.controller = controller;
      },
      write: (run) => this.#dispatch(run),
    });
    this.#controller = ref.controller!;
    this.#ctx = ctx;
    this.topic = topic;
    this.stage = stage;
    stage.set("waiting for input");
  }

  /** Closes the writers this stage holds, once what was written into them is handled. */
  async stop(): Promise<void> {
    this.stage.close();
    // A leaderDispatcher errored by a failure has already failed what it held, and the producer
    // with it (ctx.fatal): closing it has nothing more to report.
    await Promise.all(this.#writers.map((w) => w.close().catch(() => {})));
  }

  /**
   * The sink: a run is handed on (resolving once every partition's leaderDispatcher has taken its
   * share) or, while the topic's metadata is awaited, kept (resolving at once).
   */
  #dispatch(run: RecordRun): Promise<void> | undefined {
    checkFault("partitionDispatcher");
    const topic = this.#waiting.length === 0 ? this.#known() : undefined;
    if (topic === undefined) {
      // Unknown topic: the run waits with the others, each up to maxBlockMs from its arrival,
      // and the stream takes the next run at once (N writes wait together, not one after
      // another). Runs behind a waiting one wait too, so the topic's order holds.
      this.#waiting.push({ run, deadline: Date.now() + this.#ctx.options.maxBlockMs });
      // #awaitTopic handles every error itself, on the runs it holds.
      if (this.#waiting.length === 1) void this.#awaitTopic();
      return;
    }
    return this.#route(run, topic);
  }

  /**
   * Picks each record's partition and writes each partition's share into its leaderDispatcher
   * (the writes are made here, in order; the promise settles once all are taken, and never
   * rejects: a refused share is failed here).
   */
  #route(run: RecordRun, topic: TopicInfo): Promise<void> | undefined {
    const ctx = this.#ctx;
    const count = topic.partitions.length;
    const available = this.#availableFor(topic);
    const partitioner = ctx.partitioner;
    const runs = new Map<number, RecordRun>();
    for (let i = 0; i < run.records.length; i++) {
      const r = run.records[i]!;
      let p = r.partition;
      if (p === undefined) {
        try {
          p = partitioner.partition(this.topic, r.key ?? null, count, available, run.sizes[i]!);
        } catch (e) {
          // A partitioner that throws (functionPartitioner's RangeError) fails this record only.
          this.#failRecord(run, i, e instanceof Error ? e : new Error(String(e)));
          continue;
        }
        if (!(Number.isInteger(p) && p >= 0 && p < count)) {
          // A partitioner's bug, not the cluster's: the same answer would come again.
          this.#failRecord(
            run,
            i,
            new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { topic: this.topic }, {
              retriable: false,
              message: `The partitioner returned ${p}, not a partition from 0 to ${
                count - 1
              } of the topic's ${count}`,
            }),
          );
          continue;
        }
      } else if (p >= count) {
        this.#failRecord(
          run,
          i,
          new KafkaError(
            ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            { topic: this.topic, partition: p },
            {
              message: `Topic has ${count} partitions, so partition ${p} does not exist`,
            },
          ),
        );
        continue;
      }
      let out = runs.get(p);
      if (out === undefined) runs.set(p, out = emptyRun(run.at));
      out.records.push(r);
      out.deliveries.push(run.deliveries[i]!);
      out.indices.push(run.indices[i]!);
      out.sizes.push(run.sizes[i]!);
    }
    let writes: Promise<void>[] | undefined;
    for (const [p, out] of runs) (writes ??= []).push(this.#write(p, out));
    this.stage.add("records", run.records.length);
    this.stage.set("waiting for input");
    if (writes === undefined) return undefined;
    return writes.length === 1 ? writes[0] : Promise.all(writes).then(() => {});
  }

  /**
   * Writes a share into its partition's leaderDispatcher. If that stage has failed, the write is
   * refused: the share's records fail with the producer's failure, and this stream errors with
   * it, so the stage upstream sees it too.
   */
  #write(partition: number, out: RecordRun): Promise<void> {
    const ctx = this.#ctx;
    let writer = this.#writers[partition];
    if (writer === undefined) {
      writer = this.#writers[partition] = ctx.leaderDispatcher(this.topic, partition).getWriter();
    }
    return writer.write(out).then(undefined, (e) => {
      const error = ctx.fatal("leaderDispatcher", e);
      for (let i = 0; i < out.records.length; i++) this.#failRecord(out, i, error, partition);
      this.#controller.error(error);
    });
  }

  /**
   * The partitions with a leader, as one array per metadata snapshot: the sticky partitioner
   * re-checks its choice only when it is handed a new array.
   */
  #availableFor(topic: TopicInfo): readonly number[] {
    if (this.#availableOf !== topic) {
      this.#availableOf = topic;
      this.#available = topic.partitions.filter((p) => p.leader >= 0).map((p) => p.partition);
    }
    return this.#available;
  }

  #known(): TopicInfo | undefined {
    const t = this.#ctx.client.metadata.topics.get(this.topic);
    return t !== undefined && t.errorCode === 0 && t.partitions.length > 0 ? t : undefined;
  }

  /**
   * Refreshes metadata until the topic appears (then routes every waiting run, in order) or no
   * run waits any more: a run whose `maxBlockMs` has passed fails with
   * UNKNOWN_TOPIC_OR_PARTITION, and every run fails at once with the topic's own error when it is
   * one waiting will not fix. It handles every error itself, on the runs it holds.
   */
  async #awaitTopic(): Promise<void> {
    const ctx = this.#ctx;
    this.stage.set("retrying");
    for (let attempt = 0; this.#waiting.length > 0; attempt++) {
      const error = ctx.aborted;
      if (error === null) this.#expireWaiting();
      else {
        for (const { run } of this.#waiting.splice(0)) {
          for (let i = 0; i < run.records.length; i++) this.#failRecord(run, i, error);
        }
        break;
      }
      if (this.#waiting.length === 0) break;
      const left = this.#waiting[0]!.deadline - Date.now();
      // A failed or aborted refresh is one more try; the deadline and the abort bound them. Its
      // error goes into the records' error if the topic never comes.
      await ctx.client.refreshMetadata([this.topic], {
        timeoutMs: Math.max(1, left),
        signal: ctx.stop.signal,
      }).then(
        () => this.#refreshError = null,
        (e) => this.#refreshError = e instanceof Error ? e : new Error(String(e)),
      );
      const t = this.#known();
      if (t !== undefined) {
        // Every waiting run's writes are made now, in order, before any newer run's.
        await Promise.all(this.#waiting.splice(0).map(({ run }) => this.#route(run, t)));
        break;
      }
      // An error waiting will not fix (TOPIC_AUTHORIZATION_FAILED, INVALID_TOPIC_EXCEPTION)
      // fails the waiting runs at once with the topic's own error.
      const code = ctx.client.metadata.topics.get(this.topic)?.errorCode ?? 0;
      const topicError = code === 0 ? null : new KafkaError(code, {
        api: "Metadata",
        topic: this.topic,
      });
      if (topicError !== null && !topicError.retriable) {
        for (const { run } of this.#waiting.splice(0)) {
          for (let i = 0; i < run.records.length; i++) this.#failRecord(run, i, topicError);
        }
        break;
      }
      const wait = Math.min(
        ctx.options.retryBackoffMs * 2 ** Math.min(attempt, 5),
        this.#waiting[0]!.deadline - Date.now(),
      );
      // Rejects only when cut short by an abort, which the next round sees (and fails the runs).
      if (wait > 0) await sleep(wait, ctx.stop.signal).catch(() => {});
    }
    this.stage.set("waiting for input");
  }

  /** Fails the waiting runs whose deadline has passed; the others wait on. */
  #expireWaiting(): void {
    const now = Date.now();
    while (this.#waiting.length > 0 && this.#waiting[0]!.deadline <= now) {
      const { run } = this.#waiting.shift()!;
      const why = this.#refreshError;
      const error = new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { topic: this.topic }, {
        message: `Topic not in the cluster's metadata after ${this.#ctx.options.maxBlockMs} ms` +
          (why === null ? "" : ` (the last metadata refresh failed: ${why.message})`),
        cause: why ?? undefined,
      });
      for (let i = 0; i < run.records.length; i++) this.#failRecord(run, i, error);
    }
  }

  #failRecord(run: RecordRun, i: number, error: Error, partition = -1): void {
    run.deliveries[i]!.failed(
      run.indices[i]!,
      this.topic,
      run.records[i]!.partition ?? partition,
      run.records[i]!.timestamp ?? -1,
      error,
    );
    this.#ctx.release(1, run.sizes[i]!);
  }
}
