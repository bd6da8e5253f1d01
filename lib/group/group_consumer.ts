// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Sarama's ConsumerGroup: membership in a consumer group (the classic protocol), claims of the
 * partitions it is given, and offset management.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import { randomUuid } from "../protocol/uuid.ts";
import type { StageHandle } from "../net/stage_registry.ts";
import { Consumer } from "../consumer/consumer.ts";
import type { RecordChunk } from "../consumer/record_chunk.ts";
import type { Assignor, MemberSubscription, TopicPartitions } from "./assignor.ts";
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from "./consumer_protocol.ts";
import { OffsetManager } from "./offset_manager.ts";
import { sleep } from "../util/sleep.ts";
import { emit } from "../observe/kafka_event.ts";
import {
  type GroupConsumerOptions,
  type ResolvedGroupOptions,
  resolveGroupOptions,
} from "./group_consumer_options.ts";
import { type Claim, claimKey as key } from "./claim.ts";
import { coordinatorLost, REJOINABLE, transient } from "./_group_errors.ts";
import { mergeClaims } from "./_records_merge.ts";

export type { GroupConsumerOptions } from "./group_consumer_options.ts";
export type { Claim } from "./claim.ts";

/**
 * A member of a consumer group (the classic protocol: JoinGroup, SyncGroup, Heartbeat,
 * LeaveGroup, on the client's group connection to the coordinator, so heartbeats never wait on
 * fetches or on record processing: a slow handler keeps its membership).
 *
 * Partitions it is given arrive as {@linkcode Claim}s on `claims`; `records()` merges them into
 * one stream that marks each chunk processed once the next one is read. With an eager assignor
 * (`range`) every partition is released at each rebalance; with `cooperative-sticky` only the
 * partitions that move are (KIP-429), and the rest keep flowing. Released partitions have their
 * marked offsets committed first; commits never go backwards.
 *
 * @example Consume a topic as part of a group
 * ```ts ignore
 * await using group = new GroupConsumer(client, { groupId: "billing", topics: ["orders"] });
 * for await (const chunk of group.records()) {
 *   for (const r of chunk.records) handle(r);
 * }
 * ```
 */
export class GroupConsumer implements AsyncDisposable {
  /** Claims of the partitions assigned to this member, as they are assigned. */
  readonly claims: ReadableStream<Claim>;
  /** Marked offsets and their commits. */
  readonly offsets: OffsetManager;
  readonly #client: Client;
  readonly #o: ResolvedGroupOptions;
  readonly #consumer: Consumer;
  readonly #stage: StageHandle;
  #claimsController!: ReadableStreamDefaultController<Claim>;
  readonly #owned: Map<string, Claim> = new Map();
  /** Claims with a chunk handed to the reader of `records()` and not yet done with. */
  readonly #busy: Map<Claim, { done: Promise<void>; resolve: () => void }> = new Map();
  /** Claims being given up: no more of their chunks are handed out. */
  readonly #revoking: Set<Claim> = new Set();
  #memberId = "";
  #generationId = -1;
  #inGeneration = false;
  #closed = false;
  /** Aborted by close(), ending the member's retry waits. */
  readonly #stop: AbortController = new AbortController();
  /** The error that ended the member, given to `claims` and `records()` readers. */
  #fatal: unknown = undefined;
  #running: Promise<void>;
  #wake: (() => void) | undefined;
  #rejoinReason: string | null = null;
  #protocol: Assignor | undefined;
  /** The protocol actually in use (after any fallback). */
  #groupProtocol: "classic" | "consumer" = "classic";

