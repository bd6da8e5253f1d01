// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Sarama's partitionConsumer dispatcher: one partition's records as a stream.
 *
 * @module
 */

import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import type { KafkaRecord } from "../protocol/record.ts";
import type { StageHandle } from "../net/stage_registry.ts";
import type { ConsumerContext } from "./_consumer_context.ts";
import type { ConsumerRecord, RecordChunk, StartOffset } from "./record_chunk.ts";
import { sleep } from "../util/sleep.ts";
import { LogTruncationError } from "./log_truncation_error.ts";

// Errors after which the partition looks for its leader again.
const REDISPATCH: ReadonlySet<number> = new Set([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.UNKNOWN_TOPIC_ID,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.REPLICA_NOT_AVAILABLE,
  ErrorCode.OFFSET_NOT_AVAILABLE,
  ErrorCode.NETWORK_EXCEPTION,
  ErrorCode.REQUEST_TIMED_OUT,
]);

/** A chunk with the fetched bytes it holds on to, for the stream's byte budget. */
interface SizedChunk extends RecordChunk {
  readonly bytes: number;
}

/**
 * A `ReadableStream` of one partition's records, in chunks (one per fetch that brought any),
 * and the dispatcher that keeps it fed: it resolves the start offset, finds the partition's
 * leader and subscribes to that broker's subscriptionManager; when the leader moves or a fetch
 * fails it finds the leader again and resubscribes, from the offset after the last record it
 * handed out, so nothing is skipped or repeated.
 *
 * Its queue is counted in fetched bytes against `partitionBufferBytes`: a partition whose
 * reader is behind is left out of fetches until it catches up (the stage shows
 * `backpressured`), while the other partitions keep flowing.
 *
 * An offset out of range restarts from the oldest or newest record (`offsetOutOfRange`), or
 * errors the stream; a corrupt batch errors the stream with a `MalformedDataError`.
 *
 * @example Read one partition from the start
 * ```ts ignore
 * const stream = consumer.partition("orders", 0, { offset: "oldest" });
 * for await (const chunk of stream) {
 *   for (const r of chunk.records) console.log(r.offset, new TextDecoder().decode(r.value!));
 * }
 * ```
 */
export class PartitionConsumer extends ReadableStream<RecordChunk> {
  /** The topic. */
  readonly topic: string;
  /** The partition. */
  readonly partition: number;
  /** Its entry in the stage dump. */
  readonly stage: StageHandle;
  readonly #ctx: ConsumerContext;
  #controller!: ReadableStreamDefaultController<RecordChunk>;
  #start: StartOffset;
  #offset = -1;
  #highWatermark = -1;
  /** Where lag counts to: the high watermark, or the last stable offset (read_committed). */
  #end = -1;
  #leaderEpoch = -1;
  /** The leader epoch of the last batch read (KIP-320), -1 before any or after a seek. */
  #lastFetchedEpoch = -1;
  /**
   * The position must be checked with OffsetForLeaderEpoch before the next fetch (KIP-320): the
   * leader changed, or the position was restored with the epoch it was committed with.
   */
  #validate = false;
  /**
   * Where each leader epoch began among the records handed out, as pairs `[offset, epoch]`,
   * oldest first (a few entries: epochs change only with leaders), for {@linkcode epochAt}.
   */
  #epochs: number[] = [];
  #broker = -1;
  /** The replica the leader named to fetch from (KIP-392), -1 for the leader. */
  #readReplica = -1;
  #paused = false;
  #done = false;
  #dispatching = false;
  /** Bumped on every seek or resubscription: answers to older fetches are dropped. */
  generation = 0;

