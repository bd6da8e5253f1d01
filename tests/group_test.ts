// Copyright 2026 the kanal authors. MIT license.
// Consumer groups with members in separate processes, on the real broker: ownership,
// failover after a SIGKILL, at-least-once delivery with commits that never go backwards,
// static membership, slow handlers, cooperative rebalancing, and Kafka's own view of the group.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Admin } from "../lib/admin/admin.ts";
import { Client } from "../lib/client/client.ts";
import { API_TABLE } from "../lib/protocol/messages/api_table.ts";
import { Producer } from "../lib/producer/producer.ts";
import { brokerList, requireBroker } from "./_kafka.ts";
import { uniqueTopic } from "./_tools.ts";
import { kafkaTool } from "./_harness.ts";
import { Member, processedBy } from "./group/_member.ts";
import { assertCommitsNeverBack, committed, sampleCommits } from "./_topics.ts";
import { until } from "./_wait.ts";

const PARTITIONS = 6;

/** Whether the members' owned sets split all partitions, each to exactly one owner. */
function exactlyOneOwner(members: Member[]): boolean {
  const seen = new Map<number, number>();
  for (const m of members) for (const p of m.owned()) seen.set(p, (seen.get(p) ?? 0) + 1);
  return seen.size === PARTITIONS && [...seen.values()].every((n) => n === 1);
}

async function setup(): Promise<{ client: Client; topic: string; group: string }> {
  await requireBroker();
  const client = await Client.connect({ brokers: brokerList() });
  const topic = uniqueTopic("group");
  await new Admin(client).createTopics([{
    name: topic,
    partitions: PARTITIONS,
    replicationFactor: 1,
  }]);
  return { client, topic, group: uniqueTopic("g") };
}

test("a group splits partitions one owner each, moves a killed member's partitions, and delivers at least once", async () => {
  const { client, topic, group } = await setup();
  await using _ = client;
  const args = ["--brokers", brokerList(), "--group", group, "--topic", topic, "--session", "6000"];
  const members = [new Member(args), new Member(args), new Member(args)];
  try {
    await until(
      "three members to split six partitions",
      () => exactlyOneOwner(members) && members.every((m) => m.owned().size === 2),
      60_000,
    );

    // Kafka's own view of the group matches.
    const described = await kafkaTool("ConsumerGroupCommand", [
      "--bootstrap-server",
      brokerList(),
      "--describe",
      "--group",
      group,
      "--members",
    ]);
    const rows = described.split("\n").filter((l) => l.startsWith(group));
    assert.equal(rows.length, 3, "ConsumerGroupCommand lists three members");
    assert.deepEqual(rows.map((l) => Number(l.trim().split(/\s+/).at(-1))).sort(), [2, 2, 2]);

    // Commits never go backwards: sample them all along.
    const sampler = sampleCommits(client, group, topic, PARTITIONS, 200);

    await using producer = new Producer(client);
    const send = (from: number, n: number) =>
      producer.send(
        Array.from(
          { length: n },
          (_, i) => ({ topic, value: `${from + i}`, partition: (from + i) % PARTITIONS }),
        ),
      );
    await send(0, 3000);
    const processedCount = () => [...processedBy(members).values()].reduce((n, s) => n + s.size, 0);
    await until("the first 3000 records to be processed", () => processedCount() >= 3000, 30_000);

    members[1]!.kill("SIGKILL");
    const survivors = [members[0]!, members[2]!];
    await until(
      "the killed member's partitions to move",
      () => survivors.every((m) => m.owned().size === 3) && exactlyOneOwner(survivors),
      30_000,
    );
    await send(3000, 3000);
    const seen = () => processedBy(members);
    await until("every record to be processed", () => {
      const m = seen();
      return [...Array(PARTITIONS).keys()].every((p) => (m.get(p)?.size ?? 0) >= 1000);
    }, 30_000);
    const all = seen();
    for (let p = 0; p < PARTITIONS; p++) {
      for (let o = 0; o < 1000; o++) {
        assert.ok(all.get(p)?.has(o), `partition ${p} offset ${o} was processed`);
      }
    }
    for (const m of survivors) m.kill("SIGTERM");
    await Promise.all(survivors.map((m) => m.exited));
    assertCommitsNeverBack(await sampler.stop());
    const final = await committed(client, group, topic, PARTITIONS);
    assert.deepEqual(final, [1000, 1000, 1000, 1000, 1000, 1000], "everything committed at close");
  } finally {
    for (const m of members) m.kill("SIGKILL");
  }
});

test("a static member restarted within the session timeout causes no rebalance", async () => {
  const { client, topic, group } = await setup();
  await using _ = client;
  const base = [
    "--brokers",
    brokerList(),
    "--group",
    group,
    "--topic",
    topic,
    "--session",
    "10000",
  ];
  const other = new Member(base);
  let stat = new Member([...base, "--instance", "static-1"]);
  try {
    await until(
      "two members to split the partitions",
      () => exactlyOneOwner([other, stat]) && other.owned().size === 3 && stat.owned().size === 3,
      60_000,
    );
    const generation = Math.max(...other.events.filter((e) => e.e === "assigned").map((e) => e.g!));
    const assignedBefore = other.events.filter((e) => e.e === "assigned").length;
    const staticParts = [...stat.owned()].sort();
    stat.kill("SIGKILL");
    await stat.exited;
    stat = new Member([...base, "--instance", "static-1"]);
    await until(
      "the static member to get its partitions back",
      () => stat.owned().size > 0,
      20_000,
    );
    assert.deepEqual([...stat.owned()].sort(), staticParts, "same partitions");
    assert.equal(stat.events.find((e) => e.e === "assigned")!.g, generation, "same generation");
    // A rejoin that started a rebalance would leave the group preparing or completing it now
    // (the other member hears of it only on its next heartbeat), not stable with both members.
    const described = await client.request(await client.coordinator(group), API_TABLE[15], {
      groups: [group],
    });
    assert.equal(described.groups[0]?.groupState, "Stable");
    assert.equal(described.groups[0]?.members.length, 2);
    assert.equal(stat.events.filter((e) => e.e === "assigned").length, 1, "assigned once");
    assert.equal(
      other.events.filter((e) => e.e === "assigned").length,
      assignedBefore,
      "the other member saw no rebalance",
    );
  } finally {
    other.kill("SIGKILL");
    stat.kill("SIGKILL");
  }
});

test("a handler slower than the session timeout keeps its membership", async () => {
  const { client, topic, group } = await setup();
  await using _ = client;
  await using producer = new Producer(client);
  await producer.send(
    Array.from({ length: 60 }, (_, i) => ({ topic, value: `${i}`, partition: i % PARTITIONS })),
  );
  const args = ["--brokers", brokerList(), "--group", group, "--topic", topic, "--session", "3000"];
  const slow = new Member([...args, "--slow", "7000"]);
  try {
    await until(
      "the slow member to start processing",
      () => slow.events.some((e) => e.e === "records"),
      30_000,
    );
    const assigned = slow.events.filter((e) => e.e === "assigned").length;
    // Two handler calls of 7 s each: well past the 3 s session timeout.
    await until(
      "two slow handler calls",
      () => slow.events.filter((e) => e.e === "records").length >= 3,
      30_000,
    );
    assert.equal(
      slow.events.filter((e) => e.e === "revoked").length,
      0,
      "never lost its partitions",
    );
    assert.equal(
      slow.events.filter((e) => e.e === "assigned").length,
      assigned,
      "no new assignment",
    );
  } finally {
    slow.kill("SIGKILL");
  }
});
