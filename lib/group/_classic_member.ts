// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The classic group protocol's state machine: JoinGroup, SyncGroup, Heartbeat, LeaveGroup.
 *
 * @module
 */

import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import { sleep } from "../util/sleep.ts";
import { emit } from "../observe/kafka_event.ts";
import { type Assignor, type MemberSubscription, partitionRacks } from "./assignor.ts";
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from "./consumer_protocol.ts";
import { claimKey as key } from "./claim.ts";
import { coordinatorLost, REJOINABLE, transient } from "./_group_errors.ts";
import type { GroupSession } from "./_group_session.ts";
import type { OwnedClaims } from "./_owned_claims.ts";

/**
 * A member under the classic protocol: joins and syncs (the leader runs the client-side
 * assignor), heartbeats until the coordinator starts a rebalance or the subscription changes,
 * and joins again. With an eager assignor every partition is given up before joining; with a
 * cooperative one (KIP-429) only the partitions that move, and the rest keep flowing.
 *
 * @example Whether an assignor is cooperative
 * ```ts
 * import { isCooperative } from "./_classic_member.ts";
 * import assert from "node:assert/strict";
 *
 * const a = { name: "x", protocols: ["cooperative"], subscriptionUserData: () => null };
 * // deno-lint-ignore no-explicit-any
 * assert.equal(isCooperative(a as any), true);
 * ```
 */
export class ClassicMember {
  readonly #s: GroupSession;
  readonly #claims: OwnedClaims;
  #rejoinReason: string | null = null;
  #protocol: Assignor | undefined;

  /** The member of `session`, owning `claims`. */
  constructor(session: GroupSession, claims: OwnedClaims) {
    this.#s = session;
    this.#claims = claims;
    session.keepAlive = (signal) => this.#keepAlive(signal);
  }

  /** Joins and heartbeats until the session closes; throws a fatal group error. */
  async run(): Promise<void> {
    const s = this.#s;
    while (!s.closed) {
      try {
        await this.#joinAndSync();
        if (s.closed) break;
        await this.#heartbeatUntilRebalance();
      } catch (e) {
        if (s.closed) break;
        emit(s.client.options.observe, { type: "error", source: "groupConsumer", error: e });
        const code = e instanceof KafkaError ? e.code : -1;
        if (code === ErrorCode.UNKNOWN_MEMBER_ID) {
          s.memberId = "";
          await this.#claims.revoke(this.#claims.keys(), false);
        } else if (code === ErrorCode.ILLEGAL_GENERATION) {
          await this.#claims.revoke(this.#claims.keys(), false);
        }
        if (coordinatorLost(e)) s.client.forgetCoordinator(s.options.groupId);
        if (e instanceof KafkaError && !e.retriable && !REJOINABLE.has(code)) throw e;
        s.stage.set("retrying");
        // Cut short by close; the loop then sees `closed` and leaves the group.
        await sleep(200, s.stop.signal).catch(() => {});
      }
    }
  }

  /** Leaves the group (LeaveGroup), unless static: a static member's restart keeps its place. */
  async leave(): Promise<void> {
    const s = this.#s;
    const o = s.options;
    if (o.groupInstanceId !== undefined || s.memberId === "") return;
    const coordinator = await s.client.coordinator(o.groupId).catch(() => -1);
    const conn = coordinator >= 0
      ? await s.client.connection(coordinator).catch(() => undefined)
      : undefined;
    if (conn === undefined) return;
    // v0-2 name the member directly; v3+ (batched leave, KIP-345) list members instead.
    const v = conn.versions.version(API_TABLE[13].info.key);
    // Best effort: the session timeout removes a member whose leave is lost.
    await conn.request(
      API_TABLE[13],
      v >= 3
        ? {
          groupId: o.groupId,
          members: [{
            memberId: s.memberId,
            groupInstanceId: null,
            reason: "the consumer is closing",
          }],
        }
        : { groupId: o.groupId, memberId: s.memberId },
      { version: v },
    ).catch(() => {});
  }

