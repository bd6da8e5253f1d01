// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * A partition claimed by a consumer group member.
 *
 * @module
 */

import type { PartitionConsumer } from "../consumer/partition_consumer.ts";

/**
 * A claimed partition: its records, and the way to mark them processed. Sarama's shape: one
 * loop per claim (its ConsumeClaim), which holds the claim while it processes a chunk so that
 * a rebalance waits for it.
 *
 * @example One loop per claimed partition
 * ```ts
 * import { Client } from "../client/client.ts";
 * import { Producer } from "../producer/producer.ts";
 * import { FakeCluster } from "../testing/fake_cluster.ts";
 * import { GroupConsumer } from "./group_consumer.ts";
 * import type { Claim } from "./claim.ts";
 * import assert from "node:assert/strict";
 *
 * await using cluster = await FakeCluster.start({ topics: [{ name: "orders", partitions: 2 }] });
 * await using client = await Client.connect({
 *   brokers: cluster.bootstrap,
 *   transport: cluster.transport,
 * });
 * await using producer = new Producer(client);
 * await producer.send([{ topic: "orders", partition: 0, value: "a" }, { topic: "orders", partition: 1, value: "b" }]);
 *
 * await using group = new GroupConsumer(client, {
 *   groupId: "billing",
 *   topics: ["orders"],
 *   startOffset: "oldest",
 * });
 * const seen: string[] = [];
 * let bothSeen!: () => void;
 * const both = new Promise<void>((r) => bothSeen = r);
 * async function consumeClaim(claim: Claim): Promise<void> {
 *   // Ends when the partition is given up (or the member closes).
 *   for await (const chunk of claim.records) {
 *     const release = claim.hold(); // a rebalance now waits for this chunk
 *     try {
 *       for (const r of chunk.records) seen.push(new TextDecoder().decode(r.value!));
 *       claim.mark(chunk.records[chunk.records.length - 1]!.offset);
 *     } finally {
 *       release();
 *     }
 *     if (seen.length === 2) bothSeen();
 *   }
 * }
 * const claims = group.claims.getReader();
 * const loops = [
 *   consumeClaim((await claims.read()).value!),
 *   consumeClaim((await claims.read()).value!),
 * ];
 * await both;
 * await group.close(); // commits the marks, ends every claim's records
 * await Promise.all(loops);
 * assert.deepEqual(seen.sort(), ["a", "b"]);
 * ```
 */
export interface Claim {
  /** The topic. */
  readonly topic: string;
  /** The partition. */
  readonly partition: number;
  /** The generation it was claimed in. */
  readonly generationId: number;
  /** Its records, from the committed offset (or the start policy). Ends when the claim is revoked. */
  readonly records: PartitionConsumer;
  /**
   * Whether the member still owns the partition under this claim and is not giving it up:
   * false from the moment a rebalance starts revoking it (or the member closes), for good. A
   * chunk read from a claim that is no longer active belongs to the next owner: drop it.
   */
  readonly active: boolean;
  /** Marks the record at `offset` (and everything before it) processed: it will be committed. */
  mark(offset: number): void;
  /**
   * Says a chunk of this claim is being processed, until the returned function is called: a
   * rebalance giving the partition up waits for it (up to the rebalance timeout) before it
   * commits the marks and lets the partition go, as Sarama's ConsumeClaim contract, so the
   * next owner never processes the same records at the same time. `records()` and
   * {@linkcode GroupRunner} do this for you; a reader of `claim.records` calls it itself.
   */
  hold(): () => void;
}

/**
 * The key of a partition in a member's maps.
 *
 * @example A separator no topic name has
 * ```ts
 * import { claimKey } from "./claim.ts";
 * import assert from "node:assert/strict";
 *
 * assert.notEqual(claimKey("a", 1), claimKey("a1", 0));
 * ```
 */
export const claimKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;
