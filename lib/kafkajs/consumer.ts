// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * KafkaJS's consumer over kanal's group member and handler runner: `connect`, `subscribe`,
 * `run({ eachMessage | eachBatch, partitionsConsumedConcurrently, autoCommit... })`,
 * `commitOffsets`, `seek`, `pause`, `resume`, `paused`, `stop`, `disconnect`, `describeGroup`,
 * `events` and `on`.
 *
 * @module
 */

import { Admin as KanalAdmin } from "../admin/admin.ts";
import { Client } from "../client/client.ts";
import type { ClientOptions } from "../client/client.ts";
import type { ConsumerOptions } from "../consumer/consumer_options.ts";
import { GroupConsumer } from "../group/group_consumer.ts";
import type { GroupConsumerOptions } from "../group/group_consumer_options.ts";
import { type BatchPayload, GroupRunner } from "../group/group_runner.ts";
import { roundRobinAssignor } from "../group/round_robin_assignor.ts";
import type { Assignor } from "../group/assignor.ts";
import { bootstrap, type KafkaConfig, type RetryOptions } from "./_config.ts";
import { Instrumentation, type InstrumentationEvent } from "./_events.ts";
import { KafkaJSError, KafkaJSNonRetriableError, KafkaJSNotImplemented } from "./errors.ts";
import { toKafkaJSError } from "./to_kafkajs_error.ts";
import type { Logger } from "./logger.ts";
import {
  batchOf,
  type ConsumerRunConfig,
  type OffsetsByTopicPartition,
} from "./consumer_payloads.ts";

export type {
  Batch,
  ConsumerRunConfig,
  EachBatchPayload,
  EachMessagePayload,
  OffsetsByTopicPartition,
} from "./consumer_payloads.ts";

/** KafkaJS's round robin: kanal's, under KafkaJS's protocol name, so both share a group. */
const roundRobin = (): Assignor => ({ ...roundRobinAssignor(), name: "RoundRobinAssigner" });

/** KafkaJS's partition assigners (kanal's round robin, under KafkaJS's protocol name). */
export const PartitionAssigners: { roundRobin: PartitionAssigner } = { roundRobin };
/** A KafkaJS partition assigner (only {@linkcode PartitionAssigners}' are supported). */
export type PartitionAssigner = () => { readonly name: string };

/** KafkaJS's `kafka.consumer(config)`. */
export interface ConsumerConfig {
  /** The group. */
  groupId: string;
  /** Assigners; only `PartitionAssigners.roundRobin`. @default {[PartitionAssigners.roundRobin]} */
  partitionAssigners?: PartitionAssigner[];
  /** Metadata age, in milliseconds. */
  metadataMaxAge?: number;
  /** The session timeout. @default {30000} */
  sessionTimeout?: number;
  /** The rebalance timeout. @default {60000} */
  rebalanceTimeout?: number;
  /** The heartbeat interval. @default {3000} */
  heartbeatInterval?: number;
  /** Bytes per partition per fetch. @default {1048576} */
  maxBytesPerPartition?: number;
  /** The fewest bytes a fetch waits for. @default {1} */
  minBytes?: number;
  /** The most bytes per fetch. @default {10485760} */
  maxBytes?: number;
  /** The longest a fetch waits for `minBytes`. @default {5000} */
  maxWaitTimeInMs?: number;
  /** Retries. */
  retry?: RetryOptions & { restartOnFailure?: (err: Error) => Promise<boolean> };
  /** Whether subscribing to an unknown topic creates it. */
  allowAutoTopicCreation?: boolean;
  /** Requests in flight per broker. */
  maxInFlightRequests?: number;
  /** Read uncommitted transactional records too. @default {false} */
  readUncommitted?: boolean;
  /** The consumer's rack, for fetching from a replica in it (KIP-392). */
  rackId?: string;
}

