// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The share consumer (KIP-932, Kafka queues): a member of a share group reading acquired
 * records as a stream.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { formatStages, type StageHandle, type StageSnapshot } from "../net/stage_registry.ts";
import type { AssignedPartition, ShareContext } from "./_share_context.ts";
import type { ShareChunk } from "./share_chunk.ts";
import {
  type ResolvedShareConsumerOptions,
  resolveShareConsumerOptions,
  type ShareConsumerOptions,
} from "./share_consumer_options.ts";
import { ShareFetcher } from "./share_fetcher.ts";
import { type ShareAssignment, ShareHeartbeater } from "./share_heartbeater.ts";
import { sleep } from "../util/sleep.ts";

const STAGE_NAMES: ReadonlySet<string> = new Set([
  "shareHeartbeater",
  "shareFetcher",
  "shareDispatcher",
]);

let consumers = 0;

const keyOf = (topicId: string, partition: number): string => `${topicId}\u0000${partition}`;

interface Fetching {
  readonly fetcher: ShareFetcher;
  readonly reader: ReadableStreamDefaultReader<ShareChunk[]>;
  readonly loop: Promise<void>;
}

/**
 * A member of a share group. Unlike a consumer group's member, it does not own partitions:
 * every member may read every partition, and the broker hands each record to one member at a
 * time (it is *acquired*, under a lock of `share.record.lock.duration.ms`) until a member
 * accepts or rejects it; a released record, or one whose lock ran out, is delivered again,
 * until its delivery count passes the broker's `group.share.delivery.count.limit`.
 *
 * `records` is a `ReadableStream` of {@linkcode ShareChunk}s. In `"implicit"` mode (the
 * default) reading the next chunk accepts whatever the reader left unacknowledged in the chunks
 * before it; in `"explicit"` mode the reader accepts, releases or rejects each record or chunk.
 * Acknowledgements ride on the next ShareFetch to the partition's leader, or go alone;
 * {@linkcode ShareConsumer.commit} sends them now and waits for the broker. A chunk whose lock
 * ran out before it was read is dropped (the broker gives its records out again).
 *
 * `close()` (also on the `signal`, the client's close, `await using`, or cancelling `records`)
 * releases every record acquired and not acknowledged, closes each share session and leaves
 * the group. Stages: `shareHeartbeater` (membership), a `shareFetcher` per broker (the share
 * session) and `shareDispatcher` (the stream the reader reads).
 *
 * @example Work through a queue
 * ```ts ignore
 * import { Client } from "../client/client.ts";
 * import { ShareConsumer } from "./share_consumer.ts";
 *
 * await using client = await Client.connect({ brokers: "127.0.0.1:9092" });
 * await using consumer = new ShareConsumer(client, { groupId: "workers", topics: ["jobs"] });
 * for await (const chunk of consumer.records) {
 *   for (const r of chunk.records) await handle(r); // accepted when the next chunk is read
 * }
 * ```
 */
export class ShareConsumer implements AsyncDisposable {
  /** The acquired records, a chunk per partition and fetch. */
  readonly records: ReadableStream<ShareChunk>;
  /** The member id this consumer chose. */
  readonly memberId: string;
  readonly #client: Client;
  readonly #o: ResolvedShareConsumerOptions;
  readonly #role: string;
  readonly #ctx: ShareContext;
  readonly #heartbeater: ShareHeartbeater;
  readonly #dispatch: StageHandle;
  readonly #fetchers: Map<number, Fetching> = new Map();
  /** Assigned partitions by key, and the broker each is fetched from (-1: looking it up). */
  readonly #assigned: Map<string, AssignedPartition & { broker: number }> = new Map();
  #controller!: ReadableStreamDefaultController<ShareChunk>;
  #ready: ShareChunk[] = [];
  #handed: ShareChunk[] = [];
  #wanting = false;
  #notify: (() => void)[] = [];
  #closed = false;
  #failed: unknown;
  #ackErrors: KafkaError[] = [];
  #assignmentLoop: Promise<void> = Promise.resolve();
  #closing: Promise<void> | undefined;

