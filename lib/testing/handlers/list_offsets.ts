// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * ListOffsets (key 2): the earliest (-2), latest (-1), max-timestamp (-3), earliest-local (-4)
 * and latest-tiered (-5) offsets, and the first offset at or after a timestamp.
 *
 * @module
 */

import { ErrorCode } from "../../protocol/error_codes.ts";
import type {
  ListOffsetsRequest,
  ListOffsetsResponse,
  ListOffsetsResponsePartitionResponse,
} from "../../protocol/messages/list_offsets.ts";
import { decodeRecordBatches } from "../../protocol/record_batch_decoder.ts";
import type { FakePartition } from "../cluster_state.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";

async function lookup(
  p: FakePartition,
  timestamp: bigint,
  readCommitted: boolean,
): Promise<{ offset: bigint; timestamp: bigint; epoch: number }> {
  const log = p.log;
  if (timestamp === -1n || timestamp === -5n) {
    const end = readCommitted ? log.lastStableOffset : log.highWatermark;
    return { offset: end, timestamp: -1n, epoch: p.leaderEpoch };
  }
  if (timestamp === -2n || timestamp === -4n) {
    return { offset: log.logStartOffset, timestamp: -1n, epoch: p.leaderEpoch };
  }
  if (timestamp === -3n) {
    let best: { offset: bigint; timestamp: bigint; epoch: number } = {
      offset: -1n,
      timestamp: -1n,
      epoch: -1,
    };
    for (const b of log.batches) {
      if (b.control || b.maxTimestamp <= best.timestamp) continue;
      const { batches } = await decodeRecordBatches(b.bytes);
      for (const r of batches[0]?.records ?? []) {
        if (BigInt(r.timestamp) === b.maxTimestamp) {
          best = { offset: BigInt(r.offset), timestamp: b.maxTimestamp, epoch: b.leaderEpoch };
          break;
        }
      }
    }
    return best;
  }
  for (const b of log.batches) {
    if (b.control || b.maxTimestamp < timestamp) continue;
    const { batches } = await decodeRecordBatches(b.bytes);
    for (const r of batches[0]?.records ?? []) {
      if (BigInt(r.timestamp) >= timestamp && BigInt(r.offset) >= log.logStartOffset) {
        return { offset: BigInt(r.offset), timestamp: BigInt(r.timestamp), epoch: b.leaderEpoch };
      }
    }
  }
  return { offset: -1n, timestamp: -1n, epoch: -1 };
}

/** Answers ListOffsets. */
export const listOffsetsHandler: FakeHandler = {
  key: 2,
  async handle(ctx: HandlerContext, body: unknown): Promise<ListOffsetsResponse> {
    const req = body as ListOffsetsRequest;
    const topics: ListOffsetsResponse["topics"] = [];
    for (const t of req.topics) {
      const topic = ctx.state.topics.get(t.name);
      const partitions: ListOffsetsResponsePartitionResponse[] = [];
      for (const rp of t.partitions) {
        const out: ListOffsetsResponsePartitionResponse = {
          partitionIndex: rp.partitionIndex,
          errorCode: 0,
          timestamp: -1n,
          offset: -1n,
          leaderEpoch: -1,
        };
        partitions.push(out);
        const p = topic?.partitions[rp.partitionIndex];
        const epoch = rp.currentLeaderEpoch ?? -1;
        if (p === undefined) out.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        else if (p.leader !== ctx.broker.id) out.errorCode = ErrorCode.NOT_LEADER_OR_FOLLOWER;
        else if (epoch >= 0 && epoch < p.leaderEpoch) out.errorCode = ErrorCode.FENCED_LEADER_EPOCH;
        else if (epoch > p.leaderEpoch) out.errorCode = ErrorCode.UNKNOWN_LEADER_EPOCH;
        else {
          const found = await lookup(p, rp.timestamp, (req.isolationLevel ?? 0) === 1);
          out.offset = found.offset;
          out.timestamp = found.timestamp;
          if (ctx.version >= 4) out.leaderEpoch = found.epoch;
        }
      }
      topics.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, topics };
  },
};
