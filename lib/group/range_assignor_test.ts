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

// KIP-881. Racks r0, r1, r2 on nodes 0, 1, 2; each vector's expected answer is what Java's
// RangeAssignor (kafka-clients 4.2.2, assignPartitions) gave for the same input.
const RACK = ["r0", "r1", "r2"];
const racksOf = (replicas: number[][]): string[][] => replicas.map((r) => r.map((n) => RACK[n]!));
const racked = (memberId: string, topics: string[], rackId: string | null) => ({
  memberId,
  groupInstanceId: null,
  topics,
  userData: null,
  ownedPartitions: [],
  generationId: -1,
  rackId,
});
const flat = (result: Map<string, { topic: string; partitions: readonly number[] }[]>) =>
  new Map(
    [...result].map((
      [m, list],
    ) => [m, list.flatMap((t) => t.partitions.map((p) => `${t.topic}-${p}`)).sort()]),
  );

test("rack-aware range gives what Java's gives: members take partitions in their rack", () => {
  const result = rangeAssignor().assign(
    [
      racked("m1", ["t", "u", "v"], "r2"),
      racked("m2", ["t", "u", "v"], "r0"),
      racked("m3", ["t", "u"], "r1"),
    ],
    new Map([["t", 6], ["u", 5], ["v", 4]]),
    new Map([
      ["t", racksOf([[0], [1], [2], [0], [1], [2]])],
      ["u", racksOf([[0, 1], [1, 2], [2, 0], [0, 1], [1, 2]])],
      ["v", racksOf([[0], [0], [0], [1]])],
    ]),
  );
  assert.deepEqual(
    flat(result),
    new Map([
      ["m1", ["t-2", "t-5", "u-1", "u-2", "v-2", "v-3"]],
      ["m2", ["t-0", "t-3", "u-0", "u-3", "v-0", "v-1"]],
      ["m3", ["t-1", "t-4", "u-4"]],
    ]),
  );
});

test("rack-aware range keeps co-partitioned topics together, as Java's does", () => {
  const result = rangeAssignor().assign(
    [
      racked("m1", ["t", "w"], "r2"),
      racked("m2", ["t", "w"], "r1"),
      racked("m3", ["t", "w"], null),
    ],
    new Map([["t", 6], ["w", 6]]),
    new Map([
      ["t", racksOf([[0], [1], [2], [0], [1], [2]])],
      ["w", racksOf([[0, 1], [1, 2], [2, 0], [0, 1], [1, 2], [2, 0]])],
    ]),
  );
  assert.deepEqual(
    flat(result),
    new Map([
      ["m1", ["t-2", "t-5", "w-2", "w-5"]],
      ["m2", ["t-1", "t-4", "w-1", "w-4"]],
      ["m3", ["t-0", "t-3", "w-0", "w-3"]],
    ]),
  );
});

test("range ignores racks when every partition has a replica in every rack", () => {
  const everywhere = racksOf([[0, 1], [1, 0], [0, 1], [1, 0]]);
  const result = rangeAssignor().assign(
    [racked("a", ["t"], "r1"), racked("b", ["t"], "r0")],
    new Map([["t", 4]]),
    new Map([["t", everywhere]]),
  );
  assert.deepEqual(flat(result), new Map([["a", ["t-0", "t-1"]], ["b", ["t-2", "t-3"]]]));
});

test("rack-aware range never unbalances: a rack without replicas still gets its share", () => {
  const result = rangeAssignor().assign(
    [racked("a", ["t"], "r0"), racked("b", ["t"], "r1")],
    new Map([["t", 4]]),
    new Map([["t", racksOf([[0], [0], [0], [0]])]]),
  );
  assert.deepEqual(flat(result), new Map([["a", ["t-0", "t-1"]], ["b", ["t-2", "t-3"]]]));
});

test("rack-aware range stays complete and keeps each topic's ranges balanced over random groups", () => {
  const rng = new Rng(881);
  for (let i = 0; i < 200; i++) {
    const { members, partitionsPerTopic } = randomGroup(rng);
    const withRacks = members.map((m) => ({ ...m, rackId: `r${rng.int(3)}` }));
    const racks = new Map(
      [...partitionsPerTopic].map(([t, n]) => [
        t,
        Array.from({ length: n }, () => [`r${rng.int(3)}`]),
      ]),
    );
    const result = rangeAssignor().assign(withRacks, partitionsPerTopic, racks);
    checkAssignment(result, withRacks, partitionsPerTopic, true);
    for (const [topic, count] of partitionsPerTopic) {
      const subscribers = withRacks.filter((m) => m.topics.includes(topic));
      if (subscribers.length === 0) continue;
      for (const m of subscribers) {
        const n = result.get(m.memberId)!.find((t) => t.topic === topic)?.partitions.length ?? 0;
        assert.ok(
          n === Math.floor(count / subscribers.length) ||
            n === Math.ceil(count / subscribers.length),
          `${topic}: ${m.memberId} got ${n} of ${count}`,
        );
      }
    }
  }
});
