// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The client side of a fetch session (KIP-227): after one full fetch, the broker remembers the
 * partitions and their positions, and each later fetch names only what changed.
 *
 * @module
 */

/** A partition's place in a fetch. */
export interface SessionPartition {
  readonly topicId: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly leaderEpoch: number;
  /** The leader epoch of the last batch read (KIP-320), -1 when none. */
  readonly lastFetchedEpoch: number;
  readonly maxBytes: number;
}

/** What to put in the next Fetch request. */
export interface SessionPlan {
  readonly sessionId: number;
  readonly epoch: number;
  /** Partitions to send: all of them in a full fetch, the changed ones in an incremental one. */
  readonly send: readonly SessionPartition[];
  /** Partitions to drop from the session. */
  readonly forget: readonly SessionPartition[];
}

// By name and id: brokers without topic ids (Fetch before v13) give every topic the zero id,
// and a topic deleted and made again keeps its name under a new id.
const key = (p: SessionPartition) => `${p.topicId}\u0000${p.topic}\u0000${p.partition}`;

/**
 * One broker's fetch session. `plan()` compares what should be fetched now with what the broker
 * remembers; `answered()` records the broker's session id after each answer; `reset()` starts
 * over with a full fetch (after FETCH_SESSION_ID_NOT_FOUND or INVALID_FETCH_SESSION_EPOCH, or a
 * failed request, when the broker's view is unknown).
 *
 * With sessions disabled (or refused by the broker, which answers id 0) every fetch is full.
 */
export class FetchSession {
  readonly #enabled: boolean;
  #id = 0;
  #epoch = 0;
  #known: Map<string, SessionPartition> = new Map();

  constructor(enabled: boolean) {
    this.#enabled = enabled;
  }

  /** Plans the next fetch for `wanted`, the partitions to fetch now. */
  plan(wanted: readonly SessionPartition[]): SessionPlan {
    if (!this.#enabled || this.#id === 0) {
      // Full fetch; epoch 0 asks the broker to open a session, -1 that it not.
      return { sessionId: 0, epoch: this.#enabled ? 0 : -1, send: wanted, forget: [] };
    }
    const next = new Map<string, SessionPartition>();
    const send: SessionPartition[] = [];
    for (const p of wanted) {
      const k = key(p);
      next.set(k, p);
      const old = this.#known.get(k);
      if (
        old === undefined || old.offset !== p.offset || old.maxBytes !== p.maxBytes ||
        old.leaderEpoch !== p.leaderEpoch || old.lastFetchedEpoch !== p.lastFetchedEpoch
      ) send.push(p);
    }
    const forget: SessionPartition[] = [];
    for (const [k, p] of this.#known) if (!next.has(k)) forget.push(p);
    return { sessionId: this.#id, epoch: this.#epoch, send, forget };
  }

  /** Records the broker's answer to `plan`: its session id, and what it now remembers. */
  answered(plan: SessionPlan, sessionId: number): void {
    if (!this.#enabled) return;
    if (sessionId === 0) {
      this.reset();
      return;
    }
    if (plan.sessionId === 0) this.#known = new Map();
    for (const p of plan.forget) this.#known.delete(key(p));
    for (const p of plan.send) this.#known.set(key(p), p);
    this.#id = sessionId;
    this.#epoch = plan.sessionId === 0 ? 1 : (plan.epoch % 0x7fffffff) + 1;
  }

  /** Forgets the session: the next fetch is full. */
  reset(): void {
    this.#id = 0;
    this.#epoch = 0;
    this.#known = new Map();
  }
}
