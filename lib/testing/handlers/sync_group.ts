// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * SyncGroup (key 14): the leader hands in the assignments; every member waits for its own.
 *
 * @module
 */

import { ErrorCode } from "../../protocol/error_codes.ts";
import type { SyncGroupRequest, SyncGroupResponse } from "../../protocol/messages/sync_group.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";
import { coordinatorError } from "./_group_check.ts";

/** Answers SyncGroup. */
export const syncGroupHandler: FakeHandler = {
  key: 14,
  async handle(ctx: HandlerContext, body: unknown): Promise<SyncGroupResponse> {
    const req = body as SyncGroupRequest;
    const empty = new Uint8Array(0);
    const denied = coordinatorError(ctx, req.groupId);
    if (denied !== 0) return { throttleTimeMs: 0, errorCode: denied, assignment: empty };
    const g = ctx.groups.groups.get(req.groupId);
    if (
      ctx.version >= 5 && g !== undefined &&
      ((req.protocolType != null && req.protocolType !== g.protocolType) ||
        (req.protocolName != null && g.protocolName !== null &&
          req.protocolName !== g.protocolName))
    ) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
        assignment: empty,
      };
    }
    const r = await ctx.groups.sync(req.groupId, req.memberId, req.generationId, req.assignments);
    return {
      throttleTimeMs: 0,
      errorCode: r.errorCode,
      protocolType: ctx.version >= 5 ? g?.protocolType ?? null : undefined,
      protocolName: ctx.version >= 5 ? g?.protocolName ?? null : undefined,
      assignment: r.assignment,
    };
  },
  errorAnswer(_ctx: HandlerContext, _body: unknown, code: number): SyncGroupResponse {
    return { throttleTimeMs: 0, errorCode: code, assignment: new Uint8Array(0) };
  },
};
