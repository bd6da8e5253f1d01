// Copyright 2026 the kanal authors. MIT license.
/**
 * The "range" assignor: each topic's partitions cut into contiguous ranges, one per subscriber.
 *
 * @module
 */

import {
  type Assignor,
  compareStrings,
  type MemberSubscription,
  type PartitionRacks,
  type RebalanceProtocol,
  sortedMembers,
  type TopicPartitions,
} from "./assignor.ts";

/**
 * Java's `RangeAssignor`, first of the Java client's default assignors: for each topic, its subscribers in
 * Java's member order (static members by `group.instance.id`, then by member id) each take a
 * contiguous range of partitions, the first `count % subscribers` of them one more than the rest.
 * Topics are cut independently, so members that share several topics get the same partition
 * numbers of each: useful for joins over co-partitioned topics. Eager only.
 *
 * Rack-aware as Java's (KIP-881): when members name their racks and `partitionRacks` shows
 * some partitions without a replica in every rack, each member first takes, within its share,
 * the partitions with a replica in its own rack (co-partitioned topics together, so they keep
 * the same partition numbers), and the rest are then cut into ranges as usual. Without racks
 * it is Java's assignor with rack awareness off.
 *
 * @example Two topics of three partitions over two members
 * ```ts
 * import { rangeAssignor } from "./range_assignor.ts";
 * import assert from "node:assert/strict";
 *
 * const member = (memberId: string) => ({
 *   memberId, groupInstanceId: null, topics: ["t0", "t1"], userData: null, ownedPartitions: [],
 *   generationId: -1, rackId: null,
 * });
 * const result = rangeAssignor().assign(
 *   [member("b"), member("a")],
 *   new Map([["t0", 3], ["t1", 3]]),
 * );
 * assert.deepEqual(result.get("a"), [
 *   { topic: "t0", partitions: [0, 1] },
 *   { topic: "t1", partitions: [0, 1] },
 * ]);
 * assert.deepEqual(result.get("b"), [
 *   { topic: "t0", partitions: [2] },
 *   { topic: "t1", partitions: [2] },
 * ]);
 * ```
 */
export function rangeAssignor(): Assignor {
  return { name: "range", protocols: EAGER, subscriptionUserData: noUserData, assign: rangeAssign };
}

const EAGER: readonly RebalanceProtocol[] = Object.freeze(["eager"]);

function noUserData(): null {
  return null;
}

/** One topic's assignment in progress, as Java's `RangeAssignor.TopicAssignmentState`. */
interface TopicState {
  readonly topic: string;
  /** Its subscribers in member order, with their racks. */
  readonly members: readonly MemberSubscription[];
  readonly count: number;
  readonly unassigned: Set<number>;
  readonly assigned: Map<string, number>;
  readonly perMember: number;
  extra: number;
  /** Each partition's replica racks, when known. */
  readonly racks: readonly (readonly string[])[] | undefined;
  readonly rackAware: boolean;
}

function topicState(
  topic: string,
  members: readonly MemberSubscription[],
  count: number,
  racks: readonly (readonly string[])[] | undefined,
): TopicState {
  const memberRacks = new Set(members.flatMap((m) => m.rackId === null ? [] : [m.rackId]));
  const partitionRacks = new Set((racks ?? []).flat());
  // As Java's useRackAwareAssignment: only when some member's rack has replicas, and not every
  // partition has replicas in every rack (then any assignment is as good).
  const rackAware = memberRacks.size > 0 && [...memberRacks].some((r) => partitionRacks.has(r)) &&
    !Array.from({ length: count }, (_, p) => new Set(racks?.[p] ?? []))
      .every((s) => s.size === partitionRacks.size);
  return {
    topic,
    members,
    count,
    unassigned: new Set(Array.from({ length: count }, (_, p) => p)),
    assigned: new Map(members.map((m) => [m.memberId, 0])),
    perMember: Math.floor(count / members.length),
    extra: count % members.length,
    racks,
    rackAware,
  };
}

function racksMatch(t: TopicState, m: MemberSubscription, partition: number): boolean {
  return m.rackId === null || (t.racks?.[partition]?.includes(m.rackId) ?? false);
}

