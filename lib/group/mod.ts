// Copyright 2026 the kanal authors. MIT license.
/**
 * kanal's consumer groups: membership (the classic protocol), assignors, and offset management.
 *
 * @example A member needs a subscription
 * ```ts
 * import { GroupConsumer } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => new GroupConsumer({} as never, { groupId: "g" }), /subscription/);
 * ```
 *
 * @module
 */

export * from "./group_consumer.ts";
export * from "./offset_manager.ts";
export * from "./assignor.ts";
export * from "./consumer_protocol.ts";
export * from "./range_assignor.ts";
export * from "./round_robin_assignor.ts";
export * from "./sticky_assignor.ts";
export * from "./cooperative_sticky_assignor.ts";
export * from "./group_runner.ts";
