// Copyright 2026 the kanal authors. MIT license.
// A member with a slow handler must not process, nor commit, partitions after they are revoked:
// its new owner has them (a regression found with a slow cooperative member).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Admin } from "../lib/admin/admin.ts";
import { Client } from "../lib/client/client.ts";
import { Producer } from "../lib/producer/producer.ts";
import { API_TABLE } from "../lib/protocol/messages/api_table.ts";
import { brokerList, requireBroker } from "./_kafka.ts";
import { uniqueTopic } from "./_tools.ts";
import { Member, until } from "./group/_member.ts";

test("a slow member neither processes nor commits a partition after it is revoked", async () => {
  await requireBroker();
  await using client = await Client.connect({ brokers: brokerList() });
  const topic = uniqueTopic("revoke");
  const group = uniqueTopic("g");
  await new Admin(client).createTopics([{ name: topic, partitions: 6, replicationFactor: 1 }]);
  await using producer = new Producer(client);
  for (let k = 0; k < 4; k++) {
    await producer.send(
      Array.from({ length: 3000 }, (_, i) => ({ topic, value: `${i}`, partition: i % 6 })),
    );
  }
  const committed = async () => {
    const res = await client.request(await client.coordinator(group), API_TABLE[9], {
      groups: [{ groupId: group, topics: [{ name: topic, partitionIndexes: [0, 1, 2, 3, 4, 5] }] }],
      requireStable: false,
    });
    return (res.groups?.[0]?.topics[0]?.partitions ?? []).map((p) => Number(p.committedOffset));
  };
  const samples: number[][] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      samples.push(await committed().catch(() => samples.at(-1) ?? []));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const args = [
    "--brokers",
    brokerList(),
    "--group",
    group,
    "--topic",
    topic,
    "--assignor",
    "cooperative-sticky",
  ];
  const a = new Member([...args, "--slow", "1500"]);
  const members = [a];
  try {
    await until("the slow member to own everything", () => a.owned().size === 6, 60_000);
    await new Promise((r) => setTimeout(r, 500));
    const b = new Member(args);
    members.push(b);
    await until(
      "the two to split the partitions",
      () => a.owned().size === 3 && b.owned().size === 3,
      60_000,
    );
    // The slow handler's chunks of revoked partitions would surface over the next seconds.
    await new Promise((r) => setTimeout(r, 6000));
    for (const [i, m] of members.entries()) {
      const owned = new Set<number>();
      for (const e of m.events) {
        if (e.e === "assigned") { for (const p of e.p as number[]) owned.add(p); }
        if (e.e === "revoked") { for (const p of e.p as number[]) owned.delete(p); }
        if (e.e === "records") {
          assert.ok(
            owned.has(e.p as number),
            `member ${i} processed partition ${e.p} without owning it`,
          );
        }
      }
    }
  } finally {
    sampling = false;
    await sampler;
    for (const m of members) m.kill("SIGKILL");
  }
  for (let i = 1; i < samples.length; i++) {
    for (let p = 0; p < 6; p++) {
      assert.ok(
        (samples[i]![p] ?? -1) >= (samples[i - 1]![p] ?? -1),
        `the commit of partition ${p} went back`,
      );
    }
  }
});
