// Copyright 2026 the kanal authors. MIT license.
// Benchmark harness: runtime APIs allowed.
/**
 * Produce benchmark of the peer clients: each one writes `--records` (1,000,000) records of
 * `--size` (100) bytes into its own fresh topic of 6 partitions with acks=all, one client at
 * a time, on the broker at KAFKA_BROKERS (127.0.0.1:9092). Prints records/s, MB/s, the
 * client process's CPU time and ratios to the baseline (kanal once it is in the list, else
 * Kafka's own Java producer). See README.md for each client's settings.
 *
 *   deno run -A benchmarks/peers_produce.ts [--records N] [--size B] [--only a,b] [--skip a,b]
 *
 * @module
 */

import process from "node:process";
import { type Peer, peerClients } from "./_peers.ts";
import {
  benchOptions,
  type ClientRun,
  createTopic,
  deleteTopic,
  formatTable,
  machineLine,
  medianRun,
  type Row,
  runClient,
  selected,
  topicRecords,
} from "./_runner.ts";

const o = benchOptions();

async function produceOnce(peer: Peer, name: string): Promise<ClientRun> {
  const topic = `bench-produce-${name}`;
  try {
    await createTopic(o.brokers, topic, o.partitions);
    log(`${peer.name}: producing ${o.records} records into ${topic}`);
    const run = await runClient(peer.spec("produce", topic, o));
    // A peer that reports success must have written the records: count them on the broker.
    const stored = await topicRecords(o.brokers, topic);
    if (stored < run.result.records) {
      throw new Error(`the topic holds ${stored} records, not ${run.result.records}`);
    }
    log(`${peer.name}: ${JSON.stringify(run.result)} cpu=${run.cpuSeconds.toFixed(2)}s`);
    return run;
  } finally {
    await deleteTopic(o.brokers, topic).catch(() => {});
  }
}
const peers = peerClients().filter((p) => selected(o, p.name));
const log = (s: string) => process.stderr.write(`${s}\n`);
const rows: Row[] = [];
const stamp = Date.now().toString(36);

for (const peer of peers) {
  const row: Row = { name: peer.name, runtime: peer.runtime };
  rows.push(row);
  try {
    log(`${peer.name}: preparing`);
    await peer.prepare?.();
    const runs: ClientRun[] = [];
    for (let i = 0; i < o.runs; i++) {
      runs.push(await produceOnce(peer, `${peer.name}-${stamp}-${i}`));
    }
    row.run = medianRun(runs);
  } catch (err) {
    row.error = err instanceof Error ? err.message : String(err);
    log(`${peer.name}: failed: ${row.error}`);
  }
}

const baseline = rows.some((r) => r.name === "kanal" && r.run) ? "kanal" : "java";
console.log(
  `\nproduce: ${o.records} records × ${o.size} B, ${o.partitions} partitions, acks=all, ` +
    `broker ${o.brokers}; ${o.runs > 1 ? `median of ${o.runs} runs; ` : ""}${machineLine()}`,
);
console.log(formatTable(rows, baseline));
if (o.json) { for (const r of rows) console.log(JSON.stringify(r)); }
