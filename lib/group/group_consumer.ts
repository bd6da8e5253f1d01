// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Sarama's ConsumerGroup: membership in a consumer group (the classic protocol, or KIP-848's
 * consumer protocol), claims of the partitions it is given, and offset management.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import type { StageHandle } from "../net/stage_registry.ts";
import { Consumer } from "../consumer/consumer.ts";
import type { RecordChunk } from "../consumer/record_chunk.ts";
import type { TopicPartitions } from "./assignor.ts";
import { OffsetManager } from "./offset_manager.ts";
import {
  type GroupConsumerOptions,
  type ResolvedGroupOptions,
  resolveGroupOptions,
} from "./group_consumer_options.ts";
import type { Claim } from "./claim.ts";
import { mergeClaims } from "./_records_merge.ts";
import { GroupSession } from "./_group_session.ts";
import { OwnedClaims } from "./_owned_claims.ts";
import { ClassicMember } from "./_classic_member.ts";
import { Kip848Member } from "./_kip848_member.ts";

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
  readonly #session: GroupSession;
  readonly #owned: OwnedClaims;
  #classic: ClassicMember | undefined;
  #running: Promise<void>;
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
    const session = this.#session = new GroupSession(client, o, this.#stage);
    this.offsets = new OffsetManager(
      client,
      o.groupId,
      () => session.inGeneration ? session.identity() : null,
      o.autoCommitIntervalMs,
      client.registry.register("offsetManager", `group ${o.groupId}`),
      o.onError ?? ((e) => console.warn(`kanal: group ${o.groupId}: automatic commit failed:`, e)),
    );
    this.#owned = new OwnedClaims(session, this.#consumer, this.offsets);
    this.claims = this.#owned.stream;
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
    return this.#session.memberId;
  }

  /** The current generation (classic) or member epoch (consumer protocol); -1 before the first. */
  get generationId(): number {
    return this.#session.generationId;
  }

  /** The group protocol in use: `consumer` only when asked for and offered by the broker. */
  get protocol(): "classic" | "consumer" {
    return this.#groupProtocol;
  }

  /** The partitions this member owns now. */
  assignment(): TopicPartitions[] {
    return this.#owned.assignment();
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
    const owned = this.#owned;
    return mergeClaims(this.claims, {
      current: (claim) => owned.current(claim),
      handing: (claim) => owned.handing(claim),
      done: (claim) => owned.done(claim),
      fail: (e) => this.#failWith(e),
      close: () => this.close(),
    });
  }

  /** Ends the member with `error`: it leaves the group and `claims` errors with it. */
  #failWith(error: unknown): void {
    const s = this.#session;
    if (s.closed) return;
    s.fatal = error;
    s.closed = true;
    s.wake?.();
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
    const s = this.#session;
    if (s.closed) return this.#running;
    s.closed = true;
    s.stop.abort(new DOMException("The group member is closed", "AbortError"));
    s.wake?.();
    await this.#running;
  }

  /** Closes the member, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #run(): Promise<void> {
    const o = this.#o;
    const s = this.#session;
    try {
      if (o.pattern) await this.#client.refreshMetadata(null);
      if (o.protocol === "consumer" && await Kip848Member.offered(s)) {
        this.#groupProtocol = "consumer";
        await new Kip848Member(s, this.#owned, this.offsets).run();
      } else {
        this.#classic = new ClassicMember(s, this.#owned);
        await this.#classic.run();
      }
      if (s.fatal !== undefined) throw s.fatal;
    } catch (e) {
      s.fatal ??= e;
      this.#owned.error(e);
    } finally {
      await this.#shutdown();
    }
  }

  async #shutdown(): Promise<void> {
    await this.offsets.commit().catch(this.#session.report);
    this.#session.inGeneration = false;
    this.#owned.close();
    // (A KIP-848 member has already left in its run().)
    await this.#classic?.leave();
    this.offsets.stop();
    this.#stage.close();
    await this.#consumer.close();
  }
}
