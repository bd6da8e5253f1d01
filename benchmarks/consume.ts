// Copyright 2026 the kanal authors. MIT license.
// Benchmark harness: runtime APIs allowed.
/**
 * The consumer benchmark (issue 6): one topic of 6 partitions is filled once with 1,000,000
 * records of 100 bytes (Kafka's ProducerPerformance), then kanal under Deno, kanal under Bun
 * and every peer (Kafka's Java ConsumerPerformance, franz-go, sarama, KafkaJS,
 * @platformatic/kafka, Confluent's two APIs) read all of it from offset 0, one client at a time
 * on the same broker. Prints records/s, MB/s, the client process's CPU seconds and peak RSS and
 * each ratio to kanal under Deno, then whether kanal meets its targets: ≥ 2× the best JS peer,
 * ≥ 0.8× the Java client, ≤ 0.5 µs of client CPU per record (never asserted).
 *
 *   deno run -A benchmarks/consume.ts [--records N] [--size B] [--runs N] [--only a,b]
 *     [--skip a,b] [--json]
 *
 * kanal reads with `consumer.topic()` and its default options (see kanal/consume.ts); each
 * peer's settings are in README.md.
 *
 * @module
 */

import { consumeRows } from "./_consume.ts";
import { kanalClients, peerClients } from "./_peers.ts";
import { benchOptions, formatTable, machineLine, selected } from "./_runner.ts";
import { consumeTargets, formatTargets } from "./_targets.ts";

const o = benchOptions();
const clients = [...kanalClients(), ...peerClients()].filter((p) => selected(o, p.name));
const rows = await consumeRows(clients, o);

console.log(
  `\nconsume: ${o.records} records × ${o.size} B from offset 0, ${o.partitions} partitions, ` +
    `broker ${o.brokers}; ${o.runs > 1 ? `median of ${o.runs} runs; ` : ""}${machineLine()}`,
);
console.log(formatTable(rows, "kanal-deno"));
const kanal = rows.filter((r) => r.name.startsWith("kanal")).map((r) => r.name);
console.log(`\ntargets (issue 6):\n${formatTargets(consumeTargets(rows, kanal))}`);
if (o.json) { for (const r of rows) console.log(JSON.stringify(r)); }
