// Copyright 2026 the kanal authors. MIT license.
// The shareHeartbeater against a scripted coordinator: joining, assignments, rejoining when
// fenced, and errors it cannot go on from.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import type { Client } from "../client/client.ts";
import { StageRegistry } from "../net/stage_registry.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import type { ShareContext } from "./_share_context.ts";
import { resolveShareConsumerOptions } from "./share_consumer_options.ts";
import { ShareHeartbeater } from "./share_heartbeater.ts";

type Body = { memberEpoch: number; subscribedTopicNames: string[] | null };

function heartbeater(answers: ((b: Body) => object)[]): { hb: ShareHeartbeater; sent: Body[] } {
  const sent: Body[] = [];
  const client = {
    options: { requestTimeoutMs: 1000, retryBackoffMs: 1 },
    coordinator: () => Promise.resolve(1),
    forgetCoordinator: () => {},
    request(_b: number, _api: unknown, body: Body) {
      sent.push(body);
      const next = answers.shift();
      // Out of script: answer "no change" for as long as the test runs.
      return Promise.resolve(
        next?.(body) ?? { errorCode: 0, memberEpoch: body.memberEpoch, heartbeatIntervalMs: 5 },
      );
    },
  } as unknown as Client;
  const ctx: ShareContext = {
    client,
    options: resolveShareConsumerOptions({
      groupId: "g",
      topics: ["jobs"],
      retryBackoffMs: 1,
    }),
    memberId: "m",
    role: "test",
    closed: false,
    partitionsOf: () => [],
    relocate: () => {},
    ackFailed: () => {},
    fail: () => {},
  };
  return {
    hb: new ShareHeartbeater(ctx, new StageRegistry().register("shareHeartbeater", "t")),
    sent,
  };
}

const ok = (epoch: number, assignment: [string, number[]][] | null = null) => () => ({
  errorCode: 0,
  memberEpoch: epoch,
  heartbeatIntervalMs: 5,
  assignment: assignment === null
    ? null
    : { topicPartitions: assignment.map(([topicId, partitions]) => ({ topicId, partitions })) },
});

test("shareHeartbeater: joins with the subscription, then hands on assignments", async () => {
  const { hb, sent } = heartbeater([ok(1), ok(2, [["T", [0, 1]]])]);
  const reader = hb.getReader();
  const r = await reader.read();
  assert.deepEqual([...r.value!], [["T", [0, 1]]]);
  assert.deepEqual(sent[0], {
    groupId: "g",
    memberId: "m",
    memberEpoch: 0,
    rackId: null,
    subscribedTopicNames: ["jobs"],
  });
  // Once joined, a heartbeat carries the epoch and leaves the unchanged subscription out.
  assert.equal(sent[1]!.memberEpoch, 1);
  assert.equal(sent[1]!.subscribedTopicNames, null);
  reader.releaseLock();
  await hb.leave();
  assert.equal(sent.at(-1)!.memberEpoch, -1);
});

test("shareHeartbeater: FENCED_MEMBER_EPOCH joins again at epoch 0 with the subscription", async () => {
  const { hb, sent } = heartbeater([
    ok(3),
    () => ({ errorCode: ErrorCode.FENCED_MEMBER_EPOCH, memberEpoch: -1, heartbeatIntervalMs: 0 }),
    ok(4, [["T", [0]]]),
  ]);
  const reader = hb.getReader();
  await reader.read();
  assert.deepEqual(sent.map((b) => b.memberEpoch), [0, 3, 0]);
  assert.deepEqual(sent[2]!.subscribedTopicNames, ["jobs"]);
  reader.releaseLock();
  await hb.leave();
});

test("shareHeartbeater: an error it cannot go on from ends the stream with it", async () => {
  const { hb } = heartbeater([
    () => ({
      errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
      memberEpoch: -1,
      heartbeatIntervalMs: 0,
    }),
  ]);
  const reader = hb.getReader();
  await assert.rejects(
    reader.read(),
    (e) => e instanceof KafkaError && e.errorName === "GROUP_AUTHORIZATION_FAILED",
  );
  reader.releaseLock();
  await hb.leave();
});
