// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import type { MemberSubscription, TopicPartitions } from "./assignor.ts";
import { cooperativeStickyAssignor } from "./cooperative_sticky_assignor.ts";
import {
  assignSticky,
  decodeStickyUserData,
  encodeStickyUserData,
  stickyAssignor,
} from "./sticky_assignor.ts";
import {
  allPartitions,
  checkAssignment,
  checkBalanced,
  countsOf,
  fromHex,
  javaResult,
  keysOf,
  member,
  membersOf,
  partitionsOf,
  randomGroup,
  Rng,
  squares,
  toHex,
  vectors,
  type VectorScenario,
} from "./testdata/assignor_fixtures.ts";

/** Members whose previous assignment is `previous`, told the eager sticky way (userData). */
function withHistory(
  members: readonly MemberSubscription[],
  previous: ReadonlyMap<string, readonly TopicPartitions[]>,
  generationId: number,
): MemberSubscription[] {
  return members.map((m) => ({
    ...m,
    generationId,
    userData: previous.has(m.memberId)
      ? stickyAssignor().subscriptionUserData(previous.get(m.memberId)!, generationId)
      : null,
  }));
}

/** partition → owner. */
function ownersOf(result: ReadonlyMap<string, readonly TopicPartitions[]>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, list] of result) for (const k of keysOf(list)) out.set(k, id);
  return out;
}

/** How many partitions owned before by a member still present changed owner. */
function moved(
  before: ReadonlyMap<string, readonly TopicPartitions[]>,
  after: ReadonlyMap<string, readonly TopicPartitions[]>,
): number {
  const now = ownersOf(after);
  let n = 0;
  for (const [k, owner] of ownersOf(before)) {
    if (after.has(owner) && now.has(k) && now.get(k) !== owner) n++;
  }
  return n;
}

function sameSubscriptions(members: readonly MemberSubscription[]): boolean {
  const key = (m: MemberSubscription): string => [...new Set(m.topics)].sort().join("\0");
  return members.every((m) => key(m) === key(members[0]!));
}

/**
 * The fewest partitions that must change owner when members with equal subscriptions, owning
 * `owned` partitions each (all valid), are rebalanced to `total` partitions: each keeps at most
 * its quota, and the larger quotas are best spent on the members owning the most.
 */
function leastMoves(owned: number[], total: number): number {
  const n = owned.length;
  const sorted = [...owned].sort((a, b) => b - a);
  let kept = 0;
  sorted.forEach((o, i) => {
    kept += Math.min(o, Math.floor(total / n) + (i < total % n ? 1 : 0));
  });
  return owned.reduce((a, b) => a + b, 0) - kept;
}

/** Sum of squared counts of the most balanced assignment there is, by trying them all. */
function bestSquares(
  members: readonly MemberSubscription[],
  partitionsPerTopic: ReadonlyMap<string, number>,
): number {
  const partitions = [...allPartitions(members, partitionsPerTopic)];
  const candidates = partitions.map((k) => {
    const topic = k.slice(0, k.lastIndexOf("/"));
    return members.flatMap((m, i) => (m.topics.includes(topic) ? [i] : []));
  });
  let best = Infinity;
  const counts = new Array<number>(members.length).fill(0);
  const walk = (i: number): void => {
    if (i === partitions.length) {
      best = Math.min(best, counts.reduce((s, c) => s + c * c, 0));
      return;
    }
    for (const m of candidates[i]!) {
      counts[m]!++;
      walk(i + 1);
      counts[m]!--;
    }
  };
  walk(0);
  return best;
}

function scenarioIsEqual(s: VectorScenario): boolean {
  return sameSubscriptions(membersOf(s, "plain"));
}

test("stickyAssignor writes userData byte for byte as Java's StickyAssignor", () => {
  for (const v of vectors.userData.sticky) {
    const bytes = stickyAssignor().subscriptionUserData(v.owned, v.generationId);
    if (v.hex === null) {
      assert.equal(bytes, null);
      continue;
    }
    const decoded = decodeStickyUserData(fromHex(v.hex))!;
    assert.equal(decoded.generationId, v.generationId);
    // Java writes partitions in assignment order, kanal sorted; the bytes agree when Java's order
    // was sorted, and the partitions always do.
    const sorted = decoded.partitions.map((tp) => ({
      topic: tp.topic,
      partitions: [...tp.partitions].sort((a, b) => a - b),
    }));
    assert.deepEqual(sorted, v.owned);
    if (JSON.stringify(decoded.partitions) === JSON.stringify(v.owned)) {
      assert.equal(toHex(bytes!), v.hex);
    }
  }
  const compared = vectors.userData.sticky.filter((v) => v.hex !== null).length;
  assert.ok(compared >= 4);
});

