// Copyright 2026 the kanal authors. MIT license.
/**
 * A consumer worker: reads the records a group has not yet seen on a topic, returns them and
 * commits past them. `GET /?topic=T&group=G` (or the `KAFKA_TOPIC` and `KAFKA_GROUP` bindings)
 * answers `{ "records": [{ "partition", "offset", "value" }, …], "committed": [...] }`; a
 * cron trigger (`scheduled`) does the same and logs the count. `GET /ready` answers 204.
 *
 * A worker lives for one request, so it does not join the group (a join and its rebalance
 * would outlast many requests); it commits explicitly, as a standalone member: it reads the
 * group's committed offsets, fetches each partition from there up to the end it saw at the
 * start, and commits the next offsets (OffsetCommit for a group with no members). Run one
 * such worker per group at a time, or two could read the same records.
 *
 * @module
 */

import { Admin } from "../../lib/admin/admin.ts";
import { Client } from "../../lib/client/client.ts";
import { Consumer } from "../../lib/consumer/consumer.ts";

/** The worker's bindings. */
export interface ConsumerEnv {
  /** Bootstrap brokers, `host:port[,host:port]`. */
  KAFKA_BROKERS: string;
  /** The topic when the request names none. */
  KAFKA_TOPIC?: string;
  /** The group when the request names none. */
  KAFKA_GROUP?: string;
}

/** What one run read and committed. */
export interface ConsumeResult {
  /** The records read, by partition then offset. */
  records: { partition: number; offset: number; value: string | null }[];
  /** The offsets committed: the next to read, per partition. */
  committed: { partition: number; offset: number }[];
}

/** Reads `topic`'s records past `group`'s commits, then commits past them. */
export async function consumeNew(
  brokers: string,
  topic: string,
  group: string,
): Promise<ConsumeResult> {
  await using client = await Client.connect({ brokers });
  const admin = new Admin(client);
  const meta = await client.refreshMetadata([topic]);
  const partitions = (meta.topics.get(topic)?.partitions ?? []).map((p) => ({
    topic,
    partition: p.partition,
  }));
  const [committed, ends] = await Promise.all([
    admin.listGroupOffsets(group, partitions),
    admin.listOffsets(partitions.map((p) => ({ ...p, spec: "latest" as const }))),
  ]);
  const from = new Map(committed.map((c) => [c.partition, c.offset]));
  const result: ConsumeResult = { records: [], committed: [] };
  await using consumer = new Consumer(client);
  const dec = new TextDecoder();
  for (const end of ends) {
    const start = Math.max(0, from.get(end.partition) ?? -1);
    if (start >= end.offset) continue;
    for await (const r of consumer.partition(topic, end.partition, { offset: start }).records()) {
      result.records.push({
        partition: end.partition,
        offset: r.offset,
        value: r.value === null ? null : dec.decode(r.value),
      });
      if (r.offset >= end.offset - 1) break;
    }
    result.committed.push({ partition: end.partition, offset: end.offset });
  }
  if (result.committed.length > 0) {
    await admin.alterGroupOffsets(group, result.committed.map((c) => ({ topic, ...c })));
  }
  return result;
}

export default {
  async fetch(request: Request, env: ConsumerEnv): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/ready") return new Response(null, { status: 204 });
    const topic = url.searchParams.get("topic") ?? env.KAFKA_TOPIC;
    const group = url.searchParams.get("group") ?? env.KAFKA_GROUP;
    if (!topic || !group) {
      return new Response("name a topic and a group: ?topic=T&group=G\n", { status: 400 });
    }
    return Response.json(await consumeNew(env.KAFKA_BROKERS, topic, group));
  },

  async scheduled(_event: unknown, env: ConsumerEnv): Promise<void> {
    if (!env.KAFKA_TOPIC || !env.KAFKA_GROUP) throw new Error("set KAFKA_TOPIC and KAFKA_GROUP");
    const { records } = await consumeNew(env.KAFKA_BROKERS, env.KAFKA_TOPIC, env.KAFKA_GROUP);
    console.log(`consumed ${records.length} records from ${env.KAFKA_TOPIC}`);
  },
};
