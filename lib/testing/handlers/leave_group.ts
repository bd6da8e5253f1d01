// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * LeaveGroup (key 13): removes a member (v0-2) or several (v3+), which starts a rebalance.
 *
 * @module
 */

import type { LeaveGroupRequest, LeaveGroupResponse } from "../../protocol/messages/leave_group.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";
import { coordinatorError } from "./_group_check.ts";

/** Answers LeaveGroup. */
export const leaveGroupHandler: FakeHandler = {
  key: 13,
  handle(ctx: HandlerContext, body: unknown): LeaveGroupResponse {
    const req = body as LeaveGroupRequest;
    const denied = coordinatorError(ctx, req.groupId);
    if (ctx.version < 3) {
      return {
        throttleTimeMs: 0,
        errorCode: denied || ctx.groups.leave(req.groupId, req.memberId ?? ""),
      };
    }
    if (denied !== 0) return { throttleTimeMs: 0, errorCode: denied, members: [] };
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      members: (req.members ?? []).map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId ?? null,
        errorCode: ctx.groups.leave(req.groupId, m.memberId, m.groupInstanceId ?? null),
      })),
    };
  },
  errorAnswer(_ctx: HandlerContext, _body: unknown, code: number): LeaveGroupResponse {
    return { throttleTimeMs: 0, errorCode: code, members: [] };
  },
};
