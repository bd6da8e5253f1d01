// Copyright 2026 the kanal authors. MIT license.
// The KIP-848 consumer group protocol against the 4.x broker, members in separate processes:
// one owner per partition, a killed member's partitions move, every record is processed at
// least once, and commits never go backwards.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { Admin } from "../lib/admin/admin.ts";
import { Client } from "../lib/client/client.ts";
import { API_TABLE } from "../lib/protocol/messages/api_table.ts";
import { Producer } from "../lib/producer/producer.ts";
import { brokerList, requireBroker } from "./_kafka.ts";
import { uniqueTopic } from "./_tools.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
const PARTITIONS = 6;

interface Event {
  e: string;
  p?: number | number[];
  f?: number;
  l?: number;
  protocol?: string;
}

function member(
  args: string[],
): { events: Event[]; kill(s: "SIGKILL" | "SIGTERM"): void; exited: Promise<unknown> } {
  const cmd = isBun ? `${ROOT}node_modules/.bin/bun` : `${ROOT}node_modules/.bin/deno`;
  const child = spawn(cmd, [
    ...(isBun ? [] : ["run", "-A"]),
    `${ROOT}tests/group/member.ts`,
    ...args,
  ], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  const events: Event[] = [];
  let buf = "";
  child.stdout.on("data", (c: Uint8Array) => {
    buf += new TextDecoder().decode(c);
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line.startsWith("{")) events.push(JSON.parse(line));
    }
  });
  return {
    events,
    kill: (s) => child.kill(s),
    exited: new Promise((r) => child.once("exit", r)),
  };
}

const owned = (events: Event[]) => {
  const s = new Set<number>();
  for (const ev of events) {
    if (ev.e === "assigned") { for (const p of ev.p as number[]) s.add(p); }
    if (ev.e === "revoked") { for (const p of ev.p as number[]) s.delete(p); }
  }
  return s;
};

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("KIP-848 members split partitions one owner each, survive a kill, and deliver at least once", async () => {
  await requireBroker();
  await using client = await Client.connect({ brokers: brokerList() });
  const topic = uniqueTopic("g848");
  const group = uniqueTopic("g848");
  await new Admin(client).createTopics([{
    name: topic,
    partitions: PARTITIONS,
    replicationFactor: 1,
  }]);
  const args = [
    "--brokers",
    brokerList(),
    "--group",
    group,
    "--topic",
    topic,
    "--protocol",
    "consumer",
  ];
  const ms = [member(args), member(args), member(args)];
  const split = (list: typeof ms, each: number) => {
    const seen = new Map<number, number>();
    for (const m of list) for (const p of owned(m.events)) seen.set(p, (seen.get(p) ?? 0) + 1);
    return seen.size === PARTITIONS && [...seen.values()].every((n) => n === 1) &&
      list.every((m) => owned(m.events).size === each);
  };
  try {
    await until("three members to split six partitions", () => split(ms, 2), 60_000);
    // The broker's own view agrees. ConsumerGroupDescribe only knows KIP-848 groups, so this
    // also proves the members did not fall back to the classic protocol.
    const coordinator = await client.coordinator(group);
    const described = await client.request(coordinator, API_TABLE[69], {
      groupIds: [group],
      includeAuthorizedOperations: false,
    });
    const g = described.groups[0]!;
    assert.equal(g.errorCode, 0);
    assert.equal(g.members.length, 3);
    const parts = g.members.flatMap((m) =>
      m.assignment.topicPartitions.flatMap((t) => t.partitions)
    ).sort();
    assert.deepEqual(parts, [0, 1, 2, 3, 4, 5]);
    assert.ok(g.members.every((m) => m.memberEpoch > 0));

    await using producer = new Producer(client);
    await producer.send(
      Array.from({ length: 600 }, (_, i) => ({ topic, value: `${i}`, partition: i % PARTITIONS })),
    );
    ms[1]!.kill("SIGKILL");
    const survivors = [ms[0]!, ms[2]!];
    await until("the killed member's partitions to move", () => split(survivors, 3), 30_000);
    await producer.send(
      Array.from({ length: 600 }, (_, i) => ({ topic, value: `${i}`, partition: i % PARTITIONS })),
    );
    const processed = () => {
      const m = new Map<number, Set<number>>();
      for (const x of ms) {
        for (const ev of x.events) {
          if (ev.e !== "records") continue;
          const s = m.get(ev.p as number) ?? new Set();
          for (let o = ev.f!; o <= ev.l!; o++) s.add(o);
          m.set(ev.p as number, s);
        }
      }
      return m;
    };
    await until("every record to be processed", () => {
      const m = processed();
      return [...Array(PARTITIONS).keys()].every((p) => (m.get(p)?.size ?? 0) >= 200);
    }, 30_000);
    for (const m of survivors) m.kill("SIGTERM");
    await Promise.all(survivors.map((m) => m.exited));
    const res = await client.request(await client.coordinator(group), API_TABLE[9], {
      groups: [{ groupId: group, topics: [{ name: topic, partitionIndexes: [0, 1, 2, 3, 4, 5] }] }],
      requireStable: false,
    });
    const committed = res.groups![0]!.topics[0]!.partitions.map((p) => Number(p.committedOffset));
    assert.deepEqual(committed, [200, 200, 200, 200, 200, 200], "everything committed at close");
  } finally {
    for (const m of ms) m.kill("SIGKILL");
  }
});
