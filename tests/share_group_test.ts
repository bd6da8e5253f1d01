// Copyright 2026 the kanal authors. MIT license.
// Share groups (KIP-932) against the 4.2 broker: members share one partition without a record
// going to two of them, released records come back, rejected ones never, a killed member's
// records come back when their locks end, the delivery-count limit archives a record, and Kafka's
// own kafka-share-groups tool sees what kanal did. The broker restart is in
// share_group_restart_test.ts.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { ShareGroupAdmin } from "../lib/admin/share_groups.ts";
import { Client } from "../lib/client/client.ts";
import { KafkaError } from "../lib/protocol/kafka_error.ts";
import { ShareConsumer } from "../lib/share/share_consumer.ts";
import type { ShareChunk } from "../lib/share/share_chunk.ts";
import { kafkaTool } from "./_harness.ts";
import { brokerList, requireBroker } from "./_kafka.ts";
import { ROOT } from "./_tools.ts";
import { withTopic } from "./_topics.ts";
import { next, produce, shareGroup } from "./_share.ts";
import { until } from "./_wait.ts";

test("two members on one partition split its records, none delivered to both", async () => {
  await requireBroker();
  await withTopic({ partitions: 1, prefix: "share-split" }, async (topic, client) => {
    const group = await shareGroup(client);
    const TOTAL = 60;
    const seen = new Map<number, string>();
    const counts = { a: 0, b: 0 };
    const members = (["a", "b"] as const).map((name) => ({
      name,
      // Record-limit acquisition: at most 5 records a fetch, not the whole batch.
      consumer: new ShareConsumer(client, {
        groupId: group,
        topics: [topic],
        maxRecords: 5,
        acquireMode: "record_limit",
      }),
    }));
    try {
      await until(
        "both members to be assigned the partition",
        () => members.every((m) => m.consumer.assignment.length === 1),
      );
      await produce(client, topic, 0, TOTAL);
      let allSeen!: () => void;
      const everything = new Promise<undefined>((r) => allSeen = () => r(undefined));
      await Promise.all(members.map(async ({ name, consumer }) => {
        const reader = consumer.records.getReader();
        while (seen.size < TOTAL) {
          // The other member may take the last records: stop waiting then.
          const chunk = await Promise.race([next(reader), everything]);
          if (chunk === undefined) break;
          for (const r of chunk.records) {
            assert.equal(seen.get(r.offset), undefined, `offset ${r.offset} went to both`);
            seen.set(r.offset, name);
            counts[name]++;
          }
          if (seen.size >= TOTAL) allSeen();
          // Slow enough that the other member gets a turn; implicit mode accepts on the next read.
          await new Promise((r) => setTimeout(r, 20));
        }
        reader.releaseLock();
      }));
    } finally {
      await Promise.all(members.map((m) => m.consumer.close()));
    }
    assert.deepEqual([...seen.keys()].sort((x, y) => x - y), [...Array(TOTAL).keys()]);
    assert.ok(
      counts.a > 0 && counts.b > 0,
      `one member took everything: ${JSON.stringify(counts)}`,
    );
  });
});

test("a released record goes to another member with delivery count 2; a rejected one never comes back", async () => {
  await requireBroker();
  await withTopic({ partitions: 1, prefix: "share-ack" }, async (topic, client) => {
    const group = await shareGroup(client);
    await produce(client, topic, 0, 10);
    const a = new ShareConsumer(client, {
      groupId: group,
      topics: [topic],
      acknowledgementMode: "explicit",
    });
    let chunk: ShareChunk;
    try {
      const ra = a.records.getReader();
      chunk = await next(ra);
      assert.deepEqual(chunk.deliveryCounts.map(() => 1), chunk.deliveryCounts);
      assert.ok(
        chunk.records.some((r) => r.offset === 3) && chunk.records.some((r) => r.offset === 5),
      );
      chunk.release(3);
      chunk.reject(5);
      chunk.accept();
      // Sent alone (member a reads no more) and answered without an error.
      await a.commit();
      const b = new ShareConsumer(client, {
        groupId: group,
        topics: [topic],
        acknowledgementMode: "explicit",
      });
      try {
        const rb = b.records.getReader();
        const again = await next(rb);
        assert.deepEqual(again.records.map((r) => r.offset), [3]);
        assert.deepEqual(again.deliveryCounts, [2]);
        assert.equal(new TextDecoder().decode(again.records[0]!.value!), "r3");
        again.accept();
        await produce(client, topic, 10, 1);
        const later = await next(rb);
        // Offset 5 was rejected: the next record b gets is the new one, not 5.
        assert.deepEqual(later.records.map((r) => r.offset), [10]);
        later.accept();
        await b.commit();
      } finally {
        await b.close();
      }
    } finally {
      await a.close();
    }
    // Everything is done: no record is left to deliver (the share coordinator writes the
    // state down after the acknowledgement's answer, so wait for it).
    const admin = new ShareGroupAdmin(client);
    let offsets: [number, number][] = [];
    await until("the group's lag to reach 0", async () => {
      offsets = (await admin.listOffsets(group)).map((o) => [o.startOffset, o.lag]);
      return offsets[0]?.[1] === 0;
    }).catch((e) => assert.fail(`${e.message}: ${JSON.stringify(offsets)}`));
  });
});

