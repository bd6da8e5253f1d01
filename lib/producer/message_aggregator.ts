// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Sarama's messageAggregator: one per broker, cuts the batches of the partitions that broker
 * leads into produce requests.
 *
 * @module
 */

import type { StageHandle } from "../net/stage_registry.ts";
import type { ProducerBatch } from "./_producer_batch.ts";
import type { ProducerContext } from "./_producer_context.ts";
import type { LeaderDispatcher } from "./leader_dispatcher.ts";
import { checkFault } from "./_stage_fault.ts";

/** One produce request's worth of batches for one broker: at most one per partition. */
export interface ProducePlan {
  /** The broker it goes to. */
  readonly broker: number;
  /** The batches, each with the dispatcher it came from. */
  readonly batches: readonly ProducerBatch[];
  /** `leaders[i]` owns `batches[i]`. */
  readonly leaders: readonly LeaderDispatcher[];
}

/**
 * A `ReadableStream` of produce requests for one broker, pulled by that broker's flusher. A
 * pull takes, from every partition the broker leads, the next batch that may go (full, lingered
 * `lingerMs`, or wanted at once by `send()` or `flush()`), up to `maxRequestBytes`. When none
 * may go yet it waits for a wake-up (new records, an answer, a flush) or the earliest linger
 * deadline.
 *
 * Because the flusher pulls only when it has room under the in-flight limit, records arriving
 * while the broker is busy collect into fuller batches: backpressure turns into batching.
 *
 * @example Made by the producer, one per broker
 * ```ts ignore
 * producer.stages().filter((s) => s.name === "messageAggregator");
 * ```
 */
export class MessageAggregator extends ReadableStream<ProducePlan> {
  /** The broker's node id. */
  readonly broker: number;
  /** Its entry in the stage dump. */
  readonly stage: StageHandle;
  #wake: (() => void) | undefined;
  #woken = false;
  #cancelled = false;
  #stopping = false;
  #rotation = 0;

  /** Makes the stage for `broker`. */
  constructor(ctx: ProducerContext, broker: number, stage: StageHandle) {
    const ref: { self?: MessageAggregator } = {};
    super({
      pull: async (controller) => {
        const self = ref.self!;
        for (;;) {
          if (self.#cancelled) return;
          if (self.#stopping) {
            // Ended from inside the pull, so the pending read settles and the pipe into the
            // flusher ends by closing it: an abort signal does not settle a pipe whose read is
            // pending under every runtime (workerd's pipeTo waits on).
            self.stage.close();
            controller.close();
            return;
          }
          self.#woken = false;
          const batches: ProducerBatch[] = [];
          const leaders: LeaderDispatcher[] = [];
          try {
            self.#drain(ctx, batches, leaders);
            if (batches.length > 0) {
              checkFault("messageAggregator");
              self.stage.add("requests", 1);
              self.stage.add("batches", batches.length);
              self.stage.set("backpressured"); // until the flusher takes the next one
              controller.enqueue({ broker: self.broker, batches, leaders });
              return;
            }
          } catch (e) {
            // The batches taken are in flight for their partitions and would wait forever: they
            // fail with the producer, and the stream errors (the pipe reports it, fatal too).
            const error = ctx.fatal("messageAggregator", e);
            for (let i = 0; i < batches.length; i++) leaders[i]!.abandon(batches[i]!, error);
            throw error;
          }
          self.stage.set("waiting for input");
          await self.#sleep(self.#deadline(ctx));
        }
      },
      cancel: () => {
        const self = ref.self!;
        self.#cancelled = true;
        self.#wake?.();
        self.stage.close();
      },
    }, { highWaterMark: 0 });
    ref.self = this;
    this.broker = broker;
    this.stage = stage;
    stage.counters.requests = 0;
    stage.counters.batches = 0;
  }

  /**
   * Ends the stream once nothing is left to take: the producer calls it on shutdown, after what
   * was buffered is delivered or failed. The pipe into the flusher then closes the flusher,
   * which waits for the answers in flight.
   */
  stop(): void {
    this.#stopping = true;
    this.wake();
  }

  /** Makes a waiting pull look again. */
  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  /** Takes the batches of one request into `batches` (each owned by `leaders[i]`). */
  #drain(ctx: ProducerContext, batches: ProducerBatch[], leaders: LeaderDispatcher[]): void {
    const now = Date.now();
    let bytes = 0;
    const limit = ctx.options.maxRequestBytes;
    // Start one further along each time, so no partition waits behind the request size limit.
    const all = [...ctx.leaderDispatchers.values()];
    const start = all.length > 0 ? this.#rotation++ % all.length : 0;
    for (let k = 0; k < all.length; k++) {
      const ld = all[(start + k) % all.length]!;
      if (bytes >= limit) break;
      // The first batch goes whatever its size (batchBytes bounds it); the others must fit.
      const batch = ld.takeReady(this.broker, now, batches.length === 0 ? Infinity : limit - bytes);
      if (batch === null) continue;
      batches.push(batch);
      leaders.push(ld);
      bytes += batch.encoder.sizeInBytes;
    }
  }

  #deadline(ctx: ProducerContext): number {
    let at = Infinity;
    for (const ld of ctx.leaderDispatchers.values()) {
      if (ld.leader() !== this.broker) continue;
      const d = ld.nextDeadline();
      if (d < at) at = d;
    }
    return at;
  }

  #sleep(until: number): Promise<void> {
    if (this.#woken) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      if (until !== Infinity) timer = setTimeout(done, Math.max(0, until - Date.now()));
      this.#wake = done;
    });
  }
}
