import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { stickyPartitioner } from "./sticky_partitioner.ts";

/** A small seeded generator (mulberry32), so the draws are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sends `n` records of `size` bytes and returns each record's partition. */
function send(
  partitioner: ReturnType<typeof stickyPartitioner>,
  n: number,
  size: number,
  count = 6,
  available: readonly number[] = [],
  topic = "t",
): number[] {
  return Array.from(
    { length: n },
    () => partitioner.partition(topic, null, count, available, size),
  );
}

test("stickyPartitioner stays on one partition until stickyBytes, then moves for the next record", () => {
  const picks = send(stickyPartitioner({ stickyBytes: 1000, random: seeded(1) }), 25, 100);
  // Records 1-10 carry 1000 bytes: the 10th reaches the threshold but still goes to the
  // first partition; the 11th starts the next.
  assert.equal(new Set(picks.slice(0, 10)).size, 1);
  assert.notEqual(picks[10], picks[9]);
  assert.equal(new Set(picks.slice(10, 20)).size, 1);
  assert.notEqual(picks[20], picks[19]);
});

test("stickyPartitioner defaults to Java's batch.size of 16384 bytes", () => {
  const picks = send(stickyPartitioner({ random: seeded(2) }), 17, 1024);
  assert.equal(new Set(picks.slice(0, 16)).size, 1);
  assert.notEqual(picks[16], picks[15]);
});

test("stickyPartitioner moves after every record that alone reaches stickyBytes", () => {
  const picks = send(stickyPartitioner({ stickyBytes: 100, random: seeded(3) }), 50, 500);
  for (let i = 1; i < picks.length; i++) assert.notEqual(picks[i], picks[i - 1]);
});

test("stickyPartitioner never picks the partition it leaves when there is another", () => {
  const two = send(stickyPartitioner({ stickyBytes: 1, random: seeded(4) }), 200, 1, 2);
  for (let i = 1; i < two.length; i++) assert.equal(two[i], 1 - two[i - 1]!);
  const led = send(stickyPartitioner({ stickyBytes: 1, random: seeded(5) }), 200, 1, 9, [3, 8]);
  for (let i = 1; i < led.length; i++) assert.equal(led[i], led[i - 1] === 3 ? 8 : 3);
});

test("stickyPartitioner gives every partition about the same bytes", () => {
  const partitioner = stickyPartitioner({ stickyBytes: 1000, random: seeded(6) });
  const bytes = new Array<number>(6).fill(0);
  for (const p of send(partitioner, 60_000, 100)) bytes[p]! += 100;
  const share = 60_000 * 100 / 6;
  for (const b of bytes) assert.ok(Math.abs(b - share) < share * 0.1, `${bytes}`);
});

test("stickyPartitioner spreads over every partition with the default random source", () => {
  const picks = send(stickyPartitioner({ stickyBytes: 100 }), 2000, 100, 5);
  assert.deepEqual([...new Set(picks)].sort(), [0, 1, 2, 3, 4]);
});

test("stickyPartitioner draws only partitions that have a leader", () => {
  const picks = send(stickyPartitioner({ stickyBytes: 100, random: seeded(7) }), 500, 100, 10, [
    1,
    4,
    9,
  ]);
  assert.deepEqual([...new Set(picks)].sort(), [1, 4, 9]);
});

test("stickyPartitioner stays on the only partition with a leader", () => {
  const picks = send(stickyPartitioner({ stickyBytes: 100, random: seeded(8) }), 50, 100, 6, [2]);
  assert.ok(picks.every((p) => p === 2));
});

test("stickyPartitioner moves at once when its partition loses its leader", () => {
  const partitioner = stickyPartitioner({ stickyBytes: 1_000_000, random: seeded(9) });
  const first = partitioner.partition("t", null, 6, [0, 1, 2, 3, 4, 5], 10);
  const rest = [0, 1, 2, 3, 4, 5].filter((p) => p !== first);
  const moved = partitioner.partition("t", null, 6, rest, 10);
  assert.ok(rest.includes(moved));
  // It then sticks to the new partition, and a new array listing it changes nothing.
  assert.equal(partitioner.partition("t", null, 6, rest, 10), moved);
  assert.equal(partitioner.partition("t", null, 6, [...rest], 10), moved);
});

test("stickyPartitioner keeps its partition when availability changes but still includes it", () => {
  const partitioner = stickyPartitioner({ stickyBytes: 1_000_000, random: seeded(10) });
  const first = partitioner.partition("t", null, 6, [], 10);
  assert.equal(partitioner.partition("t", null, 6, [first, (first + 1) % 6], 10), first);
});

test("stickyPartitioner keeps a separate partition and byte count per topic", () => {
  const partitioner = stickyPartitioner({ stickyBytes: 1000, random: seeded(11) });
  const a = send(partitioner, 5, 100, 50, [], "a");
  // 100 KiB to topic b must not move topic a, which has 500 of its 1000 bytes.
  send(partitioner, 1000, 100, 50, [], "b");
  const a2 = send(partitioner, 5, 100, 50, [], "a");
  assert.equal(new Set([...a, ...a2]).size, 1);
  assert.notEqual(partitioner.partition("a", null, 50, [], 100), a2[4]);
});

test("stickyPartitioner picks again when the topic has fewer partitions than its current one", () => {
  const partitioner = stickyPartitioner({ stickyBytes: 1_000_000, random: () => 0.99 });
  assert.equal(partitioner.partition("t", null, 10, [], 10), 9);
  const p = partitioner.partition("t", null, 3, [], 10);
  assert.equal(p, 2);
});

test("stickyPartitioner ignores keys", () => {
  const partitioner = stickyPartitioner({ random: seeded(12) });
  const picks = ["a", "b", new Uint8Array([1]), null].map((k) =>
    partitioner.partition("t", k, 12, [], 10)
  );
  assert.equal(new Set(picks).size, 1);
});

test("stickyPartitioner ignores sizes that are NaN or negative instead of sticking forever", () => {
  const partitioner = stickyPartitioner({ stickyBytes: 100, random: seeded(13) });
  const first = partitioner.partition("t", null, 6, [], NaN);
  assert.equal(partitioner.partition("t", null, 6, [], -50), first);
  assert.equal(partitioner.partition("t", null, 6, [], 100), first);
  assert.notEqual(partitioner.partition("t", null, 6, [], 1), first);
});

test("stickyPartitioner refuses bad options and topics without partitions", () => {
  for (const bad of [0, -1, NaN, 0.5]) {
    assert.throws(() => stickyPartitioner({ stickyBytes: bad }), RangeError, `${bad}`);
  }
  assert.throws(() => stickyPartitioner({ random: 1 as never }), TypeError);
  assert.throws(() => stickyPartitioner().partition("orders", null, 0, [], 10), RangeError);
});