test("a member SIGKILLed holding records: they come back after the lock times out", async () => {
  await requireBroker();
  await withTopic({ partitions: 1, prefix: "share-kill" }, async (topic, client) => {
    // The lowest lock the harness's broker allows (group.share.min.record.lock.duration.ms).
    const group = await shareGroup(client, { "share.record.lock.duration.ms": "1000" });
    await produce(client, topic, 0, 5);
    const child = spawn(`${ROOT}node_modules/.bin/deno`, [
      "run",
      "-A",
      `${ROOT}tests/share/holder.ts`,
      brokerList(),
      group,
      topic,
    ], { stdio: ["ignore", "pipe", "inherit"] });
    const exited = new Promise((r) => child.once("exit", r));
    let out = "";
    child.stdout!.on("data", (b) => out += b);
    try {
      await until("the holder to acquire records", () => out.includes("\n"), 60_000);
    } finally {
      child.kill("SIGKILL");
      await exited;
    }
    const held: number[] = JSON.parse(out);
    assert.deepEqual(held, [0, 1, 2, 3, 4]);
    await using b = new ShareConsumer(client, { groupId: group, topics: [topic] });
    const reader = b.records.getReader();
    const got: number[] = [];
    const counts: number[] = [];
    while (got.length < held.length) {
      const chunk = await next(reader);
      got.push(...chunk.records.map((r) => r.offset));
      counts.push(...chunk.deliveryCounts);
    }
    assert.deepEqual(got, held);
    assert.deepEqual(counts, held.map(() => 2));
    reader.releaseLock();
  });
});

test("close() gives acquired records back at once, before their locks would end", async () => {
  await requireBroker();
  await withTopic({ partitions: 1, prefix: "share-close" }, async (topic, client) => {
    const group = await shareGroup(client);
    await produce(client, topic, 0, 5);
    const a = new ShareConsumer(client, {
      groupId: group,
      topics: [topic],
      acknowledgementMode: "explicit",
    });
    let held: ShareChunk;
    try {
      held = await next(a.records.getReader());
      assert.deepEqual(held.records.map((r) => r.offset), [0, 1, 2, 3, 4]);
    } finally {
      await a.close();
    }
    await using b = new ShareConsumer(client, { groupId: group, topics: [topic] });
    const reader = b.records.getReader();
    const got: number[] = [];
    const counts: number[] = [];
    while (got.length < 5) {
      const chunk = await next(reader);
      got.push(...chunk.records.map((r) => r.offset));
      counts.push(...chunk.deliveryCounts);
    }
    // Still inside a's 30 s lock: they came back because a released them, not by timing out.
    assert.ok(Date.now() < held.lockDeadline, "the records only came back when a's lock ended");
    assert.deepEqual(got, [0, 1, 2, 3, 4]);
    assert.deepEqual(counts, [2, 2, 2, 2, 2]);
    reader.releaseLock();
  });
});

test("the delivery-count limit archives a record released on every delivery", async () => {
  await requireBroker();
  await withTopic({ partitions: 1, prefix: "share-limit" }, async (topic, client) => {
    const group = await shareGroup(client);
    await produce(client, topic, 0, 1);
    await using c = new ShareConsumer(client, {
      groupId: group,
      topics: [topic],
      acknowledgementMode: "explicit",
    });
    const reader = c.records.getReader();
    const deliveries: number[] = [];
    // The broker's group.share.delivery.count.limit is 5 (its default).
    for (let i = 0; i < 5; i++) {
      const chunk = await next(reader);
      assert.deepEqual(chunk.records.map((r) => r.offset), [0]);
      deliveries.push(chunk.deliveryCounts[0]!);
      chunk.release();
    }
    assert.deepEqual(deliveries, [1, 2, 3, 4, 5]);
    await produce(client, topic, 1, 1);
    const after = await next(reader);
    assert.deepEqual(after.records.map((r) => r.offset), [1]); // offset 0 was archived
    after.accept();
    await c.commit();
    reader.releaseLock();
  });
});

