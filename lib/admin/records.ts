// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Records: delete records before an offset (DeleteRecords) and list offsets by spec
 * (ListOffsets), each sent to the partition's leader.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import { failed, type ItemResult, ok } from "./admin_error.ts";
import { checkPartition, partitionName, type PartitionRef, toLeaders } from "./_leaders.ts";

/** Which offset {@linkcode listOffsets} asks for: a named one, or the first at a timestamp (ms). */
export type OffsetSpec = "earliest" | "latest" | "max-timestamp" | "earliest-local" | number;

/** A partition's offset as {@linkcode listOffsets} found it. */
export interface ListedOffset extends PartitionRef {
  /** The offset; -1 when no record matches the timestamp. */
  offset: number;
  /** The timestamp of that record, or -1. */
  timestamp: number;
  /** The leader epoch of that record, or -1. */
  leaderEpoch: number;
}

/** A partition after {@linkcode deleteRecords}. */
export interface DeletedRecords extends PartitionRef {
  /** The partition's new log start offset. */
  lowWatermark: number;
}

const SPECS: Readonly<Record<string, bigint>> = {
  "latest": -1n,
  "earliest": -2n,
  "max-timestamp": -3n,
  "earliest-local": -4n,
};

function specCode(s: OffsetSpec): bigint {
  if (typeof s === "number" && Number.isSafeInteger(s) && s >= 0) return BigInt(s);
  if (typeof s === "string" && s in SPECS) return SPECS[s]!;
  throw new RangeError(
    `Cannot list offsets as the spec must be earliest, latest, max-timestamp, earliest-local or a timestamp >= 0: current value is ${
      JSON.stringify(s)
    }`,
  );
}

/**
 * Deletes the records of partitions before `offset` (`-1`: the high watermark, i.e. every
 * record) and resolves with each partition's new low watermark, one result per partition.
 *
 * @example An offset must be -1 or >= 0
 * ```ts
 * import { deleteRecords } from "./records.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   deleteRecords({} as never, [{ topic: "t", partition: 0, offset: -5 }]),
 *   RangeError,
 * );
 * ```
 */
