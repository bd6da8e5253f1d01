// Copyright 2026 the kanal authors. MIT license.
// Conformance: the idempotent producer's answers, and a classic group's life (join, sync,
// heartbeat, commit, leave), against the fake cluster and the real broker.
import { test } from "../_test.ts";
import assert from "node:assert/strict";
import { API_TABLE } from "../../lib/protocol/messages/api_table.ts";
import { ErrorCode } from "../../lib/protocol/error_codes.ts";
import { encodeRecordBatch } from "../../lib/protocol/record_batch_encoder.ts";
import { createTopic, freshTopic, openTarget, type Target, TARGETS } from "./_targets.ts";

async function produceSeq(
  t: Target,
  topic: string,
  pid: bigint,
  epoch: number,
  seq: number,
  n: number,
) {
  const batch = await encodeRecordBatch(
    Array.from({ length: n }, (_, i) => ({ value: `v${seq + i}`, timestamp: 1 })),
    { producerId: pid, producerEpoch: epoch, baseSequence: seq },
  );
  const res = await t.call(API_TABLE[0], 9, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 10_000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }],
  });
  const p = res.responses[0]!.partitionResponses[0]!;
  return [p.errorCode, p.errorCode === 0 ? p.baseOffset : -1n] as const;
}

/** Runs `fn` until it answers 0 or a non-retriable code (a fresh broker may not be ready). */
async function retried(fn: () => Promise<number>): Promise<void> {
  const retriable: number[] = [
    ErrorCode.COORDINATOR_NOT_AVAILABLE,
    ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
    ErrorCode.NOT_COORDINATOR,
    ErrorCode.NOT_ENOUGH_REPLICAS,
  ];
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const code = await fn();
    if (code === 0) return;
    if (!retriable.includes(code)) assert.fail(`error code ${code}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail("still not ready");
}

async function initProducerId(
  t: Target,
  extra: { producerId?: bigint; producerEpoch?: number } = {},
): Promise<{ producerId: bigint; producerEpoch: number }> {
  let res: { producerId: bigint; producerEpoch: number } = { producerId: -1n, producerEpoch: -1 };
  await retried(async () => {
    const r = await t.call(API_TABLE[22], 4, {
      transactionalId: null,
      transactionTimeoutMs: 60_000,
      ...extra,
    });
    res = { producerId: r.producerId ?? -1n, producerEpoch: r.producerEpoch };
    return r.errorCode;
  });
  return res;
}

for (const name of TARGETS) {
  test(`[${name}] an idempotent producer's duplicates, gaps and stale epochs`, async () => {
    await using t = await openTarget(name);
    const topic = freshTopic("idem");
    await createTopic(t, topic);
    const init = await initProducerId(t);
    const pid = init.producerId!;
    const epoch = init.producerEpoch;
    assert.deepEqual(await produceSeq(t, topic, pid, epoch, 0, 3), [0, 0n]);
    assert.deepEqual(await produceSeq(t, topic, pid, epoch, 3, 2), [0, 3n]);
    // A retry of a batch already written is answered with where it went, and not written again.
    assert.deepEqual(await produceSeq(t, topic, pid, epoch, 0, 3), [0, 0n]);
    assert.deepEqual(await produceSeq(t, topic, pid, epoch, 9, 1), [
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
      -1n,
    ]);
    assert.deepEqual(await produceSeq(t, topic, pid, epoch, 5, 1), [0, 5n]);
    // A new epoch must start at sequence 0, and then fences the old one.
    assert.deepEqual(await produceSeq(t, topic, pid, epoch + 1, 3, 1), [
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
      -1n,
    ]);
    assert.deepEqual(await produceSeq(t, topic, pid, epoch + 1, 0, 1), [0, 6n]);
    assert.deepEqual(await produceSeq(t, topic, pid, epoch, 6, 1), [
      ErrorCode.INVALID_PRODUCER_EPOCH,
      -1n,
    ]);
    // Asking again with the old id gets a new id at epoch 0, not a bump.
    const again = await initProducerId(t, { producerId: pid, producerEpoch: epoch });
    assert.notEqual(again.producerId, pid);
    assert.equal(again.producerEpoch, 0);
  });

  test(`[${name}] a classic group: join, sync, heartbeat, commit, leave`, async () => {
    await using t = await openTarget(name);
    const topic = freshTopic("grp");
    await createTopic(t, topic);
    const group = freshTopic("g");
    // A fresh broker may still be loading its offsets topic: wait for the coordinator.
    await retried(async () => {
      const coord = await t.call(API_TABLE[10], 6, { keyType: 0, coordinatorKeys: [group] });
      return coord.coordinators![0]!.errorCode;
    });
    const metadata = new Uint8Array([0, 1, 2]);
    const join = (memberId: string) =>
      t.call(API_TABLE[11], 9, {
        groupId: group,
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 10_000,
        memberId,
        groupInstanceId: null,
        protocolType: "consumer",
        protocols: [{ name: "range", metadata }],
        reason: null,
      });
    // FindCoordinator answers as soon as the offsets partition has a leader; the coordinator
    // may still say NOT_COORDINATOR (or that it is loading) for a moment after.
    let first = await join("");
    const deadline = Date.now() + 60_000;
    while (
      Date.now() < deadline &&
      [ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS].includes(
        first.errorCode as 16,
      )
    ) {
      await new Promise((r) => setTimeout(r, 50));
      first = await join("");
    }
    assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    const memberId = first.memberId;
    assert.ok(memberId.length > 0);
    const joined = await join(memberId);
    assert.deepEqual(
      [
        joined.errorCode,
        joined.generationId,
        joined.leader,
        joined.protocolName,
        joined.protocolType,
      ],
      [0, 1, memberId, "range", "consumer"],
    );
    assert.deepEqual(joined.members.map((m) => [m.memberId, [...m.metadata]]), [[memberId, [
      0,
      1,
      2,
    ]]]);
    const assignment = new Uint8Array([9, 8, 7]);
    const synced = await t.call(API_TABLE[14], 5, {
      groupId: group,
      generationId: 1,
      memberId,
      groupInstanceId: null,
      protocolType: "consumer",
      protocolName: "range",
      assignments: [{ memberId, assignment }],
    });
    assert.deepEqual([synced.errorCode, [...synced.assignment]], [0, [9, 8, 7]]);
    const beat = (generationId: number, member = memberId) =>
      t.call(API_TABLE[12], 4, {
        groupId: group,
        generationId,
        memberId: member,
        groupInstanceId: null,
      });
    assert.equal((await beat(1)).errorCode, 0);
    assert.equal((await beat(2)).errorCode, ErrorCode.ILLEGAL_GENERATION);
    assert.equal((await beat(1, "stranger")).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    const commit = (generation: number, member: string) =>
      t.call(API_TABLE[8], 9, {
        groupId: group,
        generationIdOrMemberEpoch: generation,
        memberId: member,
        groupInstanceId: null,
        topics: [{
          name: topic,
          partitions: [{
            partitionIndex: 0,
            committedOffset: 42n,
            committedLeaderEpoch: -1,
            committedMetadata: "m",
          }],
        }],
      });
    assert.equal((await commit(1, memberId)).topics[0]!.partitions[0]!.errorCode, 0);
    assert.equal(
      (await commit(1, "stranger")).topics[0]!.partitions[0]!.errorCode,
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    assert.equal(
      (await commit(7, memberId)).topics[0]!.partitions[0]!.errorCode,
      ErrorCode.ILLEGAL_GENERATION,
    );
    const fetched = await t.call(API_TABLE[9], 9, {
      groups: [{
        groupId: group,
        memberId: null,
        memberEpoch: -1,
        topics: [{ name: topic, partitionIndexes: [0, 1] }],
      }],
      requireStable: false,
    });
    const parts = fetched.groups![0]!.topics[0]!.partitions;
    assert.deepEqual(
      parts.map((p) => [p.partitionIndex, p.committedOffset, p.metadata, p.errorCode]),
      [
        [0, 42n, "m", 0],
        [1, -1n, "", 0],
      ],
    );
    const described = await t.call(API_TABLE[15], 5, {
      groups: [group],
      includeAuthorizedOperations: false,
    });
    const d = described.groups[0]!;
    assert.deepEqual([d.errorCode, d.groupState, d.protocolType, d.protocolData], [
      0,
      "Stable",
      "consumer",
      "range",
    ]);
    assert.deepEqual([...d.members[0]!.memberAssignment], [9, 8, 7]);
    const left = await t.call(API_TABLE[13], 5, {
      groupId: group,
      members: [{ memberId, groupInstanceId: null, reason: null }],
    });
    assert.deepEqual([left.errorCode, left.members![0]!.errorCode], [0, 0]);
    const after = await t.call(API_TABLE[15], 5, {
      groups: [group],
      includeAuthorizedOperations: false,
    });
    assert.equal(after.groups[0]!.groupState, "Empty");
    // An empty group takes commits from outside any generation, as a standalone consumer's.
    assert.equal((await commit(-1, "")).topics[0]!.partitions[0]!.errorCode, 0);
    const deleted = await t.call(API_TABLE[42], 2, { groupsNames: [group] });
    assert.equal(deleted.results[0]!.errorCode, 0);
  });
}