  async #joinAndSync(): Promise<void> {
    const s = this.#s;
    const o = s.options;
    const claims = this.#claims;
    if (this.#protocol === undefined || !isCooperative(this.#protocol)) {
      // Eager: everything owned is given up (its marks committed) before joining again.
      await claims.revoke(claims.keys(), true);
    }
    const topics = s.subscribedTopics();
    const owned = claims.assignment();
    const coordinator = await s.client.coordinator(o.groupId);
    s.stage.set("request in flight");
    const protocols = o.assignors.map((a) => ({
      name: a.name,
      metadata: encodeSubscription({
        topics,
        userData: a.subscriptionUserData(owned, s.generationId),
        ownedPartitions: owned,
        generationId: s.generationId,
        rackId: o.consumer?.rack || null, // KIP-881
      }),
    }));
    let join;
    for (;;) {
      join = await s.client.request(coordinator, API_TABLE[11], {
        groupId: o.groupId,
        sessionTimeoutMs: o.sessionTimeoutMs,
        rebalanceTimeoutMs: o.rebalanceTimeoutMs,
        memberId: s.memberId,
        groupInstanceId: o.groupInstanceId ?? null,
        protocolType: "consumer",
        protocols,
        reason: this.#rejoinReason,
        // The coordinator parks a JoinGroup until the group rebalances (up to the rebalance
        // timeout): on its own connection it holds up no heartbeat, commit or other group.
      }, { timeoutMs: o.rebalanceTimeoutMs + 5000, kind: "join" });
      if (join.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
        s.memberId = join.memberId; // KIP-394: join again with the id the coordinator gave
        continue;
      }
      break;
    }
    if (join.errorCode !== 0) throw new KafkaError(join.errorCode, { api: "JoinGroup" });
    s.memberId = join.memberId;
    s.generationId = join.generationId ?? -1;
    this.#rejoinReason = null;
    const protocol = o.assignors.find((a) => a.name === join.protocolName) ?? o.assignors[0]!;
    this.#protocol = protocol;
    let assignments: { memberId: string; assignment: Uint8Array }[] = [];
    if (join.leader === join.memberId && !join.skipAssignment) {
      assignments = await this.#assign(protocol, join.members);
    }
    const sync = await s.client.request(coordinator, API_TABLE[14], {
      groupId: o.groupId,
      generationId: s.generationId,
      memberId: s.memberId,
      groupInstanceId: o.groupInstanceId ?? null,
      protocolType: "consumer",
      protocolName: protocol.name,
      assignments,
    }, { timeoutMs: o.rebalanceTimeoutMs + 5000, kind: "join" });
    if (sync.errorCode !== 0) throw new KafkaError(sync.errorCode, { api: "SyncGroup" });
    const assigned = decodeAssignment(sync.assignment).assignedPartitions;
    const wanted = new Set<string>();
    for (const t of assigned) for (const p of t.partitions) wanted.add(key(t.topic, p));
    const lost = claims.keys().filter((k) => !wanted.has(k));
    const gained = [...wanted].filter((k) => !claims.has(k));
    s.inGeneration = true;
    if (lost.length > 0) {
      await claims.revoke(lost, true);
      // Cooperative: what was given up can now go to its new owner in a follow-up round.
      this.#rejoinReason = "cooperative follow-up after revoking partitions";
    }
    await claims.claim(gained);
    s.stage.counters.generation = s.generationId;
    s.stage.counters.partitions = claims.size;
    s.stage.set("idle");
  }

  async #assign(
    protocol: Assignor,
    members: { memberId: string; groupInstanceId?: string | null; metadata: Uint8Array }[],
  ) {
    const subs: MemberSubscription[] = members.map((m) => {
      const s = decodeSubscription(m.metadata);
      return {
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId ?? null,
        topics: s.topics,
        userData: s.userData ?? null,
        ownedPartitions: s.ownedPartitions ?? [],
        generationId: s.generationId ?? -1,
        rackId: s.rackId ?? null,
      };
    });
    const topics = [...new Set(subs.flatMap((s) => s.topics))].sort();
    const meta = await this.#s.client.refreshMetadata(topics);
    const counts = new Map<string, number>();
    for (const t of topics) {
      const info = meta.topics.get(t);
      if (info && info.errorCode === 0) counts.set(t, info.partitions.length);
    }
    const result = protocol.assign(subs, counts, partitionRacks(meta, topics)); // KIP-881
    return subs.map((s) => ({
      memberId: s.memberId,
      assignment: encodeAssignment({
        assignedPartitions: result.get(s.memberId) ?? [],
        userData: null,
      }),
    }));
  }

  /**
   * Heartbeats while a revocation waits for the reader, until `signal` aborts. The answers
   * (REBALANCE_IN_PROGRESS, most likely) change nothing: the join that follows acts on the
   * group's state. It stops at an error that means the member is out.
   */
  async #keepAlive(signal: AbortSignal): Promise<void> {
    const s = this.#s;
    const o = s.options;
    if (s.memberId === "" || s.generationId < 0) return;
    while (!signal.aborted) {
      try {
        await sleep(o.heartbeatIntervalMs, signal);
        const coordinator = await s.client.coordinator(o.groupId);
        const res = await s.client.request(coordinator, API_TABLE[12], {
          groupId: o.groupId,
          generationId: s.generationId,
          memberId: s.memberId,
          groupInstanceId: o.groupInstanceId ?? null,
        });
        s.stage.add("heartbeats", 1);
        if (coordinatorLost(res.errorCode)) s.client.forgetCoordinator(o.groupId);
        else if (res.errorCode !== 0 && res.errorCode !== ErrorCode.REBALANCE_IN_PROGRESS) return;
      } catch (e) {
        // Aborted, or a transient failure: the next round (or the join after) finds out more.
        if (signal.aborted || !transient(e)) return;
        s.client.forgetCoordinator(o.groupId);
        s.stage.add("heartbeatRetries", 1);
      }
    }
  }

  async #heartbeatUntilRebalance(): Promise<void> {
    const s = this.#s;
    const o = s.options;
    if (this.#rejoinReason !== null) return;
    // The subscribed topics and their partition counts, from the client's metadata cache
    // (refreshed every metadataMaxAgeMs): a change means the assignment is out of date.
    const subscribed = s.subscriptionShape();
    while (!s.closed) {
      await s.idle(o.heartbeatIntervalMs);
      if (s.closed) return;
      if (s.subscriptionShape() !== subscribed) {
        this.#rejoinReason = "the subscribed topics or their partition counts changed";
        return;
      }
      s.stage.set("request in flight");
      let res;
      try {
        const coordinator = await s.client.coordinator(o.groupId);
        res = await s.client.request(coordinator, API_TABLE[12], {
          groupId: o.groupId,
          generationId: s.generationId,
          memberId: s.memberId,
          groupInstanceId: o.groupInstanceId ?? null,
        });
      } catch (e) {
        // As Java's: a lost connection or a timeout is no reason to rebalance. Find the
        // coordinator again and send the next heartbeat; if the session expired meanwhile,
        // the coordinator answers UNKNOWN_MEMBER_ID and the member joins again then.
        if (!transient(e)) throw e;
        s.client.forgetCoordinator(o.groupId);
        s.stage.add("heartbeatRetries", 1);
        continue;
      }
      s.stage.add("heartbeats", 1);
      s.stage.set("idle");
      if (coordinatorLost(res.errorCode)) {
        s.client.forgetCoordinator(o.groupId);
        s.stage.add("heartbeatRetries", 1);
        continue;
      }
      if (res.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) {
        this.#rejoinReason = "the coordinator started a rebalance";
        return;
      }
      if (res.errorCode !== 0) throw new KafkaError(res.errorCode, { api: "Heartbeat" });
    }
  }
}

/** Whether `a` rebalances cooperatively (KIP-429): only moving partitions are given up. */
export function isCooperative(a: Assignor): boolean {
  return a.protocols.includes("cooperative");
}
