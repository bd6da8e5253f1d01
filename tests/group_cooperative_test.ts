// Copyright 2026 the kanal authors. MIT license.
// Rebalancing seen from outside, with members in separate processes on the real broker (issue 7):
// a member joining a cooperative-sticky group stops only the partitions that move while the
// others keep delivering (the members' events, in order, show kept partitions delivering while
// the rebalance is under way), the same join under the eager range assignor stops everything,
// and a pattern subscription picks up a topic created while it runs.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Admin } from "../lib/admin/admin.ts";
import { Client } from "../lib/client/client.ts";
import { Producer } from "../lib/producer/producer.ts";
import type { DeliveryReport } from "../lib/producer/producer_record.ts";
import { brokerList, requireBroker } from "./_kafka.ts";
import { uniqueTopic } from "./_tools.ts";
import { type Event, Member, processedBy } from "./group/_member.ts";
import { until } from "./_wait.ts";

const PARTITIONS = 6;
/** The producer writes one record to every partition this often. */
const TICK_MS = 20;

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

/**
 * The records events (by any member) of partition `p` printed strictly between `from` and `to`,
 * by the members' clocks (one machine, one clock).
 */
function deliveriesBetween(run: JoinRun, p: number, from: number, to: number): Event[] {
  return run.members.flatMap((m) =>
    m.events.filter((e) => e.e === "records" && e.p === p && e.t > from && e.t < to)
  );
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
  /** Per partition, the offsets the producer was given. */
  producedAt: Map<number, Set<number>>;
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
    producing = true;
    const ticker = (async () => {
      for (let i = 0; producing; i++) {
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
    // Every partition delivers again after the rebalance, so each has events on both sides.
    const t1 = Date.now();
    await until("every partition to deliver again", () => delivering(all, t1), 30_000);
    producing = false;
    await ticker;
    const producedAt = new Map<number, Set<number>>();
    for (const r of (await Promise.all(sends)).flat()) {
      let m = producedAt.get(r.partition);
      if (m === undefined) producedAt.set(r.partition, m = new Set());
      m.add(r.offset);
    }
    const processed = () => processedBy(all);
    await until("every produced record to be processed", () => {
      const seen = processed();
      return [...producedAt].every(([p, offsets]) =>
        [...offsets].every((o) => seen.get(p)?.has(o))
      );
    }, 30_000).catch(() => {/* the caller's assertion says which are missing */});
    return {
      members: [a, b, c],
      before,
      joinAt,
      settledAt,
      producedAt,
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

/**
 * Per partition: who owned it before and after, whether it moved, and how many records events
 * it had while the rebalance was under way (from the first revoke to the last assignment).
 */
function ownershipTable(
  run: JoinRun,
): { p: number; moved: boolean; during: number; row: string }[] {
  const [a, b, c] = run.members;
  const revokes = [a, b].flatMap((m) =>
    m.events.filter((e) => e.e === "revoked" && e.t >= run.joinAt)
  )
    .map((e) => e.t);
  const from = revokes.length === 0 ? run.settledAt : Math.min(...revokes);
  return [...Array(PARTITIONS).keys()].map((p) => {
    const before = run.before[0].has(p) ? "A" : run.before[1].has(p) ? "B" : "?";
    const after = a.owned().has(p) ? "A" : b.owned().has(p) ? "B" : c.owned().has(p) ? "C" : "?";
    const during = deliveriesBetween(run, p, from, run.settledAt).length;
    const row = `  p${p} ${before}->${after} records events while rebalancing: ${during}`;
    return { p, moved: before !== after, during, row };
  });
}

/**
 * The ownership table and each member's membership events, in ms from the third member's
 * start: what an assertion message shows so a failure can be read without a rerun.
 */
function describe(run: JoinRun, table: { row: string }[]): string {
  const lines = [
    `the last assignment came ${run.settledAt - run.joinAt} ms after the third member's start`,
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
    const missing = [...offsets].filter((o) => !run.processed.get(p)?.has(o));
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
  const table = ownershipTable(run);
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

  // (c) Kept partitions deliver while the rebalance is under way (between the first revoke and
  // the last assignment, which the follow-up round puts at least a heartbeat apart); the moved
  // ones deliver nothing between their revoke and their new assignment (checked in (b)).
  const kept = table.filter((r) => !r.moved);
  assert.equal(kept.length, 4, report);
  for (const r of kept) {
    assert.ok(r.during > 0, `kept partition ${r.p} stopped while the group rebalanced\n${report}`);
  }
  console.log(`cooperative-sticky join:\n${report}`);

  // (d) One owner each, and every record processed.
  assertComplete(run);
});

test("a member joins under range (eager): every member gives up everything", async () => {
  const run = await joinWhileProducing("range");
  const [a, b] = run.members;
  const table = ownershipTable(run);
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
  // Everything stops: from the last revoke (when every member has let go) to the first
  // assignment of the new generation, no partition delivers.
  const times = (kind: string) =>
    run.members.flatMap((m) => m.events.filter((e) => e.e === kind && e.t >= run.joinAt))
      .map((e) => e.t);
  const allLetGo = Math.max(...times("revoked"));
  const firstAssigned = Math.min(...times("assigned"));
  assert.ok(allLetGo <= firstAssigned, `an assignment came before every member let go\n${report}`);
  for (let p = 0; p < PARTITIONS; p++) {
    assert.deepEqual(
      deliveriesBetween(run, p, allLetGo, firstAssigned),
      [],
      `partition ${p} delivered while the eager group had no owners\n${report}`,
    );
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
    await until(
      "the topic created later to be assigned and read",
      () => delivered(m).length === partitionsOf("a", "b", "c").length,
      15_000,
    ).catch((e) => assert.fail(`${e.message}: ${state()}`));
    assert.deepEqual([...m.ownedTopicPartitions()].sort(), partitionsOf("a", "b", "c"), state());
    assert.deepEqual(delivered(m), partitionsOf("a", "b", "c"), "never the decoy");
    assert.equal(m.events.filter((e) => e.e === "revoked").length, 0, "a new topic moves nothing");
  } finally {
    await stop(m);
    await admin.deleteTopics(["a", "b", "c", "decoy"].map((t) => name(t as keyof typeof spec)))
      .catch(() => {});
  }
});
