// Copyright 2026 the kanal authors. MIT license.
// Rebalancing seen from outside, with members in separate processes on the real broker (issue 7):
// a member joining a cooperative-sticky group stops only the partitions that move while the
// others keep delivering (shown with the members' own timestamps), the same join under the
// eager range assignor stops everything, and a pattern subscription picks up a topic created
// while it runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Admin } from "../lib/admin/admin.ts";
import { Client } from "../lib/client/client.ts";
import { Producer } from "../lib/producer/producer.ts";
import type { DeliveryReport } from "../lib/producer/producer_record.ts";
import { brokerList, requireBroker } from "./_kafka.ts";
import { uniqueTopic } from "./_tools.ts";
import { type Event, Member, until } from "./group/_member.ts";

const PARTITIONS = 6;
/** The producer writes one record to every partition this often. */
const TICK_MS = 20;
/** A kept partition may pause this long at most while another member joins. */
const KEPT_GAP_LIMIT_MS = 1500;

/** Whether the members' owned sets split all partitions, each to exactly one owner. */
function exactlyOneOwner(members: Member[]): boolean {
  const seen = new Map<number, number>();
  for (const m of members) for (const p of m.owned()) seen.set(p, (seen.get(p) ?? 0) + 1);
  return seen.size === PARTITIONS && [...seen.values()].every((n) => n === 1);
}

/** The partitions of `m`'s events of kind `kind` printed at or after `from`. */
function partitionsIn(m: Member, kind: "assigned" | "revoked", from: number): number[] {
  return m.events.filter((e) => e.e === kind && e.t >= from).flatMap((e) => e.p as number[]);
}

const sorted = (xs: Iterable<number>): number[] => [...xs].sort((a, b) => a - b);

/** A partition's longest pause in a window: as the events show it, and the consumer's share. */
interface Gap {
  /** The longest time between consecutive records events. */
  raw: number;
  /**
   * The same, each gap counted from the later of the previous event and the moment the first
   * record of the next event was produced: a pause of the producer (this process, which a busy
   * machine can stall too) is not blamed on the consumer.
   */
  consumer: number;
}

/**
 * The longest pause in `p`'s deliveries over the window [from, to], from the members' records
 * events (by any member), counting from the last one before the window to the first one after
 * it; Infinity when there is none before or none after.
 */
function longestGap(run: JoinRun, p: number, from: number, to: number): Gap {
  const evs = run.members.flatMap((m) => m.events.filter((e) => e.e === "records" && e.p === p))
    .sort((x, y) => x.t - y.t);
  const before = evs.findLastIndex((e) => e.t < from);
  const after = evs.findIndex((e) => e.t > to);
  if (before < 0 || after < 0) return { raw: Infinity, consumer: Infinity };
  const gap = { raw: 0, consumer: 0 };
  for (let i = before + 1; i <= after; i++) {
    const prev = evs[i - 1]!.t, cur = evs[i]!;
    const producedAt = run.producedAt.get(p)?.get(cur.f!) ?? -Infinity;
    gap.raw = Math.max(gap.raw, cur.t - prev);
    gap.consumer = Math.max(gap.consumer, cur.t - Math.max(prev, producedAt));
  }
  return gap;
}

/** The longest pause between the producer's ticks over [from, to]. */
function producerPause(run: JoinRun, from: number, to: number): number {
  let pause = 0;
  for (let i = 1; i < run.ticks.length; i++) {
    if (run.ticks[i]! < from || run.ticks[i - 1]! > to) continue;
    pause = Math.max(pause, run.ticks[i]! - run.ticks[i - 1]!);
  }
  return pause;
}

/** What a join-while-producing run saw. */
interface JoinRun {
  /** The two first members, then the one that joined. */
  members: [Member, Member, Member];
  /** What each of the first two owned before the third started. */
  before: [Set<number>, Set<number>];
  /** When the third member was started, and when the last assignment of the rebalance came. */
  joinAt: number;
  settledAt: number;
  /** Per partition, the offsets the producer was given and when each record was sent. */
  producedAt: Map<number, Map<number, number>>;
  /** When the producer sent each round of one record per partition. */
  ticks: number[];
  /** Per partition, every offset some member processed. */
  processed: Map<number, Set<number>>;
}

/**
 * Two members split a six-partition topic while this process writes a record to every partition
 * each TICK_MS; then a third member joins. Once all three own two partitions each, production
 * goes on briefly, stops, and the run waits until every record produced was processed.
 */