test("decodeStickyUserData reads the v0 layout without a generation and gives up on garbage", () => {
  const v1 = encodeStickyUserData({
    partitions: [{ topic: "t", partitions: [3] }],
    generationId: 9,
  });
  const v0 = v1.subarray(0, v1.length - 4);
  assert.deepEqual(decodeStickyUserData(v0), {
    partitions: [{ topic: "t", partitions: [3] }],
    generationId: -1,
  });
  assert.equal(decodeStickyUserData(v1.subarray(0, 7)), null);
  assert.equal(decodeStickyUserData(new Uint8Array([0xff, 0xff, 0xff, 0xff])), null);
});

test("stickyAssignor reads Java members' userData: after a rebalance it matches Java's balance and movement", () => {
  assert.ok(vectors.rebalance.length >= 30);
  for (const scenario of vectors.rebalance) {
    const members = membersOf(scenario, "sticky");
    const partitionsPerTopic = partitionsOf(scenario);
    const result = stickyAssignor().assign(members, partitionsPerTopic);
    checkAssignment(result, members, partitionsPerTopic, true);
    checkBalanced(result, members);
    const java = javaResult(scenario.sticky);
    // What each member owned, from Java's userData.
    const before = new Map(
      members.map((
        m,
      ) => [m.memberId, m.userData ? decodeStickyUserData(m.userData)!.partitions : []]),
    );
    if (scenarioIsEqual(scenario)) {
      assert.deepEqual(
        [...countsOf(result).values()].sort(),
        [...countsOf(java).values()].sort(),
        scenario.name,
      );
      assert.equal(moved(before, result), moved(before, java), scenario.name);
    } else {
      assert.ok(squares(result) <= squares(java), scenario.name);
    }
  }
});

test("stickyAssignor balances fresh groups at least as well as Java's StickyAssignor", () => {
  for (const scenario of vectors.assign) {
    const members = membersOf(scenario, "sticky");
    const partitionsPerTopic = partitionsOf(scenario);
    const result = stickyAssignor().assign(members, partitionsPerTopic);
    checkAssignment(result, members, partitionsPerTopic, true);
    assert.ok(squares(result) <= squares(javaResult(scenario.sticky)), scenario.name);
  }
});

test("stickyAssignor finds the most balanced assignment there is in small random groups", () => {
  const rng = new Rng(21);
  for (let i = 0; i < 300; i++) {
    const { members, partitionsPerTopic } = randomGroup(rng, {
      maxMembers: 4,
      maxTopics: 3,
      maxPartitions: 3,
    });
    if (allPartitions(members, partitionsPerTopic).size > 8) continue;
    // Start from a random previous assignment, so the chains have work to do.
    const previous = new Map<string, TopicPartitions[]>();
    for (const k of allPartitions(members, partitionsPerTopic)) {
      const m = members[rng.int(members.length)]!;
      const [topic, p] = [k.slice(0, k.lastIndexOf("/")), Number(k.slice(k.lastIndexOf("/") + 1))];
      previous.set(m.memberId, [...(previous.get(m.memberId) ?? []), { topic, partitions: [p] }]);
    }
    const result = stickyAssignor().assign(withHistory(members, previous, 1), partitionsPerTopic);
    checkAssignment(result, members, partitionsPerTopic, true);
    assert.equal(squares(result), bestSquares(members, partitionsPerTopic));
  }
});

test("stickyAssignor over random groups: each partition once, optimally balanced, and stable", () => {
  const rng = new Rng(1);
  for (let i = 0; i < 300; i++) {
    const { members, partitionsPerTopic } = randomGroup(rng, { same: i % 2 === 0 });
    const first = stickyAssignor().assign(members, partitionsPerTopic);
    checkAssignment(first, members, partitionsPerTopic, true);
    checkBalanced(first, members);
    if (sameSubscriptions(members)) {
      const counts = [...countsOf(first).values()];
      assert.ok(Math.max(...counts) - Math.min(...counts) <= 1);
    }
    // Nothing changed: everyone keeps exactly what it has.
    const again = stickyAssignor().assign(withHistory(members, first, 1), partitionsPerTopic);
    assert.deepEqual(again, first);
  }
});

