// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * `kanal quota describe|alter`: client quotas, shaped like rpk's `cluster quotas`.
 *
 * @module
 */

import { alterClientQuotas, type QuotaEntity, type QuotaFilter } from "../admin/quotas.ts";
import { UsageError } from "./args.ts";
import type { Command } from "./command.ts";
import { adminCommand, keyValues, resultsJson, type Subcommand } from "./_admin_output.ts";

const TYPES = ["user", "client-id", "ip"] as const;

// --user NAME / --user-default, and the same for client-id and ip.
function entity(
  args: { get(n: string): string | undefined; has(n: string): boolean },
): QuotaEntity {
  const e: QuotaEntity = {};
  for (const t of TYPES) {
    if (args.has(`${t}-default`)) e[t] = null;
    else if (args.get(t) !== undefined) e[t] = args.get(t)!;
  }
  return e;
}

const describe: Subcommand = {
  name: "describe",
  usage:
    "[--user U|--user-default] [--client-id C|--client-id-default] [--ip IP|--ip-default] [--strict]",
  summary: "Quotas of the matching entities (all when no entity is named)",
  async run(admin, args, _rest, out) {
    const filter: QuotaFilter[] = Object.entries(entity(args)).map(([entityType, match]) => ({
      entityType,
      match,
    }));
    const found = await admin.describeClientQuotas(filter, { strict: args.has("strict") });
    await out.print(
      ["ENTITY", "KEY", "VALUE"],
      found.flatMap((q) =>
        Object.entries(q.values).map(([k, v]) => [
          Object.entries(q.entity).map(([t, n]) => `${t}=${n ?? "<default>"}`).join(","),
          k,
          v,
        ])
      ),
      found,
    );
  },
};

const alter: Subcommand = {
  name: "alter",
  usage: "--user U|--client-id C|--ip IP (or --*-default) [--add KEY=VALUE]... [--delete KEY]...",
  summary: "Set and remove quotas of one entity",
  async run(admin, args, _rest, out) {
    const e = entity(args);
    if (Object.keys(e).length === 0) {
      throw new UsageError("Cannot alter quotas as no entity is named");
    }
    const set = Object.fromEntries(
      keyValues("add", args.all("add")).map(([k, v]) => {
        const n = Number(v);
        if (v.trim() === "" || !Number.isFinite(n)) {
          throw new UsageError(
            `Cannot use --add ${k} as it must be a number: current value is "${v}"`,
          );
        }
        return [k, n];
      }),
    );
    const remove = args.all("delete");
    if (Object.keys(set).length === 0 && remove.length === 0) {
      throw new UsageError("Cannot alter quotas as no change is given: use --add or --delete");
    }
    const results = await alterClientQuotas(admin.client, [{ entity: e, set, remove }]);
    const ok = await out.settle(results);
    await out.print(["ENTITY", "STATUS"], ok.map((r) => [r.name, "altered"]), resultsJson(results));
  },
};

/**
 * `kanal quota …`: describe, alter.
 *
 * @example The subcommands
 * ```ts
 * import { quotaCommand } from "./quota_command.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(quotaCommand.usage, /kanal quota alter --user/);
 * ```
 */
export const quotaCommand: Command = adminCommand("quota", "Manage client quotas", [
  ...TYPES.flatMap((t) => [
    { name: t, value: "NAME", description: `The ${t} entity` },
    { name: `${t}-default`, description: `The default ${t} entity` },
  ]),
  { name: "strict", description: "describe: only entities with exactly these components" },
  {
    name: "add",
    value: "KEY=VALUE",
    repeatable: true,
    description: "alter: set a quota, e.g. producer_byte_rate=1048576",
  },
  { name: "delete", value: "KEY", repeatable: true, description: "alter: remove a quota" },
], [describe, alter]);
