// Copyright 2026 the kanal authors. MIT license.
/**
 * An ingest worker: `POST /?topic=T` with a body of lines produces one record per non-empty
 * line to `T` (or the `KAFKA_TOPIC` binding) and answers with each record's partition and
 * offset as JSON, `[{ "partition": 0, "offset": 41 }, …]`. `GET /ready` answers 204.
 *
 * Everything happens inside the request, as Cloudflare Workers require: the client connects
 * (over `cloudflare:sockets`), the producer sends, and both are closed before the response.
 * Serve it with `ingest.capnp` (workerd) or deploy it with wrangler (docs/workers.md).
 *
 * @module
 */

import { Client } from "../../lib/client/client.ts";
import { Producer } from "../../lib/producer/producer.ts";

/** The worker's bindings. */
export interface IngestEnv {
  /** Bootstrap brokers, `host:port[,host:port]`. */
  KAFKA_BROKERS: string;
  /** The topic when the request names none. */
  KAFKA_TOPIC?: string;
}

export default {
  async fetch(request: Request, env: IngestEnv): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/ready") return new Response(null, { status: 204 });
    if (request.method !== "POST") return new Response("POST a body of lines\n", { status: 405 });
    const topic = url.searchParams.get("topic") ?? env.KAFKA_TOPIC;
    if (!topic) return new Response("no topic: ?topic=T or KAFKA_TOPIC\n", { status: 400 });
    const lines = (await request.text()).split("\n").filter((l) => l.length > 0);

    await using client = await Client.connect({ brokers: env.KAFKA_BROKERS });
    // Not `await using producer`: Producer.close() does not yet settle under workerd (its
    // aggregator-to-flusher pipe is not released while a read is pending; issue 13 fixes it).
    // send() resolves once every record is acknowledged, and flush() confirms nothing is left
    // buffered; closing the client then ends the connections, and workerd drops what the
    // producer's idle stages still wait on when the request ends.
    const producer = new Producer(client, { lingerMs: 0 });
    const reports = await producer.send(lines.map((value) => ({ topic, value })));
    await producer.flush();
    const failed = reports.find((r) => r.error);
    if (failed) return Response.json({ error: failed.error!.message }, { status: 502 });
    return Response.json(reports.map((r) => ({ partition: r.partition, offset: r.offset })));
  },
};
