// Copyright 2026 the kanal authors. MIT license.
// kanal-test: serial — it SIGSTOPs the shared single broker, which would stall every suite
// running beside it.
// The cluster client against the real single-node broker: bootstrap, metadata, coordinators,
// reconnects, option checks, and the stage dump.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Client } from "../lib/client/client.ts";
import { Broker } from "../lib/client/broker.ts";
import { ConnectionError } from "../lib/net/connection_error.ts";
import { defaultTransport } from "../lib/net/default_transport.ts";
import { StageRegistry } from "../lib/net/stage_registry.ts";
import { API_TABLE } from "../lib/protocol/messages/api_table.ts";
import { KafkaError } from "../lib/protocol/kafka_error.ts";
import { brokerList, brokers, requireBroker } from "./_kafka.ts";
import { whilePaused } from "./_harness.ts";
import { until } from "./_wait.ts";
import { startProxy } from "./_proxy.ts";
import { kcat, uniqueTopic } from "./_tools.ts";

test("a client bootstraps, caches metadata and finds partition leaders", async () => {
  const broker = await requireBroker();
  const topic = uniqueTopic("client-meta");
  await kcat(["-b", brokerList(), "-t", topic, "-P"], { input: "x\n" });
  await using client = await Client.connect({
    brokers: brokerList(),
    allowAutoTopicCreation: false,
  });
  const meta = client.metadata;
  assert.ok(meta.clusterId, "cluster id");
  assert.ok([...meta.brokers.values()].some((b) => b.port === broker.port));
  const leader = await client.leaderFor(topic, 0);
  assert.equal(leader.port, broker.port);
  assert.equal(client.metadata.topics.get(topic)?.partitions.length, 1);
  await assert.rejects(client.leaderFor(topic, 7), { errorName: "UNKNOWN_TOPIC_OR_PARTITION" });
});

test("concurrent metadata refreshes are coalesced into few requests", async () => {
  await requireBroker();
  await using client = await Client.connect({
    brokers: brokerList(),
    allowAutoTopicCreation: false,
  });
  const before = client.stages().find((s) => s.name === "backgroundMetadataUpdater")!;
  const calls = Array.from({ length: 50 }, (_, i) => client.refreshMetadata([`t-${i}`]));
  await Promise.all(calls);
  const after = client.stages().find((s) => s.name === "backgroundMetadataUpdater")!;
  const refreshes = after.counters.refreshes! - (before.counters.refreshes ?? 0);
  assert.ok(refreshes >= 1 && refreshes <= 2, `50 demands took ${refreshes} refreshes`);
});

