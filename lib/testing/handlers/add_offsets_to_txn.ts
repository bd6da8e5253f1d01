// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * AddOffsetsToTxn (key 25): a group's offsets will be committed with the transaction.
 *
 * @module
 */

import type {
  AddOffsetsToTxnRequest,
  AddOffsetsToTxnResponse,
} from "../../protocol/messages/add_offsets_to_txn.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";
import { txnCoordinatorError } from "./_txn_check.ts";

/** Answers AddOffsetsToTxn. */
export const addOffsetsToTxnHandler: FakeHandler = {
  key: 25,
  handle(ctx: HandlerContext, body: unknown): AddOffsetsToTxnResponse {
    const req = body as AddOffsetsToTxnRequest;
    const errorCode = txnCoordinatorError(ctx, req.transactionalId) ||
      ctx.transactions.addOffsets(
        req.transactionalId,
        req.producerId,
        req.producerEpoch,
        req.groupId,
      );
    return { throttleTimeMs: 0, errorCode };
  },
  errorAnswer(_ctx: HandlerContext, _body: unknown, code: number): AddOffsetsToTxnResponse {
    return { throttleTimeMs: 0, errorCode: code };
  },
};
