// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * KIP-227 fetch sessions for one fake broker: the partitions a client fetches, kept between
 * requests so that incremental fetches send and receive only what changed.
 *
 * @module
 */

/** One partition in a fetch session, with what the client last told and was told. */
export interface SessionPartition {
  /** The topic name. */
  topic: string;
  /** The topic id. */
  topicId: string;
  /** The partition. */
  partition: number;
  /** Where the client reads next. */
  fetchOffset: bigint;
  /** The most bytes to return for it. */
  maxBytes: number;
  /** The leader epoch the client knows, -1 for none. */
  currentLeaderEpoch: number;
  /** The epoch of the last batch the client fetched, -1 for none. */
  lastFetchedEpoch: number;
  /** The high watermark last sent, -1 before the first answer. */
  sentHighWatermark: bigint;
  /** The log start last sent. */
  sentLogStart: bigint;
}

/** One session. */
export interface FetchSession {
  /** The session id. */
  readonly id: number;
  /** The epoch the next incremental request must carry. */
  epoch: number;
  /** Its partitions by `topicId:partition` (the name when there is no id). */
  readonly partitions: Map<string, SessionPartition>;
}

/** Kafka's `max.incremental.fetch.session.cache.slots`. */
const MAX_SESSIONS = 1000;

/**
 * The session cache of one broker, bounded: past 1000 sessions the oldest is evicted, and its
 * client gets FETCH_SESSION_ID_NOT_FOUND and starts over, as with Kafka.
 *
 * @example A new session, then its lookup
 * ```ts
 * import { FetchSessions } from "./fetch_sessions.ts";
 * import assert from "node:assert/strict";
 *
 * const sessions = new FetchSessions();
 * const s = sessions.create();
 * assert.equal(s.epoch, 1);
 * assert.equal(sessions.get(s.id), s);
 * ```
 */
export class FetchSessions {
  readonly #sessions: Map<number, FetchSession> = new Map();

  /** Makes a session; its first incremental request carries epoch 1. */
  create(): FetchSession {
    let id = 0;
    while (id === 0 || this.#sessions.has(id)) {
      id = crypto.getRandomValues(new Uint32Array(1))[0]! & 0x7fffffff;
    }
    const s: FetchSession = { id, epoch: 1, partitions: new Map() };
    this.#sessions.set(id, s);
    if (this.#sessions.size > MAX_SESSIONS) {
      this.#sessions.delete(this.#sessions.keys().next().value!);
    }
    return s;
  }

  /** The session with `id`, or undefined. */
  get(id: number): FetchSession | undefined {
    return this.#sessions.get(id);
  }

  /** Forgets a session. */
  delete(id: number): void {
    this.#sessions.delete(id);
  }

  /** Forgets every session (a broker restart). */
  clear(): void {
    this.#sessions.clear();
  }
}
