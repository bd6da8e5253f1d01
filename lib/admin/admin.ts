// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The cluster admin: one object over the admin operations, each in its own file.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import { type ItemResult, settle } from "./admin_error.ts";
import {
  type ClusterDescription,
  describeCluster,
  describeFeatures,
  describeQuorum,
  type FeatureDescription,
  type FeatureUpdate,
  type QuorumDescription,
  updateFeatures,
} from "./cluster.ts";
import {
  alterClientQuotas,
  describeClientQuotas,
  type EntityQuotas,
  type QuotaAlteration,
  type QuotaEntity,
  type QuotaFilter,
} from "./quotas.ts";
import {
  alterUserScramCredentials,
  describeUserScramCredentials,
  type ScramMechanism,
  type ScramUpsertion,
  type UserScramCredentials,
} from "./scram.ts";
import {
  alterPartitionReassignments,
  electLeaders,
  listPartitionReassignments,
  type OngoingReassignment,
} from "./reassignments.ts";
import { alterReplicaLogDirs, describeLogDirs, type LogDir } from "./log_dirs.ts";
import {
  abortTransaction,
  type AbortTransactionSpec,
  type ActiveProducer,
  describeProducers,
  describeTransactions,
  type ListedTransaction,
  listTransactions,
  type TransactionDescription,
} from "./transactions.ts";
import {
  createDelegationToken,
  type DelegationToken,
  describeDelegationTokens,
  expireDelegationToken,
  renewDelegationToken,
} from "./delegation_tokens.ts";
import {
  type CreatedTopic,
  createPartitions,
  createTopics,
  type CreateTopicsOptions,
  deleteTopics,
  describeTopics,
  type NewPartitions,
  type NewTopic,
  type TopicDescription,
} from "./topics.ts";
import {
  alterConfigs,
  type ConfigChange,
  type ConfigResource,
  describeConfigs,
  type ResourceConfigs,
} from "./configs.ts";
import {
  type DeletedRecords,
  deleteRecords,
  type ListedOffset,
  listOffsets,
  type OffsetSpec,
} from "./records.ts";
import type { PartitionRef } from "./_leaders.ts";
import {
  deleteGroups,
  describeGroups,
  type GroupDescription,
  type ListedGroup,
  listGroups,
  removeMembers,
} from "./groups.ts";
import {
  alterGroupOffsets,
  type CommittedOffset,
  deleteGroupOffsets,
  groupLag,
  listGroupOffsets,
  type PartitionLag,
} from "./group_offsets.ts";
import {
  type Acl,
  type AclBinding,
  type AclFilter,
  createAcls,
  deleteAcls,
  describeAcls,
} from "./acls.ts";

export type { CreatedTopic, CreateTopicsOptions, NewTopic } from "./topics.ts";
export type { ClusterDescription } from "./cluster.ts";

/**
 * Cluster administration on top of the client. Requests go where Kafka wants them: admin
 * requests to any broker (KRaft brokers forward to the controller), group requests to the
 * group's coordinator, record requests to partition leaders, log-dir requests to every broker.
 *
 * Batches resolve with every item's value when all succeeded; when any item failed they reject
 * with an {@linkcode AdminError} whose `results` keep every item's outcome. The functions in
 * the per-topic files (`topics.ts`, `configs.ts`, …) return those per-item results directly.
 *
 * @example Create and delete a topic
 * ```ts ignore
 * import { Client } from "../client/client.ts";
 * import { Admin } from "./admin.ts";
 *
 * await using client = await Client.connect({ brokers: "127.0.0.1:9092" });
 * const admin = new Admin(client);
 * await admin.createTopics([{ name: "orders", partitions: 6, replicationFactor: 1 }]);
 * console.log(await admin.listTopics());
 * await admin.deleteTopics(["orders"]);
 * ```
 */
export class Admin {
  readonly #client: Client;

  /** Makes an admin that sends through `client`. */
  constructor(client: Client) {
    this.#client = client;
  }

  /** The client this admin sends through. */
  get client(): Client {
    return this.#client;
  }

