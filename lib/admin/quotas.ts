// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Client quotas (DescribeClientQuotas, AlterClientQuotas): byte rates, request percentages and
 * connection rates per user, client id or IP, or their defaults.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import { failed, type ItemResult, ok } from "./admin_error.ts";

/**
 * A quota entity: entity type (`user`, `client-id`, `ip`) to name; `null` names the default,
 * e.g. `{ user: "alice", "client-id": null }`.
 */
export type QuotaEntity = Record<string, string | null>;

/** One filter component: an entity type and what its name must be. */
export interface QuotaFilter {
  /** `user`, `client-id` or `ip`. */
  entityType: string;
  /** A name to match exactly; `null` for the default entity; unset for any name. */
  match?: string | null;
}

/** An entity's quotas. */
export interface EntityQuotas {
  /** The entity. */
  entity: QuotaEntity;
  /** Its quotas, e.g. `{ "producer_byte_rate": 1048576 }`. */
  values: Record<string, number>;
}

/** A change for {@linkcode alterClientQuotas}. */
export interface QuotaAlteration {
  /** The entity. */
  entity: QuotaEntity;
  /** Quotas to set. */
  set?: Record<string, number>;
  /** Quotas to remove. */
  remove?: readonly string[];
}

/** `user=alice,client-id=<default>`, how results are named. */
export function quotaEntityName(e: QuotaEntity): string {
  return Object.entries(e).map(([k, v]) => `${k}=${v ?? "<default>"}`).join(",");
}

/**
 * The quotas of the entities that match every filter component (`strict`: entities with no other
 * component).
 *
 * @example A filter needs an entity type
 * ```ts
 * import { describeClientQuotas } from "./quotas.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(describeClientQuotas({} as never, [{ entityType: "" }]), RangeError);
 * ```
 */
export async function describeClientQuotas(
  client: Client,
  filter: readonly QuotaFilter[] = [],
  options: { strict?: boolean } = {},
): Promise<EntityQuotas[]> {
  for (const f of filter) {
    if (typeof f?.entityType !== "string" || f.entityType === "") {
      throw new RangeError("Cannot describe quotas as a filter component has no entityType");
    }
  }
  const res = await client.request("any", API_TABLE[48], {
    components: filter.map((f) => ({
      entityType: f.entityType,
      matchType: f.match === undefined ? 2 : f.match === null ? 1 : 0,
      match: f.match ?? null,
    })),
    strict: options.strict ?? false,
  });
  if (res.errorCode !== 0) {
    throw new KafkaError(res.errorCode, { api: "DescribeClientQuotas", detail: res.errorMessage });
  }
  return (res.entries ?? []).map((e) => ({
    entity: Object.fromEntries(e.entity.map((x) => [x.entityType, x.entityName])),
    values: Object.fromEntries(e.values.map((v) => [v.key, v.value])),
  }));
}

/**
 * Sets and removes quotas of entities, one result per entity.
 *
 * @example A quota value must be a number
 * ```ts
 * import { alterClientQuotas } from "./quotas.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   alterClientQuotas({} as never, [{ entity: { user: "a" }, set: { producer_byte_rate: NaN } }]),
 *   RangeError,
 * );
 * ```
 */
export async function alterClientQuotas(
  client: Client,
  alterations: readonly QuotaAlteration[],
  options: { validateOnly?: boolean } = {},
): Promise<ItemResult<QuotaEntity>[]> {
  for (const a of alterations) {
    if (a === null || typeof a.entity !== "object" || Object.keys(a.entity).length === 0) {
      throw new RangeError("Cannot alter quotas as an alteration has no entity");
    }
    for (const [k, v] of Object.entries(a.set ?? {})) {
      if (!Number.isFinite(v) || v < 0) {
        throw new RangeError(
          `Cannot alter quotas of ${
            quotaEntityName(a.entity)
          } as "${k}" must be a number >= 0: current value is ${v}`,
        );
      }
    }
  }
  if (alterations.length === 0) return [];
  const res = await client.request("any", API_TABLE[49], {
    entries: alterations.map((a) => ({
      entity: Object.entries(a.entity).map(([entityType, entityName]) => ({
        entityType,
        entityName,
      })),
      ops: [
        ...Object.entries(a.set ?? {}).map(([key, value]) => ({ key, value, remove: false })),
        ...(a.remove ?? []).map((key) => ({ key, value: 0, remove: true })),
      ],
    })),
    validateOnly: options.validateOnly ?? false,
  });
  // Answers name their entity; the broker need not keep the request's order.
  const key = (e: readonly { entityType: string; entityName: string | null }[]): string =>
    e.map((x) => `${x.entityType}=${x.entityName ?? "\0"}`).sort().join(",");
  const byEntity = new Map(res.entries.map((r) => [key(r.entity), r]));
  return alterations.map((a) => {
    const r = byEntity.get(
      key(Object.entries(a.entity).map(([entityType, entityName]) => ({ entityType, entityName }))),
    );
    const code = r?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    const name = quotaEntityName(a.entity);
    return code === 0 ? ok(name, a.entity) : failed<QuotaEntity>(
      name,
      new KafkaError(code, {
        api: "AlterClientQuotas",
        detail: `${name}${r?.errorMessage ? `: ${r.errorMessage}` : ""}`,
      }),
    );
  });
}
