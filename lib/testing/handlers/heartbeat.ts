// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Heartbeat (key 12): keeps a member's session, and tells it when to rejoin.
 *
 * @module
 */

import type { HeartbeatRequest, HeartbeatResponse } from "../../protocol/messages/heartbeat.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";
import { coordinatorError } from "./_group_check.ts";

/** Answers Heartbeat. */
export const heartbeatHandler: FakeHandler = {
  key: 12,
  handle(ctx: HandlerContext, body: unknown): HeartbeatResponse {
    const req = body as HeartbeatRequest;
    const errorCode = coordinatorError(ctx, req.groupId) ||
      ctx.groups.heartbeat(req.groupId, req.memberId, req.generationId);
    return { throttleTimeMs: 0, errorCode };
  },
  errorAnswer(_ctx: HandlerContext, _body: unknown, code: number): HeartbeatResponse {
    return { throttleTimeMs: 0, errorCode: code };
  },
};
