// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * DescribeGroups (key 15): each group's state, protocol and members.
 *
 * @module
 */

import { ErrorCode } from "../../protocol/error_codes.ts";
import type {
  DescribeGroupsRequest,
  DescribeGroupsResponse,
} from "../../protocol/messages/describe_groups.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";
import { coordinatorError } from "./_group_check.ts";

/** Answers DescribeGroups. */
export const describeGroupsHandler: FakeHandler = {
  key: 15,
  handle(ctx: HandlerContext, body: unknown): DescribeGroupsResponse {
    const req = body as DescribeGroupsRequest;
    return {
      throttleTimeMs: 0,
      groups: req.groups.map((groupId) => {
        const errorCode = coordinatorError(ctx, groupId);
        const g = errorCode === 0 ? ctx.groups.groups.get(groupId) : undefined;
        if (g === undefined) {
          return {
            // Kafka 4 answers an unknown group as Dead with no error below v6.
            errorCode: errorCode || (ctx.version >= 6 ? ErrorCode.GROUP_ID_NOT_FOUND : 0),
            groupId,
            groupState: "Dead",
            protocolType: "",
            protocolData: "",
            members: [],
            authorizedOperations: -2147483648,
          };
        }
        const stable = g.state === "Stable";
        return {
          errorCode: 0,
          groupId,
          groupState: g.state,
          protocolType: g.protocolType ?? "",
          protocolData: stable ? g.protocolName ?? "" : "",
          members: [...g.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: ctx.version >= 4 ? m.groupInstanceId : undefined,
            clientId: m.clientId,
            clientHost: "/127.0.0.1",
            memberMetadata: stable
              ? m.protocols.find((p) => p.name === g.protocolName)?.metadata ?? new Uint8Array(0)
              : new Uint8Array(0),
            memberAssignment: stable ? m.assignment : new Uint8Array(0),
          })),
          authorizedOperations: -2147483648,
        };
      }),
    };
  },
};
