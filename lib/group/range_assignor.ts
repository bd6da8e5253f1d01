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
 * Without partition replica racks in its input it is Java's assignor with rack awareness off.
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

/** Cuts each known topic into ranges over its subscribers; every member gets an entry. */
function rangeAssign(
  members: readonly MemberSubscription[],
  partitionsPerTopic: ReadonlyMap<string, number>,
): Map<string, TopicPartitions[]> {
  const sorted = sortedMembers(members, partitionsPerTopic);
  const subscribers = new Map<string, string[]>();
  for (const m of sorted) {
    for (const topic of new Set(m.topics)) {
      if (!partitionsPerTopic.has(topic)) continue;
      const list = subscribers.get(topic);
      if (list) list.push(m.memberId);
      else subscribers.set(topic, [m.memberId]);
    }
  }
  const result = new Map<string, TopicPartitions[]>(sorted.map((m) => [m.memberId, []]));
  for (const topic of [...subscribers.keys()].sort(compareStrings)) {
    const ids = subscribers.get(topic)!;
    const count = partitionsPerTopic.get(topic)!;
    const base = Math.floor(count / ids.length);
    const extra = count % ids.length;
    for (let i = 0; i < ids.length; i++) {
      const start = base * i + Math.min(i, extra);
      const length = base + (i < extra ? 1 : 0);
      if (length === 0) continue;
      const partitions: number[] = [];
      for (let p = start; p < start + length; p++) partitions.push(p);
      result.get(ids[i]!)!.push({ topic, partitions });
    }
  }
  return result;
}
