// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * A partition claimed by a consumer group member.
 *
 * @module
 */

import type { PartitionConsumer } from "../consumer/partition_consumer.ts";

/** A claimed partition: its records, and the way to mark them processed. */
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
