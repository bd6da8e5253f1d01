// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * `kanal topic create|delete|list|describe|add-partitions|alter-config|trim`, shaped like rpk's.
 *
 * @module
 */

import { alterConfigs, type ConfigChange, describeConfigs } from "../admin/configs.ts";
import { deleteRecords, listOffsets } from "../admin/records.ts";
import { createPartitions, createTopics, deleteTopics, describeTopics } from "../admin/topics.ts";
import { UsageError } from "./args.ts";
import type { Command } from "./command.ts";
import {
  adminCommand,
  intFlag,
  keyValues,
  need,
  resultsJson,
  type Subcommand,
} from "./_admin_output.ts";

const create: Subcommand = {
  name: "create",
  usage: "TOPIC... [-p PARTITIONS] [-r REPLICAS] [-c KEY=VALUE]... [--validate-only]",
  summary: "Create topics",
  async run(admin, args, rest, out) {
    const configs = Object.fromEntries(keyValues("topic-config", args.all("topic-config")));
    const partitions = intFlag(args, "partitions", -1);
    const replicationFactor = intFlag(args, "replicas", -1);
    const results = await createTopics(
      admin.client,
      need(rest, "topic").map((name) => ({ name, partitions, replicationFactor, configs })),
      { validateOnly: args.has("validate-only") },
    );
    const ok = await out.settle(results);
    await out.print(
      ["TOPIC", "ID", "PARTITIONS", "REPLICAS"],
      ok.map(({ value: t }) => [t.name, t.topicId, t.partitions, t.replicationFactor]),
      resultsJson(results),
    );
  },
};

const remove: Subcommand = {
  name: "delete",
  usage: "TOPIC...",
  summary: "Delete topics",
  async run(admin, _args, rest, out) {
    const results = await deleteTopics(admin.client, need(rest, "topic"));
    const ok = await out.settle(results);
    await out.print(["TOPIC", "STATUS"], ok.map((r) => [r.name, "deleted"]), resultsJson(results));
  },
};

const list: Subcommand = {
  name: "list",
  usage: "[-i]",
  summary: "List topics with their partition and replica counts",
  async run(admin, args, _rest, out) {
    const results = await describeTopics(admin.client, null);
    const ok = (await out.settle(results)).map((r) => r.value)
      .filter((t) => args.has("internal") || !t.isInternal);
    await out.print(
      ["NAME", "PARTITIONS", "REPLICAS"],
      ok.map((t) => [t.name, t.partitions.length, t.partitions[0]?.replicas.length ?? 0]),
      ok.map((t) => ({
        name: t.name,
        topicId: t.topicId,
        internal: t.isInternal,
        partitions: t.partitions.length,
        replicas: t.partitions[0]?.replicas.length ?? 0,
      })),
    );
  },
};

const describe: Subcommand = {
  name: "describe",
  usage: "TOPIC... [--configs]",
  summary: "Describe topics: partitions with leaders, replicas, ISR and offsets; configs too",
  async run(admin, args, rest, out) {
    const topics = await describeTopics(admin.client, need(rest, "topic"), {
      includeAuthorizedOperations: true,
    });
    const ok = (await out.settle(topics)).map((r) => r.value);
    const offsets = await listOffsets(
      admin.client,
      ok.flatMap((t) =>
        t.partitions.flatMap((p) => [
          { topic: t.name, partition: p.partition, spec: "earliest" as const },
          { topic: t.name, partition: p.partition, spec: "latest" as const },
        ])
      ),
    );
    const at = (i: number): number | null => offsets[i]?.value?.offset ?? null;
    const configs = args.has("configs")
      ? await describeConfigs(
        admin.client,
        ok.map((t) => ({ type: "topic" as const, name: t.name })),
      )
      : [];
    const rows: unknown[][] = [];
    let i = 0;
    const json = ok.map((t, k) => ({
      ...t,
      partitions: t.partitions.map((p) => {
        const [start, end] = [at(i++), at(i++)];
        rows.push([t.name, p.partition, p.leader, p.leaderEpoch, p.replicas, p.isr, start, end]);
        return { ...p, logStartOffset: start, highWatermark: end };
      }),
      configs: configs[k]?.value?.entries ?? null,
    }));
    await out.print(
      ["TOPIC", "PARTITION", "LEADER", "EPOCH", "REPLICAS", "ISR", "LOG-START", "HIGH-WATERMARK"],
      rows,
      json,
    );
    for (const c of configs) {
      if (c.error) {
        await out.fail(c.name, c.error);
        continue;
      }
      await out.line("");
      await out.print(
        ["KEY", "VALUE", "SOURCE"],
        c.value.entries.map((
          e,
        ) => [
          `${c.value.resource.name} ${e.name}`,
          e.sensitive ? "(sensitive)" : e.value,
          e.source,
        ]),
        null,
      );
    }
  },
};