  /**
   * Creates topics.
   *
   * @throws {AdminError} when any topic failed (e.g. `TOPIC_ALREADY_EXISTS`), with every
   * topic's outcome in `results`.
   * @throws {RangeError} for a bad partition count or replication factor.
   */
  async createTopics(
    topics: readonly NewTopic[],
    options: CreateTopicsOptions = {},
  ): Promise<CreatedTopic[]> {
    return settle(await createTopics(this.#client, topics, options));
  }

  /**
   * Deletes topics by name and resolves with their names.
   *
   * @throws {AdminError} when any topic failed, e.g. `UNKNOWN_TOPIC_OR_PARTITION`.
   */
  async deleteTopics(
    names: readonly string[],
    options: { timeoutMs?: number } = {},
  ): Promise<string[]> {
    return settle(await deleteTopics(this.#client, names, options));
  }

  /**
   * Describes topics (`null`: every topic), with their authorized operations if asked.
   *
   * @throws {AdminError} when any topic failed, e.g. `UNKNOWN_TOPIC_OR_PARTITION`.
   */
  async describeTopics(
    names: readonly string[] | null,
    options: { includeAuthorizedOperations?: boolean } = {},
  ): Promise<TopicDescription[]> {
    return settle(await describeTopics(this.#client, names, options));
  }

  /**
   * Grows topics to `count` partitions each.
   *
   * @throws {AdminError} when any topic failed, e.g. `INVALID_PARTITIONS`.
   */
  async createPartitions(
    topics: readonly NewPartitions[],
    options: { timeoutMs?: number; validateOnly?: boolean } = {},
  ): Promise<string[]> {
    return settle(await createPartitions(this.#client, topics, options));
  }

  /**
   * Describes the configs of topics, brokers, broker loggers, groups or client-metrics.
   *
   * @throws {AdminError} when any resource failed.
   */
  async describeConfigs(
    resources: readonly ConfigResource[],
    options: { keys?: readonly string[] } = {},
  ): Promise<ResourceConfigs[]> {
    return settle(await describeConfigs(this.#client, resources, options));
  }

  /**
   * Alters configs incrementally: set, delete, append or subtract single keys.
   *
   * @throws {AdminError} when any resource failed, e.g. `INVALID_CONFIG`.
   */
  async alterConfigs(
    alterations: readonly { resource: ConfigResource; changes: readonly ConfigChange[] }[],
    options: { validateOnly?: boolean } = {},
  ): Promise<ConfigResource[]> {
    return settle(await alterConfigs(this.#client, alterations, options));
  }

  /**
   * Deletes records before `offset` in each partition (`-1`: all of them).
   *
   * @throws {AdminError} when any partition failed, e.g. `OFFSET_OUT_OF_RANGE`.
   */
  async deleteRecords(
    partitions: readonly (PartitionRef & { offset: number })[],
    options: { timeoutMs?: number } = {},
  ): Promise<DeletedRecords[]> {
    return settle(await deleteRecords(this.#client, partitions, options));
  }

  /**
   * Lists offsets by spec: earliest, latest, max-timestamp, earliest-local or a timestamp.
   *
   * @throws {AdminError} when any partition failed.
   */
  async listOffsets(
    partitions: readonly (PartitionRef & { spec: OffsetSpec })[],
    options: { isolationLevel?: "read_uncommitted" | "read_committed" } = {},
  ): Promise<ListedOffset[]> {
    return settle(await listOffsets(this.#client, partitions, options));
  }

  /** Lists every broker's groups, optionally by state and type. */
  listGroups(
    options: { states?: readonly string[]; types?: readonly string[] } = {},
  ): Promise<ListedGroup[]> {
    return listGroups(this.#client, options);
  }

  /**
   * Describes groups at their coordinators.
   *
   * @throws {AdminError} when any group failed.
   */
  async describeGroups(
    groupIds: readonly string[],
    options: { includeAuthorizedOperations?: boolean } = {},
  ): Promise<GroupDescription[]> {
    return settle(await describeGroups(this.#client, groupIds, options));
  }

  /**
   * Deletes empty groups.
   *
   * @throws {AdminError} when any group failed, e.g. `NON_EMPTY_GROUP`.
   */
  async deleteGroups(groupIds: readonly string[]): Promise<string[]> {
    return settle(await deleteGroups(this.#client, groupIds));
  }

  /**
   * Removes members from a classic group.
   *
   * @throws {AdminError} when any member failed, e.g. `UNKNOWN_MEMBER_ID`.
   */
  async removeMembers(
    groupId: string,
    members: readonly { memberId?: string; instanceId?: string }[],
    options: { reason?: string } = {},
  ): Promise<string[]> {
    return settle(await removeMembers(this.#client, groupId, members, options));
  }

  /** A group's committed offsets, for some partitions or all it committed for. */
  listGroupOffsets(
    groupId: string,
    partitions?: readonly PartitionRef[],
  ): Promise<CommittedOffset[]> {
    return listGroupOffsets(this.#client, groupId, partitions);
  }

  /**
   * Sets an empty group's committed offsets.
   *
   * @throws {AdminError} when any partition failed.
   */
  async alterGroupOffsets(
    groupId: string,
    offsets: readonly (PartitionRef & { offset: number; metadata?: string })[],
  ): Promise<(PartitionRef & { offset: number })[]> {
    return settle(await alterGroupOffsets(this.#client, groupId, offsets));
  }

  /**
   * Deletes a group's committed offsets for partitions it no longer subscribes to.
   *
   * @throws {AdminError} when any partition failed, e.g. `GROUP_SUBSCRIBED_TO_TOPIC`.
   */
  async deleteGroupOffsets(
    groupId: string,
    partitions: readonly PartitionRef[],
  ): Promise<PartitionRef[]> {
    return settle(await deleteGroupOffsets(this.#client, groupId, partitions));
  }

  /** Each committed partition's lag in a group. */
  groupLag(groupId: string): Promise<PartitionLag[]> {
    return groupLag(this.#client, groupId);
  }

  /**
   * Creates ACLs.
   *
   * @throws {AdminError} when any ACL failed, e.g. `SECURITY_DISABLED`.
   */
  async createAcls(acls: readonly Acl[]): Promise<AclBinding[]> {
    return settle(await createAcls(this.#client, acls));
  }

  /** The ACLs matching a filter. */
  describeAcls(filter: AclFilter = {}): Promise<AclBinding[]> {
    return describeAcls(this.#client, filter);
  }

  /**
   * Deletes the ACLs matching each filter and resolves with those deleted.
   *
   * @throws {AdminError} when any filter failed.
   */
  async deleteAcls(filters: readonly AclFilter[]): Promise<AclBinding[]> {
    return settle(await deleteAcls(this.#client, filters)).flat();
  }

  /** The names of the cluster's topics, sorted; Kafka's internal topics only if asked. */
  async listTopics(options: { includeInternal?: boolean } = {}): Promise<string[]> {
    const meta = await this.#client.refreshMetadata(null);
    return [...meta.topics.values()]
      .filter((t) => options.includeInternal || !t.isInternal)
      .map((t) => t.name)
      .sort();
  }

  /** The cluster's id, controller and brokers (and the caller's operations, if asked). */
  describeCluster(
    options: { includeAuthorizedOperations?: boolean } = {},
  ): Promise<ClusterDescription> {
    return describeCluster(this.#client, options);
  }

  /** The features the cluster supports and has finalized. */
  describeFeatures(): Promise<FeatureDescription> {
    return describeFeatures(this.#client);
  }

  /**
   * Changes finalized feature levels.
   *
   * @throws {AdminError} when any feature failed.
   */
  async updateFeatures(
    updates: readonly FeatureUpdate[],
    options: { validateOnly?: boolean; timeoutMs?: number } = {},
  ): Promise<string[]> {
    return settle(await updateFeatures(this.#client, updates, options));
  }

  /** The KRaft metadata quorum. */
  describeQuorum(): Promise<QuorumDescription> {
    return describeQuorum(this.#client);
  }

  /** The client quotas of the entities matching `filter`. */
  describeClientQuotas(
    filter: readonly QuotaFilter[] = [],
    options: { strict?: boolean } = {},
  ): Promise<EntityQuotas[]> {
    return describeClientQuotas(this.#client, filter, options);
  }

  /**
   * Sets and removes client quotas.
   *
   * @throws {AdminError} when any entity failed.
   */
  async alterClientQuotas(
    alterations: readonly QuotaAlteration[],
    options: { validateOnly?: boolean } = {},
  ): Promise<QuotaEntity[]> {
    return settle(await alterClientQuotas(this.#client, alterations, options));
  }

  /**
   * Users' SCRAM credentials (`null`: every user).
   *
   * @throws {AdminError} when any user failed, e.g. `RESOURCE_NOT_FOUND`.
   */
  async describeUserScramCredentials(
    users: readonly string[] | null = null,
  ): Promise<UserScramCredentials[]> {
    return settle(await describeUserScramCredentials(this.#client, users));
  }

  /**
   * Creates, replaces and deletes SCRAM credentials.
   *
   * @throws {AdminError} when any user failed.
   */
  async alterUserScramCredentials(changes: {
    upsertions?: readonly ScramUpsertion[];
    deletions?: readonly { user: string; mechanism?: ScramMechanism }[];
  }): Promise<string[]> {
    return settle(await alterUserScramCredentials(this.#client, changes));
  }

  /**
   * Moves partitions to new replicas (`null` cancels a move).
   *
   * @throws {AdminError} when any partition failed.
   */
  async alterPartitionReassignments(
    moves: readonly (PartitionRef & { replicas: readonly number[] | null })[],
    options: { timeoutMs?: number } = {},
  ): Promise<PartitionRef[]> {
    return settle(await alterPartitionReassignments(this.#client, moves, options));
  }

  /** The reassignments in progress. */
  listPartitionReassignments(
    partitions?: readonly PartitionRef[],
  ): Promise<OngoingReassignment[]> {
    return listPartitionReassignments(this.#client, partitions);
  }

  /**
   * Elects preferred or unclean leaders; per-partition results, as `ELECTION_NOT_NEEDED` is
   * common and harmless.
   */
  electLeaders(
    type: "preferred" | "unclean",
    partitions: readonly PartitionRef[] | null,
    options: { timeoutMs?: number } = {},
  ): Promise<ItemResult<PartitionRef>[]> {
    return electLeaders(this.#client, type, partitions, options);
  }

  /**
   * Every broker's log directories.
   *
   * @throws {AdminError} when any broker failed.
   */
  async describeLogDirs(
    options: { brokers?: readonly number[]; partitions?: readonly PartitionRef[] } = {},
  ): Promise<LogDir[]> {
    return settle(await describeLogDirs(this.#client, options)).flat();
  }

  /**
   * Moves replicas between a broker's log directories.
   *
   * @throws {AdminError} when any replica failed.
   */
  async alterReplicaLogDirs(
    moves: readonly (PartitionRef & { broker: number; path: string })[],
  ): Promise<(PartitionRef & { broker: number; path: string })[]> {
    return settle(await alterReplicaLogDirs(this.#client, moves));
  }

  /**
   * The active producers of partitions.
   *
   * @throws {AdminError} when any partition failed.
   */
  async describeProducers(partitions: readonly PartitionRef[]): Promise<ActiveProducer[][]> {
    return settle(await describeProducers(this.#client, partitions));
  }

  /**
   * Transactions by transactional id.
   *
   * @throws {AdminError} when any failed, e.g. `TRANSACTIONAL_ID_NOT_FOUND`.
   */
  async describeTransactions(
    transactionalIds: readonly string[],
  ): Promise<TransactionDescription[]> {
    return settle(await describeTransactions(this.#client, transactionalIds));
  }

  /** Every broker's transactions, optionally by state or producer id. */
  listTransactions(
    options: { states?: readonly string[]; producerIds?: readonly bigint[] } = {},
  ): Promise<ListedTransaction[]> {
    return listTransactions(this.#client, options);
  }

  /** Aborts a hanging transaction in one partition. */
  abortTransaction(spec: AbortTransactionSpec): Promise<void> {
    return abortTransaction(this.#client, spec);
  }

  /** Creates a delegation token (SASL connections only). */
  createDelegationToken(
    options: { owner?: string; renewers?: readonly string[]; maxLifetimeMs?: number } = {},
  ): Promise<DelegationToken> {
    return createDelegationToken(this.#client, options);
  }

  /** The delegation tokens of `owners`, or all the caller may see. */
  describeDelegationTokens(owners?: readonly string[]): Promise<DelegationToken[]> {
    return describeDelegationTokens(this.#client, owners);
  }

  /** Renews a delegation token; resolves with its new expiry (ms). */
  renewDelegationToken(hmac: Uint8Array, renewPeriodMs = -1): Promise<number> {
    return renewDelegationToken(this.#client, hmac, renewPeriodMs);
  }

  /** Expires a delegation token; resolves with its expiry (ms). */
  expireDelegationToken(hmac: Uint8Array, expiryTimePeriodMs = -1): Promise<number> {
    return expireDelegationToken(this.#client, hmac, expiryTimePeriodMs);
  }
}
