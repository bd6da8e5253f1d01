// Copyright 2026 the kanal authors. MIT license.
/**
 * A worker for tests/workerd_transport_test.ts, bundled into one module with everything it
 * imports. `GET /?brokers=B&topic=T` connects kanal's client to `B` from inside the request,
 * fetches the cluster's metadata and `T`'s partitions, closes the client, checks the codecs
 * and answers with a {@linkcode WorkerAnswer} as JSON. `&transport=workerd` passes the workerd
 * transport explicitly; by default the client picks the runtime's own. `GET /ready` answers
 * 204 at once, for the test to see that workerd listens.
 *
 * @module
 */

import { workerdTransport } from "../../lib/net/transport_workerd.ts";
import { KafkaError } from "../../lib/protocol/kafka_error.ts";
import { type ClusterView, fetchClusterView } from "./cluster_view.ts";
import { checkCodecs, type CodecCheck } from "./codec_check.ts";

/** What the worker answers. */
export interface WorkerAnswer {
  view?: ClusterView;
  codecs?: CodecCheck;
  error?: { name: string; errorName?: string; retriable?: boolean; message: string };
  /** Promise rejections still unhandled in this isolate, since the last answer. */
  unhandled: string[];
}

// A connection or stage that fails in the background after close() would show up here. A read
// pending on a workerd socket when it closes is reported unhandled and then handled, though
// the reader catches it at once; only rejections that stay unhandled count.
const unhandled = new Map<Promise<unknown>, string>();
addEventListener("unhandledrejection", (e) => {
  unhandled.set(e.promise, String(e.reason));
});
addEventListener("rejectionhandled", (e) => {
  unhandled.delete(e.promise);
});

function takeUnhandled(): string[] {
  const reasons = [...unhandled.values()];
  unhandled.clear();
  return reasons;
}

async function answer(url: URL): Promise<WorkerAnswer> {
  const brokers = url.searchParams.get("brokers") ?? "";
  const topic = url.searchParams.get("topic") ?? "";
  const transport = url.searchParams.get("transport") === "workerd" ? workerdTransport : undefined;
  try {
    const view = await fetchClusterView({ brokers, topic, transport });
    const codecs = await checkCodecs();
    // Give whatever close() left behind a moment to fail before reporting.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { view, codecs, unhandled: takeUnhandled() };
  } catch (e) {
    const err = e as Error;
    return {
      error: {
        name: err.name,
        errorName: e instanceof KafkaError ? e.errorName : undefined,
        retriable: e instanceof KafkaError ? e.retriable : undefined,
        message: err.message,
      },
      unhandled: takeUnhandled(),
    };
  }
}

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/ready") return new Response(null, { status: 204 });
    return Response.json(await answer(url));
  },
};
