// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * DeleteGroups (key 42): deletes empty groups and their offsets.
 *
 * @module
 */

import type {
  DeleteGroupsRequest,
  DeleteGroupsResponse,
} from "../../protocol/messages/delete_groups.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";
import { coordinatorError } from "./_group_check.ts";

/** Answers DeleteGroups. */
export const deleteGroupsHandler: FakeHandler = {
  key: 42,
  handle(ctx: HandlerContext, body: unknown): DeleteGroupsResponse {
    const req = body as DeleteGroupsRequest;
    return {
      throttleTimeMs: 0,
      results: req.groupsNames.map((groupId) => ({
        groupId,
        errorCode: coordinatorError(ctx, groupId) ||
          (ctx.consumerGroups.delete(groupId) ?? ctx.groups.delete(groupId)),
      })),
    };
  },
  errorAnswer(_ctx: HandlerContext, body: unknown, code: number): DeleteGroupsResponse {
    const req = body as DeleteGroupsRequest;
    return {
      throttleTimeMs: 0,
      results: req.groupsNames.map((groupId) => ({ groupId, errorCode: code })),
    };
  },
};
