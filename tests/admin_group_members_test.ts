// Copyright 2026 the kanal authors. MIT license.
// Describing live groups (classic and KIP-848) and removing members, with kanal's group
// members (tests/group/member.ts) in the groups and ConsumerGroupCommand as the oracle.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Admin } from "../lib/admin/admin.ts";
import { AdminError } from "../lib/admin/admin_error.ts";
import { Client } from "../lib/client/client.ts";
import { brokerList, requireBroker } from "./_kafka.ts";
import { uniqueTopic } from "./_tools.ts";
import { brokerTool } from "./_harness.ts";
import { Member } from "./group/_member.ts";
import { until } from "./_wait.ts";

test("describeGroups sees live classic and KIP-848 members as ConsumerGroupCommand does; removeMembers per member", async () => {
  await requireBroker();
  await using client = await Client.connect({ brokers: brokerList() });
  const admin = new Admin(client);
  const topic = uniqueTopic("adm-live");
  const [classic, modern] = [uniqueTopic("g-classic"), uniqueTopic("g-848")];
  await admin.createTopics([{ name: topic, partitions: 3 }]);
  const base = ["--brokers", brokerList(), "--topic", topic];
  const members = [
    new Member([...base, "--group", classic, "--instance", "i1"]),
    new Member([...base, "--group", modern, "--protocol", "consumer"]),
  ];
  try {
    await until(
      "both members to own all three partitions",
      () => members.every((m) => m.owned().size === 3),
      60_000,
    );
    // The coordinators settle a moment after the members see their assignments.
    let described = await admin.describeGroups([classic, modern]);
    const settled = () => described.every((g) => g.state === "Stable" && g.members.length === 1);
    for (let i = 0; i < 100 && !settled(); i++) {
      await new Promise((r) => setTimeout(r, 100));
      described = await admin.describeGroups([classic, modern]);
    }
    const [c, m] = described;
    assert.deepEqual([c?.type, c?.state, c?.protocolType], ["classic", "Stable", "consumer"]);
    assert.deepEqual([m?.type, m?.state], ["consumer", "Stable"]);
    for (const g of [c, m]) {
      assert.equal(g?.members.length, 1);
      assert.deepEqual(g?.members[0]?.assignment, [{ topic, partitions: [0, 1, 2] }]);
    }
    assert.equal(c?.members[0]?.instanceId, "i1");

    const tool = await brokerTool("ConsumerGroupCommand", [
      "--describe",
      "--group",
      classic,
      "--group",
      modern,
      "--members",
    ]);
    for (const g of [c, m]) {
      const row = tool.split("\n").find((l) => l.startsWith(`${g!.groupId} `));
      assert.ok(row, tool);
      const cols = row.trim().split(/\s+/);
      assert.equal(cols[1], g!.members[0]!.memberId, tool);
      assert.equal(cols.at(-1), "3", tool); // #PARTITIONS
    }

    const busy = await admin.deleteGroups([classic]).then(
      () => assert.fail("a group with members cannot be deleted"),
      (e: unknown) => e,
    );
    assert.ok(busy instanceof AdminError && busy.errorName === "NON_EMPTY_GROUP", String(busy));

    const removed = await admin.removeMembers(classic, [{ instanceId: "i1" }, {
      instanceId: "nobody",
    }]).then(() => assert.fail("an unknown member must fail"), (e: unknown) => e);
    assert.ok(removed instanceof AdminError);
    assert.deepEqual(removed.results.map((r) => [r.name, r.error?.errorName ?? null]), [
      ["i1", null],
      ["nobody", "UNKNOWN_MEMBER_ID"],
    ]);
  } finally {
    for (const member of members) member.kill("SIGTERM");
    await Promise.all(members.map((member) => member.exited));
    await admin.deleteTopics([topic]).catch(() => {}); // cleanup only
  }
});
