// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * What a producer's stages share: the client, the options, the idempotent identity, the buffer
 * budget, the stage maps, and the coordination of epoch bumps. Private to lib/producer.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import { RecordBatchEncoder } from "../protocol/record_batch_encoder.ts";
import type { ResolvedProducerOptions } from "./producer_options.ts";
import type { DeliveryReport } from "./producer_record.ts";
import type { LeaderDispatcher } from "./leader_dispatcher.ts";
import type { PartitionDispatcher } from "./partition_dispatcher.ts";
import type { MessageAggregator } from "./message_aggregator.ts";
import type { Flusher } from "./flusher.ts";
import type { FailedBatch, RetryHandler } from "./retry_handler.ts";
import type { Partitioner } from "./partitioner.ts";
import type { TransactionManager } from "./transaction_manager.ts";
import { sleep } from "../util/sleep.ts";

const MAX_EPOCH = 32767;
const KEPT_FAILURES = 1000;

/** A broker's pair of stages: its aggregator piped into its flusher. */
export interface BrokerStages {
  readonly aggregator: MessageAggregator;
  readonly flusher: Flusher;
  /** Settles when the pipe has ended: the aggregator stopped and the flusher's answers are in. */
  readonly done: Promise<void>;
}

/** Factories the context uses to make stages on demand (set by the producer). */
export interface StageFactory {
  partitionDispatcher(topic: string): PartitionDispatcher;
  leaderDispatcher(topic: string, partition: number): LeaderDispatcher;
  brokerStages(broker: number): BrokerStages;
}

/** Shared producer state. */
export class ProducerContext {
  readonly client: Client;
  readonly options: ResolvedProducerOptions;
  readonly partitioner: Partitioner;
  readonly partitionDispatchers: Map<string, PartitionDispatcher> = new Map();
  readonly leaderDispatchers: Map<string, LeaderDispatcher> = new Map();
  readonly brokers: Map<number, BrokerStages> = new Map();
  retryHandler!: RetryHandler;
  /**
   * The retryHandler's one writer, shared by every broker's flusher (a stream takes one writer;
   * writes from many flushers queue in call order). Each flusher awaits its writes.
   */
  retries!: WritableStreamDefaultWriter<FailedBatch>;
  factory!: StageFactory;
  /** The transactions of a producer with a `transactionalId` (set by the producer). */
  txn: TransactionManager | undefined;

  /** The idempotent producer id and epoch; -1 when not idempotent. */
  producerId = -1n;
  producerEpoch = -1;
  #identity: Promise<void> | undefined;

  /** Buffer budget: records and bytes accepted and not yet delivered. */
  bufferedRecords = 0;
  bufferedBytes = 0;
  peakBufferedRecords = 0;
  #spaceWaiters: Array<{ records: number; bytes: number; resolve: () => void }> = [];

  /** Serializes epoch bumps: one at a time, and one bump serves every partition waiting. */
  #bumping: Promise<void> | undefined;

  /** Failures of `writable` writes, kept for the next flush or close when no onError is set. */
  failures: DeliveryReport[] = [];
  failureCount = 0;

  /** Above 0 while a flush or close wants everything sent without lingering. */
  flushing = 0;
  /** No new writes: set by close(). What is buffered is still delivered. */
  closed = false;
  /** Aborted with the producer (its signal or the client's), ending every wait of its stages. */
  readonly stop: AbortController = new AbortController();
  /** Nothing more is sent or retried: set when the producer's signal aborts. */
  aborted: Error | null = null;
  /** The error a stage failed with ({@linkcode ProducerContext.fatal}); the producer is dead. */
  failed: KafkaError | null = null;
  #idleWaiters: Array<() => void> = [];
  #encoders: RecordBatchEncoder[] = [];

  constructor(client: Client, options: ResolvedProducerOptions, partitioner: Partitioner) {
    this.client = client;
    this.options = options;
    this.partitioner = partitioner;
  }

