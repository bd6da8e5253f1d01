// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Partition reassignments (AlterPartitionReassignments, ListPartitionReassignments) and
 * leader elections (ElectLeaders); any broker forwards them to the controller.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import { failed, type ItemResult, ok } from "./admin_error.ts";
import { checkPartition, partitionName, type PartitionRef } from "./_leaders.ts";
import { partitionKey, partitionsByTopic } from "./_partition_map.ts";

/** An ongoing reassignment. */
export interface OngoingReassignment extends PartitionRef {
  /** The replica set now. */
  replicas: number[];
  /** Replicas being added. */
  adding: number[];
  /** Replicas being removed. */
  removing: number[];
}

/**
 * Moves partitions to new replica sets (`replicas: null` cancels an ongoing move), one result
 * per partition.
 *
 * @example Replicas must be broker ids
 * ```ts
 * import { alterPartitionReassignments } from "./reassignments.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   alterPartitionReassignments({} as never, [{ topic: "t", partition: 0, replicas: [] }]),
 *   RangeError,
 * );
 * ```
 */
export async function alterPartitionReassignments(
  client: Client,
  moves: readonly (PartitionRef & { replicas: readonly number[] | null })[],
  options: { timeoutMs?: number } = {},
): Promise<ItemResult<PartitionRef>[]> {
  for (const m of moves) {
    checkPartition("reassign", m);
    if (
      m.replicas !== null &&
      !(Array.isArray(m.replicas) && m.replicas.length > 0 &&
        m.replicas.every((r) => Number.isInteger(r) && r >= 0))
    ) {
      throw new RangeError(
        `Cannot reassign ${
          partitionName(m)
        } as replicas must list broker ids (or be null to cancel): current value is ${
          JSON.stringify(m.replicas)
        }`,
      );
    }
  }
  if (moves.length === 0) return [];
  const timeoutMs = options.timeoutMs ?? 30_000;
  const byTopic = new Map<string, { partitionIndex: number; replicas: number[] | null }[]>();
  for (const m of moves) {
    const list = byTopic.get(m.topic) ?? [];
    list.push({ partitionIndex: m.partition, replicas: m.replicas ? [...m.replicas] : null });
    byTopic.set(m.topic, list);
  }
  const res = await client.request("any", API_TABLE[45], {
    timeoutMs,
    topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
  }, { timeoutMs: timeoutMs + 5000 });
  const found = new Map<string, { errorCode: number; errorMessage: string | null }>();
  for (const t of res.responses) {
    for (const p of t.partitions) found.set(partitionKey(t.name, p.partitionIndex), p);
  }
  return moves.map((m) => {
    const r = found.get(partitionKey(m.topic, m.partition));
    const code = res.errorCode !== 0
      ? res.errorCode
      : r?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    return code === 0
      ? ok(partitionName(m), { topic: m.topic, partition: m.partition })
      : failed<PartitionRef>(
        partitionName(m),
        new KafkaError(code, {
          api: "AlterPartitionReassignments",
          topic: m.topic,
          partition: m.partition,
          detail: res.errorCode !== 0 ? res.errorMessage : r?.errorMessage,
        }),
      );
  });
}

/**
 * The reassignments in progress, for some partitions or (by default) all.
 *
 * @example Partitions are checked before anything is sent
 * ```ts
 * import { listPartitionReassignments } from "./reassignments.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   listPartitionReassignments({} as never, [{ topic: "t", partition: -1 }]),
 *   RangeError,
 * );
 * ```
 */
export async function listPartitionReassignments(
  client: Client,
  partitions?: readonly PartitionRef[],
): Promise<OngoingReassignment[]> {
  for (const p of partitions ?? []) checkPartition("list reassignments", p);
  const res = await client.request("any", API_TABLE[46], {
    timeoutMs: 30_000,
    topics: partitions
      ? [...partitionsByTopic(partitions)].map(([name, partitionIndexes]) => ({
        name,
        partitionIndexes,
      }))
      : null,
  });
  if (res.errorCode !== 0) {
    throw new KafkaError(res.errorCode, {
      api: "ListPartitionReassignments",
      detail: res.errorMessage,
    });
  }
  return res.topics.flatMap((t) =>
    t.partitions.map((p) => ({
      topic: t.name,
      partition: p.partitionIndex,
      replicas: p.replicas,
      adding: p.addingReplicas,
      removing: p.removingReplicas,
    }))
  );
}

/**
 * Elects leaders: `preferred` moves leadership back to each partition's first replica,
 * `unclean` lets an out-of-sync replica lead a leaderless partition. `null` partitions: every
 * partition that needs it. One result per partition the controller answered for;
 * `ELECTION_NOT_NEEDED` means the preferred replica already leads.
 *
 * @example An election type must be known
 * ```ts
 * import { electLeaders } from "./reassignments.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(electLeaders({} as never, "soon" as never, null), RangeError);
 * ```
 */
export async function electLeaders(
  client: Client,
  type: "preferred" | "unclean",
  partitions: readonly PartitionRef[] | null,
  options: { timeoutMs?: number } = {},
): Promise<ItemResult<PartitionRef>[]> {
  if (type !== "preferred" && type !== "unclean") {
    throw new RangeError(
      `Cannot elect leaders as the type must be preferred or unclean: current value is ${
        JSON.stringify(type)
      }`,
    );
  }
  for (const p of partitions ?? []) checkPartition("elect leaders", p);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const res = await client.request("any", API_TABLE[43], {
    electionType: type === "preferred" ? 0 : 1,
    topicPartitions: partitions
      ? [...partitionsByTopic(partitions)].map(([topic, ps]) => ({ topic, partitions: ps }))
      : null,
    timeoutMs,
  }, { timeoutMs: timeoutMs + 5000 });
  if ((res.errorCode ?? 0) !== 0) {
    throw new KafkaError(res.errorCode!, { api: "ElectLeaders" });
  }
  return res.replicaElectionResults.flatMap((t) =>
    t.partitionResult.map((p) => {
      const ref = { topic: t.topic, partition: p.partitionId };
      return p.errorCode === 0 ? ok(partitionName(ref), ref) : failed<PartitionRef>(
        partitionName(ref),
        new KafkaError(p.errorCode, {
          api: "ElectLeaders",
          topic: t.topic,
          partition: p.partitionId,
          detail: p.errorMessage,
        }),
      );
    })
  );
}
