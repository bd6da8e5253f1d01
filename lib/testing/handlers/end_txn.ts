// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * EndTxn (key 26): commits or aborts the open transaction, writing its markers.
 *
 * @module
 */

import type { EndTxnRequest, EndTxnResponse } from "../../protocol/messages/end_txn.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";
import { txnCoordinatorError } from "./_txn_check.ts";

/** Answers EndTxn. */
export const endTxnHandler: FakeHandler = {
  key: 26,
  handle(ctx: HandlerContext, body: unknown): EndTxnResponse {
    const req = body as EndTxnRequest;
    const errorCode = txnCoordinatorError(ctx, req.transactionalId) ||
      ctx.transactions.end(req.transactionalId, req.producerId, req.producerEpoch, req.committed);
    return { throttleTimeMs: 0, errorCode };
  },
  errorAnswer(_ctx: HandlerContext, _body: unknown, code: number): EndTxnResponse {
    return { throttleTimeMs: 0, errorCode: code };
  },
};
