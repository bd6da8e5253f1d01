// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The producer: Sarama's AsyncProducer and SyncProducer as a pipeline of stream stages.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import type { StageSnapshot } from "../net/stage_registry.ts";
import { unrefTimer } from "../util/unref_timer.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { formatStages } from "../net/stage_registry.ts";
import { ProducerContext } from "./_producer_context.ts";
import { defaultPartitioner } from "./default_partitioner.ts";
import { Flusher } from "./flusher.ts";
import { LeaderDispatcher } from "./leader_dispatcher.ts";
import { MessageAggregator } from "./message_aggregator.ts";
import { PartitionDispatcher } from "./partition_dispatcher.ts";
import { ProduceError } from "./produce_error.ts";
import { type ProducerOptions, resolveProducerOptions } from "./producer_options.ts";
import type { DeliveryReport, ProducerRecord } from "./producer_record.ts";
import { RetryHandler } from "./retry_handler.ts";
import { TopicDispatcher } from "./topic_dispatcher.ts";
import {
  type GroupMetadata,
  TransactionManager,
  type TransactionOffset,
  type TransactionState,
} from "./transaction_manager.ts";

const STAGE_NAMES: ReadonlySet<string> = new Set([
  "topicDispatcher",
  "partitionDispatcher",
  "leaderDispatcher",
  "messageAggregator",
  "flusher",
  "retryHandler",
]);

let producers = 0;

/**
 * Produces records to Kafka through Sarama's stages as web streams:
 * topicDispatcher → partitionDispatcher (per topic) → leaderDispatcher (per partition) →
 * messageAggregator (per broker) → flusher (per broker), with one retryHandler. Records move
 * between stages in runs and batches, never one chunk per record.
 *
 * Three ways in:
 * - `producer.writable`: a `WritableStream` of records or arrays of records. A write resolves
 *   once its records are buffered; when `maxBufferedRecords` or `maxBufferedBytes` is reached,
 *   writes wait (backpressure), at most `maxBlockMs`. Failures (a bad record in a write
 *   included) go to `onError`, or are thrown by the next `flush()` or `close()` as a
 *   {@linkcode ProduceError}; the stream stays usable.
 * - `producer.transform()`: records in, one array of {@linkcode DeliveryReport}s out per chunk,
 *   in order, for `pipeThrough`.
 * - `await producer.send(record)`: the record's report (it throws the error if the record
 *   failed); `send(records)` resolves with every report. `send` does not wait for `lingerMs`.
 *
 * Delivery is idempotent by default (acks `all`, a producer id and per-partition sequence
 * numbers): a retry never appends an acknowledged record twice or reorders a partition's records
 * (docs/reliability.md has the rules, and what a timed-out record may still be). `close()`, the
 * `signal` option and `await using` deliver what is buffered (writes queued in `writable`
 * included) and stop every stage.
 *
 * With `transactionalId`, records are sent only inside transactions (`transaction()`, or
 * `beginTransaction()` … `commitTransaction()` / `abortTransaction()`), which read_committed
 * readers see whole or not at all; `sendOffsetsToTransaction()` commits a group's offsets in the
 * same transaction (docs/transactions.md).
 *
 * @example Send a record and read its offset
 * ```ts ignore
 * import { Client } from "../client/client.ts";
 * import { Producer } from "./producer.ts";
 *
 * await using client = await Client.connect({ brokers: "127.0.0.1:9092" });
 * await using producer = new Producer(client);
 * const report = await producer.send({ topic: "orders", key: "o-1", value: "{\"total\":42}" });
 * console.log(report.partition, report.offset);
 * ```
 */
export class Producer implements AsyncDisposable {
  /** Records in: the producer's topicDispatcher stage. */
  readonly writable: WritableStream<ProducerRecord | readonly ProducerRecord[]>;
  readonly #head: TopicDispatcher;
  readonly #ctx: ProducerContext;
  readonly #id: number;
  readonly #sweep: ReturnType<typeof setInterval>;
  #closing: Promise<void> | undefined;
  #aborted = false;

