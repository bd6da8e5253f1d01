// Copyright 2026 the kanal authors. MIT license.
/**
 * The partition assignor contract: what the group leader hands an assignor and what it gets back.
 *
 * @module
 */

/** Some partitions of one topic. */
export interface TopicPartitions {
  /** The topic's name. */
  readonly topic: string;
  /** Partition indexes within the topic. */
  readonly partitions: readonly number[];
}

/** A rebalance protocol (KIP-429): eager revokes everything first; cooperative only what moves. */
export type RebalanceProtocol = "eager" | "cooperative";

/** One group member as the leader sees it: its JoinGroup identity and its decoded subscription. */
export interface MemberSubscription {
  /** The member id the coordinator gave it. */
  readonly memberId: string;
  /** Its `group.instance.id` when it is a static member (KIP-345), else null. */
  readonly groupInstanceId: string | null;
  /** The topics it subscribes to. */
  readonly topics: readonly string[];
  /** Its assignor's own data (for sticky: what it owned and when), or null. */
  readonly userData: Uint8Array | null;
  /** The partitions it owns now (subscription v1+; empty under the eager protocol). */
  readonly ownedPartitions: readonly TopicPartitions[];
  /** The generation in which it got `ownedPartitions` (subscription v2+), or -1. */
  readonly generationId: number;
  /** Its rack (subscription v3+), or null. */
  readonly rackId: string | null;
}

/**
 * A partition assignor: the group leader runs one to split the subscribed partitions among the
 * members. Implementations must be deterministic for equal input.
 */
export interface Assignor {
  /** The protocol name sent in JoinGroup, e.g. "range", "cooperative-sticky". */
  readonly name: string;
  /** Rebalance protocols it supports; "cooperative" means partitions are revoked only when they move (KIP-429). */
  readonly protocols: readonly RebalanceProtocol[];
  /** The userData this member puts in its subscription (sticky: its owned partitions and generation, as Java's StickyAssignor writes them), or null. */
  subscriptionUserData(owned: readonly TopicPartitions[], generationId: number): Uint8Array | null;
  /** Computes the assignment: memberId → its partitions. `partitionsPerTopic` gives the partition count of each subscribed topic. Deterministic for equal input. */
  assign(
    members: readonly MemberSubscription[],
    partitionsPerTopic: ReadonlyMap<string, number>,
    partitionRacks?: PartitionRacks,
  ): Map<string, TopicPartitions[]>;
}

/**
 * The racks of each partition's replicas, by topic then partition index (KIP-881): what lets an
 * assignor give members (whose subscriptions name their `rackId`) partitions they can fetch
 * from a replica in their own rack (KIP-392). Missing topics or partitions have no known racks.
 */
export type PartitionRacks = ReadonlyMap<string, readonly (readonly string[])[]>;

/**
 * The replica racks of `topics`' partitions, from cluster metadata (brokers' `broker.rack`).
 *
 * @example Two replicas, one broker with a rack
 * ```ts
 * import { partitionRacks } from "./assignor.ts";
 * import assert from "node:assert/strict";
 *
 * const meta = {
 *   brokers: new Map([[1, { rack: "r1" }], [2, { rack: null }]]),
 *   topics: new Map([["t", { partitions: [{ partition: 0, replicas: [1, 2] }] }]]),
 * };
 * assert.deepEqual(partitionRacks(meta, ["t"]).get("t"), [["r1"]]);
 * ```
 */
export function partitionRacks(
  meta: {
    readonly brokers: ReadonlyMap<number, { readonly rack: string | null }>;
    readonly topics: ReadonlyMap<
      string,
      { readonly partitions: readonly { partition: number; replicas: readonly number[] }[] }
    >;
  },
  topics: readonly string[],
): PartitionRacks {
  const out = new Map<string, string[][]>();
  for (const t of topics) {
    const partitions = meta.topics.get(t)?.partitions ?? [];
    const byIndex: string[][] = partitions.map(() => []);
    for (const p of partitions) {
      // Indexed by partition number; one out of range is left out rather than sized for.
      if (p.partition >= 0 && p.partition < byIndex.length) {
        byIndex[p.partition] = p.replicas.flatMap((n) => meta.brokers.get(n)?.rack ?? []);
      }
    }
    out.set(t, byIndex);
  }
  return out;
}

