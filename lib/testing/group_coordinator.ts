// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The fake cluster's group coordinator: classic consumer groups (join, sync, heartbeat, leave,
 * session and rebalance timeouts, static members) and committed offsets, with the state names
 * and error answers of Kafka's classic protocol.
 *
 * @module
 */

import { ErrorCode } from "../protocol/error_codes.ts";
import { randomUuid } from "./cluster_state.ts";

/** Committed offset of one partition. */
export interface CommittedOffset {
  /** The offset. */
  offset: bigint;
  /** The leader epoch committed with it, -1 for none. */
  leaderEpoch: number;
  /** The metadata string. */
  metadata: string | null;
}

/** A classic group's state, as DescribeGroups names it. */
export type GroupState = "Empty" | "PreparingRebalance" | "CompletingRebalance" | "Stable" | "Dead";

/** What a member's JoinGroup is answered with. */
export interface JoinResult {
  /** Kafka's error code. */
  errorCode: number;
  /** The generation. */
  generationId: number;
  /** The chosen protocol. */
  protocolName: string | null;
  /** The protocol type. */
  protocolType: string | null;
  /** The leader's member id. */
  leader: string;
  /** The member's id. */
  memberId: string;
  /** For the leader, every member and its metadata for the chosen protocol. */
  members: { memberId: string; groupInstanceId: string | null; metadata: Uint8Array }[];
}

/** One member. */
export interface GroupMember {
  /** The member id. */
  readonly memberId: string;
  /** The static instance id, or null. */
  groupInstanceId: string | null;
  /** The client id. */
  clientId: string;
  /** The session timeout. */
  sessionTimeoutMs: number;
  /** The rebalance timeout. */
  rebalanceTimeoutMs: number;
  /** The protocols and metadata it joined with. */
  protocols: { name: string; metadata: Uint8Array }[];
  /** Its assignment in the current generation. */
  assignment: Uint8Array;
  /** Set while its JoinGroup waits for the rebalance. */
  join: ((r: JoinResult) => void) | null;
  /** Set while its SyncGroup waits for the leader's. */
  sync: ((r: { errorCode: number; assignment: Uint8Array }) => void) | null;
  /** The session timer. */
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** One classic group. */
export interface ClassicGroup {
  /** The group id. */
  readonly groupId: string;
  /** Its state. */
  state: GroupState;
  /** The generation. */
  generationId: number;
  /** The protocol type, e.g. `consumer`. */
  protocolType: string | null;
  /** The chosen protocol, e.g. `range`. */
  protocolName: string | null;
  /** The leader's member id. */
  leader: string;
  /** Members by id. */
  readonly members: Map<string, GroupMember>;
  /** Member ids handed out by MEMBER_ID_REQUIRED, not yet joined. */
  readonly pending: Set<string>;
  /** Committed offsets by `topic\0partition`. */
  readonly offsets: Map<string, CommittedOffset>;
  /** The rebalance timer. */
  rebalanceTimer: ReturnType<typeof setTimeout> | undefined;
}

/** What JoinGroup asks. */
export interface JoinRequest {
  /** The group. */
  groupId: string;
  /** The member; empty to join. */
  memberId: string;
  /** The static member id, if any. */
  groupInstanceId: string | null;
  /** The client id from the request header. */
  clientId: string;
  /** How long the member may go without a heartbeat. */
  sessionTimeoutMs: number;
  /** How long members may take to rejoin in a rebalance. */
  rebalanceTimeoutMs: number;
  /** The protocol type, e.g. `consumer`. */
  protocolType: string;
  /** The assignment protocols the member speaks, in preference order. */
  protocols: { name: string; metadata: Uint8Array }[];
  /** Whether the client may be told MEMBER_ID_REQUIRED (JoinGroup v4+). */
  requireKnownMemberId: boolean;
}

const EMPTY = new Uint8Array(0);
const MIN_SESSION_MS = 6_000;
const MAX_SESSION_MS = 1_800_000;

function failJoin(errorCode: number, memberId = ""): JoinResult {
  return {
    errorCode,
    generationId: -1,
    protocolName: null,
    protocolType: null,
    leader: "",
    memberId,
    members: [],
  };
}

/**
 * Classic groups and their committed offsets. Timers (sessions, rebalances) stop on
 * {@linkcode GroupCoordinator.close}.
 *
 * @example Offsets are kept by group, topic and partition
 * ```ts
 * import { GroupCoordinator } from "./group_coordinator.ts";
 * import assert from "node:assert/strict";
 *
 * const groups = new GroupCoordinator();
 * groups.commit("g", "t", 0, { offset: 5n, leaderEpoch: -1, metadata: null });
 * assert.equal(groups.committed("g", "t", 0)?.offset, 5n);
 * groups.close();
 * ```
 */
export class GroupCoordinator {
  /** Groups by id. */
  readonly groups: Map<string, ClassicGroup> = new Map();
  /** Kafka's `group.min.session.timeout.ms`: a JoinGroup asking for less is refused. */
  readonly minSessionTimeoutMs: number;
  #closed = false;

