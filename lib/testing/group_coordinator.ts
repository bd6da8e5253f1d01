// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The fake cluster's group coordinator: classic consumer groups and committed offsets.
 *
 * @module
 */

/** Committed offset of one partition. */
export interface CommittedOffset {
  /** The offset. */
  offset: bigint;
  /** The leader epoch committed with it, -1 for none. */
  leaderEpoch: number;
  /** The metadata string. */
  metadata: string | null;
}

/**
 * Groups and their committed offsets.
 *
 * @example Offsets are kept by group, topic and partition
 * ```ts
 * import { GroupCoordinator } from "./group_coordinator.ts";
 * import assert from "node:assert/strict";
 *
 * const groups = new GroupCoordinator();
 * groups.commit("g", "t", 0, { offset: 5n, leaderEpoch: -1, metadata: null });
 * assert.equal(groups.committed("g", "t", 0)?.offset, 5n);
 * ```
 */
export class GroupCoordinator {
  readonly #offsets: Map<string, Map<string, CommittedOffset>> = new Map();

  /** Stores a committed offset. */
  commit(group: string, topic: string, partition: number, value: CommittedOffset): void {
    let g = this.#offsets.get(group);
    if (g === undefined) this.#offsets.set(group, g = new Map());
    g.set(`${topic}\0${partition}`, value);
  }

  /** The committed offset, or undefined. */
  committed(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.#offsets.get(group)?.get(`${topic}\0${partition}`);
  }
}