function maxAssignable(t: TopicState, memberId: string): number {
  return Math.max(0, t.perMember + (t.extra > 0 ? 1 : 0) - t.assigned.get(memberId)!);
}

function give(
  t: TopicState,
  memberId: string,
  partitions: number[],
  result: Map<string, TopicPartitions[]>,
): void {
  if (partitions.length === 0) return;
  const list = result.get(memberId)!;
  const at = list.findIndex((x) => x.topic === t.topic);
  if (at < 0) list.push({ topic: t.topic, partitions });
  else list[at] = { topic: t.topic, partitions: [...list[at]!.partitions, ...partitions] };
  const n = t.assigned.get(memberId)! + partitions.length;
  t.assigned.set(memberId, n);
  if (n > t.perMember) t.extra--;
  for (const p of partitions) t.unassigned.delete(p);
}

/** Java's assignRanges: each member in order takes up to its share of what `may` allows. */
function assignRanges(
  t: TopicState,
  may: (m: MemberSubscription, p: number) => boolean,
  result: Map<string, TopicPartitions[]>,
): void {
  for (const m of t.members) {
    if (t.unassigned.size === 0) break;
    const limit = maxAssignable(t, m.memberId);
    const take: number[] = [];
    for (const p of t.unassigned) {
      if (take.length >= limit) break;
      if (may(m, p)) take.push(p);
    }
    give(t, m.memberId, take, result);
  }
}

/** Java's assignCoPartitionedWithRackMatching: partition p of every topic to one member. */
function assignCoPartitioned(
  states: readonly TopicState[],
  result: Map<string, TopicPartitions[]>,
): void {
  const remaining = [...states[0]!.members];
  for (let p = 0; p < states[0]!.count && remaining.length > 0; p++) {
    const m = remaining.find((m) =>
      states.every((t) => racksMatch(t, m, p) && maxAssignable(t, m.memberId) > 0)
    );
    if (m === undefined) continue;
    for (const t of states) give(t, m.memberId, t.unassigned.has(p) ? [p] : [], result);
    if (states.every((t) => maxAssignable(t, m.memberId) === 0)) {
      remaining.splice(remaining.indexOf(m), 1);
    }
  }
}

/** Cuts each known topic into ranges over its subscribers; every member gets an entry. */
function rangeAssign(
  members: readonly MemberSubscription[],
  partitionsPerTopic: ReadonlyMap<string, number>,
  partitionRacks?: PartitionRacks,
): Map<string, TopicPartitions[]> {
  const sorted = sortedMembers(members, partitionsPerTopic);
  const subscribers = new Map<string, MemberSubscription[]>();
  for (const m of sorted) {
    for (const topic of new Set(m.topics)) {
      if (!partitionsPerTopic.has(topic)) continue;
      const list = subscribers.get(topic);
      if (list) list.push(m);
      else subscribers.set(topic, [m]);
    }
  }
  const result = new Map<string, TopicPartitions[]>(sorted.map((m) => [m.memberId, []]));
  const states = [...subscribers.keys()].sort(compareStrings).map((topic) =>
    topicState(
      topic,
      subscribers.get(topic)!,
      partitionsPerTopic.get(topic)!,
      partitionRacks?.get(topic),
    )
  );
  if (states.some((t) => t.rackAware)) {
    // Topics with the same subscribers and partition count are assigned together, so that
    // co-partitioned topics keep going to the same member partition by partition.
    const groups = new Map<string, TopicState[]>();
    for (const t of states) {
      const k = `${t.members.map((m) => m.memberId).join("\u0000")}\u0001${t.count}`;
      groups.set(k, [...(groups.get(k) ?? []), t]);
    }
    for (const group of groups.values()) {
      if (group.length > 1) assignCoPartitioned(group, result);
      else if (group[0]!.rackAware) {
        assignRanges(group[0]!, (m, p) => racksMatch(group[0]!, m, p), result);
      }
    }
  }
  for (const t of states) assignRanges(t, () => true, result);
  // In topic then partition order, whichever pass gave them.
  for (const [member, list] of result) {
    result.set(
      member,
      list.map((t) => ({ topic: t.topic, partitions: [...t.partitions].sort((a, b) => a - b) }))
        .sort((a, b) => compareStrings(a.topic, b.topic)),
    );
  }
  return result;
}
