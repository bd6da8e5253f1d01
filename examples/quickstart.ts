// Copyright 2026 the kanal authors. MIT license.
/**
 * kanal's quickstart, a round trip: connect to a cluster, show what it is and the API versions
 * kanal picked, produce a few records, then consume them back and print them.
 *
 *   deno run --allow-env examples/quickstart.ts          # an in-process fake cluster
 *   KAFKA_BROKERS=127.0.0.1:9092 deno run --allow-net --allow-env examples/quickstart.ts
 *   KAFKA_BROKERS=127.0.0.1:9092 bun examples/quickstart.ts
 *
 * Without `KAFKA_BROKERS` it starts kanal's fake cluster (`lib/testing`) inside the process and
 * talks to it over an in-memory transport: no Java, no broker, no socket. `deno task demo`
 * runs it.
 *
 * @module
 */

import { Client, CLIENT_APIS, Consumer, Producer } from "../mod.ts";
import { FakeCluster } from "../lib/testing/mod.ts";

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
const configured = env?.KAFKA_BROKERS;

// No broker configured: run against a fake cluster of three brokers in this process.
await using fake = configured ? undefined : await FakeCluster.start({
  brokers: 3,
  topics: [{ name: "kanal-quickstart", partitions: 3 }],
});
console.log(
  fake
    ? "quickstart: KAFKA_BROKERS is not set, so this runs against an in-process fake cluster " +
      "(kanal/testing); set KAFKA_BROKERS=host:port for a real one"
    : `quickstart: using the cluster at KAFKA_BROKERS=${configured}`,
);

// The client bootstraps from the list and keeps the cluster's metadata fresh.
await using client = await Client.connect(
  fake ? { brokers: fake.bootstrap, transport: fake.transport } : { brokers: configured! },
);
const meta = client.metadata;
console.log(`cluster id:   ${meta.clusterId}`);
console.log(`controller:   broker ${meta.controllerId}`);
console.log(
  `brokers:      ${
    [...meta.brokers.values()].map((b) => `${b.nodeId}@${b.host}:${b.port}`).join(", ")
  }`,
);

// The versions kanal negotiated with one broker: the highest both sides speak.
const conn = await client.connection("any");
console.log();
console.log("API                            broker  kanal  using");
for (const api of CLIENT_APIS) {
  const range = conn.versions.brokerRange(api.key);
  if (range === undefined) continue;
  const using = conn.versions.has(api.key) ? `v${conn.versions.version(api.key)}` : "-";
  console.log(
    `${api.name.padEnd(30)} ${`${range.minVersion}-${range.maxVersion}`.padStart(6)}  ` +
      `${`${api.minVersion}-${api.maxVersion}`.padStart(5)}  ${using}`,
  );
}

// Produce: send() resolves with each record's partition and offset once the broker has it.
await using producer = new Producer(client);
const topic = "kanal-quickstart";
const reports = await producer.send([
  { topic, key: "greeting", value: "hello from kanal" },
  { topic, key: "greeting", value: "records with the same key share a partition" },
  { topic, key: null, value: "and keyless ones are spread", headers: { source: "quickstart" } },
]);
console.log();
for (const r of reports) {
  console.log(
    r.error
      ? `failed: ${r.error.message}`
      : `produced to ${r.topic}/${r.partition} at offset ${r.offset}`,
  );
}

// Consume: read each record back from the partition and offset the producer reported.
await using consumer = new Consumer(client);
console.log();
for (const sent of reports.filter((r) => !r.error)) {
  const stream = consumer.partition(topic, sent.partition, { offset: sent.offset });
  for await (const r of stream.records()) {
    const value = r.value === null ? "(null)" : new TextDecoder().decode(r.value);
    const key = r.key === null ? "(null)" : new TextDecoder().decode(r.key);
    console.log(`consumed from ${topic}/${r.partition} at offset ${r.offset}: ${key} = ${value}`);
    break; // just the one record this stream was started for
  }
}
