// Copyright 2026 the kanal authors. MIT license.
/**
 * kanal: a Kafka client for Deno, Bun and edge workers, built from WHATWG streams.
 *
 * This release holds the protocol layer and broker connections; the cluster client, producer
 * and consumer follow.
 *
 * @example Kafka errors are typed
 * ```ts
 * import { KafkaError } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const err = new KafkaError(2);
 * assert.equal(err.errorName, "CORRUPT_MESSAGE");
 * ```
 *
 * @module
 */

export * from "./lib/protocol/mod.ts";
export * from "./lib/net/mod.ts";
export * from "./lib/sasl/mod.ts";
export * from "./lib/client/mod.ts";
export * from "./lib/admin/mod.ts";
export * from "./lib/producer/mod.ts";
export * from "./lib/consumer/mod.ts";
export * from "./lib/group/mod.ts";
export * from "./lib/share/mod.ts";
