// Copyright 2026 the kanal authors. MIT license.
/**
 * kanal's cluster client: bootstrap, metadata, brokers and their connections, coordinators,
 * and the live stage dump.
 *
 * @example Options are checked when a client is made
 * ```ts
 * import { Client } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   Client.connect({ brokers: "127.0.0.1:9092", lingerMs: 5 } as never),
 *   /Unknown Client option "lingerMs"/,
 * );
 * ```
 *
 * @module
 */

export * from "./client.ts";
export * from "./broker.ts";
export * from "./metadata_cache.ts";
export * from "./background_metadata_updater.ts";
export * from "./validate_options.ts";
