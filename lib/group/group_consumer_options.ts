// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The options of a consumer group member, their validation and defaults.
 *
 * @module
 */

import { type OptionSchema, validateOptions } from "../client/validate_options.ts";
import type { ConsumerOptions } from "../consumer/consumer_options.ts";
import type { Assignor, TopicPartitions } from "./assignor.ts";
import { rangeAssignor } from "./range_assignor.ts";
import { cooperativeStickyAssignor } from "./cooperative_sticky_assignor.ts";

/** Options for {@linkcode GroupConsumer}. */
export interface GroupConsumerOptions {
  /** The group. */
  groupId: string;
  /** Topics to consume; or use `pattern`. */
  topics?: readonly string[];
  /** Consume every topic whose name matches, re-checked as metadata refreshes. */
  pattern?: RegExp;
  /** Static membership (KIP-345): a restart within the session timeout causes no rebalance. */
  groupInstanceId?: string;
  /** The coordinator drops a member it has not heard from for this long. @default {45000} */
  sessionTimeoutMs?: number;
  /** How long members may take to rejoin during a rebalance. @default {60000} */
  rebalanceTimeoutMs?: number;
  /** Time between heartbeats; independent of record processing. @default {3000} */
  heartbeatIntervalMs?: number;
  /** Assignors, in order of preference. @default {[range, cooperative-sticky]} */
  assignors?: readonly Assignor[];
  /** Time between automatic commits of marked offsets; 0 commits only on demand. @default {5000} */
  autoCommitIntervalMs?: number;
  /**
   * Where a partition with no committed offset starts; also, unless `consumer.offsetOutOfRange`
   * says otherwise, where one whose committed offset is out of range restarts (as Java's one
   * `auto.offset.reset` governs both). @default {"newest"}
   */
  startOffset?: "oldest" | "newest";
  /** Called with the partitions gained in each rebalance. */
  onAssigned?: (partitions: readonly TopicPartitions[]) => void;
  /** Called with the partitions given up in each rebalance, after their offsets are committed. */
  onRevoked?: (partitions: readonly TopicPartitions[]) => void;
  /**
   * The group protocol: `classic` (JoinGroup/SyncGroup, client-side assignors) or `consumer`
   * (KIP-848: ConsumerGroupHeartbeat, assignment computed by the broker). `consumer` falls back
   * to `classic` when the coordinator does not offer it. @default {"classic"}
   */
  protocol?: "classic" | "consumer";
  /** With the `consumer` protocol, the broker-side assignor (`uniform`, `range`). @default {the broker's} */
  serverAssignor?: string;
  /**
   * Options for fetching, as for {@linkcode Consumer}; `offsetOutOfRange` defaults to
   * `startOffset`.
   */
  consumer?: ConsumerOptions;
  /**
   * Called with errors that do not end the member, such as a failed automatic commit (its marks
   * are kept and committed by the next commit). @default {console.warn}
   */
  onError?: (error: unknown) => void;
  /** Leaves the group and closes when aborted. */
  signal?: AbortSignal;
}

/** The options with their defaults filled in. */
export type ResolvedGroupOptions =
  & Required<
    Omit<
      GroupConsumerOptions,
      | "topics"
      | "pattern"
      | "groupInstanceId"
      | "onAssigned"
      | "onRevoked"
      | "onError"
      | "consumer"
      | "signal"
      | "serverAssignor"
    >
  >
  & Omit<
    GroupConsumerOptions,
    | "groupId"
    | "sessionTimeoutMs"
    | "rebalanceTimeoutMs"
    | "heartbeatIntervalMs"
    | "assignors"
    | "autoCommitIntervalMs"
    | "startOffset"
    | "protocol"
  >;

const MS = { type: "number", min: 0, max: 2 ** 31 - 1 } as const;
const SCHEMA: OptionSchema = {
  groupId: { type: "string", nonEmpty: true },
  topics: { type: "array", of: "string" },
  pattern: { type: "object" },
  groupInstanceId: { type: "string", nonEmpty: true },
  sessionTimeoutMs: { type: "number", min: 1, max: 2 ** 31 - 1 },
  rebalanceTimeoutMs: { type: "number", min: 1, max: 2 ** 31 - 1 },
  heartbeatIntervalMs: { type: "number", min: 1, max: 2 ** 31 - 1 },
  assignors: { type: "array", nonEmpty: true },
  autoCommitIntervalMs: MS,
  startOffset: { type: "string", oneOf: ["oldest", "newest"] },
  protocol: { type: "string", oneOf: ["classic", "consumer"] },
  serverAssignor: { type: "string", nonEmpty: true },
  onAssigned: { type: "function" },
  onRevoked: { type: "function" },
  onError: { type: "function" },
  consumer: { type: "object" },
  signal: { type: "signal" },
};

/**
 * Validates `options` and fills in the defaults.
 *
 * @throws {TypeError} or {RangeError} for bad options, naming the option.
 *
 * @example A group needs a subscription
 * ```ts
 * import { resolveGroupOptions } from "./group_consumer_options.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => resolveGroupOptions({ groupId: "g" }), TypeError);
 * assert.equal(resolveGroupOptions({ groupId: "g", topics: ["t"] }).sessionTimeoutMs, 45_000);
 * ```
 */
export function resolveGroupOptions(options: GroupConsumerOptions): ResolvedGroupOptions {
  const o = validateOptions<ResolvedGroupOptions>("GroupConsumer", SCHEMA, options as never, {
    groupId: "",
    sessionTimeoutMs: 45_000,
    rebalanceTimeoutMs: 60_000,
    heartbeatIntervalMs: 3000,
    assignors: [rangeAssignor(), cooperativeStickyAssignor()],
    autoCommitIntervalMs: 5000,
    startOffset: "newest",
    protocol: "classic",
  } as ResolvedGroupOptions);
  if (!o.topics?.length && !o.pattern) {
    throw new TypeError("Cannot join a group without a subscription: give topics or pattern");
  }
  if (o.pattern !== undefined && !(o.pattern instanceof RegExp)) {
    throw new TypeError('Cannot use GroupConsumer option "pattern" as it must be a RegExp');
  }
  return o;
}
