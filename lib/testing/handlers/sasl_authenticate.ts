// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * SaslAuthenticate (key 36): one step of the exchange SaslHandshake chose. A failure answers
 * SASL_AUTHENTICATION_FAILED and closes the connection, as Kafka does.
 *
 * @module
 */

import { ErrorCode } from "../../protocol/error_codes.ts";
import type {
  SaslAuthenticateRequest,
  SaslAuthenticateResponse,
} from "../../protocol/messages/sasl_authenticate.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";

/** Answers SaslAuthenticate. */
export const saslAuthenticateHandler: FakeHandler = {
  key: 36,
  async handle(ctx: HandlerContext, body: unknown): Promise<SaslAuthenticateResponse> {
    const req = body as SaslAuthenticateRequest;
    const conn = ctx.connection;
    if (conn.sasl === null) {
      conn.closeAfterReply = true;
      return {
        errorCode: ErrorCode.ILLEGAL_SASL_STATE,
        errorMessage: "SaslAuthenticate before SaslHandshake",
        authBytes: new Uint8Array(0),
        sessionLifetimeMs: 0n,
      };
    }
    const step = await conn.sasl.step(req.authBytes);
    if (step.error !== undefined) {
      conn.sasl = null;
      conn.closeAfterReply = true;
      return {
        errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
        errorMessage: step.error,
        authBytes: new Uint8Array(0),
        sessionLifetimeMs: 0n,
      };
    }
    if (step.user !== undefined) {
      conn.user = step.user;
      conn.sasl = null;
    }
    return { errorCode: 0, errorMessage: null, authBytes: step.reply, sessionLifetimeMs: 0n };
  },
  errorAnswer(_ctx: HandlerContext, _body: unknown, code: number): SaslAuthenticateResponse {
    return {
      errorCode: code,
      errorMessage: null,
      authBytes: new Uint8Array(0),
      sessionLifetimeMs: 0n,
    };
  },
};
