// Copyright 2026 the kanal authors. MIT license.
/**
 * A program, not a test: against a fake broker that never has a leader or a coordinator ready
 * and drops one metadata refresh, it puts a client, a producer and a consumer into their retry
 * waits with a ten-minute backoff, then closes them all. It prints one JSON line (how each
 * pending call ended) and ends without calling `exit`, so it ends only if close and abort cut
 * every wait short. tests/waits_stop_test.ts runs it.
 *
 * @module
 */

import { Client } from "../../lib/client/client.ts";
import { Consumer } from "../../lib/consumer/consumer.ts";
import { Producer } from "../../lib/producer/producer.ts";
import { API_TABLE } from "../../lib/protocol/messages/api_table.ts";
import { type FakeBroker, startFakeBroker } from "../_fake_broker.ts";

const LONG = 600_000;
const seen = new Map<number, number>();
let onSeen: (() => void) | undefined;

const broker: FakeBroker = await startFakeBroker((req, conn) => {
  seen.set(req.api.info.key, (seen.get(req.api.info.key) ?? 0) + 1);
  onSeen?.();
  if (req.api.info.key === 3) {
    const topics = (req.body as { topics: { name: string }[] | null }).topics ?? [];
    // One refresh the updater must retry: its connection drops.
    if (topics.some((t) => t.name === "drop")) return conn.destroy();
    conn.answer(API_TABLE[3], req.version, req.correlationId, {
      brokers: [{ nodeId: 0, host: "127.0.0.1", port: broker.port, rack: null }],
      clusterId: "fake",
      controllerId: 0,
      topics: topics.map((t) => ({
        errorCode: 0,
        name: t.name,
        partitions: [{
          errorCode: 5, // LEADER_NOT_AVAILABLE, for ever
          partitionIndex: 0,
          leaderId: -1,
          leaderEpoch: 1,
          replicaNodes: [0],
          isrNodes: [],
        }],
      })),
    });
  } else if (req.api.info.key === 10) {
    conn.answer(API_TABLE[10], req.version, req.correlationId, {
      throttleTimeMs: 0,
      coordinators: [{
        key: "g",
        nodeId: -1,
        host: "",
        port: -1,
        errorCode: 15, // COORDINATOR_NOT_AVAILABLE, for ever
        errorMessage: null,
      }],
    });
  } else if (req.api.info.key === 22) {
    conn.answer(API_TABLE[22], req.version, req.correlationId, {
      throttleTimeMs: 0,
      errorCode: 0,
      producerId: 1n,
      producerEpoch: 0,
    });
  }
});

function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check()) return resolve();
    onSeen = () => {
      if (check()) resolve();
    };
  });
}

const client = await Client.connect({
  brokers: `127.0.0.1:${broker.port}`,
  retryBackoffMs: LONG,
  requestTimeoutMs: LONG,
});
const producerAbort = new AbortController();
const producer = new Producer(client, {
  retryBackoffMs: LONG,
  deliveryTimeoutMs: LONG,
  signal: producerAbort.signal,
});
const consumer = new Consumer(client, { retryBackoffMs: LONG });

/** How a call ended, observed at once so an early rejection is not unhandled. */
function outcome(p: Promise<unknown>): Promise<string> {
  return p.then(() => "fulfilled", (e: Error) => `rejected: ${e.name}`);
}

const coordinator = outcome(client.coordinator("g"));
await until(() => (seen.get(10) ?? 0) >= 1);
const delivery = outcome(
  producer.send({ topic: "t", partition: 0, value: new Uint8Array([1]) }),
);
const records = outcome(consumer.partition("t", 0).records()[Symbol.asyncIterator]().next());
const dropped = outcome(client.refreshMetadata(["drop"]));
// The producer's, the consumer's and this refresh share one Metadata request, which drops:
// each of them, and the metadata updater, now goes into its backoff.
await dropped;
// Let each stage reach its wait: the failure above is being handled now.
await new Promise((resolve) => setTimeout(resolve, 200));

producerAbort.abort(new Error("aborted by the program"));
await consumer.close();
await producer.close().catch(() => {});
await client.close();
await broker.close();
console.log(JSON.stringify(await Promise.all([coordinator, delivery, records, dropped])));
