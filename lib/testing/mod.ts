// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * kanal's fake Kafka cluster, for testing applications (and kanal itself) without a broker:
 * N brokers in-process, the real wire protocol, real logs, and hooks that make it misbehave on
 * demand.
 *
 * @example Produce and read back through the in-memory transport
 * ```ts
 * import { FakeCluster } from "./mod.ts";
 * import { Client, Producer } from "../../mod.ts";
 * import assert from "node:assert/strict";
 *
 * await using cluster = await FakeCluster.start({ brokers: 3, topics: [{ name: "t", partitions: 3 }] });
 * await using client = await Client.connect({ brokers: cluster.bootstrap, transport: cluster.transport });
 * await using producer = new Producer(client);
 * const reports = await producer.send([{ topic: "t", partition: 2, value: "v" }]);
 * assert.equal(reports[0]!.error, undefined);
 * assert.equal(cluster.partition("t", 2).log.highWatermark, 1n);
 * ```
 *
 * @module
 */

export * from "./fake_cluster.ts";
export * from "./fake_hooks.ts";
export * from "./cluster_state.ts";
export * from "./partition_log.ts";
export * from "./memory_pipe.ts";
export * from "./server_transport.ts";
export * from "./default_server_transport.ts";
export * from "./fake_versions.ts";
export * from "./group_coordinator.ts";
export * from "./fetch_sessions.ts";
export * from "./fake_call.ts";
export * from "./sasl_server.ts";
export * from "./transaction_coordinator.ts";
export * from "./consumer_group_coordinator.ts";
export * from "./handler.ts";
