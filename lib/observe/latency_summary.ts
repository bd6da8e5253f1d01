// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * A fixed-size latency histogram: count, min, max, mean and approximate quantiles, with no
 * allocation per sample.
 *
 * @module
 */

/** A latency summary, in milliseconds. */
export interface LatencySnapshot {
  /** Samples taken. */
  readonly count: number;
  /** The smallest; 0 when there are none. */
  readonly min: number;
  /** The largest; 0 when there are none. */
  readonly max: number;
  /** The mean; 0 when there are none. */
  readonly mean: number;
  /** The median, to within a bucket (about 19%). */
  readonly p50: number;
  /** The 99th percentile, to within a bucket (about 19%). */
  readonly p99: number;
}

// Bucket i holds samples up to 2^(i/4) microseconds: 4 buckets per doubling, 1 µs to ~70 min.
const BUCKETS = 128;

/**
 * Collects latencies into log-spaced buckets (four per doubling), so quantiles are exact to
 * within one bucket's width, about 19%, and memory stays fixed however many samples come.
 *
 * @example The median of 1, 2 and 100 ms
 * ```ts
 * import { LatencySummary } from "./latency_summary.ts";
 * import assert from "node:assert/strict";
 *
 * const s = new LatencySummary();
 * for (const ms of [1, 2, 100]) s.add(ms);
 * const snap = s.snapshot();
 * assert.equal(snap.count, 3);
 * assert.equal(snap.max, 100);
 * assert.ok(snap.p50 >= 2 && snap.p50 < 2.4);
 * ```
 */
export class LatencySummary {
  readonly #buckets = new Uint32Array(BUCKETS);
  #count = 0;
  #sum = 0;
  #min = Infinity;
  #max = 0;

  /** Adds one sample, in ms. */
  add(ms: number): void {
    if (!(ms >= 0)) return;
    this.#count++;
    this.#sum += ms;
    if (ms < this.#min) this.#min = ms;
    if (ms > this.#max) this.#max = ms;
    const us = ms * 1000;
    const i = us <= 1 ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log2(us) * 4));
    this.#buckets[i]!++;
  }

  /** The summary so far. */
  snapshot(): LatencySnapshot {
    if (this.#count === 0) return { count: 0, min: 0, max: 0, mean: 0, p50: 0, p99: 0 };
    return {
      count: this.#count,
      min: this.#min,
      max: this.#max,
      mean: this.#sum / this.#count,
      p50: this.#quantile(0.5),
      p99: this.#quantile(0.99),
    };
  }

  #quantile(q: number): number {
    const rank = Math.ceil(q * this.#count);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.#buckets[i]!;
      // The bucket's upper bound, kept within what was actually seen.
      if (seen >= rank) return Math.min(this.#max, Math.max(this.#min, 2 ** (i / 4) / 1000));
    }
    return this.#max;
  }
}
