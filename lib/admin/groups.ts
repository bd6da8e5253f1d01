// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Consumer groups: list (every broker, filtered by state and type), describe (classic and
 * KIP-848 groups), delete, and remove members, each group's request sent to its coordinator.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import { decodeConsumerProtocolAssignment } from "../protocol/messages/consumer_protocol_assignment.ts";
import { Reader } from "../protocol/reader.ts";
import { failed, type ItemResult, ok, settle } from "./admin_error.ts";
import { atCoordinator } from "./_coordinator.ts";
import { type AclOperation, operationsFromBits } from "./acl_types.ts";

/** A group as {@linkcode listGroups} finds it. */
export interface ListedGroup {
  /** The group id. */
  groupId: string;
  /** `consumer` for consumer groups, `""` for groups without a protocol. */
  protocolType: string;
  /** Its state, e.g. `Stable` or `Empty`. */
  state: string;
  /** Its type: `classic`, `consumer`, `share` or `streams`. */
  type: string;
  /** The broker coordinating it. */
  coordinator: number;
}

/** A member of a described group. */
export interface GroupMember {
  /** Its member id. */
  memberId: string;
  /** Its static instance id, if any. */
  instanceId: string | null;
  /** Its client id. */
  clientId: string;
  /** Its host as the coordinator saw it. */
  clientHost: string;
  /** Its assigned partitions by topic. */
  assignment: { topic: string; partitions: number[] }[];
}

/** A group as {@linkcode describeGroups} reports it. */
export interface GroupDescription {
  /** The group id. */
  groupId: string;
  /** Its state, e.g. `Stable`, `Empty`, `Dead`. */
  state: string;
  /** `classic` (JoinGroup) or `consumer` (KIP-848). */
  type: "classic" | "consumer";
  /** The protocol type (classic groups), e.g. `consumer`. */
  protocolType: string;
  /** The assignor: the classic protocol name or the KIP-848 server assignor. */
  assignor: string;
  /** The broker coordinating it. */
  coordinator: number;
  /** Its members. */
  members: GroupMember[];
  /** What the caller may do with it, when asked for. */
  authorizedOperations: AclOperation[] | null;
}

function checkGroup(what: string, id: unknown): void {
  if (typeof id !== "string" || id.length === 0) {
    throw new RangeError(
      `Cannot ${what} as a group id must be a non-empty string: current value is ${
        JSON.stringify(id)
      }`,
    );
  }
}

/**
 * Lists the groups of every broker (each lists the groups it coordinates), optionally only in
 * some states (`Stable`, `Empty`, …) or of some types (`classic`, `consumer`, …).
 *
 * @throws {AdminError} when a broker could not list its groups; its `results` hold each
 * broker's groups.
 *
 * @example
 * ```ts ignore
 * import { Client } from "../client/client.ts";
 * import { listGroups } from "./groups.ts";
 *
 * await using client = await Client.connect({ brokers: "127.0.0.1:9092" });
 * console.log(await listGroups(client, { states: ["Stable"] }));
 * ```
 */
export async function listGroups(
  client: Client,
  options: { states?: readonly string[]; types?: readonly string[] } = {},
): Promise<ListedGroup[]> {
  const meta = await client.refreshMetadata([]);
  const brokers = [...meta.brokers.keys()].sort((a, b) => a - b);
  const perBroker = await Promise.all(brokers.map(async (id) => {
    const name = `broker ${id}`;
    try {
      const res = await client.request(id, API_TABLE[16], {
        statesFilter: [...(options.states ?? [])],
        typesFilter: [...(options.types ?? [])],
      });
      if (res.errorCode !== 0) {
        return failed<ListedGroup[]>(
          name,
          new KafkaError(res.errorCode, { api: "ListGroups", broker: id }),
        );
      }
      return ok(
        name,
        res.groups.map((g) => ({
          groupId: g.groupId,
          protocolType: g.protocolType,
          state: g.groupState ?? "",
          type: g.groupType ?? "classic",
          coordinator: id,
        })),
      );
    } catch (e) {
      if (!(e instanceof KafkaError)) throw e;
      return failed<ListedGroup[]>(name, e);
    }
  }));
  return settle(perBroker).flat().sort((a, b) =>
    a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0
  );
}

