// Copyright 2026 the kanal authors. MIT license.
/**
 * kanal's producer: Sarama's producer stages as web streams, partitioners and serializers.
 *
 * @example Options are checked when a producer is made
 * ```ts
 * import { resolveProducerOptions } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => resolveProducerOptions({ linger: 5 } as never), /did you mean "lingerMs"/);
 * ```
 *
 * @module
 */

export * from "./producer.ts";
export * from "./producer_record.ts";
export * from "./producer_options.ts";
export * from "./produce_error.ts";
export * from "./partitioner.ts";
export * from "./default_partitioner.ts";
export * from "./sticky_partitioner.ts";
export * from "./murmur2_partitioner.ts";
export * from "./fnv1a_partitioner.ts";
export * from "./round_robin_partitioner.ts";
export * from "./random_partitioner.ts";
export * from "./manual_partitioner.ts";
export * from "./function_partitioner.ts";
export * from "./murmur2.ts";
export * from "./fnv1a.ts";
export * from "./serializer.ts";
export type { GroupMetadata, TransactionOffset, TransactionState } from "./transaction_manager.ts";
