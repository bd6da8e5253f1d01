// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The client side of a share session (KIP-932): one per member and broker. Epoch 0 opens it
 * with every partition to fetch; later requests carry the epoch after the last one answered
 * (wrapping to 1) with only the partitions added, the ones to forget and the acknowledgements;
 * -1 closes it. Private to lib/share.
 *
 * @module
 */

/** A partition of a share session. */
export interface SessionPartitionRef {
  readonly topicId: string;
  readonly partition: number;
}

/** Acknowledgement batches as ShareFetch and ShareAcknowledge carry them. */
export interface AckBatch {
  firstOffset: bigint;
  lastOffset: bigint;
  acknowledgeTypes: number[];
}

/** One partition's part of a request: its acknowledgements, if any. */
export interface PlannedPartition extends SessionPartitionRef {
  readonly batches: AckBatch[];
}

/** What the next request to the broker carries. */
export interface SessionPlan {
  readonly epoch: number;
  /** Partitions to name: new to the session, or carrying acknowledgements. */
  readonly send: readonly PlannedPartition[];
  /** Partitions to drop from the session. */
  readonly forget: readonly SessionPartitionRef[];
  /** Acknowledged records this request carries. */
  readonly acks: number;
}

interface Pending {
  readonly topicId: string;
  readonly partition: number;
  offsets: number[];
  types: number[];
}

const keyOf = (topicId: string, partition: number): string => `${topicId}\u0000${partition}`;
const MAX_EPOCH = 0x7fffffff;

/**
 * Acknowledgements of one partition as batches: contiguous offsets form one batch, with one
 * type when they all share it and one type per offset otherwise.
 */
export function ackBatches(offsets: readonly number[], types: readonly number[]): AckBatch[] {
  const idx = offsets.map((_, i) => i).sort((a, b) => offsets[a]! - offsets[b]!);
  const out: AckBatch[] = [];
  let start = 0;
  while (start < idx.length) {
    let end = start + 1;
    while (end < idx.length && offsets[idx[end]!]! === offsets[idx[end - 1]!]! + 1) end++;
    const ts = idx.slice(start, end).map((i) => types[i]!);
    out.push({
      firstOffset: BigInt(offsets[idx[start]!]!),
      lastOffset: BigInt(offsets[idx[end - 1]!]!),
      acknowledgeTypes: ts.every((t) => t === ts[0]) ? [ts[0]!] : ts,
    });
    start = end;
  }
  return out;
}

/**
 * One broker's share session for one member: its epoch, the partitions the broker keeps in it,
 * and the acknowledgements waiting to go there.
 */
export class ShareSession {
  #epoch = 0;
  #known: Map<string, SessionPartitionRef> = new Map();
  #pending: Map<string, Pending> = new Map();

  /** The epoch the next request carries (0: the session is not open). */
  get epoch(): number {
    return this.#epoch;
  }

  /** Whether acknowledgements wait to be sent. */
  get hasAcks(): boolean {
    return this.#pending.size > 0;
  }

  /** Queues acknowledgements of records this session acquired. */
  acknowledge(topicId: string, partition: number, offsets: number[], types: number[]): void {
    if (offsets.length === 0) return;
    const k = keyOf(topicId, partition);
    let p = this.#pending.get(k);
    if (p === undefined) this.#pending.set(k, p = { topicId, partition, offsets: [], types: [] });
    for (let i = 0; i < offsets.length; i++) {
      p.offsets.push(offsets[i]!);
      p.types.push(types[i]!);
    }
  }

  /**
   * Plans a ShareFetch for `wanted`. Opening (epoch 0) names every partition and drops waiting
   * acknowledgements, which belonged to a session the broker no longer has.
   */
  planFetch(wanted: readonly SessionPartitionRef[]): SessionPlan {
    if (this.#epoch === 0) {
      this.#pending.clear();
      return { epoch: 0, send: wanted.map((p) => ({ ...p, batches: [] })), forget: [], acks: 0 };
    }
    const want = new Map(wanted.map((p) => [keyOf(p.topicId, p.partition), p]));
    const send: PlannedPartition[] = [];
    let acks = 0;
    for (const [k, p] of this.#pending) {
      send.push({
        topicId: p.topicId,
        partition: p.partition,
        batches: ackBatches(p.offsets, p.types),
      });
      acks += p.offsets.length;
      want.delete(k);
    }
    this.#pending.clear();
    for (const [k, p] of want) if (!this.#known.has(k)) send.push({ ...p, batches: [] });
    const wantedKeys = new Set(wanted.map((p) => keyOf(p.topicId, p.partition)));
    const forget: SessionPartitionRef[] = [];
    for (const [k, p] of this.#known) {
      // A partition named only for its acknowledgements joins the session: forget it next time.
      if (!wantedKeys.has(k) && !send.some((s) => keyOf(s.topicId, s.partition) === k)) {
        forget.push(p);
      }
    }
    return { epoch: this.#epoch, send, forget, acks };
  }

  /** Plans a ShareAcknowledge of what waits; `final` closes the session (epoch -1). */
  planAcknowledge(final: boolean): SessionPlan {
    const send: PlannedPartition[] = [];
    let acks = 0;
    for (const p of this.#pending.values()) {
      send.push({
        topicId: p.topicId,
        partition: p.partition,
        batches: ackBatches(p.offsets, p.types),
      });
      acks += p.offsets.length;
    }
    this.#pending.clear();
    return { epoch: final ? -1 : this.#epoch, send, forget: [], acks };
  }

  /** The broker answered `plan` without a session error: move to the next epoch. */
  answered(plan: SessionPlan): void {
    if (plan.epoch < 0) {
      this.reset();
      return;
    }
    for (const p of plan.forget) this.#known.delete(keyOf(p.topicId, p.partition));
    for (const p of plan.send) {
      this.#known.set(keyOf(p.topicId, p.partition), {
        topicId: p.topicId,
        partition: p.partition,
      });
    }
    this.#epoch = plan.epoch >= MAX_EPOCH ? 1 : plan.epoch + 1;
  }

  /**
   * Forgets the session (after SHARE_SESSION_NOT_FOUND, INVALID_SHARE_SESSION_EPOCH, a failed
   * request or a close): the next fetch opens a new one. Returns how many waiting
   * acknowledgements were dropped with it; their records come back when their locks end.
   */
  reset(): number {
    let dropped = 0;
    for (const p of this.#pending.values()) dropped += p.offsets.length;
    this.#pending.clear();
    this.#known.clear();
    this.#epoch = 0;
    return dropped;
  }
}
