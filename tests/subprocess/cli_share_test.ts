// Copyright 2026 the kanal authors. MIT license.
// `kanal consume --share` as a user runs it: two members of one share group, cli.ts under Deno
// and under Bun, reading one partition: every record is printed once, none by both.
import { test } from "../_test.ts";
import assert from "node:assert/strict";
import { ShareGroupAdmin } from "../../lib/admin/share_groups.ts";
import { Producer } from "../../lib/producer/producer.ts";
import { brokerList, requireBroker } from "../_kafka.ts";
import { uniqueTopic } from "../_tools.ts";
import { kanal, RUNTIMES, start, text } from "../_cli.ts";
import { withTopic } from "../_topics.ts";
import { until } from "../_wait.ts";

const TOTAL = 200;

test("kanal consume --share: two processes on one partition print every record once", async () => {
  await requireBroker();
  await withTopic({ partitions: 1, prefix: "cli-share" }, async (topic, client) => {
    const group = uniqueTopic("cli-share");
    const admin = new ShareGroupAdmin(client);
    await admin.alterConfigs(group, { "share.auto.offset.reset": "earliest" });
    const args = ["consume", "-b", brokerList(), "--share", group, "-f", "%o\\n", topic];
    const members = [start("deno", args), start("bun", args)];
    try {
      await until("both processes to join the share group", async () => {
        const [g] = await admin.describe([group]).catch(() => []);
        return (g?.members.filter((m) => m.assignment.length > 0).length ?? 0) === 2;
      }, 60_000);
      await using producer = new Producer(client);
      // Twenty batches, so batch-at-a-time acquisition has something to share.
      for (let b = 0; b < 20; b++) {
        await producer.send(
          Array.from(
            { length: TOTAL / 20 },
            (_, i) => ({ topic, partition: 0, value: `v${b}-${i}` }),
          ),
        );
      }
      const printed = () => members.flatMap((m) => m.out.split("\n").filter(Boolean));
      await until(`all ${TOTAL} records to be printed`, () => printed().length >= TOTAL, 60_000);
    } finally {
      for (const m of members) m.kill("SIGINT");
    }
    const codes = await Promise.all(members.map((m) => m.exited));
    assert.deepEqual(codes, [0, 0], members.map((m) => m.err).join("\n"));
    const outs = members.map((m) => m.out.split("\n").filter(Boolean).map(Number));
    const all = outs.flat().sort((a, b) => a - b);
    assert.deepEqual(all, [...Array(TOTAL).keys()], "a record was lost or printed twice");
    assert.ok(
      outs.every((o) => o.length > 0),
      `one process printed everything: ${outs.map((o) => o.length)}`,
    );
    // Everything was accepted: nothing is left for the group to deliver.
    await until(
      "the group's lag to reach 0",
      async () => (await admin.listOffsets(group))[0]?.lag === 0,
    );
  });
});

for (const [runtime] of RUNTIMES) {
  test(`kanal consume --share --reject/--release under ${runtime}: matched records are not printed, rejected ones never return`, async () => {
    await requireBroker();
    await withTopic({ partitions: 1, prefix: "cli-share-rule" }, async (topic, client) => {
      const group = uniqueTopic("cli-share-rule");
      const admin = new ShareGroupAdmin(client);
      await admin.alterConfigs(group, { "share.auto.offset.reset": "earliest" });
      {
        await using producer = new Producer(client);
        await producer.send(
          ["ok-0", "bad-1", "retry-2", "ok-3"].map((value) => ({ topic, partition: 0, value })),
        );
      }
      const base = ["consume", "-b", brokerList(), "--share", group, "-f", "%o %s\\n"];
      const first = await kanal(runtime, [
        ...base,
        "--reject",
        "^bad",
        "--release",
        "^retry",
        "-c",
        "2",
        topic,
      ]);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(text(first.stdout), "0 ok-0\n3 ok-3\n");
      // The released record is all that is left; the rejected one never comes back.
      const second = await kanal(runtime, [...base, "-c", "1", topic]);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(text(second.stdout), "2 retry-2\n");
      await until(
        "the group's lag to reach 0",
        async () => (await admin.listOffsets(group))[0]?.lag === 0,
      );
    });
  });
}
