// Copyright 2026 the kanal authors. MIT license.
/**
 * kanal's admin: topics, configs, records, groups, ACLs and the cluster, on top of the cluster client.
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
export { AdminError, type ItemResult } from "./admin_error.ts";
export * from "./acl_types.ts";
export * from "./topics.ts";
export * from "./configs.ts";
export * from "./records.ts";
export * from "./groups.ts";
export * from "./group_offsets.ts";
export * from "./acls.ts";
export * from "./quotas.ts";
export * from "./scram.ts";
export * from "./reassignments.ts";
export * from "./log_dirs.ts";
export * from "./transactions.ts";
export * from "./cluster.ts";
export * from "./delegation_tokens.ts";
export * from "./share_groups.ts";
export type { PartitionRef } from "./_leaders.ts";
