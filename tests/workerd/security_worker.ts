// Copyright 2026 the kanal authors. MIT license.
/**
 * A worker for tests/workerd_security_test.ts: `GET /?brokers=B&password=P` connects to the
 * SASL_PLAINTEXT listener `B` with SCRAM-SHA-512 as alice and answers with the brokers its
 * metadata lists. (No records: kanal's Producer.close() and Consumer do not finish inside
 * workerd yet, with or without SASL.) `GET /?tls=ca&brokers=B` asks for TLS with a private CA, which workerd cannot
 * honour. It answers with what happened as JSON. `GET /ready` answers 204.
 *
 * @module
 */

import { Client } from "../../lib/client/client.ts";
import { KafkaError } from "../../lib/protocol/kafka_error.ts";
import { scramSha512 } from "../../lib/sasl/scram.ts";

/** What the worker answers. */
export interface SecurityAnswer {
  brokers?: string[];
  error?: { name: string; errorName?: string; retriable?: boolean; message: string };
}

async function answer(url: URL): Promise<SecurityAnswer> {
  const brokers = url.searchParams.get("brokers") ?? "";
  try {
    if (url.searchParams.get("tls") === "ca") {
      await using _ = await Client.connect({
        brokers,
        tls: { caCerts: ["-----BEGIN CERTIFICATE-----"] },
      });
      return {};
    }
    await using client = await Client.connect({
      brokers,
      sasl: scramSha512({ username: "alice", password: url.searchParams.get("password") ?? "" }),
    });
    return { brokers: [...client.metadata.brokers.values()].map((b) => `${b.host}:${b.port}`) };
  } catch (e) {
    const err = e as Error;
    return {
      error: {
        name: err.name,
        errorName: e instanceof KafkaError ? e.errorName : undefined,
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