export async function deleteRecords(
  client: Client,
  partitions: readonly (PartitionRef & { offset: number })[],
  options: { timeoutMs?: number } = {},
): Promise<ItemResult<DeletedRecords>[]> {
  for (const p of partitions) {
    checkPartition("delete records", p);
    if (!(Number.isSafeInteger(p.offset) && p.offset >= -1)) {
      throw new RangeError(
        `Cannot delete records of ${
          partitionName(p)
        } as offset must be -1 or >= 0: current value is ${p.offset}`,
      );
    }
  }
  const keys = new Set(partitions.map((p) => `${p.topic}\0${p.partition}`));
  if (keys.size !== partitions.length) {
    throw new RangeError("Cannot delete records as a partition is named twice");
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  return await toLeaders(client, partitions, async (leader, idx) => {
    const byTopic = new Map<string, { partitionIndex: number; offset: bigint }[]>();
    for (const i of idx) {
      const p = partitions[i]!;
      const list = byTopic.get(p.topic) ?? [];
      list.push({ partitionIndex: p.partition, offset: BigInt(p.offset) });
      byTopic.set(p.topic, list);
    }
    const res = await client.request(leader, API_TABLE[21], {
      topics: [...byTopic].map(([name, parts]) => ({ name, partitions: parts })),
      timeoutMs,
    }, { timeoutMs: timeoutMs + 5000 });
    const found = new Map<string, { errorCode: number; lowWatermark: bigint }>();
    for (const t of res.topics) {
      for (const p of t.partitions) found.set(`${t.name}\0${p.partitionIndex}`, p);
    }
    return new Map(idx.map((i) => {
      const p = partitions[i]!;
      const r = found.get(`${p.topic}\0${p.partition}`);
      const code = r?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
      return [
        i,
        code === 0
          ? ok(partitionName(p), {
            topic: p.topic,
            partition: p.partition,
            lowWatermark: Number(r!.lowWatermark),
          })
          : failed(
            partitionName(p),
            new KafkaError(code, {
              api: "DeleteRecords",
              broker: leader,
              topic: p.topic,
              partition: p.partition,
            }),
          ),
      ];
    }));
  });
}

/**
 * Lists offsets by spec (earliest, latest, max-timestamp, earliest-local, or the first offset at
 * or after a timestamp), one result per partition.
 *
 * @example A spec must be known
 * ```ts
 * import { listOffsets } from "./records.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   listOffsets({} as never, [{ topic: "t", partition: 0, spec: "soon" as never }]),
 *   RangeError,
 * );
 * ```
 */
export async function listOffsets(
  client: Client,
  partitions: readonly (PartitionRef & { spec: OffsetSpec })[],
  options: { isolationLevel?: "read_uncommitted" | "read_committed" } = {},
): Promise<ItemResult<ListedOffset>[]> {
  for (const p of partitions) {
    checkPartition("list offsets", p);
    specCode(p.spec);
  }
  const isolationLevel = options.isolationLevel === "read_committed" ? 1 : 0;
  // A partition may appear once per request: asking for several specs takes several rounds.
  return await toLeaders(client, partitions, async (leader, all) => {
    const out = new Map<number, ItemResult<ListedOffset>>();
    for (const idx of rounds(partitions, all)) {
      for (const [i, r] of await listAt(client, leader, partitions, idx, isolationLevel)) {
        out.set(i, r);
      }
    }
    return out;
  });
}

function rounds(parts: readonly PartitionRef[], idx: readonly number[]): number[][] {
  const out: number[][] = [];
  const seen: Set<string>[] = [];
  for (const i of idx) {
    const k = `${parts[i]!.topic}\0${parts[i]!.partition}`;
    let r = seen.findIndex((s) => !s.has(k));
    if (r < 0) {
      r = seen.length;
      seen.push(new Set());
      out.push([]);
    }
    seen[r]!.add(k);
    out[r]!.push(i);
  }
  return out;
}

async function listAt(
  client: Client,
  leader: number,
  partitions: readonly (PartitionRef & { spec: OffsetSpec })[],
  idx: readonly number[],
  isolationLevel: number,
): Promise<Map<number, ItemResult<ListedOffset>>> {
  const byTopic = new Map<string, { partitionIndex: number; timestamp: bigint }[]>();
  for (const i of idx) {
    const p = partitions[i]!;
    const list = byTopic.get(p.topic) ?? [];
    list.push({ partitionIndex: p.partition, timestamp: specCode(p.spec) });
    byTopic.set(p.topic, list);
  }
  const res = await client.request(leader, API_TABLE[2], {
    replicaId: -1,
    isolationLevel,
    topics: [...byTopic].map(([name, parts]) => ({ name, partitions: parts })),
  }, { kind: "fetch" });
  const found = new Map<string, (typeof res.topics)[number]["partitions"][number]>();
  for (const t of res.topics) {
    for (const p of t.partitions) found.set(`${t.name}\0${p.partitionIndex}`, p);
  }
  return new Map(idx.map((i) => {
    const p = partitions[i]!;
    const r = found.get(`${p.topic}\0${p.partition}`);
    const code = r?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    return [
      i,
      code === 0
        ? ok(partitionName(p), {
          topic: p.topic,
          partition: p.partition,
          offset: Number(r!.offset ?? -1n),
          timestamp: Number(r!.timestamp ?? -1n),
          leaderEpoch: r!.leaderEpoch ?? -1,
        })
        : failed(
          partitionName(p),
          new KafkaError(code, {
            api: "ListOffsets",
            broker: leader,
            topic: p.topic,
            partition: p.partition,
          }),
        ),
    ];
  }));
}