  /** Made by {@linkcode Consumer.partition}; reading starts at once. */
  constructor(
    ctx: ConsumerContext,
    topic: string,
    partition: number,
    start: StartOffset,
    stage: StageHandle,
    leaderEpoch = -1,
  ) {
    const ref: { self?: PartitionConsumer } = {};
    let controller!: ReadableStreamDefaultController<RecordChunk>;
    super({
      // start runs inside super(), before `this` exists: keep the controller for after.
      start: (c) => {
        controller = c;
      },
      pull: () => {
        // The reader made room: if this partition had been left out of fetches, rejoin.
        ref.self!.#wakeBroker();
      },
      cancel: () => ref.self!.#stop(),
    }, {
      highWaterMark: ctx.options.partitionBufferBytes,
      size: (chunk) => (chunk as SizedChunk).bytes,
    });
    ref.self = this;
    this.#controller = controller;
    this.#ctx = ctx;
    this.topic = topic;
    this.partition = partition;
    this.#start = start;
    this.stage = stage;
    // A position restored with the epoch of the record before it (a committed offset) is
    // checked against the leader's log before the first fetch, as Java's consumer does.
    if (leaderEpoch >= 0 && typeof start === "number") {
      this.#lastFetchedEpoch = leaderEpoch;
      this.#validate = true;
      this.#epochs.push(start, leaderEpoch);
    }
    stage.counters.records = 0;
    stage.counters.chunks = 0;
    this.#dispatch();
  }

  /** The offset of the next record this stream will hand out; -1 until it is known. */
  get position(): number {
    return this.#offset;
  }

  /** The partition's high watermark at the last fetch; -1 until one came back. */
  get highWatermark(): number {
    return this.#highWatermark;
  }

  /**
   * Records in the partition after `position` that can be read, as of the last fetch: up to
   * the high watermark, or under read_committed the last stable offset.
   */
  get lag(): number {
    return this.#end < 0 || this.#offset < 0 ? 0 : Math.max(0, this.#end - this.#offset);
  }

  /** Stops fetching for this partition; records already buffered can still be read. */
  pause(): void {
    this.#paused = true;
    this.#updateStage();
  }

  /** Fetches again after {@linkcode PartitionConsumer.pause}. */
  resume(): void {
    this.#paused = false;
    this.#updateStage();
    this.#wakeBroker();
  }

  /**
   * Moves to `offset` (or `"oldest"`, `"newest"`, `{ timestamp }`). Records already buffered
   * are still delivered first; fetched records from before the seek are dropped.
   */
  seek(offset: StartOffset): void {
    this.#start = offset;
    this.#offset = -1;
    this.#lastFetchedEpoch = -1;
    this.#validate = false;
    this.#epochs = [];
    this.generation++;
    this.#unsubscribe();
    this.#dispatch();
  }

  /** One record at a time, with its topic and partition. */
  async *records(): AsyncGenerator<ConsumerRecord, void, undefined> {
    const { topic, partition } = this;
    for await (const chunk of this) {
      for (const r of chunk.records) {
        yield {
          topic,
          partition,
          offset: r.offset,
          timestamp: r.timestamp,
          key: r.key,
          value: r.value,
          headers: r.headers,
        };
      }
    }
  }

  /**
   * The leader epoch of the batch that held the record at `offset`, among the records this
   * stream handed out; -1 when not known. It is committed with an offset (KIP-320), so that a
   * restart can check the log still holds what was read.
   */
  epochAt(offset: number): number {
    const e = this.#epochs;
    for (let i = e.length - 2; i >= 0; i -= 2) if (e[i]! <= offset) return e[i + 1]!;
    return -1;
  }

