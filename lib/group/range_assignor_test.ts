// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { rangeAssignor } from "./range_assignor.ts";
import {
  checkAssignment,
  javaResult,
  member,
  membersOf,
  partitionsOf,
  randomGroup,
  Rng,
  vectors,
} from "./testdata/assignor_fixtures.ts";

test("rangeAssignor gives what Java's RangeAssignor gives in every vector scenario", () => {
  assert.ok(vectors.assign.length >= 30);
  for (const scenario of vectors.assign) {
    const result = rangeAssignor().assign(membersOf(scenario, "plain"), partitionsOf(scenario));
    assert.deepEqual(result, javaResult(scenario.range!), scenario.name);
  }
});

test("rangeAssignor assigns each subscribed partition exactly once over random groups", () => {
  const rng = new Rng(7);
  for (let i = 0; i < 200; i++) {
    const { members, partitionsPerTopic } = randomGroup(rng);
    const result = rangeAssignor().assign(members, partitionsPerTopic);
    checkAssignment(result, members, partitionsPerTopic, true);
  }
});

test("rangeAssignor gives co-subscribers the same partition numbers of each topic", () => {
  const members = [member("b", ["x", "y"]), member("a", ["x", "y"]), member("c", ["x", "y"])];
  const result = rangeAssignor().assign(members, new Map([["x", 5], ["y", 5]]));
  for (const list of result.values()) {
    assert.equal(list.length, 2);
    assert.deepEqual(list[0]!.partitions, list[1]!.partitions);
  }
  assert.deepEqual(result.get("a")![0]!.partitions, [0, 1]);
  assert.deepEqual(result.get("c")![0]!.partitions, [4]);
});

test("rangeAssignor does not depend on the order members are given in", () => {
  const rng = new Rng(11);
  for (let i = 0; i < 50; i++) {
    const { members, partitionsPerTopic } = randomGroup(rng);
    const reversed = [...members].reverse();
    assert.deepEqual(
      rangeAssignor().assign(reversed, partitionsPerTopic),
      rangeAssignor().assign(members, partitionsPerTopic),
    );
  }
});

test("rangeAssignor refuses duplicate member ids and bad partition counts", () => {
  assert.throws(
    () => rangeAssignor().assign([member("a", ["t"]), member("a", ["t"])], new Map([["t", 1]])),
    TypeError,
  );
  assert.throws(
    () => rangeAssignor().assign([member("a", ["t"])], new Map([["t", -1]])),
    RangeError,
  );
  assert.throws(
    () => rangeAssignor().assign([member("a", ["t"])], new Map([["t", 1.5]])),
    RangeError,
  );
});

test("rangeAssignor with no members gives an empty map and keeps no user data", () => {
  assert.equal(rangeAssignor().assign([], new Map([["t", 3]])).size, 0);
  assert.equal(rangeAssignor().subscriptionUserData([{ topic: "t", partitions: [0] }], 3), null);
  assert.equal(rangeAssignor().name, "range");
  assert.deepEqual(rangeAssignor().protocols, ["eager"]);
});
