// Copyright 2026 the kanal authors. MIT license.
/**
 * kanal: a Kafka client for Deno, Bun, Node ≥ 20 and Cloudflare workerd, built from WHATWG
 * streams and modelled on Go's Sarama (each Sarama goroutine is a named stream stage).
 *
 * What this module exports, layer by layer:
 * - the protocol: generated codecs for every API kanal speaks, record batches, compression and
 *   typed errors (`KafkaError`);
 * - broker connections over each runtime's sockets (`BrokerConnection`, transports);
 * - the cluster client (`Client`): bootstrap, metadata, coordinators and the live stage dump;
 * - the producer (`Producer`: batching, idempotent, partitioners, serializers);
 * - the consumer (`Consumer`) and consumer groups (`GroupConsumer`: classic and KIP-848);
 * - share groups, Kafka's queues (`ShareConsumer`, KIP-932);
 * - the admin client (`Admin`);
 * - observability: events for metrics, logs and traces (`KafkaMetrics`, `consoleLogger`,
 *   `OtelAdapter`).
 *
 * The in-process fake cluster is `./testing`; the command line is `./cli`.
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
export * from "./lib/eos/mod.ts";
export * from "./lib/share/mod.ts";
export * from "./lib/observe/mod.ts";