test("stickyAssignor moves the fewest partitions possible when one member joins or leaves", () => {
  const rng = new Rng(2);
  for (let i = 0; i < 300; i++) {
    const { members, partitionsPerTopic } = randomGroup(rng, { same: true, maxPartitions: 20 });
    const before = stickyAssignor().assign(members, partitionsPerTopic);
    const total = allPartitions(members, partitionsPerTopic).size;
    const joining = i % 2 === 0;
    const leaver = rng.int(members.length);
    const next = joining
      ? [...members, member(`joiner-${i}`, members[0]!.topics)]
      : members.filter((_, k) => k !== leaver);
    if (next.length === 0) continue;
    const after = stickyAssignor().assign(withHistory(next, before, 4), partitionsPerTopic);
    checkAssignment(after, next, partitionsPerTopic, true);
    const owned = next.map((m) => keysOf(before.get(m.memberId) ?? []).length);
    assert.equal(moved(before, after), leastMoves(owned, total));
    if (!joining) {
      // From a balanced start, nobody who stays loses a partition.
      for (const m of next) {
        const now = new Set(keysOf(after.get(m.memberId)!));
        assert.ok(keysOf(before.get(m.memberId)!).every((k) => now.has(k)));
      }
    }
  }
});

test("stickyAssignor keeps every owned partition when topics grow", () => {
  const rng = new Rng(4);
  for (let i = 0; i < 200; i++) {
    const { members, partitionsPerTopic } = randomGroup(rng, { same: true });
    const before = stickyAssignor().assign(members, partitionsPerTopic);
    const grown = new Map([...partitionsPerTopic].map(([t, n]) => [t, n + rng.int(6)]));
    const after = stickyAssignor().assign(withHistory(members, before, 2), grown);
    checkAssignment(after, members, grown, true);
    const counts = [...countsOf(after).values()];
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1);
    assert.equal(moved(before, after), 0);
  }
});

test("stickyAssignor with differing subscriptions keeps a member's partitions when a stranger joins", () => {
  // a and b read x; c reads y only. A new member on y must not disturb x.
  const members = [member("a", ["x"]), member("b", ["x"]), member("c", ["y"])];
  const partitionsPerTopic = new Map([["x", 4], ["y", 4]]);
  const before = stickyAssignor().assign(members, partitionsPerTopic);
  const after = stickyAssignor().assign(
    withHistory([...members, member("d", ["y"])], before, 1),
    partitionsPerTopic,
  );
  assert.deepEqual(after.get("a"), before.get("a"));
  assert.deepEqual(after.get("b"), before.get("b"));
  assert.equal(keysOf(after.get("c")!).length, 2);
  assert.equal(keysOf(after.get("d")!).length, 2);
  assert.ok(keysOf(after.get("c")!).every((k) => keysOf(before.get("c")!).includes(k)));
});

test("stickyAssignor balances through a chain of members when no direct move helps", () => {
  // a reads x; b reads x and y; c reads y. b holds both x partitions, c all four y partitions.
  // Balance (2, 2, 2) needs x to go from b to a and y from c to b: a chain, not one move.
  const members = [member("a", ["x"]), member("b", ["x", "y"]), member("c", ["y"])];
  const previous = new Map<string, TopicPartitions[]>([
    ["b", [{ topic: "x", partitions: [0, 1] }]],
    ["c", [{ topic: "y", partitions: [0, 1, 2, 3] }]],
  ]);
  const result = stickyAssignor().assign(
    withHistory(members, previous, 3),
    new Map([["x", 2], ["y", 4]]),
  );
  assert.deepEqual([...countsOf(result).values()], [2, 2, 2]);
  assert.deepEqual(result.get("a"), [{ topic: "x", partitions: [0, 1] }]);
  assert.deepEqual(result.get("b")!.map((tp) => tp.topic), ["y"]);
});