async function joinWhileProducing(assignor: "cooperative-sticky" | "range"): Promise<JoinRun> {
  await requireBroker();
  await using client = await Client.connect({ brokers: brokerList() });
  const topic = uniqueTopic("coop");
  await new Admin(client).createTopics([{
    name: topic,
    partitions: PARTITIONS,
    replicationFactor: 1,
  }]);
  const args = [
    ...["--brokers", brokerList(), "--group", uniqueTopic("g"), "--topic", topic],
    ...["--assignor", assignor, "--session", "6000", "--heartbeat", "500"],
  ];
  const a = new Member(args);
  const b = new Member(args);
  const all: Member[] = [a, b];
  const dead = () => all.map((m, i) => `member ${i} stderr: ${m.stderr}`).join("\n");
  let producing = false;
  try {
    await until(
      "two members to split six partitions",
      () => exactlyOneOwner([a, b]) && a.owned().size === 3 && b.owned().size === 3,
      60_000,
    ).catch((e) => assert.fail(`${e.message}\n${dead()}`));

    await using producer = new Producer(client);
    const sends: Promise<DeliveryReport[]>[] = [];
    const ticks: number[] = [];
    producing = true;
    const ticker = (async () => {
      for (let i = 0; producing; i++) {
        ticks.push(Date.now());
        const sent = producer.send(
          Array.from({ length: PARTITIONS }, (_, p) => ({ topic, value: `${i}`, partition: p })),
        );
        // Awaited below; handled here too so a run that fails early leaves no stray rejection.
        sent.catch(() => {});
        sends.push(sent);
        await new Promise((r) => setTimeout(r, TICK_MS));
      }
    })();
    const delivering = (members: Member[], from: number) =>
      [...Array(PARTITIONS).keys()].every((p) =>
        members.some((m) => m.events.some((e) => e.e === "records" && e.p === p && e.t > from))
      );
    const t0 = Date.now();
    await until("every partition to deliver", () => delivering([a, b], t0), 30_000);
    await new Promise((r) => setTimeout(r, 1000));

    const before: [Set<number>, Set<number>] = [a.owned(), b.owned()];
    const c = new Member(args);
    all.push(c);
    const joinAt = c.started;
    await until(
      "three members to own two partitions each",
      () => exactlyOneOwner(all) && all.every((m) => m.owned().size === 2),
      60_000,
    ).catch((e) => assert.fail(`${e.message}\n${dead()}`));
    const settledAt = Math.max(
      ...all.flatMap((m) => m.events.filter((e) => e.e === "assigned").map((e) => e.t)),
    );
    // Long enough after the rebalance for every partition to deliver again.
    const t1 = Date.now();
    await until("every partition to deliver again", () => delivering(all, t1), 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    producing = false;
    await ticker;
    const producedAt = new Map<number, Map<number, number>>();
    for (const r of (await Promise.all(sends)).flat()) {
      let m = producedAt.get(r.partition);
      if (m === undefined) producedAt.set(r.partition, m = new Map());
      m.set(r.offset, r.timestamp);
    }
    const processed = () => {
      const m = new Map<number, Set<number>>();
      for (const x of all) x.processed(m);
      return m;
    };
    await until("every produced record to be processed", () => {
      const seen = processed();
      return [...producedAt].every(([p, offsets]) =>
        [...offsets.keys()].every((o) => seen.get(p)?.has(o))
      );
    }, 30_000).catch(() => {/* the caller's assertion says which are missing */});
    return {
      members: [a, b, c],
      before,
      joinAt,
      settledAt,
      producedAt,
      ticks,
      processed: processed(),
    };
  } finally {
    producing = false;
    await Promise.all(all.map(stop));
  }
}

/** Closes a member cleanly, or kills it when it has not exited within 10 s. */
async function stop(m: Member): Promise<void> {
  m.kill("SIGTERM");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((r) => timer = setTimeout(r, 10_000));
  await Promise.race([m.exited, late]);
  clearTimeout(timer);
  m.kill("SIGKILL");
  await m.exited;
}

/** Per partition: its longest pause in the window, whether it moved, and its owners. */
function gapTable(run: JoinRun): { p: number; gap: Gap; moved: boolean; row: string }[] {
  const [a, b, c] = run.members;
  return [...Array(PARTITIONS).keys()].map((p) => {
    const from = run.before[0].has(p) ? "A" : run.before[1].has(p) ? "B" : "?";
    const to = a.owned().has(p) ? "A" : b.owned().has(p) ? "B" : c.owned().has(p) ? "C" : "?";
    const gap = longestGap(run, p, run.joinAt, run.settledAt);
    const row =
      `  p${p} ${from}->${to} longest gap ${gap.consumer} ms (between events ${gap.raw} ms)`;
    return { p, gap, moved: from !== to, row };
  });
}

/**
 * The gap table and each member's membership events, in ms from the third member's start:
 * what an assertion message shows so a failure can be read without a rerun.
 */
function describe(run: JoinRun, table: { row: string }[]): string {
  const lines = [
    `rebalance window ${run.settledAt - run.joinAt} ms, from the third member's start`,
    `the producer's longest pause in it: ${producerPause(run, run.joinAt, run.settledAt)} ms`,
    ...table.map((r) => r.row),
  ];
  for (const [i, m] of run.members.entries()) {
    const evs = m.events.filter((e) => e.e !== "records")
      .map((e) => `${e.e}${Array.isArray(e.p) ? `[${e.p}]` : ""}@${e.t - run.joinAt}`);
    lines.push(`  ${"ABC"[i]}: ${evs.join(" ")}`);
  }
  return lines.join("\n");
}

/** Asserts that every partition has one owner and every produced record was processed. */
function assertComplete(run: JoinRun): void {
  assert.ok(exactlyOneOwner(run.members), "every partition has exactly one owner");
  assert.equal(run.producedAt.size, PARTITIONS, "every partition was produced to");
  for (const [p, offsets] of run.producedAt) {
    const missing = [...offsets.keys()].filter((o) => !run.processed.get(p)?.has(o));
    assert.deepEqual(missing, [], `partition ${p}: produced offsets nobody processed`);
  }
}

/** Records events of `m` for partition `p` after its `revoked` event for p (and no new assign). */
function deliveredAfterRevoke(m: Member, p: number): Event[] {
  const out: Event[] = [];
  let owned = false;
  for (const e of m.events) {
    if (e.e === "assigned" && (e.p as number[]).includes(p)) owned = true;
    if (e.e === "revoked" && (e.p as number[]).includes(p)) owned = false;
    if (e.e === "records" && e.p === p && !owned) out.push(e);
  }
  return out;
}

test("a member joins under cooperative-sticky: only the partitions that move stop, the others keep delivering", async () => {
  const run = await joinWhileProducing("cooperative-sticky");
  const [a, b, c] = run.members;
  const table = gapTable(run);
  const report = describe(run, table);

  // (a) The first two never give up a partition they keep, and gain none.
  for (const [i, m] of [a, b].entries()) {
    const kept = sorted(m.owned());
    const revoked = sorted(partitionsIn(m, "revoked", run.joinAt));
    assert.deepEqual(
      revoked.filter((p) => m.owned().has(p)),
      [],
      `member ${i} was revoked partitions it keeps (kept ${kept}, revoked ${revoked})\n${report}`,
    );
    assert.deepEqual(
      revoked,
      sorted([...run.before[i]!].filter((p) => !m.owned().has(p))),
      `member ${i} was revoked exactly what it lost\n${report}`,
    );
    assert.deepEqual(
      partitionsIn(m, "assigned", run.joinAt),
      [],
      `member ${i} gained nothing\n${report}`,
    );
  }
  // (b) What was revoked is exactly what the new member ends up with.
  const moved = sorted([
    ...partitionsIn(a, "revoked", run.joinAt),
    ...partitionsIn(b, "revoked", run.joinAt),
  ]);
  assert.deepEqual(
    moved,
    sorted(c.owned()),
    `the revoked partitions went to the new member\n${report}`,
  );
  assert.deepEqual(
    sorted(partitionsIn(c, "assigned", 0)),
    moved,
    `assigned to it once each\n${report}`,
  );
  for (const m of [a, b]) {
    for (const p of moved) {
      assert.deepEqual(
        deliveredAfterRevoke(m, p),
        [],
        `p${p} delivered after its revoke\n${report}`,
      );
    }
  }

  // (c) Kept partitions deliver throughout; only the moved ones pause. A moved partition waits
  // for the follow-up round, which starts only when every member has heard of it on its next
  // heartbeat (every 500 ms here), so its pause is that long at least.
  const keptGaps = table.filter((r) => !r.moved).map((r) => r.gap.consumer);
  const movedGaps = table.filter((r) => r.moved).map((r) => r.gap.consumer);
  assert.equal(keptGaps.length, 4, report);
  assert.ok(
    Math.max(...keptGaps) < KEPT_GAP_LIMIT_MS,
    `a kept partition paused ${KEPT_GAP_LIMIT_MS} ms or more\n${report}`,
  );
  assert.ok(
    Math.max(...keptGaps) < Math.min(...movedGaps),
    `a kept partition paused as long as a moved one\n${report}`,
  );
  console.log(`cooperative-sticky join:\n${report}`);

  // (d) One owner each, and every record processed.
  assertComplete(run);
});

test("a member joins under range (eager): every member gives up everything", async () => {
  const run = await joinWhileProducing("range");
  const [a, b] = run.members;
  const table = gapTable(run);
  const report = describe(run, table);
  for (const [i, m] of [a, b].entries()) {
    assert.deepEqual(
      sorted(new Set(partitionsIn(m, "revoked", run.joinAt))),
      sorted(run.before[i]!),
      `member ${i} was revoked all it owned\n${report}`,
    );
    for (const p of run.before[i]!) {
      assert.deepEqual(
        deliveredAfterRevoke(m, p),
        [],
        `p${p} delivered after its revoke\n${report}`,
      );
    }
  }
  console.log(`range join:\n${report}`);
  assertComplete(run);
});

test("a pattern subscription gets every matching topic, and a matching topic created later", async () => {
  await requireBroker();
  await using client = await Client.connect({ brokers: brokerList() });
  const admin = new Admin(client);
  const prefix = uniqueTopic("pat");
  // `${prefix}x-…` shares the prefix but not the "-" the pattern asks for right after it.
  const spec = { a: 3, b: 2, c: 2, decoy: 1 };
  const name = (t: keyof typeof spec) => t === "decoy" ? `${prefix}x-decoy` : `${prefix}-${t}`;
  await admin.createTopics(
    (["a", "b", "decoy"] as const).map((t) => ({
      name: name(t),
      partitions: spec[t],
      replicationFactor: 1,
    })),
  );
  await using producer = new Producer(client);
  const fill = (t: keyof typeof spec) =>
    producer.send(
      Array.from({ length: spec[t] }, (_, p) => ({ topic: name(t), value: "x", partition: p })),
    );
  await Promise.all([fill("a"), fill("b"), fill("decoy")]);
  const partitionsOf = (...ts: (keyof typeof spec)[]) =>
    ts.flatMap((t) => Array.from({ length: spec[t] }, (_, p) => `${name(t)}/${p}`)).sort();
  const delivered = (m: Member) =>
    [...new Set(m.events.filter((e) => e.e === "records").map((e) => `${e.topic}/${e.p}`))].sort();

  const m = new Member([
    ...["--brokers", brokerList(), "--group", uniqueTopic("g"), "--pattern", `^${prefix}-`],
    ...["--assignor", "cooperative-sticky", "--metadata-max-age", "1000"],
  ]);
  const state = () =>
    `owned ${[...m.ownedTopicPartitions()].sort()}; delivered ${delivered(m)}\n` +
    m.events.filter((e) => e.e !== "records").map((e) => JSON.stringify(e)).join("\n") +
    `\nstderr: ${m.stderr}`;
  try {
    await until(
      "the member to own and read the two matching topics",
      () => delivered(m).length === partitionsOf("a", "b").length,
      60_000,
    ).catch((e) => assert.fail(`${e.message}: ${state()}`));
    assert.deepEqual([...m.ownedTopicPartitions()].sort(), partitionsOf("a", "b"), state());
    assert.deepEqual(delivered(m), partitionsOf("a", "b"), state());

    await admin.createTopics([{ name: name("c"), partitions: spec.c, replicationFactor: 1 }]);
    await fill("c");
    const took = await until(
      "the topic created later to be assigned and read",
      () => delivered(m).length === partitionsOf("a", "b", "c").length,
      15_000,
    ).catch((e) => assert.fail(`${e.message}: ${state()}`));
    console.log(`the new topic was read ${took} ms after it was filled`);
    assert.deepEqual([...m.ownedTopicPartitions()].sort(), partitionsOf("a", "b", "c"), state());
    assert.deepEqual(delivered(m), partitionsOf("a", "b", "c"), "never the decoy");
    assert.equal(m.events.filter((e) => e.e === "revoked").length, 0, "a new topic moves nothing");
  } finally {
    await stop(m);
    await admin.deleteTopics(["a", "b", "c", "decoy"].map((t) => name(t as keyof typeof spec)))
      .catch(() => {});
  }
});
