// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Configs of topics, brokers, broker loggers, groups and client-metrics subscriptions:
 * describe (DescribeConfigs) and alter incrementally (IncrementalAlterConfigs). A resource of
 * one broker goes to that broker; the others to any broker, which forwards to the controller.
 *
 * @module
 */

import type { Client, RequestTarget } from "../client/client.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import { failed, type ItemResult, ok } from "./admin_error.ts";

/** The kinds of resources that have configs. */
export type ConfigResourceType = "topic" | "broker" | "broker-logger" | "group" | "client-metrics";

/** A resource whose configs are described or altered; a broker is named by its node id. */
export interface ConfigResource {
  /** Its kind. */
  type: ConfigResourceType;
  /** Its name: the topic, the group, the broker id (`""` for the cluster-wide default). */
  name: string;
}

/** One config entry as the broker reports it. */
export interface ConfigEntry {
  /** The key, e.g. `retention.ms`. */
  name: string;
  /** The value; `null` when sensitive or unset. */
  value: string | null;
  /** Where the value comes from, e.g. `DYNAMIC_TOPIC_CONFIG` or `DEFAULT_CONFIG`. */
  source: string;
  /** Whether it cannot be altered. */
  readOnly: boolean;
  /** Whether the value is hidden. */
  sensitive: boolean;
}

/** A described resource. */
export interface ResourceConfigs {
  /** The resource. */
  resource: ConfigResource;
  /** Its entries, sorted by name. */
  entries: ConfigEntry[];
}

/** One change for {@linkcode alterConfigs}: set, delete (back to the default), append or subtract. */
export interface ConfigChange {
  /** The key. */
  name: string;
  /** What to do. @default {"set"} */
  op?: "set" | "delete" | "append" | "subtract";
  /** The value (not needed for delete). */
  value?: string | null;
}

const RESOURCE_CODE: Readonly<Record<ConfigResourceType, number>> = {
  "topic": 2,
  "broker": 4,
  "broker-logger": 8,
  "client-metrics": 16,
  "group": 32,
};
const SOURCES: readonly string[] = [
  "UNKNOWN",
  "DYNAMIC_TOPIC_CONFIG",
  "DYNAMIC_BROKER_CONFIG",
  "DYNAMIC_DEFAULT_BROKER_CONFIG",
  "STATIC_BROKER_CONFIG",
  "DEFAULT_CONFIG",
  "DYNAMIC_BROKER_LOGGER_CONFIG",
  "CLIENT_METRICS_CONFIG",
  "GROUP_CONFIG",
];
const OPS = { set: 0, delete: 1, append: 2, subtract: 3 } as const;

function label(r: ConfigResource): string {
  return `${r.type} ${JSON.stringify(r.name)}`;
}

function check(r: ConfigResource): void {
  if (r === null || typeof r !== "object" || !(r.type in RESOURCE_CODE)) {
    throw new RangeError(
      `Cannot use config resource as its type must be one of ${
        Object.keys(RESOURCE_CODE).join(", ")
      }: current value is ${JSON.stringify(r?.type)}`,
    );
  }
  if (typeof r.name !== "string") {
    throw new TypeError(`Cannot use config resource as its name must be a string`);
  }
  if ((r.type === "broker" || r.type === "broker-logger") && !/^(\d+)?$/.test(r.name)) {
    throw new RangeError(
      `Cannot use ${r.type} config resource as its name must be a node id: current value is ${
        JSON.stringify(r.name)
      }`,
    );
  }
  if (r.type === "broker-logger" && r.name === "") {
    throw new RangeError("Cannot use broker-logger config resource as it must name a broker");
  }
  if ((r.type === "topic" || r.type === "group") && r.name === "") {
    throw new RangeError(`Cannot use ${r.type} config resource as it has no name`);
  }
}

// One broker's own configs are held by that broker; everything else any broker answers.
function target(r: ConfigResource): RequestTarget {
  return (r.type === "broker" || r.type === "broker-logger") && r.name !== ""
    ? Number(r.name)
    : "any";
}

function groupByTarget<T extends { resource: ConfigResource }>(
  items: readonly T[],
): Map<RequestTarget, number[]> {
  const out = new Map<RequestTarget, number[]>();
  items.forEach((it, i) => {
    const t = target(it.resource);
    const list = out.get(t);
    if (list) list.push(i);
    else out.set(t, [i]);
  });
  return out;
}

/**
 * Describes the configs of resources, one result per resource; `keys` limits the entries.
 *
 * @example A resource type must be known
 * ```ts
 * import { describeConfigs } from "./configs.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   describeConfigs({} as never, [{ type: "table" as never, name: "t" }]),
 *   RangeError,
 * );
 * ```
 */
