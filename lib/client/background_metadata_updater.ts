// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Sarama's backgroundMetadataUpdater: periodic metadata refreshes, and refreshes on demand,
 * coalesced so that at most one Metadata request is in flight.
 *
 * @module
 */

import type { StageHandle } from "../net/stage_registry.ts";
import type { ClusterMetadata } from "./metadata_cache.ts";
import { sleep } from "../util/sleep.ts";

/** Options for {@linkcode BackgroundMetadataUpdater}. */
export interface BackgroundMetadataUpdaterOptions {
  /** Refreshes metadata for `topics` (`null`: every topic) and returns the updated cache. */
  refresh: (topics: string[] | null) => Promise<ClusterMetadata>;
  /** The topics a periodic refresh covers; `null` for every topic. */
  interest: () => string[] | null;
  /** Time between periodic refreshes. */
  intervalMs: number;
  /** Wait after a failed refresh before the next attempt. */
  retryBackoffMs: number;
  /** Its entry in the stage dump. */
  stage: StageHandle;
}

interface Waiter {
  resolve(m: ClusterMetadata): void;
  reject(e: unknown): void;
}

/**
 * A `ReadableStream` of metadata snapshots, one per refresh. Whoever reads it drives it: a
 * refresh happens when the last snapshot has been read and either the interval has passed or
 * someone called {@linkcode BackgroundMetadataUpdater.demand}. Demands made while a refresh is
 * in flight are merged into the next one, so a burst of NOT_LEADER errors costs one request.
 * A failed refresh fails the demands waiting on it and is retried after a backoff; the stream
 * itself only ends when cancelled.
 *
 * @example Two demands, one refresh
 * ```ts
 * import { BackgroundMetadataUpdater } from "./background_metadata_updater.ts";
 * import { StageRegistry } from "../net/stage_registry.ts";
 * import assert from "node:assert/strict";
 *
 * const asked: (string[] | null)[] = [];
 * const updater = new BackgroundMetadataUpdater({
 *   refresh: async (topics) => {
 *     asked.push(topics);
 *     return { clusterId: "c", controllerId: 1, brokers: new Map(), topics: new Map(), updatedAt: 0 };
 *   },
 *   interest: () => [],
 *   intervalMs: 60_000,
 *   retryBackoffMs: 10,
 *   stage: new StageRegistry().register("backgroundMetadataUpdater", "test"),
 * });
 * const reader = updater.getReader();
 * const both = Promise.all([updater.demand(["a"]), updater.demand(["b"])]);
 * await reader.read();
 * await both;
 * assert.deepEqual(asked, [["a", "b"]]);
 * await reader.cancel();
 * ```
 */
export class BackgroundMetadataUpdater extends ReadableStream<ClusterMetadata> {
  /** Its entry in the stage dump. */
  readonly stage: StageHandle;
  #topics: Set<string> | null = new Set();
  #demanded = false;
  #waiters: Waiter[] = [];
  #wake: (() => void) | undefined;
  #cancelled = false;
  /** Aborted on cancel, ending the wait before a retry. */
  readonly #stop: AbortController = new AbortController();

  /** Makes the updater; nothing happens until it is read. */
  constructor(options: BackgroundMetadataUpdaterOptions) {
    // The source's callbacks run after super() returns, once `this` exists.
    const ref: { self?: BackgroundMetadataUpdater } = {};
    let due = Date.now() + options.intervalMs;
    super({
      pull: async (controller) => {
        const s = ref.self!;
        for (;;) {
          if (s.#cancelled) return;
          if (!s.#demanded && Date.now() < due) {
            s.stage.set("idle");
            await s.#sleepUntil(due);
            continue;
          }
          const topics = s.#demanded
            ? (s.#topics === null ? null : [...s.#topics])
            : options.interest();
          const waiters = s.#waiters.splice(0);
          s.#demanded = false;
          s.#topics = new Set();
          s.stage.set("request in flight");
          try {
            const m = await options.refresh(topics);
            s.stage.add("refreshes", 1);
            due = Date.now() + options.intervalMs;
            for (const w of waiters) w.resolve(m);
            controller.enqueue(m);
            s.stage.set("idle");
            return;
          } catch (e) {
            s.stage.add("failures", 1);
            for (const w of waiters) w.reject(e);
            s.stage.set("retrying");
            // Try again soon, whether or not anyone is waiting: the cache is stale.
            due = Date.now() + options.retryBackoffMs;
            // Cut short when the updater is cancelled; the loop then sees it and ends.
            await sleep(options.retryBackoffMs, s.#stop.signal).catch(() => {});
          }
        }
      },
      cancel: () => {
        const s = ref.self!;
        s.#cancelled = true;
        s.#stop.abort();
        s.#wake?.();
        const err = new DOMException("The metadata updater was stopped", "AbortError");
        for (const w of s.#waiters.splice(0)) w.reject(err);
        s.stage.close();
      },
    }, { highWaterMark: 0 });
    ref.self = this;
    this.stage = options.stage;
  }

  /**
   * Asks for a refresh that covers `topics` (`null`: every topic) and resolves with the cache
   * once one has completed.
   */
  demand(topics: readonly string[] | null): Promise<ClusterMetadata> {
    if (this.#cancelled) {
      return Promise.reject(new DOMException("The metadata updater was stopped", "AbortError"));
    }
    if (topics === null) this.#topics = null;
    else if (this.#topics !== null) { for (const t of topics) this.#topics.add(t); }
    this.#demanded = true;
    // Not Promise.withResolvers: Node 20 lacks it. The executor runs at once, so the waiter is
    // queued before the wake-up below.
    const promise = new Promise<ClusterMetadata>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
    });
    this.#wake?.();
    return promise;
  }

  #sleepUntil(at: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, at - Date.now()));
      this.#wake = done;
    });
  }
}
