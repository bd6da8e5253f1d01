// Copyright 2026 the kanal authors. MIT license.
/**
 * A program, not a test: it sends a record through a producer it never closes, closes only the
 * client, then makes a second producer on that closed client and tries to send through it. It
 * prints how each send ended and ends without calling `exit`, so it ends only if no producer
 * timer keeps the process alive. tests/producer_timers_test.ts runs it.
 *
 * @module
 */

import { Client } from "../../lib/client/client.ts";
import { Producer } from "../../lib/producer/producer.ts";
import { FakeCluster } from "../../lib/testing/fake_cluster.ts";

const cluster = await FakeCluster.start({ topics: [{ name: "t" }] });
const client = await Client.connect({ brokers: cluster.bootstrap, transport: cluster.transport });
const first = await new Producer(client).send({ topic: "t", partition: 0, value: "v" });
await client.close();
await cluster.close();
const late = await new Producer(client).send({ topic: "t", partition: 0, value: "w" }).then(
  () => "fulfilled",
  (e: Error) => `rejected: ${e.name}`,
);
console.log(JSON.stringify({ offset: first.offset, late }));