/** The events a consumer emits. */
export const CONSUMER_EVENTS = {
  HEARTBEAT: "consumer.heartbeat",
  COMMIT_OFFSETS: "consumer.commit_offsets",
  GROUP_JOIN: "consumer.group_join",
  FETCH_START: "consumer.fetch_start",
  FETCH: "consumer.fetch",
  START_BATCH_PROCESS: "consumer.start_batch_process",
  END_BATCH_PROCESS: "consumer.end_batch_process",
  CONNECT: "consumer.connect",
  DISCONNECT: "consumer.disconnect",
  STOP: "consumer.stop",
  CRASH: "consumer.crash",
  REBALANCING: "consumer.rebalancing",
  RECEIVED_UNSUBSCRIBED_TOPICS: "consumer.received_unsubscribed_topics",
  REQUEST: "consumer.network.request",
  REQUEST_TIMEOUT: "consumer.network.request_timeout",
  REQUEST_QUEUE_SIZE: "consumer.network.request_queue_size",
} as const;
/** Events kanal's stages have no counterpart of: accepted, never emitted. */
const SILENT: ReadonlySet<string> = new Set([
  CONSUMER_EVENTS.HEARTBEAT,
  CONSUMER_EVENTS.FETCH_START,
  CONSUMER_EVENTS.FETCH,
  CONSUMER_EVENTS.REBALANCING,
  CONSUMER_EVENTS.RECEIVED_UNSUBSCRIBED_TOPICS,
  CONSUMER_EVENTS.REQUEST,
  CONSUMER_EVENTS.REQUEST_TIMEOUT,
  CONSUMER_EVENTS.REQUEST_QUEUE_SIZE,
]);

const pkey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * KafkaJS's consumer. `run()` resolves once the member started; a handler or group error later
 * is logged and emitted as `consumer.crash` (kanal does not restart the consumer on its own:
 * call `run()` again after `stop()` to do so).
 *
 * @example Read what a producer wrote (against the in-process fake cluster)
 * ```ts
 * import { FakeCluster } from "../testing/fake_cluster.ts";
 * import { Kafka, logLevel } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * await using cluster = await FakeCluster.start({ topics: [{ name: "t", partitions: 2 }] });
 * const kafka = new Kafka({
 *   brokers: cluster.bootstrap.split(","),
 *   transport: cluster.transport,
 *   logLevel: logLevel.NOTHING,
 * });
 * const producer = kafka.producer();
 * await producer.connect();
 * await producer.send({ topic: "t", messages: [{ key: "a", value: "1" }, { key: "b", value: "2" }] });
 * await producer.disconnect();
 *
 * const consumer = kafka.consumer({ groupId: "g", heartbeatInterval: 100 });
 * await consumer.connect();
 * await consumer.subscribe({ topics: ["t"], fromBeginning: true });
 * const values: string[] = [];
 * let two!: () => void;
 * const done = new Promise<void>((r) => two = r);
 * await consumer.run({
 *   eachMessage: async ({ message }) => {
 *     values.push(message.value!.toString());
 *     if (values.length === 2) two();
 *   },
 * });
 * await done;
 * await consumer.disconnect();
 * assert.deepEqual(values.sort(), ["1", "2"]);
 * ```
 */
export class Consumer {
  /** The names of the events this consumer emits. */
  readonly events: typeof CONSUMER_EVENTS = CONSUMER_EVENTS;
  readonly #config: KafkaConfig;
  readonly #options: Omit<ClientOptions, "brokers">;
  readonly #consumerConfig: ConsumerConfig;
  readonly #log: Logger;
  readonly #events = new Instrumentation("the consumer", Object.values(CONSUMER_EVENTS));
  readonly #assignors: Assignor[];
  readonly #topics = new Set<string>();
  readonly #patterns: RegExp[] = [];
  readonly #paused = new Map<string, Set<number> | "all">();
  readonly #resolved = new Map<string, { topic: string; partition: number; offset: number }>();
  #fromBeginning: boolean | undefined;
  #client: Client | undefined;
  #connecting: Promise<void> | undefined;
  #group: GroupConsumer | undefined;
  #runner: GroupRunner | undefined;

