// Copyright 2026 the kanal authors. MIT license.
// Benchmark harness: runtime APIs allowed.
/**
 * Consume benchmark of the peer clients: fills one topic of 6 partitions with `--records`
 * (1,000,000) records of `--size` (100) bytes using Kafka's ProducerPerformance, then has each
 * client read them all from offset 0, one client at a time. Prints records/s, MB/s, the
 * client process's CPU time and peak RSS, and ratios to Kafka's own Java consumer
 * (`consume.ts` adds kanal as the baseline). See README.md for each client's settings.
 *
 *   deno run -A benchmarks/peers_consume.ts [--records N] [--size B] [--only a,b] [--skip a,b]
 *
 * @module
 */

import { consumeRows } from "./_consume.ts";
import { peerClients } from "./_peers.ts";
import { benchOptions, formatTable, machineLine, selected } from "./_runner.ts";

const o = benchOptions();
const rows = await consumeRows(peerClients().filter((p) => selected(o, p.name)), o);

console.log(
  `\nconsume: ${o.records} records × ${o.size} B from offset 0, ${o.partitions} partitions, ` +
    `broker ${o.brokers}; ${o.runs > 1 ? `median of ${o.runs} runs; ` : ""}${machineLine()}`,
);
console.log(formatTable(rows, "java"));
if (o.json) { for (const r of rows) console.log(JSON.stringify(r)); }
