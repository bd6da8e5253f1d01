// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * KIP-848 consumer groups for the fake cluster: members heartbeat their subscriptions, the
 * coordinator computes the target assignment with a server-side assignor (`uniform` or
 * `range`), and each member reconciles towards it: it first gives up what is no longer its,
 * then gets the new epoch, then the partitions others have released.
 *
 * @module
 */

import { ErrorCode } from "../protocol/error_codes.ts";
import type { ClusterState } from "./cluster_state.ts";
import { randomUuid } from "./cluster_state.ts";

/** One member of a consumer group. */
export interface ConsumerGroupMember {
  /** The member id. */
  readonly memberId: string;
  /** The static instance id, or null. */
  instanceId: string | null;
  /** The member epoch. */
  epoch: number;
  /** The epoch before the last bump (a heartbeat in flight may still carry it). */
  previousEpoch: number;
  /** The topics it subscribes to. */
  subscription: string[];
  /** The assignor it asked for, or null. */
  serverAssignor: string | null;
  /** The rebalance timeout it sent. */
  rebalanceTimeoutMs: number;
  /** What it reported owning, as `topicId:partition`. */
  owned: Set<string>;
  /** What it was last told it has, as `topicId:partition`, or null before the first answer. */
  sent: Set<string> | null;
  /** The session timer. */
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** One consumer group. */
export interface ConsumerGroup {
  /** The group id. */
  readonly groupId: string;
  /** Goes up on every change of members or subscriptions. */
  groupEpoch: number;
  /** The epoch the target assignment was computed at. */
  targetEpoch: number;
  /** Members by id. */
  readonly members: Map<string, ConsumerGroupMember>;
  /** The target assignment: member id to `topicId:partition` keys. */
  target: Map<string, Set<string>>;
  /** The subscribed topics' ids and partition counts when the target was computed. */
  topicsSeen: string;
}

/** What a heartbeat is answered with. */
export interface ConsumerHeartbeatResult {
  /** Kafka's error code. */
  errorCode: number;
  /** A message for the error. */
  errorMessage: string | null;
  /** The member id. */
  memberId: string | null;
  /** The member epoch. */
  memberEpoch: number;
  /** The partitions the member should own now, by topic id; null when unchanged. */
  assignment: { topicId: string; partitions: number[] }[] | null;
}

/** What a heartbeat carries. */
export interface ConsumerHeartbeat {
  /** The group. */
  groupId: string;
  /** The member; empty to join. */
  memberId: string;
  /** The member epoch the client holds; 0 to join, -1 to leave. */
  memberEpoch: number;
  /** The static member id, if any. */
  instanceId: string | null;
  /** How long the member may take to revoke partitions. */
  rebalanceTimeoutMs: number;
  /** The topics subscribed to; null when unchanged. */
  subscribedTopicNames: string[] | null;
  /** The assignor asked for; null for the default. */
  serverAssignor: string | null;
  /** The partitions the member owns now; null when unchanged. */
  topicPartitions: { topicId: string; partitions: number[] }[] | null;
}

/** Server-side assignors the fake offers. */
export const SERVER_ASSIGNORS: readonly string[] = ["uniform", "range"];

/** Kafka's `group.consumer.session.timeout.ms`. */
const SESSION_TIMEOUT_MS = 45_000;

function fail(errorCode: number, errorMessage: string | null = null): ConsumerHeartbeatResult {
  return { errorCode, errorMessage, memberId: null, memberEpoch: -1, assignment: null };
}

/**
 * The fake's KIP-848 groups.
 *
 * @example One member gets every partition of its topic
 * ```ts
 * import { ClusterState } from "./cluster_state.ts";
 * import { ConsumerGroupCoordinator } from "./consumer_group_coordinator.ts";
 * import assert from "node:assert/strict";
 *
 * const state = new ClusterState();
 * const topic = state.createTopic("t", 2, 1);
 * assert.ok(typeof topic !== "number");
 * const groups = new ConsumerGroupCoordinator(state);
 * const r = groups.heartbeat({
 *   groupId: "g", memberId: "", memberEpoch: 0, instanceId: null, rebalanceTimeoutMs: 60000,
 *   subscribedTopicNames: ["t"], serverAssignor: null, topicPartitions: [],
 * });
 * assert.equal(r.memberEpoch, 1);
 * assert.deepEqual(r.assignment, [{ topicId: topic.id, partitions: [0, 1] }]);
 * groups.close();
 * ```
 */
export class ConsumerGroupCoordinator {
  /** Groups by id. */
  readonly groups: Map<string, ConsumerGroup> = new Map();
  readonly #state: ClusterState;
  /** Kafka's `group.consumer.session.timeout.ms`: a member silent this long is removed. */
  readonly sessionTimeoutMs: number;
  #closed = false;

