// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * KafkaJS's producer over kanal's: `connect`, `send`, `sendBatch`, `disconnect`, `events` and
 * `on`. Messages are placed by KafkaJS's partitioner (the default, the legacy one or the user's)
 * and written by kanal's producer stages, one kanal producer per combination of `acks` and
 * `compression` a program uses, all on the one connection set of this producer.
 *
 * @module
 */

import { Client } from "../client/client.ts";
import type { ClientOptions } from "../client/client.ts";
import { Producer as KanalProducer } from "../producer/producer.ts";
import type { ProducerOptions } from "../producer/producer_options.ts";
import type { DeliveryReport } from "../producer/producer_record.ts";
import type { ProducerRecord as KanalRecord } from "../producer/producer_record.ts";
import type { CompressionName } from "../protocol/compression/mod.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { bootstrap, type KafkaConfig, type RetryOptions } from "./_config.ts";
import { Instrumentation, type InstrumentationEvent } from "./_events.ts";
import { headerList, type Message } from "./_messages.ts";
import { CompressionTypes } from "./constants.ts";
import { KafkaJSError, KafkaJSNonRetriableError } from "./errors.ts";
import { toKafkaJSError } from "./to_kafkajs_error.ts";
import type { Logger } from "./logger.ts";
import { type ICustomPartitioner, Partitioners, type PartitionMetadata } from "./partitioners.ts";

/** KafkaJS's `kafka.producer(config)`. */
export interface ProducerConfig {
  /** The partitioner. @default {Partitioners.DefaultPartitioner} */
  createPartitioner?: ICustomPartitioner;
  /** Retries (kanal keeps trying until `deliveryTimeoutMs`; `retries` bounds it). */
  retry?: RetryOptions;
  /** Metadata age, in milliseconds. */
  metadataMaxAge?: number;
  /** Whether producing to an unknown topic creates it. @default {true} */
  allowAutoTopicCreation?: boolean;
  /** Idempotence; needs acks -1. @default {false, as KafkaJS's} */
  idempotent?: boolean;
  /** Makes the producer transactional: it sends only inside `transaction()`. */
  transactionalId?: string;
  /** How long the coordinator lets a transaction stay open, in milliseconds. @default {60000} */
  transactionTimeout?: number;
  /** Requests in flight per broker. */
  maxInFlightRequests?: number;
}

/** KafkaJS's `producer.send()` argument. */
export interface ProducerRecord {
  /** The topic. */
  topic: string;
  /** The messages. */
  messages: Message[];
  /** -1 (all in-sync replicas), 1 (the leader) or 0 (none). @default {-1} */
  acks?: number;
  /** The broker's wait for acks, in milliseconds: kanal's request timeout governs instead. */
  timeout?: number;
  /** The codec. @default {CompressionTypes.None} */
  compression?: CompressionTypes;
}

/** KafkaJS's `producer.sendBatch()` argument. */
export interface ProducerBatch {
  /** The messages of each topic. */
  topicMessages?: { topic: string; messages: Message[] }[];
  /** As in {@linkcode ProducerRecord}. */
  acks?: number;
  /** As in {@linkcode ProducerRecord}. */
  timeout?: number;
  /** As in {@linkcode ProducerRecord}. */
  compression?: CompressionTypes;
}

/** What KafkaJS's send resolves with: one entry per partition written. */
export interface RecordMetadata {
  /** The topic. */
  topicName: string;
  /** The partition. */
  partition: number;
  /** Always 0: a failed write rejects the send instead. */
  errorCode: number;
  /** The offset of the partition's first message of this send, as a string. */
  baseOffset: string;
  /** "-1": the broker's log append time is not reported. */
  logAppendTime: string;
  /** "-1": the partition's log start offset is not reported. */
  logStartOffset: string;
}

/** KafkaJS's transaction, from `producer.transaction()`. */
export interface Transaction {
  /** Sends to one topic inside the transaction. */
  send(record: ProducerRecord): Promise<RecordMetadata[]>;
  /** Sends to several topics inside the transaction. */
  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]>;
  /** Commits a group's offsets (each the next offset to read) with the transaction. */
  sendOffsets(offsets: {
    consumerGroupId: string;
    topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
  }): Promise<void>;
  /** Commits: everything sent in it becomes visible at once. */
  commit(): Promise<void>;
  /** Aborts: nothing sent in it is ever seen by read_committed readers. */
  abort(): Promise<void>;
  /** Whether it is still open. */
  isActive(): boolean;
}

