// Copyright 2026 the kanal authors. MIT license.
// Benchmark harness: runtime APIs allowed.
/**
 * The consume workload, shared by `consume.ts` (kanal and its peers) and `peers_consume.ts`
 * (the peers alone): one topic is created and filled once with Kafka's ProducerPerformance, its
 * records are counted on the broker, every client reads all of it from offset 0, and the topic
 * is deleted at the end.
 *
 * @module
 */

import { join } from "node:path";
import process from "node:process";
import type { Peer } from "./_peers.ts";
import {
  type BenchOptions,
  type ClientRun,
  createTopic,
  deleteTopic,
  medianRun,
  ROOT,
  type Row,
  runClient,
  topicRecords,
} from "./_runner.ts";

/** Progress goes to stderr: stdout carries the table. */
const log = (s: string) => process.stderr.write(`${s}\n`);

/** Creates `topic` and fills it with `o.records` records of `o.size` bytes; checks the count. */
export async function fillTopic(topic: string, o: BenchOptions): Promise<void> {
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
  if (stored !== o.records) {
    throw new Error(`Cannot benchmark as ${topic} holds ${stored} records, not ${o.records}`);
  }
}

/**
 * Fills one topic, then runs every client on it `o.runs` rounds of one run each (round-robin,
 * so a slow spell of a shared machine does not fall on one client's runs only), and returns one
 * row per client with its median run, or its first error. A client whose result holds fewer
 * records than the topic fails. The topic is deleted afterwards, also on failure.
 */
export async function consumeRows(peers: Peer[], o: BenchOptions): Promise<Row[]> {
  const topic = `bench-consume-${Date.now().toString(36)}`;
  const rows: Row[] = peers.map((p) => ({ name: p.name, runtime: p.runtime }));
  const runs: ClientRun[][] = peers.map(() => []);
  for (let k = 0; k < peers.length; k++) {
    try {
      log(`${peers[k]!.name}: preparing`);
      await peers[k]!.prepare?.();
    } catch (err) {
      rows[k]!.error = err instanceof Error ? err.message : String(err);
      log(`${peers[k]!.name}: failed: ${rows[k]!.error}`);
    }
  }
  try {
    await fillTopic(topic, o);
    for (let i = 0; i < o.runs; i++) {
      for (let k = 0; k < peers.length; k++) {
        const peer = peers[k]!;
        if (rows[k]!.error !== undefined) continue;
        try {
          log(`${peer.name}: consuming ${o.records} records from ${topic}`);
          const run = await runClient(peer.spec("consume", topic, o));
          if (run.result.records < o.records) {
            throw new Error(`read ${run.result.records} records, not ${o.records}`);
          }
          const rss = run.peakRssBytes === undefined
            ? ""
            : ` rss=${(run.peakRssBytes / 2 ** 20).toFixed(0)}MiB`;
          log(
            `${peer.name}: ${JSON.stringify(run.result)} cpu=${run.cpuSeconds.toFixed(2)}s${rss}`,
          );
          runs[k]!.push(run);
        } catch (err) {
          rows[k]!.error = err instanceof Error ? err.message : String(err);
          log(`${peer.name}: failed: ${rows[k]!.error}`);
        }
      }
    }
  } catch (err) {
    // The topic could not be made or filled: every client that has no error yet fails with it.
    const why = err instanceof Error ? err.message : String(err);
    for (const r of rows) r.error ??= why;
    log(`failed: ${why}`);
  } finally {
    await deleteTopic(o.brokers, topic).catch(() => {});
  }
  for (let k = 0; k < peers.length; k++) {
    if (rows[k]!.error === undefined) rows[k]!.run = medianRun(runs[k]!);
  }
  return rows;
}
