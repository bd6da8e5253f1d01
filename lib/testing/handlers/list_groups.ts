// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * ListGroups (key 16): the groups this broker coordinates, filtered by state (v4+) and type
 * (v5+).
 *
 * @module
 */

import type { ListGroupsRequest, ListGroupsResponse } from "../../protocol/messages/list_groups.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";

/** Answers ListGroups. */
export const listGroupsHandler: FakeHandler = {
  key: 16,
  handle(ctx: HandlerContext, body: unknown): ListGroupsResponse {
    const req = body as ListGroupsRequest;
    const states = (req.statesFilter ?? []).map((s) => s.toLowerCase());
    const types = (req.typesFilter ?? []).map((s) => s.toLowerCase());
    const groups: ListGroupsResponse["groups"] = [];
    for (const g of ctx.groups.groups.values()) {
      if (ctx.state.coordinatorFor(g.groupId, 0) !== ctx.broker.id) continue;
      // Offsets of a consumer group are kept with the classic groups; list it once, below.
      if (ctx.consumerGroups.groups.has(g.groupId)) continue;
      if (states.length > 0 && !states.includes(g.state.toLowerCase())) continue;
      if (types.length > 0 && !types.includes("classic")) continue;
      groups.push({
        groupId: g.groupId,
        protocolType: g.protocolType ?? "",
        groupState: ctx.version >= 4 ? g.state : undefined,
        groupType: ctx.version >= 5 ? "classic" : undefined,
      });
    }
    for (const g of ctx.consumerGroups.groups.values()) {
      if (ctx.state.coordinatorFor(g.groupId, 0) !== ctx.broker.id) continue;
      const state = g.members.size === 0 ? "Empty" : "Stable";
      if (states.length > 0 && !states.includes(state.toLowerCase())) continue;
      if (types.length > 0 && !types.includes("consumer")) continue;
      groups.push({
        groupId: g.groupId,
        protocolType: "consumer",
        groupState: ctx.version >= 4 ? state : undefined,
        groupType: ctx.version >= 5 ? "consumer" : undefined,
      });
    }
    return { throttleTimeMs: 0, errorCode: 0, groups };
  },
};
