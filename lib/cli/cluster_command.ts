// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * `kanal cluster info|config|quorum|features`, shaped like rpk's.
 *
 * @module
 */

import { alterConfigs, describeConfigs } from "../admin/configs.ts";
import { updateFeatures } from "../admin/cluster.ts";
import { UsageError } from "./args.ts";
import type { Command } from "./command.ts";
import { adminCommand, intFlag, resultsJson, type Subcommand } from "./_admin_output.ts";
import { configChanges } from "./topic_command.ts";

const info: Subcommand = {
  name: "info",
  usage: "",
  summary: "The cluster id, controller and brokers",
  async run(admin, _args, _rest, out) {
    const c = await admin.describeCluster();
    await out.line(`CLUSTER ${c.clusterId}  CONTROLLER ${c.controllerId}`);
    await out.print(
      ["ID", "HOST", "PORT", "RACK"],
      c.brokers.map((b) => [b.nodeId, b.host, b.port, b.rack]),
      c,
    );
  },
};

const config: Subcommand = {
  name: "config",
  usage: "[KEY...] [--broker ID] [--set KEY=VALUE]... [--delete KEY]...",
  summary:
    "Broker configs: show a broker's (default: the first), or change them (cluster-wide default unless --broker)",
  async run(admin, args, rest, out) {
    const broker = intFlag(args, "broker");
    const altering = ["set", "delete", "append", "subtract"].some((f) => args.has(f));
    if (altering) {
      const results = await alterConfigs(admin.client, [{
        resource: { type: "broker", name: broker === undefined ? "" : String(broker) },
        changes: configChanges(args),
      }]);
      const ok = await out.settle(results);
      await out.print(
        ["BROKER", "STATUS"],
        ok.map((r) => [r.value.name || "(cluster default)", "altered"]),
        resultsJson(results),
      );
      return;
    }
    const id = broker ?? (await admin.describeCluster()).brokers[0]?.nodeId ?? 0;
    const results = await describeConfigs(
      admin.client,
      [{ type: "broker", name: String(id) }],
      rest.length > 0 ? { keys: rest } : {},
    );
    const ok = await out.settle(results);
    const entries = ok.flatMap((r) => r.value.entries);
    await out.print(
      ["KEY", "VALUE", "SOURCE", "READ-ONLY"],
      entries.map((e) => [e.name, e.sensitive ? "(sensitive)" : e.value, e.source, e.readOnly]),
      entries,
    );
  },
};

const quorum: Subcommand = {
  name: "quorum",
  usage: "",
  summary: "The KRaft metadata quorum: leader, epoch, high watermark, voters and observers",
  async run(admin, _args, _rest, out) {
    const q = await admin.describeQuorum();
    await out.line(
      `LEADER ${q.leaderId}  EPOCH ${q.leaderEpoch}  HIGH-WATERMARK ${q.highWatermark}`,
    );
    await out.print(
      ["NODE", "ROLE", "LOG-END-OFFSET", "LAG", "LAST-FETCH-MS", "LAST-CAUGHT-UP-MS"],
      [
        ...q.voters.map((v) => [v.nodeId, v.nodeId === q.leaderId ? "leader" : "voter", v]),
        ...q.observers.map((v) => [v.nodeId, "observer", v]),
      ].map(([id, role, v]) => {
        const r = v as (typeof q.voters)[number];
        return [
          id,
          role,
          r.logEndOffset,
          q.highWatermark - r.logEndOffset,
          r.lastFetchTimestamp,
          r.lastCaughtUpTimestamp,
        ];
      }),
      q,
    );
  },
};

const features: Subcommand = {
  name: "features",
  usage: "[--upgrade|--downgrade|--unsafe-downgrade FEATURE=LEVEL]... [--dry-run]",
  summary: "The features the cluster supports and their finalized levels, or change levels",
  async run(admin, args, _rest, out) {
    const changes = [
      ...args.all("upgrade").map((u) => [u, "upgrade"] as const),
      ...args.all("downgrade").map((u) => [u, "safe-downgrade"] as const),
      ...args.all("unsafe-downgrade").map((u) => [u, "unsafe-downgrade"] as const),
    ].map(([kv, type]) => {
      const [feature, level] = kv.split("=");
      const n = Number(level);
      if (!feature || level === undefined || level.trim() === "" || !Number.isInteger(n)) {
        throw new UsageError(
          `Cannot change a feature as it must be given as feature=level: current value is "${kv}"`,
        );
      }
      return { feature, level: n, type };
    });
    if (changes.length > 0) {
      const results = await updateFeatures(admin.client, changes, {
        validateOnly: args.has("dry-run"),
      });
      const ok = await out.settle(results);
      await out.print(
        ["FEATURE", "STATUS"],
        ok.map((r) => [r.name, args.has("dry-run") ? "valid" : "updated"]),
        resultsJson(results),
      );
      return;
    }
    const f = await admin.describeFeatures();
    const names = [...new Set([...Object.keys(f.supported), ...Object.keys(f.finalized)])].sort();
    await out.print(
      ["FEATURE", "SUPPORTED-MIN", "SUPPORTED-MAX", "FINALIZED"],
      names.map((
        n,
      ) => [
        n,
        f.supported[n]?.min ?? null,
        f.supported[n]?.max ?? null,
        f.finalized[n]?.max ?? null,
      ]),
      f,
    );
  },
};

/**
 * `kanal cluster …`: info, config, quorum, features.
 *
 * @example The subcommands
 * ```ts
 * import { clusterCommand } from "./cluster_command.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(clusterCommand.usage, /kanal cluster quorum/);
 * ```
 */
export const clusterCommand: Command = adminCommand("cluster", "The cluster", [
  { name: "broker", value: "ID", description: "config: the broker" },
  { name: "set", value: "KEY=VALUE", repeatable: true, description: "config: set a key" },
  { name: "delete", value: "KEY", repeatable: true, description: "config: reset a key" },
  {
    name: "append",
    value: "KEY=VALUE",
    repeatable: true,
    description: "config: append to a list key",
  },
  {
    name: "subtract",
    value: "KEY=VALUE",
    repeatable: true,
    description: "config: remove from a list key",
  },
], [info, config, quorum, features]);
