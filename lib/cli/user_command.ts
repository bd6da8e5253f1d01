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

const tokenCreate: Subcommand = {
  name: "token-create",
  usage: "[--owner User:NAME] [--renewer User:NAME]... [--max-lifetime-ms MS]",
  summary: "Create a delegation token (brokers grant them over SASL only)",
  async run(admin, args, _rest, out) {
    const t = await admin.createDelegationToken({
      ...(args.get("owner") ? { owner: args.get("owner")! } : {}),
      renewers: args.all("renewer"),
      ...(args.get("max-lifetime-ms") ? { maxLifetimeMs: intFlag(args, "max-lifetime-ms")! } : {}),
    });
    await out.print(
      ["TOKEN-ID", "HMAC", "OWNER", "EXPIRES-MS"],
      [[t.tokenId, btoa(String.fromCharCode(...t.hmac)), t.owner, t.expiryTimestampMs]],
      t,
    );
  },
};

const tokens: Subcommand = {
  name: "tokens",
  usage: "[OWNER...]",
  summary: "List delegation tokens",
  async run(admin, _args, rest, out) {
    const list = await admin.describeDelegationTokens(rest.length ? rest : undefined);
    await out.print(
      ["TOKEN-ID", "OWNER", "RENEWERS", "ISSUED-MS", "EXPIRES-MS", "MAX-MS"],
      list.map((
        t,
      ) => [
        t.tokenId,
        t.owner,
        t.renewers,
        t.issueTimestampMs,
        t.expiryTimestampMs,
        t.maxTimestampMs,
      ]),
      list,
    );
  },
};

function hmacOf(args: { get(n: string): string | undefined }): Uint8Array {
  const h = args.get("hmac");
  if (!h) throw new UsageError("Cannot find the token as --hmac BASE64 is needed");
  try {
    return Uint8Array.from(atob(h), (c) => c.charCodeAt(0));
  } catch {
    throw new UsageError(`Cannot read --hmac as it must be base64: current value is "${h}"`);
  }
}

const tokenRenew: Subcommand = {
  name: "token-renew",
  usage: "--hmac BASE64 [--period-ms MS]",
  summary: "Renew a delegation token",
  async run(admin, args, _rest, out) {
    const expiry = await admin.renewDelegationToken(hmacOf(args), intFlag(args, "period-ms", -1));
    await out.print(["EXPIRES-MS"], [[expiry]], { expiryTimestampMs: expiry });
  },
};

const tokenExpire: Subcommand = {
  name: "token-expire",
  usage: "--hmac BASE64 [--period-ms MS]",
  summary: "Expire a delegation token (at once by default)",
  async run(admin, args, _rest, out) {
    const expiry = await admin.expireDelegationToken(hmacOf(args), intFlag(args, "period-ms", -1));
    await out.print(["EXPIRES-MS"], [[expiry]], { expiryTimestampMs: expiry });
  },
};

/**
 * `kanal user …`: create, delete, list, and delegation tokens.
 *
 * @example The subcommands
 * ```ts
 * import { userCommand } from "./user_command.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(userCommand.usage, /kanal user create USER\.\.\. --password/);
 * ```
 */
export const userCommand: Command = adminCommand("user", "Manage SCRAM users and tokens", [
  { name: "password", value: "PASSWORD", description: "create: the password" },
  { name: "mechanism", value: "MECH", description: "SCRAM-SHA-256 (default) or SCRAM-SHA-512" },
  { name: "iterations", value: "N", description: "create: PBKDF2 iterations (default 4096)" },
  { name: "owner", value: "PRINCIPAL", description: "token-create: the token's owner" },
  {
    name: "renewer",
    value: "PRINCIPAL",
    repeatable: true,
    description: "token-create: who may renew",
  },
  { name: "max-lifetime-ms", value: "MS", description: "token-create: the longest life" },
  { name: "hmac", value: "BASE64", description: "token-renew/expire: the token's HMAC" },
  { name: "period-ms", value: "MS", description: "token-renew/expire: the period" },
], [create, remove, list, tokenCreate, tokens, tokenRenew, tokenExpire]);
