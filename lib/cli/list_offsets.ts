// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Where partitions start and end, as the command line asks for them before it reads: one
 * ListOffsets request per leader, retried while leaders move.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import { sleep } from "../util/sleep.ts";

/**
 * ListOffsets' timestamp for the offset after the last record (in read_committed, the last
 * stable offset).
 */
export const LATEST = -1n;
/** ListOffsets' timestamp for the oldest record kept. */
export const EARLIEST = -2n;

/**
 * Asks each partition's leader for the offset at `timestamp` (`LATEST`, `EARLIEST` or ms), one
 * request per leader; retries what a moved leader or a slow broker refused, within the client's
 * request timeout. A timestamp with no record at or after it answers -1. `isolationLevel` is 0
 * (read_uncommitted) or 1 (read_committed).
 *
 * @throws {KafkaError} an error that retrying cannot cure (an unknown topic), or the last one
 * when the timeout passes.
 *
 * @example No partitions: no request
 * ```ts
 * import { LATEST, listOffsets } from "./list_offsets.ts";
 * import assert from "node:assert/strict";
 *
 * const client = { options: { requestTimeoutMs: 1000, retryBackoffMs: 10 } };
 * assert.equal((await listOffsets(client as never, "orders", [], LATEST, 0)).size, 0);
 * ```
 */
export async function listOffsets(
  client: Client,
  topic: string,
  partitions: readonly number[],
  timestamp: bigint,
  isolationLevel: number,
): Promise<Map<number, number>> {
  const found = new Map<number, number>();
  let pending = [...partitions];
  const deadline = Date.now() + client.options.requestTimeoutMs;
  let lastError: unknown;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) {
      if (Date.now() >= deadline) throw lastError;
      await sleep(client.options.retryBackoffMs, client.signal);
      await client.refreshMetadata([topic]).catch(() => {});
    }
    const byLeader = new Map<number, number[]>();
    const retry: number[] = [];
    for (const p of pending) {
      try {
        const leader = (await client.leaderFor(topic, p)).nodeId;
        let list = byLeader.get(leader);
        if (list === undefined) byLeader.set(leader, list = []);
        list.push(p);
      } catch (e) {
        if (!(e instanceof KafkaError && e.retriable)) throw e;
        lastError = e;
        retry.push(p);
      }
    }
    await Promise.all([...byLeader].map(async ([leader, ps]) => {
      try {
        const res = await client.request(leader, API_TABLE[2], {
          replicaId: -1,
          isolationLevel,
          topics: [{
            name: topic,
            partitions: ps.map((partitionIndex) => ({ partitionIndex, timestamp })),
          }],
        }, { kind: "fetch" });
        const answered = new Set<number>();
        for (const p of res.topics.find((t) => t.name === topic)?.partitions ?? []) {
          answered.add(p.partitionIndex);
          if (p.errorCode === 0) {
            found.set(p.partitionIndex, Number(p.offset ?? -1n));
            continue;
          }
          const err = new KafkaError(p.errorCode, {
            api: "ListOffsets",
            broker: leader,
            topic,
            partition: p.partitionIndex,
          });
          if (!err.retriable) throw err;
          client.onPartitionError(p.errorCode, topic);
          lastError = err;
          retry.push(p.partitionIndex);
        }
        for (const p of ps) if (!answered.has(p)) retry.push(p);
      } catch (e) {
        if (!(e instanceof KafkaError && e.retriable)) throw e;
        lastError = e;
        retry.push(...ps);
      }
    }));
    pending = retry;
  }
  return found;
}
