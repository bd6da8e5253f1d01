// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { roundRobinAssignor } from "./round_robin_assignor.ts";
import {
  checkAssignment,
  countsOf,
  javaResult,
  member,
  membersOf,
  partitionsOf,
  randomGroup,
  Rng,
  vectors,
} from "./testdata/assignor_fixtures.ts";

test("roundRobinAssignor gives what Java's RoundRobinAssignor gives in every vector scenario", () => {
  assert.ok(vectors.assign.length >= 30);
  for (const scenario of vectors.assign) {
    const result = roundRobinAssignor().assign(
      membersOf(scenario, "plain"),
      partitionsOf(scenario),
    );
    assert.deepEqual(result, javaResult(scenario.roundrobin!), scenario.name);
  }
});

test("roundRobinAssignor assigns each subscribed partition exactly once over random groups", () => {
  const rng = new Rng(3);
  for (let i = 0; i < 200; i++) {
    const { members, partitionsPerTopic } = randomGroup(rng);
    checkAssignment(
      roundRobinAssignor().assign(members, partitionsPerTopic),
      members,
      partitionsPerTopic,
      true,
    );
  }
});

test("roundRobinAssignor balances within one partition when subscriptions are equal", () => {
  const rng = new Rng(5);
  for (let i = 0; i < 200; i++) {
    const { members, partitionsPerTopic } = randomGroup(rng, { same: true });
    const counts = [...countsOf(roundRobinAssignor().assign(members, partitionsPerTopic)).values()];
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `counts ${counts}`);
  }
});

test("roundRobinAssignor deals static members first, by group.instance.id", () => {
  const members = [
    member("a", ["t"]),
    member("z", ["t"], { groupInstanceId: "i-2" }),
    member("y", ["t"], { groupInstanceId: "i-1" }),
  ];
  const result = roundRobinAssignor().assign(members, new Map([["t", 4]]));
  assert.deepEqual(result.get("y"), [{ topic: "t", partitions: [0, 3] }]);
  assert.deepEqual(result.get("z"), [{ topic: "t", partitions: [1] }]);
  assert.deepEqual(result.get("a"), [{ topic: "t", partitions: [2] }]);
});

test("roundRobinAssignor skips topics the leader has no partition count for", () => {
  const result = roundRobinAssignor().assign([member("a", ["gone", "t"])], new Map([["t", 2]]));
  assert.deepEqual(result.get("a"), [{ topic: "t", partitions: [0, 1] }]);
});
