// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The shareHeartbeater stage: a share group member's ShareGroupHeartbeat loop.
 *
 * @module
 */

import { Client } from "../client/client.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import type { StageHandle } from "../net/stage_registry.ts";
import type { ShareContext } from "./_share_context.ts";

/** The partitions the coordinator assigned, by topic id. */
export type ShareAssignment = ReadonlyMap<string, readonly number[]>;

// The coordinator forgot the member or moved its epoch on: join again under the same id.
const REJOIN: ReadonlySet<number> = new Set([
  ErrorCode.UNKNOWN_MEMBER_ID,
  ErrorCode.FENCED_MEMBER_EPOCH,
]);

/**
 * A `ReadableStream` of the assignments the group coordinator gives this member: it joins
 * (epoch 0, with the subscription), then heartbeats at the interval the coordinator asks for,
 * and hands on each assignment the answer carries (an answer without one means no change).
 * In a share group members share partitions: there is nothing to revoke or commit, so a new
 * assignment simply replaces the old.
 *
 * A coordinator that moved, is loading or cannot be reached is looked up again after a
 * backoff; UNKNOWN_MEMBER_ID or FENCED_MEMBER_EPOCH joins again; any other error (e.g.
 * GROUP_AUTHORIZATION_FAILED, or UNSUPPORTED_VERSION from a broker without share groups) ends
 * the stream with it. {@linkcode ShareHeartbeater.leave} sends epoch -1.
 *
 * @example Made by the share consumer
 * ```ts ignore
 * consumer.stages().filter((s) => s.name === "shareHeartbeater");
 * ```
 */
export class ShareHeartbeater extends ReadableStream<ShareAssignment> {
  /** Its entry in the stage dump. */
  readonly stage: StageHandle;
  readonly #ctx: ShareContext;
  readonly #stop: AbortController = new AbortController();
  #epoch = 0;
  #loop: Promise<void> = Promise.resolve();
  #controller!: ReadableStreamDefaultController<ShareAssignment>;

  /** Starts heartbeating for `ctx`'s member. */
  constructor(ctx: ShareContext, stage: StageHandle) {
    const ref: { self?: ShareHeartbeater } = {};
    super({
      start: (controller) => {
        // start runs inside super(): begin once the fields exist.
        queueMicrotask(() => {
          const self = ref.self!;
          self.#controller = controller;
          self.#loop = self.#run(controller).catch((e) => {
            if (!self.#stop.signal.aborted) controller.error(e);
          });
        });
      },
      cancel: () => ref.self!.#stop.abort(),
    }, { highWaterMark: 1 });
    ref.self = this;
    this.#ctx = ctx;
    this.stage = stage;
    stage.counters.heartbeats = 0;
    stage.counters.epoch = 0;
  }

  /** The member's epoch in the group (0 until it joined). */
  get epoch(): number {
    return this.#epoch;
  }

  /** Stops heartbeating and leaves the group (epoch -1). */
  async leave(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    const ctx = this.#ctx;
    if (this.#epoch > 0) {
      const coordinator = await ctx.client.coordinator(ctx.options.groupId).catch(() => -1);
      if (coordinator >= 0) {
        // Leaving is a courtesy: a member that does not answer is dropped after its session.
        await ctx.client.request(coordinator, API_TABLE[76], {
          groupId: ctx.options.groupId,
          memberId: ctx.memberId,
          memberEpoch: -1,
          subscribedTopicNames: null,
        }).catch(() => {});
      }
      this.#epoch = 0;
    }
    this.stage.close();
    try {
      this.#controller?.close();
    } catch {
      // errored or cancelled already
    }
  }

  async #run(controller: ReadableStreamDefaultController<ShareAssignment>): Promise<void> {
    const ctx = this.#ctx;
    const o = ctx.options;
    const signal = this.#stop.signal;
    let full = true;
    let interval = 1000;
    while (!signal.aborted) {
      let wait = interval;
      let failed = false;
      try {
        const coordinator = await ctx.client.coordinator(o.groupId);
        if (signal.aborted) return;
        this.stage.set("request in flight");
        const res = await ctx.client.request(coordinator, API_TABLE[76], {
          groupId: o.groupId,
          memberId: ctx.memberId,
          memberEpoch: this.#epoch,
          rackId: full ? o.rackId : null,
          subscribedTopicNames: full ? [...o.topics] : null,
        }, { signal });
        this.stage.add("heartbeats", 1);
        if (res.errorCode !== 0) {
          const err = new KafkaError(res.errorCode, {
            api: "ShareGroupHeartbeat",
            broker: coordinator,
            detail: res.errorMessage,
          });
          if (Client.isCoordinatorError(res.errorCode)) {
            ctx.client.forgetCoordinator(o.groupId);
            wait = o.retryBackoffMs;
          } else if (REJOIN.has(res.errorCode)) {
            this.#epoch = 0;
            wait = 0;
          } else if (!err.retriable) {
            throw err;
          } else wait = o.retryBackoffMs;
          full = true;
          failed = true;
        } else {
          if (res.memberEpoch >= 0) this.#epoch = res.memberEpoch;
          this.stage.counters.epoch = this.#epoch;
          if (res.heartbeatIntervalMs > 0) wait = interval = res.heartbeatIntervalMs;
          full = false;
          if (res.assignment) {
            controller.enqueue(
              new Map(res.assignment.topicPartitions.map((t) => [t.topicId, t.partitions])),
            );
          }
        }
      } catch (e) {
        if (signal.aborted) return;
        if (e instanceof KafkaError && !e.retriable && !Client.isCoordinatorError(e.code)) throw e;
        // Unreachable coordinator: find it again, and say everything in the next heartbeat.
        ctx.client.forgetCoordinator(o.groupId);
        this.stage.add("retries", 1);
        full = true;
        failed = true;
        wait = o.retryBackoffMs;
      }
      this.stage.set(failed ? "retrying" : "idle");
      if (wait > 0) {
        await new Promise<void>((r) => {
          const t = setTimeout(done, wait);
          function done(): void {
            clearTimeout(t);
            signal.removeEventListener("abort", done);
            r();
          }
          signal.addEventListener("abort", done, { once: true });
        });
      }
    }
  }
}