  /**
   * Joins `options.groupId` on `client` and starts reading `options.topics`.
   *
   * @throws {TypeError} or {RangeError} for bad options, naming the option.
   */
  constructor(client: Client, options: ShareConsumerOptions) {
    const o = this.#o = resolveShareConsumerOptions(options);
    this.#client = client;
    this.memberId = crypto.randomUUID();
    this.#role = `share consumer ${++consumers}`;
    const isClosed = (): boolean => this.#closed;
    this.#ctx = {
      client,
      options: o,
      memberId: this.memberId,
      role: this.#role,
      get closed(): boolean {
        return isClosed();
      },
      partitionsOf: (broker) => [...this.#assigned.values()].filter((p) => p.broker === broker),
      relocate: (topicId, partition) => this.#relocate(topicId, partition),
      ackFailed: (error) => {
        if (o.onAcknowledgementError) o.onAcknowledgementError(error);
        // Kept for the next commit(); a reader that never commits keeps only the first ones.
        else if (this.#ackErrors.length < 100) this.#ackErrors.push(error);
      },
      fail: (error) => this.#fail(error),
    };
    const registry = client.registry;
    this.#dispatch = registry.register("shareDispatcher", `${this.#role}, group ${o.groupId}`);
    this.#dispatch.counters.chunks = 0;
    this.#dispatch.counters.records = 0;
    this.#dispatch.counters.expired = 0;
    this.#dispatch.counters.held = 0;
    this.records = new ReadableStream<ShareChunk>({
      start: (c) => {
        this.#controller = c;
      },
      pull: () => this.#pull(),
      cancel: () => this.close(),
    }, { highWaterMark: 0 });
    this.#heartbeater = new ShareHeartbeater(
      this.#ctx,
      registry.register("shareHeartbeater", `${this.#role}, group ${o.groupId}`),
    );
    this.#assignmentLoop = this.#followAssignments();
    o.signal?.addEventListener("abort", () => this.close(), { once: true });
    client.signal.addEventListener("abort", () => this.close(), { once: true });
  }

  /** The member's epoch in the group (0 until it joined). */
  get memberEpoch(): number {
    return this.#heartbeater.epoch;
  }

