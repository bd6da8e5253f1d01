// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * OffsetCommit (key 8): stores a group's offsets, with the classic coordinator's checks of
 * member id and generation (a commit at generation -1 only for a group without members).
 *
 * @module
 */

import { ErrorCode } from "../../protocol/error_codes.ts";
import type {
  OffsetCommitRequest,
  OffsetCommitResponse,
} from "../../protocol/messages/offset_commit.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";
import { coordinatorError } from "./_group_check.ts";

/** Kafka's `offset.metadata.max.bytes`. */
const MAX_METADATA = 4096;

function answer(
  req: OffsetCommitRequest,
  code: (t: string, p: number) => number,
): OffsetCommitResponse {
  return {
    throttleTimeMs: 0,
    // Named below v10, the most the fake offers.
    topics: req.topics.map(({ name = "", partitions }) => ({
      name,
      partitions: partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: code(name, p.partitionIndex),
      })),
    })),
  };
}

/** Answers OffsetCommit. */
export const offsetCommitHandler: FakeHandler = {
  key: 8,
  handle(ctx: HandlerContext, body: unknown): OffsetCommitResponse {
    const req = body as OffsetCommitRequest;
    const groupError = coordinatorError(ctx, req.groupId) ||
      (req.groupId === "" ? ErrorCode.INVALID_GROUP_ID : 0) ||
      (ctx.consumerGroups.checkMember(
        req.groupId,
        req.memberId ?? "",
        req.generationIdOrMemberEpoch ?? -1,
      ) ??
        ctx.groups.checkCommit(
          req.groupId,
          req.memberId ?? "",
          req.generationIdOrMemberEpoch ?? -1,
        ));
    if (groupError !== 0) return answer(req, () => groupError);
    const byKey = new Map(
      req.topics.flatMap((t) => t.partitions.map((p) => [`${t.name}\0${p.partitionIndex}`, p])),
    );
    return answer(req, (topic, partition) => {
      const p = byKey.get(`${topic}\0${partition}`)!;
      if (ctx.state.topics.get(topic)?.partitions[partition] === undefined) {
        return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      }
      if ((p.committedMetadata?.length ?? 0) > MAX_METADATA) {
        return ErrorCode.OFFSET_METADATA_TOO_LARGE;
      }
      ctx.groups.commit(req.groupId, topic, partition, {
        offset: p.committedOffset,
        leaderEpoch: p.committedLeaderEpoch ?? -1,
        metadata: p.committedMetadata,
      });
      return 0;
    });
  },
  errorAnswer(_ctx: HandlerContext, body: unknown, code: number): OffsetCommitResponse {
    return answer(body as OffsetCommitRequest, () => code);
  },
};
