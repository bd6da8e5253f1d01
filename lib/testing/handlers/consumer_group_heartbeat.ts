// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * ConsumerGroupHeartbeat (key 68, KIP-848): a member's subscription in, its share of the
 * server-side assignment out.
 *
 * @module
 */

import type {
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
} from "../../protocol/messages/consumer_group_heartbeat.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";
import { coordinatorError } from "./_group_check.ts";

/** How often members are asked to heartbeat: short, so tests converge quickly. */
const HEARTBEAT_INTERVAL_MS = 500;

/** Answers ConsumerGroupHeartbeat. */
export const consumerGroupHeartbeatHandler: FakeHandler = {
  key: 68,
  handle(ctx: HandlerContext, body: unknown): ConsumerGroupHeartbeatResponse {
    const req = body as ConsumerGroupHeartbeatRequest;
    const denied = coordinatorError(ctx, req.groupId);
    if (denied !== 0) {
      return {
        throttleTimeMs: 0,
        errorCode: denied,
        errorMessage: null,
        memberId: null,
        memberEpoch: -1,
        heartbeatIntervalMs: 0,
        assignment: null,
      };
    }
    const r = ctx.consumerGroups.heartbeat({
      groupId: req.groupId,
      memberId: req.memberId,
      memberEpoch: req.memberEpoch,
      instanceId: req.instanceId ?? null,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs ?? -1,
      subscribedTopicNames: req.subscribedTopicNames ?? null,
      serverAssignor: req.serverAssignor ?? null,
      topicPartitions: req.topicPartitions ?? null,
    });
    return {
      throttleTimeMs: 0,
      errorCode: r.errorCode,
      errorMessage: r.errorMessage,
      memberId: r.memberId,
      memberEpoch: r.memberEpoch,
      heartbeatIntervalMs: r.errorCode === 0 ? HEARTBEAT_INTERVAL_MS : 0,
      assignment: r.assignment === null ? null : { topicPartitions: r.assignment },
    };
  },
  errorAnswer(_ctx: HandlerContext, _body: unknown, code: number): ConsumerGroupHeartbeatResponse {
    return {
      throttleTimeMs: 0,
      errorCode: code,
      errorMessage: null,
      memberId: null,
      memberEpoch: -1,
      heartbeatIntervalMs: 0,
      assignment: null,
    };
  },
};
