// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * ACLs: create, describe with a filter, and delete by filters. A broker without an authorizer
 * answers every ACL request with `SECURITY_DISABLED`.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import { failed, type ItemResult, ok } from "./admin_error.ts";
import {
  aclCode,
  aclName,
  type AclOperation,
  type AclPatternType,
  type AclPermission,
  type AclResourceType,
} from "./acl_types.ts";

/** An ACL binding: who may or may not do what on which resources. */
export interface Acl {
  /** The resource type, e.g. `TOPIC`. */
  resourceType: AclResourceType;
  /** The resource name (`*` for all, or a prefix with `PREFIXED`). */
  resourceName: string;
  /** How the name matches. @default {"LITERAL"} */
  patternType?: AclPatternType;
  /** The principal, e.g. `User:alice`. */
  principal: string;
  /** The host, `*` for any. @default {"*"} */
  host?: string;
  /** The operation, e.g. `READ`. */
  operation: AclOperation;
  /** Allow or deny. @default {"ALLOW"} */
  permission?: AclPermission;
}

/** A filter for {@linkcode describeAcls} and {@linkcode deleteAcls}; unset fields match any. */
export interface AclFilter {
  /** The resource type. @default {"ANY"} */
  resourceType?: AclResourceType;
  /** `null`/unset: any name. */
  resourceName?: string | null;
  /** `MATCH` also finds the wildcard and prefixed ACLs that cover the name. @default {"ANY"} */
  patternType?: AclPatternType;
  /** `null`/unset: any principal. */
  principal?: string | null;
  /** `null`/unset: any host. */
  host?: string | null;
  /** The operation. @default {"ANY"} */
  operation?: AclOperation;
  /** Allow or deny. @default {"ANY"} */
  permission?: AclPermission;
}

/** An ACL as the broker reports it, every field set. */
export type AclBinding = Required<Acl>;

function aclLabel(a: AclFilter | Acl): string {
  return `${a.permission ?? "ANY"} ${a.principal ?? "*"} ${a.operation ?? "ANY"} on ${
    a.resourceType ?? "ANY"
  }:${a.patternType ?? ""}${a.patternType ? ":" : ""}${a.resourceName ?? "*"}`;
}

function filterWire(f: AclFilter) {
  return {
    resourceTypeFilter: aclCode("resourceType", f.resourceType ?? "ANY"),
    resourceNameFilter: f.resourceName ?? null,
    patternTypeFilter: aclCode("patternType", f.patternType ?? "ANY"),
    principalFilter: f.principal ?? null,
    hostFilter: f.host ?? null,
    operation: aclCode("operation", f.operation ?? "ANY"),
    permissionType: aclCode("permission", f.permission ?? "ANY"),
  };
}

function binding(b: {
  resourceType: number;
  resourceName: string;
  patternType?: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}): AclBinding {
  return {
    resourceType: aclName("resourceType", b.resourceType) as AclResourceType,
    resourceName: b.resourceName,
    patternType: aclName("patternType", b.patternType ?? 3) as AclPatternType,
    principal: b.principal,
    host: b.host,
    operation: aclName("operation", b.operation) as AclOperation,
    permission: aclName("permission", b.permissionType) as AclPermission,
  };
}

/**
 * Creates ACLs, one result per ACL.
 *
 * @example An ACL needs a concrete operation
 * ```ts
 * import { createAcls } from "./acls.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   createAcls({} as never, [{
 *     resourceType: "TOPIC", resourceName: "t", principal: "User:a", operation: "ANY",
 *   }]),
 *   RangeError,
 * );
 * ```
 */
export async function createAcls(
  client: Client,
  acls: readonly Acl[],
): Promise<ItemResult<AclBinding>[]> {
  const wire = acls.map((a) => {
    const w = {
      resourceType: aclCode("resourceType", a.resourceType),
      resourceName: a.resourceName,
      resourcePatternType: aclCode("patternType", a.patternType ?? "LITERAL"),
      principal: a.principal,
      host: a.host ?? "*",
      operation: aclCode("operation", a.operation),
      permissionType: aclCode("permission", a.permission ?? "ALLOW"),
    };
    if (
      w.resourceType === 1 || w.resourcePatternType <= 2 || w.operation === 1 ||
      w.permissionType === 1 || typeof a.resourceName !== "string" || a.resourceName === "" ||
      typeof a.principal !== "string" || !a.principal.includes(":")
    ) {
      throw new RangeError(
        `Cannot create ACL "${
          aclLabel(a)
        }" as it needs a concrete resource type, name, LITERAL or PREFIXED pattern, operation, permission and a principal like User:name`,
      );
    }
    return w;
  });
  if (wire.length === 0) return [];
  const res = await client.request("any", API_TABLE[30], { creations: wire });
  return acls.map((a, i) => {
    const r = res.results[i];
    const code = r?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    return code === 0
      ? ok(aclLabel(a), binding({ ...wire[i]!, patternType: wire[i]!.resourcePatternType }))
      : failed(
        aclLabel(a),
        new KafkaError(code, {
          api: "CreateAcls",
          detail: `${aclLabel(a)}${r?.errorMessage ? `: ${r.errorMessage}` : ""}`,
        }),
      );
  });
}

/**
 * The ACLs that match a filter.
 *
 * @throws {KafkaError} e.g. `SECURITY_DISABLED` when the broker has no authorizer.
 *
 * @example An unknown operation name is refused
 * ```ts
 * import { describeAcls } from "./acls.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(describeAcls({} as never, { operation: "fly" as never }), RangeError);
 * ```
 */
export async function describeAcls(
  client: Client,
  filter: AclFilter = {},
): Promise<AclBinding[]> {
  const res = await client.request("any", API_TABLE[29], filterWire(filter));
  if (res.errorCode !== 0) {
    throw new KafkaError(res.errorCode, { api: "DescribeAcls", detail: res.errorMessage });
  }
  return res.resources.flatMap((r) =>
    r.acls.map((a) =>
      binding({
        ...a,
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        patternType: r.patternType,
      })
    )
  );
}

/**
 * Deletes the ACLs matching each filter; one result per filter, with the ACLs it deleted.
 *
 * @example An unknown resource type is refused
 * ```ts
 * import { deleteAcls } from "./acls.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(deleteAcls({} as never, [{ resourceType: "TABLE" as never }]), RangeError);
 * ```
 */
export async function deleteAcls(
  client: Client,
  filters: readonly AclFilter[],
): Promise<ItemResult<AclBinding[]>[]> {
  const wire = filters.map(filterWire);
  if (wire.length === 0) return [];
  const res = await client.request("any", API_TABLE[31], { filters: wire });
  return filters.map((f, i) => {
    const r = res.filterResults[i];
    const code = r?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    if (code !== 0) {
      return failed<AclBinding[]>(
        aclLabel(f),
        new KafkaError(code, {
          api: "DeleteAcls",
          detail: `${aclLabel(f)}${r?.errorMessage ? `: ${r.errorMessage}` : ""}`,
        }),
      );
    }
    const bad = r!.matchingAcls.find((m) => m.errorCode !== 0);
    if (bad) {
      return failed<AclBinding[]>(
        aclLabel(f),
        new KafkaError(bad.errorCode, {
          api: "DeleteAcls",
          detail: `${aclLabel(binding(bad))}${bad.errorMessage ? `: ${bad.errorMessage}` : ""}`,
        }),
      );
    }
    return ok(aclLabel(f), r!.matchingAcls.map(binding));
  });
}
