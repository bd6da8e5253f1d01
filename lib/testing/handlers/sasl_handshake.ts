// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * SaslHandshake (key 17): picks the mechanism for the SaslAuthenticate exchange that follows.
 *
 * @module
 */

import { ErrorCode } from "../../protocol/error_codes.ts";
import type {
  SaslHandshakeRequest,
  SaslHandshakeResponse,
} from "../../protocol/messages/sasl_handshake.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";
import { type FakeSaslMechanism, SaslServer } from "../sasl_server.ts";

const ALL: FakeSaslMechanism[] = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"];

/** Answers SaslHandshake. */
export const saslHandshakeHandler: FakeHandler = {
  key: 17,
  handle(ctx: HandlerContext, body: unknown): SaslHandshakeResponse {
    const req = body as SaslHandshakeRequest;
    const offered = ctx.sasl === null ? [] : ctx.sasl.mechanisms ?? ALL;
    if (ctx.connection.user !== null || ctx.connection.sasl !== null) {
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: offered };
    }
    const mechanism = offered.find((m) => m === req.mechanism);
    if (mechanism === undefined || ctx.sasl === null) {
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: offered };
    }
    ctx.connection.sasl = new SaslServer(mechanism, ctx.sasl);
    return { errorCode: 0, mechanisms: offered };
  },
  errorAnswer(_ctx: HandlerContext, _body: unknown, code: number): SaslHandshakeResponse {
    return { errorCode: code, mechanisms: [] };
  },
};
