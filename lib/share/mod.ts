// Copyright 2026 the kanal authors. MIT license.
/**
 * kanal's share consumer (KIP-932, Kafka queues): many members read one partition, each record
 * acquired by one member at a time and accepted, released or rejected.
 *
 * @example Options are checked before anything is sent
 * ```ts
 * import { resolveShareConsumerOptions } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => resolveShareConsumerOptions({ groupId: "workers", topics: [] }));
 * ```
 *
 * @module
 */

export * from "./share_chunk.ts";
export * from "./share_consumer.ts";
export * from "./share_consumer_options.ts";
export * from "./share_fetcher.ts";
export * from "./share_heartbeater.ts";
