// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * `kanal metadata` (kcat's `-L`): brokers, the controller, the cluster id, and each topic's
 * partitions with leader, replicas and ISR, in kcat's layout or as JSON.
 *
 * @module
 */

import { FORMAT_FLAG } from "./_admin_output.ts";
import { Client } from "../client/client.ts";
import type { ClusterMetadata, TopicInfo } from "../client/metadata_cache.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { UsageError } from "./args.ts";
import { CLIENT_FLAGS, clientOptionsFromArgs } from "./client_options.ts";
import type { Command } from "./command.ts";

/**
 * The topics to show: the ones asked for, in the order asked, or every topic the cluster
 * listed. A topic asked for that the answer left out shows as `UNKNOWN_TOPIC_OR_PARTITION`.
 *
 * @example A topic the cluster does not know
 * ```ts
 * import { selectTopics } from "./metadata_command.ts";
 * import assert from "node:assert/strict";
 *
 * const meta = {
 *   clusterId: "c", controllerId: 1, brokers: new Map(), topics: new Map(), updatedAt: 0,
 * };
 * assert.equal(selectTopics(meta, ["nope"])[0]?.errorCode, 3);
 * assert.deepEqual(selectTopics(meta, null), []);
 * ```
 */
export function selectTopics(
  meta: ClusterMetadata,
  requested: readonly string[] | null,
): TopicInfo[] {
  if (requested === null) return [...meta.topics.values()];
  return requested.map((name) =>
    meta.topics.get(name) ?? {
      name,
      topicId: "AAAAAAAAAAAAAAAAAAAAAA",
      isInternal: false,
      partitions: [],
      errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    }
  );
}

/**
 * The metadata as text, in kcat's `-L` layout with the cluster id in the first line:
 *
 * ```text
 * Metadata for all topics (cluster id: 4L6g3nShT-eMCtK--X86sw):
 *  1 brokers:
 *   broker 1 at 127.0.0.1:9092 (controller)
 *  1 topics:
 *   topic "orders" with 1 partitions:
 *     partition 0, leader 1, replicas: 1, isrs: 1
 * ```
 *
 * Topic and partition errors follow their line as kcat puts them; offline replicas, which kcat
 * does not show, follow the ISR as `, offline: 2,3`.
 *
 * @param requested the topics asked for, for the heading; `null` for all.
 *
 * @example One broker, one partition
 * ```ts
 * import { formatMetadataText } from "./metadata_command.ts";
 * import assert from "node:assert/strict";
 *
 * const topic = {
 *   name: "orders", topicId: "AAAAAAAAAAAAAAAAAAAAAA", isInternal: false, errorCode: 0,
 *   partitions: [{
 *     partition: 0, leader: 1, leaderEpoch: 0, replicas: [1], isr: [1], offlineReplicas: [],
 *     errorCode: 0,
 *   }],
 * };
 * const meta = {
 *   clusterId: "c1", controllerId: 1, updatedAt: 0, topics: new Map([["orders", topic]]),
 *   brokers: new Map([[1, { nodeId: 1, host: "b1", port: 9092, rack: null }]]),
 * };
 * assert.equal(
 *   formatMetadataText(meta, [topic], null),
 *   "Metadata for all topics (cluster id: c1):\n" +
 *     " 1 brokers:\n" +
 *     "  broker 1 at b1:9092 (controller)\n" +
 *     " 1 topics:\n" +
 *     '  topic "orders" with 1 partitions:\n' +
 *     "    partition 0, leader 1, replicas: 1, isrs: 1\n",
 * );
 * ```
 */
export function formatMetadataText(
  meta: ClusterMetadata,
  topics: readonly TopicInfo[],
  requested: readonly string[] | null,
): string {
  const lines: string[] = [
    `Metadata for ${requested === null ? "all topics" : requested.join(", ")} ` +
    `(cluster id: ${meta.clusterId ?? "unknown"}):`,
    ` ${meta.brokers.size} brokers:`,
  ];
  for (const b of meta.brokers.values()) {
    lines.push(
      `  broker ${b.nodeId} at ${b.host}:${b.port}${
        b.nodeId === meta.controllerId ? " (controller)" : ""
      }`,
    );
  }
  lines.push(` ${topics.length} topics:`);
  for (const t of topics) {
    lines.push(
      `  topic "${t.name}" with ${t.partitions.length} partitions:${
        t.errorCode !== 0 ? ` ${errorText(t.errorCode)}` : ""
      }`,
    );
    for (const p of t.partitions) {
      lines.push(
        `    partition ${p.partition}, leader ${p.leader}, replicas: ${p.replicas.join(",")}, ` +
          `isrs: ${p.isr.join(",")}` +
          (p.offlineReplicas.length > 0 ? `, offline: ${p.offlineReplicas.join(",")}` : "") +
          (p.errorCode !== 0 ? `, ${errorText(p.errorCode)}` : ""),
      );
    }
  }
  return lines.join("\n") + "\n";
}

/** The JSON {@linkcode metadataJson} returns, kcat's `-L -J` shape plus kanal's extras. */
export interface MetadataJson {
  /** The cluster id (not in kcat's output). */
  clusterid: string | null;
  /** What was asked: `*` for all topics, else the topic names joined with commas. */
  query: { topic: string };
  /** The controller's node id as the broker reported it. */
  controllerid: number;
  /** The brokers: `name` is `host:port`. */
  brokers: { id: number; name: string; rack: string | null }[];
  /** The topics; `error` and `error_code` only when the topic has an error. */
  topics: {
    topic: string;
    topic_id: string;
    internal: boolean;
    error?: string;
    error_code?: number;
    partitions: {
      partition: number;
      leader: number;
      leader_epoch: number;
      error?: string;
      error_code?: number;
      replicas: { id: number }[];
      isrs: { id: number }[];
      offline_replicas: { id: number }[];
    }[];
  }[];
}

