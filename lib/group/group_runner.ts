// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * KafkaJS's `consumer.run()` on a {@linkcode GroupConsumer}: handlers called per batch or per
 * record, partitions processed concurrently, order kept within each.
 *
 * @module
 */

import type { RecordChunk } from "../consumer/record_chunk.ts";
import type { KafkaRecord } from "../protocol/record.ts";
import type { GroupConsumer } from "./group_consumer.ts";
import { type Claim, claimKey as key } from "./claim.ts";
import { MaxPollIntervalError } from "./max_poll_interval_error.ts";
import {
  type BatchPayload,
  type GroupRunnerOptions,
  type HandlerControls,
  type ResolvedRunnerOptions,
  resolveRunnerOptions,
} from "./group_runner_options.ts";

export type {
  BatchPayload,
  GroupRunnerOptions,
  HandlerControls,
  MessagePayload,
} from "./group_runner_options.ts";
export { MaxPollIntervalError } from "./max_poll_interval_error.ts";

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * Runs handlers over a group member's claims, as KafkaJS's `consumer.run()` does:
 *
 * - up to `partitionsConsumedConcurrently` partitions are processed at a time; within a
 *   partition the next batch (or record) waits for the handler of the one before;
 * - a batch (record) is marked processed only once its handler resolved (or, with `eachBatch`,
 *   as far as it called `resolveOffset`), and marks are committed at the group's
 *   `autoCommitIntervalMs`, on `commitOffsetsIfNecessary()`, and before a partition is given up;
 * - a rebalance that gives up a partition waits (up to the rebalance timeout) for its handler
 *   to finish and commits it first, so the next owner never processes the same records at the
 *   same time;
 * - a handler that throws is called again with the records it did not resolve, `retries` times
 *   with backoff; then that partition goes no further, the other handlers finish, their marks
 *   are committed, the member leaves the group, and `done` rejects with the handler's error;
 * - a handler that neither resolves nor calls `heartbeat()` within `maxPollIntervalMs` makes
 *   the member leave the group at once (its partitions go to members that make progress) and
 *   `done` rejects with {@linkcode MaxPollIntervalError}. Group heartbeats never wait for
 *   handlers: a handler may take longer than the session timeout.
 *
 * The runner owns the member: when it stops or fails, the member is closed.
 *
 * @example Two partitions processed at once, each in order
 * ```ts
 * import { Client } from "../client/client.ts";
 * import { Producer } from "../producer/producer.ts";
 * import { FakeCluster } from "../testing/fake_cluster.ts";
 * import { GroupConsumer, GroupRunner } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * await using cluster = await FakeCluster.start({ topics: [{ name: "orders", partitions: 2 }] });
 * await using client = await Client.connect({
 *   brokers: cluster.bootstrap,
 *   transport: cluster.transport,
 * });
 * await using producer = new Producer(client);
 * await producer.send([0, 1, 2, 3].map((i) => ({ topic: "orders", partition: i % 2, value: `${i}` })));
 *
 * const group = new GroupConsumer(client, {
 *   groupId: "billing",
 *   topics: ["orders"],
 *   startOffset: "oldest",
 *   heartbeatIntervalMs: 100,
 * });
 * const seen: string[] = [];
 * let allSeen!: () => void;
 * const four = new Promise<void>((r) => allSeen = r);
 * const runner = new GroupRunner(group, {
 *   partitionsConsumedConcurrently: 2,
 *   eachMessage: async ({ partition, message }) => {
 *     seen.push(`${partition}:${message.offset}`);
 *     if (seen.length === 4) allSeen();
 *   },
 * });
 * await four;
 * await runner.stop(); // waits for the handlers, commits, leaves the group
 * assert.deepEqual(seen.filter((s) => s.startsWith("0:")), ["0:0", "0:1"]);
 * assert.equal(seen.length, 4);
 * ```
 */
export class GroupRunner implements AsyncDisposable {
  /** Resolves when the runner stopped; rejects with the error that made it fail. */
  readonly done: Promise<void>;
  readonly #group: GroupConsumer;
  readonly #o: ResolvedRunnerOptions;
  /** The claims being processed, by partition. */
  readonly #claims: Map<string, Claim> = new Map();
  /** Aborted when the runner fails: handlers' work no longer counts. */
  readonly #abort: AbortController = new AbortController();
  #stopping = false;
  #failed = false;
  #error: unknown = undefined;
  /** Closing the member; set once. */
  #closing: Promise<void> | undefined;
  #free: number;
  readonly #slots: (() => void)[] = [];
  readonly #inFlight: Set<Promise<void>> = new Set();
  readonly #loops: Set<Promise<void>> = new Set();
  readonly #paused: Set<string> = new Set();
  #resumed: (() => void)[] = [];

  /**
   * Starts running `options`' handler over `group`'s claims.
   *
   * @throws {TypeError} or {RangeError} for bad options, naming the option.
   */
  constructor(group: GroupConsumer, options: GroupRunnerOptions) {
    this.#o = resolveRunnerOptions(options);
    this.#group = group;
    this.#free = this.#o.partitionsConsumedConcurrently;
    this.done = this.#run();
  }

