// Copyright 2026 the kanal authors. MIT license.
// A consume-transform-produce process for eos_test.ts: reads IN with group GROUP, writes each
// value uppercased to the same partition of OUT, exactly once, printing "commit P N" after each
// transaction (N records of partition P) and "ready" once it has its partitions. The test kills
// it with SIGKILL at random moments and starts it again.
//   <runtime> tests/subprocess/_eos_worker.ts BROKERS IN OUT GROUP TXID
import process from "node:process";
import { Client } from "../../lib/client/client.ts";
import { GroupConsumer } from "../../lib/group/group_consumer.ts";
import { exactlyOnce } from "../../lib/eos/exactly_once.ts";
import { Producer } from "../../lib/producer/producer.ts";

const [brokers, input, output, groupId, transactionalId] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const client = await Client.connect({ brokers });
const group = new GroupConsumer(client, {
  groupId,
  topics: [input],
  // Static membership: a restarted worker takes its predecessor's place at once.
  groupInstanceId: `${groupId}-worker`,
  sessionTimeoutMs: 6000,
  startOffset: "oldest",
  // One input batch per fetch, so a run is many small transactions and a kill lands in one.
  consumer: { isolationLevel: "read_committed", maxPartitionBytes: 1 },
  onAssigned: () => console.log("ready"),
});
const producer = new Producer(client, { transactionalId, lingerMs: 0 });
const decoder = new TextDecoder();
await exactlyOnce({
  group,
  producer,
  transform: (chunk) =>
    chunk.records.map((r) => ({
      topic: output,
      partition: chunk.partition,
      value: decoder.decode(r.value!).toUpperCase(),
    })),
  onCommit: (chunk) => console.log(`commit ${chunk.partition} ${chunk.records.length}`),
});
