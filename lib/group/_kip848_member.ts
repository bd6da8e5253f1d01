// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The consumer group protocol's state machine (KIP-848): ConsumerGroupHeartbeat only.
 *
 * @module
 */

import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import { randomUuid } from "../protocol/uuid.ts";
import { sleep } from "../util/sleep.ts";
import { claimKey as key } from "./claim.ts";
import { coordinatorLost } from "./_group_errors.ts";
import type { GroupSession } from "./_group_session.ts";
import type { OwnedClaims } from "./_owned_claims.ts";
import type { OffsetManager } from "./offset_manager.ts";

/** The topic id KIP-848 heartbeats carry for a topic whose id is not known. */
const ZERO_UUID = "AAAAAAAAAAAAAAAAAAAAAA";

/**
 * A member under the consumer protocol (KIP-848): one heartbeat at a time carries the
 * subscription and what this member owns; the broker answers with the target assignment,
 * which the member reconciles (commit and release what goes, claim what comes) and
 * acknowledges at once in the next heartbeat.
 *
 * @example Whether the coordinator offers the protocol
 * ```ts ignore
 * if (await Kip848Member.offered(session)) await new Kip848Member(session, claims, offsets).run();
 * ```
 */
export class Kip848Member {
  readonly #s: GroupSession;
  readonly #claims: OwnedClaims;
  readonly #offsets: OffsetManager;
  /** A target the keep-alive heartbeats got while a revocation waited: reconciled next. */
  #pending: readonly { topicId: string; partitions: number[] }[] | null = null;
  /** The last target reconciled, and whether some of its topic ids were not in the metadata. */
  #target: readonly { topicId: string; partitions: number[] }[] = [];
  #unresolved = false;

  /** The member of `session`, owning `claims`, committing with `offsets`. */
  constructor(session: GroupSession, claims: OwnedClaims, offsets: OffsetManager) {
    this.#s = session;
    this.#claims = claims;
    this.#offsets = offsets;
    session.keepAlive = (signal) => this.#keepAlive(signal);
  }

  /** Whether the group's coordinator speaks ConsumerGroupHeartbeat. */
  static async offered(session: GroupSession): Promise<boolean> {
    const coordinator = await session.client.coordinator(session.options.groupId);
    const conn = await session.client.connection(coordinator);
    return conn.versions.has(API_TABLE[68].info.key);
  }

  /** Heartbeats until the session closes, then leaves; throws a fatal group error. */
  async run(): Promise<void> {
    const s = this.#s;
    const o = s.options;
    let epoch = 0;
    let full = true;
    let ack = false;
    let interval = o.heartbeatIntervalMs;
    // From v1 (KIP-1082) the member names itself, once for its whole life: it keeps the id
    // when fenced and joins again under it. Before v1 the coordinator names it.
    let selfNamed = false;
    // The subscription last sent: a pattern's matches are re-checked before every heartbeat
    // (against the metadata cache, refreshed every metadataMaxAgeMs) and sent when they change.
    let sentTopics = "";
    while (!s.closed) {
      try {
        const topics = s.subscribedTopics();
        if (topics.join(",") !== sentTopics) full = true;
        const coordinator = await s.client.coordinator(o.groupId);
        const conn = await s.client.connection(coordinator);
        const version = conn.versions.version(API_TABLE[68].info.key);
        if (version >= 1 && s.memberId === "") {
          s.memberId = randomUuid();
          selfNamed = true;
        }
        const owned = this.#ownedIds();
        s.stage.set("request in flight");
        const res = await conn.request(API_TABLE[68], {
          groupId: o.groupId,
          memberId: s.memberId,
          memberEpoch: epoch,
          instanceId: o.groupInstanceId ?? null,
          rackId: o.consumer?.rack || null, // KIP-881
          rebalanceTimeoutMs: full ? o.rebalanceTimeoutMs : -1,
          subscribedTopicNames: full ? topics : null,
          subscribedTopicRegex: null,
          serverAssignor: full ? o.serverAssignor ?? null : null,
          topicPartitions: epoch === 0 ? [] : full || ack ? owned : null,
        }, { version });
        s.stage.add("heartbeats", 1);
        if (res.errorCode !== 0) {
          throw new KafkaError(res.errorCode, {
            api: "ConsumerGroupHeartbeat",
            detail: res.errorMessage,
          });
        }
        if (full) sentTopics = topics.join(",");
        if (res.memberId) s.memberId = res.memberId;
        // A success with a negative epoch would turn the next heartbeat into a leave: ignore it.
        if (res.memberEpoch >= 0) epoch = res.memberEpoch;
        s.generationId = epoch;
        s.inGeneration = epoch > 0;
        if (res.heartbeatIntervalMs > 0) interval = res.heartbeatIntervalMs;
        full = false;
        ack = false;
        if (res.assignment) {
          await this.#reconcile(res.assignment.topicPartitions);
          // The keep-alive heartbeats during a revocation may have moved the epoch on and
          // brought a newer target: apply it before acknowledging.
          if (s.generationId > epoch) epoch = s.generationId;
          for (let t = this.#pending; t !== null; t = this.#pending) {
            this.#pending = null;
            await this.#reconcile(t);
          }
          ack = true; // tell the broker at once what this member now owns
          continue;
        }
        // The broker sends a target once: partitions of a topic the metadata did not know yet
        // are claimed when it does (looked up again every heartbeat), never left unowned.
        if (this.#unresolved && await this.#resolved()) {
          ack = true;
          continue;
        }
        s.stage.counters.generation = epoch;
        s.stage.counters.partitions = this.#claims.size;
        s.stage.set("idle");
        await s.idle(Math.min(interval, o.heartbeatIntervalMs));
      } catch (e) {
        if (s.closed) break;
        const code = e instanceof KafkaError ? e.code : -1;
        if (code === ErrorCode.FENCED_MEMBER_EPOCH || code === ErrorCode.UNKNOWN_MEMBER_ID) {
          // Fenced: the partitions are already someone else's; drop them without committing.
          await this.#claims.revoke(this.#claims.keys(), false);
          this.#target = [];
          this.#unresolved = false;
          epoch = 0;
          if (!selfNamed) s.memberId = "";
          s.inGeneration = false;
        } else if (coordinatorLost(e)) {
          s.client.forgetCoordinator(o.groupId);
        } else if (e instanceof KafkaError && !e.retriable) {
          throw e;
        }
        full = true;
        s.stage.set("retrying");
        // Cut short by close; the loop then sees `closed` and leaves the group.
        await sleep(200, s.stop.signal).catch(() => {});
      }
    }
    await this.#leave(epoch);
  }

