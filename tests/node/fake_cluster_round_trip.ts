// Copyright 2026 the kanal authors. MIT license.
/**
 * A program, not a test: starts a fake cluster listening on 127.0.0.1 with the runtime's own
 * server transport, produces and consumes through it with kanal over the runtime's own client
 * transport (real TCP), prints one JSON line, and ends without calling `exit`, so it ends only
 * if every socket, listener and timer was closed. tests/fake_cluster_node_test.ts runs it
 * under Deno, Bun and (bundled) Node.
 *
 * @module
 */

import { Client } from "../../lib/client/client.ts";
import { Consumer } from "../../lib/consumer/consumer.ts";
import { Producer } from "../../lib/producer/producer.ts";
import { FakeCluster } from "../../lib/testing/fake_cluster.ts";

/** The program's one line of output. */
export interface RoundTripOutput {
  bootstrap: string;
  offsets: number[];
  values: string[];
  faults: number;
}

const output: RoundTripOutput = { bootstrap: "", offsets: [], values: [], faults: 0 };
{
  await using cluster = await FakeCluster.start({
    brokers: 2,
    listen: true,
    topics: [{ name: "rt", partitions: 2 }],
  });
  output.bootstrap = cluster.bootstrap;
  await using client = await Client.connect({ brokers: cluster.bootstrap });
  await using producer = new Producer(client, { idempotent: true });
  const reports = await producer.send(
    ["x", "y", "z"].map((value) => ({ topic: "rt", partition: 1, value })),
  );
  output.offsets = reports.map((r) => r.offset);
  await using consumer = new Consumer(client);
  for await (const r of consumer.partition("rt", 1, { offset: "oldest" }).records()) {
    output.values.push(new TextDecoder().decode(r.value!));
    if (output.values.length === 3) break;
  }
  output.faults = cluster.faults.length;
}
console.log(JSON.stringify(output));
