// Copyright 2026 the kanal authors. MIT license.
// Benchmark harness: runtime APIs allowed.
/**
 * The transactional producer benchmark (issue 17, item 5): kanal under Deno and under Bun,
 * Kafka's Java producer (ProducerPerformance with `--transaction-duration-ms`) and franz-go,
 * one client at a time on the same broker, each writing `--records` records of 100 bytes (null
 * keys, acks=all, idempotent) into its own fresh topic of 6 partitions in transactions committed
 * every `--transaction-ms` ms (100 unless told) and at the end. The clock includes every commit.
 * Prints records/s, MB/s and the client process's CPU seconds, with each ratio to kanal under
 * Deno.
 *
 *   deno run -A benchmarks/transactions.ts [--transaction-ms 100] [--records N] [--runs N]
 *     [--only a,b] [--skip a,b] [--json]
 *
 * @module
 */

import process from "node:process";
import { kanalClients, type Peer, peerClients } from "./_peers.ts";
import { produceRows } from "./_produce.ts";
import { benchOptions, formatTable, machineLine, selected } from "./_runner.ts";

const argv = process.argv.slice(2);
let transactionMs = 100;
const at = argv.indexOf("--transaction-ms");
if (at >= 0) {
  transactionMs = Number(argv[at + 1]);
  if (!Number.isSafeInteger(transactionMs) || transactionMs < 1) {
    throw new RangeError(
      `Cannot run as --transaction-ms must be a whole number from 1: current value is ${
        argv[at + 1]
      }`,
    );
  }
  argv.splice(at, 2);
}
const o = benchOptions(argv);

/** The same client with its flag for transactions added to every run. */
function transactional(peer: Peer, flag: string): Peer {
  return {
    ...peer,
    spec: (op, topic, options) => {
      const spec = peer.spec(op, topic, options);
      return { ...spec, args: [...spec.args, flag, String(transactionMs)] };
    },
  };
}

const flags: Record<string, string> = {
  "kanal-deno": "--transaction-ms",
  "kanal-bun": "--transaction-ms",
  java: "--transaction-ms",
  "franz-go": "-txn-ms",
};
const clients = [...kanalClients(), ...peerClients()]
  .filter((p) => flags[p.name] !== undefined && selected(o, p.name))
  .map((p) => transactional(p, flags[p.name]!));
const rows = await produceRows(clients, o);

console.log(
  `\ntransactional produce: ${o.records} records × ${o.size} B, ${o.partitions} partitions, ` +
    `acks=all, a commit every ${transactionMs} ms and at the end, broker ${o.brokers}; ` +
    `${o.runs > 1 ? `median of ${o.runs} runs; ` : ""}${machineLine()}`,
);
console.log(formatTable(rows, "kanal-deno"));
if (o.json) { for (const r of rows) console.log(JSON.stringify(r)); }