test("the coordinator for a group is found and cached", async () => {
  const broker = await requireBroker();
  await using client = await Client.connect({
    brokers: brokerList(),
    allowAutoTopicCreation: false,
  });
  const group = uniqueTopic("group");
  const id = await client.coordinator(group);
  assert.ok(client.metadata.brokers.get(id)?.port === broker.port);
  // ListGroups on the coordinator; a fresh broker may still be loading its offsets topic
  // (COORDINATOR_LOAD_IN_PROGRESS, retriable).
  let code = -1;
  for (let i = 0; i < 100; i++) {
    code = (await client.request(id, API_TABLE[16], {})).errorCode;
    if (code !== 14) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(code, 0);
  assert.equal(await client.coordinator(group), id, "cached");
});

test("the stage dump shows the updater and a responseReceiver per open connection", async () => {
  await requireBroker();
  await using client = await Client.connect({
    brokers: brokerList(),
    allowAutoTopicCreation: false,
  });
  const id = [...client.metadata.brokers.keys()][0]!;
  await client.connection(id, "group");
  await client.connection(id, "fetch");
  const stages = client.stages();
  assert.equal(stages.filter((s) => s.name === "backgroundMetadataUpdater").length, 1);
  const receivers = stages.filter((s) => s.name === "responseReceiver").map((s) => s.role);
  assert.ok(
    receivers.some((r) =>
      r ===
        `broker ${id} (${client.metadata.brokers.get(id)!.host}:${
          client.metadata.brokers.get(id)!.port
        }), group connection`
    ),
    receivers.join("; "),
  );
  assert.ok(receivers.some((r) => r.endsWith("fetch connection")));
  const table = client.dumpStages();
  assert.match(table, /^STAGE +ROLE +STATE/);
  assert.match(table, /backgroundMetadataUpdater +every 300000 ms +(idle|request in flight)/);
  await client.close();
  assert.deepEqual(client.stages(), [], "close stops every stage");
});

test("bad client options are named errors", async () => {
  await assert.rejects(
    Client.connect({ brokers: "127.0.0.1:9092", requestTimeout: 5 } as never),
    (e) =>
      e instanceof TypeError &&
      /Unknown Client option "requestTimeout": did you mean "requestTimeoutMs"/.test(e.message),
  );
  await assert.rejects(
    Client.connect({ brokers: "127.0.0.1:9092", maxInFlight: 0 }),
    (e) =>
      e instanceof RangeError && /"maxInFlight" as it must be between 1 and 1000/.test(e.message),
  );
  await assert.rejects(
    Client.connect({ brokers: "localhost" }),
    (e) => e instanceof RangeError && /host:port: current value is "localhost"/.test(e.message),
  );
  await assert.rejects(Client.connect({ brokers: [] }), RangeError);
});

test("no reachable bootstrap broker is a retriable ConnectionError", async () => {
  await assert.rejects(
    Client.connect({ brokers: "127.0.0.1:1", connectTimeoutMs: 2000 }),
    (e) => e instanceof ConnectionError && e.retriable,
  );
});

test("a broker reconnects after its connection is cut, after a backoff", async () => {
  const target = await requireBroker();
  await using proxy = await startProxy(target);
  const controller = new AbortController();
  const broker = new Broker(1, proxy.address.host, proxy.address.port, {
    transport: await defaultTransport(),
    registry: new StageRegistry(),
    clientId: "kanal-test",
    maxInFlight: 5,
    requestTimeoutMs: 10_000,
    connectTimeoutMs: 5000,
    reconnectBackoffMs: 50,
    reconnectBackoffMaxMs: 1000,
    signal: controller.signal,
  });
  try {
    const first = await broker.connection("group");
    assert.equal(proxy.connections, 1);
    proxy.onUpstream(() => {
      throw new Error("cut");
    });
    await assert.rejects(first.request(API_TABLE[3], { topics: null }), (e) => {
      return e instanceof ConnectionError && e.retriable;
    });
    proxy.onUpstream(null);
    const second = await broker.connection("group");
    assert.notEqual(second, first);
    assert.equal(proxy.connections, 2);
    assert.ok((await second.request(API_TABLE[3], { topics: null })).brokers.length >= 1);
  } finally {
    controller.abort();
    await broker.close();
  }
});

test("stale-metadata error codes trigger a refresh; other codes do not", async () => {
  await requireBroker();
  await using client = await Client.connect({
    brokers: brokerList(),
    allowAutoTopicCreation: false,
  });
  // Two topics nobody asked about yet: a refresh that names one leaves it in the cache (as an
  // unknown topic), so the cache shows which refreshes were asked for.
  const ignored = uniqueTopic("invalid-record");
  const stale = uniqueTopic("not-leader");
  assert.equal(client.onPartitionError(87, /* INVALID_RECORD */ ignored), false);
  assert.equal(client.onPartitionError(6, /* NOT_LEADER_OR_FOLLOWER */ stale), true);
  // Nothing here asks for a refresh: the error alone must have.
  await until("the refresh the stale-metadata error asked for", () => {
    return client.metadata.topics.has(stale);
  }, 10_000);
  // Both calls came before that refresh was sent, so a refresh for the other topic would have
  // been coalesced into it or sent before it.
  assert.equal(client.metadata.topics.has(ignored), false, "INVALID_RECORD asked for no refresh");
});

test("a metadata refresh that cannot complete fails at its deadline", async () => {
  await requireBroker();
  await using client = await Client.connect({
    brokers: brokerList(),
    requestTimeoutMs: 20_000,
    allowAutoTopicCreation: false,
  });
  await whilePaused(brokers()[0]!, async () => {
    await assert.rejects(client.refreshMetadata(["t"], { timeoutMs: 500 }), (e) => {
      assert.ok(e instanceof KafkaError);
      assert.equal(e.errorName, "REQUEST_TIMED_OUT");
      assert.match(e.message, /within 500 ms/);
      return true;
    });
    const controller = new AbortController();
    const pending = client.refreshMetadata(["t"], { signal: controller.signal });
    controller.abort(new Error("stop waiting"));
    await assert.rejects(pending, /stop waiting/);
  });
  // Once the broker answers again, the refresh that was asked for completes.
  assert.ok((await client.refreshMetadata(["t"])).brokers.size >= 1);
});
