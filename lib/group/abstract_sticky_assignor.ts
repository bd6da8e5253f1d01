// Copyright 2026 the kanal authors. MIT license.
/**
 * The sticky algorithm (KIP-54) behind the sticky and cooperative-sticky assignors, Java's
 * `AbstractStickyAssignor`: as balanced as possible, and moving as few partitions as that allows.
 *
 * @module
 */

import {
  compareStrings,
  type MemberSubscription,
  type PartitionRacks,
  sortedMembers,
  type TopicPartitions,
} from "./assignor.ts";

/** What a sticky assignor knows of a member's previous assignment. */
export interface StickyMemberData {
  /** The partitions the member says it owned. */
  readonly partitions: readonly TopicPartitions[];
  /** The generation it owned them in, or -1 when unknown. */
  readonly generationId: number;
}

/**
 * The sticky algorithm shared by the sticky and cooperative-sticky assignors. `previous` says what
 * each member owned before and in which generation.
 *
 * 1. Previous ownership is validated: claims on partitions that no longer exist, or of topics the
 *    member left, are dropped; when members claim the same partition the one with the highest
 *    generation keeps it, and a tie leaves it unowned (Java does the same).
 * 2. When every member subscribes to the same topics, the quotas are exact: each member gets
 *    floor(P/N) or ceil(P/N) partitions, the larger quotas going first to members that already
 *    own that many, so the number of partitions that change hands is the least possible.
 *    Members keep owned partitions up to their quota; the rest are dealt round-robin.
 * 3. Otherwise every member keeps what it owned and each free partition goes to the least loaded
 *    member that can take it (partitions with the fewest candidates first). Then partitions move
 *    along chains of members, from a member to one holding at least two fewer, until no such
 *    chain exists: first chains of free partitions only, then any. That end state is the most
 *    balanced assignment the subscriptions allow (no chain of moves can improve it). Chains and
 *    their hops prefer partitions the giver did not own before, and a last pass sends a partition
 *    home wherever that just swaps two members' counts. This keeps movement low, though unlike
 *    step 2 it is not proven least.
 *
 * With `partitionRacks` (KIP-881, when members' racks hold some replicas and not every partition
 * has replicas in every rack), step 2 keeps at first only what a member owned in a rack of the
 * partition's replicas, gives free partitions to members in their racks before dealing the
 * rest, and only then gives members back what they owned elsewhere, as Java's assignors do;
 * step 3 places a free partition with the least loaded member in its rack first (the chains
 * that then restore balance do not look at racks).
 *
 * Members are ordered as Java orders them (static members by `group.instance.id`, then by member
 * id); ties go to the earlier member, so the result is deterministic.
 *
 * @example Two members owning three partitions each, and a third that joins
 * ```ts
 * import { assignSticky } from "./abstract_sticky_assignor.ts";
 * import assert from "node:assert/strict";
 *
 * const owned = new Map([["a", [0, 1, 2]], ["b", [3, 4, 5]], ["c", []]]);
 * const members = [...owned.keys()].map((memberId) => ({
 *   memberId, groupInstanceId: null, topics: ["t"], userData: null, ownedPartitions: [],
 *   generationId: 1, rackId: null,
 * }));
 * const result = assignSticky(members, new Map([["t", 6]]), (m) => ({
 *   partitions: [{ topic: "t", partitions: owned.get(m.memberId)! }],
 *   generationId: 1,
 * }));
 * assert.deepEqual(result.get("a"), [{ topic: "t", partitions: [0, 1] }]);
 * assert.deepEqual(result.get("b"), [{ topic: "t", partitions: [3, 4] }]);
 * assert.deepEqual(result.get("c"), [{ topic: "t", partitions: [2, 5] }]);
 * ```
 */
export function assignSticky(
  members: readonly MemberSubscription[],
  partitionsPerTopic: ReadonlyMap<string, number>,
  previous: (member: MemberSubscription) => StickyMemberData,
  partitionRacks?: PartitionRacks,
): Map<string, TopicPartitions[]> {
  const sorted = sortedMembers(members, partitionsPerTopic);
  const state = new StickyState(sorted, partitionsPerTopic, partitionRacks);
  state.claim(sorted.map(previous));
  if (state.sameSubscriptions()) state.assignByQuota();
  else state.assignByChains();
  return state.result();
}