  /** Leaves with epoch -1, or -2 for a static member that expects to come back. */
  async #leave(epoch: number): Promise<void> {
    const s = this.#s;
    const o = s.options;
    if (epoch <= 0) return;
    await this.#offsets.commit().catch(s.report);
    s.inGeneration = false;
    const coordinator = await s.client.coordinator(o.groupId).catch(() => -1);
    if (coordinator >= 0) {
      // Best effort: the session timeout removes a member whose leave is lost.
      await s.client.request(coordinator, API_TABLE[68], {
        groupId: o.groupId,
        memberId: s.memberId,
        memberEpoch: o.groupInstanceId ? -2 : -1,
        instanceId: o.groupInstanceId ?? null,
        topicPartitions: null,
      }).catch(() => {});
    }
    s.memberId = "";
  }

  /**
   * Heartbeats while a revocation waits for the reader, until `signal` aborts: at the current
   * epoch, owning what it owned (no acknowledgement yet). A new epoch or target in the answer
   * is kept for the main loop. It stops at an error, which the main loop's next heartbeat
   * meets again and handles.
   */
  async #keepAlive(signal: AbortSignal): Promise<void> {
    const s = this.#s;
    const o = s.options;
    if (s.memberId === "" || s.generationId <= 0) return;
    while (!signal.aborted) {
      try {
        await sleep(o.heartbeatIntervalMs, signal);
        const coordinator = await s.client.coordinator(o.groupId);
        const res = await s.client.request(coordinator, API_TABLE[68], {
          groupId: o.groupId,
          memberId: s.memberId,
          memberEpoch: s.generationId,
          instanceId: o.groupInstanceId ?? null,
          rackId: null,
          rebalanceTimeoutMs: -1,
          subscribedTopicNames: null,
          subscribedTopicRegex: null,
          serverAssignor: null,
          topicPartitions: null,
        });
        s.stage.add("heartbeats", 1);
        if (res.errorCode !== 0) return;
        if (res.memberEpoch > s.generationId) s.generationId = res.memberEpoch;
        if (res.assignment) this.#pending = res.assignment.topicPartitions;
      } catch {
        // Aborted, or failed: the main loop's next heartbeat deals with the coordinator.
        return;
      }
    }
  }

  /**
   * Looks the unresolved topic ids of the target up again (a metadata refresh); reconciles and
   * returns true when some are known now.
   */
  async #resolved(): Promise<boolean> {
    const topics = (await this.#s.client.refreshMetadata(null)).topics;
    const known = new Set([...topics.values()].map((t) => t.topicId));
    const claimed = new Set(this.#claims.assignment().map((t) => topics.get(t.topic)?.topicId));
    if (!this.#target.some((t) => known.has(t.topicId) && !claimed.has(t.topicId))) return false;
    await this.#reconcile(this.#target);
    return true;
  }

  /** Applies a KIP-848 assignment (topic ids): release what is gone, claim what is new. */
  async #reconcile(target: readonly { topicId: string; partitions: number[] }[]): Promise<void> {
    this.#target = target;
    const client = this.#s.client;
    let names = client.metadata.topics;
    const idToName = () => new Map([...names.values()].map((t) => [t.topicId, t.name]));
    let byId = idToName();
    if (target.some((t) => !byId.has(t.topicId))) {
      names = (await client.refreshMetadata(null)).topics;
      byId = idToName();
    }
    const wanted = new Set<string>();
    let unresolved = false;
    for (const t of target) {
      const name = byId.get(t.topicId);
      if (name === undefined) {
        unresolved = true; // claimed once the metadata knows it (#resolved)
        continue;
      }
      for (const p of t.partitions) wanted.add(key(name, p));
    }
    this.#unresolved = unresolved;
    const claims = this.#claims;
    const lost = claims.keys().filter((k) => !wanted.has(k));
    const gained = [...wanted].filter((k) => !claims.has(k));
    await claims.revoke(lost, true);
    await claims.claim(gained);
  }

  /** What this member owns, as KIP-848 heartbeats name it (topic ids). */
  #ownedIds(): { topicId: string; partitions: number[] }[] {
    const topics = this.#s.client.metadata.topics;
    return this.#claims.assignment().map((t) => ({
      topicId: topics.get(t.topic)?.topicId ?? ZERO_UUID,
      partitions: [...t.partitions],
    }));
  }
}
