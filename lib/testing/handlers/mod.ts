// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The fake cluster's API handlers, one file per API.
 *
 * @module
 */

import type { FakeHandler } from "../handler.ts";
import { apiVersionsHandler } from "./api_versions.ts";
import { createTopicsHandler } from "./create_topics.ts";
import { deleteTopicsHandler } from "./delete_topics.ts";
import { describeGroupsHandler } from "./describe_groups.ts";
import { deleteGroupsHandler } from "./delete_groups.ts";
import { heartbeatHandler } from "./heartbeat.ts";
import { joinGroupHandler } from "./join_group.ts";
import { leaveGroupHandler } from "./leave_group.ts";
import { listGroupsHandler } from "./list_groups.ts";
import { offsetCommitHandler } from "./offset_commit.ts";
import { offsetFetchHandler } from "./offset_fetch.ts";
import { syncGroupHandler } from "./sync_group.ts";
import { deleteRecordsHandler } from "./delete_records.ts";
import { offsetForLeaderEpochHandler } from "./offset_for_leader_epoch.ts";
import { createPartitionsHandler } from "./create_partitions.ts";
import { describeClusterHandler } from "./describe_cluster.ts";
import { describeConfigsHandler } from "./describe_configs.ts";
import { incrementalAlterConfigsHandler } from "./incremental_alter_configs.ts";
import { addPartitionsToTxnHandler } from "./add_partitions_to_txn.ts";
import { addOffsetsToTxnHandler } from "./add_offsets_to_txn.ts";
import { endTxnHandler } from "./end_txn.ts";
import { txnOffsetCommitHandler } from "./txn_offset_commit.ts";
import { saslHandshakeHandler } from "./sasl_handshake.ts";
import { saslAuthenticateHandler } from "./sasl_authenticate.ts";
import { consumerGroupHeartbeatHandler } from "./consumer_group_heartbeat.ts";
import { fetchHandler } from "./fetch.ts";
import { findCoordinatorHandler } from "./find_coordinator.ts";
import { initProducerIdHandler } from "./init_producer_id.ts";
import { listOffsetsHandler } from "./list_offsets.ts";
import { metadataHandler } from "./metadata.ts";
import { makeProduceHandler } from "./produce.ts";

/** Options for {@linkcode defaultHandlers}. */
export interface DefaultHandlersOptions {
  /** The null broker: produce checks batch headers and CRCs only. @default {false} */
  headerOnly?: boolean;
}

/** Every handler the fake has, one per API key. */
export function defaultHandlers(options: DefaultHandlersOptions = {}): FakeHandler[] {
  return [
    makeProduceHandler({ headerOnly: options.headerOnly }),
    fetchHandler,
    listOffsetsHandler,
    metadataHandler,
    findCoordinatorHandler,
    apiVersionsHandler,
    createTopicsHandler,
    deleteTopicsHandler,
    initProducerIdHandler,
    describeGroupsHandler,
    deleteGroupsHandler,
    heartbeatHandler,
    joinGroupHandler,
    leaveGroupHandler,
    listGroupsHandler,
    offsetCommitHandler,
    offsetFetchHandler,
    syncGroupHandler,
    deleteRecordsHandler,
    offsetForLeaderEpochHandler,
    createPartitionsHandler,
    describeClusterHandler,
    describeConfigsHandler,
    incrementalAlterConfigsHandler,
    addPartitionsToTxnHandler,
    addOffsetsToTxnHandler,
    endTxnHandler,
    txnOffsetCommitHandler,
    saslHandshakeHandler,
    saslAuthenticateHandler,
    consumerGroupHeartbeatHandler,
  ];
}
