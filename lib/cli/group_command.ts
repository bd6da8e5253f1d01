// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * `kanal group list|describe|delete|seek|lag`, shaped like rpk's.
 *
 * @module
 */

import {
  alterGroupOffsets,
  deleteGroupOffsets,
  groupLag,
  listGroupOffsets,
} from "../admin/group_offsets.ts";
import { deleteGroups, describeGroups, listGroups, removeMembers } from "../admin/groups.ts";
import { listOffsets, type OffsetSpec } from "../admin/records.ts";
import { describeTopics } from "../admin/topics.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { UsageError } from "./args.ts";
import type { Command } from "./command.ts";
import { adminCommand, need, resultsJson, type Subcommand } from "./_admin_output.ts";

const list: Subcommand = {
  name: "list",
  usage: "[--state STATE]... [--type TYPE]...",
  summary: "List groups, optionally by state (Stable, Empty, …) and type (classic, consumer, …)",
  async run(admin, args, _rest, out) {
    const groups = await listGroups(admin.client, {
      states: args.all("state"),
      types: args.all("type"),
    });
    await out.print(
      ["GROUP", "STATE", "TYPE", "COORDINATOR"],
      groups.map((g) => [g.groupId, g.state, g.type, g.coordinator]),
      groups,
    );
  },
};