/** The events a producer emits. */
export const PRODUCER_EVENTS = {
  CONNECT: "producer.connect",
  DISCONNECT: "producer.disconnect",
  REQUEST: "producer.network.request",
  REQUEST_TIMEOUT: "producer.network.request_timeout",
  REQUEST_QUEUE_SIZE: "producer.network.request_queue_size",
} as const;
/** Events kanal's stages have no counterpart of: a listener is accepted but never called. */
const SILENT: ReadonlySet<string> = new Set([
  PRODUCER_EVENTS.REQUEST,
  PRODUCER_EVENTS.REQUEST_TIMEOUT,
  PRODUCER_EVENTS.REQUEST_QUEUE_SIZE,
]);

const ACKS: Record<number, ProducerOptions["acks"]> = { [-1]: "all", 1: "leader", 0: "none" };
const CODECS: Record<number, CompressionName> = {
  0: "none",
  1: "gzip",
  2: "snappy",
  3: "lz4",
  4: "zstd",
};
const UNKNOWN_TOPIC = 3;

/**
 * KafkaJS's producer.
 *
 * @example Send, then disconnect (against the in-process fake cluster)
 * ```ts
 * import { FakeCluster } from "../testing/fake_cluster.ts";
 * import { Kafka, logLevel } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * await using cluster = await FakeCluster.start({ topics: [{ name: "t", partitions: 3 }] });
 * const kafka = new Kafka({
 *   brokers: cluster.bootstrap.split(","),
 *   transport: cluster.transport,
 *   logLevel: logLevel.NOTHING,
 * });
 * const producer = kafka.producer();
 * await producer.connect();
 * const sent = await producer.send({ topic: "t", messages: [{ key: "k", value: "v" }] });
 * assert.equal(sent.length, 1);
 * assert.equal(sent[0]!.baseOffset, "0");
 * await producer.disconnect();
 * ```
 */
export class Producer {
  /** The names of the events this producer emits. */
  readonly events: typeof PRODUCER_EVENTS = PRODUCER_EVENTS;
  readonly #config: KafkaConfig;
  readonly #options: Omit<ClientOptions, "brokers">;
  readonly #producerConfig: ProducerConfig;
  readonly #log: Logger;
  readonly #partition: ReturnType<ICustomPartitioner>;
  readonly #events = new Instrumentation("the producer", Object.values(PRODUCER_EVENTS));
  readonly #producers = new Map<string, KanalProducer>();
  #client: Client | undefined;
  #connecting: Promise<void> | undefined;
  #disconnecting = false;
  #active: Transaction | undefined;
  #txnCodec: number | undefined;

  /** Made by `kafka.producer()`. */
  constructor(
    config: KafkaConfig,
    options: Omit<ClientOptions, "brokers">,
    producerConfig: ProducerConfig,
    log: Logger,
  ) {
    if (producerConfig.idempotent === true && producerConfig.retry?.retries === 0) {
      throw new KafkaJSNonRetriableError(
        "Idempotent producer must allow retries to protect against transient errors",
      );
    }
    this.#config = config;
    this.#options = options;
    this.#producerConfig = producerConfig;
    this.#log = log.namespace("Producer");
    this.#partition = (producerConfig.createPartitioner ?? Partitioners.DefaultPartitioner)();
  }