  /** Makes the coordinator; `minSessionTimeoutMs` defaults to Kafka's 6000. */
  constructor(minSessionTimeoutMs: number = MIN_SESSION_MS) {
    this.minSessionTimeoutMs = minSessionTimeoutMs;
  }

  /** The group, made (Empty) when `create` is set. */
  group(groupId: string, create = false): ClassicGroup | undefined {
    let g = this.groups.get(groupId);
    if (g === undefined && create) {
      g = {
        groupId,
        state: "Empty",
        generationId: 0,
        protocolType: null,
        protocolName: null,
        leader: "",
        members: new Map(),
        pending: new Set(),
        offsets: new Map(),
        rebalanceTimer: undefined,
      };
      this.groups.set(groupId, g);
    }
    return g;
  }

  /** Stores a committed offset. */
  commit(group: string, topic: string, partition: number, value: CommittedOffset): void {
    this.group(group, true)!.offsets.set(`${topic}\0${partition}`, value);
  }

  /** The committed offset, or undefined. */
  committed(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(group)?.offsets.get(`${topic}\0${partition}`);
  }

  /** Joins a member; resolves when the rebalance completes (or at once with an error). */
  join(req: JoinRequest): Promise<JoinResult> {
    if (this.#closed) return Promise.resolve(failJoin(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (req.groupId === "") return Promise.resolve(failJoin(ErrorCode.INVALID_GROUP_ID));
    if (req.sessionTimeoutMs < this.minSessionTimeoutMs || req.sessionTimeoutMs > MAX_SESSION_MS) {
      return Promise.resolve(failJoin(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId));
    }
    const g = this.group(req.groupId, true)!;
    if (
      req.protocolType === "" || req.protocols.length === 0 ||
      (g.members.size > 0 &&
        (g.protocolType !== req.protocolType ||
          !this.#commonProtocol(g, req.protocols.map((p) => p.name))))
    ) {
      return Promise.resolve(failJoin(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId));
    }
    let memberId = req.memberId;
    if (memberId === "") {
      memberId = `${req.clientId}-${randomUuid()}`;
      if (req.groupInstanceId !== null) {
        // A static member takes over its instance's place; the old member id is fenced.
        for (const m of g.members.values()) {
          if (m.groupInstanceId === req.groupInstanceId) {
            this.#remove(g, m, ErrorCode.FENCED_INSTANCE_ID);
          }
        }
      } else if (req.requireKnownMemberId) {
        g.pending.add(memberId);
        return Promise.resolve(failJoin(ErrorCode.MEMBER_ID_REQUIRED, memberId));
      }
    } else if (!g.members.has(memberId) && !g.pending.has(memberId)) {
      return Promise.resolve(failJoin(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
    }
    g.pending.delete(memberId);
    let m = g.members.get(memberId);
    const unchanged = m !== undefined && g.state === "Stable" && g.leader !== memberId &&
      sameProtocols(m.protocols, req.protocols);
    if (m === undefined) {
      m = {
        memberId,
        groupInstanceId: req.groupInstanceId,
        clientId: req.clientId,
        sessionTimeoutMs: req.sessionTimeoutMs,
        rebalanceTimeoutMs: req.rebalanceTimeoutMs,
        protocols: req.protocols,
        assignment: EMPTY,
        join: null,
        sync: null,
        timer: undefined,
      };
      g.members.set(memberId, m);
      if (g.members.size === 1) g.protocolType = req.protocolType;
    } else {
      m.protocols = req.protocols;
      m.sessionTimeoutMs = req.sessionTimeoutMs;
      m.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    }
    this.#touch(g, m);
    if (unchanged) {
      // A follower rejoining a stable group with the same metadata gets the current generation.
      return Promise.resolve(this.#joinResult(g, m));
    }
    const member = m;
    const result = new Promise<JoinResult>((resolve) => member.join = resolve);
    if (g.state !== "PreparingRebalance") this.#prepareRebalance(g);
    this.#maybeCompleteJoin(g);
    return result;
  }

  /** Syncs a member; the leader's call carries every assignment. */
  sync(
    groupId: string,
    memberId: string,
    generationId: number,
    assignments: { memberId: string; assignment: Uint8Array }[],
  ): Promise<{ errorCode: number; assignment: Uint8Array }> {
    const g = this.groups.get(groupId);
    const m = g?.members.get(memberId);
    const fail = (errorCode: number) => Promise.resolve({ errorCode, assignment: EMPTY });
    if (g === undefined || m === undefined) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (generationId !== g.generationId) return fail(ErrorCode.ILLEGAL_GENERATION);
    if (g.state === "PreparingRebalance") return fail(ErrorCode.REBALANCE_IN_PROGRESS);
    this.#touch(g, m);
    if (g.state === "Stable") return Promise.resolve({ errorCode: 0, assignment: m.assignment });
    const result = new Promise<{ errorCode: number; assignment: Uint8Array }>((resolve) =>
      m.sync = resolve
    );
    if (memberId === g.leader) {
      for (const member of g.members.values()) member.assignment = EMPTY;
      for (const a of assignments) {
        const member = g.members.get(a.memberId);
        if (member !== undefined) member.assignment = a.assignment;
      }
      g.state = "Stable";
      for (const member of g.members.values()) {
        const resolve = member.sync;
        member.sync = null;
        resolve?.({ errorCode: 0, assignment: member.assignment });
      }
    }
    return result;
  }

  /** A heartbeat's answer. */
  heartbeat(groupId: string, memberId: string, generationId: number): number {
    const g = this.groups.get(groupId);
    const m = g?.members.get(memberId);
    if (g === undefined || m === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== g.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.#touch(g, m);
    if (g.state === "PreparingRebalance") return ErrorCode.REBALANCE_IN_PROGRESS;
    return 0;
  }

  /** Removes a member (LeaveGroup); returns its error code. */
  leave(groupId: string, memberId: string, groupInstanceId: string | null = null): number {
    const g = this.groups.get(groupId);
    if (g === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    let m = g.members.get(memberId);
    if (m === undefined && groupInstanceId !== null) {
      m = [...g.members.values()].find((x) => x.groupInstanceId === groupInstanceId);
    }
    if (m === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (groupInstanceId !== null && m.groupInstanceId !== groupInstanceId) {
      return ErrorCode.FENCED_INSTANCE_ID;
    }
    this.#remove(g, m, ErrorCode.UNKNOWN_MEMBER_ID);
    return 0;
  }

  /**
   * Checks whether an OffsetCommit from `memberId` at `generationId` may commit; returns the
   * error code (0 when it may), as Kafka's classic coordinator does.
   */
  checkCommit(groupId: string, memberId: string, generationId: number): number {
    const g = this.groups.get(groupId);
    if (g === undefined || g.state === "Empty" || g.state === "Dead") {
      return generationId < 0 ? 0 : ErrorCode.ILLEGAL_GENERATION;
    }
    if (generationId < 0 && memberId === "") return ErrorCode.UNKNOWN_MEMBER_ID;
    if (g.state === "CompletingRebalance") return ErrorCode.REBALANCE_IN_PROGRESS;
    const m = g.members.get(memberId);
    if (m === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== g.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.#touch(g, m);
    return 0;
  }

  /** Deletes a group; returns its error code (NON_EMPTY_GROUP while it has members). */
  delete(groupId: string): number {
    const g = this.groups.get(groupId);
    if (g === undefined) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (g.members.size > 0) return ErrorCode.NON_EMPTY_GROUP;
    this.groups.delete(groupId);
    return 0;
  }

  /** Ends every wait with COORDINATOR_NOT_AVAILABLE and stops every timer. */
  close(): void {
    this.#closed = true;
    for (const g of this.groups.values()) {
      clearTimeout(g.rebalanceTimer);
      for (const m of g.members.values()) {
        clearTimeout(m.timer);
        m.join?.(failJoin(ErrorCode.COORDINATOR_NOT_AVAILABLE, m.memberId));
        m.sync?.({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, assignment: EMPTY });
        m.join = null;
        m.sync = null;
      }
    }
  }

  /** Restarts a member's session timer; on expiry the member is removed. */
  #touch(g: ClassicGroup, m: GroupMember): void {
    clearTimeout(m.timer);
    if (this.#closed) return;
    m.timer = setTimeout(() => {
      if (g.members.get(m.memberId) !== m) return;
      // A member waiting in JoinGroup or SyncGroup cannot heartbeat; Kafka keeps it alive.
      if (m.join !== null || m.sync !== null) this.#touch(g, m);
      else this.#remove(g, m, ErrorCode.UNKNOWN_MEMBER_ID);
    }, m.sessionTimeoutMs);
  }

  #remove(g: ClassicGroup, m: GroupMember, code: number): void {
    clearTimeout(m.timer);
    g.members.delete(m.memberId);
    m.join?.(failJoin(code, m.memberId));
    m.sync?.({ errorCode: code, assignment: EMPTY });
    m.join = null;
    m.sync = null;
    if (g.state === "PreparingRebalance") this.#maybeCompleteJoin(g);
    else this.#prepareRebalance(g);
  }

  #prepareRebalance(g: ClassicGroup): void {
    if (g.members.size === 0) {
      clearTimeout(g.rebalanceTimer);
      g.state = "Empty";
      g.generationId++;
      g.protocolName = null;
      g.leader = "";
      return;
    }
    // Members waiting in SyncGroup must rejoin.
    for (const m of g.members.values()) {
      const resolve = m.sync;
      m.sync = null;
      resolve?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
    }
    g.state = "PreparingRebalance";
    clearTimeout(g.rebalanceTimer);
    const timeout = Math.max(0, ...[...g.members.values()].map((m) => m.rebalanceTimeoutMs));
    g.rebalanceTimer = setTimeout(() => {
      // Members that did not rejoin in time are dropped, and the rest go on without them.
      for (const m of [...g.members.values()]) {
        if (m.join === null) {
          clearTimeout(m.timer);
          g.members.delete(m.memberId);
        }
      }
      this.#maybeCompleteJoin(g, true);
    }, timeout);
  }

  #maybeCompleteJoin(g: ClassicGroup, force = false): void {
    if (g.state !== "PreparingRebalance") return;
    const all = [...g.members.values()];
    if (!force && !all.every((m) => m.join !== null)) return;
    clearTimeout(g.rebalanceTimer);
    g.rebalanceTimer = undefined;
    g.generationId++;
    if (all.length === 0) {
      g.state = "Empty";
      g.protocolName = null;
      g.leader = "";
      return;
    }
    g.state = "CompletingRebalance";
    g.protocolName = this.#commonProtocol(g) ?? null;
    if (!g.members.has(g.leader)) g.leader = all[0]!.memberId;
    for (const m of all) {
      const resolve = m.join;
      m.join = null;
      this.#touch(g, m);
      resolve?.(this.#joinResult(g, m));
    }
  }

  #joinResult(g: ClassicGroup, m: GroupMember): JoinResult {
    const isLeader = m.memberId === g.leader;
    return {
      errorCode: 0,
      generationId: g.generationId,
      protocolName: g.protocolName,
      protocolType: g.protocolType,
      leader: g.leader,
      memberId: m.memberId,
      members: isLeader
        ? [...g.members.values()].map((x) => ({
          memberId: x.memberId,
          groupInstanceId: x.groupInstanceId,
          metadata: x.protocols.find((p) => p.name === g.protocolName)?.metadata ?? EMPTY,
        }))
        : [],
    };
  }

  /** The first protocol (in the leader's, else the first member's, order) every member has. */
  #commonProtocol(g: ClassicGroup, also?: string[]): string | undefined {
    const members = [...g.members.values()];
    const first = g.members.get(g.leader) ?? members[0];
    const candidates = first?.protocols.map((p) => p.name) ?? also ?? [];
    return candidates.find((name) =>
      members.every((m) => m.protocols.some((p) => p.name === name)) &&
      (also === undefined || also.includes(name))
    );
  }
}

function sameProtocols(
  a: { name: string; metadata: Uint8Array }[],
  b: { name: string; metadata: Uint8Array }[],
): boolean {
  return a.length === b.length &&
    a.every((p, i) =>
      p.name === b[i]!.name && p.metadata.length === b[i]!.metadata.length &&
      p.metadata.every((x, j) => x === b[i]!.metadata[j])
    );
}
