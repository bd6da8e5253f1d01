// Copyright 2026 the kanal authors. MIT license.
/**
 * kanal's consumer: partitions as streams of record chunks, with Sarama's stages.
 *
 * @example Options are checked when a consumer is made
 * ```ts
 * import { resolveConsumerOptions } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => resolveConsumerOptions({ maxWait: 5 } as never), /did you mean "maxWaitMs"/);
 * ```
 *
 * @module
 */

export * from "./consumer.ts";
export * from "./consumer_options.ts";
export * from "./record_chunk.ts";
export * from "./partition_consumer.ts";
export * from "./log_truncation_error.ts";