  /** Connects to the cluster. */
  connect(): Promise<void> {
    this.#disconnecting = false;
    this.#connecting ??= (async () => {
      const extra: Partial<ClientOptions> = {};
      if (this.#producerConfig.metadataMaxAge !== undefined) {
        extra.metadataMaxAgeMs = this.#producerConfig.metadataMaxAge;
      }
      if (this.#producerConfig.allowAutoTopicCreation !== undefined) {
        extra.allowAutoTopicCreation = this.#producerConfig.allowAutoTopicCreation;
      }
      try {
        this.#client = await Client.connect({
          ...this.#options,
          ...extra,
          brokers: await bootstrap(this.#config),
        });
      } catch (e) {
        this.#connecting = undefined;
        throw toKafkaJSError(e);
      }
      this.#events.emit(PRODUCER_EVENTS.CONNECT, null);
    })();
    return this.#connecting;
  }

  /** Delivers what is pending, then closes every connection. */
  async disconnect(): Promise<void> {
    this.#disconnecting = true;
    const client = this.#client;
    this.#client = undefined;
    this.#connecting = undefined;
    const producers = [...this.#producers.values()];
    this.#producers.clear();
    const closed = await Promise.allSettled(producers.map((p) => p.close()));
    await client?.close();
    this.#events.emit(PRODUCER_EVENTS.DISCONNECT, null);
    const failed = closed.find((r) => r.status === "rejected");
    if (failed !== undefined) throw toKafkaJSError((failed as PromiseRejectedResult).reason);
  }

  /** Whether this producer is idempotent (a transactional one always is). */
  isIdempotent(): boolean {
    return this.#producerConfig.idempotent === true ||
      this.#producerConfig.transactionalId !== undefined;
  }

  /**
   * Starts a transaction (a producer with `transactionalId` only): what its `send`,
   * `sendBatch` and `sendOffsets` write becomes visible to read_committed readers at `commit()`,
   * all at once, or never after `abort()`.
   */
  async transaction(): Promise<Transaction> {
    if (this.#producerConfig.transactionalId === undefined) {
      throw new KafkaJSNonRetriableError(
        "Must provide transactional id for transactional producer",
      );
    }
    if (this.#active !== undefined) {
      throw new KafkaJSNonRetriableError(
        "There is already an ongoing transaction for this producer. Please end the transaction " +
          "before beginning another.",
      );
    }
    const kanal = this.#producer(-1, this.#txnCodec ?? CompressionTypes.None);
    try {
      await kanal.beginTransaction();
    } catch (e) {
      throw toKafkaJSError(e);
    }
    let active = true;
    const end = async (how: "commit" | "abort") => {
      if (!active) throw new KafkaJSNonRetriableError("Transaction is not active");
      active = false;
      this.#active = undefined;
      try {
        await (how === "commit" ? kanal.commitTransaction() : kanal.abortTransaction());
      } catch (e) {
        throw toKafkaJSError(e);
      }
    };
    const inside = (batch: ProducerBatch) => {
      if (!active) throw new KafkaJSNonRetriableError("Transaction is not active");
      return this.#send(batch, true);
    };
    const tx: Transaction = {
      send: ({ topic, messages, ...rest }) =>
        inside({ ...rest, topicMessages: [{ topic, messages }] }),
      sendBatch: (batch) => inside(batch),
      sendOffsets: async ({ consumerGroupId, topics }) => {
        if (!active) throw new KafkaJSNonRetriableError("Transaction is not active");
        const offsets = topics.flatMap(({ topic, partitions }) =>
          partitions.map((p) => ({ topic, partition: p.partition, offset: Number(p.offset) }))
        );
        try {
          // KafkaJS sends no group metadata: the offsets are not fenced by generation.
          await kanal.sendOffsetsToTransaction(offsets, {
            groupId: consumerGroupId,
            generationId: -1,
            memberId: "",
          });
        } catch (e) {
          throw toKafkaJSError(e);
        }
      },
      commit: () => end("commit"),
      abort: () => end("abort"),
      isActive: () => active,
    };
    this.#active = tx;
    return tx;
  }

  /** The producer's logger. */
  logger(): Logger {
    return this.#log;
  }

  /**
   * Listens to one of {@linkcode Producer.events}; returns the function that stops it. The
   * network events are accepted but never emitted (kanal's stages have no such events: see its
   * `observe` option), which is logged once per listener.
   */
  on(name: string, listener: (event: InstrumentationEvent) => void): () => void {
    if (SILENT.has(name)) this.#log.warn(`kanal never emits ${name}`);
    return this.#events.on(name, listener);
  }

  /** Sends messages to one topic; resolves once they are acknowledged. */
  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    const { topic, messages, ...rest } = record ?? ({} as ProducerRecord);
    return this.sendBatch({ ...rest, topicMessages: [{ topic, messages }] });
  }

  /** Sends messages to several topics at once; resolves once they are acknowledged. */
  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    if (this.#producerConfig.transactionalId !== undefined) {
      return Promise.reject(
        new KafkaJSNonRetriableError(
          "Cannot send outside a transaction: this producer has a transactionalId",
        ),
      );
    }
    return this.#send(batch, false);
  }

  async #send(batch: ProducerBatch, transactional: boolean): Promise<RecordMetadata[]> {
    const { acks = -1, compression = CompressionTypes.None, topicMessages = [] } = batch;
    const client = this.#connected();
    if (topicMessages.some(({ topic }) => !topic)) {
      throw new KafkaJSNonRetriableError("Invalid topic");
    }
    if ((this.#producerConfig.idempotent === true || transactional) && acks !== -1) {
      throw new KafkaJSNonRetriableError(
        "Not requiring ack for all messages invalidates the idempotent producer's EoS guarantees",
      );
    }
    for (const { topic, messages } of topicMessages) {
      if (!Array.isArray(messages)) {
        throw new KafkaJSNonRetriableError(
          `Invalid messages array [${messages}] for topic "${topic}"`,
        );
      }
      const without = messages.find((m) => m.value === undefined);
      if (without !== undefined) {
        throw new KafkaJSNonRetriableError(
          `Invalid message without value for topic "${topic}": ${JSON.stringify(without)}`,
        );
      }
    }
    let producer: KanalProducer;
    if (transactional) {
      // One producer holds the transactional id: a second would fence the first. Its codec is
      // the first transaction's; a later send asking for another is written with that one.
      this.#txnCodec ??= compression;
      if (compression !== this.#txnCodec) {
        this.#log.warn("kanal writes every transactional send with the first send's codec");
      }
      producer = this.#producer(-1, this.#txnCodec);
    } else producer = this.#producer(acks, compression);
    const records: KanalRecord[] = [];
    for (const { topic, messages } of topicMessages) {
      const partitionMetadata = await this.#partitions(client, topic);
      for (const m of messages) {
        const partition = this.#partition({ topic, partitionMetadata, message: m });
        records.push({
          topic,
          partition,
          key: m.key ?? null,
          value: m.value,
          headers: headerList(m.headers),
          ...(m.timestamp !== undefined ? { timestamp: Number(m.timestamp) } : {}),
        });
      }
    }
    let reports: DeliveryReport[];
    try {
      reports = await producer.send(records);
    } catch (e) {
      throw toKafkaJSError(e);
    }
    return metadataOf(reports);
  }

  #connected(): Client {
    if (this.#disconnecting) {
      throw new KafkaJSError("The producer is disconnected");
    }
    if (this.#client === undefined) throw new KafkaJSError("The producer is disconnected");
    return this.#client;
  }

  /** The kanal producer for one `acks` and codec, made on first use. */
  #producer(acks: number, compression: number): KanalProducer {
    const k = `${acks}/${compression}`;
    let p = this.#producers.get(k);
    if (p !== undefined) return p;
    const kanalAcks = ACKS[acks];
    if (kanalAcks === undefined) {
      throw new KafkaJSNonRetriableError(`Invalid acks ${acks}: use -1, 1 or 0`);
    }
    const codec = CODECS[compression];
    if (codec === undefined) {
      throw new KafkaJSNonRetriableError(`Unsupported compression codec ${compression}`);
    }
    const c = this.#producerConfig;
    const options: { -readonly [K in keyof ProducerOptions]?: ProducerOptions[K] } = {
      acks: kanalAcks,
      compression: codec,
      // KafkaJS sends each call at once rather than waiting to fill a batch.
      lingerMs: 0,
      idempotent: c.transactionalId !== undefined || (c.idempotent ?? false),
    };
    if (c.transactionalId !== undefined) {
      options.transactionalId = c.transactionalId;
      if (c.transactionTimeout !== undefined) options.transactionTimeoutMs = c.transactionTimeout;
    }
    if (c.retry?.retries !== undefined) options.retries = c.retry.retries;
    if (c.retry?.initialRetryTime !== undefined) options.retryBackoffMs = c.retry.initialRetryTime;
    if (c.maxInFlightRequests !== undefined) options.maxInFlight = c.maxInFlightRequests;
    p = new KanalProducer(this.#connected(), options);
    this.#producers.set(k, p);
    return p;
  }

  /** The topic's partitions as KafkaJS's partitioners take them, fetching metadata if needed. */
  async #partitions(client: Client, topic: string): Promise<PartitionMetadata[]> {
    let info = client.metadata.topics.get(topic);
    if (info === undefined || info.partitions.length === 0) {
      try {
        await client.refreshMetadata([topic]);
      } catch (e) {
        throw toKafkaJSError(e);
      }
      info = client.metadata.topics.get(topic);
    }
    if (info === undefined || info.partitions.length === 0) {
      throw toKafkaJSError(new KafkaError(info?.errorCode || UNKNOWN_TOPIC));
    }
    return [...info.partitions].sort((a, b) => a.partition - b.partition).map((p) => ({
      partitionId: p.partition,
      leader: p.leader,
      replicas: [...p.replicas],
      isr: [...p.isr],
      partitionErrorCode: p.errorCode,
    }));
  }
}

/** KafkaJS's answer: one entry per partition, in the order the partitions first appear. */
function metadataOf(reports: readonly DeliveryReport[]): RecordMetadata[] {
  const failed = reports.find((r) => r.error !== undefined);
  if (failed !== undefined) throw toKafkaJSError(failed.error);
  const byPartition = new Map<string, RecordMetadata>();
  for (const r of reports) {
    const k = `${r.topic}\u0000${r.partition}`;
    const had = byPartition.get(k);
    if (had === undefined) {
      byPartition.set(k, {
        topicName: r.topic,
        partition: r.partition,
        errorCode: 0,
        baseOffset: String(r.offset),
        logAppendTime: "-1",
        logStartOffset: "-1",
      });
    } else if (r.offset >= 0 && (Number(had.baseOffset) < 0 || r.offset < Number(had.baseOffset))) {
      had.baseOffset = String(r.offset);
    }
  }
  return [...byPartition.values()];
}
