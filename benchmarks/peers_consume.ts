// Copyright 2026 the kanal authors. MIT license.
// Benchmark harness: runtime APIs allowed.
/**
 * Consume benchmark of the peer clients: fills one topic of 6 partitions with `--records`
 * (1,000,000) records of `--size` (100) bytes using Kafka's ProducerPerformance, then has each
 * client read them all from offset 0, one client at a time. Prints records/s, MB/s, the
 * client process's CPU time and ratios to the baseline (kanal once it is in the list, else
 * Kafka's own Java consumer). See README.md for each client's settings.
 *
 *   deno run -A benchmarks/peers_consume.ts [--records N] [--size B] [--only a,b] [--skip a,b]
 *
 * @module
 */

import process from "node:process";
import { join } from "node:path";
import { peerClients } from "./_peers.ts";
import {
  benchOptions,
  type ClientRun,
  createTopic,
  deleteTopic,
  formatTable,
  machineLine,
  medianRun,
  ROOT,
  type Row,
  runClient,
  selected,
  topicRecords,
} from "./_runner.ts";

const o = benchOptions();
const peers = peerClients().filter((p) => selected(o, p.name));
const log = (s: string) => process.stderr.write(`${s}\n`);
const rows: Row[] = [];
const topic = `bench-consume-${Date.now().toString(36)}`;

try {
  await createTopic(o.brokers, topic, o.partitions);
  log(`filling ${topic} with ${o.records} records`);
  await runClient({
    name: "fill",
    cmd: join(ROOT, "benchmarks/peers/kafka_perf.sh"),
    args: ["produce", "--brokers", o.brokers, "--topic", topic, "--records", String(o.records)]
      .concat(["--size", String(o.size)]),
    timeoutSeconds: o.timeoutSeconds,
  });
  const stored = await topicRecords(o.brokers, topic);
  if (stored !== o.records) throw new Error(`${topic} holds ${stored} records, not ${o.records}`);

  for (const peer of peers) {
    const row: Row = { name: peer.name, runtime: peer.runtime };
    rows.push(row);
    try {
      log(`${peer.name}: preparing`);
      await peer.prepare?.();
      const runs: ClientRun[] = [];
      for (let i = 0; i < o.runs; i++) {
        log(`${peer.name}: consuming ${o.records} records from ${topic}`);
        const run = await runClient(peer.spec("consume", topic, o));
        log(`${peer.name}: ${JSON.stringify(run.result)} cpu=${run.cpuSeconds.toFixed(2)}s`);
        runs.push(run);
      }
      row.run = medianRun(runs);
    } catch (err) {
      row.error = err instanceof Error ? err.message : String(err);
      log(`${peer.name}: failed: ${row.error}`);
    }
  }
} finally {
  await deleteTopic(o.brokers, topic).catch(() => {});
}

const baseline = rows.some((r) => r.name === "kanal" && r.run) ? "kanal" : "java";
console.log(
  `\nconsume: ${o.records} records × ${o.size} B from offset 0, ${o.partitions} partitions, ` +
    `broker ${o.brokers}; ${o.runs > 1 ? `median of ${o.runs} runs; ` : ""}${machineLine()}`,
);
console.log(formatTable(rows, baseline));
if (o.json) { for (const r of rows) console.log(JSON.stringify(r)); }
