// Copyright 2026 the kanal authors. MIT license.
/**
 * The "roundrobin" assignor: all partitions dealt out in turn to the members.
 *
 * @module
 */

import {
  type Assignor,
  compareStrings,
  groupPartitions,
  type MemberSubscription,
  type RebalanceProtocol,
  sortedMembers,
  type TopicPartitions,
} from "./assignor.ts";

/**
 * Java's `RoundRobinAssignor`: every partition of every subscribed topic, topics sorted and
 * partitions in order, is dealt to the members in turn (Java's member order: static members by
 * `group.instance.id`, then by member id), skipping a member not subscribed to the partition's
 * topic. With equal subscriptions the counts differ by at most one. Eager only.
 *
 * @example Two topics of three partitions over two members
 * ```ts
 * import { roundRobinAssignor } from "./round_robin_assignor.ts";
 * import assert from "node:assert/strict";
 *
 * const member = (memberId: string) => ({
 *   memberId, groupInstanceId: null, topics: ["t0", "t1"], userData: null, ownedPartitions: [],
 *   generationId: -1, rackId: null,
 * });
 * const result = roundRobinAssignor().assign(
 *   [member("a"), member("b")],
 *   new Map([["t0", 3], ["t1", 3]]),
 * );
 * assert.deepEqual(result.get("a"), [
 *   { topic: "t0", partitions: [0, 2] },
 *   { topic: "t1", partitions: [1] },
 * ]);
 * assert.deepEqual(result.get("b"), [
 *   { topic: "t0", partitions: [1] },
 *   { topic: "t1", partitions: [0, 2] },
 * ]);
 * ```
 */
export function roundRobinAssignor(): Assignor {
  return {
    name: "roundrobin",
    protocols: EAGER,
    subscriptionUserData: noUserData,
    assign: roundRobinAssign,
  };
}

const EAGER: readonly RebalanceProtocol[] = Object.freeze(["eager"]);

function noUserData(): null {
  return null;
}

/** Deals the partitions out in turn; every member gets an entry. */
function roundRobinAssign(
  members: readonly MemberSubscription[],
  partitionsPerTopic: ReadonlyMap<string, number>,
): Map<string, TopicPartitions[]> {
  const sorted = sortedMembers(members, partitionsPerTopic);
  const subscribed = sorted.map((m) => new Set(m.topics));
  const topics = new Set<string>();
  for (const set of subscribed) for (const t of set) topics.add(t);
  const pairs: [string, number][][] = sorted.map(() => []);
  // The turn passes on after each partition dealt, so it survives from topic to topic.
  let turn = 0;
  for (const topic of [...topics].sort(compareStrings)) {
    const count = partitionsPerTopic.get(topic);
    if (count === undefined) continue;
    for (let p = 0; p < count; p++) {
      // Some member subscribes to `topic` (it came from a subscription), so this ends.
      while (!subscribed[turn]!.has(topic)) turn = (turn + 1) % sorted.length;
      pairs[turn]!.push([topic, p]);
      turn = (turn + 1) % sorted.length;
    }
  }
  return new Map(sorted.map((m, i) => [m.memberId, groupPartitions(pairs[i]!)]));
}