  /** Whether the runner still takes new batches. */
  get running(): boolean {
    return !this.#stopping;
  }

  /**
   * Commits explicit offsets now: each `offset` is the next one to read (as in KafkaJS), and
   * everything before it counts as processed. Partitions this member does not own (any more)
   * are left out. Commits never go backwards.
   *
   * @throws {KafkaError} when the commit fails (e.g. ILLEGAL_GENERATION after a rebalance).
   */
  async commitOffsets(
    offsets: readonly { topic: string; partition: number; offset: number | string | bigint }[],
  ): Promise<void> {
    const parts: { topic: string; partition: number }[] = [];
    for (const { topic, partition, offset } of offsets) {
      const claim = this.#claims.get(key(topic, partition));
      if (claim === undefined || !claim.active) continue;
      claim.mark(Number(offset) - 1);
      parts.push({ topic, partition });
    }
    if (parts.length > 0) await this.#group.offsets.commit(parts);
  }

  /**
   * Stops fetching and processing `topic`'s partitions (all, or `partitions`); a handler
   * already running finishes. Kept across rebalances until {@linkcode GroupRunner.resume}.
   */
  pause(topic: string, partitions?: readonly number[]): void {
    for (const k of this.#keys(topic, partitions)) this.#paused.add(k);
    for (const [k, c] of this.#claims) if (this.#isPaused(k, c.topic)) c.records.pause();
  }

  /** Undoes {@linkcode GroupRunner.pause}. */
  resume(topic: string, partitions?: readonly number[]): void {
    for (const k of this.#keys(topic, partitions)) this.#paused.delete(k);
    if (partitions === undefined) {
      for (const k of [...this.#paused]) if (k.startsWith(`${topic}\u0000`)) this.#paused.delete(k);
    }
    for (const [k, c] of this.#claims) if (!this.#isPaused(k, c.topic)) c.records.resume();
    this.#wakePaused();
  }

  /**
   * Stops: takes no new batch, waits for the handlers running, commits, and closes the member
   * (which leaves the group). Resolves as `done` does (rejects if the runner failed). A
   * handler must not await it: it waits for that handler.
   */
  stop(): Promise<void> {
    this.#close(true);
    return this.done;
  }

  /** Stops, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  #keys(topic: string, partitions?: readonly number[]): string[] {
    return partitions === undefined ? [`${topic}\u0000*`] : partitions.map((p) => key(topic, p));
  }

  #isPaused(k: string, topic: string): boolean {
    return this.#paused.has(k) || this.#paused.has(`${topic}\u0000*`);
  }

  #wakePaused(): void {
    const all = this.#resumed;
    this.#resumed = [];
    for (const wake of all) wake();
  }

  /** Closes the member once: after the running handlers finish, or at once. */
  #close(waitForHandlers: boolean): void {
    this.#stopping = true;
    this.#wakePaused();
    this.#closing ??= (async () => {
      if (waitForHandlers) await Promise.allSettled([...this.#inFlight]);
      await this.#group.close();
    })().catch((e) => this.#fail(e, false));
  }

  /** Fails the runner with `error` (the first one wins) and closes the member. */
  #fail(error: unknown, waitForHandlers: boolean): void {
    if (!this.#failed) {
      this.#failed = true;
      this.#error = error;
      this.#abort.abort(error);
    }
    this.#close(waitForHandlers);
  }

  async #run(): Promise<void> {
    const claims = this.#group.claims.getReader();
    try {
      for (;;) {
        // A fatal group error errors `claims`: it fails the runner.
        const next = await claims.read();
        if (next.done) break;
        const loop = this.#partition(next.value);
        this.#loops.add(loop);
        // #partition never rejects: its errors fail the runner.
        void loop.then(() => this.#loops.delete(loop));
      }
    } catch (e) {
      this.#fail(e, true);
    }
    // `claims` ended: the member is closed (by this runner, its signal, or the user).
    this.#stopping = true;
    this.#wakePaused();
    await this.#closing;
    while (this.#loops.size > 0) await Promise.all([...this.#loops]);
    if (this.#failed) throw this.#error;
  }

  async #partition(claim: Claim): Promise<void> {
    const k = key(claim.topic, claim.partition);
    this.#claims.set(k, claim);
    if (this.#isPaused(k, claim.topic)) claim.records.pause();
    const reader = claim.records.getReader();
    try {
      for (;;) {
        let r: ReadableStreamReadResult<RecordChunk>;
        try {
          r = await reader.read();
        } catch (e) {
          // This partition cannot go on (corrupt batch, authorization, out of range by
          // policy): the member leaves at once rather than keep a partition nobody reads.
          this.#fail(e, false);
          break;
        }
        if (r.done) break;
        while (this.#isPaused(k, claim.topic) && !this.#stopping && claim.active) {
          await new Promise<void>((wake) => this.#resumed.push(wake));
        }
        if (this.#stopping || !claim.active) break;
        await this.#acquire();
        try {
          // Given up (or stopped) while waiting for a slot: these records are not ours now.
          if (this.#stopping || !claim.active) break;
          const work = this.#process(claim, r.value);
          this.#inFlight.add(work);
          try {
            await work;
          } finally {
            this.#inFlight.delete(work);
          }
        } finally {
          this.#release();
        }
      }
    } catch (e) {
      // A handler out of retries lets the others finish; a stuck one makes the member leave
      // at once.
      this.#fail(e, !(e instanceof MaxPollIntervalError));
    } finally {
      if (this.#claims.get(k) === claim) this.#claims.delete(k);
      reader.releaseLock();
    }
  }

  async #acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((r) => this.#slots.push(r));
  }

  #release(): void {
    const next = this.#slots.shift();
    if (next) next();
    else this.#free++;
  }

  /** One chunk through the handler: retried, timed, marked; throws when it gives up. */
  async #process(claim: Claim, chunk: RecordChunk): Promise<void> {
    const o = this.#o;
    const release = claim.hold();
    // The last offset handled in this chunk, for a retry to start after it.
    let handled = -1;
    let last = Date.now();
    // Set once this handler is given up on (maxPollIntervalMs): what it marks later is lost.
    let givenUp = false;
    const controls: HandlerControls = {
      heartbeat: () => {
        last = Date.now();
        return RESOLVED;
      },
      isRunning: () => !this.#stopping,
      isStale: () => !claim.active || this.#failed,
      signal: this.#abort.signal,
    };
    const mark = (offset: number) => {
      if (givenUp) return;
      if (offset > handled) handled = offset;
      if (o.autoCommit) claim.mark(offset);
    };
    try {
      for (let attempt = 0;; attempt++) {
        const records = handled < 0
          ? chunk.records
          : chunk.records.filter((r) => r.offset > handled);
        if (records.length === 0) return;
        last = Date.now();
        const work = o.eachBatch
          ? this.#batch(claim, chunk, records, controls, mark)
          : this.#messages(claim, records, controls, mark, () => last = Date.now());
        try {
          await this.#timed(work, claim, () => last);
          return;
        } catch (e) {
          if (e instanceof MaxPollIntervalError) {
            givenUp = true;
            throw e;
          }
          if (attempt >= o.retries || this.#stopping || !claim.active) throw e;
          await this.#backoff(attempt);
        }
      }
    } finally {
      release();
    }
  }

  #batch(
    claim: Claim,
    chunk: RecordChunk,
    records: readonly KafkaRecord[],
    controls: HandlerControls,
    mark: (offset: number) => void,
  ): Promise<void> {
    const o = this.#o;
    const batch: RecordChunk = records === chunk.records ? chunk : {
      topic: chunk.topic,
      partition: chunk.partition,
      records,
      highWatermark: chunk.highWatermark,
      lag: chunk.lag,
    };
    const payload: BatchPayload = {
      ...controls,
      batch,
      resolveOffset: (offset) => {
        // Only offsets of this batch: a stray one would mark records never handed out.
        if (offset >= records[0]!.offset && offset <= records[records.length - 1]!.offset) {
          mark(offset);
        }
      },
      commitOffsetsIfNecessary: () => o.autoCommit ? this.#group.commit() : RESOLVED,
    };
    return o.eachBatch!(payload).then(() => {
      if (o.eachBatchAutoResolve && claim.active) mark(records[records.length - 1]!.offset);
    });
  }

  async #messages(
    claim: Claim,
    records: readonly KafkaRecord[],
    controls: HandlerControls,
    mark: (offset: number) => void,
    progressed: () => void,
  ): Promise<void> {
    const each = this.#o.eachMessage!;
    const { topic, partition } = claim;
    for (const message of records) {
      // Stopped (or stuck and left): the records after this one are not handed out.
      if (this.#failed || !claim.active) return;
      await each({ ...controls, topic, partition, message });
      mark(message.offset);
      progressed();
    }
  }

  /** `work`, failed with MaxPollIntervalError once it shows no progress for too long. */
  async #timed(work: Promise<void>, claim: Claim, progress: () => number): Promise<void> {
    const max = this.#o.maxPollIntervalMs;
    if (max === 0) return work;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stuck = new Promise<never>((_, reject) => {
      const check = () => {
        const idle = Date.now() - progress();
        if (idle >= max) reject(new MaxPollIntervalError(claim.topic, claim.partition, max));
        else timer = setTimeout(check, max - idle);
      };
      timer = setTimeout(check, max);
    });
    try {
      return await Promise.race([work, stuck]);
    } catch (e) {
      // Given up on: the member leaves and its marks no longer count, so what the stuck
      // handler does later (succeed or throw) has nowhere to go.
      if (e instanceof MaxPollIntervalError) work.catch(() => {});
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  async #backoff(attempt: number): Promise<void> {
    const ms = Math.min(30_000, this.#o.retryBackoffMs * 2 ** attempt);
    const signal = this.#abort.signal;
    await new Promise<void>((r) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        signal.removeEventListener("abort", done);
        r();
      }
      signal.addEventListener("abort", done, { once: true });
    });
  }
}
