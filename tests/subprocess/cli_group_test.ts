// Copyright 2026 the kanal authors. MIT license.
// `kanal consume -G` as a user runs it: cli.ts as a subprocess under Deno and under Bun, against
// the real broker, on records kcat produced. kcat -C is the oracle for what the topic holds, and
// Kafka's own ConsumerGroupCommand for what the group committed and who is still a member.
import { test } from "../_test.ts";
import assert from "node:assert/strict";
import { brokerList, requireBroker } from "../_kafka.ts";
import { kcat, run, uniqueTopic } from "../_tools.ts";
import { kafkaSh } from "../_harness.ts";
import { kanal, RUNTIMES, start, text } from "../_cli.ts";
import { withTopic } from "../_topics.ts";
import { until } from "../_wait.ts";

// Each record as one line: partition, offset, key and value.
const LINE = "%p %o %k %s\\n";
// Members notice a rebalance within half a second, and one that vanished is dropped in six.
const QUICK = ["-X", "heartbeat.interval.ms=500", "-X", "session.timeout.ms=6000"];

/** Produces `perPartition` keyed records to each of partitions 0, 1 and 2 with kcat. */
async function fill(topic: string, perPartition: number, tag = "r"): Promise<void> {
  for (const p of [0, 1, 2]) {
    const lines = Array.from({ length: perPartition }, (_, i) => `${tag}${p}-${i}:v${p}-${i}`);
    await kcat(["-P", "-b", brokerList(), "-t", topic, "-p", String(p), "-K", ":"], {
      input: lines.join("\n") + "\n",
    });
  }
}

/** What the topic holds, as kcat prints it with LINE, sorted. */
async function everything(topic: string): Promise<string[]> {
  const r = await run("kcat", ["-C", "-q", "-e", "-b", brokerList(), "-t", topic, "-f", LINE]);
  assert.equal(r.code, 0, r.stderr);
  return lines(text(r.stdout)).sort();
}

function lines(out: string): string[] {
  return out.split("\n").filter(Boolean);
}

/** One partition's row in `kafka-consumer-groups --describe`. */
interface GroupRow {
  topic: string;
  partition: number;
  current: number;
  end: number;
  lag: number;
  consumer: string;
}

/** What Kafka's ConsumerGroupCommand says about `group`: its rows, and its text. */
async function describe(group: string): Promise<{ rows: GroupRow[]; text: string }> {
  const r = await kafkaSh([
    "tool",
    "ConsumerGroupCommand",
    "--bootstrap-server",
    brokerList(),
    "--describe",
    "--group",
    group,
  ], { timeoutMs: 60_000 });
  // The tool says on stderr that a group has no active members.
  const out = `${text(r.stdout)}${r.stderr}`;
  assert.equal(r.code, 0, out);
  const rows = lines(out).map((l) => l.trim().split(/\s+/)).filter((f) => f[0] === group).map((
    f,
  ) => ({
    topic: f[1]!,
    partition: Number(f[2]),
    current: Number(f[3]),
    end: Number(f[4]),
    lag: Number(f[5]),
    consumer: f[6]!,
  })).sort((a, b) => a.partition - b.partition);
  return { rows, text: out };
}

/** Asserts that `group` committed every partition of `topic` up to its end: LAG 0. */
async function assertCaughtUp(group: string, topic: string, ends: number[]): Promise<void> {
  const { rows, text } = await describe(group);
  assert.deepEqual(
    rows.map((r) => [r.topic, r.partition, r.current, r.end, r.lag]),
    ends.map((end, p) => [topic, p, end, end, 0]),
    text,
  );
}

/** Asserts that no member is left in `group`: every one that exited left it. */
async function assertLeft(group: string): Promise<void> {
  const { rows, text } = await describe(group);
  assert.match(text, new RegExp(`Consumer group '${group}' has no active members`), text);
  for (const r of rows) assert.equal(r.consumer, "-", text);
}

/**
 * The partitions a member owns now, from its stderr: kcat's "% Group G rebalanced (memberid M):
 * assigned: t [0], t [1]" and "…: revoked: …" lines, in order.
 */