  /** The partitions assigned to this member now. */
  get assignment(): { topic: string; partition: number }[] {
    return [...this.#assigned.values()].map(({ topic, partition }) => ({ topic, partition }));
  }

  /**
   * Sends every acknowledgement made so far now, in ShareAcknowledge requests, and waits for
   * the brokers' answers. In implicit mode it first accepts what was read and not acknowledged.
   *
   * @throws {KafkaError} the first acknowledgement a broker refused since the last commit
   * (when there is no `onAcknowledgementError`), e.g. INVALID_RECORD_STATE for a lock lost.
   */
  async commit(): Promise<void> {
    if (this.#o.acknowledgementMode === "implicit") this.#acceptHanded();
    await Promise.all([...this.#fetchers.values()].map((f) => f.fetcher.flush()));
    const errors = this.#ackErrors.splice(0);
    if (errors.length > 0) throw errors[0];
  }

  /** This consumer's live stages. */
  stages(): StageSnapshot[] {
    const role = this.#role;
    return this.#client.stages().filter((s) =>
      STAGE_NAMES.has(s.name) && (s.role === role || s.role.startsWith(`${role},`))
    );
  }

  /** This consumer's live stages as a table. */
  dumpStages(): string {
    return formatStages(this.stages());
  }

  /**
   * Releases what is acquired and not acknowledged, closes the share sessions (the brokers
   * release anything else this member holds), leaves the group and ends `records`.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      for (const c of this.#handed.splice(0)) c.release();
      for (const c of this.#ready.splice(0)) c.release();
      for (const n of this.#notify.splice(0)) n();
      await Promise.all([...this.#fetchers.values()].map(async ({ fetcher, reader, loop }) => {
        // Ends a read waiting on a fetch; what that fetch acquires is released into the close.
        await reader.cancel().catch(() => {}); // cancelling our own reader cannot fail usefully
        await loop;
        await fetcher.closeSession();
      }));
      await this.#heartbeater.leave();
      await this.#assignmentLoop;
      this.#dispatch.close();
      try {
        if (this.#failed === undefined) this.#controller.close();
      } catch {
        // the reader cancelled: already closed
      }
    })();
    return this.#closing;
  }

  /** Closes the consumer, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #pull(): Promise<void> {
    if (this.#o.acknowledgementMode === "implicit") this.#acceptHanded();
    else {
      // Let go of chunks with nothing left to acknowledge, or whose lock ended (acknowledging
      // them would fail): only the others are released on close.
      const now = Date.now();
      this.#handed = this.#handed.filter((c) => c.unacknowledged > 0 && now < c.lockDeadline);
    }
    for (;;) {
      if (this.#closed) return;
      const chunk = this.#ready.shift();
      if (chunk !== undefined) {
        if (Date.now() >= chunk.lockDeadline) {
          // Its lock ran out while it waited: the broker gives these records out again.
          this.#dispatch.add("expired", chunk.records.length);
          continue;
        }
        this.#handed.push(chunk);
        this.#dispatch.counters.held = this.#handed.length;
        this.#dispatch.add("chunks", 1);
        this.#dispatch.add("records", chunk.records.length);
        this.#dispatch.set("waiting for input");
        this.#controller.enqueue(chunk);
        return;
      }
      this.#wanting = true;
      this.#dispatch.set("waiting for input");
      for (const n of this.#notify.splice(0)) n();
      await new Promise<void>((r) => this.#notify.push(r));
    }
  }

  #acceptHanded(): void {
    for (const c of this.#handed.splice(0)) c.accept();
  }

  /** Follows the heartbeater's assignments: which partitions, from which broker. */
  async #followAssignments(): Promise<void> {
    const reader = this.#heartbeater.getReader();
    try {
      for (;;) {
        const r = await reader.read();
        if (r.done || this.#closed) return;
        await this.#assign(r.value);
      }
    } catch (e) {
      this.#fail(e);
    } finally {
      reader.releaseLock();
    }
  }

  async #assign(assignment: ShareAssignment): Promise<void> {
    const client = this.#client;
    let meta = client.metadata;
    const names = (): Map<string, string> =>
      new Map([...meta.topics.values()].map((t) => [t.topicId, t.name]));
    let byId = names();
    if ([...assignment.keys()].some((id) => !byId.has(id))) {
      meta = await client.refreshMetadata([...this.#o.topics]).catch(() => meta);
      byId = names();
    }
    const next = new Set<string>();
    for (const [topicId, partitions] of assignment) {
      const topic = byId.get(topicId);
      if (topic === undefined) continue; // not resolvable yet: a later heartbeat brings it again
      for (const partition of partitions) {
        const k = keyOf(topicId, partition);
        next.add(k);
        if (!this.#assigned.has(k)) {
          this.#assigned.set(k, { topic, topicId, partition, broker: -1 });
          this.#relocate(topicId, partition);
        }
      }
    }
    for (const k of [...this.#assigned.keys()]) if (!next.has(k)) this.#assigned.delete(k);
    this.#heartbeater.stage.counters.partitions = this.#assigned.size;
    for (const f of this.#fetchers.values()) f.fetcher.wake();
  }

  /** Looks a partition's leader up (again) and moves it to that broker's fetcher. */
  #relocate(topicId: string, partition: number): void {
    const p = this.#assigned.get(keyOf(topicId, partition));
    if (p === undefined || this.#closed) return;
    const refresh = p.broker >= 0;
    p.broker = -1;
    (async () => {
      for (let attempt = 0; !this.#closed; attempt++) {
        if (refresh || attempt > 0) {
          // A closed client ends the wait, and with it this partition's retries.
          const closed = await sleep(this.#o.retryBackoffMs, this.#client.signal).then(
            () => false,
            () => true,
          );
          if (closed) return;
          await this.#client.refreshMetadata([p.topic]).catch(() => {});
        }
        if (this.#assigned.get(keyOf(topicId, partition)) !== p || this.#closed) return;
        try {
          const leader = await this.#client.leaderFor(p.topic, partition);
          p.broker = leader.nodeId;
          this.#fetcherFor(leader.nodeId).wake();
          return;
        } catch (e) {
          if (e instanceof KafkaError && !e.retriable) throw e;
        }
      }
    })().catch((e) => this.#fail(e));
  }

  #fetcherFor(broker: number): ShareFetcher {
    const have = this.#fetchers.get(broker);
    if (have !== undefined) return have.fetcher;
    const fetcher = new ShareFetcher(
      this.#ctx,
      broker,
      this.#client.registry.register("shareFetcher", `${this.#role}, broker ${broker}`),
    );
    const reader = fetcher.getReader();
    const loop = this.#feed(reader).catch((e) => this.#fail(e));
    this.#fetchers.set(broker, { fetcher, reader, loop });
    return fetcher;
  }

  /** Reads a broker's fetcher whenever the reader waits and nothing is ready. */
  async #feed(reader: ReadableStreamDefaultReader<ShareChunk[]>): Promise<void> {
    for (;;) {
      while (!this.#closed && !(this.#wanting && this.#ready.length === 0)) {
        await new Promise<void>((r) => this.#notify.push(r));
      }
      if (this.#closed) return;
      const r = await reader.read();
      if (r.done) return;
      if (this.#closed) {
        for (const c of r.value) c.release();
        return;
      }
      this.#ready.push(...r.value);
      this.#wanting = false;
      for (const n of this.#notify.splice(0)) n();
    }
  }

  #fail(error: unknown): void {
    if (this.#failed !== undefined || this.#closed) return;
    this.#failed = error;
    try {
      this.#controller.error(error);
    } catch {
      // already closed
    }
    // The error is the stream's to report; closing still releases and leaves.
    this.close().catch(() => {});
  }
}
