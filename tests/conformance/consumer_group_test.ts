// Copyright 2026 the kanal authors. MIT license.
// Conformance: a KIP-848 consumer group through raw ConsumerGroupHeartbeats (join, the
// server-side assignment, fencing, commits by member epoch, leave), against the fake cluster
// and the real broker.
import { test } from "../_test.ts";
import assert from "node:assert/strict";
import { API_TABLE } from "../../lib/protocol/messages/api_table.ts";
import { ErrorCode } from "../../lib/protocol/error_codes.ts";
import { createTopic, findCoordinator, freshTopic, openTarget, TARGETS } from "./_targets.ts";

for (const name of TARGETS) {
  test(`[${name}] a consumer group member joins, is assigned, fenced and leaves`, async () => {
    await using t = await openTarget(name);
    const topic = freshTopic("cg");
    const topicId = await createTopic(t, topic, 3);
    const group = freshTopic("cgg");
    await findCoordinator(t, 0, group);
    const beat = (memberId: string, memberEpoch: number, extra: Record<string, unknown> = {}) =>
      t.call(API_TABLE[68], 0, {
        groupId: group,
        memberId,
        memberEpoch,
        instanceId: null,
        rackId: null,
        rebalanceTimeoutMs: -1,
        subscribedTopicNames: null,
        subscribedTopicRegex: null,
        serverAssignor: null,
        topicPartitions: null,
        ...extra,
      });
    // A fresh broker may still be loading the offsets topic.
    let joined = await beat("", 0, {
      rebalanceTimeoutMs: 30_000,
      subscribedTopicNames: [topic],
      topicPartitions: [],
    });
    // NOT_COORDINATOR too: the offsets topic's partitions are created on first use and their
    // leader elected a moment later, longer on a loaded machine.
    const deadline = Date.now() + 60_000;
    while (
      Date.now() < deadline &&
      [
        ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
        ErrorCode.COORDINATOR_NOT_AVAILABLE,
        ErrorCode.NOT_COORDINATOR,
      ].includes(joined.errorCode as 14)
    ) {
      await new Promise((r) => setTimeout(r, 50));
      joined = await beat("", 0, {
        rebalanceTimeoutMs: 30_000,
        subscribedTopicNames: [topic],
        topicPartitions: [],
      });
    }
    assert.equal(joined.errorCode, 0, joined.errorMessage ?? "");
    const memberId = joined.memberId!;
    assert.ok(memberId.length > 0);
    assert.ok(joined.memberEpoch >= 1);
    assert.ok(joined.heartbeatIntervalMs > 0);
    // The assignment may come with the join or (Kafka, for a topic it has just created) on a
    // later heartbeat: heartbeat until it does, owning nothing yet.
    let epoch = joined.memberEpoch;
    let assignment = joined.assignment?.topicPartitions ?? [];
    for (let i = 0; i < 100 && assignment.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const r = await beat(memberId, epoch, { topicPartitions: [] });
      assert.equal(r.errorCode, 0);
      epoch = r.memberEpoch;
      assignment = r.assignment?.topicPartitions ?? [];
    }
    assert.deepEqual(assignment.map((tp) => [tp.topicId, [...tp.partitions].sort()]), [
      [topicId, [0, 1, 2]],
    ]);
    // Acknowledge, then an unchanged heartbeat gets no assignment.
    const owned = [{ topicId, partitions: [0, 1, 2] }];
    const acked = await beat(memberId, epoch, { topicPartitions: owned });
    assert.deepEqual([acked.errorCode, acked.memberEpoch], [0, epoch]);
    const quiet = await beat(memberId, epoch);
    assert.deepEqual([quiet.errorCode, quiet.memberEpoch, quiet.assignment ?? null], [
      0,
      epoch,
      null,
    ]);
    assert.equal((await beat(memberId, epoch + 5)).errorCode, ErrorCode.FENCED_MEMBER_EPOCH);
    assert.equal((await beat("no-such-member", 1)).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    // Commits carry the member epoch.
    const commit = (epoch: number) =>
      t.call(API_TABLE[8], 9, {
        groupId: group,
        generationIdOrMemberEpoch: epoch,
        memberId,
        groupInstanceId: null,
        topics: [{
          name: topic,
          partitions: [{
            partitionIndex: 0,
            committedOffset: 3n,
            committedLeaderEpoch: -1,
            committedMetadata: "",
          }],
        }],
      });
    assert.equal((await commit(epoch)).topics[0]!.partitions[0]!.errorCode, 0);
    assert.equal(
      (await commit(epoch - 1)).topics[0]!.partitions[0]!.errorCode,
      ErrorCode.STALE_MEMBER_EPOCH,
    );
    const left = await beat(memberId, -1);
    assert.deepEqual([left.errorCode, left.memberEpoch], [0, -1]);
    assert.equal((await beat(memberId, epoch)).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  });
}
