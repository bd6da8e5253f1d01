// Copyright 2026 the kanal authors. MIT license.
/**
 * A worker for tests/tls_fail_fast_test.ts: `GET /?host=H&port=P` dials `H:P` with TLS through
 * kanal's workerd transport (a ten-minute dial timeout, so only the handshake can end it) and
 * answers with what happened as JSON. `GET /ready` answers 204, for the test to see workerd
 * listens.
 *
 * @module
 */

import { workerdTransport } from "../../lib/net/transport_workerd.ts";
import { KafkaError } from "../../lib/protocol/kafka_error.ts";

/** What the worker answers. */
export interface TlsAnswer {
  connected: boolean;
  error?: { name: string; retriable?: boolean; message: string };
}

async function answer(url: URL): Promise<TlsAnswer> {
  const host = url.searchParams.get("host") ?? "";
  const port = Number(url.searchParams.get("port"));
  try {
    const socket = await workerdTransport({ host, port, tls: true, timeoutMs: 600_000 });
    await socket.close();
    return { connected: true };
  } catch (e) {
    const err = e as Error;
    return {
      connected: false,
      error: {
        name: err.name,
        retriable: e instanceof KafkaError ? e.retriable : undefined,
        message: err.message,
      },
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
