// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The names of Kafka's ACL enums (resource types, pattern types, operations, permissions) and
 * their wire codes.
 *
 * @module
 */

/** What an ACL applies to. */
export type AclResourceType =
  | "ANY"
  | "TOPIC"
  | "GROUP"
  | "CLUSTER"
  | "TRANSACTIONAL_ID"
  | "DELEGATION_TOKEN"
  | "USER";
/** How an ACL's resource name matches. */
export type AclPatternType = "ANY" | "MATCH" | "LITERAL" | "PREFIXED";
/** What an ACL allows or denies. */
export type AclOperation =
  | "ANY"
  | "ALL"
  | "READ"
  | "WRITE"
  | "CREATE"
  | "DELETE"
  | "ALTER"
  | "DESCRIBE"
  | "CLUSTER_ACTION"
  | "DESCRIBE_CONFIGS"
  | "ALTER_CONFIGS"
  | "IDEMPOTENT_WRITE"
  | "CREATE_TOKENS"
  | "DESCRIBE_TOKENS"
  | "TWO_PHASE_COMMIT";
/** Whether an ACL allows or denies. */
export type AclPermission = "ANY" | "DENY" | "ALLOW";

const RESOURCE: readonly string[] = [
  "UNKNOWN",
  "ANY",
  "TOPIC",
  "GROUP",
  "CLUSTER",
  "TRANSACTIONAL_ID",
  "DELEGATION_TOKEN",
  "USER",
];
const PATTERN: readonly string[] = ["UNKNOWN", "ANY", "MATCH", "LITERAL", "PREFIXED"];
const OPERATION: readonly string[] = [
  "UNKNOWN",
  "ANY",
  "ALL",
  "READ",
  "WRITE",
  "CREATE",
  "DELETE",
  "ALTER",
  "DESCRIBE",
  "CLUSTER_ACTION",
  "DESCRIBE_CONFIGS",
  "ALTER_CONFIGS",
  "IDEMPOTENT_WRITE",
  "CREATE_TOKENS",
  "DESCRIBE_TOKENS",
  "TWO_PHASE_COMMIT",
];
const PERMISSION: readonly string[] = ["UNKNOWN", "ANY", "DENY", "ALLOW"];

/** Which ACL enum a name or code belongs to. */
export type AclEnumKind = "resourceType" | "patternType" | "operation" | "permission";

const TABLES: Readonly<Record<AclEnumKind, readonly string[]>> = {
  resourceType: RESOURCE,
  patternType: PATTERN,
  operation: OPERATION,
  permission: PERMISSION,
};

/**
 * The wire code of an ACL enum name (case-insensitive; `-` may stand for `_`).
 *
 * @throws {RangeError} naming the allowed values for an unknown name.
 *
 * @example
 * ```ts
 * import { aclCode, aclName } from "./acl_types.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(aclCode("operation", "read"), 3);
 * assert.equal(aclName("operation", 3), "READ");
 * assert.throws(() => aclCode("permission", "maybe"), RangeError);
 * ```
 */
export function aclCode(kind: AclEnumKind, name: string): number {
  const table = TABLES[kind];
  const i = table.indexOf(String(name).toUpperCase().replaceAll("-", "_"));
  if (i <= 0) {
    throw new RangeError(
      `Cannot use ACL ${kind} as it must be one of ${table.slice(1).join(", ")}: current value is ${
        JSON.stringify(name)
      }`,
    );
  }
  return i;
}

/**
 * The name of an ACL enum's wire code; `UNKNOWN` for a code Kafka has not defined.
 *
 * @example
 * ```ts
 * import { aclName } from "./acl_types.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(aclName("resourceType", 2), "TOPIC");
 * assert.equal(aclName("resourceType", 99), "UNKNOWN");
 * ```
 */
export function aclName(kind: AclEnumKind, code: number): string {
  return TABLES[kind][code] ?? "UNKNOWN";
}

/**
 * The operations in an authorized-operations bit field (bit n set: operation code n allowed).
 *
 * @example
 * ```ts
 * import { operationsFromBits } from "./acl_types.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(operationsFromBits((1 << 3) | (1 << 8)), ["READ", "DESCRIBE"]);
 * ```
 */
export function operationsFromBits(bits: number): AclOperation[] {
  const out: AclOperation[] = [];
  for (let i = 2; i < OPERATION.length; i++) {
    if (bits & (1 << i)) out.push(OPERATION[i] as AclOperation);
  }
  return out;
}