  /** Made by `kafka.consumer()`. */
  constructor(
    config: KafkaConfig,
    options: Omit<ClientOptions, "brokers">,
    consumerConfig: ConsumerConfig,
    log: Logger,
  ) {
    if (typeof consumerConfig?.groupId !== "string" || consumerConfig.groupId === "") {
      throw new KafkaJSNonRetriableError("Consumer groupId must be a non-empty string.");
    }
    this.#config = config;
    this.#options = options;
    this.#consumerConfig = consumerConfig;
    this.#log = log.namespace("Consumer");
    this.#assignors = (consumerConfig.partitionAssigners ?? [PartitionAssigners.roundRobin]).map(
      (a) => {
        if (a !== roundRobin) {
          throw new KafkaJSNotImplemented(
            "Cannot use a custom partition assigner: kanal's KafkaJS layer has " +
              "PartitionAssigners.roundRobin (kanal's own API takes any Assignor)",
          );
        }
        return roundRobin();
      },
    );
    if (consumerConfig.retry?.restartOnFailure !== undefined) {
      this.#log.warn("kanal does not restart a crashed consumer: restartOnFailure is not called");
    }
  }

  /** Connects to the cluster. */
  connect(): Promise<void> {
    this.#connecting ??= (async () => {
      const extra: Partial<ClientOptions> = {};
      const c = this.#consumerConfig;
      if (c.metadataMaxAge !== undefined) extra.metadataMaxAgeMs = c.metadataMaxAge;
      if (c.allowAutoTopicCreation !== undefined) {
        extra.allowAutoTopicCreation = c.allowAutoTopicCreation;
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
      this.#events.emit(CONSUMER_EVENTS.CONNECT, null);
    })();
    return this.#connecting;
  }

  /**
   * Subscribes to topics (names, or patterns matched against the topics that exist now, as
   * KafkaJS does). `fromBeginning` applies to partitions the group has no offset for.
   */
  async subscribe(
    subscription: {
      topics?: (string | RegExp)[];
      topic?: string | RegExp;
      fromBeginning?: boolean;
    },
  ): Promise<void> {
    if (this.#runner !== undefined) {
      throw new KafkaJSNonRetriableError(
        "Cannot subscribe to topic while consumer is running",
      );
    }
    const client = this.#connected();
    const wanted = subscription.topics ??
      (subscription.topic === undefined ? [] : [subscription.topic]);
    if (wanted.length === 0) {
      throw new KafkaJSNonRetriableError('Missing required argument "topics"');
    }
    const from = subscription.fromBeginning ?? false;
    if (this.#fromBeginning !== undefined && this.#fromBeginning !== from) {
      this.#log.warn(
        "kanal applies one fromBeginning to the whole group: the last subscribe() call's",
      );
    }
    this.#fromBeginning = from;
    const patterns = wanted.filter((t): t is RegExp => t instanceof RegExp);
    for (const t of wanted) if (typeof t === "string") this.#topics.add(t);
    if (patterns.length > 0) {
      let names: string[];
      try {
        names = await new KanalAdmin(client).listTopics();
      } catch (e) {
        throw toKafkaJSError(e);
      }
      for (const name of names) if (patterns.some((p) => p.test(name))) this.#topics.add(name);
      this.#patterns.push(...patterns);
    }
  }

  /**
   * Joins the group and starts calling the handler; resolves once started. Errors after that
   * are logged and emitted as `consumer.crash`.
   */
  // deno-lint-ignore require-await
  async run(config: ConsumerRunConfig = {}): Promise<void> {
    if (this.#runner !== undefined) {
      throw new KafkaJSNonRetriableError("Cannot run the consumer: it is already running");
    }
    const client = this.#connected();
    const { eachBatch, eachMessage } = config;
    if ((eachBatch === undefined) === (eachMessage === undefined)) {
      throw new KafkaJSNonRetriableError("Consumer run requires eachMessage or eachBatch");
    }
    if (this.#topics.size === 0) {
      throw new KafkaJSNonRetriableError("Cannot run the consumer: it subscribed to no topic");
    }
    const autoCommit = config.autoCommit ?? true;
    const interval = config.autoCommitInterval ?? null;
    const threshold = config.autoCommitThreshold ?? null;
    const c = this.#consumerConfig;
    const consumer: { -readonly [K in keyof ConsumerOptions]?: ConsumerOptions[K] } = {
      maxWaitMs: c.maxWaitTimeInMs ?? 5000,
      minBytes: c.minBytes ?? 1,
      maxBytes: c.maxBytes ?? 10_485_760,
      maxPartitionBytes: c.maxBytesPerPartition ?? 1_048_576,
      isolationLevel: c.readUncommitted === true ? "read_uncommitted" : "read_committed",
    };
    if (c.rackId !== undefined) consumer.rack = c.rackId;
    const options: GroupConsumerOptions = {
      groupId: c.groupId,
      topics: [...this.#topics],
      assignors: this.#assignors,
      sessionTimeoutMs: c.sessionTimeout ?? 30_000,
      rebalanceTimeoutMs: c.rebalanceTimeout ?? 60_000,
      heartbeatIntervalMs: c.heartbeatInterval ?? 3_000,
      startOffset: this.#fromBeginning === true ? "oldest" : "newest",
      // Commits come from this layer (after each batch, or at the interval or threshold);
      // the member's own timer only serves `autoCommitInterval`.
      autoCommitIntervalMs: interval ?? 2 ** 31 - 1,
      consumer,
      onAssigned: (partitions) => {
        const memberAssignment: Record<string, number[]> = {};
        for (const { topic, partitions: ps } of partitions) memberAssignment[topic] = [...ps];
        this.#events.emit(CONSUMER_EVENTS.GROUP_JOIN, {
          groupId: c.groupId,
          memberId: this.#group?.memberId ?? "",
          groupProtocol: this.#assignors[0]!.name,
          memberAssignment,
        });
      },
    };
    const group = new GroupConsumer(client, options);
    this.#group = group;
    const runner = new GroupRunner(group, {
      partitionsConsumedConcurrently: config.partitionsConsumedConcurrently ?? 1,
      autoCommit,
      eachBatchAutoResolve: false,
      eachBatch: (payload) =>
        this.#batch(payload, { eachBatch, eachMessage, autoCommit, interval, threshold, config }),
    });
    this.#runner = runner;
    for (const [topic, parts] of this.#paused) {
      runner.pause(topic, parts === "all" ? undefined : [...parts]);
    }
    runner.done.then(
      () => this.#events.emit(CONSUMER_EVENTS.STOP, null),
      (e: unknown) => {
        const error = toKafkaJSError(e);
        this.#log.error(`Crash: ${error.name}: ${error.message}`, { groupId: c.groupId });
        this.#events.emit(CONSUMER_EVENTS.CRASH, { error, groupId: c.groupId, restart: false });
      },
    );
  }

  async #batch(
    payload: BatchPayload,
    how: {
      eachBatch?: ConsumerRunConfig["eachBatch"];
      eachMessage?: ConsumerRunConfig["eachMessage"];
      autoCommit: boolean;
      interval: number | null;
      threshold: number | null;
      config: ConsumerRunConfig;
    },
  ): Promise<void> {
    const chunk = payload.batch;
    const { topic, partition } = chunk;
    const batch = batchOf(chunk);
    const pause = () => {
      this.pause([{ topic, partitions: [partition] }]);
      return () => this.resume([{ topic, partitions: [partition] }]);
    };
    let counted = 0;
    const resolve = (offset: number) => {
      payload.resolveOffset(offset);
      this.#resolved.set(pkey(topic, partition), { topic, partition, offset });
      counted++;
    };
    const commitIfNecessary = async () => {
      if (!how.autoCommit) return;
      if (how.threshold !== null && counted >= how.threshold) {
        counted = 0;
        await this.#commitResolved(payload);
      }
    };
    const started = Date.now();
    const stats = {
      topic,
      partition,
      highWatermark: batch.highWatermark,
      offsetLag: batch.offsetLag(),
      offsetLagLow: batch.offsetLagLow(),
      batchSize: batch.messages.length,
      firstOffset: batch.firstOffset(),
      lastOffset: batch.lastOffset(),
    };
    this.#events.emit(CONSUMER_EVENTS.START_BATCH_PROCESS, stats);
    try {
      if (how.eachMessage !== undefined) {
        for (const message of batch.messages) {
          if (payload.isStale() || this.#isPaused(topic, partition)) break;
          await how.eachMessage({
            topic,
            partition,
            message,
            heartbeat: () => payload.heartbeat(),
            pause,
          });
          resolve(Number(message.offset));
          await commitIfNecessary();
        }
      } else {
        await how.eachBatch!({
          batch,
          resolveOffset: (offset) => resolve(Number(offset)),
          heartbeat: () => payload.heartbeat(),
          pause,
          commitOffsetsIfNecessary: commitIfNecessary,
          uncommittedOffsets: () => this.#uncommitted(),
          isRunning: () => payload.isRunning(),
          isStale: () => payload.isStale(),
        });
        if (how.config.eachBatchAutoResolve ?? true) {
          const last = chunk.records.at(-1);
          if (last !== undefined) resolve(last.offset);
        }
      }
    } catch (e) {
      // As KafkaJS: what was resolved before the failure is committed.
      if (how.autoCommit) await this.#commitResolved(payload);
      throw e;
    }
    // Without an interval or a threshold KafkaJS commits after each batch.
    if (how.autoCommit && how.interval === null && how.threshold === null && counted > 0) {
      await this.#commitResolved(payload);
    }
    this.#events.emit(CONSUMER_EVENTS.END_BATCH_PROCESS, {
      ...stats,
      duration: Date.now() - started,
    });
  }

  async #commitResolved(payload: BatchPayload): Promise<void> {
    const topics = this.#uncommitted().topics;
    await payload.commitOffsetsIfNecessary();
    this.#resolved.clear();
    if (topics.length > 0) {
      this.#events.emit(CONSUMER_EVENTS.COMMIT_OFFSETS, {
        groupId: this.#consumerConfig.groupId,
        memberId: this.#group?.memberId ?? "",
        groupGenerationId: this.#group?.generationId ?? -1,
        topics,
      });
    }
  }

  #uncommitted(): OffsetsByTopicPartition {
    const byTopic = new Map<string, { partition: number; offset: string }[]>();
    for (const { topic, partition, offset } of this.#resolved.values()) {
      let list = byTopic.get(topic);
      if (list === undefined) byTopic.set(topic, list = []);
      list.push({ partition, offset: String(offset + 1) });
    }
    return { topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) };
  }

  /** Commits these offsets (each the next offset to read) now. */
  async commitOffsets(
    offsets: { topic: string; partition: number; offset: string; metadata?: string | null }[],
  ): Promise<void> {
    const runner = this.#running("commitOffsets");
    try {
      await runner.commitOffsets(offsets);
    } catch (e) {
      throw toKafkaJSError(e);
    }
  }

  /** Moves a partition this member owns to `offset`; its next batch starts there. */
  seek({ topic, partition, offset }: { topic: string; partition: number; offset: string }): void {
    const runner = this.#running("seek");
    const at = Number(offset);
    if (!Number.isInteger(at) || (at < 0 && at !== -1 && at !== -2)) {
      throw new KafkaJSNonRetriableError(`Offset must not be a negative number: ${offset}`);
    }
    // KafkaJS's -1 is the latest offset and -2 the earliest.
    runner.seek(topic, partition, at === -1 ? "newest" : at === -2 ? "oldest" : at);
  }

  /** Stops fetching these topics (or partitions) until resumed. */
  pause(topics: { topic: string; partitions?: number[] }[]): void {
    for (const { topic, partitions } of topics) {
      if (partitions === undefined) this.#paused.set(topic, "all");
      else {
        const had = this.#paused.get(topic);
        if (had === "all") continue;
        const set = had ?? new Set<number>();
        for (const p of partitions) set.add(p);
        this.#paused.set(topic, set);
      }
      this.#runner?.pause(topic, partitions);
    }
  }

  /** Resumes what {@linkcode Consumer.pause} stopped. */
  resume(topics: { topic: string; partitions?: number[] }[]): void {
    for (const { topic, partitions } of topics) {
      const had = this.#paused.get(topic);
      if (partitions === undefined || had === "all") this.#paused.delete(topic);
      else if (had !== undefined) {
        for (const p of partitions) had.delete(p);
        if (had.size === 0) this.#paused.delete(topic);
      }
      this.#runner?.resume(topic, partitions);
    }
  }

  /** The paused topics and partitions. */
  paused(): { topic: string; partitions: number[] }[] {
    const owned = this.#group?.assignment() ?? [];
    return [...this.#paused].map(([topic, parts]) => ({
      topic,
      partitions: parts === "all"
        ? [...(owned.find((t) => t.topic === topic)?.partitions ?? [])]
        : [...parts].sort((a, b) => a - b),
    }));
  }

  #isPaused(topic: string, partition: number): boolean {
    const p = this.#paused.get(topic);
    return p === "all" || (p !== undefined && p.has(partition));
  }

  /** Stops the handlers (letting the running ones finish), commits and leaves the group. */
  async stop(): Promise<void> {
    const runner = this.#runner;
    this.#runner = undefined;
    this.#group = undefined;
    if (runner === undefined) return;
    try {
      await runner.stop();
    } catch (e) {
      // The crash was already logged and emitted when it happened.
      this.#log.debug(`stopped after a crash: ${(e as Error)?.message}`);
    }
  }

  /** Stops, then closes every connection. */
  async disconnect(): Promise<void> {
    await this.stop();
    const client = this.#client;
    this.#client = undefined;
    this.#connecting = undefined;
    await client?.close();
    this.#events.emit(CONSUMER_EVENTS.DISCONNECT, null);
  }

  /** The group as the coordinator describes it, in KafkaJS's shape. */
  async describeGroup(): Promise<{
    errorCode: number;
    groupId: string;
    state: string;
    protocolType: string;
    protocol: string;
    members: { memberId: string; clientId: string; clientHost: string }[];
  }> {
    const client = this.#connected();
    try {
      const [g] = await new KanalAdmin(client).describeGroups([this.#consumerConfig.groupId]);
      return {
        errorCode: 0,
        groupId: g!.groupId,
        state: g!.state,
        protocolType: g!.protocolType,
        protocol: g!.assignor,
        members: g!.members.map((m) => ({
          memberId: m.memberId,
          clientId: m.clientId,
          clientHost: m.clientHost,
        })),
      };
    } catch (e) {
      throw toKafkaJSError(e);
    }
  }

  /** The consumer's logger. */
  logger(): Logger {
    return this.#log;
  }

  /**
   * Listens to one of {@linkcode Consumer.events}; returns the function that stops it. Events
   * kanal has no counterpart of (heartbeats, fetches, network) are accepted, never emitted, and
   * that is logged.
   */
  on(name: string, listener: (event: InstrumentationEvent) => void): () => void {
    if (SILENT.has(name)) this.#log.warn(`kanal never emits ${name}`);
    return this.#events.on(name, listener);
  }

  #connected(): Client {
    if (this.#client === undefined) {
      throw new KafkaJSError("The consumer is disconnected: call connect() first", {
        retriable: false,
      });
    }
    return this.#client;
  }

  #running(what: string): GroupRunner {
    if (this.#runner === undefined) {
      throw new KafkaJSNonRetriableError(
        `Consumer group was not initialized, consumer#run must be called first (${what})`,
      );
    }
    return this.#runner;
  }
}