export async function describeConfigs(
  client: Client,
  resources: readonly ConfigResource[],
  options: { keys?: readonly string[] } = {},
): Promise<ItemResult<ResourceConfigs>[]> {
  for (const r of resources) check(r);
  const results: ItemResult<ResourceConfigs>[] = new Array(resources.length);
  const items = resources.map((resource) => ({ resource }));
  await Promise.all([...groupByTarget(items)].map(async ([to, idx]) => {
    const res = await client.request(to, API_TABLE[32], {
      resources: idx.map((i) => ({
        resourceType: RESOURCE_CODE[resources[i]!.type],
        resourceName: resources[i]!.name,
        configurationKeys: options.keys ? [...options.keys] : null,
      })),
      includeSynonyms: false,
      includeDocumentation: false,
    });
    const byKey = new Map(res.results.map((r) => [`${r.resourceType}\0${r.resourceName}`, r]));
    idx.forEach((i) => {
      const resource = resources[i]!;
      const r = byKey.get(`${RESOURCE_CODE[resource.type]}\0${resource.name}`);
      if (r === undefined || r.errorCode !== 0) {
        results[i] = failed(
          label(resource),
          new KafkaError(r?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, {
            api: "DescribeConfigs",
            detail: `${label(resource)}${r?.errorMessage ? `: ${r.errorMessage}` : ""}`,
          }),
        );
        return;
      }
      results[i] = ok(label(resource), {
        resource,
        entries: r.configs.map((c) => ({
          name: c.name,
          value: c.value,
          source: SOURCES[c.configSource ?? 0] ?? "UNKNOWN",
          readOnly: c.readOnly,
          sensitive: c.isSensitive,
        })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      });
    });
  }));
  return results;
}

/**
 * Alters configs incrementally (IncrementalAlterConfigs): only the named keys change. One result
 * per resource.
 *
 * @example An unknown operation is refused before anything is sent
 * ```ts
 * import { alterConfigs } from "./configs.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   alterConfigs({} as never, [{
 *     resource: { type: "topic", name: "t" },
 *     changes: [{ name: "retention.ms", op: "double" as never, value: "1" }],
 *   }]),
 *   RangeError,
 * );
 * ```
 */
export async function alterConfigs(
  client: Client,
  alterations: readonly { resource: ConfigResource; changes: readonly ConfigChange[] }[],
  options: { validateOnly?: boolean } = {},
): Promise<ItemResult<ConfigResource>[]> {
  for (const a of alterations) {
    check(a.resource);
    for (const c of a.changes) {
      if (!(typeof c.name === "string" && c.name.length > 0)) {
        throw new RangeError(`Cannot alter ${label(a.resource)} as a change has no key`);
      }
      if (!((c.op ?? "set") in OPS)) {
        throw new RangeError(
          `Cannot alter ${
            label(a.resource)
          } as op must be one of set, delete, append, subtract: current value is ${
            JSON.stringify(c.op)
          }`,
        );
      }
      if ((c.op ?? "set") !== "delete" && typeof c.value !== "string") {
        throw new RangeError(
          `Cannot alter ${label(a.resource)} as "${c.name}" needs a string value`,
        );
      }
    }
  }
  const results: ItemResult<ConfigResource>[] = new Array(alterations.length);
  await Promise.all([...groupByTarget(alterations)].map(async ([to, idx]) => {
    const res = await client.request(to, API_TABLE[44], {
      resources: idx.map((i) => {
        const a = alterations[i]!;
        return {
          resourceType: RESOURCE_CODE[a.resource.type],
          resourceName: a.resource.name,
          configs: a.changes.map((c) => ({
            name: c.name,
            configOperation: OPS[c.op ?? "set"],
            value: (c.op ?? "set") === "delete" ? null : c.value ?? null,
          })),
        };
      }),
      validateOnly: options.validateOnly ?? false,
    });
    const byKey = new Map(res.responses.map((r) => [`${r.resourceType}\0${r.resourceName}`, r]));
    idx.forEach((i) => {
      const resource = alterations[i]!.resource;
      const r = byKey.get(`${RESOURCE_CODE[resource.type]}\0${resource.name}`);
      results[i] = r !== undefined && r.errorCode === 0 ? ok(label(resource), resource) : failed(
        label(resource),
        new KafkaError(r?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, {
          api: "IncrementalAlterConfigs",
          detail: `${label(resource)}${r?.errorMessage ? `: ${r.errorMessage}` : ""}`,
        }),
      );
    });
  }));
  return results;
}
