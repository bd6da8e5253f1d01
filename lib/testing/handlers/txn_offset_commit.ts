// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * TxnOffsetCommit (key 28): offsets that become the group's committed offsets when the
 * transaction commits, and vanish when it aborts. Sent to the group coordinator.
 *
 * @module
 */

import type {
  TxnOffsetCommitRequest,
  TxnOffsetCommitResponse,
} from "../../protocol/messages/txn_offset_commit.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";
import { coordinatorError } from "./_group_check.ts";

/** Answers TxnOffsetCommit. */
export const txnOffsetCommitHandler: FakeHandler = {
  key: 28,
  handle(ctx: HandlerContext, body: unknown): TxnOffsetCommitResponse {
    const req = body as TxnOffsetCommitRequest;
    const denied = coordinatorError(ctx, req.groupId) ||
      ((req.generationId ?? -1) >= 0
        ? ctx.groups.checkCommit(req.groupId, req.memberId ?? "", req.generationId!)
        : 0);
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: denied ||
            ctx.transactions.commitOffset(
              req.transactionalId,
              req.producerId,
              req.producerEpoch,
              req.groupId,
              t.name,
              p.partitionIndex,
              {
                offset: p.committedOffset,
                leaderEpoch: p.committedLeaderEpoch ?? -1,
                metadata: p.committedMetadata,
              },
            ),
        })),
      })),
    };
  },
  errorAnswer(_ctx: HandlerContext, body: unknown, code: number): TxnOffsetCommitResponse {
    const req = body as TxnOffsetCommitRequest;
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: code,
        })),
      })),
    };
  },
};
