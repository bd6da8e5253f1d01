// Copyright 2026 the kanal authors. MIT license.
/**
 * Observability without dependencies: typed events from connections, requests, produce and
 * fetch batches, retries, rebalances and errors; a metrics snapshot; a logger that never logs a
 * secret; an OpenTelemetry adapter that takes the user's tracer and meter.
 *
 * @example Count what a client does
 * ```ts
 * import { KafkaMetrics } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const metrics = new KafkaMetrics();
 * // Client.connect({ brokers, observe: metrics.observe })
 * assert.deepEqual(metrics.snapshot().topics, {});
 * ```
 *
 * @module
 */

export * from "./kafka_event.ts";
export * from "./fan_out.ts";
export * from "./latency_summary.ts";
export * from "./kafka_metrics.ts";
export * from "./logger.ts";
export * from "./log_observer.ts";
export * from "./trace_context.ts";
export * from "./otel_adapter.ts";
