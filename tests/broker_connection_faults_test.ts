// Copyright 2026 the kanal authors. MIT license.
// A connection against a fake broker that answers wrongly on purpose: every request in flight
// must settle with a typed error, the connection must close, and the next request must get a
// new connection. The request timeout is far longer than any test runner waits, so a stranded
// request fails the test by never settling rather than by a duration.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { BrokerConnection } from "../lib/net/broker_connection.ts";
import { defaultTransport } from "../lib/net/default_transport.ts";
import { KafkaError } from "../lib/protocol/kafka_error.ts";
import { API_TABLE } from "../lib/protocol/messages/api_table.ts";
import type { MetadataResponse } from "../lib/protocol/messages/metadata.ts";
import { Client } from "../lib/client/client.ts";
import { type FakeBroker, frame, startFakeBroker } from "./_fake_broker.ts";

const LONG = 600_000;

function metadata(port: number): MetadataResponse {
  return {
    brokers: [{ nodeId: 0, host: "127.0.0.1", port, rack: null }],
    clusterId: "fake",
    controllerId: 0,
    topics: [],
  };
}

function int32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n);
  return b;
}

async function connect(broker: FakeBroker): Promise<BrokerConnection> {
  return BrokerConnection.connect({
    host: broker.host,
    port: broker.port,
    transport: await defaultTransport(),
    requestTimeoutMs: LONG,
  });
}

const badAnswers: [string, (correlationId: number) => Uint8Array][] = [
  ["the wrong correlation id", (id) => frame(int32(id + 1000))],
  ["a frame shorter than its header", () => frame(new Uint8Array([0, 0]))],
  ["an empty frame", () => frame(new Uint8Array(0))],
];

for (const [what, bad] of badAnswers) {
  test(`an answer with ${what} fails every request in flight and closes the connection`, async () => {
    let requests = 0;
    const broker = await startFakeBroker((req, conn) => {
      // Two requests arrive; the first is answered badly, the second never.
      if (++requests === 1) conn.send(bad(req.correlationId));
    });
    try {
      const conn = await connect(broker);
      const first = conn.request(API_TABLE[3], { topics: [] }).then(
        () => assert.fail("the bad answer was accepted"),
        (e: unknown) => e,
      );
      const second = conn.request(API_TABLE[3], { topics: [] }).then(
        () => assert.fail("a request behind the bad answer succeeded"),
        (e: unknown) => e,
      );
      for (const err of await Promise.all([first, second])) {
        assert.ok(err instanceof KafkaError, String(err));
        assert.equal(err.retriable, true, "retriable on a new connection");
      }
      await conn.closed;
      assert.equal(conn.isOpen, false);
      await assert.rejects(conn.request(API_TABLE[3], { topics: [] }), KafkaError);
    } finally {
      await broker.close();
    }
  });
}

test("after a misordered answer the client's next request reconnects and succeeds", async () => {
  const broker: FakeBroker = await startFakeBroker((req, conn) => {
    if (conn.index === 1) conn.send(frame(int32(req.correlationId + 7)));
    else conn.answer(API_TABLE[3], req.version, req.correlationId, metadata(broker.port));
  });
  const client = await Client.connect({
    brokers: `127.0.0.1:${broker.port}`,
    requestTimeoutMs: LONG,
    reconnectBackoffMs: 1,
    reconnectBackoffMaxMs: 1,
  });
  try {
    // Bootstrap used connection 0; broker 0's group connection is connection 1, the bad one.
    const err = await client.request(0, API_TABLE[3], { topics: [] }).catch((e: unknown) => e);
    assert.ok(err instanceof KafkaError, String(err));
    assert.equal(err.retriable, true);
    const res = await client.request(0, API_TABLE[3], { topics: [] });
    assert.equal(res.clusterId, "fake");
    assert.equal(broker.accepted, 3, "a new connection carried the retry");
  } finally {
    await client.close();
    await broker.close();
  }
});
