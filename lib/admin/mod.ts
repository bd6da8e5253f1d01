// Copyright 2026 the kanal authors. MIT license.
/**
 * kanal's admin: topics and the cluster's description, on top of the cluster client.
 *
 * @example Bad topic settings are refused before anything is sent
 * ```ts
 * import { Admin } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const admin = new Admin({} as never);
 * await assert.rejects(admin.createTopics([{ name: "t", partitions: 0 }]), RangeError);
 * ```
 *
 * @module
 */

export * from "./admin.ts";
export * from "./share_groups.ts";
