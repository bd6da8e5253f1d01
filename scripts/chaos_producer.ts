// Copyright 2026 the kanal authors. MIT license.
/**
 * Issue 13's real-cluster chaos run, a program (not a CI test): on the 3-node cluster
 * (`scripts/kafka.sh up --nodes 3`), it produces keyed, numbered records for CHAOS_SECONDS
 * (default 60) through one TCP proxy per broker, while partition leaders are SIGKILLed and
 * restarted one after another and the proxies cut every connection just after forwarding a
 * request (the answer is lost, the append may have happened). Then kcat reads the topic back
 * and the run checks every acknowledged record is there once, and each key's numbers are in
 * order. It prints one JSON line of figures and exits 1 on any loss, duplicate or reordering.
 *
 *   KAFKA_PORT=… KAFKA_CLUSTER_PORT=… deno run -A scripts/chaos_producer.ts
 *
 * @module
 */

import { Admin } from "../lib/admin/admin.ts";
import { Client } from "../lib/client/client.ts";
import { defaultTransport } from "../lib/net/default_transport.ts";
import type { Transport } from "../lib/net/transport.ts";
import { Producer } from "../lib/producer/producer.ts";
import type { DeliveryReport } from "../lib/producer/producer_record.ts";
import { clusterBrokers } from "../tests/_kafka.ts";
import { killNode, restartNode, waitForBrokers } from "../tests/_harness.ts";
import { startProxy, type TcpProxy } from "../tests/_proxy.ts";
import { kcat, uniqueTopic } from "../tests/_tools.ts";
import { sleep } from "../lib/util/sleep.ts";

const SECONDS = Number(process.env.CHAOS_SECONDS ?? 60);
const KEYS = 60;
const CHUNK = 500;

// The cluster scripts/kafka.sh runs for these ports (never another checkout's).
const port = Number(process.env.KAFKA_CLUSTER_PORT ?? 19092);
process.env.KAFKA_CLUSTER_BROKERS ??= [0, 100, 200].map((d) => `127.0.0.1:${port + d}`).join(",");
const seeds = clusterBrokers();
const bootstrap = seeds.map((b) => `${b.host}:${b.port}`).join(",");
const proxies = new Map<number, TcpProxy>();
for (const b of seeds) proxies.set(b.port, await startProxy(b));
const real = await defaultTransport();
// Every connection goes through its broker's proxy.
const transport: Transport = (o) => {
  const p = proxies.get(o.port);
  return real(p ? { ...o, host: p.address.host, port: p.address.port } : o);
};
let retries = 0;
const client = await Client.connect({
  brokers: bootstrap,
  transport,
  requestTimeoutMs: 10_000,
  observe: (e) => {
    if (e.type === "retry") retries += e.records;
  },
});
await waitForBrokers(client, 3);
const topic = uniqueTopic("chaos");
await new Admin(client).createTopics([
  { name: topic, partitions: 6, replicationFactor: 3, configs: { "min.insync.replicas": "2" } },
]);
const producer = new Producer(client, {
  acks: "all",
  idempotent: true,
  maxInFlight: 5,
  lingerMs: 5,
  retryBackoffMs: 100,
});

let stop = false;
let kills = 0;
let cuts = 0;
// Leaders of random partitions killed and restarted, one after another.
const killer = (async () => {
  await sleep(3000);
  while (!stop) {
    let victim = -1;
    try {
      victim = (await client.leaderFor(topic, Math.floor(Math.random() * 6))).nodeId;
    } catch {
      // No leader known this moment (an election under way): the next round tries again.
      await sleep(500);
      continue;
    }
    await killNode(victim);
    kills++;
    await sleep(2000);
    await restartNode(victim);
    await sleep(1000);
  }
})();
// Every ~1.5 s, the next request to go up through any proxy is forwarded, then every
// connection is cut: its answer is lost.
const cutter = (async () => {
  while (!stop) {
    await sleep(1500);
    let armed = true;
    for (const p of proxies.values()) {
      p.onUpstream(() => {
        if (!armed) return;
        armed = false;
        setTimeout(() => {
          for (const q of proxies.values()) q.cut();
          cuts++;
        }, 0);
      });
    }
  }
})();

// A stall (no send settled for STALL_MS) prints the producer's stage dump once, on stderr: the
// first clue to what waits on what.
const STALL_MS = 15_000;
let settledAt = Date.now();
let stalls = 0;
const watchdog = setInterval(() => {
  if (Date.now() - settledAt < STALL_MS) return;
  stalls++;
  settledAt = Date.now();
  console.error(`no send settled for ${STALL_MS} ms; the stages:\n${producer.dumpStages()}`);
}, 1000);

const sent: string[] = [];
const reports: DeliveryReport[] = [];
const next = new Array<number>(KEYS).fill(0);
const pending: Promise<void>[] = [];
const start = Date.now();
while (Date.now() - start < SECONDS * 1000) {
  const chunk = Array.from({ length: CHUNK }, (_, k) => {
    const key = `key-${(sent.length + k) % KEYS}`;
    const n = next[(sent.length + k) % KEYS]!++;
    return { topic, key, value: `${key}:${n}` };
  });
  for (const r of chunk) sent.push(r.value);
  const at = reports.length;
  reports.length += CHUNK;
  pending.push(
    producer.send(chunk).then((r) => {
      settledAt = Date.now();
      for (let k = 0; k < r.length; k++) reports[at + k] = r[k]!;
    }),
  );
  if (pending.length >= 8) await pending.shift();
}
stop = true;
await Promise.all(pending);
clearInterval(watchdog);
await Promise.all([killer, cutter]);
for (const p of proxies.values()) p.onUpstream(null);
await producer.close();
await client.close();
for (const p of proxies.values()) await p.close();

const acked = new Set<string>();
let failed = 0;
// Failed records by error message, and those of them found in the log (a timed-out record may be).
const errors = new Map<string, number>();
const failedValues: string[] = [];
for (let i = 0; i < sent.length; i++) {
  const error = reports[i]!.error;
  if (error === undefined) acked.add(sent[i]!);
  else {
    failed++;
    failedValues.push(sent[i]!);
    errors.set(error.message, (errors.get(error.message) ?? 0) + 1);
  }
}
const out = new TextDecoder().decode(
  await kcat(["-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%s\n"], {
    timeoutMs: 120_000,
  }),
);
const seen = new Set<string>();
const last = new Map<string, number>();
let duplicated = 0;
let reordered = 0;
for (const v of out.split("\n")) {
  if (v === "") continue;
  if (seen.has(v)) duplicated++;
  seen.add(v);
  const [key, n] = v.split(":") as [string, string];
  if ((last.get(key) ?? -1) >= Number(n)) reordered++;
  last.set(key, Number(n));
}
let lost = 0;
for (const v of acked) if (!seen.has(v)) lost++;
let failedInLog = 0;
for (const v of failedValues) if (seen.has(v)) failedInLog++;
for (const [message, n] of errors) console.error(`${n} records failed: ${message}`);
const figures = {
  seconds: SECONDS,
  records: sent.length,
  acked: acked.size,
  failed,
  failedInLog,
  stalls,
  read: seen.size,
  kills,
  cuts,
  retried: retries,
  lost,
  duplicated,
  reordered,
};
console.log(JSON.stringify(figures));
if (lost + duplicated + reordered > 0) process.exitCode = 1;
