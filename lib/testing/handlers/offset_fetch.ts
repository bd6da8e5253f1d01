// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * OffsetFetch (key 9): a group's committed offsets, for the partitions asked or (topics null)
 * all; one group per request up to v7, several from v8.
 *
 * @module
 */

import { ErrorCode } from "../../protocol/error_codes.ts";
import type {
  OffsetFetchRequest,
  OffsetFetchResponse,
  OffsetFetchResponsePartition,
} from "../../protocol/messages/offset_fetch.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";
import { coordinatorError } from "./_group_check.ts";

function fetchGroup(
  ctx: HandlerContext,
  groupId: string,
  // Named below v10, the most the fake offers.
  topics: { name?: string; partitionIndexes: number[] }[] | null,
  requireStable: boolean,
): { errorCode: number; topics: { name: string; partitions: OffsetFetchResponsePartition[] }[] } {
  const errorCode = coordinatorError(ctx, groupId);
  if (errorCode !== 0) return { errorCode, topics: [] };
  let wanted = topics;
  if (wanted === null) {
    const byTopic = new Map<string, number[]>();
    for (const key of ctx.groups.groups.get(groupId)?.offsets.keys() ?? []) {
      const [name, p] = key.split("\0") as [string, string];
      byTopic.set(name, [...byTopic.get(name) ?? [], Number(p)]);
    }
    wanted = [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes }));
  }
  return {
    errorCode: 0,
    topics: wanted.map(({ name = "", partitionIndexes }) => ({
      name,
      partitions: partitionIndexes.map((partitionIndex) => {
        const c = ctx.groups.committed(groupId, name, partitionIndex);
        return {
          partitionIndex,
          committedOffset: c?.offset ?? -1n,
          committedLeaderEpoch: ctx.version >= 5 ? c?.leaderEpoch ?? -1 : undefined,
          metadata: c?.metadata ?? "",
          // A read_committed consumer asks for stable offsets: one still in an open
          // transaction is UNSTABLE_OFFSET_COMMIT, to be asked again.
          errorCode:
            requireStable && ctx.transactions.hasPendingOffset(groupId, name, partitionIndex)
              ? ErrorCode.UNSTABLE_OFFSET_COMMIT
              : 0,
        };
      }),
    })),
  };
}

/** Answers OffsetFetch. */
export const offsetFetchHandler: FakeHandler = {
  key: 9,
  handle(ctx: HandlerContext, body: unknown): OffsetFetchResponse {
    const req = body as OffsetFetchRequest;
    if (ctx.version >= 8) {
      return {
        throttleTimeMs: 0,
        groups: (req.groups ?? []).map((g) => {
          const r = fetchGroup(ctx, g.groupId, g.topics, req.requireStable ?? false);
          return { groupId: g.groupId, errorCode: r.errorCode, topics: r.topics };
        }),
      };
    }
    const r = fetchGroup(ctx, req.groupId ?? "", req.topics ?? null, req.requireStable ?? false);
    if (r.errorCode !== 0 && ctx.version < 2) {
      // v0-1 have no top-level error code: each partition carries it.
      return {
        topics: (req.topics ?? []).map((t) => ({
          name: t.name,
          partitions: t.partitionIndexes.map((partitionIndex) => ({
            partitionIndex,
            committedOffset: -1n,
            metadata: "",
            errorCode: r.errorCode,
          })),
        })),
      };
    }
    return {
      throttleTimeMs: 0,
      topics: r.topics,
      errorCode: ctx.version >= 2 ? r.errorCode : undefined,
    };
  },
};
