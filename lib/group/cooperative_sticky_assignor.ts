// Copyright 2026 the kanal authors. MIT license.
/**
 * The "cooperative-sticky" assignor: the sticky assignment, handed out in the two phases of
 * incremental cooperative rebalancing (KIP-429).
 *
 * @module
 */

import type {
  Assignor,
  MemberSubscription,
  PartitionRacks,
  RebalanceProtocol,
  TopicPartitions,
} from "./assignor.ts";
import { assignSticky, type StickyMemberData } from "./abstract_sticky_assignor.ts";

/**
 * Java's `CooperativeStickyAssignor`. It computes the sticky assignment from each member's
 * `ownedPartitions` and generation, then withholds every partition that some other member still
 * claims: that owner keeps consuming everything else, revokes just the moving partitions, and
 * rejoins; the follow-up rebalance then hands them to their new owners. Partitions that do not
 * move never stop flowing.
 *
 * A partition is withheld when its new owner does not list it in `ownedPartitions` and some
 * other member does, whatever that member's generation: a stale owner may still be reading it.
 * (Java withholds only partitions moving from the owner it trusts, and gives a partition claimed
 * by two members of one generation straight to a third.)
 *
 * Its userData is Java's: the member's generation as an int32, which the leader reads only when
 * the subscription itself carries none (versions before 2).
 *
 * @example A partition that moves is revoked first and assigned one rebalance later
 * ```ts
 * import { cooperativeStickyAssignor } from "./cooperative_sticky_assignor.ts";
 * import assert from "node:assert/strict";
 *
 * const assignor = cooperativeStickyAssignor();
 * const member = (memberId: string, owned: number[]) => ({
 *   memberId, groupInstanceId: null, topics: ["t"], userData: null, rackId: null,
 *   ownedPartitions: owned.length ? [{ topic: "t", partitions: owned }] : [],
 *   generationId: owned.length ? 1 : -1,
 * });
 * const partitions = new Map([["t", 4]]);
 * // b joins: a keeps two partitions and, for now, b gets nothing.
 * const first = assignor.assign([member("a", [0, 1, 2, 3]), member("b", [])], partitions);
 * assert.deepEqual(first.get("a"), [{ topic: "t", partitions: [0, 1] }]);
 * assert.deepEqual(first.get("b"), []);
 * // a revoked 2 and 3 and rejoined; now b gets them.
 * const second = assignor.assign([member("a", [0, 1]), member("b", [])], partitions);
 * assert.deepEqual(second.get("a"), [{ topic: "t", partitions: [0, 1] }]);
 * assert.deepEqual(second.get("b"), [{ topic: "t", partitions: [2, 3] }]);
 * ```
 */
export function cooperativeStickyAssignor(): Assignor {
  return {
    name: "cooperative-sticky",
    // Cooperative first; eager too, for groups upgrading from an eager assignor.
    protocols: BOTH,
    subscriptionUserData: generationUserData,
    assign: cooperativeAssign,
  };
}

const BOTH: readonly RebalanceProtocol[] = Object.freeze(["cooperative", "eager"]);

/** Java's cooperative userData: the generation as an int32 (-1 before any assignment). */
function generationUserData(_owned: readonly TopicPartitions[], generationId: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, generationId);
  return bytes;
}

/** The sticky assignment less the partitions moving from another member, who must revoke them first. */
function cooperativeAssign(
  members: readonly MemberSubscription[],
  partitionsPerTopic: ReadonlyMap<string, number>,
  partitionRacks?: PartitionRacks,
): Map<string, TopicPartitions[]> {
  const sticky = assignSticky(members, partitionsPerTopic, cooperativeMemberData, partitionRacks);
  // topic → partition → the members that claim it now.
  const claims = new Map<string, Map<number, string[]>>();
  for (const m of members) {
    for (const tp of m.ownedPartitions) {
      let byPartition = claims.get(tp.topic);
      if (!byPartition) claims.set(tp.topic, byPartition = new Map());
      for (const p of tp.partitions) {
        const claimants = byPartition.get(p);
        if (claimants) claimants.push(m.memberId);
        else byPartition.set(p, [m.memberId]);
      }
    }
  }
  const result = new Map<string, TopicPartitions[]>();
  for (const [memberId, assigned] of sticky) {
    const kept: TopicPartitions[] = [];
    for (const tp of assigned) {
      const byPartition = claims.get(tp.topic);
      const partitions = byPartition
        ? tp.partitions.filter((p) => {
          // Moving: another member owns it now, and the new owner does not.
          const claimants = byPartition.get(p);
          return claimants === undefined || claimants.includes(memberId);
        })
        : tp.partitions;
      if (partitions.length > 0) kept.push({ topic: tp.topic, partitions });
    }
    result.set(memberId, kept);
  }
  return result;
}

/**
 * What the cooperative assignor knows of a member: its ownedPartitions, and the generation from the
 * subscription (v2+) or else from the userData Java's cooperative assignor writes.
 */
function cooperativeMemberData(m: MemberSubscription): StickyMemberData {
  let generationId = m.generationId;
  if (generationId < 0 && m.userData !== null && m.userData.length >= 4) {
    const u = m.userData;
    generationId = new DataView(u.buffer, u.byteOffset, u.byteLength).getInt32(0);
  }
  return { partitions: m.ownedPartitions, generationId };
}