  /** Gets a producer id once (idempotent producers); resolves at once otherwise. */
  ready(): Promise<void> {
    if (!this.options.idempotent) return Promise.resolve();
    // A transactional id gets its producer id from its coordinator.
    if (this.txn !== undefined) return this.txn.ready();
    this.#identity ??= this.#initProducerId().catch((e) => {
      this.#identity = undefined; // let the next write try again
      throw e;
    });
    return this.#identity;
  }

  async #initProducerId(): Promise<void> {
    const deadline = Date.now() + this.options.maxBlockMs;
    for (;;) {
      const res = await this.client.request("any", API_TABLE[22], {
        transactionalId: null,
        transactionTimeoutMs: 2147483647,
        producerId: -1n,
        producerEpoch: -1,
      });
      if (res.errorCode === 0) {
        this.producerId = res.producerId ?? -1n;
        this.producerEpoch = res.producerEpoch;
        return;
      }
      const err = new KafkaError(res.errorCode, { api: "InitProducerId" });
      if (!err.retriable || Date.now() > deadline) throw err;
      await sleep(this.options.retryBackoffMs, this.stop.signal);
    }
  }

  /**
   * Takes buffer space for records; resolves when it fits. Takes are granted in order, and a
   * take larger than the whole budget is granted alone, when the buffer is empty. A take not
   * granted within `maxBlockMs` rejects with a retriable REQUEST_TIMED_OUT.
   */
  reserve(records: number, bytes: number): Promise<void> | undefined {
    if (this.#spaceWaiters.length === 0 && this.#fits(records, bytes)) {
      this.#take(records, bytes);
      return undefined;
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        records,
        bytes,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const limit = this.options.maxBlockMs;
      const timer = setTimeout(() => {
        const i = this.#spaceWaiters.indexOf(waiter);
        if (i < 0) return;
        this.#spaceWaiters.splice(i, 1);
        reject(
          new KafkaError(ErrorCode.REQUEST_TIMED_OUT, { api: "Produce" }, {
            retriable: true,
            message: `The producer's buffer stayed full for maxBlockMs (${limit} ms)`,
          }),
        );
        // The next waiter may fit now that this one is gone.
        this.release(0, 0);
      }, limit);
      this.#spaceWaiters.push(waiter);
    });
  }

  /** Gives buffer space back and lets waiting writes in, in order. */
  release(records: number, bytes: number): void {
    this.bufferedRecords -= records;
    this.bufferedBytes -= bytes;
    let next;
    while ((next = this.#spaceWaiters[0]) !== undefined && this.#fits(next.records, next.bytes)) {
      this.#spaceWaiters.shift();
      this.#take(next.records, next.bytes);
      next.resolve();
    }
    if (this.bufferedRecords === 0) { for (const w of this.#idleWaiters.splice(0)) w(); }
  }

  #fits(records: number, bytes: number): boolean {
    const o = this.options;
    return this.bufferedRecords === 0 ||
      (this.bufferedRecords + records <= o.maxBufferedRecords &&
        this.bufferedBytes + bytes <= o.maxBufferedBytes);
  }

  #take(records: number, bytes: number): void {
    this.bufferedRecords += records;
    this.bufferedBytes += bytes;
    if (this.bufferedRecords > this.peakBufferedRecords) {
      this.peakBufferedRecords = this.bufferedRecords;
    }
  }

  /** Resolves when every accepted record has been delivered or failed. */
  idle(): Promise<void> {
    if (this.bufferedRecords === 0) return Promise.resolve();
    return new Promise((r) => this.#idleWaiters.push(r));
  }

  /** Records a failure of a record that has no report of its own. */
  fail(report: DeliveryReport): void {
    if (this.options.onError) {
      try {
        this.options.onError(report);
      } catch {
        // A throwing handler must not break delivery of the other records.
      }
      return;
    }
    this.failureCount++;
    if (this.failures.length < KEPT_FAILURES) this.failures.push(report);
  }

  /** An encoder from the pool. */
  encoder(): RecordBatchEncoder {
    return this.#encoders.pop() ??
      new RecordBatchEncoder(Math.min(this.options.batchBytes + 1024, 64 * 1024));
  }

  /** Returns an encoder to the pool once its batch is acknowledged or failed. */
  recycle(encoder: RecordBatchEncoder): void {
    if (this.#encoders.length < 64) this.#encoders.push(encoder);
  }

  /** The leader dispatcher of a partition, made on first use. */
  leaderDispatcher(topic: string, partition: number): LeaderDispatcher {
    const key = `${topic}\u0000${partition}`;
    let ld = this.leaderDispatchers.get(key);
    if (ld === undefined) {
      ld = this.factory.leaderDispatcher(topic, partition);
      this.leaderDispatchers.set(key, ld);
    }
    return ld;
  }

  /** The partition dispatcher of a topic, made on first use. */
  partitionDispatcher(topic: string): PartitionDispatcher {
    let pd = this.partitionDispatchers.get(topic);
    if (pd === undefined) {
      pd = this.factory.partitionDispatcher(topic);
      this.partitionDispatchers.set(topic, pd);
    }
    return pd;
  }

  /** Wakes the aggregator of `broker` (making its stages on first use). */
  wake(broker: number): void {
    if (broker < 0 || this.closed && this.bufferedRecords === 0) return;
    let stages = this.brokers.get(broker);
    if (stages === undefined) {
      stages = this.factory.brokerStages(broker);
      this.brokers.set(broker, stages);
    }
    stages.aggregator.wake();
  }

  /** Wakes every aggregator, e.g. after a flush request or an epoch bump. */
  wakeAll(): void {
    for (const s of this.brokers.values()) s.aggregator.wake();
    for (const ld of this.leaderDispatchers.values()) ld.kick();
  }

  /**
   * A producer id and epoch under which a partition may start its sequence numbers again from
   * 0, for a partition whose sequences under `(producerId, epoch)` are lost (a batch failed for
   * good, or the broker forgot the producer). When the producer's identity has already moved past
   * the one the partition uses (another partition's reset), that one serves: the broker keeps
   * sequence state per partition, so a partition may skip epochs. Otherwise the epoch goes up by
   * one (or a new producer id is fetched at the top of the range). Other partitions keep their
   * identity and sequences: as Java's producer does, only the partitions that need it reset.
   */
  async freshIdentity(producerId: bigint, epoch: number): Promise<{ id: bigint; epoch: number }> {
    if (this.txn !== undefined) {
      // The coordinator owns a transactional producer's epoch: lost sequences end the
      // transaction instead, and its abort starts every partition again from 0.
      throw new KafkaError(ErrorCode.TRANSACTION_ABORTABLE, { api: "Produce" }, {
        message: "A partition's sequence numbers were lost in the transaction: abort it",
      });
    }
    while (this.#bumping !== undefined) await this.#bumping;
    if (this.producerId !== producerId || this.producerEpoch !== epoch) {
      return { id: this.producerId, epoch: this.producerEpoch };
    }
    this.#bumping = (async () => {
      if (this.producerEpoch >= MAX_EPOCH) {
        this.#identity = undefined;
        await this.ready();
      } else {
        this.producerEpoch++;
      }
    })().finally(() => this.#bumping = undefined);
    await this.#bumping;
    return { id: this.producerId, epoch: this.producerEpoch };
  }

  /**
   * A stage failed (its sink or pull threw, which none does by design): the producer cannot go on,
   * as the records that stage held are lost to the pipeline. Every record not yet acknowledged
   * fails with one typed, non-retriable error (batches in flight included: their answers are
   * ignored, so such a record may still be in the log), new writes are refused with it, and every
   * wait of the stages ends, so no send(), flush() or close() is left waiting. The caller fails
   * the chunk it could not hand on. Returns the error (the first one, on later calls).
   */
  fatal(stage: string, cause: unknown): KafkaError {
    if (this.failed !== null) return this.failed;
    const reason = cause instanceof Error ? cause.message : String(cause);
    const error = new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, { api: "Produce" }, {
      retriable: false,
      message: `The producer's ${stage} stage failed: ${reason}`,
      cause,
    });
    this.failed = error;
    this.aborted ??= error;
    this.closed = true;
    this.stop.abort(error);
    for (const ld of this.leaderDispatchers.values()) ld.failAll(error);
    for (const s of this.brokers.values()) s.aggregator.wake();
    return error;
  }

  /** The error records fail with when the producer is closed under them. */
  static closedError(): KafkaError {
    return new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, { api: "Produce" }, {
      retriable: false,
      message: "The producer was closed before the record was delivered",
    });
  }
}
