// Copyright 2026 the kanal authors. MIT license.
// Benchmark harness: runtime APIs allowed.
/**
 * The produce workload, shared by `produce.ts` (kanal and its peers) and `peers_produce.ts`
 * (the peers alone): each client writes into its own fresh topic, the records on the broker are
 * counted afterwards, and the topic is deleted.
 *
 * @module
 */

import process from "node:process";
import type { Peer } from "./_peers.ts";
import {
  type BenchOptions,
  type ClientRun,
  createTopic,
  deleteTopic,
  medianRun,
  type Row,
  runClient,
  topicRecords,
} from "./_runner.ts";

/** Progress goes to stderr: stdout carries the table. */
const log = (s: string) => process.stderr.write(`${s}\n`);

async function produceOnce(peer: Peer, topic: string, o: BenchOptions): Promise<ClientRun> {
  try {
    await createTopic(o.brokers, topic, o.partitions);
    log(`${peer.name}: producing ${o.records} records into ${topic}`);
    const run = await runClient(peer.spec("produce", topic, o));
    // A client that reports success must have written the records: count them on the broker.
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

/**
 * Runs the produce workload for every client, `o.runs` rounds of one run each (round-robin, so
 * a slow spell of a shared machine does not fall on one client's runs only), and returns one
 * row per client with its median run, or its first error.
 */
export async function produceRows(peers: Peer[], o: BenchOptions): Promise<Row[]> {
  const stamp = Date.now().toString(36);
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
  for (let i = 0; i < o.runs; i++) {
    for (let k = 0; k < peers.length; k++) {
      const peer = peers[k]!;
      if (rows[k]!.error !== undefined) continue;
      try {
        runs[k]!.push(await produceOnce(peer, `bench-produce-${peer.name}-${stamp}-${i}`, o));
      } catch (err) {
        rows[k]!.error = err instanceof Error ? err.message : String(err);
        log(`${peer.name}: failed: ${rows[k]!.error}`);
      }
    }
  }
  for (let k = 0; k < peers.length; k++) {
    if (rows[k]!.error === undefined) rows[k]!.run = medianRun(runs[k]!);
  }
  return rows;
}
