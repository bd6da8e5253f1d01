// Copyright 2026 the kanal authors. MIT license.
// Benchmark harness: runtime APIs allowed.
/**
 * Produce benchmark of the peer clients: each one writes `--records` (1,000,000) records of
 * `--size` (100) bytes into its own fresh topic of 6 partitions with acks=all, one client at
 * a time, on the broker at KAFKA_BROKERS (127.0.0.1:9092). Prints records/s, MB/s, the
 * client process's CPU time and ratios to Kafka's own Java producer. See README.md for each
 * client's settings; `produce.ts` runs kanal against the same peers.
 *
 *   deno run -A benchmarks/peers_produce.ts [--records N] [--size B] [--only a,b] [--skip a,b]
 *
 * @module
 */

import { peerClients } from "./_peers.ts";
import { produceRows } from "./_produce.ts";
import { benchOptions, formatTable, machineLine, selected } from "./_runner.ts";

const o = benchOptions();
const rows = await produceRows(peerClients().filter((p) => selected(o, p.name)), o);
const baseline = rows.some((r) => r.name === "kanal" && r.run) ? "kanal" : "java";
console.log(
  `\nproduce: ${o.records} records × ${o.size} B, ${o.partitions} partitions, acks=all, ` +
    `broker ${o.brokers}; ${o.runs > 1 ? `median of ${o.runs} runs; ` : ""}${machineLine()}`,
);
console.log(formatTable(rows, baseline));
if (o.json) { for (const r of rows) console.log(JSON.stringify(r)); }