/**
 * The working state of one sticky computation. Partitions are numbered 0..P-1 in (sorted topic,
 * partition) order and members 0..N-1 in Java's member order, so ties break by these numbers.
 */
class StickyState {
  readonly #members: readonly MemberSubscription[];
  readonly #topics: string[];
  readonly #topicIndex = new Map<string, number>();
  /** First partition number of each topic; one more entry holds P. */
  readonly #offsets: number[];
  /** Topic of each partition. */
  readonly #topicOf: Int32Array;
  /** Members subscribed to each topic, ascending. */
  readonly #subscribers: number[][];
  /** member * T + topic → 1 when subscribed. */
  readonly #subscribed: Uint8Array;
  /** Current owner of each partition, or -1. */
  readonly #owner: Int32Array;
  /** Validated previous owner of each partition, or -1. */
  readonly #previousOwner: Int32Array;
  readonly #count: Int32Array;
  /** Racks of each partition's replicas, when rack-aware assignment applies (KIP-881). */
  readonly #racks: (readonly string[])[] | null;

  constructor(
    members: readonly MemberSubscription[],
    partitionsPerTopic: ReadonlyMap<string, number>,
    partitionRacks?: PartitionRacks,
  ) {
    this.#members = members;
    const topicSet = new Set<string>();
    for (const m of members) {
      for (const t of m.topics) if ((partitionsPerTopic.get(t) ?? 0) > 0) topicSet.add(t);
    }
    this.#topics = [...topicSet].sort(compareStrings);
    this.#offsets = [0];
    this.#topics.forEach((t, i) => {
      this.#topicIndex.set(t, i);
      this.#offsets.push(this.#offsets[i]! + partitionsPerTopic.get(t)!);
    });
    const P = this.#offsets[this.#topics.length]!;
    const T = this.#topics.length;
    this.#topicOf = new Int32Array(P);
    for (let t = 0; t < T; t++) this.#topicOf.fill(t, this.#offsets[t]!, this.#offsets[t + 1]!);
    this.#subscribers = this.#topics.map(() => []);
    this.#subscribed = new Uint8Array(members.length * T);
    members.forEach((m, i) => {
      for (const t of new Set(m.topics)) {
        const ti = this.#topicIndex.get(t);
        if (ti === undefined) continue;
        this.#subscribed[i * T + ti] = 1;
        this.#subscribers[ti]!.push(i);
      }
    });
    this.#owner = new Int32Array(P).fill(-1);
    this.#previousOwner = new Int32Array(P).fill(-1);
    this.#count = new Int32Array(members.length);
    this.#racks = rackAware(members, this.#topics, partitionsPerTopic, partitionRacks);
  }

  /** Whether `member` is in a rack that holds a replica of `partition` (KIP-881). */
  #sameRack(member: number, partition: number): boolean {
    const rack = this.#members[member]!.rackId;
    return rack !== null && (this.#racks?.[partition]?.includes(rack) ?? false);
  }

  get #partitionCount(): number {
    return this.#topicOf.length;
  }

  #canTake(member: number, partition: number): boolean {
    return this.#subscribed[member * this.#topics.length + this.#topicOf[partition]!] === 1;
  }

  /** Step 1: the validated previous owner of each partition. */
  claim(previous: readonly StickyMemberData[]): void {
    const P = this.#partitionCount;
    const generation = new Float64Array(P).fill(-Infinity);
    previous.forEach((data, member) => {
      const gen = data.generationId;
      for (const tp of data.partitions) {
        const t = this.#topicIndex.get(tp.topic);
        if (t === undefined) continue;
        const size = this.#offsets[t + 1]! - this.#offsets[t]!;
        for (const p of tp.partitions) {
          if (!Number.isInteger(p) || p < 0 || p >= size) continue;
          const id = this.#offsets[t]! + p;
          if (this.#previousOwner[id] === member) continue;
          if (gen > generation[id]!) {
            generation[id] = gen;
            this.#previousOwner[id] = member;
          } else if (gen === generation[id]) {
            // Two members claim it in one generation: neither's claim can be trusted.
            this.#previousOwner[id] = -1;
          }
        }
      }
    });
    for (let id = 0; id < P; id++) {
      const m = this.#previousOwner[id]!;
      if (m >= 0 && !this.#canTake(m, id)) this.#previousOwner[id] = -1;
    }
  }

  sameSubscriptions(): boolean {
    const T = this.#topics.length;
    for (let i = 1; i < this.#members.length; i++) {
      for (let t = 0; t < T; t++) {
        if (this.#subscribed[i * T + t] !== this.#subscribed[t]) return false;
      }
    }
    return true;
  }

  #give(partition: number, member: number): void {
    const from = this.#owner[partition]!;
    if (from >= 0) this.#count[from] = this.#count[from]! - 1;
    this.#owner[partition] = member;
    this.#count[member] = this.#count[member]! + 1;
  }

  /** Step 2, for equal subscriptions: exact quotas, larger ones first to who owns that many. */
  assignByQuota(): void {
    const N = this.#members.length;
    const P = this.#partitionCount;
    if (N === 0) return;
    // With racks (KIP-881), as Java: a member keeps at first only what it owned in a rack of
    // the partition's replicas; the rest of what it owned it takes back later if still free.
    const owned: number[][] = Array.from({ length: N }, () => []);
    const elsewhere: number[][] = Array.from({ length: N }, () => []);
    for (let id = 0; id < P; id++) {
      const m = this.#previousOwner[id]!;
      if (m < 0) continue;
      if (this.#racks === null || this.#sameRack(m, id)) owned[m]!.push(id);
      else elsewhere[m]!.push(id);
    }
    const minQuota = Math.floor(P / N);
    let bigger = P % N;
    const quota = new Int32Array(N).fill(minQuota);
    for (let i = 0; i < N && bigger > 0; i++) {
      if (owned[i]!.length > minQuota) {
        quota[i] = minQuota + 1;
        bigger--;
      }
    }
    for (let i = 0; i < N; i++) {
      const keep = owned[i]!;
      for (let k = 0; k < keep.length && k < quota[i]!; k++) this.#give(keep[k]!, i);
    }
    let turn = 0;
    if (this.#racks !== null) {
      // Each free partition to a member in a rack of its replicas, taking turns: one below its
      // quota, else one that may take one more while larger quotas are left.
      for (let id = 0; id < P; id++) {
        if (this.#owner[id]! >= 0) continue;
        let to = -1;
        for (let k = 0; k < N && to < 0; k++) {
          const m = (turn + k) % N;
          if (this.#count[m]! < quota[m]! && this.#sameRack(m, id)) to = m;
        }
        for (let k = 0; k < N && to < 0 && bigger > 0; k++) {
          const m = (turn + k) % N;
          if (quota[m] === minQuota && this.#count[m] === minQuota && this.#sameRack(m, id)) {
            quota[m] = minQuota + 1;
            bigger--;
            to = m;
          }
        }
        if (to < 0) continue;
        this.#give(id, to);
        turn = (to + 1) % N;
      }
      for (let i = 0; i < N; i++) {
        for (const id of elsewhere[i]!) {
          if (this.#count[i]! >= quota[i]!) break;
          if (this.#owner[id]! < 0) this.#give(id, i);
        }
      }
    }
    for (let i = 0; i < N && bigger > 0; i++) {
      if (quota[i] === minQuota) {
        quota[i] = minQuota + 1;
        bigger--;
      }
    }
    // Deal the rest round-robin, so each member's new partitions spread over the topics.
    for (let id = 0; id < P; id++) {
      if (this.#owner[id]! >= 0) continue;
      while (this.#count[turn]! >= quota[turn]!) turn = (turn + 1) % N;
      this.#give(id, turn);
      turn = (turn + 1) % N;
    }
  }

  /** Step 3, for differing subscriptions: keep, place free partitions, then rebalance by chains. */
  assignByChains(): void {
    const P = this.#partitionCount;
    const free: number[] = [];
    for (let id = 0; id < P; id++) {
      const m = this.#previousOwner[id]!;
      if (m >= 0) this.#give(id, m);
      else free.push(id);
    }
    // Partitions with the fewest candidates first: they have the least choice.
    const candidates = (id: number): number => this.#subscribers[this.#topicOf[id]!]!.length;
    free.sort((a, b) => candidates(a) - candidates(b) || a - b);
    for (const id of free) {
      // The least loaded of the members in a rack of its replicas (KIP-881), else of all.
      let best = -1;
      let bestSame = false;
      for (const m of this.#subscribers[this.#topicOf[id]!]!) {
        const same = this.#sameRack(m, id);
        if (
          best < 0 || (same && !bestSame) ||
          (same === bestSame && this.#count[m]! < this.#count[best]!)
        ) {
          best = m;
          bestSame = same;
        }
      }
      this.#give(id, best);
    }
    // First balance with the free partitions alone, which costs no member anything it had; only
    // then move owned partitions, if balance still needs it. This also makes the cooperative
    // follow-up rebalance final: its target is reachable by moving the withheld partitions only.
    this.#rebalance(true);
    this.#rebalance(false);
    this.#returnHome();
  }

  /**
   * Sends partitions back to their previous owner wherever that swaps two members' counts (the
   * holder has exactly one more), which keeps the balance and moves one partition fewer. Chains
   * can leave such moves behind, having taken the first partition that fit.
   */
  #returnHome(): void {
    const P = this.#partitionCount;
    for (let again = true; again;) {
      again = false;
      for (let id = 0; id < P; id++) {
        const home = this.#previousOwner[id]!;
        const holder = this.#owner[id]!;
        if (home < 0 || home === holder) continue;
        if (this.#count[holder] === this.#count[home]! + 1) {
          this.#give(id, home);
          again = true;
        }
      }
    }
  }

  /**
   * Moves partitions along chains of members from a member to one holding at least two fewer,
   * until there is no such chain; with `onlyFree`, only partitions that had no previous owner
   * move. Chains that take fewest partitions from their previous owners go first.
   */
  #rebalance(onlyFree: boolean): void {
    const N = this.#members.length;
    const T = this.#topics.length;
    const P = this.#partitionCount;
    // held[member * T + topic]: movable partitions of the topic the member holds; cheap: those of
    // them it did not own before the rebalance, which it can pass on at no cost to stickiness.
    const held = new Int32Array(N * T);
    const cheap = new Int32Array(N * T);
    const partitionsOf: Set<number>[] = Array.from({ length: N }, () => new Set());
    const add = (m: number, id: number, delta: number): void => {
      const k = m * T + this.#topicOf[id]!;
      held[k] = held[k]! + delta;
      if (this.#previousOwner[id] !== m) cheap[k] = cheap[k]! + delta;
    };
    for (let id = 0; id < P; id++) {
      if (onlyFree && this.#previousOwner[id]! >= 0) continue;
      const m = this.#owner[id]!;
      add(m, id, 1);
      partitionsOf[m]!.add(id);
    }
    // Only members that can take something can receive.
    const receivers: number[] = [];
    for (let m = 0; m < N; m++) {
      for (let t = 0; t < T; t++) {
        if (this.#subscribed[m * T + t]) {
          receivers.push(m);
          break;
        }
      }
    }
    const search = new ChainSearch(N);
    for (;;) {
      let least = Infinity;
      for (const m of receivers) least = Math.min(least, this.#count[m]!);
      const sources = [...Array(N).keys()]
        .filter((m) => this.#count[m]! >= least + 2)
        .sort((a, b) => this.#count[b]! - this.#count[a]! || a - b);
      let path: number[] | null = null;
      for (const source of sources) {
        path = this.#chainFrom(source, held, cheap, search);
        if (path) break;
      }
      if (!path) return;
      for (let k = 0; k + 1 < path.length; k++) {
        const from = path[k]!;
        const to = path[k + 1]!;
        const id = this.#pickPartition(from, to, partitionsOf[from]!);
        partitionsOf[from]!.delete(id);
        partitionsOf[to]!.add(id);
        add(from, id, -1);
        add(to, id, 1);
        this.#give(id, to);
      }
    }
  }

  /**
   * Searches from `source` over "holds a movable partition the next member can take", each hop
   * costing 1 when the giver owned all such partitions before the rebalance and 0 otherwise.
   * Returns the path to a member holding at least two fewer than `source`, the least loaded, then
   * the cheapest, then the shortest, then the first; or null.
   */
  #chainFrom(
    source: number,
    held: Int32Array,
    cheap: Int32Array,
    search: ChainSearch,
  ): number[] | null {
    const T = this.#topics.length;
    const limit = this.#count[source]! - 2;
    const { cost, hops, previous, done } = search;
    cost.fill(-1);
    done.fill(0);
    cost[source] = 0;
    hops[source] = 0;
    let layer = [source];
    let target = -1;
    for (let level = 0; layer.length > 0; level++) {
      const next: number[] = [];
      // The layer grows while it is walked: hops of cost 0 stay in it.
      for (let i = 0; i < layer.length; i++) {
        const u = layer[i]!;
        if (done[u] || cost[u] !== level) continue;
        done[u] = 1;
        if (
          u !== source && this.#count[u]! <= limit &&
          (target < 0 || this.#better(u, target, cost, hops))
        ) {
          target = u;
        }
        for (let t = 0; t < T; t++) {
          const k = u * T + t;
          if (held[k] === 0) continue;
          const step = cheap[k]! > 0 ? 0 : 1;
          for (const v of this.#subscribers[t]!) {
            if (v === u || done[v]) continue;
            const c = level + step;
            const h = hops[u]! + 1;
            if (cost[v] === -1 || c < cost[v]! || (c === cost[v] && h < hops[v]!)) {
              cost[v] = c;
              hops[v] = h;
              previous[v] = u;
              (step === 0 ? layer : next).push(v);
            }
          }
        }
      }
      layer = next;
    }
    if (target < 0) return null;
    const path = [target];
    while (path[0] !== source) path.unshift(previous[path[0]!]!);
    return path;
  }

  /** Whether `a` is a better chain end than `b`: less loaded, then cheaper, shorter, earlier. */
  #better(a: number, b: number, cost: Int32Array, hops: Int32Array): boolean {
    return (this.#count[a]! - this.#count[b]! || cost[a]! - cost[b]! || hops[a]! - hops[b]! ||
      a - b) < 0;
  }

  /** The partition `from` gives `to`: one `to` owned before, else one `from` did not, else the first. */
  #pickPartition(from: number, to: number, partitions: Set<number>): number {
    let best = -1;
    let bestRank = 3;
    for (const id of partitions) {
      if (!this.#canTake(to, id)) continue;
      const before = this.#previousOwner[id];
      const rank = before === to ? 0 : before !== from ? 1 : 2;
      if (rank < bestRank || (rank === bestRank && id < best)) {
        best = id;
        bestRank = rank;
      }
    }
    return best;
  }

  result(): Map<string, TopicPartitions[]> {
    const lists: TopicPartitions[][] = this.#members.map(() => []);
    for (let t = 0; t < this.#topics.length; t++) {
      const topic = this.#topics[t]!;
      const byMember = new Map<number, number[]>();
      for (let id = this.#offsets[t]!; id < this.#offsets[t + 1]!; id++) {
        const m = this.#owner[id]!;
        const list = byMember.get(m);
        if (list) list.push(id - this.#offsets[t]!);
        else byMember.set(m, [id - this.#offsets[t]!]);
      }
      for (const [m, partitions] of byMember) lists[m]!.push({ topic, partitions });
    }
    return new Map(this.#members.map((m, i) => [m.memberId, lists[i]!]));
  }
}

/** Scratch arrays for chain searches, reused from one search to the next. */
class ChainSearch {
  readonly cost: Int32Array;
  readonly hops: Int32Array;
  readonly previous: Int32Array;
  readonly done: Uint8Array;
  constructor(members: number) {
    this.cost = new Int32Array(members);
    this.hops = new Int32Array(members);
    this.previous = new Int32Array(members);
    this.done = new Uint8Array(members);
  }
}

/**
 * Each partition's replica racks, numbered as {@linkcode StickyState} numbers partitions, when
 * rack-aware assignment applies as Java decides it: some member's rack holds replicas, and not
 * every partition has replicas in every rack. Otherwise null.
 */
function rackAware(
  members: readonly MemberSubscription[],
  topics: readonly string[],
  partitionsPerTopic: ReadonlyMap<string, number>,
  partitionRacks: PartitionRacks | undefined,
): (readonly string[])[] | null {
  if (partitionRacks === undefined) return null;
  const memberRacks = new Set(members.flatMap((m) => m.rackId === null ? [] : [m.rackId]));
  const racks: (readonly string[])[] = [];
  for (const t of topics) {
    const byPartition = partitionRacks.get(t);
    for (let p = 0; p < partitionsPerTopic.get(t)!; p++) racks.push(byPartition?.[p] ?? []);
  }
  const all = new Set(racks.flat());
  if (![...memberRacks].some((r) => all.has(r))) return null;
  if (racks.every((r) => new Set(r).size === all.size)) return null;
  return racks;
}
