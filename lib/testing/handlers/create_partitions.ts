// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * CreatePartitions (key 37): grows topics to a new partition count.
 *
 * @module
 */

import { ErrorCode } from "../../protocol/error_codes.ts";
import type {
  CreatePartitionsRequest,
  CreatePartitionsResponse,
} from "../../protocol/messages/create_partitions.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";

/** Answers CreatePartitions. */
export const createPartitionsHandler: FakeHandler = {
  key: 37,
  handle(ctx: HandlerContext, body: unknown): CreatePartitionsResponse {
    const req = body as CreatePartitionsRequest;
    return {
      throttleTimeMs: 0,
      results: req.topics.map((t) => {
        const topic = ctx.state.topics.get(t.name);
        if (topic === undefined) {
          return {
            name: t.name,
            errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            errorMessage: `The topic '${t.name}' does not exist.`,
          };
        }
        const have = topic.partitions.length;
        if (t.count <= have) {
          return {
            name: t.name,
            errorCode: ErrorCode.INVALID_PARTITIONS,
            errorMessage: t.count === have
              ? `Topic already has ${have} partitions.`
              : `The topic ${t.name} currently has ${have} partition(s); ${t.count} would not be an increase.`,
          };
        }
        if (!req.validateOnly) ctx.state.addPartitions(topic, t.count);
        return { name: t.name, errorCode: 0, errorMessage: null };
      }),
    };
  },
  errorAnswer(_ctx: HandlerContext, body: unknown, code: number): CreatePartitionsResponse {
    const req = body as CreatePartitionsRequest;
    return {
      throttleTimeMs: 0,
      results: req.topics.map((t) => ({ name: t.name, errorCode: code, errorMessage: null })),
    };
  },
};
