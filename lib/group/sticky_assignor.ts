// Copyright 2026 the kanal authors. MIT license.
/**
 * The "sticky" assignor (KIP-54), eager, and the userData its members send.
 *
 * @module
 */

import {
  type Assignor,
  compareStrings,
  type MemberSubscription,
  type RebalanceProtocol,
  type TopicPartitions,
} from "./assignor.ts";
import { assignSticky, type StickyMemberData } from "./abstract_sticky_assignor.ts";
import { MalformedDataError } from "../protocol/kafka_error.ts";
import { Reader } from "../protocol/reader.ts";
import { Writer } from "../protocol/writer.ts";

export { assignSticky, type StickyMemberData } from "./abstract_sticky_assignor.ts";

/**
 * Java's `StickyAssignor`, the eager sticky assignor. Each member says in its subscription's
 * userData what it owned and in which generation (Java's `StickyAssignorUserData` v1 layout, so
 * Java and kanal members can share a group), and the leader computes an assignment that is
 * balanced first and moves as few partitions as it can second; see {@linkcode assignSticky}.
 *
 * A member whose userData is absent is taken to own its subscription's `ownedPartitions` (empty
 * under the eager protocol), where Java takes it to own nothing.
 *
 * @example A joining member takes partitions from the others, who keep the rest
 * ```ts
 * import { stickyAssignor } from "./sticky_assignor.ts";
 * import assert from "node:assert/strict";
 *
 * const sticky = stickyAssignor();
 * const member = (memberId: string, owned: number[]) => ({
 *   memberId, groupInstanceId: null, topics: ["t"], ownedPartitions: [], generationId: 1,
 *   rackId: null,
 *   userData: owned.length ? sticky.subscriptionUserData([{ topic: "t", partitions: owned }], 1) : null,
 * });
 * const result = sticky.assign(
 *   [member("a", [0, 1, 2]), member("b", [3, 4, 5]), member("c", [])],
 *   new Map([["t", 6]]),
 * );
 * assert.equal(result.get("c")![0]!.partitions.length, 2);
 * assert.ok(result.get("a")![0]!.partitions.every((p) => p <= 2));
 * assert.ok(result.get("b")![0]!.partitions.every((p) => p >= 3));
 * ```
 */
export function stickyAssignor(): Assignor {
  return {
    name: "sticky",
    // Eager only, as in Java: a member revokes everything before it rejoins.
    protocols: EAGER,
    subscriptionUserData: stickySubscriptionUserData,
    assign: (members, partitionsPerTopic, racks) =>
      assignSticky(members, partitionsPerTopic, stickyMemberData, racks),
  };
}

const EAGER: readonly RebalanceProtocol[] = Object.freeze(["eager"]);

/** Java's `StickyAssignorUserData` v1; null before any assignment, as Java sends. */
function stickySubscriptionUserData(
  owned: readonly TopicPartitions[],
  generationId: number,
): Uint8Array | null {
  if (generationId < 0 && owned.every((tp) => tp.partitions.length === 0)) return null;
  return encodeStickyUserData({ partitions: owned, generationId });
}

/**
 * Encodes Java's `StickyAssignorUserData` v1: an array of (topic, partitions) then an int32
 * generation. Topics and partitions are written sorted.
 *
 * @example One partition in generation 1, byte for byte as Java writes it
 * ```ts
 * import { encodeStickyUserData } from "./sticky_assignor.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeStickyUserData({ partitions: [{ topic: "t0", partitions: [0] }], generationId: 1 });
 * assert.deepEqual([...bytes], [0, 0, 0, 1, 0, 2, 0x74, 0x30, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
 * ```
 */
export function encodeStickyUserData(data: StickyMemberData): Uint8Array {
  const byTopic = mergeByTopic(data.partitions);
  const topics = [...byTopic.keys()].sort(compareStrings);
  const w = new Writer(64);
  w.arrayLength(topics.length);
  for (const topic of topics) {
    const partitions = byTopic.get(topic)!.sort((a, b) => a - b);
    w.string(topic);
    w.arrayLength(partitions.length);
    for (const p of partitions) w.int32(p);
  }
  w.int32(data.generationId);
  return w.toBytes();
}

/**
 * Decodes Java's `StickyAssignorUserData`: v1 (with a generation) when the bytes hold it, else v0
 * (generation -1). Like Java, bytes that are neither give null rather than an error, so one
 * member's bad userData costs only its stickiness.
 *
 * @example Java's bytes for partition t0-0 in generation 1
 * ```ts
 * import { decodeStickyUserData } from "./sticky_assignor.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = new Uint8Array([0, 0, 0, 1, 0, 2, 0x74, 0x30, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
 * assert.deepEqual(decodeStickyUserData(bytes), {
 *   partitions: [{ topic: "t0", partitions: [0] }],
 *   generationId: 1,
 * });
 * assert.equal(decodeStickyUserData(new Uint8Array([1])), null);
 * ```
 */
export function decodeStickyUserData(bytes: Uint8Array): StickyMemberData | null {
  try {
    const r = new Reader(bytes);
    const partitions = readTopicPartitions(r);
    // v0 ends here; v1 adds the generation.
    const generationId = r.remaining >= 4 ? r.int32() : -1;
    return { partitions, generationId };
  } catch {
    return null;
  }
}

function readTopicPartitions(r: Reader): TopicPartitions[] {
  const n = r.arrayLength(6);
  if (n < 0) throw new MalformedDataError("sticky userData has a null topic array");
  const out: TopicPartitions[] = [];
  for (let i = 0; i < n; i++) {
    const topic = r.string();
    const count = r.arrayLength(4);
    if (count < 0) throw new MalformedDataError("sticky userData has a null partition array");
    const partitions: number[] = [];
    for (let j = 0; j < count; j++) partitions.push(r.int32());
    out.push({ topic, partitions });
  }
  return out;
}

/** The eager sticky assignor's view of a member: its userData, else its ownedPartitions. */
function stickyMemberData(m: MemberSubscription): StickyMemberData {
  if (m.userData !== null && m.userData.length > 0) {
    return decodeStickyUserData(m.userData) ?? { partitions: [], generationId: -1 };
  }
  return { partitions: m.ownedPartitions, generationId: m.generationId };
}

function mergeByTopic(list: readonly TopicPartitions[]): Map<string, number[]> {
  const byTopic = new Map<string, number[]>();
  for (const tp of list) {
    const have = byTopic.get(tp.topic);
    if (have) have.push(...tp.partitions);
    else byTopic.set(tp.topic, [...tp.partitions]);
  }
  return byTopic;
}
