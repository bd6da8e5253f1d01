// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * JoinGroup (key 11): joins a classic group and waits for the rebalance to complete.
 *
 * @module
 */

import type { JoinGroupRequest, JoinGroupResponse } from "../../protocol/messages/join_group.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";
import { coordinatorError } from "./_group_check.ts";

/** Answers JoinGroup. */
export const joinGroupHandler: FakeHandler = {
  key: 11,
  async handle(ctx: HandlerContext, body: unknown): Promise<JoinGroupResponse> {
    const req = body as JoinGroupRequest;
    const v = ctx.version;
    const shape = (r: {
      errorCode: number;
      generationId: number;
      protocolName: string | null;
      protocolType: string | null;
      leader: string;
      memberId: string;
      members: { memberId: string; groupInstanceId: string | null; metadata: Uint8Array }[];
    }): JoinGroupResponse => ({
      throttleTimeMs: 0,
      errorCode: r.errorCode,
      generationId: r.generationId,
      protocolType: v >= 7 ? r.protocolType : undefined,
      protocolName: v >= 7 ? r.protocolName : r.protocolName ?? "",
      leader: r.leader,
      skipAssignment: false,
      memberId: r.memberId,
      members: r.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: v >= 5 ? m.groupInstanceId : undefined,
        metadata: m.metadata,
      })),
    });
    const denied = coordinatorError(ctx, req.groupId);
    if (denied !== 0) {
      return shape({
        errorCode: denied,
        generationId: -1,
        protocolName: null,
        protocolType: null,
        leader: "",
        memberId: req.memberId,
        members: [],
      });
    }
    return shape(
      await ctx.groups.join({
        groupId: req.groupId,
        memberId: req.memberId,
        groupInstanceId: req.groupInstanceId ?? null,
        clientId: ctx.clientId ?? "",
        sessionTimeoutMs: req.sessionTimeoutMs,
        rebalanceTimeoutMs: req.rebalanceTimeoutMs ?? req.sessionTimeoutMs,
        protocolType: req.protocolType,
        protocols: req.protocols,
        requireKnownMemberId: v >= 4,
      }),
    );
  },
  errorAnswer(_ctx: HandlerContext, body: unknown, code: number): JoinGroupResponse {
    return {
      throttleTimeMs: 0,
      errorCode: code,
      generationId: -1,
      protocolName: null,
      leader: "",
      memberId: (body as JoinGroupRequest).memberId,
      members: [],
    };
  },
};
