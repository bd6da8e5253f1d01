// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Log directories: describe every broker's (DescribeLogDirs, sent to each broker) and move
 * replicas between one broker's directories (AlterReplicaLogDirs, sent to that broker).
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

/** A replica in a log directory. */
export interface LogDirReplica extends PartitionRef {
  /** Its size in bytes. */
  size: number;
  /** How far it is behind the leader (or the current replica, for a future one). */
  offsetLag: number;
  /** Whether it is a future replica being moved here. */
  isFuture: boolean;
}

/** One log directory of one broker. */
export interface LogDir {
  /** The broker. */
  broker: number;
  /** The directory's path. */
  path: string;
  /** Its error, e.g. `KAFKA_STORAGE_ERROR` for an offline directory. */
  error: KafkaError | null;
  /** Total bytes of its volume, or -1. */
  totalBytes: number;
  /** Usable bytes of its volume, or -1. */
  usableBytes: number;
  /** The replicas in it. */
  replicas: LogDirReplica[];
}

/**
 * Describes the log directories of every broker (or `brokers`), optionally only for some
 * partitions; one result per broker.
 *
 * @example Partitions are checked before anything is sent
 * ```ts
 * import { describeLogDirs } from "./log_dirs.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   describeLogDirs({} as never, { partitions: [{ topic: "", partition: 0 }] }),
 *   RangeError,
 * );
 * ```
 */
export async function describeLogDirs(
  client: Client,
  options: { brokers?: readonly number[]; partitions?: readonly PartitionRef[] } = {},
): Promise<ItemResult<LogDir[]>[]> {
  for (const p of options.partitions ?? []) checkPartition("describe log dirs", p);
  const brokers = options.brokers ??
    [...(await client.refreshMetadata([])).brokers.keys()].sort((a, b) => a - b);
  const topics = options.partitions
    ? [...partitionsByTopic(options.partitions)].map(([topic, partitions]) => ({
      topic,
      partitions,
    }))
    : null;
  return await Promise.all(brokers.map(async (broker) => {
    const name = `broker ${broker}`;
    try {
      const res = await client.request(broker, API_TABLE[35], { topics });
      if ((res.errorCode ?? 0) !== 0) {
        return failed<LogDir[]>(
          name,
          new KafkaError(res.errorCode!, { api: "DescribeLogDirs", broker }),
        );
      }
      return ok(
        name,
        res.results.map((d) => ({
          broker,
          path: d.logDir,
          error: d.errorCode === 0 ? null : new KafkaError(d.errorCode, {
            api: "DescribeLogDirs",
            broker,
            detail: d.logDir,
          }),
          totalBytes: Number(d.totalBytes ?? -1n),
          usableBytes: Number(d.usableBytes ?? -1n),
          replicas: d.topics.flatMap((t) =>
            t.partitions.map((p) => ({
              topic: t.name,
              partition: p.partitionIndex,
              size: Number(p.partitionSize),
              offsetLag: Number(p.offsetLag),
              isFuture: p.isFutureKey,
            }))
          ).sort((a, b) =>
            a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition
          ),
        })),
      );
    } catch (e) {
      if (!(e instanceof KafkaError)) throw e;
      return failed<LogDir[]>(name, e);
    }
  }));
}

/**
 * Moves replicas on a broker to another of its log directories, one result per replica.
 *
 * @example A broker id must be given
 * ```ts
 * import { alterReplicaLogDirs } from "./log_dirs.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   alterReplicaLogDirs({} as never, [{ broker: -1, topic: "t", partition: 0, path: "/d" }]),
 *   RangeError,
 * );
 * ```
 */
export async function alterReplicaLogDirs(
  client: Client,
  moves: readonly (PartitionRef & { broker: number; path: string })[],
): Promise<ItemResult<PartitionRef & { broker: number; path: string }>[]> {
  for (const m of moves) {
    checkPartition("move a replica", m);
    if (!(Number.isInteger(m.broker) && m.broker >= 0) || typeof m.path !== "string" || !m.path) {
      throw new RangeError(
        `Cannot move replica ${partitionName(m)} as it needs a broker id and a path`,
      );
    }
  }
  const byBroker = new Map<number, number[]>();
  moves.forEach((m, i) => byBroker.set(m.broker, [...(byBroker.get(m.broker) ?? []), i]));
  const results: ItemResult<PartitionRef & { broker: number; path: string }>[] = new Array(
    moves.length,
  );
  await Promise.all([...byBroker].map(async ([broker, idx]) => {
    const byPath = new Map<string, (PartitionRef & { broker: number; path: string })[]>();
    for (const i of idx) {
      byPath.set(moves[i]!.path, [...(byPath.get(moves[i]!.path) ?? []), moves[i]!]);
    }
    const codes = new Map<string, number>();
    let whole: KafkaError | null = null;
    try {
      const res = await client.request(broker, API_TABLE[34], {
        dirs: [...byPath].map(([path, ms]) => ({
          path,
          topics: [...partitionsByTopic(ms)].map(([name, partitions]) => ({ name, partitions })),
        })),
      });
      for (const t of res.results) {
        for (const p of t.partitions) {
          codes.set(partitionKey(t.topicName, p.partitionIndex), p.errorCode);
        }
      }
    } catch (e) {
      if (!(e instanceof KafkaError)) throw e;
      whole = e;
    }
    for (const i of idx) {
      const m = moves[i]!;
      const code = codes.get(partitionKey(m.topic, m.partition)) ?? ErrorCode.UNKNOWN_SERVER_ERROR;
      results[i] = whole
        ? failed(partitionName(m), whole)
        : code === 0
        ? ok(partitionName(m), m)
        : failed(
          partitionName(m),
          new KafkaError(code, {
            api: "AlterReplicaLogDirs",
            broker,
            topic: m.topic,
            partition: m.partition,
            detail: m.path,
          }),
        );
    }
  }));
  return results;
}
