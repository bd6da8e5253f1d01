// Copyright 2026 the kanal authors. MIT license.
// A member's rack (consumer.rack) on the wire: in its JoinGroup subscription (KIP-881) and in
// its Fetch requests (KIP-392).
import { test } from "../../tests/_test.ts";
import { until } from "../../tests/_wait.ts";
import assert from "node:assert/strict";
import { Client } from "../client/client.ts";
import { FakeCluster } from "../testing/fake_cluster.ts";
import { GroupConsumer } from "./group_consumer.ts";
import { decodeSubscription } from "./consumer_protocol.ts";

test("a member's rack goes in its subscription and its fetches", { timeout: 30_000 }, async () => {
  await using cluster = await FakeCluster.start({ topics: [{ name: "t", partitions: 1 }] });
  await using client = await Client.connect({
    brokers: cluster.bootstrap,
    transport: cluster.transport,
  });
  const subscribed: (string | null | undefined)[] = [];
  const fetched: string[] = [];
  cluster.intercept((req) => {
    const body = req.body as { protocols: { metadata: Uint8Array }[] };
    subscribed.push(decodeSubscription(body.protocols[0]!.metadata).rackId);
  }, { key: 11 });
  cluster.intercept((req) => void fetched.push((req.body as { rackId: string }).rackId), {
    key: 1,
  });
  await using group = new GroupConsumer(client, {
    groupId: "g",
    topics: ["t"],
    heartbeatIntervalMs: 50,
    consumer: { rack: "r2", maxWaitMs: 10 },
  });
  await until("a fetch was sent", () => group.assignment().length > 0 && fetched.length > 0);
  assert.ok(subscribed.length > 0 && subscribed.every((r) => r === "r2"), `${subscribed}`);
  assert.ok(fetched.every((r) => r === "r2"), `${fetched}`);
});
