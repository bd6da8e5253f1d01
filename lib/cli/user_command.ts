// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * `kanal user create|delete|list`: SCRAM credentials, shaped like rpk's `security user`.
 *
 * @module
 */

import {
  alterUserScramCredentials,
  describeUserScramCredentials,
  type ScramMechanism,
} from "../admin/scram.ts";
import { UsageError } from "./args.ts";
import type { Command } from "./command.ts";
import { adminCommand, intFlag, need, resultsJson, type Subcommand } from "./_admin_output.ts";

function mechanism(args: { get(n: string): string | undefined }): ScramMechanism {
  const m = (args.get("mechanism") ?? "SCRAM-SHA-256").toUpperCase();
  if (m !== "SCRAM-SHA-256" && m !== "SCRAM-SHA-512") {
    throw new UsageError(
      `Cannot use --mechanism as it must be SCRAM-SHA-256 or SCRAM-SHA-512: current value is "${m}"`,
    );
  }
  return m;
}

const create: Subcommand = {
  name: "create",
  usage: "USER... --password PASSWORD [--mechanism SCRAM-SHA-256|SCRAM-SHA-512] [--iterations N]",
  summary: "Create or replace users' SCRAM credentials",
  async run(admin, args, rest, out) {
    const password = args.get("password");
    if (!password) throw new UsageError("Cannot create a user as --password is needed");
    const results = await alterUserScramCredentials(admin.client, {
      upsertions: need(rest, "user").map((user) => ({
        user,
        password,
        mechanism: mechanism(args),
        iterations: intFlag(args, "iterations", 4096)!,
      })),
    });
    const ok = await out.settle(results);
    await out.print(["USER", "STATUS"], ok.map((r) => [r.name, "created"]), resultsJson(results));
  },
};

const remove: Subcommand = {
  name: "delete",
  usage: "USER... [--mechanism SCRAM-SHA-256|SCRAM-SHA-512]",
  summary: "Delete users' SCRAM credentials",
  async run(admin, args, rest, out) {
    const results = await alterUserScramCredentials(admin.client, {
      deletions: need(rest, "user").map((user) => ({ user, mechanism: mechanism(args) })),
    });
    const ok = await out.settle(results);
    await out.print(["USER", "STATUS"], ok.map((r) => [r.name, "deleted"]), resultsJson(results));
  },
};

const list: Subcommand = {
  name: "list",
  usage: "[USER...]",
  summary: "List users with SCRAM credentials (mechanisms and iterations)",
  async run(admin, _args, rest, out) {
    const results = await describeUserScramCredentials(admin.client, rest.length ? rest : null);
    const ok = await out.settle(results);
    await out.print(
      ["USER", "MECHANISM", "ITERATIONS"],
      ok.flatMap((r) => r.value.credentials.map((c) => [r.name, c.mechanism, c.iterations])),
      resultsJson(results),
    );
  },
};

/**
 * `kanal user …`: create, delete, list.
 *
 * @example The subcommands
 * ```ts
 * import { userCommand } from "./user_command.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(userCommand.usage, /kanal user create USER\.\.\. --password/);
 * ```
 */
export const userCommand: Command = adminCommand("user", "Manage SCRAM users", [
  { name: "password", value: "PASSWORD", description: "create: the password" },
  { name: "mechanism", value: "MECH", description: "SCRAM-SHA-256 (default) or SCRAM-SHA-512" },
  { name: "iterations", value: "N", description: "create: PBKDF2 iterations (default 4096)" },
], [create, remove, list]);
