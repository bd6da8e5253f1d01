// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The check every group API makes first: is this broker the group's coordinator?
 *
 * @module
 */

import { ErrorCode } from "../../protocol/error_codes.ts";
import type { HandlerContext } from "../handler.ts";

/** NOT_COORDINATOR when the group's coordinator is another broker, INVALID_GROUP_ID for "", else 0. */
export function coordinatorError(ctx: HandlerContext, groupId: string): number {
  if (ctx.state.coordinatorFor(groupId, 0) !== ctx.broker.id) return ErrorCode.NOT_COORDINATOR;
  return 0;
}
