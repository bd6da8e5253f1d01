// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * OffsetForLeaderEpoch (key 23): where a leader epoch ended in the leader's log, so a client
 * can detect that the log it read was truncated (KIP-320).
 *
 * @module
 */

import { ErrorCode } from "../../protocol/error_codes.ts";
import type {
  OffsetForLeaderEpochRequest,
  OffsetForLeaderEpochResponse,
} from "../../protocol/messages/offset_for_leader_epoch.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";

/** Answers OffsetForLeaderEpoch. */
export const offsetForLeaderEpochHandler: FakeHandler = {
  key: 23,
  handle(ctx: HandlerContext, body: unknown): OffsetForLeaderEpochResponse {
    const req = body as OffsetForLeaderEpochRequest;
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((rp) => {
          const p = ctx.state.topics.get(t.topic)?.partitions[rp.partition];
          const fail = (errorCode: number) => ({
            errorCode,
            partition: rp.partition,
            leaderEpoch: -1,
            endOffset: -1n,
          });
          if (p === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          if (p.leader !== ctx.broker.id) return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER);
          const current = rp.currentLeaderEpoch ?? -1;
          if (current >= 0 && current < p.leaderEpoch) return fail(ErrorCode.FENCED_LEADER_EPOCH);
          if (current > p.leaderEpoch) return fail(ErrorCode.UNKNOWN_LEADER_EPOCH);
          if (rp.leaderEpoch > p.leaderEpoch) return fail(0);
          const end = p.log.endOffsetFor(rp.leaderEpoch, p.leaderEpoch);
          return {
            errorCode: 0,
            partition: rp.partition,
            leaderEpoch: end.epoch,
            endOffset: end.endOffset,
          };
        }),
      })),
    };
  },
};