test("assignSticky trusts the highest generation when members claim the same partition", () => {
  const members = [member("old", ["t"]), member("new", ["t"]), member("twin", ["t"])];
  const history = new Map<string, { partitions: TopicPartitions[]; generationId: number }>([
    ["old", { partitions: [{ topic: "t", partitions: [0, 1] }], generationId: 3 }],
    ["new", { partitions: [{ topic: "t", partitions: [1] }], generationId: 5 }],
    ["twin", { partitions: [{ topic: "t", partitions: [2] }], generationId: 5 }],
  ]);
  const result = assignSticky(members, new Map([["t", 3]]), (m) => history.get(m.memberId)!);
  assert.deepEqual(result.get("old"), [{ topic: "t", partitions: [0] }]);
  assert.deepEqual(result.get("new"), [{ topic: "t", partitions: [1] }]);
  assert.deepEqual(result.get("twin"), [{ topic: "t", partitions: [2] }]);

  // Two claims in one generation: neither is trusted, the partition is dealt afresh.
  history.set("twin", { partitions: [{ topic: "t", partitions: [1, 2] }], generationId: 5 });
  history.set("old", { partitions: [], generationId: 5 });
  const contested = assignSticky(members, new Map([["t", 3]]), (m) => history.get(m.memberId)!);
  assert.deepEqual(contested.get("twin"), [{ topic: "t", partitions: [2] }]);
  assert.deepEqual(contested.get("new"), [{ topic: "t", partitions: [0] }]);
  assert.deepEqual(contested.get("old"), [{ topic: "t", partitions: [1] }]);
});

test("stickyAssignor drops claims on partitions that no longer exist or topics left behind", () => {
  const previous = new Map<string, TopicPartitions[]>([
    ["a", [{ topic: "t", partitions: [0, 7] }, { topic: "gone", partitions: [0] }]],
    ["b", [{ topic: "u", partitions: [0] }, { topic: "t", partitions: [1] }]],
  ]);
  const members = withHistory([member("a", ["t"]), member("b", ["t"])], previous, 1);
  const result = stickyAssignor().assign(members, new Map([["t", 2], ["u", 1]]));
  assert.deepEqual(result.get("a"), [{ topic: "t", partitions: [0] }]);
  assert.deepEqual(result.get("b"), [{ topic: "t", partitions: [1] }]);
});

test("stickyAssignor falls back to ownedPartitions when a member sends no userData", () => {
  const members = [
    member("a", ["t"], { ownedPartitions: [{ topic: "t", partitions: [2, 3] }], generationId: 1 }),
    member("b", ["t"]),
  ];
  const result = stickyAssignor().assign(members, new Map([["t", 4]]));
  assert.deepEqual(result.get("a"), [{ topic: "t", partitions: [2, 3] }]);
  assert.deepEqual(result.get("b"), [{ topic: "t", partitions: [0, 1] }]);
  assert.equal(stickyAssignor().subscriptionUserData([], -1), null);
});

test("stickyAssignor balances a hundred members on a thousand partitions", () => {
  const topics = Array.from({ length: 10 }, (_, i) => `t${i}`);
  const partitionsPerTopic = new Map(topics.map((t) => [t, 100]));
  const members = Array.from(
    { length: 100 },
    (_, i) => member(`m${String(i).padStart(3, "0")}`, i % 3 ? topics : topics.slice(0, 5)),
  );
  const first = stickyAssignor().assign(members, partitionsPerTopic);
  const next = withHistory([...members.slice(1), member("late", topics)], first, 1);
  const second = stickyAssignor().assign(next, partitionsPerTopic);
  checkAssignment(second, next, partitionsPerTopic, true);
  checkBalanced(second, next);
});

// KIP-881. Racks r0, r1, r2 on nodes 0, 1, 2; the expected answers are what Java's assignors
// (kafka-clients 4.2.2, assignPartitions) gave for the same input.
const RACK = ["r0", "r1", "r2"];
const RACKS = new Map([
  ["t", [[0], [1], [2], [0], [1], [2], [0]].map((r) => r.map((n) => RACK[n]!))],
  ["u", [[1], [1], [2], [0]].map((r) => r.map((n) => RACK[n]!))],
]);
const COUNTS = new Map([["t", 7], ["u", 4]]);
const racked = (
  memberId: string,
  rackId: string,
  owned: number[] = [],
): MemberSubscription => ({
  memberId,
  groupInstanceId: null,
  topics: ["t", "u"],
  userData: null,
  ownedPartitions: owned.length ? [{ topic: "t", partitions: owned }] : [],
  generationId: owned.length ? 1 : -1,
  rackId,
});
const flat = (result: Map<string, TopicPartitions[]>) =>
  new Map(
    [...result].map((
      [m, list],
    ) => [m, list.flatMap((t) => t.partitions.map((p) => `${t.topic}-${p}`)).sort()]),
  );

