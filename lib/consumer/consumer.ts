// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The consumer: Sarama's Consumer as stream stages.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { formatStages, type StageSnapshot } from "../net/stage_registry.ts";
import { ConsumerContext } from "./_consumer_context.ts";
import { type ConsumerOptions, resolveConsumerOptions } from "./consumer_options.ts";
import { PartitionConsumer } from "./partition_consumer.ts";
import type { RecordChunk, StartOffset } from "./record_chunk.ts";
import { SubscriptionConsumer } from "./subscription_consumer.ts";
import { SubscriptionManager } from "./subscription_manager.ts";

const STAGE_NAMES: ReadonlySet<string> = new Set([
  "partitionConsumer",
  "subscriptionManager",
  "subscriptionConsumer",
]);

let consumers = 0;

/** Options for one partition or topic stream. */
export interface StreamOptions {
  /** Where to start. @default {"oldest"} */
  offset?: StartOffset;
  /**
   * With a numeric `offset` restored from a commit: the leader epoch of the record before it
   * (OffsetFetch's `committedLeaderEpoch`). The position is then checked with
   * OffsetForLeaderEpoch before the first fetch, and a truncated log is handled by
   * `logTruncation` (KIP-320). @default {-1} (not checked)
   */
  leaderEpoch?: number;
}

/**
 * Reads partitions as streams: Sarama's stages, a partitionConsumer per partition and, per
 * broker, a subscriptionManager and a subscriptionConsumer doing one long-poll Fetch for all
 * of that broker's partitions. Unlike Sarama, a slow partition never stalls the others: each
 * has its own buffer budget (`partitionBufferBytes`) and is left out of fetches while full.
 *
 * `close()`, the `signal` option and `await using` stop every stage and end every stream.
 *
 * @example Read a partition from the start
 * ```ts ignore
 * import { Client } from "../client/client.ts";
 * import { Consumer } from "./consumer.ts";
 *
 * await using client = await Client.connect({ brokers: "127.0.0.1:9092" });
 * await using consumer = new Consumer(client);
 * for await (const r of consumer.partition("orders", 0, { offset: "oldest" }).records()) {
 *   console.log(r.offset, r.value);
 * }
 * ```
 */
export class Consumer implements AsyncDisposable {
  readonly #ctx: ConsumerContext;
  readonly #partitions: Set<PartitionConsumer> = new Set();
  #closing: Promise<void> | undefined;

  /**
   * Makes a consumer on `client`.
   *
   * @throws {TypeError} or {RangeError} for bad options, naming the option.
   */
  constructor(client: Client, options: ConsumerOptions = {}) {
    const o = resolveConsumerOptions(options, client.options.maxFrameBytes);
    const ctx = new ConsumerContext(client, o, `consumer ${++consumers}`);
    this.#ctx = ctx;
    const registry = client.registry;
    ctx.makeBrokerStages = (broker) => {
      const consumer = new SubscriptionConsumer(
        ctx,
        broker,
        registry.register("subscriptionConsumer", `${ctx.role}, broker ${broker}`),
      );
      const manager = new SubscriptionManager(
        broker,
        consumer,
        registry.register("subscriptionManager", `${ctx.role}, broker ${broker}`),
      );
      const stop = new AbortController();
      const done = consumer.pipeTo(manager, { signal: stop.signal }).catch(() => {});
      return { consumer, manager, stop, done };
    };
    o.signal?.addEventListener("abort", () => this.close(), { once: true });
    client.signal.addEventListener("abort", () => this.close(), { once: true });
  }

  /**
   * One partition as a stream of record chunks, starting at `offset` (default `"oldest"`).
   *
   * @throws {TypeError} when the consumer is closed.
   */
  partition(topic: string, partition: number, options: StreamOptions = {}): PartitionConsumer {
    if (this.#ctx.closed) throw new TypeError("Cannot consume as the consumer is closed");
    if (typeof topic !== "string" || topic.length === 0) {
      throw new TypeError(
        `Cannot consume as the topic must be a non-empty string: current value is ${
          JSON.stringify(topic)
        }`,
      );
    }
    if (!Number.isInteger(partition) || partition < 0) {
      throw new TypeError(
        `Cannot consume as the partition must be a whole number from 0: current value is ${partition}`,
      );
    }
    const pc = new PartitionConsumer(
      this.#ctx,
      topic,
      partition,
      options.offset ?? "oldest",
      this.#ctx.client.registry.register(
        "partitionConsumer",
        `${this.#ctx.role}, ${topic}/${partition}`,
      ),
      options.leaderEpoch ?? -1,
    );
    this.#partitions.add(pc);
    return pc;
  }