  /** Whether the next fetch from its broker should include this partition. */
  wantsData(): boolean {
    return !this.#paused && !this.#done && this.#offset >= 0 &&
      (this.#controller.desiredSize ?? 0) > 0;
  }

  /**
   * Where the next fetch starts, the leader epoch it expects, and the epoch of the last batch
   * read (for the broker to check the log still holds what was read, KIP-320).
   */
  fetchPosition(): { offset: number; leaderEpoch: number; lastFetchedEpoch: number } {
    return {
      offset: this.#offset,
      leaderEpoch: this.#leaderEpoch,
      lastFetchedEpoch: this.#lastFetchedEpoch,
    };
  }

  /**
   * Takes a fetch's records for this partition (already filtered to `offset` and up, without
   * control or aborted records). `nextOffset` is where the next fetch starts: after the last
   * record, or after batches that held none for this reader (transaction markers, aborted data).
   */
  deliver(
    generation: number,
    records: KafkaRecord[],
    nextOffset: number,
    highWatermark: number,
    bytes: number,
    stableOffset = -1,
    lastEpoch = -1,
    epochs: readonly number[] | null = null,
  ): void {
    if (generation !== this.generation || this.#done) return;
    if (lastEpoch >= 0) this.#lastFetchedEpoch = lastEpoch;
    if (epochs !== null) this.#noteEpochs(epochs);
    this.#highWatermark = highWatermark;
    this.#end = stableOffset >= 0 ? stableOffset : highWatermark;
    if (nextOffset > this.#offset) this.#offset = nextOffset;
    if (records.length > 0) {
      const chunk: SizedChunk = {
        topic: this.topic,
        partition: this.partition,
        records,
        highWatermark,
        lag: Math.max(0, this.#end - this.#offset),
        bytes,
      };
      this.#controller.enqueue(chunk);
      this.stage.add("records", records.length);
      this.stage.add("chunks", 1);
    }
    this.stage.counters.lag = this.lag;
    this.#updateStage();
  }

  /**
   * The leader named `replica` as the one to fetch from (KIP-392, a consumer with a `rack`):
   * fetches go there until it fails or the metadata no longer lists it.
   */
  readFrom(generation: number, replica: number): void {
    if (generation !== this.generation || this.#done) return;
    this.#readReplica = replica;
    this.stage.counters.readReplica = replica;
    this.#unsubscribe();
    this.generation++;
    this.#dispatch();
  }

  /** A fetch for this partition failed with `error` (a partition error code, or the request's). */
  fetchFailed(generation: number, error: unknown): void {
    if (generation !== this.generation || this.#done) return;
    if (this.#readReplica >= 0) {
      // Whatever the replica answered (even OFFSET_OUT_OF_RANGE: a follower may lag behind),
      // the leader is asked again, as KIP-392 says; it may name the replica again.
      this.#readReplica = -1;
      delete this.stage.counters.readReplica;
      this.stage.add("redispatches", 1);
      this.#unsubscribe();
      this.generation++;
      this.#dispatch(this.#ctx.options.retryBackoffMs, true);
      return;
    }
    const code = error instanceof KafkaError ? error.code : -1;
    if (code === ErrorCode.OFFSET_OUT_OF_RANGE) {
      const policy = this.#ctx.options.offsetOutOfRange;
      if (policy === "error") {
        this.#fail(error as KafkaError);
        return;
      }
      this.stage.add("resets", 1);
      this.seek(policy);
      return;
    }
    if (REDISPATCH.has(code) || (error instanceof KafkaError && error.retriable)) {
      this.stage.add("redispatches", 1);
      this.#unsubscribe();
      this.generation++;
      this.#dispatch(this.#ctx.options.retryBackoffMs, true);
      return;
    }
    this.#fail(error instanceof Error ? error : new Error(String(error)));
  }

  /**
   * The broker found the partition's log diverged from what this stream read (KIP-320): the
   * log holds records of `epoch` only up to `endOffset`. Under `logTruncation: "resume"` it goes
   * on from there (or, when the broker knows no common point, by `offsetOutOfRange`); under
   * `"error"` its stream fails with a {@linkcode LogTruncationError}. Either way nothing is
   * skipped or replayed without the reader being told.
   */
  diverged(generation: number, at: { epoch: number; endOffset: number }): void {
    if (generation !== this.generation || this.#done) return;
    this.#truncated(at, "Fetch");
  }

  /** The log no longer holds what was read, found by `api`: go on or fail by policy. */
  #truncated(at: { epoch: number; endOffset: number }, api: string): void {
    this.stage.add("truncations", 1);
    const known = at.epoch >= 0 && at.endOffset >= 0;
    const position = this.#offset;
    if (this.#ctx.options.logTruncation === "error") {
      this.#fail(
        new LogTruncationError(known ? at.endOffset : -1, position, at.epoch, {
          api,
          topic: this.topic,
          partition: this.partition,
        }),
      );
      return;
    }
    if (!known) {
      const policy = this.#ctx.options.offsetOutOfRange;
      if (policy === "error") {
        this.#fail(
          new LogTruncationError(-1, position, at.epoch, {
            api,
            topic: this.topic,
            partition: this.partition,
          }),
        );
      } else this.seek(policy);
      return;
    }
    // Go on from the first offset the new leader's log does not share with what was read,
    // keeping the common epoch so a further truncation is caught too.
    this.seek(Math.min(at.endOffset, position));
    this.#lastFetchedEpoch = at.epoch;
  }

  /** Appends a fetch's epoch boundaries (`[offset, epoch]` pairs) to {@linkcode epochAt}'s. */
  #noteEpochs(epochs: readonly number[]): void {
    const e = this.#epochs;
    for (let i = 0; i < epochs.length; i += 2) {
      if (e.length > 0 && e[e.length - 1] === epochs[i + 1]) continue;
      e.push(epochs[i]!, epochs[i + 1]!);
    }
    // Only recent offsets are marked: a long history of leader changes is not kept.
    if (e.length > 64) e.splice(0, e.length - 64);
  }

  /** Stops the partition: unsubscribes and ends the stream. */
  close(): void {
    if (this.#done) return;
    this.#stop();
    try {
      this.#controller.close();
    } catch {
      // already closed or errored
    }
  }

  #stop(): void {
    this.#done = true;
    this.#unsubscribe();
    this.stage.close();
  }

  #fail(error: Error): void {
    this.#stop();
    this.#controller.error(error);
  }

  #unsubscribe(): void {
    if (this.#broker >= 0) {
      this.#ctx.brokers.get(this.#broker)?.manager.remove(this);
      this.#broker = -1;
    }
  }

  #wakeBroker(): void {
    if (this.#broker >= 0) this.#ctx.brokers.get(this.#broker)?.consumer.wake();
    this.#updateStage();
  }

  /** Resolves the start offset if needed, finds the leader and subscribes; retries on failure. */
  #dispatch(delayMs = 0, refresh = false): void {
    if (this.#dispatching || this.#done) return;
    this.#dispatching = true;
    this.stage.set("retrying");
    const generation = this.generation;
    (async () => {
      const ctx = this.#ctx;
      for (let attempt = 0; !this.#done && !ctx.closed; attempt++) {
        if (delayMs > 0 || attempt > 0) {
          // Cut short by close; the check below then ends the loop.
          await sleep(attempt === 0 ? delayMs : ctx.options.retryBackoffMs, ctx.stop.signal)
            .catch(() => {});
        }
        if (this.#done || ctx.closed || generation !== this.generation) return;
        try {
          // After a failure the cached leader is suspect: look again before trusting it.
          if (attempt > 0 || refresh) await ctx.client.refreshMetadata([this.topic]);
          const leader = await ctx.client.leaderFor(this.topic, this.partition);
          const info = ctx.client.metadata.topics.get(this.topic)?.partitions[this.partition];
          const epoch = info?.leaderEpoch ?? -1;
          // A new leader (or epoch) may hold a log that lost the tail this stream read (an
          // unclean election): check the position before fetching from it again (KIP-320).
          if (this.#leaderEpoch >= 0 && epoch !== this.#leaderEpoch) this.#validate = true;
          this.#leaderEpoch = epoch;
          // A seek during the lookup made this answer stale: it must not overwrite the seek's.
          const offset = this.#offset < 0
            ? await this.#resolve(leader.nodeId, this.#start)
            : this.#offset;
          if (this.#done || generation !== this.generation) return;
          this.#offset = offset;
          if (this.#validate && this.#lastFetchedEpoch >= 0 && epoch >= 0) {
            const at = await this.#validatePosition(leader.nodeId, offset);
            if (this.#done || generation !== this.generation) return;
            this.#validate = false;
            if (at !== null) {
              // Seeks (a new generation, dispatched again when this lookup ends) or fails.
              this.#truncated(at, "OffsetForLeaderEpoch");
              return;
            }
          }
          this.#validate = false;
          // KIP-392: the replica the leader named, while the metadata still lists it.
          const replica = this.#readReplica;
          const target = replica >= 0 && info?.replicas.includes(replica) &&
              ctx.client.metadata.brokers.has(replica)
            ? replica
            : leader.nodeId;
          if (target !== replica) this.#readReplica = -1;
          this.#broker = target;
          ctx.manager(target).add(this);
          this.stage.set("waiting for input");
          return;
        } catch (e) {
          if (e instanceof KafkaError && !e.retriable) {
            this.#fail(e);
            return;
          }
          this.stage.add("retries", 1);
        }
      }
    })().finally(() => {
      this.#dispatching = false;
      // A seek during the lookup left this generation behind: look again for the new one.
      if (!this.#done && this.#broker < 0 && generation !== this.generation) this.#dispatch();
    });
  }

  /**
   * Asks the leader where the epoch of the last record read ends in its log (KIP-320): an end
   * before `position`, or no such epoch, is a truncation (returned); null when the log still
   * holds everything read, or the broker cannot tell (OffsetForLeaderEpoch before v3).
   */
  async #validatePosition(
    leader: number,
    position: number,
  ): Promise<{ epoch: number; endOffset: number } | null> {
    const conn = await this.#ctx.client.connection(leader, "fetch");
    const key = API_TABLE[23].info.key;
    if (!conn.versions.has(key) || conn.versions.version(key) < 3) return null;
    this.stage.add("validations", 1);
    const res = await conn.request(API_TABLE[23], {
      replicaId: -1,
      topics: [{
        topic: this.topic,
        partitions: [{
          partition: this.partition,
          currentLeaderEpoch: this.#leaderEpoch,
          leaderEpoch: this.#lastFetchedEpoch,
        }],
      }],
    });
    const p = res.topics.find((t) => t.topic === this.topic)?.partitions
      .find((x) => x.partition === this.partition);
    if (p === undefined) {
      throw new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, {
        api: "OffsetForLeaderEpoch",
        topic: this.topic,
        partition: this.partition,
      }, { retriable: true, message: "The answer left the partition out" });
    }
    if (p.errorCode !== 0) {
      throw new KafkaError(p.errorCode, {
        api: "OffsetForLeaderEpoch",
        topic: this.topic,
        partition: this.partition,
      });
    }
    const endOffset = Number(p.endOffset);
    const epoch = p.leaderEpoch ?? -1;
    if (epoch < 0 || endOffset < 0) return { epoch: -1, endOffset: -1 };
    return endOffset < position ? { epoch, endOffset } : null;
  }

  /** Turns a start offset into an absolute one with ListOffsets on the leader. */
  async #resolve(leader: number, start: StartOffset): Promise<number> {
    if (typeof start === "number") {
      if (!Number.isSafeInteger(start) || start < 0) {
        throw new KafkaError(ErrorCode.OFFSET_OUT_OF_RANGE, {
          topic: this.topic,
          partition: this.partition,
        }, {
          retriable: false,
          message: `Cannot start at offset ${start}: it must be a whole number from 0`,
        });
      }
      return start;
    }
    const timestamp = start === "oldest" ? -2n : start === "newest" ? -1n : BigInt(start.timestamp);
    const res = await this.#ctx.client.request(leader, API_TABLE[2], {
      replicaId: -1,
      isolationLevel: this.#ctx.options.isolationLevel === "read_committed" ? 1 : 0,
      topics: [{
        name: this.topic,
        partitions: [{
          partitionIndex: this.partition,
          timestamp,
          currentLeaderEpoch: this.#leaderEpoch,
        }],
      }],
    }, { kind: "fetch" });
    const p = res.topics[0]?.partitions[0];
    if (p === undefined) {
      throw new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, {
        api: "ListOffsets",
        topic: this.topic,
      }, {
        retriable: true,
        message: "The answer left the partition out",
      });
    }
    if (p.errorCode !== 0) {
      throw new KafkaError(p.errorCode, {
        api: "ListOffsets",
        topic: this.topic,
        partition: this.partition,
      });
    }
    const offset = Number(p.offset ?? -1n);
    if (offset >= 0) return offset;
    // No record at or after the timestamp: start at the end.
    return this.#resolve(leader, "newest");
  }

  #updateStage(): void {
    if (this.#done) return;
    const s = this.stage;
    s.counters.buffered = Math.max(
      0,
      this.#ctx.options.partitionBufferBytes - (this.#controller?.desiredSize ?? 0),
    );
    if (this.#dispatching || this.#broker < 0) s.set("retrying");
    else if (this.#paused) s.set("idle");
    else if ((this.#controller.desiredSize ?? 0) <= 0) s.set("backpressured");
    else s.set("waiting for input");
  }
}