  /**
   * Makes the coordinator over a cluster's state (for topics and partition counts);
   * `sessionTimeoutMs` defaults to Kafka's 45000.
   */
  constructor(state: ClusterState, sessionTimeoutMs: number = SESSION_TIMEOUT_MS) {
    this.#state = state;
    this.sessionTimeoutMs = sessionTimeoutMs;
  }

  /** Answers one ConsumerGroupHeartbeat. */
  heartbeat(req: ConsumerHeartbeat): ConsumerHeartbeatResult {
    if (req.groupId === "") return fail(ErrorCode.INVALID_REQUEST, "GroupId can't be empty.");
    if (req.serverAssignor !== null && !SERVER_ASSIGNORS.includes(req.serverAssignor)) {
      return fail(
        ErrorCode.UNSUPPORTED_ASSIGNOR,
        `Assignor ${req.serverAssignor} is not supported.`,
      );
    }
    let g = this.groups.get(req.groupId);
    if (req.memberEpoch < 0) {
      const m = g?.members.get(req.memberId);
      if (g === undefined || m === undefined) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      this.#remove(g, m);
      return {
        errorCode: 0,
        errorMessage: null,
        memberId: req.memberId,
        memberEpoch: req.memberEpoch,
        assignment: null,
      };
    }
    if (req.memberEpoch === 0) {
      if (req.subscribedTopicNames === null || req.rebalanceTimeoutMs < 0) {
        return fail(ErrorCode.INVALID_REQUEST, "A joining member must send its subscription.");
      }
      if (g === undefined) {
        g = {
          groupId: req.groupId,
          groupEpoch: 0,
          targetEpoch: 0,
          members: new Map(),
          target: new Map(),
          topicsSeen: "",
        };
        this.groups.set(req.groupId, g);
      }
      const memberId = req.memberId === "" ? randomUuid() : req.memberId;
      const old = g.members.get(memberId) ??
        (req.instanceId === null
          ? undefined
          : [...g.members.values()].find((m) => m.instanceId === req.instanceId));
      if (old !== undefined) this.#remove(g, old, false);
      const m: ConsumerGroupMember = {
        memberId,
        instanceId: req.instanceId,
        epoch: 0,
        previousEpoch: 0,
        subscription: [...req.subscribedTopicNames],
        serverAssignor: req.serverAssignor,
        rebalanceTimeoutMs: req.rebalanceTimeoutMs,
        owned: new Set(),
        sent: null,
        timer: undefined,
      };
      g.members.set(memberId, m);
      this.#bump(g);
      return this.#reconcile(g, m, req);
    }
    const m = g?.members.get(req.memberId);
    if (g === undefined || m === undefined) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (req.memberEpoch !== m.epoch && req.memberEpoch !== m.previousEpoch) {
      return fail(ErrorCode.FENCED_MEMBER_EPOCH, "The member epoch is stale.");
    }
    if (req.subscribedTopicNames !== null && !sameSet(req.subscribedTopicNames, m.subscription)) {
      m.subscription = [...req.subscribedTopicNames];
      this.#bump(g);
    }
    if (req.serverAssignor !== null) m.serverAssignor = req.serverAssignor;
    return this.#reconcile(g, m, req);
  }

