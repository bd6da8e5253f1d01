// Copyright 2026 the kanal authors. MIT license.
// kanal-test: serial — it SIGSTOPs the shared single broker, which would stall every suite
// running beside it.
// One pipelined connection against the real broker: negotiation, hundreds of requests in
// flight, a connection cut mid-request, and a broker that stops answering.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { BrokerConnection } from "../lib/net/broker_connection.ts";
import { ConnectionError } from "../lib/net/connection_error.ts";
import { defaultTransport } from "../lib/net/default_transport.ts";
import { StageRegistry } from "../lib/net/stage_registry.ts";
import { KafkaError } from "../lib/protocol/kafka_error.ts";
import { API_TABLE } from "../lib/protocol/messages/api_table.ts";
import { type BrokerAddress, requireBroker } from "./_kafka.ts";
import { startProxy } from "./_proxy.ts";
import { whilePaused } from "./_harness.ts";

async function connect(
  b: BrokerAddress,
  extra: { requestTimeoutMs?: number; registry?: StageRegistry; maxInFlight?: number } = {},
): Promise<BrokerConnection> {
  return BrokerConnection.connect({
    host: b.host,
    port: b.port,
    transport: await defaultTransport(),
    role: "broker ?, test connection",
    ...extra,
  });
}

test("a connection negotiates versions and registers its responseReceiver", async () => {
  const broker = await requireBroker();
  const registry = new StageRegistry();
  const conn = await connect(broker, { registry });
  try {
    assert.ok(conn.versions.version(3) >= 12, "Metadata v12 or later");
    const meta = await conn.request(API_TABLE[3], { topics: null });
    assert.ok(meta.brokers.length >= 1);
    const dump = registry.snapshot();
    assert.equal(dump.length, 1);
    assert.equal(dump[0]?.name, "responseReceiver");
    assert.equal(dump[0]?.role, "broker ?, test connection");
    assert.equal(dump[0]?.state, "idle");
    assert.equal(dump[0]?.counters.responses, 2, "ApiVersions and Metadata answers");
  } finally {
    await conn.close();
  }
  assert.equal(registry.snapshot().length, 0, "closed connections leave the dump");
});

test("hundreds of concurrent requests on one connection each get their own answer", async () => {
  const broker = await requireBroker();
  const conn = await connect(broker, { maxInFlight: 5 });
  try {
    const names = Array.from({ length: 400 }, (_, i) => `no-such-topic-${i}`);
    let peak = 0;
    const answers = await Promise.all(names.map(async (name) => {
      const p = conn.request(API_TABLE[3], { topics: [{ name }], allowAutoTopicCreation: false });
      peak = Math.max(peak, conn.inFlight);
      return (await p).topics.map((t) => t.name);
    }));
    assert.deepEqual(answers, names.map((n) => [n]));
    assert.ok(peak <= 5, `in flight never above the limit (peak ${peak})`);
  } finally {
    await conn.close();
  }
});

test("a connection cut mid-request fails it with a retriable ConnectionError", async () => {
  const broker = await requireBroker();
  await using proxy = await startProxy(broker);
  const conn = await connect(proxy.address);
  // Cut as soon as the next request's bytes reach the proxy, before the broker answers.
  proxy.onUpstream(() => {
    throw new Error("cut");
  });
  await assert.rejects(conn.request(API_TABLE[3], { topics: null }), (e) => {
    assert.ok(e instanceof ConnectionError, String(e));
    assert.equal(e.retriable, true);
    assert.equal(e.errorName, "NETWORK_EXCEPTION");
    return true;
  });
  await conn.closed;
  assert.equal(conn.isOpen, false);
  await assert.rejects(conn.request(API_TABLE[3], { topics: null }), ConnectionError);
  // A new connection through the same proxy works again.
  proxy.onUpstream(null);
  const again = await connect(proxy.address);
  assert.ok((await again.request(API_TABLE[3], { topics: null })).brokers.length >= 1);
  await again.close();
});

test("a broker that stops answering (SIGSTOP) trips the request timeout", async () => {
  const broker = await requireBroker();
  const conn = await connect(broker, { requestTimeoutMs: 1000 });
  try {
    await whilePaused(broker, async () => {
      await assert.rejects(conn.request(API_TABLE[3], { topics: null }), (e) => {
        assert.ok(e instanceof KafkaError);
        assert.equal(e.errorName, "REQUEST_TIMED_OUT");
        assert.equal(e.retriable, true);
        return true;
      });
      assert.equal(conn.isOpen, false, "a timed-out connection is closed");
    });
  } finally {
    await conn.close();
  }
});
