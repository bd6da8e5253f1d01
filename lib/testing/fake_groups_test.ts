// Copyright 2026 the kanal authors. MIT license.
// kanal's GroupConsumer against the fake cluster, with both group protocols: two members split
// a topic's partitions between them, and when one leaves the other takes them all.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { Client } from "../client/client.ts";
import { GroupConsumer } from "../group/group_consumer.ts";
import { FakeCluster } from "./fake_cluster.ts";

/** A member and a way to wait until what it owns satisfies a condition. */
function member(client: Client, protocol: "classic" | "consumer") {
  const owned = new Set<number>();
  let check = (): void => {};
  const changed = (): void => check();
  const group = new GroupConsumer(client, {
    groupId: `g-${protocol}`,
    topics: ["t"],
    protocol,
    heartbeatIntervalMs: 100,
    onAssigned: (tps) => {
      for (const tp of tps) for (const p of tp.partitions) owned.add(p);
      changed();
    },
    onRevoked: (tps) => {
      for (const tp of tps) for (const p of tp.partitions) owned.delete(p);
      changed();
    },
  });
  return {
    group,
    owned,
    until(ok: () => boolean): Promise<void> {
      return new Promise<void>((resolve) => {
        check = () => {
          if (ok()) resolve();
        };
        check();
      });
    },
  };
}

for (const protocol of ["classic", "consumer"] as const) {
  test(`two ${protocol} members split a topic, and one takes all when the other leaves`, async () => {
    await using cluster = await FakeCluster.start({
      brokers: 3,
      topics: [{ name: "t", partitions: 4 }],
    });
    // A client each: a broker answers one request per connection at a time, so members that
    // shared one would queue a SyncGroup behind another's pending JoinGroup, as with Kafka.
    const connect = () =>
      Client.connect({ brokers: cluster.bootstrap, transport: cluster.transport });
    await using clientA = await connect();
    await using clientB = await connect();
    const a = member(clientA, protocol);
    const b = member(clientB, protocol);
    try {
      const split = () =>
        a.owned.size > 0 && b.owned.size > 0 && a.owned.size + b.owned.size === 4 &&
        [...a.owned].every((p) => !b.owned.has(p));
      await Promise.race([a.until(split), b.until(split)]);
      assert.ok(split());
      await b.group.close();
      await a.until(() => a.owned.size === 4);
      assert.deepEqual([...a.owned].sort(), [0, 1, 2, 3]);
    } finally {
      await b.group.close();
      await a.group.close();
    }
    if (protocol === "consumer") {
      assert.equal(cluster.consumerGroups.groups.get("g-consumer")?.members.size, 0);
    } else {
      assert.equal(cluster.groups.groups.get("g-classic")?.state, "Empty");
    }
    assert.deepEqual(cluster.faults, []);
  });
}