test("rack-aware sticky gives what Java's StickyAssignor gives for a fresh group", () => {
  const result = stickyAssignor().assign(
    [racked("m1", "r2"), racked("m2", "r0"), racked("m3", "r1")],
    COUNTS,
    RACKS,
  );
  assert.deepEqual(
    flat(result),
    new Map([
      ["m1", ["t-2", "t-5", "u-2"]],
      ["m2", ["t-0", "t-3", "t-6", "u-3"]],
      ["m3", ["t-1", "t-4", "u-0", "u-1"]],
    ]),
  );
});

test("rack-aware cooperative-sticky moves owned partitions to their racks, as Java's", () => {
  const result = cooperativeStickyAssignor().assign(
    [racked("m1", "r2", [0, 1, 2, 3]), racked("m2", "r0"), racked("m3", "r1")],
    COUNTS,
    RACKS,
  );
  // Java's full answer is the fresh one; t-0, t-1 and t-3 are withheld until m1 revokes them.
  assert.deepEqual(
    flat(result),
    new Map([
      ["m1", ["t-2", "t-5", "u-2"]],
      ["m2", ["t-6", "u-3"]],
      ["m3", ["t-4", "u-0", "u-1"]],
    ]),
  );
});

test("sticky without racks in a rack is unchanged: racks everywhere are ignored", () => {
  const everywhere = new Map([...RACKS].map(([t, ps]) => [t, ps.map(() => RACK)]));
  const members = [racked("m1", "r2", [0, 1, 2, 3]), racked("m2", "r0"), racked("m3", "r1")];
  assert.deepEqual(
    cooperativeStickyAssignor().assign(members, COUNTS, everywhere),
    cooperativeStickyAssignor().assign(members, COUNTS),
  );
});

test("rack-aware sticky with differing subscriptions: as balanced and as rack-local as Java's", () => {
  const member = (memberId: string, rackId: string, topics: string[]): MemberSubscription => ({
    ...racked(memberId, rackId),
    topics,
  });
  const members = [
    member("m1", "r2", ["t", "u"]),
    member("m2", "r0", ["t"]),
    member("m3", "r1", ["u"]),
  ];
  const result = flat(stickyAssignor().assign(members, COUNTS, RACKS));
  // Java: m1 [t-1 t-2 t-5 u-2], m2 [t-0 t-3 t-4 t-6], m3 [u-0 u-1 u-3]: 8 partitions in rack.
  const rackOf = (tp: string): readonly string[] => {
    const [t, p] = tp.split("-") as [string, string];
    return RACKS.get(t)![Number(p)]!;
  };
  const local = members.reduce(
    (n, m) => n + result.get(m.memberId)!.filter((tp) => rackOf(tp).includes(m.rackId!)).length,
    0,
  );
  assert.deepEqual([...result.values()].map((ps) => ps.length), [4, 4, 3]);
  assert.equal(local, 8);
  assert.deepEqual(result.get("m3"), ["u-0", "u-1", "u-3"]);
});

test("rack-aware sticky stays valid and optimally balanced over random groups and racks", () => {
  const rng = new Rng(881);
  for (let i = 0; i < 300; i++) {
    const { members, partitionsPerTopic } = randomGroup(rng, {
      maxMembers: 4,
      maxTopics: 3,
      maxPartitions: 3,
    });
    if (allPartitions(members, partitionsPerTopic).size > 8) continue;
    const withRacks = members.map((m) => ({ ...m, rackId: `r${rng.int(3)}` }));
    const racks = new Map(
      [...partitionsPerTopic].map(([t, n]) => [
        t,
        Array.from({ length: n }, () => [`r${rng.int(3)}`]),
      ]),
    );
    for (const assignor of [stickyAssignor(), cooperativeStickyAssignor()]) {
      const result = assignor.assign(withRacks, partitionsPerTopic, racks);
      checkAssignment(result, withRacks, partitionsPerTopic, true);
      assert.equal(squares(result), bestSquares(withRacks, partitionsPerTopic));
    }
  }
});