function decodeAssignment(bytes: Uint8Array): { topic: string; partitions: number[] }[] {
  if (bytes.length === 0) return [];
  const r = new Reader(bytes);
  const v = r.int16();
  return decodeConsumerProtocolAssignment(r, Math.min(Math.max(v, 0), 3)).assignedPartitions
    .map((t) => ({ topic: t.topic, partitions: [...t.partitions].sort((a, b) => a - b) }));
}

/**
 * Describes groups at their coordinators: KIP-848 groups with ConsumerGroupDescribe, classic
 * ones with DescribeGroups. One result per group; a group that does not exist is `Dead` with no
 * members, as Kafka reports it.
 *
 * @example A group id must be given
 * ```ts
 * import { describeGroups } from "./groups.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(describeGroups({} as never, [""]), RangeError);
 * ```
 */
export async function describeGroups(
  client: Client,
  groupIds: readonly string[],
  options: { includeAuthorizedOperations?: boolean } = {},
): Promise<ItemResult<GroupDescription>[]> {
  for (const g of groupIds) checkGroup("describe group", g);
  const withOps = options.includeAuthorizedOperations ?? false;
  return await Promise.all(groupIds.map(async (groupId) => {
    try {
      const r = await atCoordinator<GroupDescription | string | null>(
        client,
        groupId,
        async (coordinator) => {
          const conn = await client.connection(coordinator);
          if (conn.versions.has(API_TABLE[69].info.key)) {
            const res = await conn.request(API_TABLE[69], {
              groupIds: [groupId],
              includeAuthorizedOperations: withOps,
            });
            const g = res.groups[0];
            if (g && g.errorCode === 0) {
              return {
                code: 0,
                value: {
                  groupId,
                  state: g.groupState,
                  type: "consumer" as const,
                  protocolType: "consumer",
                  assignor: g.assignorName,
                  coordinator,
                  members: g.members.map((m) => ({
                    memberId: m.memberId,
                    instanceId: m.instanceId ?? null,
                    clientId: m.clientId,
                    clientHost: m.clientHost,
                    assignment: m.assignment.topicPartitions.map((t) => ({
                      topic: t.topicName,
                      partitions: [...t.partitions].sort((a, b) => a - b),
                    })),
                  })),
                  authorizedOperations: withOps && g.authorizedOperations !== undefined &&
                      g.authorizedOperations !== -2147483648
                    ? operationsFromBits(g.authorizedOperations)
                    : null,
                },
              };
            }
            // A classic group (or none) is GROUP_ID_NOT_FOUND here: DescribeGroups tells.
            if (g && g.errorCode !== ErrorCode.GROUP_ID_NOT_FOUND) {
              return { code: g.errorCode, value: g.errorMessage ?? null };
            }
          }
          const res = await conn.request(API_TABLE[15], {
            groups: [groupId],
            includeAuthorizedOperations: withOps,
          });
          const g = res.groups[0];
          if (!g) return { code: ErrorCode.UNKNOWN_SERVER_ERROR, value: null };
          if (g.errorCode !== 0) return { code: g.errorCode, value: null };
          return {
            code: 0,
            value: {
              groupId,
              state: g.groupState,
              type: "classic" as const,
              protocolType: g.protocolType,
              assignor: g.protocolData,
              coordinator,
              members: g.members.map((m) => ({
                memberId: m.memberId,
                instanceId: m.groupInstanceId ?? null,
                clientId: m.clientId,
                clientHost: m.clientHost,
                assignment: g.protocolType === "consumer"
                  ? decodeAssignment(m.memberAssignment)
                  : [],
              })),
              authorizedOperations: withOps && g.authorizedOperations !== undefined &&
                  g.authorizedOperations !== -2147483648
                ? operationsFromBits(g.authorizedOperations)
                : null,
            },
          };
        },
      );
      if (r.code !== 0 || r.value === null || typeof r.value === "string") {
        return failed<GroupDescription>(
          groupId,
          new KafkaError(r.code || ErrorCode.UNKNOWN_SERVER_ERROR, {
            api: "DescribeGroups",
            detail: `group ${groupId}${typeof r.value === "string" ? `: ${r.value}` : ""}`,
          }),
        );
      }
      return ok(groupId, r.value);
    } catch (e) {
      if (!(e instanceof KafkaError)) throw e;
      return failed<GroupDescription>(groupId, e);
    }
  }));
}