  /**
   * Checks an OffsetCommit (or OffsetFetch) from a member of a consumer group: 0, or
   * UNKNOWN_MEMBER_ID / STALE_MEMBER_EPOCH. `undefined` when `groupId` is not a consumer group.
   */
  checkMember(groupId: string, memberId: string, epoch: number): number | undefined {
    const g = this.groups.get(groupId);
    if (g === undefined) return undefined;
    if (epoch < 0 && memberId === "") return g.members.size === 0 ? 0 : ErrorCode.UNKNOWN_MEMBER_ID;
    const m = g.members.get(memberId);
    if (m === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    return epoch === m.epoch ? 0 : ErrorCode.STALE_MEMBER_EPOCH;
  }

  /** Deletes an empty group; returns its error code, or undefined if it is not one. */
  delete(groupId: string): number | undefined {
    const g = this.groups.get(groupId);
    if (g === undefined) return undefined;
    if (g.members.size > 0) return ErrorCode.NON_EMPTY_GROUP;
    this.groups.delete(groupId);
    return 0;
  }

  /** Stops every session timer. */
  close(): void {
    this.#closed = true;
    for (const g of this.groups.values()) for (const m of g.members.values()) clearTimeout(m.timer);
  }

  #reconcile(
    g: ConsumerGroup,
    m: ConsumerGroupMember,
    req: ConsumerHeartbeat,
  ): ConsumerHeartbeatResult {
    this.#touch(g, m);
    if (req.topicPartitions !== null) {
      m.owned = new Set(
        req.topicPartitions.flatMap((t) => t.partitions.map((p) => `${t.topicId}:${p}`)),
      );
    }
    // A subscribed topic created, deleted or grown changes the target, as in Kafka.
    if (g.targetEpoch === g.groupEpoch && this.#topicsSignature(g) !== g.topicsSeen) this.#bump(g);
    if (g.targetEpoch !== g.groupEpoch) this.#computeTarget(g);
    const target = g.target.get(m.memberId) ?? new Set<string>();
    let give: Set<string>;
    if (m.epoch < g.targetEpoch) {
      const keep = [...m.owned].filter((k) => target.has(k));
      if (keep.length < m.owned.size) {
        // Revoke first: the member keeps only what stays its, at its current epoch.
        give = new Set(keep);
        return this.#answer(m, give);
      }
      m.previousEpoch = m.epoch;
      m.epoch = g.targetEpoch;
    }
    // A partition stays another member's while it was given to it, or it says it owns it,
    // until it reports having let it go.
    const takenByOthers = new Set<string>();
    for (const other of g.members.values()) {
      if (other === m) continue;
      for (const k of other.owned) takenByOthers.add(k);
      for (const k of other.sent ?? []) takenByOthers.add(k);
    }
    give = new Set([...target].filter((k) => !takenByOthers.has(k)));
    return this.#answer(m, give);
  }

  #answer(m: ConsumerGroupMember, give: Set<string>): ConsumerHeartbeatResult {
    const changed = m.sent === null || !sameSet([...give], [...m.sent]);
    m.sent = give;
    let assignment: ConsumerHeartbeatResult["assignment"] = null;
    if (changed) {
      const byTopic = new Map<string, number[]>();
      for (const k of give) {
        const at = k.lastIndexOf(":");
        const topicId = k.slice(0, at);
        byTopic.set(topicId, [...byTopic.get(topicId) ?? [], Number(k.slice(at + 1))]);
      }
      assignment = [...byTopic].map(([topicId, partitions]) => ({
        topicId,
        partitions: partitions.sort((a, b) => a - b),
      }));
    }
    return {
      errorCode: 0,
      errorMessage: null,
      memberId: m.memberId,
      memberEpoch: m.epoch,
      assignment,
    };
  }

  #topicsSignature(g: ConsumerGroup): string {
    const names = new Set([...g.members.values()].flatMap((m) => m.subscription));
    return [...names].sort().map((n) => {
      const t = this.#state.topics.get(n);
      return t === undefined ? `${n}:-` : `${n}:${t.id}:${t.partitions.length}`;
    }).join(",");
  }

  #bump(g: ConsumerGroup): void {
    g.groupEpoch++;
  }

  /** Computes the target assignment at the group epoch with the members' assignor. */
  #computeTarget(g: ConsumerGroup): void {
    const members = [...g.members.values()].sort((a, b) => a.memberId < b.memberId ? -1 : 1);
    const assignor = members.find((m) => m.serverAssignor !== null)?.serverAssignor ?? "uniform";
    const target = new Map<string, Set<string>>(members.map((m) => [m.memberId, new Set()]));
    const topics = new Set(members.flatMap((m) => m.subscription));
    let turn = 0;
    for (const name of [...topics].sort()) {
      const t = this.#state.topics.get(name);
      if (t === undefined) continue;
      const subscribers = members.filter((m) => m.subscription.includes(name));
      const n = t.partitions.length;
      for (let p = 0; p < n; p++) {
        let owner: ConsumerGroupMember;
        if (assignor === "range") {
          // Contiguous ranges per topic, the first members taking one more.
          const per = Math.floor(n / subscribers.length);
          const extra = n % subscribers.length;
          let i = 0;
          let start = 0;
          while (start + per + (i < extra ? 1 : 0) <= p) {
            start += per + (i < extra ? 1 : 0);
            i++;
          }
          owner = subscribers[i]!;
        } else {
          // Uniform: round-robin across topics, so load evens out over the whole group.
          owner = subscribers[turn++ % subscribers.length]!;
        }
        target.get(owner.memberId)!.add(`${t.id}:${p}`);
      }
    }
    g.target = target;
    g.targetEpoch = g.groupEpoch;
    g.topicsSeen = this.#topicsSignature(g);
  }

  #touch(g: ConsumerGroup, m: ConsumerGroupMember): void {
    clearTimeout(m.timer);
    if (this.#closed) return;
    m.timer = setTimeout(() => {
      if (g.members.get(m.memberId) === m) this.#remove(g, m);
    }, this.sessionTimeoutMs);
  }

  #remove(g: ConsumerGroup, m: ConsumerGroupMember, bump = true): void {
    clearTimeout(m.timer);
    g.members.delete(m.memberId);
    if (bump) this.#bump(g);
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(b);
  return a.every((x) => s.has(x));
}
