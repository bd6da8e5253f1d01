// Copyright 2026 the kanal authors. MIT license.
// Benchmark harness: runtime APIs allowed.
/**
 * The producer benchmark (issue 5): kanal under Deno and under Bun, then every peer (Kafka's
 * Java producer, franz-go, sarama, KafkaJS, @platformatic/kafka, Confluent's two APIs), one
 * client at a time on the same broker, each writing 1,000,000 records of 100 bytes (null keys)
 * into its own fresh topic of 6 partitions with acks=all. Prints records/s, MB/s, the client
 * process's CPU seconds and each ratio to kanal under Deno, then whether kanal meets its
 * targets: ≥ 1.5× the best JS peer, ≥ 0.8× the Java client, ≤ 1 µs of client CPU per record.
 *
 *   deno run -A benchmarks/produce.ts [--records N] [--size B] [--runs N] [--only a,b]
 *     [--skip a,b] [--json] [--kanal-idempotent true|false]
 *
 * kanal runs with its defaults (idempotent, as Java and franz-go; the other peers are not, see
 * README.md); `--kanal-idempotent false` turns it off.
 *
 * @module
 */

import process from "node:process";
import { kanalClients, peerClients } from "./_peers.ts";
import { produceRows } from "./_produce.ts";
import { benchOptions, formatTable, machineLine, selected } from "./_runner.ts";
import { formatTargets, produceTargets } from "./_targets.ts";

const argv = process.argv.slice(2);
let idempotent = true;
const at = argv.indexOf("--kanal-idempotent");
if (at >= 0) {
  const v = argv[at + 1];
  if (v !== "true" && v !== "false") {
    throw new TypeError(
      `Cannot run as --kanal-idempotent must be true or false: current value is ${v}`,
    );
  }
  idempotent = v === "true";
  argv.splice(at, 2);
}
const o = benchOptions(argv);
const clients = [...kanalClients({ idempotent }), ...peerClients()].filter((p) =>
  selected(o, p.name)
);
const rows = await produceRows(clients, o);

console.log(
  `\nproduce: ${o.records} records × ${o.size} B, ${o.partitions} partitions, acks=all, ` +
    `broker ${o.brokers}; kanal ${idempotent ? "idempotent" : "not idempotent"}; ` +
    `${o.runs > 1 ? `median of ${o.runs} runs; ` : ""}${machineLine()}`,
);
console.log(formatTable(rows, "kanal-deno"));
const kanal = rows.filter((r) => r.name.startsWith("kanal")).map((r) => r.name);
console.log(`\ntargets (issue 5):\n${formatTargets(produceTargets(rows, kanal))}`);
if (o.json) { for (const r of rows) console.log(JSON.stringify(r)); }
