// Copyright 2026 the kanal authors. MIT license.
/**
 * A worker for tests/fake_cluster_workerd_test.ts: `GET /` starts a fake cluster inside the
 * request, with no socket, produces three records through the cluster's in-memory transport,
 * consumes them back with kanal's consumer and answers what it saw as JSON. `GET /ready`
 * answers 204.
 *
 * The first records are produced with a raw Produce; one more goes through kanal's Producer,
 * which is then closed: under workerd its close() once never returned (the aggregator-to-flusher
 * pipe ignored an abort while a read was pending), and the answer says so if it does not now.
 *
 * @module
 */

import { Client } from "../../lib/client/client.ts";
import { Consumer } from "../../lib/consumer/consumer.ts";
import { API_TABLE } from "../../lib/protocol/messages/api_table.ts";
import { encodeRecordBatch } from "../../lib/protocol/record_batch_encoder.ts";
import { FakeCluster } from "../../lib/testing/fake_cluster.ts";
import { Producer } from "../../lib/producer/producer.ts";

/** What the worker answers. */
export interface FakeClusterAnswer {
  produced?: [number, string][];
  /** The offset kanal's Producer reported, and whether its close() returned. */
  producer?: { offset: number; closed: boolean };
  consumed?: string[];
  highWatermark?: string;
  faults?: string[];
  error?: string;
}

async function roundTrip(): Promise<FakeClusterAnswer> {
  await using cluster = await FakeCluster.start({
    brokers: 3,
    topics: [{ name: "w", partitions: 3 }],
  });
  const leader = cluster.partition("w", 1).leader;
  const res = await cluster.call(API_TABLE[0], 9, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 1000,
    topicData: [{
      name: "w",
      partitionData: [{
        index: 1,
        records: await encodeRecordBatch(["a", "b", "c"].map((value) => ({ value }))),
      }],
    }],
  }, leader);
  const produced = res.responses[0]!.partitionResponses.map((
    p,
  ): [number, string] => [p.errorCode, String(p.baseOffset)]);
  await using client = await Client.connect({
    brokers: cluster.bootstrap,
    transport: cluster.transport,
  });
  await using consumer = new Consumer(client);
  const producer = new Producer(client);
  const report = await producer.send({ topic: "w", partition: 1, value: "d" });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const closed = await Promise.race([
    producer.close().then(() => true),
    new Promise<boolean>((ok) => timer = setTimeout(() => ok(false), 5000)),
  ]);
  clearTimeout(timer);
  const consumed: string[] = [];
  for await (const r of consumer.partition("w", 1, { offset: "oldest" }).records()) {
    consumed.push(`${r.offset}:${new TextDecoder().decode(r.value!)}`);
    if (consumed.length === 4) break;
  }
  return {
    produced,
    producer: { offset: report.offset, closed },
    consumed,
    highWatermark: String(cluster.partition("w", 1).log.highWatermark),
    faults: cluster.faults.map(String),
  };
}

export default {
  async fetch(request: Request): Promise<Response> {
    if (new URL(request.url).pathname === "/ready") return new Response(null, { status: 204 });
    let answer: FakeClusterAnswer;
    try {
      answer = await roundTrip();
    } catch (e) {
      answer = { error: String((e as Error)?.stack ?? e) };
    }
    return Response.json(answer);
  },
};
