// Copyright 2026 the kanal authors. MIT license.
// A member with a slow handler must not process, nor commit, partitions after they are revoked:
// its new owner has them (a regression found with a slow cooperative member).
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Client } from "../lib/client/client.ts";
import { Producer } from "../lib/producer/producer.ts";
import { brokerList, requireBroker } from "./_kafka.ts";
import { uniqueTopic } from "./_tools.ts";
import { assertCommitsNeverBack, sampleCommits, withTopic } from "./_topics.ts";
import { until } from "./_wait.ts";
import { type Event, Member } from "./group/_member.ts";

const PARTITIONS = 6;
const PER_PARTITION = 2000;

/** The records events of `m` for a partition it did not own at the time. */
function unowned(m: Member): Event[] {
  const owned = new Set<number>();
  const out: Event[] = [];
  for (const e of m.events) {
    if (e.e === "assigned") { for (const p of e.p as number[]) owned.add(p); }
    if (e.e === "revoked") { for (const p of e.p as number[]) owned.delete(p); }
    if (e.e === "records" && !owned.has(e.p as number)) out.push(e);
  }
  return out;
}

/** The highest offset `m` processed of partition `p` before its first event of kind `e`. */
function lastBefore(m: Member, p: number, kind: string): number {
  let last = -1;
  for (const e of m.events) {
    if (e.e === kind && (e.p as number[]).includes(p)) break;
    if (e.e === "records" && e.p === p) last = Math.max(last, e.l!);
  }
  return last;
}

test("a slow member neither processes nor commits a partition after it is revoked", async () => {
  await requireBroker();
  await withTopic({ partitions: PARTITIONS, prefix: "revoke" }, async (topic) => {
    await using client = await Client.connect({ brokers: brokerList() });
    const group = uniqueTopic("g");
    await using producer = new Producer(client);
    for (let k = 0; k < PER_PARTITION / 500; k++) {
      await producer.send(
        Array.from({ length: 500 * PARTITIONS }, (_, i) => ({
          topic,
          value: `${i}`,
          partition: i % PARTITIONS,
        })),
      );
    }
    const sampler = sampleCommits(client, group, topic, PARTITIONS);
    const args = [
      ...["--brokers", brokerList(), "--group", group, "--topic", topic],
      ...["--assignor", "cooperative-sticky"],
    ];
    const a = new Member([...args, "--slow", "1500"]);
    const members = [a];
    try {
      await until("the slow member to own everything and start processing", () => {
        return a.owned().size === PARTITIONS && a.events.some((e) => e.e === "records");
      }, 60_000);
      const b = new Member(args);
      members.push(b);
      await until(
        "the two to split the partitions",
        () => a.owned().size === 3 && b.owned().size === 3,
        60_000,
      );
      // The race this test is about happened: the slow member was still part-way through a
      // partition it lost, with records of it fetched and waiting for its handler.
      const moved = [...b.owned()];
      const cut = moved.filter((p) => lastBefore(a, p, "revoked") < PER_PARTITION - 1);
      assert.ok(cut.length > 0, "the slow member had records of a revoked partition to go");

      // A marker at the end of every partition: once each owner has processed its markers,
      // whatever the slow member had fetched before the split has been through its handler.
      const markers = await producer.send(
        Array.from({ length: PARTITIONS }, (_, p) => ({ topic, value: "marker", partition: p })),
      );
      const processed = (m: Member, p: number, o: number) =>
        m.events.some((e) => e.e === "records" && e.p === p && e.f! <= o && o <= e.l!);
      await until("each owner to process its partitions' markers", () => {
        return markers.every((r) =>
          processed(a.owned().has(r.partition) ? a : b, r.partition, r.offset)
        );
      }, 60_000);

      for (const [i, m] of members.entries()) {
        const stray = unowned(m).map((e) => `p${e.p} ${e.f}-${e.l}`);
        assert.deepEqual(stray, [], `member ${i} processed partitions it did not own`);
      }
      // The new owner went on where the slow member left off: nothing of a moved partition lost.
      for (const p of cut) {
        const from = lastBefore(a, p, "revoked") + 1;
        for (let o = from; o < PER_PARTITION; o++) {
          assert.ok(processed(b, p, o), `partition ${p} offset ${o} processed by the new owner`);
        }
      }
    } finally {
      for (const m of members) m.kill("SIGKILL");
      await Promise.all(members.map((m) => m.exited));
    }
    assertCommitsNeverBack(await sampler.stop());
  });
});