const addPartitions: Subcommand = {
  name: "add-partitions",
  usage: "TOPIC... -n COUNT",
  summary: "Add COUNT partitions to each topic",
  async run(admin, args, rest, out) {
    const n = intFlag(args, "num");
    if (n === undefined || n < 1) {
      throw new UsageError("Cannot add partitions as -n COUNT (>= 1) is needed");
    }
    const current = await out.settle(await describeTopics(admin.client, need(rest, "topic")));
    const results = await createPartitions(
      admin.client,
      current.map((t) => ({ topic: t.name, count: t.value.partitions.length + n })),
    );
    const ok = await out.settle(results);
    const count = new Map(current.map((t) => [t.name, t.value.partitions.length + n]));
    await out.print(
      ["TOPIC", "PARTITIONS"],
      ok.map((r) => [r.name, count.get(r.name)]),
      resultsJson(results),
    );
  },
};

const alterConfig: Subcommand = {
  name: "alter-config",
  usage:
    "TOPIC... [--set KEY=VALUE]... [--delete KEY]... [--append KEY=VALUE]... [--subtract KEY=VALUE]...",
  summary: "Change topic configs incrementally",
  async run(admin, args, rest, out) {
    const changes = configChanges(args);
    const results = await alterConfigs(
      admin.client,
      need(rest, "topic").map((name) => ({ resource: { type: "topic" as const, name }, changes })),
    );
    const ok = await out.settle(results);
    await out.print(
      ["TOPIC", "STATUS"],
      ok.map((r) => [r.value.name, "altered"]),
      resultsJson(results),
    );
  },
};

/** Reads `--set`, `--delete`, `--append` and `--subtract` into config changes. */
export function configChanges(args: { all(name: string): readonly string[] }): ConfigChange[] {
  const changes: ConfigChange[] = [
    ...keyValues("set", args.all("set")).map(([name, value]) => ({
      name,
      value,
      op: "set" as const,
    })),
    ...args.all("delete").map((name) => ({ name, op: "delete" as const })),
    ...keyValues("append", args.all("append")).map(([name, value]) => ({
      name,
      value,
      op: "append" as const,
    })),
    ...keyValues("subtract", args.all("subtract")).map(([name, value]) => ({
      name,
      value,
      op: "subtract" as const,
    })),
  ];
  if (changes.length === 0) {
    throw new UsageError(
      "Cannot alter configs as no change is given: use --set, --delete, --append or --subtract",
    );
  }
  return changes;
}

const trim: Subcommand = {
  name: "trim",
  usage: "TOPIC -o OFFSET [-p PARTITION]",
  summary: "Delete records before OFFSET (-1: all) in a partition, or in every partition",
  async run(admin, args, rest, out) {
    const [topic] = need(rest, "topic");
    const offset = intFlag(args, "offset");
    if (offset === undefined) throw new UsageError("Cannot trim as -o OFFSET is needed");
    const one = intFlag(args, "partitions");
    const partitions = one !== undefined
      ? [one]
      : (await out.settle(await describeTopics(admin.client, [topic!]))).flatMap((t) =>
        t.value.partitions.map((p) => p.partition)
      );
    const results = await deleteRecords(
      admin.client,
      partitions.map((partition) => ({ topic: topic!, partition, offset })),
    );
    const ok = await out.settle(results);
    await out.print(
      ["TOPIC", "PARTITION", "LOG-START"],
      ok.map(({ value: r }) => [r.topic, r.partition, r.lowWatermark]),
      resultsJson(results),
    );
  },
};

/**
 * `kanal topic …`: create, delete, list, describe, add-partitions, alter-config, trim.
 *
 * @example The subcommands
 * ```ts
 * import { topicCommand } from "./topic_command.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(topicCommand.usage, /kanal topic create TOPIC\.\.\./);
 * ```
 */
export const topicCommand: Command = adminCommand("topic", "Manage topics", [
  {
    name: "partitions",
    short: "p",
    value: "N",
    description: "create: partitions; trim: the partition",
  },
  { name: "replicas", short: "r", value: "N", description: "create: replication factor" },
  {
    name: "topic-config",
    short: "c",
    value: "KEY=VALUE",
    repeatable: true,
    description: "create: a topic config",
  },
  { name: "validate-only", description: "create: only validate" },
  { name: "internal", short: "i", description: "list: include internal topics" },
  { name: "configs", description: "describe: print configs too" },
  { name: "num", short: "n", value: "COUNT", description: "add-partitions: how many to add" },
  { name: "set", value: "KEY=VALUE", repeatable: true, description: "alter-config: set a key" },
  {
    name: "delete",
    value: "KEY",
    repeatable: true,
    description: "alter-config: reset a key to its default",
  },
  {
    name: "append",
    value: "KEY=VALUE",
    repeatable: true,
    description: "alter-config: append to a list key",
  },
  {
    name: "subtract",
    value: "KEY=VALUE",
    repeatable: true,
    description: "alter-config: remove from a list key",
  },
  {
    name: "offset",
    short: "o",
    value: "OFFSET",
    description: "trim: delete records before this offset",
  },
], [create, remove, list, describe, addPartitions, alterConfig, trim]);
