// Copyright 2026 the kanal authors. MIT license.
/**
 * Test helpers for the assignors: the Java vectors as assignor input, checks every assignment
 * must pass, and a seeded generator of random groups.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { MemberSubscription, TopicPartitions } from "../assignor.ts";
import vectorsJson from "./assignor_vectors.json" with { type: "json" };

/** A member as AssignorVectors.java writes it. */
export interface VectorMember {
  memberId: string;
  groupInstanceId: string | null;
  topics: string[];
  ownedPartitions: TopicPartitions[];
  generationId: number;
  stickyUserData: string | null;
  cooperativeUserData: string | null;
}

/** One scenario: input and what each of Java's assignors made of it. */
export interface VectorScenario {
  name: string;
  kind?: string;
  partitionsPerTopic: Record<string, number>;
  members: VectorMember[];
  range?: Record<string, TopicPartitions[]>;
  roundrobin?: Record<string, TopicPartitions[]>;
  sticky: Record<string, TopicPartitions[]>;
  cooperativeSticky: Record<string, TopicPartitions[]>;
}

/** The whole fixture. */
export const vectors = vectorsJson as unknown as {
  assign: VectorScenario[];
  rebalance: VectorScenario[];
  userData: {
    sticky: { owned: TopicPartitions[]; generationId: number; hex: string | null }[];
    cooperative: { generationId: number; hex: string }[];
  };
  protocol: {
    subscriptions: {
      version: number;
      input: JavaSubscription;
      hex: string;
      decoded: JavaSubscription;
    }[];
    assignments: {
      version: number;
      input: JavaAssignment;
      hex: string;
      decoded: JavaAssignment;
    }[];
    future: { kind: string; hex: string; decoded: JavaSubscription & JavaAssignment }[];
  };
};

/** A subscription as Java's `Subscription` holds it: partitions flat, in order. */
export interface JavaSubscription {
  topics: string[];
  userData: string | null;
  ownedPartitions: [string, number][];
  generationId: number;
  rackId: string | null;
}

/** An assignment as Java's `Assignment` holds it. */
export interface JavaAssignment {
  partitions: [string, number][];
  userData: string | null;
}

/** Hex to bytes. */
export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Bytes to hex. */
export function toHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The scenario's members as each of Java's assignors saw them (see `subs()` in
 * AssignorVectors.java): "plain" with no history, "sticky" with StickyAssignor's userData and no
 * owned partitions (eager), "cooperative" with owned partitions, generation and the cooperative
 * userData.
 */
export function membersOf(
  scenario: VectorScenario,
  flavour: "plain" | "sticky" | "cooperative",
): MemberSubscription[] {
  return scenario.members.map((m) => ({
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    topics: m.topics,
    userData: flavour === "sticky" && m.stickyUserData !== null
      ? fromHex(m.stickyUserData)
      : flavour === "cooperative" && m.cooperativeUserData !== null
      ? fromHex(m.cooperativeUserData)
      : null,
    ownedPartitions: flavour === "cooperative" ? m.ownedPartitions : [],
    generationId: m.generationId,
    rackId: null,
  }));
}

/** The scenario's partition counts as a Map. */
export function partitionsOf(scenario: VectorScenario): Map<string, number> {
  return new Map(Object.entries(scenario.partitionsPerTopic));
}

/** A Java result as a Map, like an assignor's. */
export function javaResult(
  result: Record<string, TopicPartitions[]>,
): Map<string, TopicPartitions[]> {
  return new Map(Object.entries(result));
}

/** "topic/partition" keys of some partitions. */
export function keysOf(list: readonly TopicPartitions[]): string[] {
  return list.flatMap((tp) => tp.partitions.map((p) => `${tp.topic}/${p}`));
}

/** Each member's partition count. */
export function countsOf(
  result: ReadonlyMap<string, readonly TopicPartitions[]>,
): Map<string, number> {
  return new Map([...result].map(([id, list]) => [id, keysOf(list).length]));
}

/** Sum of squared counts: lower is more balanced for the same total. */
export function squares(result: ReadonlyMap<string, readonly TopicPartitions[]>): number {
  let sum = 0;
  for (const n of countsOf(result).values()) sum += n * n;
  return sum;
}

/** Every partition of every topic some member subscribes to and the leader knows of. */
export function allPartitions(
  members: readonly MemberSubscription[],
  partitionsPerTopic: ReadonlyMap<string, number>,
): Set<string> {
  const out = new Set<string>();
  for (const m of members) {
    for (const t of m.topics) {
      const n = partitionsPerTopic.get(t) ?? 0;
      for (let p = 0; p < n; p++) out.add(`${t}/${p}`);
    }
  }
  return out;
}

