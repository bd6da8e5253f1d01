// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Groups partitions by topic for requests that list `{ topic, partitions[] }`, and keys answers
 * by `topic\0partition`.
 *
 * @module
 */

import type { PartitionRef } from "./_leaders.ts";

/** Partition indexes by topic, in first-seen order. */
export function partitionsByTopic(parts: readonly PartitionRef[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const p of parts) {
    const list = m.get(p.topic);
    if (list) list.push(p.partition);
    else m.set(p.topic, [p.partition]);
  }
  return m;
}

/** The key of a partition in an answer map. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}\0${partition}`;
}
