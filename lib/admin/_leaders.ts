// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Sends per-partition admin requests to each partition's leader, retrying the partitions whose
 * leader moved (a retriable error) after a metadata refresh.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { failed, type ItemResult } from "./admin_error.ts";
import { sleep } from "../util/sleep.ts";

/** A partition an admin request is about. */
export interface PartitionRef {
  /** The topic. */
  topic: string;
  /** The partition. */
  partition: number;
}

/** `topic/partition`, how partition results are named. */
export function partitionName(p: PartitionRef): string {
  return `${p.topic}/${p.partition}`;
}

/** Checks a partition reference. */
export function checkPartition(what: string, p: PartitionRef): void {
  if (
    p === null || typeof p !== "object" || typeof p.topic !== "string" || p.topic === "" ||
    !(Number.isInteger(p.partition) && p.partition >= 0)
  ) {
    throw new RangeError(
      `Cannot ${what} as a partition must have a topic and an index >= 0: current value is ${
        JSON.stringify(p)
      }`,
    );
  }
}

/**
 * Groups `items` by leader and calls `send(leader, indexes)` for each, which resolves with the
 * result of each index it answered. Items whose result is a retriable error, or whose leader is
 * unknown, are tried again after a metadata refresh, up to `attempts` times.
 */
export async function toLeaders<T extends PartitionRef, R>(
  client: Client,
  items: readonly T[],
  send: (leader: number, indexes: number[]) => Promise<Map<number, ItemResult<R>>>,
  attempts = 3,
): Promise<ItemResult<R>[]> {
  const results: ItemResult<R>[] = new Array(items.length);
  let pending = items.map((_, i) => i);
  for (let attempt = 1; pending.length > 0; attempt++) {
    const last = attempt >= attempts;
    const byLeader = new Map<number, number[]>();
    const retry: number[] = [];
    for (const i of pending) {
      const it = items[i]!;
      try {
        const leader = (await client.leaderFor(it.topic, it.partition)).nodeId;
        const list = byLeader.get(leader);
        if (list) list.push(i);
        else byLeader.set(leader, [i]);
      } catch (e) {
        if (!(e instanceof KafkaError)) throw e;
        if (e.retriable && !last) retry.push(i);
        else results[i] = failed(partitionName(it), e);
      }
    }
    await Promise.all([...byLeader].map(async ([leader, idx]) => {
      let answered: Map<number, ItemResult<R>>;
      try {
        answered = await send(leader, idx);
      } catch (e) {
        if (!(e instanceof KafkaError)) throw e;
        answered = new Map(idx.map((i) => [i, failed(partitionName(items[i]!), e)]));
      }
      for (const i of idx) {
        const r = answered.get(i);
        if (r && !(r.error?.retriable && !last)) {
          results[i] = r;
          continue;
        }
        if (r?.error) client.onPartitionError(r.error.code, items[i]!.topic);
        if (r && last) results[i] = r;
        else retry.push(i);
      }
    }));
    if (retry.length > 0) {
      await sleep(client.options.retryBackoffMs, client.signal);
      await client.refreshMetadata([...new Set(retry.map((i) => items[i]!.topic))]).catch(
        // A failed refresh leaves the stale leaders; the next attempt reports their errors.
        () => {},
      );
    }
    pending = retry;
  }
  return results;
}