/**
 * Asserts an assignment is well formed: one entry per member, topics and partitions sorted, each
 * partition given at most once and only to a member subscribed to its topic, and (when `complete`)
 * every subscribed partition given. Returns partition → member.
 */
export function checkAssignment(
  result: ReadonlyMap<string, readonly TopicPartitions[]>,
  members: readonly MemberSubscription[],
  partitionsPerTopic: ReadonlyMap<string, number>,
  complete: boolean,
): Map<string, string> {
  assert.deepEqual([...result.keys()].sort(), members.map((m) => m.memberId).sort());
  const owner = new Map<string, string>();
  for (const m of members) {
    const list = result.get(m.memberId)!;
    const topics = list.map((tp) => tp.topic);
    assert.deepEqual(topics, [...topics].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    assert.equal(new Set(topics).size, topics.length, "a topic appears once");
    for (const tp of list) {
      assert.ok(tp.partitions.length > 0, "no empty topic entries");
      assert.deepEqual(tp.partitions, [...tp.partitions].sort((a, b) => a - b));
      assert.ok(m.topics.includes(tp.topic), `${m.memberId} is not subscribed to ${tp.topic}`);
      for (const p of tp.partitions) {
        assert.ok(p >= 0 && p < (partitionsPerTopic.get(tp.topic) ?? 0), `${tp.topic}/${p} exists`);
        const key = `${tp.topic}/${p}`;
        assert.equal(owner.get(key), undefined, `${key} is assigned twice`);
        owner.set(key, m.memberId);
      }
    }
  }
  if (complete) {
    assert.deepEqual(
      [...owner.keys()].sort(),
      [...allPartitions(members, partitionsPerTopic)].sort(),
    );
  }
  return owner;
}

/**
 * Asserts no chain of moves could make the assignment more balanced: no member can reach, through
 * members each holding a partition the next can take, a member holding at least two fewer. This
 * is the optimality condition for balance; with equal subscriptions it means counts differ by at
 * most one.
 */
export function checkBalanced(
  result: ReadonlyMap<string, readonly TopicPartitions[]>,
  members: readonly MemberSubscription[],
): void {
  const count = countsOf(result);
  const subscribed = new Map(members.map((m) => [m.memberId, new Set(m.topics)]));
  for (const source of members) {
    const seen = new Set([source.memberId]);
    const queue = [source.memberId];
    while (queue.length) {
      const u = queue.shift()!;
      const heldTopics = new Set(result.get(u)!.map((tp) => tp.topic));
      for (const v of members) {
        if (seen.has(v.memberId)) continue;
        if (![...heldTopics].some((t) => subscribed.get(v.memberId)!.has(t))) continue;
        seen.add(v.memberId);
        queue.push(v.memberId);
        assert.ok(
          count.get(v.memberId)! >= count.get(source.memberId)! - 1,
          `${source.memberId} (${
            count.get(source.memberId)
          }) could pass a partition along to ${v.memberId} (${count.get(v.memberId)})`,
        );
      }
    }
  }
}

/** A small seeded generator (mulberry32), so random scenarios repeat. */
export class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** true with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** A random group: topics with partition counts, and members with subscriptions. */
export function randomGroup(
  rng: Rng,
  options: { maxMembers?: number; maxTopics?: number; maxPartitions?: number; same?: boolean } = {},
): { members: MemberSubscription[]; partitionsPerTopic: Map<string, number> } {
  const topicCount = 1 + rng.int(options.maxTopics ?? 4);
  const partitionsPerTopic = new Map<string, number>();
  for (let t = 0; t < topicCount; t++) {
    partitionsPerTopic.set(`topic-${t}`, 1 + rng.int(options.maxPartitions ?? 12));
  }
  const topics = [...partitionsPerTopic.keys()];
  const memberCount = 1 + rng.int(options.maxMembers ?? 7);
  const members: MemberSubscription[] = [];
  const shared = topics.filter(() => rng.chance(0.7));
  if (shared.length === 0) shared.push(topics[0]!);
  for (let i = 0; i < memberCount; i++) {
    let subs = options.same ? shared : topics.filter(() => rng.chance(0.6));
    if (subs.length === 0) subs = [topics[rng.int(topics.length)]!];
    members.push(member(`member-${rng.int(1000)}-${i}`, subs));
  }
  return { members, partitionsPerTopic };
}

/** A member with no history. */
export function member(
  memberId: string,
  topics: readonly string[],
  extra: Partial<MemberSubscription> = {},
): MemberSubscription {
  return {
    memberId,
    groupInstanceId: null,
    topics,
    userData: null,
    ownedPartitions: [],
    generationId: -1,
    rackId: null,
    ...extra,
  };
}
