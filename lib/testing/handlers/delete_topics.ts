// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * DeleteTopics (key 20): deletes topics by name (v0-5) or by name or id (v6+).
 *
 * @module
 */

import { ErrorCode } from "../../protocol/error_codes.ts";
import type {
  DeleteTopicsRequest,
  DeleteTopicsResponse,
  DeleteTopicsResponseDeletableTopicResult,
} from "../../protocol/messages/delete_topics.ts";
import { ZERO_UUID } from "../../protocol/uuid.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";

function wanted(req: DeleteTopicsRequest, version: number): { name: string | null; id: string }[] {
  if (version >= 6) {
    return (req.topics ?? []).map((t) => ({ name: t.name ?? null, id: t.topicId }));
  }
  return (req.topicNames ?? []).map((name) => ({ name, id: ZERO_UUID }));
}

/** Answers DeleteTopics. */
export const deleteTopicsHandler: FakeHandler = {
  key: 20,
  handle(ctx: HandlerContext, body: unknown): DeleteTopicsResponse {
    const req = body as DeleteTopicsRequest;
    const { state } = ctx;
    const responses: DeleteTopicsResponseDeletableTopicResult[] = [];
    for (const w of wanted(req, ctx.version)) {
      const byId = w.id !== ZERO_UUID;
      const t = byId ? state.topicsById.get(w.id) : state.topics.get(w.name ?? "");
      if (t === undefined) {
        responses.push({
          name: w.name,
          topicId: w.id,
          errorCode: byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          errorMessage: null,
        });
        continue;
      }
      state.deleteTopic(t);
      responses.push({ name: t.name, topicId: t.id, errorCode: 0, errorMessage: null });
    }
    return { throttleTimeMs: 0, responses };
  },
  errorAnswer(ctx: HandlerContext, body: unknown, code: number): DeleteTopicsResponse {
    const req = body as DeleteTopicsRequest;
    return {
      throttleTimeMs: 0,
      responses: wanted(req, ctx.version).map((w) => ({
        name: w.name,
        topicId: w.id,
        errorCode: code,
        errorMessage: null,
      })),
    };
  },
};