function owned(err: string, topic: string): Set<number> {
  const mine = new Set<number>();
  for (const line of lines(err)) {
    const m = /^% Group \S+ rebalanced \(memberid \S+\): (assigned|revoked): (.*)$/.exec(line);
    if (m === null) continue;
    for (const part of m[2]!.split(", ")) {
      const pm = /^(.*) \[(\d+)\]$/.exec(part);
      assert.ok(pm !== null, `a partition as kcat lists it: "${part}" in ${line}`);
      assert.equal(pm[1], topic, line);
      if (m[1] === "assigned") mine.add(Number(pm[2]));
      else mine.delete(Number(pm[2]));
    }
  }
  return mine;
}

// The ways a group can share partitions: eager, cooperative (KIP-429), and the broker's (KIP-848).
const SPLITS: readonly (readonly [string, readonly string[]])[] = [
  ["the range assignor", []],
  ["cooperative-sticky", ["-X", "partition.assignment.strategy=cooperative-sticky"]],
  ["the consumer protocol", ["-X", "group.protocol=consumer"]],
];

for (const [runtime] of RUNTIMES) {
  test(`kanal consume -G -e prints every record once, commits it, and resumes from the commit, under ${runtime}`, async () => {
    await requireBroker();
    await withTopic({ prefix: "cli-group" }, async (topic) => {
      await fill(topic, 100);
      const all = await everything(topic);
      assert.equal(all.length, 300, "the oracle has every record");
      const group = uniqueTopic("cli-group-g");
      const args = ["consume", "-b", brokerList(), "-G", group, "-e", "-f", LINE, ...QUICK];

      const first = await kanal(runtime, [...args, "-o", "beginning", topic]);
      assert.equal(first.code, 0, first.stderr);
      const printed = lines(text(first.stdout));
      assert.equal(printed.length, 300, first.stderr);
      assert.deepEqual([...printed].sort(), all);
      // Each partition in offset order.
      for (const p of [0, 1, 2]) {
        const offsets = printed.filter((l) => l.startsWith(`${p} `)).map((l) =>
          Number(l.split(" ")[1])
        );
        assert.deepEqual(offsets, Array.from({ length: 100 }, (_, i) => i), `partition ${p}`);
      }
      // kcat's words on stderr: waiting, the assignment, and what it gave back on the way out.
      const err = lines(first.stderr);
      assert.equal(err[0], "% Waiting for group rebalance", first.stderr);
      assert.match(
        first.stderr,
        new RegExp(
          `^% Group ${group} rebalanced \\(memberid kanal-[^)]+\\): assigned: ` +
            `${topic} \\[0\\], ${topic} \\[1\\], ${topic} \\[2\\]$`,
          "m",
        ),
      );
      assert.match(
        err.at(-1)!,
        new RegExp(`: revoked: ${topic} \\[0\\], ${topic} \\[1\\], ${topic} \\[2\\]$`),
      );
      assert.equal(owned(first.stderr, topic).size, 0);
      await assertCaughtUp(group, topic, [100, 100, 100]);

      // Again: the group resumes at its commits, at the end, so there is nothing to print.
      const again = await kanal(runtime, [...args, "-o", "beginning", topic]);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(text(again.stdout), "");
      assert.match(again.stderr, /assigned: /);

      // New records, and -o end, which only matters where nothing is committed: just those.
      await fill(topic, 2, "new");
      const more = await kanal(runtime, [...args, "-o", "end", topic]);
      assert.equal(more.code, 0, more.stderr);
      assert.deepEqual(
        lines(text(more.stdout)).sort(),
        (await everything(topic)).filter((l) => / new\d-\d /.test(l)),
      );
      assert.equal(lines(text(more.stdout)).length, 6);
      await assertCaughtUp(group, topic, [102, 102, 102]);
      await assertLeft(group);
    });
  });

  for (const [how, extra] of SPLITS) {
    test(`two kanal consume -G -c members split the records, each printed by one of them, with ${how}, under ${runtime}`, async () => {
      await requireBroker();
      await withTopic({ prefix: "cli-group" }, async (topic) => {
        const group = uniqueTopic("cli-group-split");
        const args = [
          ...["consume", "-b", brokerList(), "-G", group, "-o", "beginning", "-c", "150"],
          ...["-f", LINE, ...QUICK, ...extra, topic],
        ];
        const a = start(runtime, args);
        const b = start(runtime, args);
        try {
          // Both in the group, the partitions split between them, before there is anything to read.
          await until(
            "both members to own partitions",
            () => {
              const [pa, pb] = [owned(a.err, topic), owned(b.err, topic)];
              return pa.size > 0 && pb.size > 0 && pa.size + pb.size === 3 &&
                [...pa].every((p) => !pb.has(p));
            },
          );
          await fill(topic, 100);
          const [ca, cb] = await Promise.all([a.exited, b.exited]);
          assert.equal(ca, 0, a.err);
          assert.equal(cb, 0, b.err);
          const [la, lb] = [lines(a.out), lines(b.out)];
          assert.equal(la.length, 150, a.err);
          assert.equal(lb.length, 150, b.err);
          // Every record printed by exactly one member: together they are the topic, once.
          assert.deepEqual([...la, ...lb].sort(), await everything(topic));
          // The member that finished first stopped mid-way; the other took its partitions over.
          assert.ok(
            owned(a.err, topic).size === 0 && owned(b.err, topic).size === 0,
            `${a.err}\n${b.err}`,
          );
          await assertCaughtUp(group, topic, [100, 100, 100]);
        } finally {
          a.kill("SIGKILL");
          b.kill("SIGKILL");
        }
      });
    });
  }

  test(`kanal consume -G starts new partitions at the end and on SIGINT commits, leaves and exits 0, under ${runtime}`, async () => {
    await requireBroker();
    await withTopic({ prefix: "cli-group" }, async (topic) => {
      await fill(topic, 3, "old");
      const group = uniqueTopic("cli-group-int");
      const child = start(runtime, [
        ...["consume", "-b", brokerList(), "-G", group, "-f", LINE, ...QUICK, topic],
      ]);
      try {
        await until("the assignment", () => owned(child.err, topic).size === 3);
        // Produce until it shows up: the member may not have found the end yet at first.
        let polls = 0;
        await until(
          "a fresh record to be printed",
          async () => {
            if (child.out.includes(" fresh1-0 ")) return true;
            if (polls++ % 10 === 0) await fill(topic, 1, "fresh");
            return false;
          },
          10_000,
          100,
        ).catch((e) => assert.fail(`${e.message}: ${child.err}`));
        assert.ok(!child.out.includes("old"), child.out);
        child.kill("SIGINT");
        assert.equal(await child.exited, 0, child.err);
        assert.match(lines(child.err).at(-1)!, /: revoked: /);
        // What it printed is committed, up to the last record printed and no further; a
        // partition it printed nothing of has no commit.
        const { rows, text: described } = await describe(group);
        for (const p of [0, 1, 2]) {
          const offsets = lines(child.out).filter((l) => l.startsWith(`${p} `)).map((l) =>
            Number(l.split(" ")[1])
          );
          const row = rows.find((r) => r.partition === p);
          if (offsets.length === 0) {
            assert.ok(row === undefined || Number.isNaN(row.current), described);
          } else {
            assert.equal(row?.current, Math.max(...offsets) + 1, `${described}\n${child.out}`);
          }
        }
        assert.ok(rows.some((r) => r.partition === 1), "partition 1 printed fresh1-0");
        await assertLeft(group);
      } finally {
        child.kill("SIGKILL");
      }
    });
  });

  test(`kanal consume -G without topics exits 2 with the usage, under ${runtime}`, async () => {
    const r = await kanal(runtime, ["consume", "-b", brokerList(), "-G", "g"]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout.length, 0);
    assert.match(r.stderr, /^kanal consume: Cannot consume as a member of group g as no topic/);
    assert.match(r.stderr, /Usage: kanal consume/);
  });
}