/**
 * The metadata as JSON in the shape of kcat's `-L -J` (so tools reading kcat's output can read
 * this), plus the cluster id, topic ids, the internal flag, leader epochs and offline replicas.
 * Errors are Kafka's error names, e.g. `"UNKNOWN_TOPIC_OR_PARTITION"`, with `error_code`.
 *
 * @example The shape
 * ```ts
 * import { metadataJson } from "./metadata_command.ts";
 * import assert from "node:assert/strict";
 *
 * const meta = {
 *   clusterId: "c1", controllerId: 2, updatedAt: 0, topics: new Map(),
 *   brokers: new Map([[2, { nodeId: 2, host: "b2", port: 9092, rack: "r1" }]]),
 * };
 * const missing = {
 *   name: "nope", topicId: "AAAAAAAAAAAAAAAAAAAAAA", isInternal: false, errorCode: 3, partitions: [],
 * };
 * assert.deepEqual(metadataJson(meta, [missing], ["nope"]), {
 *   clusterid: "c1",
 *   query: { topic: "nope" },
 *   controllerid: 2,
 *   brokers: [{ id: 2, name: "b2:9092", rack: "r1" }],
 *   topics: [{
 *     topic: "nope", topic_id: "AAAAAAAAAAAAAAAAAAAAAA", internal: false,
 *     error: "UNKNOWN_TOPIC_OR_PARTITION", error_code: 3, partitions: [],
 *   }],
 * });
 * ```
 */
export function metadataJson(
  meta: ClusterMetadata,
  topics: readonly TopicInfo[],
  requested: readonly string[] | null,
): MetadataJson {
  const ids = (list: readonly number[]): { id: number }[] => list.map((id) => ({ id }));
  return {
    clusterid: meta.clusterId,
    query: { topic: requested === null ? "*" : requested.join(",") },
    controllerid: meta.controllerId,
    brokers: [...meta.brokers.values()].map((b) => ({
      id: b.nodeId,
      name: `${b.host}:${b.port}`,
      rack: b.rack,
    })),
    topics: topics.map((t) => ({
      topic: t.name,
      topic_id: t.topicId,
      internal: t.isInternal,
      ...errorFields(t.errorCode),
      partitions: t.partitions.map((p) => ({
        partition: p.partition,
        leader: p.leader,
        leader_epoch: p.leaderEpoch,
        ...errorFields(p.errorCode),
        replicas: ids(p.replicas),
        isrs: ids(p.isr),
        offline_replicas: ids(p.offlineReplicas),
      })),
    })),
  };
}

/**
 * `kanal metadata -b BROKERS [-t TOPIC]... [-J]`, also `kanal -L …`. Exits 1, after printing
 * what it got, when a topic asked for has an error (e.g. it does not exist).
 *
 * @example It answers to kcat's -L
 * ```ts
 * import { metadataCommand } from "./metadata_command.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(metadataCommand.name, "metadata");
 * assert.equal(metadataCommand.alias, "L");
 * ```
 */
export const metadataCommand: Command = {
  name: "metadata",
  alias: "L",
  summary: "List brokers, the controller and topics with their partitions (kcat -L)",
  usage:
    "kanal metadata -b BROKERS [-t TOPIC]... [-J | --format table|json] [-X KEY=VALUE]... [-m SECONDS]",
  flags: [
    ...CLIENT_FLAGS,
    {
      name: "topic",
      short: "t",
      value: "TOPIC",
      repeatable: true,
      description: "Only this topic (may be repeated); default: every topic",
    },
    { name: "json", short: "J", description: "Print JSON in kcat's -L -J shape" },
    { ...FORMAT_FLAG, description: "Output format (default: table); json is -J" },
  ],
  async run(args, io) {
    const extra = args.positionals[0];
    if (extra !== undefined) {
      throw new UsageError(
        `Cannot read "${extra}" as metadata takes no arguments: name topics with -t TOPIC`,
      );
    }
    const format = args.get("format") ?? "table";
    if (format !== "table" && format !== "json") {
      throw new UsageError(
        `Cannot use --format as it must be table or json: current value is "${format}"`,
      );
    }
    const options = clientOptionsFromArgs(args);
    const requested = args.all("topic").length > 0 ? [...new Set(args.all("topic"))] : null;
    // Listing must never create a topic, whatever the broker's auto-creation setting.
    const client = await Client.connect({ allowAutoTopicCreation: false, ...options });
    let meta: ClusterMetadata;
    try {
      // connect() has just fetched every topic; only a topic list needs another round trip.
      meta = requested === null ? client.metadata : await client.refreshMetadata(requested);
    } finally {
      await client.close();
    }
    const topics = selectTopics(meta, requested);
    await io.stdout(
      args.has("json") || format === "json"
        ? JSON.stringify(metadataJson(meta, topics, requested)) + "\n"
        : formatMetadataText(meta, topics, requested),
    );
    let code = 0;
    for (const t of topics) {
      if (requested === null || t.errorCode === 0) continue;
      const err = new KafkaError(t.errorCode, { api: "Metadata", topic: t.name });
      await io.stderr(`kanal: ${err.message}\n`);
      code = 1;
    }
    return code;
  },
};

function errorText(code: number): string {
  return new KafkaError(code).message;
}

function errorFields(code: number): { error?: string; error_code?: number } {
  return code === 0 ? {} : { error: new KafkaError(code).errorName, error_code: code };
}
