// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The cluster: its description (DescribeCluster), its features (ApiVersions, UpdateFeatures)
 * and its KRaft quorum (DescribeQuorum).
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import type { BrokerInfo } from "../client/metadata_cache.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import { failed, type ItemResult, ok } from "./admin_error.ts";
import { type AclOperation, operationsFromBits } from "./acl_types.ts";

/** The cluster as DescribeCluster reports it. */
export interface ClusterDescription {
  /** The cluster id. */
  clusterId: string;
  /** The controller's node id as brokers report it. */
  controllerId: number;
  /** The brokers. */
  brokers: BrokerInfo[];
  /** What the caller may do with the cluster, when asked for. */
  authorizedOperations?: AclOperation[] | null;
}

/** The cluster's features. */
export interface FeatureDescription {
  /** The features the answering broker supports, with their version ranges. */
  supported: Record<string, { min: number; max: number }>;
  /** The features finalized for the cluster, with their levels. */
  finalized: Record<string, { min: number; max: number }>;
  /** The epoch of the finalized features, or -1. */
  epoch: number;
}

/** A voter or observer of the quorum. */
export interface QuorumReplica {
  /** Its node id. */
  nodeId: number;
  /** Its log end offset. */
  logEndOffset: number;
  /** When the leader last heard from it (ms), or -1. */
  lastFetchTimestamp: number;
  /** When it last caught up (ms), or -1. */
  lastCaughtUpTimestamp: number;
}

/** The KRaft metadata quorum. */
export interface QuorumDescription {
  /** The leader's node id. */
  leaderId: number;
  /** The leader epoch. */
  leaderEpoch: number;
  /** The high watermark of the metadata log. */
  highWatermark: number;
  /** The voters. */
  voters: QuorumReplica[];
  /** The observers (brokers that are not voters). */
  observers: QuorumReplica[];
}

/**
 * The cluster's id, controller and brokers.
 *
 * @example
 * ```ts ignore
 * import { Client } from "../client/client.ts";
 * import { describeCluster } from "./cluster.ts";
 *
 * await using client = await Client.connect({ brokers: "127.0.0.1:9092" });
 * console.log((await describeCluster(client)).brokers);
 * ```
 */
export async function describeCluster(
  client: Client,
  options: { includeAuthorizedOperations?: boolean } = {},
): Promise<ClusterDescription> {
  const res = await client.request("any", API_TABLE[60], {
    includeClusterAuthorizedOperations: options.includeAuthorizedOperations ?? false,
  });
  if (res.errorCode !== 0) {
    throw new KafkaError(res.errorCode, { api: "DescribeCluster", detail: res.errorMessage });
  }
  const ops = res.clusterAuthorizedOperations;
  return {
    clusterId: res.clusterId,
    controllerId: res.controllerId ?? -1,
    brokers: res.brokers
      .map((b) => ({ nodeId: b.brokerId, host: b.host, port: b.port, rack: b.rack ?? null }))
      .sort((a, b) => a.nodeId - b.nodeId),
    ...(options.includeAuthorizedOperations
      ? {
        authorizedOperations: ops !== undefined && ops !== -2147483648
          ? operationsFromBits(ops)
          : null,
      }
      : {}),
  };
}

/**
 * The features a broker supports and the cluster's finalized feature levels, from ApiVersions.
 *
 * @example
 * ```ts ignore
 * import { Client } from "../client/client.ts";
 * import { describeFeatures } from "./cluster.ts";
 *
 * await using client = await Client.connect({ brokers: "127.0.0.1:9092" });
 * console.log((await describeFeatures(client)).finalized["metadata.version"]);
 * ```
 */
export async function describeFeatures(client: Client): Promise<FeatureDescription> {
  const res = await client.request("any", API_TABLE[18], {
    clientSoftwareName: "kanal",
    clientSoftwareVersion: "0",
  });
  if (res.errorCode !== 0) throw new KafkaError(res.errorCode, { api: "ApiVersions" });
  return {
    supported: Object.fromEntries(
      (res.supportedFeatures ?? []).map((f) => [f.name, { min: f.minVersion, max: f.maxVersion }]),
    ),
    finalized: Object.fromEntries(
      (res.finalizedFeatures ?? []).map((
        f,
      ) => [f.name, { min: f.minVersionLevel, max: f.maxVersionLevel }]),
    ),
    epoch: Number(res.finalizedFeaturesEpoch ?? -1n),
  };
}