  /**
   * Every partition of `topic`, merged into one stream of record chunks (each chunk is from one
   * partition, in that partition's order).
   *
   * @throws {KafkaError} UNKNOWN_TOPIC_OR_PARTITION when the topic does not exist.
   */
  async topic(topic: string, options: StreamOptions = {}): Promise<TopicStream> {
    const meta = await this.#ctx.client.refreshMetadata([topic]);
    const t = meta.topics.get(topic);
    if (t === undefined || t.errorCode !== 0 || t.partitions.length === 0) {
      throw new KafkaError(t?.errorCode || ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { topic });
    }
    return new TopicStream(t.partitions.map((p) => this.partition(topic, p.partition, options)));
  }

  /** This consumer's live stages. */
  stages(): StageSnapshot[] {
    const role = this.#ctx.role;
    return this.#ctx.client.stages().filter((s) =>
      STAGE_NAMES.has(s.name) && (s.role === role || s.role.startsWith(`${role},`))
    );
  }

  /** This consumer's live stages as a table. */
  dumpStages(): string {
    return formatStages(this.stages());
  }

  /** Ends every stream and stops every stage. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const ctx = this.#ctx;
      ctx.closed = true;
      ctx.stop.abort(new DOMException("The consumer is closed", "AbortError"));
      for (const pc of this.#partitions) pc.close();
      await Promise.all([...ctx.brokers.values()].map(async (s) => {
        s.stop.abort();
        await s.done;
        s.manager.stage.close();
        s.consumer.stage.close();
      }));
    })();
    return this.#closing;
  }

  /** Closes the consumer, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Several partition streams merged into one. Each partition's chunks keep their order; a
 * partition whose chunk waits to be read holds back only itself.
 */
export class TopicStream extends ReadableStream<RecordChunk> {
  /** The partitions, for pause, resume, seek and lag. */
  readonly partitions: readonly PartitionConsumer[];

  /** Merges `partitions`. */
  constructor(partitions: readonly PartitionConsumer[]) {
    // Partition loops waiting for the merged stream's reader to make room.
    const waiting: Array<() => void> = [];
    const readers = partitions.map((p) => p.getReader());
    super({
      start: (controller) => {
        let open = readers.length;
        let failed = false;
        // One partition's error ends the merged stream: the reader gets it, and the other
        // partitions stop (their chunks would have nowhere to go).
        const fail = (e: unknown) => {
          if (failed) return;
          failed = true;
          controller.error(e);
          for (const w of waiting.splice(0)) w();
          for (const r of readers) {
            // Cancelling a reader that already failed rejects again with the same error, which
            // the merged stream already carries.
            r.cancel().catch(() => {});
          }
        };
        for (const reader of readers) {
          (async () => {
            for (;;) {
              let r: ReadableStreamReadResult<RecordChunk>;
              try {
                r = await reader.read();
              } catch (e) {
                fail(e);
                break;
              }
              if (r.done || failed) break;
              controller.enqueue(r.value);
              while ((controller.desiredSize ?? 1) <= 0) {
                await new Promise<void>((w) => waiting.push(w));
              }
            }
            if (--open === 0 && !failed) controller.close();
          })().catch(fail);
        }
      },
      pull: () => {
        for (const w of waiting.splice(0)) w();
      },
      cancel: async () => {
        await Promise.all(readers.map((r) => r.cancel().catch(() => {})));
      },
    }, { highWaterMark: 1 });
    this.partitions = partitions;
  }

  /** Records of every partition after its position, as of the last fetches. */
  get lag(): number {
    return this.partitions.reduce((n, p) => n + p.lag, 0);
  }
}
