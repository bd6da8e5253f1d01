// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * DeleteRecords (key 21): moves partitions' log start up (offset -1: to the high watermark).
 *
 * @module
 */

import { ErrorCode } from "../../protocol/error_codes.ts";
import type {
  DeleteRecordsRequest,
  DeleteRecordsResponse,
} from "../../protocol/messages/delete_records.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";

/** Answers DeleteRecords. */
export const deleteRecordsHandler: FakeHandler = {
  key: 21,
  handle(ctx: HandlerContext, body: unknown): DeleteRecordsResponse {
    const req = body as DeleteRecordsRequest;
    const res: DeleteRecordsResponse = {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((rp) => {
          const p = ctx.state.topics.get(t.name)?.partitions[rp.partitionIndex];
          const fail = (errorCode: number) => ({
            partitionIndex: rp.partitionIndex,
            lowWatermark: -1n,
            errorCode,
          });
          if (p === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          if (p.leader !== ctx.broker.id) return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER);
          const target = rp.offset === -1n ? p.log.highWatermark : rp.offset;
          if (target < 0n || target > p.log.highWatermark) {
            return fail(ErrorCode.OFFSET_OUT_OF_RANGE);
          }
          return {
            partitionIndex: rp.partitionIndex,
            lowWatermark: p.log.deleteBefore(target),
            errorCode: 0,
          };
        }),
      })),
    };
    ctx.state.notify();
    return res;
  },
  errorAnswer(_ctx: HandlerContext, body: unknown, code: number): DeleteRecordsResponse {
    const req = body as DeleteRecordsRequest;
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          lowWatermark: -1n,
          errorCode: code,
        })),
      })),
    };
  },
};