/**
 * Compares two strings by UTF-16 code unit, which is the order of Java's `String.compareTo`.
 *
 * @example Upper case sorts before lower case
 * ```ts
 * import { compareStrings } from "./assignor.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(["b", "a", "B"].sort(compareStrings), ["B", "a", "b"]);
 * ```
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Orders members as the Java client's assignors do (its `MemberInfo`): static members first, by
 * `group.instance.id`, then dynamic members by member id. Ordering static members by instance id
 * keeps their ranges stable across restarts, which give them a new member id.
 *
 * @example A static member sorts first whatever its member id
 * ```ts
 * import { compareMembers, type MemberSubscription } from "./assignor.ts";
 * import assert from "node:assert/strict";
 *
 * const member = (memberId: string, groupInstanceId: string | null): MemberSubscription => ({
 *   memberId, groupInstanceId, topics: ["t"], userData: null, ownedPartitions: [],
 *   generationId: -1, rackId: null,
 * });
 * const sorted = [member("a", null), member("z", "instance-1")].sort(compareMembers);
 * assert.deepEqual(sorted.map((m) => m.memberId), ["z", "a"]);
 * ```
 */
export function compareMembers(
  a: Pick<MemberSubscription, "memberId" | "groupInstanceId">,
  b: Pick<MemberSubscription, "memberId" | "groupInstanceId">,
): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null) {
    return compareStrings(a.groupInstanceId, b.groupInstanceId) ||
      compareStrings(a.memberId, b.memberId);
  }
  if (a.groupInstanceId !== null) return -1;
  if (b.groupInstanceId !== null) return 1;
  return compareStrings(a.memberId, b.memberId);
}

/**
 * Returns `members` in {@linkcode compareMembers} order, after checking that member ids are unique
 * and partition counts are whole numbers, the checks every assignor makes on its input.
 *
 * @example Members come back in Java's order
 * ```ts
 * import { sortedMembers, type MemberSubscription } from "./assignor.ts";
 * import assert from "node:assert/strict";
 *
 * const member = (memberId: string): MemberSubscription => ({
 *   memberId, groupInstanceId: null, topics: ["t"], userData: null, ownedPartitions: [],
 *   generationId: -1, rackId: null,
 * });
 * const sorted = sortedMembers([member("b"), member("a")], new Map([["t", 1]]));
 * assert.deepEqual(sorted.map((m) => m.memberId), ["a", "b"]);
 * assert.throws(() => sortedMembers([member("a"), member("a")], new Map()), TypeError);
 * ```
 */
export function sortedMembers(
  members: readonly MemberSubscription[],
  partitionsPerTopic: ReadonlyMap<string, number>,
): MemberSubscription[] {
  const ids = new Set<string>();
  for (const m of members) {
    if (ids.has(m.memberId)) {
      throw new TypeError(
        `Cannot assign partitions as member ids must be unique: current value is ${
          JSON.stringify(m.memberId)
        }`,
      );
    }
    ids.add(m.memberId);
  }
  for (const [topic, count] of partitionsPerTopic) {
    if (!Number.isInteger(count) || count < 0 || count > 0x7fffffff) {
      throw new RangeError(
        `Cannot assign partitions as the partition count of ${
          JSON.stringify(topic)
        } must be a whole number from 0 to 2^31-1: current value is ${count}`,
      );
    }
  }
  return [...members].sort(compareMembers);
}

/**
 * Groups `[topic, partition]` pairs into the form assignors return: one entry per topic, topics
 * sorted by {@linkcode compareStrings}, partitions ascending.
 *
 * @example Pairs in any order come back grouped and sorted
 * ```ts
 * import { groupPartitions } from "./assignor.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(groupPartitions([["b", 1], ["a", 2], ["b", 0]]), [
 *   { topic: "a", partitions: [2] },
 *   { topic: "b", partitions: [0, 1] },
 * ]);
 * ```
 */
export function groupPartitions(pairs: Iterable<readonly [string, number]>): TopicPartitions[] {
  const byTopic = new Map<string, number[]>();
  for (const [topic, partition] of pairs) {
    const list = byTopic.get(topic);
    if (list) list.push(partition);
    else byTopic.set(topic, [partition]);
  }
  return [...byTopic.keys()].sort(compareStrings).map((topic) => ({
    topic,
    partitions: byTopic.get(topic)!.sort((x, y) => x - y),
  }));
}
