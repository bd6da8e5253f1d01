// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * `kanal acl create|list|delete`, shaped like rpk's and Kafka's AclCommand.
 *
 * @module
 */

import {
  type Acl,
  type AclBinding,
  type AclFilter,
  createAcls,
  deleteAcls,
} from "../admin/acls.ts";
import type { AclOperation, AclPatternType, AclResourceType } from "../admin/acl_types.ts";
import { UsageError } from "./args.ts";
import type { Command } from "./command.ts";
import { adminCommand, resultsJson, type Subcommand } from "./_admin_output.ts";

const HEADERS: readonly string[] = [
  "PRINCIPAL",
  "HOST",
  "RESOURCE-TYPE",
  "RESOURCE-NAME",
  "PATTERN",
  "OPERATION",
  "PERMISSION",
];

function row(a: AclBinding): unknown[] {
  return [
    a.principal,
    a.host,
    a.resourceType,
    a.resourceName,
    a.patternType,
    a.operation,
    a.permission,
  ];
}

// The resource flags: --topic, --group, --cluster, --transactional-id; `*` is every name.
function resources(args: {
  all(n: string): readonly string[];
  has(n: string): boolean;
}): { resourceType: AclResourceType; resourceName: string }[] {
  return [
    ...args.all("topic").map((n) => ({ resourceType: "TOPIC" as const, resourceName: n })),
    ...args.all("group").map((n) => ({ resourceType: "GROUP" as const, resourceName: n })),
    ...args.all("transactional-id").map((n) => ({
      resourceType: "TRANSACTIONAL_ID" as const,
      resourceName: n,
    })),
    ...(args.has("cluster")
      ? [{ resourceType: "CLUSTER" as const, resourceName: "kafka-cluster" }]
      : []),
  ];
}

function pattern(args: { get(n: string): string | undefined }): AclPatternType | undefined {
  const p = args.get("resource-pattern-type");
  return p === undefined ? undefined : p.toUpperCase() as AclPatternType;
}

const create: Subcommand = {
  name: "create",
  usage:
    "--allow-principal|--deny-principal P... --operation OP... --topic|--group|--transactional-id NAME|--cluster [--resource-pattern-type literal|prefixed] [--host H]",
  summary: "Create ACLs: every principal × operation × resource",
  async run(admin, args, _rest, out) {
    const principals = [
      ...args.all("allow-principal").map((p) => ({ principal: p, permission: "ALLOW" as const })),
      ...args.all("deny-principal").map((p) => ({ principal: p, permission: "DENY" as const })),
    ];
    const ops = args.all("operation").map((o) =>
      o.toUpperCase().replaceAll("-", "_") as AclOperation
    );
    const res = resources(args);
    if (principals.length === 0 || ops.length === 0 || res.length === 0) {
      throw new UsageError(
        "Cannot create ACLs as a principal (--allow-principal/--deny-principal), an --operation and a resource are needed",
      );
    }
    const acls: Acl[] = principals.flatMap((p) =>
      ops.flatMap((operation) =>
        res.map((r) => ({
          ...r,
          ...p,
          operation,
          host: args.get("host") ?? "*",
          patternType: pattern(args) ?? "LITERAL",
        }))
      )
    );
    const results = await createAcls(admin.client, acls);
    const ok = await out.settle(results);
    await out.print(HEADERS, ok.map((r) => row(r.value)), resultsJson(results));
  },
};

function filters(args: {
  all(n: string): readonly string[];
  has(n: string): boolean;
  get(n: string): string | undefined;
}): AclFilter[] {
  const principals = [
    ...args.all("allow-principal"),
    ...args.all("deny-principal"),
    ...args.all("principal"),
  ];
  const permission = args.has("allow-principal") && !args.has("deny-principal")
    ? "ALLOW" as const
    : args.has("deny-principal") && !args.has("allow-principal")
    ? "DENY" as const
    : undefined;
  const ops = args.all("operation").map((o) =>
    o.toUpperCase().replaceAll("-", "_") as AclOperation
  );
  const res = resources(args);
  const out: AclFilter[] = [];
  for (const r of res.length ? res : [{}]) {
    for (const principal of principals.length ? principals : [undefined]) {
      for (const operation of ops.length ? ops : [undefined]) {
        out.push({
          ...r,
          ...(principal ? { principal } : {}),
          ...(operation ? { operation } : {}),
          ...(permission ? { permission } : {}),
          ...(args.get("host") ? { host: args.get("host")! } : {}),
          patternType: pattern(args) ?? ("resourceName" in r ? "LITERAL" : "ANY"),
        });
      }
    }
  }
  return out;
}

const list: Subcommand = {
  name: "list",
  usage:
    "[--topic|--group|--transactional-id NAME] [--cluster] [--principal P] [--operation OP] [--resource-pattern-type any|match|literal|prefixed]",
  summary: "List the ACLs matching the filters",
  async run(admin, args, _rest, out) {
    const found: AclBinding[] = [];
    for (const f of filters(args)) found.push(...await admin.describeAcls(f));
    await out.print(HEADERS, found.map(row), found);
  },
};

const remove: Subcommand = {
  name: "delete",
  usage: "[filters as for list]",
  summary: "Delete the ACLs matching the filters",
  async run(admin, args, _rest, out) {
    const f = filters(args);
    if (f.length === 1 && Object.keys(f[0]!).length <= 1) {
      throw new UsageError(
        "Cannot delete ACLs without a filter: name a resource, principal or operation",
      );
    }
    const results = await deleteAcls(admin.client, f);
    const ok = await out.settle(results);
    await out.print(HEADERS, ok.flatMap((r) => r.value.map(row)), resultsJson(results));
  },
};

/**
 * `kanal acl …`: create, list, delete.
 *
 * @example The subcommands
 * ```ts
 * import { aclCommand } from "./acl_command.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(aclCommand.usage, /kanal acl create --allow-principal/);
 * ```
 */
export const aclCommand: Command = adminCommand("acl", "Manage ACLs", [
  {
    name: "allow-principal",
    value: "P",
    repeatable: true,
    description: "A principal to allow, e.g. User:alice",
  },
  { name: "deny-principal", value: "P", repeatable: true, description: "A principal to deny" },
  { name: "principal", value: "P", repeatable: true, description: "list/delete: a principal" },
  {
    name: "operation",
    value: "OP",
    repeatable: true,
    description: "read, write, create, delete, alter, describe, all, …",
  },
  { name: "topic", value: "NAME", repeatable: true, description: "A topic (* for all)" },
  { name: "group", value: "NAME", repeatable: true, description: "A group (* for all)" },
  { name: "transactional-id", value: "NAME", repeatable: true, description: "A transactional id" },
  { name: "cluster", description: "The cluster" },
  {
    name: "resource-pattern-type",
    value: "TYPE",
    description: "literal, prefixed (filters: any, match)",
  },
  { name: "host", value: "HOST", description: "The host (default *)" },
], [create, list, remove]);
