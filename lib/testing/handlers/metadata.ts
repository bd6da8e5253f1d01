// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Metadata (key 3): the running brokers, the controller and the topics asked for, creating
 * unknown ones when auto-creation is on and the request allows it.
 *
 * @module
 */

import { ErrorCode } from "../../protocol/error_codes.ts";
import type {
  MetadataRequest,
  MetadataResponse,
  MetadataResponseTopic,
} from "../../protocol/messages/metadata.ts";
import { ZERO_UUID } from "../../protocol/uuid.ts";
import type { ClusterState, FakeTopic } from "../cluster_state.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";

/** The Metadata entry for one topic. */
export function topicMetadata(state: ClusterState, t: FakeTopic): MetadataResponseTopic {
  return {
    errorCode: 0,
    name: t.name,
    topicId: t.id,
    isInternal: false,
    topicAuthorizedOperations: -2147483648,
    partitions: t.partitions.map((p) => {
      const live = p.replicas.filter((r) => state.brokers.get(r)?.running);
      return {
        errorCode: p.leader === -1 ? ErrorCode.LEADER_NOT_AVAILABLE : 0,
        partitionIndex: p.index,
        leaderId: p.leader,
        leaderEpoch: p.leaderEpoch,
        replicaNodes: p.replicas,
        isrNodes: live,
        offlineReplicas: p.replicas.filter((r) => !live.includes(r)),
      };
    }),
  };
}

/** Answers Metadata. */
export const metadataHandler: FakeHandler = {
  key: 3,
  handle(ctx: HandlerContext, body: unknown): MetadataResponse {
    const req = body as MetadataRequest;
    const { state, version } = ctx;
    const all = req.topics === null || (version === 0 && req.topics.length === 0);
    const topics: MetadataResponseTopic[] = [];
    if (all) {
      for (const t of state.topics.values()) topics.push(topicMetadata(state, t));
    } else {
      const create = version < 4 || (req.allowAutoTopicCreation ?? true);
      for (const want of req.topics!) {
        const byId = want.topicId !== undefined && want.topicId !== ZERO_UUID;
        const t = byId ? state.topicsById.get(want.topicId!) : state.topic(want.name ?? "", create);
        if (t !== undefined) {
          topics.push(topicMetadata(state, t));
          continue;
        }
        const bad = !byId && !/^[a-zA-Z0-9._-]{1,249}$/.test(want.name ?? "");
        topics.push({
          errorCode: byId
            ? ErrorCode.UNKNOWN_TOPIC_ID
            : bad
            ? ErrorCode.INVALID_TOPIC_EXCEPTION
            : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          name: want.name,
          topicId: want.topicId ?? ZERO_UUID,
          isInternal: false,
          partitions: [],
          topicAuthorizedOperations: -2147483648,
        });
      }
    }
    return {
      throttleTimeMs: 0,
      brokers: [...state.brokers.values()].filter((b) => b.running).map((b) => ({
        nodeId: b.id,
        host: b.host,
        port: b.port,
        rack: b.rack,
      })),
      clusterId: state.clusterId,
      controllerId: state.controllerId,
      topics,
      clusterAuthorizedOperations: -2147483648,
    };
  },
  errorAnswer(ctx: HandlerContext, body: unknown, code: number): MetadataResponse {
    // Answered without looking topics up, so nothing is auto-created.
    const req = body as MetadataRequest;
    return {
      throttleTimeMs: 0,
      brokers: [...ctx.state.brokers.values()].filter((b) => b.running).map((b) => ({
        nodeId: b.id,
        host: b.host,
        port: b.port,
        rack: b.rack,
      })),
      clusterId: ctx.state.clusterId,
      controllerId: ctx.state.controllerId,
      topics: (req.topics ?? []).map((t) => ({
        errorCode: code,
        name: t.name,
        topicId: t.topicId ?? ZERO_UUID,
        isInternal: false,
        partitions: [],
        topicAuthorizedOperations: -2147483648,
      })),
      clusterAuthorizedOperations: -2147483648,
    };
  },
};