test("kafka-share-groups describes the members and offsets kanal left", async () => {
  await requireBroker();
  await withTopic({ partitions: 1, prefix: "share-tool" }, async (topic, client) => {
    const group = await shareGroup(client);
    await produce(client, topic, 0, 8);
    const c = new ShareConsumer(client, {
      groupId: group,
      topics: [topic],
      acknowledgementMode: "explicit",
    });
    try {
      const reader = c.records.getReader();
      const chunk = await next(reader);
      assert.equal(chunk.records.length, 8);
      chunk.accept();
      await c.commit();
      reader.releaseLock();
      const members = await kafkaTool("org.apache.kafka.tools.consumer.group.ShareGroupCommand", [
        "--bootstrap-server",
        brokerList(),
        "--describe",
        "--group",
        group,
        "--members",
      ]);
      assert.match(members, new RegExp(c.memberId));
      assert.match(members, new RegExp(`${topic}:0`));
    } finally {
      await c.close();
    }
    const admin = new ShareGroupAdmin(client);
    await until(
      "the group's lag to reach 0",
      async () => (await admin.listOffsets(group))[0]?.lag === 0,
    );
    const offsets = await kafkaTool("org.apache.kafka.tools.consumer.group.ShareGroupCommand", [
      "--bootstrap-server",
      brokerList(),
      "--describe",
      "--group",
      group,
      "--offsets",
    ]);
    const lines = offsets.split("\n").map((l) => l.trim().split(/\s+/));
    const header = lines.find((l) => l.includes("START-OFFSET"));
    const row = lines.find((l) => l.includes(topic));
    assert.ok(header && row, offsets);
    assert.equal(row[header.indexOf("PARTITION")], "0", offsets);
    assert.equal(row[header.indexOf("LAG")], "0", offsets);
    // And kanal's own admin agrees.
    const mine = await admin.listOffsets(group);
    assert.deepEqual(mine.map((o) => [o.topic, o.partition, String(o.startOffset), o.lag]), [[
      topic,
      0,
      row[header.indexOf("START-OFFSET")],
      0,
    ]]);
  });
});

test("ShareGroupAdmin alters and deletes an empty group's start offsets, and sets its configs", async () => {
  await requireBroker();
  await withTopic({ partitions: 1, prefix: "share-admin" }, async (topic, client) => {
    const admin = new ShareGroupAdmin(client);
    const group = await shareGroup(client);
    await produce(client, topic, 0, 6);
    // Each member on its own client, as members in their own processes are: on 4.2.2 a broker
    // applies altered offsets to a share partition it holds once the connection of the member
    // that last read it closes (a member's session close alone was not enough).
    const readAll = async (): Promise<number[]> => {
      await using own = await Client.connect({ brokers: brokerList() });
      await using c = new ShareConsumer(own, { groupId: group, topics: [topic] });
      const reader = c.records.getReader();
      const chunk = await next(reader);
      chunk.accept();
      await c.commit();
      reader.releaseLock();
      const [described] = await admin.describe([group]);
      assert.deepEqual(described!.members.map((m) => m.memberId), [c.memberId]);
      assert.deepEqual(described!.members[0]!.assignment, [{ topic, partitions: [0] }]);
      return chunk.records.map((r) => r.offset);
    };
    assert.deepEqual(await readAll(), [0, 1, 2, 3, 4, 5]);
    // Back to offset 4: a member now gets 4 and 5 again.
    await admin.alterOffsets(group, [{ topic, partition: 0, offset: 4 }]);
    assert.deepEqual((await admin.listOffsets(group)).map((o) => o.startOffset), [4]);
    assert.deepEqual(await readAll(), [4, 5]);
    // Deleted: the group has no state for the topic, and starts again by its reset policy.
    await until(
      "the group to have no members",
      async () => (await admin.describe([group]))[0]?.members.length === 0,
    );
    await admin.deleteOffsets(group, [topic]);
    assert.deepEqual(await admin.listOffsets(group), []);
    assert.deepEqual(await readAll(), [0, 1, 2, 3, 4, 5]);
    // A lock shorter than the broker's floor is refused by name.
    await assert.rejects(
      admin.alterConfigs(group, { "share.record.lock.duration.ms": "10" }),
      (e) => e instanceof KafkaError && e.errorName === "INVALID_CONFIG",
    );
  });
});
