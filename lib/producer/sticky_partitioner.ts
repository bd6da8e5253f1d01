// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The uniform sticky partitioner of KIP-794, which Java uses for records without a key.
 *
 * @module
 */

import { assertPartitionCount, type Partitioner } from "./partitioner.ts";

/** Options for {@linkcode stickyPartitioner}. */
export interface StickyPartitionerOptions {
  /**
   * How many bytes of records go to one partition before the topic moves to another. Java
   * uses its `batch.size` here; kanal's batches are larger, so this is its own setting.
   *
   * @default {16384}
   */
  stickyBytes?: number;
  /**
   * Returns uniform numbers from 0 (inclusive) to 1 (exclusive); replace it to make choices
   * repeatable in tests.
   *
   * @default {Math.random}
   */
  random?: () => number;
}

/** Java's default `batch.size`, which is also its sticky threshold. */
const DEFAULT_STICKY_BYTES = 16384;

/**
 * Makes a partitioner that, per topic, sends records to one partition until about
 * `stickyBytes` have gone to it, then moves to another picked at random: KIP-794's uniform
 * sticky partitioning, which Java's producer uses for records without a key. Records fill
 * batches faster than when spread one by one, and every partition gets the same share of
 * bytes over time (KIP-480's first sticky partitioner switched on each new batch, which gave
 * slow brokers more data).
 *
 * Keys are ignored; `defaultPartitioner` hashes keyed records and uses this for the
 * rest. The next partition is drawn among those with a leader (all, when none is known to
 * have one), other than the current one when there is a choice. When the current partition
 * loses its leader, the topic moves at once.
 *
 * Unlike Java, kanal does not weigh the draw by each partition's queue length (Java's
 * `partitioner.adaptive.partitioning.enable`): the draw is uniform.
 *
 * The record that reaches the threshold still goes to the current partition; the next record
 * starts the new one, as in Java.
 *
 * @param options The threshold and the random source.
 * @returns The partitioner.
 *
 * @example Records stay together until the threshold, then move
 * ```ts
 * import { stickyPartitioner } from "./sticky_partitioner.ts";
 * import assert from "node:assert/strict";
 *
 * const partitioner = stickyPartitioner({ stickyBytes: 1000 });
 * const picks = Array.from({ length: 6 }, () => partitioner.partition("t", null, 4, [], 250));
 * assert.equal(new Set(picks.slice(0, 4)).size, 1);
 * assert.notEqual(picks[4], picks[3]);
 * assert.equal(picks[5], picks[4]);
 * ```
 */
export function stickyPartitioner(options: StickyPartitionerOptions = {}): Partitioner {
  return new StickyPartitioner(
    options.stickyBytes ?? DEFAULT_STICKY_BYTES,
    options.random ?? Math.random,
  );
}

/** One topic's sticky state. A class, so every topic's object has the same shape. */
class TopicState {
  /** The current partition, or -1 before the first record. */
  partition = -1;
  /** Bytes sent to the current partition so far. */
  bytes = 0;
  /** The `available` array the current partition was last checked against. */
  checked: readonly number[] | null = null;
}

class StickyPartitioner implements Partitioner {
  readonly #stickyBytes: number;
  readonly #random: () => number;
  readonly #topics: Map<string, TopicState> = new Map();

  constructor(stickyBytes: number, random: () => number) {
    if (!(stickyBytes >= 1 && stickyBytes <= Number.MAX_SAFE_INTEGER)) {
      throw new RangeError(
        `Cannot make a sticky partitioner as stickyBytes must be a number from 1 to 2^53-1: current value is ${stickyBytes}`,
      );
    }
    if (typeof random !== "function") {
      throw new TypeError(
        `Cannot make a sticky partitioner as random must be a function: current value is ${typeof random}`,
      );
    }
    this.#stickyBytes = stickyBytes;
    this.#random = random;
  }

  partition(
    topic: string,
    _key: Uint8Array | string | null,
    count: number,
    available: readonly number[],
    recordBytes: number,
  ): number {
    assertPartitionCount(topic, count);
    let state = this.#topics.get(topic);
    if (state === undefined) {
      state = new TopicState();
      this.#topics.set(topic, state);
    }
    let p = state.partition;
    if (p < 0 || p >= count) {
      // First record, or the topic lost partitions (metadata can shrink after a recreation).
      p = this.#next(-1, count, available);
      state.partition = p;
      state.bytes = 0;
      state.checked = available;
    } else if (state.checked !== available) {
      // Availability changed: move at once if the current partition lost its leader. The
      // producer passes the same array while nothing changes, so this scan is rare.
      if (available.length > 0 && !available.includes(p)) {
        p = this.#next(p, count, available);
        state.partition = p;
        state.bytes = 0;
      }
      state.checked = available;
    }
    // A NaN or negative size must not stop the topic from ever moving on.
    if (recordBytes > 0) state.bytes += recordBytes;
    if (state.bytes >= this.#stickyBytes) {
      state.partition = this.#next(p, count, available);
      state.bytes = 0;
    }
    return p;
  }

  /** Draws a partition uniformly among the candidates other than `current`, when possible. */
  #next(current: number, count: number, available: readonly number[]): number {
    const n = available.length;
    if (n === 0) {
      if (count === 1 || current < 0) return Math.floor(this.#random() * count);
      const i = Math.floor(this.#random() * (count - 1));
      return i >= current ? i + 1 : i;
    }
    if (n === 1) return available[0]!;
    const at = current < 0 ? -1 : available.indexOf(current);
    if (at < 0) return available[Math.floor(this.#random() * n)]!;
    const i = Math.floor(this.#random() * (n - 1));
    return available[i >= at ? i + 1 : i]!;
  }
}
