// Copyright 2026 the kanal authors. MIT license.
/**
 * The consumer protocol embedded in JoinGroup and SyncGroup: a member's subscription (its
 * JoinGroup protocol metadata) and its assignment (its SyncGroup assignment), each an int16
 * version followed by the struct at that version, as Java's `ConsumerProtocol` frames them.
 *
 * @module
 */

import { compareStrings, type MemberSubscription, type TopicPartitions } from "./assignor.ts";
import { MalformedDataError } from "../protocol/kafka_error.ts";
import {
  decodeConsumerProtocolAssignment,
  encodeConsumerProtocolAssignment,
} from "../protocol/messages/consumer_protocol_assignment.ts";
import {
  decodeConsumerProtocolSubscription,
  encodeConsumerProtocolSubscription,
} from "../protocol/messages/consumer_protocol_subscription.ts";
import { Reader } from "../protocol/reader.ts";
import { Writer } from "../protocol/writer.ts";

/** The JoinGroup protocol type of consumer groups. */
export const CONSUMER_PROTOCOL_TYPE = "consumer";

/** The highest embedded-protocol version kanal writes and reads field by field. */
export const CONSUMER_PROTOCOL_VERSION = 3;

/** A member's subscription, as it goes into JoinGroup. */
export interface ConsumerSubscription {
  /** The topics it subscribes to; written sorted, as Java does. */
  readonly topics: readonly string[];
  /** Its assignor's data. @default {null} */
  readonly userData?: Uint8Array | null;
  /** The partitions it owns (v1+); written grouped by topic and sorted. @default {[]} */
  readonly ownedPartitions?: readonly TopicPartitions[];
  /** The generation it got them in (v2+). @default {-1} */
  readonly generationId?: number;
  /** Its rack (v3+). @default {null} */
  readonly rackId?: string | null;
}

/** A subscription as read back: every field present, and the version it came in. */
export interface DecodedConsumerSubscription {
  /** The version on the wire, which may exceed {@linkcode CONSUMER_PROTOCOL_VERSION}. */
  readonly version: number;
  /** The subscribed topics. */
  readonly topics: string[];
  /** The assignor's data: a view into the input, not a copy. */
  readonly userData: Uint8Array | null;
  /** Owned partitions as on the wire (empty before v1). */
  readonly ownedPartitions: TopicPartitions[];
  /** The generation, or -1 (before v2, or none). */
  readonly generationId: number;
  /** The rack, or null (before v3, or empty). */
  readonly rackId: string | null;
}

/** A member's assignment, as the leader sends it in SyncGroup. */
export interface ConsumerAssignment {
  /** Its partitions; written one entry per topic in first-seen order, as Java does. */
  readonly assignedPartitions: readonly TopicPartitions[];
  /** The assignor's data for the member. @default {null} */
  readonly userData?: Uint8Array | null;
}

/** An assignment as read back. */
export interface DecodedConsumerAssignment {
  /** The version on the wire, which may exceed {@linkcode CONSUMER_PROTOCOL_VERSION}. */
  readonly version: number;
  /** The assigned partitions as on the wire. */
  readonly assignedPartitions: TopicPartitions[];
  /** The assignor's data: a view into the input, not a copy. */
  readonly userData: Uint8Array | null;
}

function checkWriteVersion(what: string, version: number): void {
  if (!Number.isInteger(version) || version < 0 || version > CONSUMER_PROTOCOL_VERSION) {
    throw new RangeError(
      `Cannot encode a consumer ${what} as the version must be 0 to ${CONSUMER_PROTOCOL_VERSION}: current value is ${version}`,
    );
  }
}

/**
 * Reads the int16 version. A version above the highest known one is read as that one: newer
 * versions only add fields at the end (Java's rule), so the known fields come first.
 */
function readVersion(r: Reader, what: string): [wire: number, read: number] {
  const version = r.int16();
  if (version < 0) {
    throw new MalformedDataError(`consumer ${what} version ${version} is negative`);
  }
  return [version, Math.min(version, CONSUMER_PROTOCOL_VERSION)];
}

/**
 * Encodes a subscription for JoinGroup: the int16 version, then the struct. Topics are sorted and
 * owned partitions grouped by topic and sorted, so the bytes equal Java's `ConsumerProtocol`'s.
 * Fields the version lacks are left out.
 *
 * @example Round trip
 * ```ts
 * import { decodeSubscription, encodeSubscription } from "./consumer_protocol.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeSubscription({
 *   topics: ["b", "a"],
 *   ownedPartitions: [{ topic: "a", partitions: [1, 0] }],
 *   generationId: 4,
 * });
 * assert.deepEqual([...bytes.subarray(0, 2)], [0, 3]);
 * const back = decodeSubscription(bytes);
 * assert.deepEqual(back.topics, ["a", "b"]);
 * assert.deepEqual(back.ownedPartitions, [{ topic: "a", partitions: [0, 1] }]);
 * assert.equal(back.generationId, 4);
 * ```
 */
export function encodeSubscription(
  subscription: ConsumerSubscription,
  version: number = CONSUMER_PROTOCOL_VERSION,
): Uint8Array {
  checkWriteVersion("subscription", version);
  const w = new Writer(128);
  w.int16(version);
  encodeConsumerProtocolSubscription(w, version, {
    topics: [...subscription.topics].sort(compareStrings),
    userData: subscription.userData ?? null,
    ownedPartitions: sortedByTopic(subscription.ownedPartitions ?? []),
    generationId: subscription.generationId ?? -1,
    rackId: subscription.rackId ?? null,
  });
  return w.toBytes();
}

