// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The state a group member's protocol loops share with `GroupConsumer`: who the member is in
 * the group, whether it is closing, and how it waits between heartbeats.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import type { StageHandle } from "../net/stage_registry.ts";
import type { ResolvedGroupOptions } from "./group_consumer_options.ts";
import type { CommitIdentity } from "./offset_manager.ts";

/**
 * One member's session in its group: the member id and generation (classic) or member epoch
 * (KIP-848), whether it is inside a generation (commits wait otherwise), and the close state.
 * The protocol loops (`ClassicMember`, `Kip848Member`) change it; `GroupConsumer` and its
 * `OwnedClaims` read it.
 *
 * @example A session waits between heartbeats until woken
 * ```ts
 * import { GroupSession } from "./_group_session.ts";
 * import { resolveGroupOptions } from "./group_consumer_options.ts";
 * import assert from "node:assert/strict";
 *
 * const stage = { set() {}, add() {}, close() {}, counters: {} };
 * const s = new GroupSession(
 *   // deno-lint-ignore no-explicit-any
 *   {} as any,
 *   resolveGroupOptions({ groupId: "g", topics: ["t"] }),
 *   // deno-lint-ignore no-explicit-any
 *   stage as any,
 * );
 * const waiting = s.idle(60_000);
 * s.wake?.();
 * await waiting;
 * assert.equal(s.identity().generationId, -1);
 * ```
 */
export class GroupSession {
  /** The client. */
  readonly client: Client;
  /** The resolved options. */
  readonly options: ResolvedGroupOptions;
  /** The `groupSession` stage. */
  readonly stage: StageHandle;
  /** Aborted by close(), ending the member's retry waits. */
  readonly stop: AbortController = new AbortController();
  /** The member id ("" before the first join). */
  memberId = "";
  /** The generation (classic) or member epoch (KIP-848); -1 before the first. */
  generationId = -1;
  /** Whether the member is in a generation: commits are sent only then. */
  inGeneration = false;
  /** Set by close() or a fatal error: the loops leave. */
  closed = false;
  /** The error that ended the member, given to `claims` and `records()` readers. */
  fatal: unknown = undefined;
  /** Ends the current {@linkcode GroupSession.idle} wait early (close, or a fatal error). */
  wake: (() => void) | undefined;
  /**
   * Heartbeats until `signal` aborts, set by the protocol in use: a revocation waiting for the
   * reader runs it, so the wait (up to the rebalance timeout) does not outlast the session.
   * It never rejects.
   */
  keepAlive: ((signal: AbortSignal) => Promise<void>) | undefined;

  /** Makes the session of a member of `options.groupId`. */
  constructor(client: Client, options: ResolvedGroupOptions, stage: StageHandle) {
    this.client = client;
    this.options = options;
    this.stage = stage;
  }

  /** A commit before giving partitions up failed: their marks are lost to the next owner. */
  readonly report = (e: unknown): void => {
    this.stage.add("commitFailures", 1);
    (this.options.onError ?? console.warn)(e);
  };

  /** Who commits: this member in its current generation. */
  identity(): CommitIdentity {
    return {
      generationId: this.generationId,
      memberId: this.memberId,
      groupInstanceId: this.options.groupInstanceId ?? null,
    };
  }

  /** Waits `ms`, or until {@linkcode GroupSession.wake} is called. */
  async idle(ms: number): Promise<void> {
    await new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      this.wake = () => {
        clearTimeout(t);
        r();
      };
    });
    this.wake = undefined;
  }

  /** The topics subscribed to: the named ones, or the pattern's matches in the metadata cache. */
  subscribedTopics(): string[] {
    const o = this.options;
    if (o.topics?.length) return [...o.topics].sort();
    const all = [...this.client.metadata.topics.values()];
    return all.filter((t) => !t.isInternal && o.pattern!.test(t.name)).map((t) => t.name).sort();
  }

  /** The subscribed topics and their partition counts: a change makes the assignment stale. */
  subscriptionShape(): string {
    const topics = this.client.metadata.topics;
    return this.subscribedTopics().map((t) => `${t}:${topics.get(t)?.partitions.length ?? 0}`)
      .join(",");
  }
}