  /**
   * Makes a producer on `client`.
   *
   * @throws {TypeError} or {RangeError} for bad options, naming the option.
   */
  constructor(client: Client, options: ProducerOptions = {}) {
    const o = resolveProducerOptions(options);
    this.#id = ++producers;
    const ctx = new ProducerContext(client, o, o.partitioner ?? defaultPartitioner());
    this.#ctx = ctx;
    if (o.transactionalId !== undefined) {
      ctx.txn = new TransactionManager(ctx, o.transactionalId);
    }
    const registry = client.registry;
    const role = `producer ${this.#id}`;
    ctx.retryHandler = new RetryHandler(
      registry.register("retryHandler", role),
      client.options.observe,
    );
    ctx.retries = ctx.retryHandler.getWriter();
    ctx.factory = {
      partitionDispatcher: (topic) =>
        new PartitionDispatcher(
          ctx,
          topic,
          registry.register("partitionDispatcher", `${role}, topic ${topic}`),
        ),
      leaderDispatcher: (topic, partition) =>
        new LeaderDispatcher(
          ctx,
          topic,
          partition,
          registry.register("leaderDispatcher", `${role}, ${topic}/${partition}`),
        ),
      brokerStages: (broker) => {
        const aggregator = new MessageAggregator(
          ctx,
          broker,
          registry.register("messageAggregator", `${role}, broker ${broker}`),
        );
        const flusher = new Flusher(
          ctx,
          broker,
          registry.register("flusher", `${role}, broker ${broker}`),
        );
        // Ends when the aggregator is stopped (shutdown): the pipe then closes the flusher, which
        // waits for its answers. A stage that fails has already failed the plan it held and the
        // producer (ctx.fatal); the pipe's rejection carries that error, and fatal() makes sure
        // every record still held fails with it.
        const done = aggregator.pipeTo(flusher).catch((e) => {
          ctx.fatal("messageAggregator → flusher", e);
        });
        return { aggregator, flusher, done };
      },
    };
    this.#head = new TopicDispatcher(ctx, registry.register("topicDispatcher", role));
    this.writable = this.#head;
    // Fail what has waited past the delivery timeout (a partition with no leader, say).
    this.#sweep = setInterval(() => {
      const now = Date.now();
      for (const ld of ctx.leaderDispatchers.values()) ld.expire(now);
    }, 1000);
    // Housekeeping only: a producer left open must not keep the process alive.
    unrefTimer(this.#sweep);
    o.signal?.addEventListener("abort", () => this.#abort(o.signal!.reason), { once: true });
    client.signal.addEventListener("abort", () => this.#abort(client.signal.reason), {
      once: true,
    });
    // A signal aborted already fires no event: the producer closes at once.
    if (o.signal?.aborted) this.#abort(o.signal.reason);
    else if (client.signal.aborted) this.#abort(client.signal.reason);
  }

  /**
   * Sends one record and resolves with its report once it is delivered, without waiting for
   * `lingerMs`.
   *
   * @throws the record's error (usually a {@linkcode KafkaError}) if it was not delivered.
   */
  send(record: ProducerRecord<unknown, unknown>): Promise<DeliveryReport>;
  /** Sends records and resolves with one report per record, in order; failures carry `error`. */
  send(records: readonly ProducerRecord<unknown, unknown>[]): Promise<DeliveryReport[]>;
  async send(
    input: ProducerRecord<unknown, unknown> | readonly ProducerRecord<unknown, unknown>[],
  ): Promise<DeliveryReport | DeliveryReport[]> {
    const one = !Array.isArray(input);
    const records = one
      ? [input as ProducerRecord<unknown, unknown>]
      : input as ProducerRecord<unknown, unknown>[];
    const { delivered } = await this.#head.submit(records, true, true);
    const reports = (await delivered)!;
    if (!one) return reports;
    const r = reports[0]!;
    if (r.error) throw r.error;
    return r;
  }

  /**
   * A `TransformStream` from records (or arrays of records) to delivery reports: one array of
   * reports per chunk, in chunk order, each once all its records are delivered or failed.
   */
  transform(): TransformStream<ProducerRecord | readonly ProducerRecord[], DeliveryReport[]> {
    let chain: Promise<void> = Promise.resolve();
    const head = this.#head;
    return new TransformStream({
      async transform(chunk, controller) {
        const records = Array.isArray(chunk) ? chunk : [chunk as ProducerRecord];
        const { delivered } = await head.submit(records, true, false);
        chain = chain.then(() => delivered.then((r) => controller.enqueue(r!)));
        // Bound the reports waiting to be read: a reader that stops reading stops the input.
        if ((controller.desiredSize ?? 0) < -16) await chain;
      },
      flush() {
        return chain;
      },
    });
  }

  /**
   * Sends everything buffered without waiting for `lingerMs` and resolves once it is delivered.
   *
   * @throws {ProduceError} when records written through `writable` failed since the last flush
   * (and no `onError` handler took them).
   */
  async flush(): Promise<void> {
    const ctx = this.#ctx;
    ctx.flushing++;
    try {
      // Writes still queued in `writable` count as sent before the flush.
      await this.#head.submitted();
      ctx.wakeAll();
      await ctx.idle();
    } finally {
      ctx.flushing--;
    }
    this.#throwFailures();
  }

  /**
   * Finds the transaction coordinator and gets the producer id (a producer with
   * `transactionalId` only): this fences any older producer with the same id and aborts its
   * open transaction, so offsets it left pending become readable. `beginTransaction()` does it
   * too when needed; call it first when reading those offsets comes before (see `exactlyOnce`).
   */
  initTransactions(): Promise<void> {
    return this.#txn("initialize transactions").ready();
  }

  /**
   * Starts a transaction (a producer with `transactionalId` only). The first call finds the
   * transaction coordinator and gets the producer id, which fences any older producer with the
   * same id and aborts its open transaction.
   *
   * @throws {KafkaError} PRODUCER_FENCED (or another fatal error) once the producer is fenced;
   * {TypeError} when a transaction is open already or the producer is not transactional.
   */
  beginTransaction(): Promise<void> {
    return this.#txn("begin a transaction").begin();
  }

  /**
   * Delivers everything written in the transaction, then commits it: read_committed readers see
   * its records and its offsets take effect, all at once.
   *
   * @throws {KafkaError} TRANSACTION_ABORTABLE when a record in it failed (the cause says which):
   * call {@linkcode Producer.abortTransaction} then; PRODUCER_FENCED and other fatal errors when
   * the producer can do nothing more but close.
   */
  commitTransaction(): Promise<void> {
    return this.#txn("commit").commit(() => this.flush());
  }

  /**
   * Aborts the open transaction: records not yet sent fail, records sent are never seen by
   * read_committed readers, offsets sent in it are dropped.
   *
   * @throws {KafkaError} PRODUCER_FENCED and other fatal errors.
   */
  abortTransaction(): Promise<void> {
    return this.#txn("abort").abort();
  }

  /**
   * Commits a consumer group's offsets in the open transaction, with the member's group metadata
   * so a member fenced by a rebalance cannot commit (KIP-447). `offset` is the next offset to
   * read. Any failure makes the transaction abortable.
   */
  sendOffsetsToTransaction(
    offsets: readonly TransactionOffset[],
    group: GroupMetadata,
  ): Promise<void> {
    return this.#txn("send offsets").sendOffsets(offsets, group);
  }

  /**
   * Runs `body` in a transaction: commits when it returns, aborts when it throws (and rethrows).
   * `body` gets this producer; what it sends and the offsets it sends are the transaction.
   *
   * @example Two records, committed together
   * ```ts ignore
   * await using producer = new Producer(client, { transactionalId: "tx-1" });
   * await producer.transaction(async (tx) => {
   *   await tx.send([{ topic: "a", value: "1" }, { topic: "b", value: "2" }]);
   * });
   * ```
   */
  async transaction<T>(body: (tx: Producer) => Promise<T> | T): Promise<T> {
    await this.beginTransaction();
    let result: T;
    try {
      result = await body(this);
      await this.commitTransaction();
    } catch (e) {
      const txn = this.#ctx.txn!;
      if (txn.state !== "fatal" && txn.state !== "ready") {
        try {
          await txn.abort();
        } catch (abortError) {
          throw new AggregateError([e, abortError], "The transaction failed and its abort too", {
            cause: e,
          });
        }
      }
      throw e;
    }
    return result;
  }

  /** Where a transactional producer is; `undefined` without `transactionalId`. */
  get transactionState(): TransactionState | undefined {
    return this.#ctx.txn?.state;
  }

  #txn(what: string): TransactionManager {
    const txn = this.#ctx.txn;
    if (txn === undefined) {
      throw new TypeError(`Cannot ${what} as the producer has no transactionalId`);
    }
    return txn;
  }

  /** Records and bytes accepted and not yet delivered. */
  get buffered(): { records: number; bytes: number; peakRecords: number } {
    const c = this.#ctx;
    return {
      records: c.bufferedRecords,
      bytes: c.bufferedBytes,
      peakRecords: c.peakBufferedRecords,
    };
  }

  /** This producer's live stages. */
  stages(): StageSnapshot[] {
    const role = `producer ${this.#id}`;
    return this.#ctx.client.stages().filter((s) =>
      STAGE_NAMES.has(s.name) && (s.role === role || s.role.startsWith(`${role},`))
    );
  }

  /** This producer's live stages as a table. */
  dumpStages(): string {
    return formatStages(this.stages());
  }

  /**
   * Delivers what is buffered (or fails it, after `deliveryTimeoutMs`), then stops every stage.
   * Writes after `close()` throw. With `timeoutMs`, what is not delivered by then and not in
   * flight fails with a retriable REQUEST_TIMED_OUT {@linkcode KafkaError} (a request in flight
   * still gets its answer, within `requestTimeoutMs`).
   *
   * @throws {ProduceError} when records written through `writable` failed and no `onError`
   * handler took them.
   */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    const ms = options.timeoutMs;
    if (ms !== undefined && !(ms >= 0)) {
      throw new RangeError(
        `Cannot close the producer as timeoutMs must be a number from 0: current value is ${ms}`,
      );
    }
    this.#closing ??= this.#shutdown();
    if (ms !== undefined && ms !== Infinity) {
      const timer = setTimeout(() => this.#giveUp(ms), ms);
      const clear = () => clearTimeout(timer);
      // Only clears the timer: the caller gets the close's own outcome from the promise returned.
      this.#closing.then(clear, clear);
    }
    return this.#closing;
  }

  /** Closes the producer, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #shutdown(): Promise<void> {
    const ctx = this.#ctx;
    const txn = ctx.txn;
    if (txn !== undefined && (txn.state === "in transaction" || txn.state === "abortable")) {
      // An open transaction is not committed by close: it is aborted, and if that fails the
      // coordinator aborts it after transactionTimeoutMs, so losing the error loses nothing.
      await txn.abort().catch(() => {});
    }
    ctx.flushing++;
    ctx.wakeAll();
    // Writes already queued in `writable` are delivered too; new writes are refused from here.
    await this.#head.submitted();
    const idle = ctx.idle();
    ctx.closed = true;
    await idle;
    clearInterval(this.#sweep);
    await Promise.all([...ctx.brokers.values()].map(async (s) => {
      s.aggregator.stop();
      await s.done;
      s.flusher.stage.close();
    }));
    // Each stage closes the writers it holds, from the head down; every write has been handled.
    await this.#head.stop();
    await Promise.all([...ctx.partitionDispatchers.values()].map((pd) => pd.stop()));
    for (const ld of ctx.leaderDispatchers.values()) ld.stop();
    await ctx.retryHandler.stop(ctx.retries);
    // `writable` itself: refused from here. A writer the user holds keeps it locked (they close
    // it), and a stream errored by a failed stage stays so: nothing in either is left to report.
    await this.#head.close().catch(() => {});
    if (!this.#aborted) this.#throwFailures();
  }

  /** close()'s timeout passed: what is not delivered and not in flight fails, typed. */
  #giveUp(ms: number): void {
    const ctx = this.#ctx;
    if (ctx.aborted !== null) return;
    const error = new KafkaError(ErrorCode.REQUEST_TIMED_OUT, { api: "Produce" }, {
      retriable: true,
      message: `Not delivered within close's timeoutMs (${ms} ms)`,
    });
    ctx.aborted = error;
    ctx.stop.abort(error);
    for (const ld of ctx.leaderDispatchers.values()) ld.expire(Date.now(), error);
  }

  /** Fails everything not yet sent and closes. */
  #abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    const ctx = this.#ctx;
    ctx.closed = true;
    const error = reason instanceof Error ? reason : new Error(String(reason));
    ctx.aborted = error;
    ctx.stop.abort(error);
    for (const ld of ctx.leaderDispatchers.values()) ld.expire(Date.now(), error);
    // The caller sees this close's outcome from their own close() (the same promise); the
    // records' failures went to their reports. Here it only must not go unhandled.
    this.close().catch(() => {});
  }

  #throwFailures(): void {
    const ctx = this.#ctx;
    if (ctx.failureCount === 0) return;
    const err = new ProduceError(ctx.failures, ctx.failureCount);
    ctx.failures = [];
    ctx.failureCount = 0;
    throw err;
  }
}
