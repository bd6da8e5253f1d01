// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The check every transaction API makes first: is this broker the transactional id's
 * coordinator?
 *
 * @module
 */

import { ErrorCode } from "../../protocol/error_codes.ts";
import type { HandlerContext } from "../handler.ts";

/** NOT_COORDINATOR when another broker coordinates `transactionalId`, else 0. */
export function txnCoordinatorError(ctx: HandlerContext, transactionalId: string): number {
  return ctx.state.coordinatorFor(transactionalId, 1) === ctx.broker.id
    ? 0
    : ErrorCode.NOT_COORDINATOR;
}
