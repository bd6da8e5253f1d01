// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * A group's committed offsets: list (OffsetFetch), alter (OffsetCommit as an admin, outside any
 * generation, so the group must be empty), delete (OffsetDelete), and the lag of each partition
 * (committed against the partition's end offset). Requests go to the group's coordinator.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import { KafkaError, MalformedDataError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import { failed, type ItemResult, ok, settle } from "./admin_error.ts";
import { atCoordinator } from "./_coordinator.ts";
import { checkPartition, partitionName, type PartitionRef } from "./_leaders.ts";
import { listOffsets } from "./records.ts";

/** A committed offset. */
export interface CommittedOffset extends PartitionRef {
  /** The committed offset; -1 when none. */
  offset: number;
  /** The metadata committed with it. */
  metadata: string | null;
  /** The leader epoch committed with it, or -1. */
  leaderEpoch: number;
}

/** A partition's lag in a group. */
export interface PartitionLag extends PartitionRef {
  /** The committed offset, or -1. */
  committed: number;
  /** The partition's end offset (high watermark). */
  end: number;
  /** `end - committed`; -1 when nothing is committed or the end is unknown. */
  lag: number;
}

function checkGroup(what: string, id: unknown): void {
  if (typeof id !== "string" || id.length === 0) {
    throw new RangeError(
      `Cannot ${what} as a group id must be a non-empty string: current value is ${
        JSON.stringify(id)
      }`,
    );
  }
}

function byTopic<T extends PartitionRef>(parts: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const p of parts) {
    const list = m.get(p.topic);
    if (list) list.push(p);
    else m.set(p.topic, [p]);
  }
  return m;
}

/**
 * The offsets a group committed, for `partitions` or (by default) every partition it committed
 * for, sorted by topic and partition.
 *
 * @throws {KafkaError} for a group-level error, e.g. `GROUP_AUTHORIZATION_FAILED`.
 *
 * @example A group id must be given
 * ```ts
 * import { listGroupOffsets } from "./group_offsets.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(listGroupOffsets({} as never, ""), RangeError);
 * ```
 */
export async function listGroupOffsets(
  client: Client,
  groupId: string,
  partitions?: readonly PartitionRef[],
): Promise<CommittedOffset[]> {
  checkGroup("list group offsets", groupId);
  for (const p of partitions ?? []) checkPartition("list group offsets", p);
  const topics = partitions
    ? [...byTopic(partitions)].map(([name, ps]) => ({
      name,
      partitionIndexes: ps.map((p) => p.partition),
    }))
    : null;
  const r = await atCoordinator(client, groupId, async (coordinator) => {
    const conn = await client.connection(coordinator);
    const v = conn.versions.version(API_TABLE[9].info.key);
    const res = await conn.request(
      API_TABLE[9],
      v >= 8
        ? { groups: [{ groupId, topics }], requireStable: false }
        : { groupId, topics, requireStable: false },
      { version: v },
    );
    const rows = v >= 8 ? res.groups?.[0]?.topics ?? [] : res.topics ?? [];
    const code = v >= 8 ? res.groups?.[0]?.errorCode ?? 0 : res.errorCode ?? 0;
    return { code, value: rows };
  });
  if (r.code !== 0) {
    throw new KafkaError(r.code, { api: "OffsetFetch", detail: `group ${groupId}` });
  }
  const out: CommittedOffset[] = [];
  for (const t of r.value) {
    // kanal caps OffsetFetch below v10, where topics are named rather than given by id.
    const topic = t.name;
    if (topic === undefined) {
      throw new MalformedDataError("an OffsetFetch answer names no topic", { api: "OffsetFetch" });
    }
    for (const p of t.partitions) {
      if (p.errorCode !== 0) {
        throw new KafkaError(p.errorCode, {
          api: "OffsetFetch",
          topic,
          partition: p.partitionIndex,
          detail: `group ${groupId}`,
        });
      }
      out.push({
        topic,
        partition: p.partitionIndex,
        offset: Number(p.committedOffset),
        metadata: p.metadata,
        leaderEpoch: p.committedLeaderEpoch ?? -1,
      });
    }
  }
  return out.sort((a, b) =>
    a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition
  );
}

/**
 * Commits offsets for a group as an admin (no member, no generation): the group must be empty,
 * else each partition fails with `UNKNOWN_MEMBER_ID` or similar. One result per partition.
 *
 * @example Offsets are checked before anything is sent
 * ```ts
 * import { alterGroupOffsets } from "./group_offsets.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   alterGroupOffsets({} as never, "g", [{ topic: "t", partition: 0, offset: -3 }]),
 *   RangeError,
 * );
 * ```
 */
export async function alterGroupOffsets(
  client: Client,
  groupId: string,
  offsets: readonly (PartitionRef & { offset: number; metadata?: string })[],
): Promise<ItemResult<PartitionRef & { offset: number }>[]> {
  checkGroup("alter group offsets", groupId);
  for (const p of offsets) {
    checkPartition("alter group offsets", p);
    if (!(Number.isSafeInteger(p.offset) && p.offset >= 0)) {
      throw new RangeError(
        `Cannot alter the offset of ${
          partitionName(p)
        } as it must be an integer >= 0: current value is ${p.offset}`,
      );
    }
  }
  const r = await atCoordinator(client, groupId, async (coordinator) => {
    const res = await client.request(coordinator, API_TABLE[8], {
      groupId,
      generationIdOrMemberEpoch: -1,
      memberId: "",
      groupInstanceId: null,
      topics: [...byTopic(offsets)].map(([name, ps]) => ({
        name,
        partitions: ps.map((p) => ({
          partitionIndex: p.partition,
          committedOffset: BigInt(p.offset),
          committedLeaderEpoch: -1,
          committedMetadata: p.metadata ?? "",
        })),
      })),
    });
    const codes = new Map<string, number>();
    for (const t of res.topics) {
      for (const p of t.partitions) codes.set(`${t.name}\0${p.partitionIndex}`, p.errorCode);
    }
    // Every partition fails alike when the coordinator moved: retry the whole commit then.
    const first = codes.values().next().value ?? 0;
    return { code: [...codes.values()].every((c) => c === first) ? first : 0, value: codes };
  });
  return offsets.map((p) => {
    const code = r.value.get(`${p.topic}\0${p.partition}`) ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    return code === 0
      ? ok(partitionName(p), { topic: p.topic, partition: p.partition, offset: p.offset })
      : failed(
        partitionName(p),
        new KafkaError(code, {
          api: "OffsetCommit",
          topic: p.topic,
          partition: p.partition,
          detail: `group ${groupId}`,
        }),
      );
  });
}

/**
 * Deletes a group's committed offsets for partitions it no longer subscribes to (OffsetDelete),
 * one result per partition.
 *
 * @example A partition needs a topic
 * ```ts
 * import { deleteGroupOffsets } from "./group_offsets.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   deleteGroupOffsets({} as never, "g", [{ topic: "", partition: 0 }]),
 *   RangeError,
 * );
 * ```
 */
export async function deleteGroupOffsets(
  client: Client,
  groupId: string,
  partitions: readonly PartitionRef[],
): Promise<ItemResult<PartitionRef>[]> {
  checkGroup("delete group offsets", groupId);
  for (const p of partitions) checkPartition("delete group offsets", p);
  const r = await atCoordinator(client, groupId, async (coordinator) => {
    const res = await client.request(coordinator, API_TABLE[47], {
      groupId,
      topics: [...byTopic(partitions)].map(([name, ps]) => ({
        name,
        partitions: ps.map((p) => ({ partitionIndex: p.partition })),
      })),
    });
    const codes = new Map<string, number>();
    for (const t of res.topics) {
      for (const p of t.partitions) codes.set(`${t.name}\0${p.partitionIndex}`, p.errorCode);
    }
    return { code: res.errorCode, value: codes };
  });
  return partitions.map((p) => {
    const code = r.code !== 0
      ? r.code
      : r.value.get(`${p.topic}\0${p.partition}`) ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    return code === 0 ? ok(partitionName(p), { topic: p.topic, partition: p.partition }) : failed(
      partitionName(p),
      new KafkaError(code, {
        api: "OffsetDelete",
        topic: p.topic,
        partition: p.partition,
        detail: `group ${groupId}`,
      }),
    );
  });
}

/**
 * The lag of each partition a group committed for: the partition's end offset minus the
 * committed offset, sorted by topic and partition.
 *
 * @throws {AdminError} when an end offset cannot be listed.
 *
 * @example A group id must be given
 * ```ts
 * import { groupLag } from "./group_offsets.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(groupLag({} as never, ""), RangeError);
 * ```
 */
export async function groupLag(client: Client, groupId: string): Promise<PartitionLag[]> {
  checkGroup("compute group lag", groupId);
  const committed = await listGroupOffsets(client, groupId);
  if (committed.length === 0) return [];
  const ends = settle(
    await listOffsets(client, committed.map((c) => ({ ...c, spec: "latest" as const }))),
  );
  return committed.map((c, i) => {
    const end = ends[i]!.offset;
    return {
      topic: c.topic,
      partition: c.partition,
      committed: c.offset,
      end,
      lag: c.offset >= 0 && end >= 0 ? Math.max(0, end - c.offset) : -1,
    };
  });
}