  /**
   * Makes the member and starts joining.
   *
   * @throws {TypeError} or {RangeError} for bad options, naming the option.
   */
  constructor(client: Client, options: GroupConsumerOptions) {
    const o = resolveGroupOptions(options);
    this.#client = client;
    this.#o = o;
    // One reset policy for both, as Java's auto.offset.reset: a committed offset out of range
    // restarts where an uncommitted partition starts, unless asked otherwise.
    this.#consumer = new Consumer(client, {
      ...o.consumer,
      offsetOutOfRange: o.consumer?.offsetOutOfRange ?? o.startOffset,
    });
    this.#stage = client.registry.register("groupSession", `group ${o.groupId}`);
    this.offsets = new OffsetManager(
      client,
      o.groupId,
      () => this.#inGeneration ? this.#identity() : null,
      o.autoCommitIntervalMs,
      client.registry.register("offsetManager", `group ${o.groupId}`),
      o.onError ?? ((e) => console.warn(`kanal: group ${o.groupId}: automatic commit failed:`, e)),
    );
    this.claims = new ReadableStream<Claim>({
      start: (c) => {
        this.#claimsController = c;
      },
    });
    this.#running = this.#run();
    o.signal?.addEventListener("abort", () => this.close().catch(() => {}), { once: true });
  }

  /** The group's id. */
  get groupId(): string {
    return this.#o.groupId;
  }

  /**
   * The member id: the one the coordinator gave this member, or, in the consumer protocol from
   * ConsumerGroupHeartbeat v1, the one it chose itself ("" before the first join).
   */
  get memberId(): string {
    return this.#memberId;
  }

  /** The current generation (classic) or member epoch (consumer protocol); -1 before the first. */
  get generationId(): number {
    return this.#generationId;
  }

  /** The group protocol in use: `consumer` only when asked for and offered by the broker. */
  get protocol(): "classic" | "consumer" {
    return this.#groupProtocol;
  }

  /** The partitions this member owns now. */
  assignment(): TopicPartitions[] {
    return group([...this.#owned.values()].map((c) => [c.topic, c.partition] as const));
  }

  /**
   * Every claimed partition's records merged into one stream of chunks. A chunk is marked
   * processed when the next chunk is read (or the stream is cancelled after reading it), so a
   * record is committed only after the reader has come back for more: at least once. Piped
   * (`pipeTo`, `pipeThrough`), a chunk is marked when the sink's write of it finished, so a
   * sink with a high-water mark above 1, which makes the pipe read ahead, is safe too.
   * A partition given up in a rebalance waits (up to the rebalance timeout) for the chunk the
   * reader holds. A fatal group error or a partition's error errors the stream (the member
   * then leaves); cancelling it commits what was read and closes the member.
   */
  records(): ReadableStream<RecordChunk> {
    return mergeClaims(this.claims, {
      current: (claim) => this.#owns(claim) && !this.#revoking.has(claim),
      handing: (claim) => {
        if (this.#busy.has(claim)) return;
        let resolve!: () => void;
        const done = new Promise<void>((r) => resolve = r);
        this.#busy.set(claim, { done, resolve });
      },
      done: (claim) => {
        this.#busy.get(claim)?.resolve();
        this.#busy.delete(claim);
      },
      fail: (e) => this.#failWith(e),
      close: () => this.close(),
    });
  }

  /** A commit before giving partitions up failed: their marks are lost to the next owner. */
  readonly #report = (e: unknown): void => {
    this.#stage.add("commitFailures", 1);
    (this.#o.onError ?? console.warn)(e);
  };

  /** Ends the member with `error`: it leaves the group and `claims` errors with it. */
  #failWith(error: unknown): void {
    if (this.#closed) return;
    this.#fatal = error;
    this.#closed = true;
    this.#wake?.();
  }

  #owns(claim: Claim): boolean {
    return this.#owned.get(key(claim.topic, claim.partition)) === claim;
  }

  /** Commits every marked offset now. */
  commit(): Promise<void> {
    return this.offsets.commit();
  }

  /** The group member's stages and its consumer's. */
  stages(): ReturnType<Client["stages"]> {
    const role = `group ${this.#o.groupId}`;
    return [
      ...this.#client.stages().filter((s) => s.role === role),
      ...this.#consumer.stages(),
    ];
  }

  /** Commits, leaves the group (unless static), and stops every stage. */
  async close(): Promise<void> {
    if (this.#closed) return this.#running;
    this.#closed = true;
    this.#stop.abort(new DOMException("The group member is closed", "AbortError"));
    this.#wake?.();
    await this.#running;
  }

  /** Closes the member, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #identity() {
    return {
      generationId: this.#generationId,
      memberId: this.#memberId,
      groupInstanceId: this.#o.groupInstanceId ?? null,
    };
  }

  #subscribedTopics(): string[] {
    const o = this.#o;
    if (o.topics?.length) return [...o.topics].sort();
    const all = [...this.#client.metadata.topics.values()];
    return all.filter((t) => !t.isInternal && o.pattern!.test(t.name)).map((t) => t.name).sort();
  }

  #subscriptionShape(): string {
    const topics = this.#client.metadata.topics;
    return this.#subscribedTopics().map((t) => `${t}:${topics.get(t)?.partitions.length ?? 0}`)
      .join(",");
  }

  async #run(): Promise<void> {
    const o = this.#o;
    try {
      if (o.pattern) await this.#client.refreshMetadata(null);
      if (o.protocol === "consumer" && await this.#offers848()) {
        this.#groupProtocol = "consumer";
        await this.#run848();
        if (this.#fatal !== undefined) throw this.#fatal;
        return;
      }
      while (!this.#closed) {
        try {
          await this.#joinAndSync();
          if (this.#closed) break;
          await this.#heartbeatUntilRebalance();
        } catch (e) {
          if (this.#closed) break;
          emit(this.#client.options.observe, { type: "error", source: "groupConsumer", error: e });
          const code = e instanceof KafkaError ? e.code : -1;
          if (code === ErrorCode.UNKNOWN_MEMBER_ID) {
            this.#memberId = "";
            await this.#revoke([...this.#owned.keys()], false);
          } else if (code === ErrorCode.ILLEGAL_GENERATION) {
            await this.#revoke([...this.#owned.keys()], false);
          }
          if (coordinatorLost(e)) this.#client.forgetCoordinator(o.groupId);
          if (e instanceof KafkaError && !e.retriable && !REJOINABLE.has(code)) throw e;
          this.#stage.set("retrying");
          // Cut short by close; the loop then sees #closed and leaves the group.
          await sleep(200, this.#stop.signal).catch(() => {});
        }
      }
      if (this.#fatal !== undefined) throw this.#fatal;
    } catch (e) {
      this.#fatal ??= e;
      this.#claimsController.error(e);
    } finally {
      await this.#shutdown();
    }
  }

  async #joinAndSync(): Promise<void> {
    const o = this.#o;
    if (this.#protocol === undefined || !isCooperative(this.#protocol)) {
      // Eager: everything owned is given up (its marks committed) before joining again.
      await this.#revoke([...this.#owned.keys()], true);
    }
    const topics = this.#subscribedTopics();
    const owned = this.assignment();
    const coordinator = await this.#client.coordinator(o.groupId);
    this.#stage.set("request in flight");
    const protocols = o.assignors.map((a) => ({
      name: a.name,
      metadata: encodeSubscription({
        topics,
        userData: a.subscriptionUserData(owned, this.#generationId),
        ownedPartitions: owned,
        generationId: this.#generationId,
        rackId: null,
      }),
    }));
    let join;
    for (;;) {
      join = await this.#client.request(coordinator, API_TABLE[11], {
        groupId: o.groupId,
        sessionTimeoutMs: o.sessionTimeoutMs,
        rebalanceTimeoutMs: o.rebalanceTimeoutMs,
        memberId: this.#memberId,
        groupInstanceId: o.groupInstanceId ?? null,
        protocolType: "consumer",
        protocols,
        reason: this.#rejoinReason,
        // The coordinator parks a JoinGroup until the group rebalances (up to the rebalance
        // timeout): on its own connection it holds up no heartbeat, commit or other group.
      }, { timeoutMs: o.rebalanceTimeoutMs + 5000, kind: "join" });
      if (join.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
        this.#memberId = join.memberId; // KIP-394: join again with the id the coordinator gave
        continue;
      }
      break;
    }
    if (join.errorCode !== 0) throw new KafkaError(join.errorCode, { api: "JoinGroup" });
    this.#memberId = join.memberId;
    this.#generationId = join.generationId ?? -1;
    this.#rejoinReason = null;
    const protocol = o.assignors.find((a) => a.name === join.protocolName) ?? o.assignors[0]!;
    this.#protocol = protocol;
    let assignments: { memberId: string; assignment: Uint8Array }[] = [];
    if (join.leader === join.memberId && !join.skipAssignment) {
      assignments = await this.#assign(protocol, join.members);
    }
    const sync = await this.#client.request(coordinator, API_TABLE[14], {
      groupId: o.groupId,
      generationId: this.#generationId,
      memberId: this.#memberId,
      groupInstanceId: o.groupInstanceId ?? null,
      protocolType: "consumer",
      protocolName: protocol.name,
      assignments,
    }, { timeoutMs: o.rebalanceTimeoutMs + 5000, kind: "join" });
    if (sync.errorCode !== 0) throw new KafkaError(sync.errorCode, { api: "SyncGroup" });
    const assigned = decodeAssignment(sync.assignment).assignedPartitions;
    const wanted = new Set<string>();
    for (const t of assigned) for (const p of t.partitions) wanted.add(key(t.topic, p));
    const lost = [...this.#owned.keys()].filter((k) => !wanted.has(k));
    const gained = [...wanted].filter((k) => !this.#owned.has(k));
    this.#inGeneration = true;
    if (lost.length > 0) {
      await this.#revoke(lost, true);
      // Cooperative: what was given up can now go to its new owner in a follow-up round.
      this.#rejoinReason = "cooperative follow-up after revoking partitions";
    }
    await this.#claim(gained);
    this.#stage.counters.generation = this.#generationId;
    this.#stage.counters.partitions = this.#owned.size;
    this.#stage.set("idle");
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
    const meta = await this.#client.refreshMetadata(topics);
    const counts = new Map<string, number>();
    for (const t of topics) {
      const info = meta.topics.get(t);
      if (info && info.errorCode === 0) counts.set(t, info.partitions.length);
    }
    const result = protocol.assign(subs, counts);
    return subs.map((s) => ({
      memberId: s.memberId,
      assignment: encodeAssignment({
        assignedPartitions: result.get(s.memberId) ?? [],
        userData: null,
      }),
    }));
  }

  #rebalanced(phase: "assigned" | "revoked", keys: string[]): void {
    const partitions = keys.map((k) => k.replace("\u0000", "/"));
    emit(this.#client.options.observe, {
      type: "rebalance",
      group: this.#o.groupId,
      phase,
      partitions,
    });
  }

  /** Starts claims for `keys`, from the committed offsets. */
  async #claim(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    this.#rebalanced("assigned", keys);
    const o = this.#o;
    const parts = keys.map((k) => {
      const [topic, p] = k.split("\u0000") as [string, string];
      return { topic, partition: Number(p) };
    });
    const committed = await this.#fetchCommitted(parts);
    for (const { topic, partition } of parts) {
      const at = committed.get(key(topic, partition)) ?? -1;
      if (at >= 0) this.offsets.seed(topic, partition, at);
      const records = this.#consumer.partition(topic, partition, {
        offset: at >= 0 ? at : o.startOffset,
      });
      const k = key(topic, partition);
      const active = (): boolean => this.#owned.get(k) === claim && !this.#revoking.has(claim);
      const claim: Claim = {
        topic,
        partition,
        generationId: this.#generationId,
        records,
        get active(): boolean {
          return active();
        },
        // A mark after the partition was released would commit for its new owner: ignore it.
        mark: (offset) => {
          if (this.#owned.get(k) === claim) this.offsets.mark(topic, partition, offset);
        },
      };
      this.#owned.set(key(topic, partition), claim);
      this.#claimsController.enqueue(claim);
    }
    o.onAssigned?.(group(parts.map((p) => [p.topic, p.partition] as const)));
  }

  async #fetchCommitted(
    parts: { topic: string; partition: number }[],
  ): Promise<Map<string, number>> {
    const o = this.#o;
    const byTopic = new Map<string, number[]>();
    for (const p of parts) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    for (let attempt = 0;; attempt++) {
      const coordinator = await this.#client.coordinator(o.groupId);
      const conn = await this.#client.connection(coordinator);
      const v = conn.versions.version(API_TABLE[9].info.key);
      const topics = [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes }));
      const res = await conn.request(
        API_TABLE[9],
        v >= 8
          ? { groups: [{ groupId: o.groupId, topics }], requireStable: true }
          : { groupId: o.groupId, topics, requireStable: true },
        { version: v },
      );
      const rows = v >= 8 ? res.groups?.[0]?.topics ?? [] : res.topics ?? [];
      const top = v >= 8 ? res.groups?.[0]?.errorCode ?? 0 : res.errorCode ?? 0;
      let error = top;
      const out = new Map<string, number>();
      for (const t of rows) {
        for (const p of t.partitions) {
          if (p.errorCode !== 0) error = p.errorCode;
          // Named up to OffsetFetch v9; CLIENT_MAX_VERSIONS keeps kanal below v10's topic ids.
          else out.set(key(t.name ?? "", p.partitionIndex), Number(p.committedOffset));
        }
      }
      if (error === 0) return out;
      const err = new KafkaError(error, { api: "OffsetFetch" });
      if (!err.retriable || attempt >= 50) throw err;
      if (error === ErrorCode.NOT_COORDINATOR) this.#client.forgetCoordinator(o.groupId);
      await sleep(100, this.#stop.signal);
    }
  }

  /** Gives up partitions: commits their marks (when `commit`), ends their streams. */
  async #revoke(keys: string[], commit: boolean): Promise<void> {
    if (keys.length === 0) return;
    this.#rebalanced("revoked", keys);
    const claims = keys.map((k) => this.#owned.get(k)!).filter(Boolean);
    if (commit) {
      // Sarama's ConsumeClaim contract: a chunk still being processed finishes (bounded by
      // the rebalance timeout) and is committed before the partition moves, so the new owner
      // never processes the same records at the same time.
      for (const c of claims) this.#revoking.add(c);
      const busy = claims.flatMap((c) => this.#busy.get(c)?.done ?? []);
      if (busy.length > 0) {
        this.#stage.set("backpressured");
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          Promise.all(busy),
          new Promise<void>((r) => timer = setTimeout(r, this.#o.rebalanceTimeoutMs)),
        ]);
        clearTimeout(timer);
        this.#stage.set("request in flight");
      }
      await this.offsets.commit(claims.map((c) => ({ topic: c.topic, partition: c.partition })))
        .catch(this.#report);
    }
    for (const c of claims) {
      this.#revoking.delete(c);
      this.#busy.get(c)?.resolve();
      this.#busy.delete(c);
      c.records.close();
      this.#owned.delete(key(c.topic, c.partition));
      this.offsets.forget(c.topic, c.partition);
    }
    this.#o.onRevoked?.(group(claims.map((c) => [c.topic, c.partition] as const)));
  }

  async #heartbeatUntilRebalance(): Promise<void> {
    const o = this.#o;
    if (this.#rejoinReason !== null) return;
    // The subscribed topics and their partition counts, from the client's metadata cache
    // (refreshed every metadataMaxAgeMs): a change means the assignment is out of date.
    const subscribed = this.#subscriptionShape();
    while (!this.#closed) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, o.heartbeatIntervalMs);
        this.#wake = () => {
          clearTimeout(t);
          r();
        };
      });
      this.#wake = undefined;
      if (this.#closed) return;
      if (this.#subscriptionShape() !== subscribed) {
        this.#rejoinReason = "the subscribed topics or their partition counts changed";
        return;
      }
      this.#stage.set("request in flight");
      let res;
      try {
        const coordinator = await this.#client.coordinator(o.groupId);
        res = await this.#client.request(coordinator, API_TABLE[12], {
          groupId: o.groupId,
          generationId: this.#generationId,
          memberId: this.#memberId,
          groupInstanceId: o.groupInstanceId ?? null,
        });
      } catch (e) {
        // As Java's: a lost connection or a timeout is no reason to rebalance. Find the
        // coordinator again and send the next heartbeat; if the session expired meanwhile,
        // the coordinator answers UNKNOWN_MEMBER_ID and the member joins again then.
        if (!transient(e)) throw e;
        this.#client.forgetCoordinator(o.groupId);
        this.#stage.add("heartbeatRetries", 1);
        continue;
      }
      this.#stage.add("heartbeats", 1);
      this.#stage.set("idle");
      if (coordinatorLost(res.errorCode)) {
        this.#client.forgetCoordinator(o.groupId);
        this.#stage.add("heartbeatRetries", 1);
        continue;
      }
      if (res.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) {
        this.#rejoinReason = "the coordinator started a rebalance";
        return;
      }
      if (res.errorCode !== 0) throw new KafkaError(res.errorCode, { api: "Heartbeat" });
    }
  }

  /** Whether the coordinator speaks ConsumerGroupHeartbeat (KIP-848). */
  async #offers848(): Promise<boolean> {
    const coordinator = await this.#client.coordinator(this.#o.groupId);
    const conn = await this.#client.connection(coordinator);
    return conn.versions.has(API_TABLE[68].info.key);
  }

  /**
   * The KIP-848 member: one heartbeat at a time carries the subscription and what this member
   * owns; the broker answers with the target assignment, which the member reconciles (commit
   * and release what goes, claim what comes) and acknowledges at once in the next heartbeat.
   */
  async #run848(): Promise<void> {
    const o = this.#o;
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
    while (!this.#closed) {
      try {
        const topics = this.#subscribedTopics();
        if (topics.join(",") !== sentTopics) full = true;
        const coordinator = await this.#client.coordinator(o.groupId);
        const conn = await this.#client.connection(coordinator);
        const version = conn.versions.version(API_TABLE[68].info.key);
        if (version >= 1 && this.#memberId === "") {
          this.#memberId = randomUuid();
          selfNamed = true;
        }
        const owned = this.#ownedIds();
        this.#stage.set("request in flight");
        const res = await conn.request(API_TABLE[68], {
          groupId: o.groupId,
          memberId: this.#memberId,
          memberEpoch: epoch,
          instanceId: o.groupInstanceId ?? null,
          rackId: null,
          rebalanceTimeoutMs: full ? o.rebalanceTimeoutMs : -1,
          subscribedTopicNames: full ? topics : null,
          subscribedTopicRegex: null,
          serverAssignor: full ? o.serverAssignor ?? null : null,
          topicPartitions: epoch === 0 ? [] : full || ack ? owned : null,
        }, { version });
        this.#stage.add("heartbeats", 1);
        if (res.errorCode !== 0) {
          throw new KafkaError(res.errorCode, {
            api: "ConsumerGroupHeartbeat",
            detail: res.errorMessage,
          });
        }
        if (full) sentTopics = topics.join(",");
        if (res.memberId) this.#memberId = res.memberId;
        // A success with a negative epoch would turn the next heartbeat into a leave: ignore it.
        if (res.memberEpoch >= 0) epoch = res.memberEpoch;
        this.#generationId = epoch;
        this.#inGeneration = epoch > 0;
        if (res.heartbeatIntervalMs > 0) interval = res.heartbeatIntervalMs;
        full = false;
        ack = false;
        if (res.assignment) {
          await this.#reconcile(res.assignment.topicPartitions);
          ack = true; // tell the broker at once what this member now owns
          continue;
        }
        this.#stage.counters.generation = epoch;
        this.#stage.counters.partitions = this.#owned.size;
        this.#stage.set("idle");
        await new Promise<void>((r) => {
          const t = setTimeout(r, Math.min(interval, o.heartbeatIntervalMs));
          this.#wake = () => {
            clearTimeout(t);
            r();
          };
        });
        this.#wake = undefined;
      } catch (e) {
        if (this.#closed) break;
        const code = e instanceof KafkaError ? e.code : -1;
        if (code === ErrorCode.FENCED_MEMBER_EPOCH || code === ErrorCode.UNKNOWN_MEMBER_ID) {
          // Fenced: the partitions are already someone else's; drop them without committing.
          await this.#revoke([...this.#owned.keys()], false);
          epoch = 0;
          if (!selfNamed) this.#memberId = "";
          this.#inGeneration = false;
        } else if (coordinatorLost(e)) {
          this.#client.forgetCoordinator(o.groupId);
        } else if (e instanceof KafkaError && !e.retriable) {
          throw e;
        }
        full = true;
        this.#stage.set("retrying");
        // Cut short by close; the loop then sees #closed and leaves the group.
        await sleep(200, this.#stop.signal).catch(() => {});
      }
    }
    // Leave: -1, or -2 for a static member that expects to come back.
    if (epoch > 0) {
      await this.offsets.commit().catch(this.#report);
      this.#inGeneration = false;
      const coordinator = await this.#client.coordinator(o.groupId).catch(() => -1);
      if (coordinator >= 0) {
        await this.#client.request(coordinator, API_TABLE[68], {
          groupId: o.groupId,
          memberId: this.#memberId,
          memberEpoch: o.groupInstanceId ? -2 : -1,
          instanceId: o.groupInstanceId ?? null,
          topicPartitions: null,
        }).catch(() => {});
      }
      this.#memberId = "";
    }
  }

  /** Applies a KIP-848 assignment (topic ids): release what is gone, claim what is new. */
  async #reconcile(target: readonly { topicId: string; partitions: number[] }[]): Promise<void> {
    let names = this.#client.metadata.topics;
    const idToName = () => new Map([...names.values()].map((t) => [t.topicId, t.name]));
    let byId = idToName();
    if (target.some((t) => !byId.has(t.topicId))) {
      names = (await this.#client.refreshMetadata(null)).topics;
      byId = idToName();
    }
    const wanted = new Set<string>();
    for (const t of target) {
      const name = byId.get(t.topicId);
      if (name === undefined) continue; // not resolvable yet: claimed on a later heartbeat
      for (const p of t.partitions) wanted.add(key(name, p));
    }
    const lost = [...this.#owned.keys()].filter((k) => !wanted.has(k));
    const gained = [...wanted].filter((k) => !this.#owned.has(k));
    await this.#revoke(lost, true);
    await this.#claim(gained);
  }

  /** What this member owns, as KIP-848 heartbeats name it (topic ids). */
  #ownedIds(): { topicId: string; partitions: number[] }[] {
    const topics = this.#client.metadata.topics;
    return this.assignment().map((t) => ({
      topicId: topics.get(t.topic)?.topicId ?? "AAAAAAAAAAAAAAAAAAAAAA",
      partitions: [...t.partitions],
    }));
  }

  async #shutdown(): Promise<void> {
    const o = this.#o;
    await this.offsets.commit().catch(this.#report);
    this.#inGeneration = false;
    for (const c of this.#owned.values()) c.records.close();
    this.#owned.clear();
    try {
      this.#claimsController.close();
    } catch {
      // already errored
    }
    // A static member does not leave: its restart within the session timeout keeps its place.
    // (A KIP-848 member has already left in #run848.)
    if (
      o.groupInstanceId === undefined && this.#memberId !== "" && this.#groupProtocol === "classic"
    ) {
      const coordinator = await this.#client.coordinator(o.groupId).catch(() => -1);
      const conn = coordinator >= 0
        ? await this.#client.connection(coordinator).catch(() => undefined)
        : undefined;
      if (conn !== undefined) {
        // v0-2 name the member directly; v3+ (batched leave, KIP-345) list members instead.
        const v = conn.versions.version(API_TABLE[13].info.key);
        await conn.request(
          API_TABLE[13],
          v >= 3
            ? {
              groupId: o.groupId,
              members: [{
                memberId: this.#memberId,
                groupInstanceId: null,
                reason: "the consumer is closing",
              }],
            }
            : { groupId: o.groupId, memberId: this.#memberId },
          { version: v },
        ).catch(() => {});
      }
    }
    this.offsets.stop();
    this.#stage.close();
    await this.#consumer.close();
  }
}

function isCooperative(a: Assignor): boolean {
  return a.protocols.includes("cooperative");
}

function group(parts: readonly (readonly [string, number])[]): TopicPartitions[] {
  const m = new Map<string, number[]>();
  for (const [t, p] of parts) m.set(t, [...(m.get(t) ?? []), p]);
  return [...m].sort((a, b) => a[0].localeCompare(b[0])).map(([topic, partitions]) => ({
    topic,
    partitions: partitions.sort((a, b) => a - b),
  }));
}