/**
 * Deletes groups (they must be empty), one result per group, e.g. `NON_EMPTY_GROUP` or
 * `GROUP_ID_NOT_FOUND`.
 *
 * @example A group id must be given
 * ```ts
 * import { deleteGroups } from "./groups.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(deleteGroups({} as never, [""]), RangeError);
 * ```
 */
export async function deleteGroups(
  client: Client,
  groupIds: readonly string[],
): Promise<ItemResult<string>[]> {
  for (const g of groupIds) checkGroup("delete group", g);
  return await Promise.all(groupIds.map(async (groupId) => {
    try {
      const r = await atCoordinator(client, groupId, async (coordinator) => {
        const res = await client.request(coordinator, API_TABLE[42], { groupsNames: [groupId] });
        return {
          code: res.results.find((x) => x.groupId === groupId)?.errorCode ??
            ErrorCode.UNKNOWN_SERVER_ERROR,
          value: groupId,
        };
      });
      return r.code === 0 ? ok(groupId, groupId) : failed<string>(
        groupId,
        new KafkaError(r.code, { api: "DeleteGroups", detail: `group ${groupId}` }),
      );
    } catch (e) {
      if (!(e instanceof KafkaError)) throw e;
      return failed<string>(groupId, e);
    }
  }));
}

/**
 * Removes members from a classic group by group instance id (static members) or member id
 * (LeaveGroup v3+), one result per member.
 *
 * @example A member needs an id
 * ```ts
 * import { removeMembers } from "./groups.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(removeMembers({} as never, "g", [{}]), RangeError);
 * ```
 */
export async function removeMembers(
  client: Client,
  groupId: string,
  members: readonly { memberId?: string; instanceId?: string }[],
  options: { reason?: string } = {},
): Promise<ItemResult<string>[]> {
  checkGroup("remove members", groupId);
  for (const m of members) {
    if (!(m?.memberId || m?.instanceId)) {
      throw new RangeError(
        `Cannot remove a member of "${groupId}" as it needs a memberId or an instanceId`,
      );
    }
  }
  const name = (m: { memberId?: string; instanceId?: string }): string =>
    m.instanceId ?? m.memberId ?? "";
  const r = await atCoordinator(client, groupId, async (coordinator) => {
    const res = await client.request(coordinator, API_TABLE[13], {
      groupId,
      members: members.map((m) => ({
        memberId: m.memberId ?? "",
        groupInstanceId: m.instanceId ?? null,
        reason: options.reason ?? "removed by kanal admin",
      })),
    });
    return { code: res.errorCode, value: res.members ?? [] };
  });
  return members.map((m, i) => {
    const answered = r.value.find((x) =>
      m.instanceId ? x.groupInstanceId === m.instanceId : x.memberId === m.memberId
    ) ?? r.value[i];
    const code = r.code !== 0 ? r.code : answered?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    return code === 0 ? ok(name(m), name(m)) : failed<string>(
      name(m),
      new KafkaError(code, { api: "LeaveGroup", detail: `group ${groupId}, member ${name(m)}` }),
    );
  });
}
