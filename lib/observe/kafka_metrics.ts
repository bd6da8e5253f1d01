// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Counters and latency summaries per broker and per topic, built from kanal's events.
 *
 * @module
 */

import type { KafkaEvent, Observer } from "./kafka_event.ts";
import { type LatencySnapshot, LatencySummary } from "./latency_summary.ts";

/** One broker's counters in a {@linkcode MetricsSnapshot}. */
export interface BrokerMetrics {
  /** Connections opened. */
  readonly connectionsOpened: number;
  /** Connections closed. */
  readonly connectionsClosed: number;
  /** Requests answered or failed. */
  readonly requests: number;
  /** Requests that failed. */
  readonly requestErrors: number;
  /** Request bytes written. */
  readonly bytesOut: number;
  /** Answer bytes read. */
  readonly bytesIn: number;
  /** Request latency. */
  readonly latency: LatencySnapshot;
}

/** One topic's counters in a {@linkcode MetricsSnapshot}. */
export interface TopicMetrics {
  /** Records the brokers acknowledged. */
  readonly producedRecords: number;
  /** Record batch bytes the brokers acknowledged. */
  readonly producedBytes: number;
  /** Produce batches that failed an attempt. */
  readonly produceErrors: number;
  /** Produce batches sent again. */
  readonly retries: number;
  /** Records fetched. */
  readonly fetchedRecords: number;
  /** Record batch bytes fetched. */
  readonly fetchedBytes: number;
  /** Produce latency, per batch. */
  readonly produceLatency: LatencySnapshot;
}

/** What {@linkcode KafkaMetrics.snapshot} returns. */
export interface MetricsSnapshot {
  /** Per broker, by `host:port`. */
  readonly brokers: Readonly<Record<string, BrokerMetrics>>;
  /** Per topic. */
  readonly topics: Readonly<Record<string, TopicMetrics>>;
  /** Rebalances seen (assignments and revocations). */
  readonly rebalances: number;
  /** Error events seen. */
  readonly errors: number;
}

interface BrokerState {
  connectionsOpened: number;
  connectionsClosed: number;
  requests: number;
  requestErrors: number;
  bytesOut: number;
  bytesIn: number;
  latency: LatencySummary;
}

interface TopicState {
  producedRecords: number;
  producedBytes: number;
  produceErrors: number;
  retries: number;
  fetchedRecords: number;
  fetchedBytes: number;
  produceLatency: LatencySummary;
}

/**
 * Aggregates events into counters and latency summaries; pass `observe` as a client's
 * `observe` option (or through {@linkcode fanOut}) and call `snapshot()` when you want numbers.
 *
 * @example Count a request
 * ```ts
 * import { KafkaMetrics } from "./kafka_metrics.ts";
 * import assert from "node:assert/strict";
 *
 * const metrics = new KafkaMetrics();
 * metrics.observe({
 *   type: "request", broker: "b:9092", api: "Metadata", version: 12,
 *   latencyMs: 3, bytesOut: 40, bytesIn: 300,
 * });
 * assert.equal(metrics.snapshot().brokers["b:9092"]?.bytesIn, 300);
 * ```
 */
export class KafkaMetrics {
  readonly #brokers = new Map<string, BrokerState>();
  readonly #topics = new Map<string, TopicState>();
  #rebalances = 0;
  #errors = 0;

  /** The observer to give the client; bound, so it can be passed on its own. */
  readonly observe: Observer = (e: KafkaEvent): void => {
    switch (e.type) {
      case "connection.open":
        this.#broker(e.broker).connectionsOpened++;
        break;
      case "connection.close":
        this.#broker(e.broker).connectionsClosed++;
        break;
      case "request": {
        const b = this.#broker(e.broker);
        b.requests++;
        if (e.error !== undefined) b.requestErrors++;
        b.bytesOut += e.bytesOut;
        b.bytesIn += e.bytesIn;
        b.latency.add(e.latencyMs);
        break;
      }
      case "produce": {
        const t = this.#topic(e.topic);
        if (e.error === undefined) {
          t.producedRecords += e.records;
          t.producedBytes += e.bytes;
          t.produceLatency.add(e.latencyMs);
        } else t.produceErrors++;
        break;
      }
      case "fetch": {
        const t = this.#topic(e.topic);
        t.fetchedRecords += e.records;
        t.fetchedBytes += e.bytes;
        break;
      }
      case "retry":
        this.#topic(e.topic).retries++;
        break;
      case "rebalance":
        this.#rebalances++;
        break;
      case "error":
        this.#errors++;
        break;
    }
  };

  /** The counters so far; a copy, safe to keep. */
  snapshot(): MetricsSnapshot {
    const brokers: Record<string, BrokerMetrics> = {};
    for (const [k, b] of this.#brokers) brokers[k] = { ...b, latency: b.latency.snapshot() };
    const topics: Record<string, TopicMetrics> = {};
    for (const [k, t] of this.#topics) {
      topics[k] = { ...t, produceLatency: t.produceLatency.snapshot() };
    }
    return { brokers, topics, rebalances: this.#rebalances, errors: this.#errors };
  }

  #broker(key: string): BrokerState {
    let b = this.#brokers.get(key);
    if (b === undefined) {
      this.#brokers.set(
        key,
        b = {
          connectionsOpened: 0,
          connectionsClosed: 0,
          requests: 0,
          requestErrors: 0,
          bytesOut: 0,
          bytesIn: 0,
          latency: new LatencySummary(),
        },
      );
    }
    return b;
  }

  #topic(key: string): TopicState {
    let t = this.#topics.get(key);
    if (t === undefined) {
      this.#topics.set(
        key,
        t = {
          producedRecords: 0,
          producedBytes: 0,
          produceErrors: 0,
          retries: 0,
          fetchedRecords: 0,
          fetchedBytes: 0,
          produceLatency: new LatencySummary(),
        },
      );
    }
    return t;
  }
}