/** A feature level change for {@linkcode updateFeatures}. */
export interface FeatureUpdate {
  /** The feature, e.g. `transaction.version`. */
  feature: string;
  /** The new maximum level (0 removes the feature). */
  level: number;
  /** How: `upgrade`, `safe-downgrade` or `unsafe-downgrade`. @default {"upgrade"} */
  type?: "upgrade" | "safe-downgrade" | "unsafe-downgrade";
}

/**
 * Changes finalized feature levels (UpdateFeatures), one result per feature.
 *
 * @example A level must be an integer >= 0
 * ```ts
 * import { updateFeatures } from "./cluster.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(updateFeatures({} as never, [{ feature: "f", level: -1 }]), RangeError);
 * ```
 */
export async function updateFeatures(
  client: Client,
  updates: readonly FeatureUpdate[],
  options: { validateOnly?: boolean; timeoutMs?: number } = {},
): Promise<ItemResult<string>[]> {
  const TYPES = { "upgrade": 1, "safe-downgrade": 2, "unsafe-downgrade": 3 } as const;
  for (const u of updates) {
    if (typeof u?.feature !== "string" || u.feature === "") {
      throw new RangeError("Cannot update a feature as it has no name");
    }
    if (!(Number.isInteger(u.level) && u.level >= 0 && u.level < 32768)) {
      throw new RangeError(
        `Cannot update feature "${u.feature}" as its level must be 0 to 32767: current value is ${u.level}`,
      );
    }
    if (!((u.type ?? "upgrade") in TYPES)) {
      throw new RangeError(
        `Cannot update feature "${u.feature}" as type must be upgrade, safe-downgrade or unsafe-downgrade`,
      );
    }
  }
  if (updates.length === 0) return [];
  const timeoutMs = options.timeoutMs ?? 30_000;
  const res = await client.request("any", API_TABLE[57], {
    timeoutMs,
    featureUpdates: updates.map((u) => ({
      feature: u.feature,
      maxVersionLevel: u.level,
      allowDowngrade: (u.type ?? "upgrade") !== "upgrade",
      upgradeType: TYPES[u.type ?? "upgrade"],
    })),
    validateOnly: options.validateOnly ?? false,
  }, { timeoutMs: timeoutMs + 5000 });
  return updates.map((u) => {
    const r = res.results?.find((x) => x.feature === u.feature);
    const code = res.errorCode !== 0 ? res.errorCode : r?.errorCode ?? 0;
    return code === 0 ? ok(u.feature, u.feature) : failed<string>(
      u.feature,
      new KafkaError(code, {
        api: "UpdateFeatures",
        detail: `${u.feature}: ${(res.errorCode !== 0 ? res.errorMessage : r?.errorMessage) ?? ""}`,
      }),
    );
  });
}

/**
 * The KRaft metadata quorum: leader, epoch, high watermark, voters and observers.
 *
 * @example
 * ```ts ignore
 * import { Client } from "../client/client.ts";
 * import { describeQuorum } from "./cluster.ts";
 *
 * await using client = await Client.connect({ brokers: "127.0.0.1:9092" });
 * console.log((await describeQuorum(client)).leaderId);
 * ```
 */
export async function describeQuorum(client: Client): Promise<QuorumDescription> {
  const res = await client.request("any", API_TABLE[55], {
    topics: [{ topicName: "__cluster_metadata", partitions: [{ partitionIndex: 0 }] }],
  });
  if (res.errorCode !== 0) {
    throw new KafkaError(res.errorCode, { api: "DescribeQuorum", detail: res.errorMessage });
  }
  const p = res.topics[0]?.partitions[0];
  if (!p) {
    throw new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, {
      api: "DescribeQuorum",
      detail: "no partition in the answer",
    });
  }
  if (p.errorCode !== 0) {
    throw new KafkaError(p.errorCode, { api: "DescribeQuorum", detail: p.errorMessage });
  }
  const replica = (r: (typeof p.currentVoters)[number]): QuorumReplica => ({
    nodeId: r.replicaId,
    logEndOffset: Number(r.logEndOffset),
    lastFetchTimestamp: Number(r.lastFetchTimestamp ?? -1n),
    lastCaughtUpTimestamp: Number(r.lastCaughtUpTimestamp ?? -1n),
  });
  return {
    leaderId: p.leaderId,
    leaderEpoch: p.leaderEpoch,
    highWatermark: Number(p.highWatermark),
    voters: p.currentVoters.map(replica),
    observers: p.observers.map(replica),
  };
}