/**
 * Decodes a subscription from JoinGroup metadata. A newer version than kanal knows is read by its
 * known fields and the rest ignored, as Java does; an empty rack reads as null, as in Java.
 * Malformed bytes throw `MalformedDataError`.
 *
 * @example A future version's extra fields are skipped
 * ```ts
 * import { decodeSubscription, encodeSubscription } from "./consumer_protocol.ts";
 * import assert from "node:assert/strict";
 *
 * const v3 = encodeSubscription({ topics: ["t"], rackId: "r1" });
 * const v9 = new Uint8Array([...v3, 0, 0, 0, 42]);
 * v9[1] = 9;
 * const back = decodeSubscription(v9);
 * assert.equal(back.version, 9);
 * assert.deepEqual(back.topics, ["t"]);
 * assert.equal(back.rackId, "r1");
 * ```
 */
export function decodeSubscription(bytes: Uint8Array): DecodedConsumerSubscription {
  const r = new Reader(bytes);
  const [version, readAs] = readVersion(r, "subscription");
  const s = decodeConsumerProtocolSubscription(r, readAs);
  return {
    version,
    topics: s.topics,
    userData: s.userData ?? null,
    ownedPartitions: s.ownedPartitions ?? [],
    generationId: s.generationId ?? -1,
    rackId: s.rackId ? s.rackId : null,
  };
}

/**
 * Decodes a JoinGroup response member (its id, instance id and metadata) into what an assignor
 * takes.
 *
 * @example From JoinGroup metadata to an assignor's input
 * ```ts
 * import { decodeMemberSubscription, encodeSubscription } from "./consumer_protocol.ts";
 * import assert from "node:assert/strict";
 *
 * const member = decodeMemberSubscription({
 *   memberId: "m-1",
 *   metadata: encodeSubscription({ topics: ["t"], generationId: 2 }),
 * });
 * assert.equal(member.memberId, "m-1");
 * assert.equal(member.groupInstanceId, null);
 * assert.deepEqual(member.topics, ["t"]);
 * assert.equal(member.generationId, 2);
 * ```
 */
export function decodeMemberSubscription(member: {
  readonly memberId: string;
  readonly groupInstanceId?: string | null;
  readonly metadata: Uint8Array;
}): MemberSubscription {
  const s = decodeSubscription(member.metadata);
  return {
    memberId: member.memberId,
    groupInstanceId: member.groupInstanceId ?? null,
    topics: s.topics,
    userData: s.userData,
    ownedPartitions: s.ownedPartitions,
    generationId: s.generationId,
    rackId: s.rackId,
  };
}

/**
 * Encodes an assignment for SyncGroup: the int16 version, then the struct. Entries of one topic
 * are merged into the first, partitions kept in order, so the bytes equal Java's.
 *
 * @example Round trip
 * ```ts
 * import { decodeAssignment, encodeAssignment } from "./consumer_protocol.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeAssignment({ assignedPartitions: [{ topic: "t", partitions: [2, 0] }] });
 * const back = decodeAssignment(bytes);
 * assert.equal(back.version, 3);
 * assert.deepEqual(back.assignedPartitions, [{ topic: "t", partitions: [2, 0] }]);
 * assert.equal(back.userData, null);
 * ```
 */
export function encodeAssignment(
  assignment: ConsumerAssignment,
  version: number = CONSUMER_PROTOCOL_VERSION,
): Uint8Array {
  checkWriteVersion("assignment", version);
  const byTopic = new Map<string, number[]>();
  for (const tp of assignment.assignedPartitions) {
    const have = byTopic.get(tp.topic);
    if (have) have.push(...tp.partitions);
    else byTopic.set(tp.topic, [...tp.partitions]);
  }
  const w = new Writer(64);
  w.int16(version);
  encodeConsumerProtocolAssignment(w, version, {
    assignedPartitions: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
    userData: assignment.userData ?? null,
  });
  return w.toBytes();
}

/**
 * Decodes an assignment from a SyncGroup response. A newer version is read by its known fields, as
 * Java does. An empty input, which the coordinator sends a member that got nothing (as when the
 * leader failed), reads as an empty assignment. Malformed bytes throw `MalformedDataError`.
 *
 * @example An empty SyncGroup assignment
 * ```ts
 * import { decodeAssignment } from "./consumer_protocol.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(decodeAssignment(new Uint8Array(0)).assignedPartitions, []);
 * ```
 */
export function decodeAssignment(bytes: Uint8Array): DecodedConsumerAssignment {
  if (bytes.length === 0) {
    return { version: 0, assignedPartitions: [], userData: null };
  }
  const r = new Reader(bytes);
  const [version, readAs] = readVersion(r, "assignment");
  const a = decodeConsumerProtocolAssignment(r, readAs);
  return { version, assignedPartitions: a.assignedPartitions, userData: a.userData ?? null };
}

/** Java's subscription order: partitions sorted by topic then number, one entry per topic. */
function sortedByTopic(
  list: readonly TopicPartitions[],
): { topic: string; partitions: number[] }[] {
  const byTopic = new Map<string, number[]>();
  for (const tp of list) {
    const have = byTopic.get(tp.topic);
    if (have) have.push(...tp.partitions);
    else byTopic.set(tp.topic, [...tp.partitions]);
  }
  return [...byTopic.keys()].sort(compareStrings).map((topic) => ({
    topic,
    partitions: byTopic.get(topic)!.sort((a, b) => a - b),
  }));
}
