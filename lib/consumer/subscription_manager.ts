// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Sarama's brokerConsumer subscriptionManager: one per broker, which partitions it serves.
 *
 * @module
 */

import type { StageHandle } from "../net/stage_registry.ts";
import type { FetchResult, SubscriptionConsumer } from "./subscription_consumer.ts";
import type { PartitionConsumer } from "./partition_consumer.ts";

/**
 * Knows which partitions one broker serves to this consumer and hands each fetch's results to
 * their partition consumers. Partitions are added and removed at any time without waiting for
 * the fetch in flight (its answer for a removed partition is dropped), so one partition moving
 * never stalls the others.
 *
 * It is the sink its broker's subscriptionConsumer is piped into: it takes the next fetch's
 * results only after handing out the last, so fetches follow the readers.
 *
 * @example Made by the consumer, one per broker
 * ```ts ignore
 * consumer.stages().filter((s) => s.name === "subscriptionManager");
 * ```
 */
export class SubscriptionManager extends WritableStream<FetchResult> {
  /** The broker. */
  readonly broker: number;
  /** Its entry in the stage dump. */
  readonly stage: StageHandle;
  readonly #subs: Set<PartitionConsumer> = new Set();
  readonly #fetcher: SubscriptionConsumer;

  /** Makes the stage for `broker`, feeding `fetcher`'s subscriptions. */
  constructor(broker: number, fetcher: SubscriptionConsumer, stage: StageHandle) {
    super({
      write: (result) => {
        for (const r of result) {
          if (!this.#subs.has(r.consumer)) continue;
          if (r.error !== undefined) r.consumer.fetchFailed(r.generation, r.error);
          else if (r.diverging !== undefined) r.consumer.diverged(r.generation, r.diverging);
          else if (r.readReplica !== undefined) r.consumer.readFrom(r.generation, r.readReplica);
          else {r.consumer.deliver(
              r.generation,
              r.records!,
              r.nextOffset!,
              r.highWatermark!,
              r.bytes!,
              r.stableOffset ?? -1,
              r.lastEpoch ?? -1,
              r.epochs ?? null,
            );}
        }
      },
    }, { highWaterMark: 1 });
    this.broker = broker;
    this.stage = stage;
    this.#fetcher = fetcher;
    fetcher.watch(() => this.#subs);
    stage.counters.partitions = 0;
    stage.set("idle");
  }

  /** Starts fetching `pc` from this broker. */
  add(pc: PartitionConsumer): void {
    this.#subs.add(pc);
    this.#changed();
    this.#fetcher.wake();
  }

  /** Stops fetching `pc` from this broker. */
  remove(pc: PartitionConsumer): void {
    if (this.#subs.delete(pc)) this.#changed();
  }

  #changed(): void {
    this.stage.counters.partitions = this.#subs.size;
    this.stage.set(this.#subs.size > 0 ? "waiting for input" : "idle");
  }
}
