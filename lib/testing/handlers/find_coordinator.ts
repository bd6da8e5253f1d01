// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * FindCoordinator (key 10): which broker coordinates a group or a transactional id. v0-3 ask
 * for one key, v4+ for a batch.
 *
 * @module
 */

import { ErrorCode } from "../../protocol/error_codes.ts";
import type {
  FindCoordinatorRequest,
  FindCoordinatorResponse,
  FindCoordinatorResponseCoordinator,
} from "../../protocol/messages/find_coordinator.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";

function find(
  ctx: HandlerContext,
  key: string,
  keyType: number,
): FindCoordinatorResponseCoordinator {
  if (keyType !== 0 && keyType !== 1) {
    return {
      key,
      nodeId: -1,
      host: "",
      port: -1,
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: `unknown key type ${keyType}`,
    };
  }
  const id = ctx.state.coordinatorFor(key, keyType);
  const b = ctx.state.brokers.get(id);
  if (b === undefined) {
    return {
      key,
      nodeId: -1,
      host: "",
      port: -1,
      errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
      errorMessage: null,
    };
  }
  return { key, nodeId: b.id, host: b.host, port: b.port, errorCode: 0, errorMessage: null };
}

/** Answers FindCoordinator. */
export const findCoordinatorHandler: FakeHandler = {
  key: 10,
  handle(ctx: HandlerContext, body: unknown): FindCoordinatorResponse {
    const req = body as FindCoordinatorRequest;
    const keyType = req.keyType ?? 0;
    if (ctx.version >= 4) {
      return {
        throttleTimeMs: 0,
        coordinators: (req.coordinatorKeys ?? []).map((k) => find(ctx, k, keyType)),
      };
    }
    const c = find(ctx, req.key ?? "", keyType);
    return {
      throttleTimeMs: 0,
      errorCode: c.errorCode,
      errorMessage: c.errorMessage,
      nodeId: c.nodeId,
      host: c.host,
      port: c.port,
    };
  },
};