const describe: Subcommand = {
  name: "describe",
  usage: "GROUP...",
  summary: "Describe groups: state, members and each partition's committed offset and lag",
  async run(admin, _args, rest, out) {
    const results = await describeGroups(admin.client, need(rest, "group"));
    const json: unknown[] = [];
    for (const { value: g } of await out.settle(results)) {
      let lag: Awaited<ReturnType<typeof groupLag>> = [];
      try {
        lag = await groupLag(admin.client, g.groupId);
      } catch (e) {
        if (!(e instanceof KafkaError)) throw e;
        await out.fail(g.groupId, e);
      }
      const owner = new Map<string, string>();
      for (const m of g.members) {
        for (const a of m.assignment) {
          for (const p of a.partitions) owner.set(`${a.topic}\0${p}`, m.memberId);
        }
      }
      json.push({ ...g, offsets: lag });
      await out.line(
        `GROUP ${g.groupId}  STATE ${g.state}  TYPE ${g.type}  ASSIGNOR ${
          g.assignor || "-"
        }  COORDINATOR ${g.coordinator}  MEMBERS ${g.members.length}`,
      );
      if (!out.json) {
        await out.print(
          ["TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "MEMBER-ID"],
          lag.map((l) => [
            l.topic,
            l.partition,
            l.committed,
            l.end,
            l.lag,
            owner.get(`${l.topic}\0${l.partition}`) ?? null,
          ]),
          null,
        );
        if (g.members.length > 0) {
          await out.print(
            ["MEMBER-ID", "CLIENT-ID", "HOST", "ASSIGNMENT"],
            g.members.map((m) => [
              m.memberId,
              m.clientId,
              m.clientHost,
              m.assignment.map((a) => `${a.topic}:${a.partitions.join(",")}`).join(" "),
            ]),
            null,
          );
        }
      }
    }
    if (out.json) await out.print([], [], json);
  },
};

const remove: Subcommand = {
  name: "delete",
  usage: "GROUP...",
  summary: "Delete empty groups",
  async run(admin, _args, rest, out) {
    const results = await deleteGroups(admin.client, need(rest, "group"));
    const ok = await out.settle(results);
    await out.print(["GROUP", "STATUS"], ok.map((r) => [r.name, "deleted"]), resultsJson(results));
  },
};

const seek: Subcommand = {
  name: "seek",
  usage: "GROUP --to earliest|latest|OFFSET|@TIMESTAMP_MS [-t TOPIC]...",
  summary: "Set an empty group's committed offsets (for TOPICs, or what it committed for)",
  async run(admin, args, rest, out) {
    const [group] = need(rest, "group");
    const to = args.get("to");
    if (to === undefined) throw new UsageError("Cannot seek as --to is needed");
    const topics = args.all("topic");
    const partitions = topics.length > 0
      ? (await out.settle(await describeTopics(admin.client, topics))).flatMap((t) =>
        t.value.partitions.map((p) => ({ topic: t.name, partition: p.partition }))
      )
      : (await listGroupOffsets(admin.client, group!)).map((o) => ({
        topic: o.topic,
        partition: o.partition,
      }));
    let targets: { topic: string; partition: number; offset: number }[];
    if (/^\d+$/.test(to)) {
      targets = partitions.map((p) => ({ ...p, offset: Number(to) }));
    } else {
      let spec: OffsetSpec;
      if (to === "earliest" || to === "start") spec = "earliest";
      else if (to === "latest" || to === "end") spec = "latest";
      else if (/^@\d+$/.test(to)) spec = Number(to.slice(1));
      else {
        throw new UsageError(
          `Cannot seek as --to must be earliest, latest, an offset or @TIMESTAMP_MS: current value is "${to}"`,
        );
      }
      const found = await out.settle(
        await listOffsets(admin.client, partitions.map((p) => ({ ...p, spec }))),
      );
      // No record at or after the timestamp: the end, as Kafka's tools do.
      const ends = typeof spec === "number"
        ? await out.settle(
          await listOffsets(
            admin.client,
            found.filter((f) => f.value.offset < 0).map((f) => ({ ...f.value, spec: "latest" })),
          ),
        )
        : [];
      const end = new Map(ends.map((e) => [e.name, e.value.offset]));
      targets = found.map((f) => ({
        topic: f.value.topic,
        partition: f.value.partition,
        offset: f.value.offset >= 0 ? f.value.offset : end.get(f.name) ?? 0,
      }));
    }
    if (targets.length === 0) {
      throw new UsageError("Cannot seek as no partition is known: name topics with -t");
    }
    const results = await alterGroupOffsets(admin.client, group!, targets);
    const ok = await out.settle(results);
    await out.print(
      ["TOPIC", "PARTITION", "OFFSET"],
      ok.map(({ value: v }) => [v.topic, v.partition, v.offset]),
      resultsJson(results),
    );
  },
};

const lag: Subcommand = {
  name: "lag",
  usage: "GROUP...",
  summary: "Each partition's committed offset, end offset and lag",
  async run(admin, _args, rest, out) {
    const rows: unknown[][] = [];
    const json: unknown[] = [];
    for (const group of need(rest, "group")) {
      try {
        const lags = await groupLag(admin.client, group);
        for (const l of lags) rows.push([group, l.topic, l.partition, l.committed, l.end, l.lag]);
        json.push({
          group,
          partitions: lags,
          total: lags.reduce((a, l) => a + Math.max(0, l.lag), 0),
        });
      } catch (e) {
        if (!(e instanceof KafkaError)) throw e;
        await out.fail(group, e);
      }
    }
    await out.print(["GROUP", "TOPIC", "PARTITION", "COMMITTED", "END", "LAG"], rows, json);
  },
};

const deleteOffsets: Subcommand = {
  name: "delete-offsets",
  usage: "GROUP -t TOPIC... [-p PARTITION]...",
  summary: "Delete a group's committed offsets for topics it no longer consumes",
  async run(admin, args, rest, out) {
    const [group] = need(rest, "group");
    const topics = args.all("topic");
    if (topics.length === 0) {
      throw new UsageError("Cannot delete offsets as no topic is given: use -t");
    }
    const only = args.all("partition").map(Number);
    const committed = await listGroupOffsets(admin.client, group!);
    const parts = committed.filter((c) =>
      topics.includes(c.topic) && (only.length === 0 || only.includes(c.partition))
    ).map((c) => ({ topic: c.topic, partition: c.partition }));
    const results = await deleteGroupOffsets(
      admin.client,
      group!,
      parts.length > 0
        ? parts
        : topics.flatMap((topic) =>
          (only.length ? only : [0]).map((partition) => ({ topic, partition }))
        ),
    );
    const ok = await out.settle(results);
    await out.print(
      ["TOPIC", "PARTITION", "STATUS"],
      ok.map(({ value: p }) => [p.topic, p.partition, "deleted"]),
      resultsJson(results),
    );
  },
};

const removeMembersSub: Subcommand = {
  name: "remove-members",
  usage: "GROUP --instance ID... | --member ID...",
  summary: "Remove members from a classic group, by static instance id or member id",
  async run(admin, args, rest, out) {
    const [group] = need(rest, "group");
    const members = [
      ...args.all("instance").map((instanceId) => ({ instanceId })),
      ...args.all("member").map((memberId) => ({ memberId })),
    ];
    if (members.length === 0) {
      throw new UsageError("Cannot remove members as none is given: use --instance or --member");
    }
    const results = await removeMembers(admin.client, group!, members);
    const ok = await out.settle(results);
    await out.print(["MEMBER", "STATUS"], ok.map((r) => [r.name, "removed"]), resultsJson(results));
  },
};

/**
 * `kanal group …`: list, describe, delete, seek, lag, delete-offsets, remove-members.
 *
 * @example The subcommands
 * ```ts
 * import { groupCommand } from "./group_command.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(groupCommand.usage, /kanal group seek GROUP --to/);
 * ```
 */
export const groupCommand: Command = adminCommand("group", "Manage consumer groups", [
  {
    name: "state",
    value: "STATE",
    repeatable: true,
    description: "list: only groups in this state",
  },
  { name: "type", value: "TYPE", repeatable: true, description: "list: only groups of this type" },
  { name: "to", value: "WHERE", description: "seek: earliest, latest, an offset or @TIMESTAMP_MS" },
  {
    name: "topic",
    short: "t",
    value: "TOPIC",
    repeatable: true,
    description: "seek, delete-offsets: the topics",
  },
  {
    name: "partition",
    short: "p",
    value: "N",
    repeatable: true,
    description: "delete-offsets: only these partitions",
  },
  {
    name: "instance",
    value: "ID",
    repeatable: true,
    description: "remove-members: a static member's instance id",
  },
  { name: "member", value: "ID", repeatable: true, description: "remove-members: a member id" },
], [list, describe, remove, seek, lag, deleteOffsets, removeMembersSub]);
