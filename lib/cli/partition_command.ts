// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * `kanal partition reassign|elect|log-dirs`, shaped like Kafka's ReassignPartitionsCommand,
 * LeaderElectionCommand and LogDirsCommand.
 *
 * @module
 */

import { alterReplicaLogDirs, describeLogDirs } from "../admin/log_dirs.ts";
import { alterPartitionReassignments, electLeaders } from "../admin/reassignments.ts";
import { describeTopics } from "../admin/topics.ts";
import type { ParsedArgs } from "./args.ts";
import { UsageError } from "./args.ts";
import type { Command } from "./command.ts";
import { adminCommand, resultsJson, type Subcommand } from "./_admin_output.ts";
import type { Admin } from "../admin/admin.ts";
import type { Output } from "./_admin_output.ts";

// -t TOPIC [-p PARTITION]...: those partitions, or every partition of the topics.
async function partitionsFrom(
  admin: Admin,
  args: ParsedArgs,
  out: Output,
): Promise<{ topic: string; partition: number }[] | null> {
  const topics = args.all("topic");
  if (topics.length === 0) return null;
  const ps = args.all("partition").map((p) => {
    const n = Number(p);
    if (!Number.isInteger(n) || n < 0) {
      throw new UsageError(
        `Cannot use -p as it must be a partition number: current value is "${p}"`,
      );
    }
    return n;
  });
  if (ps.length > 0) {
    return topics.flatMap((topic) => ps.map((partition) => ({ topic, partition })));
  }
  return (await out.settle(await describeTopics(admin.client, topics))).flatMap((t) =>
    t.value.partitions.map((p) => ({ topic: t.name, partition: p.partition }))
  );
}

const reassign: Subcommand = {
  name: "reassign",
  usage: "[-t TOPIC -p PARTITION --replicas 1,2,3 | --cancel]",
  summary: "Move partitions to new replicas, cancel a move, or (alone) list moves in progress",
  async run(admin, args, _rest, out) {
    const parts = await partitionsFrom(admin, args, out);
    const replicas = args.get("replicas");
    if (parts === null || (!replicas && !args.has("cancel"))) {
      const ongoing = await admin.listPartitionReassignments(parts ?? undefined);
      await out.print(
        ["TOPIC", "PARTITION", "REPLICAS", "ADDING", "REMOVING"],
        ongoing.map((r) => [r.topic, r.partition, r.replicas, r.adding, r.removing]),
        ongoing,
      );
      return;
    }
    const ids = replicas
      ? replicas.split(",").map((s) => {
        const n = Number(s);
        if (s.trim() === "" || !Number.isInteger(n) || n < 0) {
          throw new UsageError(
            `Cannot use --replicas as it must list broker ids: current value is "${replicas}"`,
          );
        }
        return n;
      })
      : null;
    const results = await alterPartitionReassignments(
      admin.client,
      parts.map((p) => ({ ...p, replicas: ids })),
    );
    const ok = await out.settle(results);
    await out.print(
      ["TOPIC", "PARTITION", "STATUS"],
      ok.map((
        { value: p },
      ) => [p.topic, p.partition, ids ? `moving to ${ids.join(",")}` : "cancelled"]),
      resultsJson(results),
    );
  },
};

const elect: Subcommand = {
  name: "elect",
  usage: "[-t TOPIC [-p PARTITION]...] [--unclean]",
  summary: "Elect preferred (or unclean) leaders, for the partitions named or all",
  async run(admin, args, _rest, out) {
    const parts = await partitionsFrom(admin, args, out);
    const results = await electLeaders(
      admin.client,
      args.has("unclean") ? "unclean" : "preferred",
      parts,
    );
    // ELECTION_NOT_NEEDED is not a failure: the preferred replica already leads.
    const rows: unknown[][] = [];
    for (const r of results) {
      if (r.error && r.error.errorName !== "ELECTION_NOT_NEEDED") await out.fail(r.name, r.error);
      else rows.push([r.name, r.error ? "already elected" : "elected"]);
    }
    await out.print(["PARTITION", "STATUS"], rows, resultsJson(results));
  },
};

const logDirs: Subcommand = {
  name: "log-dirs",
  usage: "[-t TOPIC [-p PARTITION]...] [--broker ID]...",
  summary: "Every broker's log directories and the replicas in them",
  async run(admin, args, _rest, out) {
    const parts = await partitionsFrom(admin, args, out);
    const brokers = args.all("broker").map(Number);
    const results = await describeLogDirs(admin.client, {
      ...(brokers.length ? { brokers } : {}),
      ...(parts ? { partitions: parts } : {}),
    });
    const dirs = (await out.settle(results)).flatMap((r) => r.value);
    for (const d of dirs) if (d.error) await out.fail(`broker ${d.broker} ${d.path}`, d.error);
    await out.print(
      ["BROKER", "DIR", "TOPIC", "PARTITION", "SIZE", "OFFSET-LAG", "FUTURE"],
      dirs.flatMap((d): unknown[][] =>
        d.replicas.length === 0
          ? [[d.broker, d.path, null, null, null, null, null]]
          : d.replicas.map((
            r,
          ) => [d.broker, d.path, r.topic, r.partition, r.size, r.offsetLag, r.isFuture])
      ),
      dirs,
    );
  },
};

const moveDir: Subcommand = {
  name: "move-dir",
  usage: "-t TOPIC -p PARTITION... --broker ID --path DIR",
  summary: "Move replicas on a broker to another of its log directories",
  async run(admin, args, _rest, out) {
    const parts = await partitionsFrom(admin, args, out);
    const brokers = args.all("broker");
    const path = args.get("path");
    if (parts === null || brokers.length !== 1 || !path) {
      throw new UsageError(
        "Cannot move replicas as -t TOPIC, one --broker ID and --path DIR are needed",
      );
    }
    const broker = Number(brokers[0]);
    if (!Number.isInteger(broker) || broker < 0) {
      throw new UsageError(
        `Cannot use --broker as it must be a node id: current value is "${brokers[0]}"`,
      );
    }
    const results = await alterReplicaLogDirs(
      admin.client,
      parts.map((p) => ({ ...p, broker, path })),
    );
    const ok = await out.settle(results);
    await out.print(
      ["BROKER", "TOPIC", "PARTITION", "DIR"],
      ok.map(({ value: m }) => [m.broker, m.topic, m.partition, m.path]),
      resultsJson(results),
    );
  },
};

/**
 * `kanal partition …`: reassign, elect, log-dirs, move-dir.
 *
 * @example The subcommands
 * ```ts
 * import { partitionCommand } from "./partition_command.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(partitionCommand.usage, /kanal partition elect/);
 * ```
 */
export const partitionCommand: Command = adminCommand("partition", "Partitions", [
  { name: "topic", short: "t", value: "TOPIC", repeatable: true, description: "The topic" },
  {
    name: "partition",
    short: "p",
    value: "N",
    repeatable: true,
    description: "A partition (default: all)",
  },
  { name: "replicas", value: "IDS", description: "reassign: the new replicas, e.g. 1,2,3" },
  { name: "cancel", description: "reassign: cancel the move in progress" },
  { name: "unclean", description: "elect: allow an out-of-sync replica to lead" },
  {
    name: "broker",
    value: "ID",
    repeatable: true,
    description: "log-dirs: only this broker; move-dir: the broker",
  },
  { name: "path", value: "DIR", description: "move-dir: the destination log directory" },
], [reassign, elect, logDirs, moveDir]);
