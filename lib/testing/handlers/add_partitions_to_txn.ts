// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * AddPartitionsToTxn (key 24), the client's form (v0-3): adds partitions to the open
 * transaction, beginning it. If one partition fails, the others are OPERATION_NOT_ATTEMPTED.
 *
 * @module
 */

import { ErrorCode } from "../../protocol/error_codes.ts";
import type {
  AddPartitionsToTxnRequest,
  AddPartitionsToTxnResponse,
} from "../../protocol/messages/add_partitions_to_txn.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";
import { txnCoordinatorError } from "./_txn_check.ts";

/** Answers AddPartitionsToTxn. */
export const addPartitionsToTxnHandler: FakeHandler = {
  key: 24,
  handle(ctx: HandlerContext, body: unknown): AddPartitionsToTxnResponse {
    const req = body as AddPartitionsToTxnRequest;
    const txnId = req.v3AndBelowTransactionalId ?? "";
    const pid = req.v3AndBelowProducerId ?? -1n;
    const epoch = req.v3AndBelowProducerEpoch ?? -1;
    const topics = req.v3AndBelowTopics ?? [];
    const answer = (code: (topic: string, p: number) => number): AddPartitionsToTxnResponse => ({
      throttleTimeMs: 0,
      resultsByTopicV3AndBelow: topics.map((t) => ({
        name: t.name,
        resultsByPartition: t.partitions.map((partitionIndex) => ({
          partitionIndex,
          partitionErrorCode: code(t.name, partitionIndex),
        })),
      })),
    });
    const denied = txnCoordinatorError(ctx, txnId) ||
      ctx.transactions.check(txnId, pid, epoch);
    if (denied !== 0) return answer(() => denied);
    const unknown = topics.some((t) =>
      t.partitions.some((p) => ctx.state.topics.get(t.name)?.partitions[p] === undefined)
    );
    if (unknown) {
      return answer((t, p) =>
        ctx.state.topics.get(t)?.partitions[p] === undefined
          ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
          : ErrorCode.OPERATION_NOT_ATTEMPTED
      );
    }
    return answer((t, p) => ctx.transactions.addPartitions(txnId, pid, epoch, t, p));
  },
  errorAnswer(_ctx: HandlerContext, body: unknown, code: number): AddPartitionsToTxnResponse {
    const req = body as AddPartitionsToTxnRequest;
    return {
      throttleTimeMs: 0,
      resultsByTopicV3AndBelow: (req.v3AndBelowTopics ?? []).map((t) => ({
        name: t.name,
        resultsByPartition: t.partitions.map((partitionIndex) => ({
          partitionIndex,
          partitionErrorCode: code,
        })),
      })),
    };
  },
};
