// Copyright 2026 the kanal authors. MIT license.
// The metadata command's output without a broker; tests/cli_metadata_test.ts checks it against
// kcat on real brokers.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import type { ClusterMetadata, TopicInfo } from "../client/metadata_cache.ts";
import { parseArgs } from "./args.ts";
import { FakeCluster } from "../testing/fake_cluster.ts";
import {
  formatMetadataText,
  metadataCommand,
  metadataJson,
  selectTopics,
} from "./metadata_command.ts";

const ZERO_ID = "AAAAAAAAAAAAAAAAAAAAAA";

function topic(name: string, partitions: Partial<TopicInfo["partitions"][number]>[]): TopicInfo {
  return {
    name,
    topicId: ZERO_ID,
    isInternal: name.startsWith("__"),
    errorCode: 0,
    partitions: partitions.map((p, i) => ({
      partition: i,
      leader: 1,
      leaderEpoch: 0,
      replicas: [1],
      isr: [1],
      offlineReplicas: [],
      errorCode: 0,
      ...p,
    })),
  };
}

function cluster(topics: TopicInfo[], controllerId = 2): ClusterMetadata {
  return {
    clusterId: "abc",
    controllerId,
    updatedAt: 0,
    brokers: new Map(
      [1, 2, 3].map((n) => [n, { nodeId: n, host: `b${n}`, port: 9092, rack: null }]),
    ),
    topics: new Map(topics.map((t) => [t.name, t])),
  };
}

test("the text marks only the controller and lists every broker", () => {
  const text = formatMetadataText(cluster([]), [], null);
  assert.deepEqual(text.split("\n").slice(0, 5), [
    "Metadata for all topics (cluster id: abc):",
    " 3 brokers:",
    "  broker 1 at b1:9092",
    "  broker 2 at b2:9092 (controller)",
    "  broker 3 at b3:9092",
  ]);
  assert.equal(text.match(/\(controller\)/g)?.length, 1);
});

test("the text shows partition errors and offline replicas after the ISR", () => {
  const t = topic("orders", [
    { leader: -1, replicas: [2, 3], isr: [3], offlineReplicas: [2], errorCode: 5 },
  ]);
  const lines = formatMetadataText(cluster([t]), [t], ["orders"]).split("\n");
  assert.equal(lines[0], "Metadata for orders (cluster id: abc):");
  assert.equal(
    lines[7],
    "    partition 0, leader -1, replicas: 2,3, isrs: 3, offline: 2, LEADER_NOT_AVAILABLE: " +
      "There is no leader for this topic-partition as we are in the middle of a leadership election.",
  );
});

test("the text shows a topic error after the topic's line, as kcat does", () => {
  const meta = cluster([]);
  const topics = selectTopics(meta, ["missing"]);
  assert.match(
    formatMetadataText(meta, topics, ["missing"]),
    /^ {2}topic "missing" with 0 partitions: UNKNOWN_TOPIC_OR_PARTITION: /m,
  );
});

test("selectTopics keeps the order asked for and every topic otherwise", () => {
  const a = topic("a", [{}]);
  const b = topic("__consumer_offsets", [{}, {}]);
  const meta = cluster([a, b]);
  assert.deepEqual(selectTopics(meta, null).map((t) => t.name), ["a", "__consumer_offsets"]);
  assert.deepEqual(selectTopics(meta, ["__consumer_offsets", "a"]).map((t) => t.name), [
    "__consumer_offsets",
    "a",
  ]);
});

test("the JSON keeps kcat's keys and adds errors only where there are some", () => {
  const t = topic("__consumer_offsets", [{}, { errorCode: 9, isr: [1, 2] }]);
  const json = metadataJson(cluster([t]), [t], null);
  assert.equal(json.query.topic, "*");
  assert.equal(json.controllerid, 2);
  assert.deepEqual(json.brokers.map((b) => b.name), ["b1:9092", "b2:9092", "b3:9092"]);
  const [jt] = json.topics;
  assert.equal(jt?.internal, true);
  assert.equal("error" in jt!, false);
  assert.equal("error" in jt!.partitions[0]!, false);
  assert.equal(jt?.partitions[1]?.error, "REPLICA_NOT_AVAILABLE");
  assert.equal(jt?.partitions[1]?.error_code, 9);
  assert.deepEqual(jt?.partitions[1]?.isrs, [{ id: 1 }, { id: 2 }]);
  // It survives a round trip through text, as a pipe would carry it.
  assert.deepEqual(JSON.parse(JSON.stringify(json)), json);
});

test("metadata refuses positional arguments before it connects", async () => {
  const io = { stdout: async () => {}, stderr: async () => {}, env: () => undefined };
  await assert.rejects(
    metadataCommand.run(parseArgs(["-b", "127.0.0.1:1", "orders"], metadataCommand.flags), io),
    { name: "UsageError", message: /name topics with -t TOPIC/ },
  );
});

test("metadata --format json prints what -J prints; --format refuses other formats first", async () => {
  await using fake = await FakeCluster.start({
    brokers: 2,
    listen: true,
    topics: [{ name: "orders", partitions: 2 }],
  });
  const outputs: string[] = [];
  for (const flags of [["-J"], ["--format", "json"], ["--format", "table"], []]) {
    let out = "";
    const io = {
      stdout: (s: string) => Promise.resolve(void (out += s)),
      stderr: () => Promise.resolve(),
      env: () => undefined,
    };
    const args = parseArgs(["-b", fake.bootstrap, ...flags], metadataCommand.flags);
    assert.equal(await metadataCommand.run(args, io), 0);
    outputs.push(out);
  }
  assert.equal(outputs[1], outputs[0]);
  assert.deepEqual(JSON.parse(outputs[1]!).brokers.length, 2);
  assert.equal(outputs[2], outputs[3]);
  assert.match(outputs[2]!, /^Metadata for all topics/);
  const io = { stdout: async () => {}, stderr: async () => {}, env: () => undefined };
  await assert.rejects(
    metadataCommand.run(
      parseArgs(["-b", "127.0.0.1:1", "--format", "xml"], metadataCommand.flags),
      io,
    ),
    { name: "UsageError", message: /must be table or json/ },
  );
});
