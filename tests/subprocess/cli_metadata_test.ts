// Copyright 2026 the kanal authors. MIT license.
// `kanal metadata` as a user runs it: cli.ts as a subprocess under Deno and under Bun, against
// the real broker and the three-node cluster, with kcat -L as the witness for what it prints.
import { test } from "../_test.ts";
import assert from "node:assert/strict";
import { Admin } from "../../lib/admin/admin.ts";
import { type BrokerAddress, brokerList, clusterBrokers, requireBroker } from "../_kafka.ts";
import { kcat, type RunResult, uniqueTopic } from "../_tools.ts";
import { kanal as run, type Runtime, RUNTIMES, text } from "../_cli.ts";
import { withTopics } from "../_topics.ts";

interface Output extends RunResult {
  out: string;
}

async function kanal(runtime: Runtime, args: string[]): Promise<Output> {
  const r = await run(runtime, args, { timeoutMs: 30_000 });
  return { ...r, out: text(r.stdout) };
}

interface KcatJson {
  controllerid: number;
  brokers: { id: number; name: string }[];
  topics: {
    topic: string;
    error?: string;
    partitions: { partition: number; leader: number; replicas: { id: number }[]; isrs: unknown }[];
  }[];
}

/** kcat's -L text and JSON for `topic`. */
async function kcatMetadata(
  brokers: string,
  topic: string,
): Promise<{ lines: string[]; json: KcatJson }> {
  const lines = text(await kcat(["-L", "-b", brokers, "-t", topic])).split("\n");
  const json = JSON.parse(text(await kcat(["-L", "-J", "-b", brokers, "-t", topic]))) as KcatJson;
  return { lines, json };
}

/** The broker lines without the controller mark, sorted, and the marked broker's id. */
function brokerLines(lines: string[]): { brokers: string[]; controller: number[] } {
  const brokers = lines.filter((l) => /^ {2}broker -?\d+ at /.test(l));
  const controller = brokers.filter((l) => l.endsWith(" (controller)"))
    .map((l) => Number(/^ {2}broker (-?\d+)/.exec(l)![1]));
  return { brokers: brokers.map((l) => l.replace(/ \(controller\)$/, "")).sort(), controller };
}

/** The lines of `topic`'s block: its heading and its partitions (sorted). */
function topicBlock(lines: string[], topic: string): string[] {
  const i = lines.findIndex((l) => l.startsWith(`  topic "${topic}" with `));
  assert.ok(i >= 0, `topic ${topic} is listed`);
  const rest: string[] = [];
  for (const l of lines.slice(i + 1)) {
    if (!l.startsWith("    ")) break;
    rest.push(l);
  }
  return [lines[i]!, ...rest.sort()];
}

/** kcat's JSON partitions, sorted, in the fields both print. */
function partitionsOf(json: { topics: KcatJson["topics"] }, topic: string): unknown[] {
  const t = json.topics.find((x) => x.topic === topic);
  assert.ok(t, `topic ${topic} is in the JSON`);
  return t.partitions
    .map(({ partition, leader, replicas, isrs }) => ({ partition, leader, replicas, isrs }))
    .sort((a, b) => a.partition - b.partition);
}

const bootstrap = (list: BrokerAddress[]): string =>
  list.map((b) => `${b.host}:${b.port}`).join(",");

/** Runs `body` with a fresh three-partition topic and the cluster's id. */
function withTopic(
  brokers: string,
  replicationFactor: number,
  body: (topic: string, clusterId: string) => Promise<void>,
): Promise<void> {
  return withTopics({ brokers, replicationFactor, prefix: "cli-meta" }, async ([t], client) => {
    await body(t!.name, (await new Admin(client).describeCluster()).clusterId);
  });
}

test("kanal metadata prints what kcat -L prints, under Deno and Bun", async () => {
  await requireBroker();
  const brokers = brokerList();
  await withTopic(brokers, 1, async (topic, clusterId) => {
    const witness = await kcatMetadata(brokers, topic);
    const expected = brokerLines(witness.lines);
    for (const [runtime] of RUNTIMES) {
      const r = await kanal(runtime, [
        "metadata",
        "-b",
        brokers,
        "-t",
        topic,
        "-X",
        "client.id=kanal-cli-test",
        "-X",
        "request.timeout.ms=15000",
      ]);
      assert.equal(r.code, 0, `${runtime}: ${r.stderr}`);
      assert.equal(r.stderr, "", runtime);
      const lines = r.out.split("\n");
      assert.equal(lines[0], `Metadata for ${topic} (cluster id: ${clusterId}):`, runtime);
      const got = brokerLines(lines);
      assert.deepEqual(got.brokers, expected.brokers, runtime);
      assert.equal(lines[1], ` ${expected.brokers.length} brokers:`, runtime);
      // One broker: the controller it reports is itself, for kcat and for us.
      assert.deepEqual(got.controller, [witness.json.controllerid], runtime);
      assert.deepEqual(topicBlock(lines, topic), topicBlock(witness.lines, topic), runtime);
      assert.equal(topicBlock(lines, topic).length, 4, `${runtime}: three partitions`);
    }
  });
});

test("kanal metadata -J matches kcat -L -J, under Deno and Bun", async () => {
  await requireBroker();
  const brokers = brokerList();
  await withTopic(brokers, 1, async (topic, clusterId) => {
    const { json: witness } = await kcatMetadata(brokers, topic);
    for (const [runtime] of RUNTIMES) {
      const r = await kanal(runtime, ["metadata", "-b", brokers, "-t", topic, "-J"]);
      assert.equal(r.code, 0, `${runtime}: ${r.stderr}`);
      const json = JSON.parse(r.out);
      assert.equal(json.clusterid, clusterId, runtime);
      assert.equal(json.controllerid, witness.controllerid, runtime);
      assert.deepEqual(json.query, { topic }, runtime);
      const ids = (list: { id: number; name: string }[]) =>
        list.map(({ id, name }) => ({ id, name })).sort((a, b) => a.id - b.id);
      assert.deepEqual(ids(json.brokers), ids(witness.brokers), runtime);
      assert.equal(json.topics.length, 1, runtime);
      assert.equal(json.topics[0].internal, false, runtime);
      assert.deepEqual(partitionsOf(json, topic), partitionsOf(witness, topic), runtime);
    }
  });
});

test("kanal metadata lists every topic, internal ones too, as kcat does", async () => {
  await requireBroker();
  const brokers = brokerList();
  await withTopic(brokers, 1, async (topic) => {
    const all = text(await kcat(["-L", "-b", brokers])).split("\n");
    const internal = all.some((l) => l.startsWith('  topic "__consumer_offsets" '));
    for (const [runtime, args] of [["deno", ["metadata"]], ["bun", ["-L"]]] as const) {
      const r = await kanal(runtime, [...args, "-b", brokers]);
      assert.equal(r.code, 0, `${runtime}: ${r.stderr}`);
      const lines = r.out.split("\n");
      assert.match(lines[0]!, /^Metadata for all topics \(cluster id: \S+\):$/);
      const headings = lines.filter((l) => l.startsWith("  topic "));
      assert.ok(lines.includes(` ${headings.length} topics:`), `${runtime}: topic count`);
      assert.equal(topicBlock(lines, topic).length, 4, runtime);
      if (internal) {
        assert.deepEqual(
          topicBlock(lines, "__consumer_offsets"),
          topicBlock(all, "__consumer_offsets"),
          runtime,
        );
      }
    }
  });
});

test("kanal metadata reports an unknown topic on stderr and exits 1", async () => {
  await requireBroker();
  const missing = uniqueTopic("cli-missing");
  for (const [runtime] of RUNTIMES) {
    const r = await kanal(runtime, ["metadata", "-b", brokerList(), "-t", missing]);
    assert.equal(r.code, 1, runtime);
    assert.match(
      r.stderr,
      new RegExp(`^kanal: UNKNOWN_TOPIC_OR_PARTITION: [^\\n]*\\[Metadata, ${missing}\\]\\n$`),
      runtime,
    );
    // Like kcat, the listing still shows the topic with its error.
    assert.match(
      r.out,
      new RegExp(`^ {2}topic "${missing}" with 0 partitions: UNKNOWN_TOPIC`, "m"),
    );
  }
});

test("kanal metadata exits 2 with usage on stderr for a bad flag or option", async () => {
  for (const [runtime] of RUNTIMES) {
    const bad = await kanal(runtime, ["metadata", "-b", "127.0.0.1:9092", "-q"]);
    assert.equal(bad.code, 2, runtime);
    assert.match(
      bad.stderr,
      /^kanal metadata: Unknown flag "-q"\n\nUsage: kanal metadata /,
      runtime,
    );
    assert.equal(bad.out, "", runtime);

    const option = await kanal(runtime, ["-L", "-b", "127.0.0.1:9092", "-X", "requestTimeoutMS=5"]);
    assert.equal(option.code, 2, runtime);
    assert.match(
      option.stderr,
      /^kanal: Unknown Client option "requestTimeoutMS": did you mean "requestTimeoutMs"\?/,
    );

    const help = await kanal(runtime, ["metadata", "--help"]);
    assert.equal(help.code, 0, runtime);
    assert.match(help.out, /^Usage: kanal metadata -b BROKERS/, runtime);
    assert.equal(help.stderr, "", runtime);
  }
});

test("kanal metadata exits 1 promptly when the broker is unreachable", async () => {
  for (const [runtime] of RUNTIMES) {
    const r = await kanal(runtime, ["metadata", "-b", "127.0.0.1:1"]);
    assert.equal(r.code, 1, runtime);
    assert.match(
      r.stderr,
      /^kanal: NETWORK_EXCEPTION: Cannot connect to 127\.0\.0\.1:1\b[^\n]*\n$/,
    );
    assert.equal(r.out, "", runtime);
  }
});

test("kanal metadata lists the three brokers of the cluster as kcat does", async () => {
  const seeds = clusterBrokers();
  await requireBroker(seeds[0]!);
  const brokers = bootstrap(seeds);
  await withTopic(brokers, 3, async (topic, clusterId) => {
    const witness = await kcatMetadata(brokers, topic);
    const expected = brokerLines(witness.lines);
    assert.equal(expected.brokers.length, 3, "kcat sees three brokers");
    for (const [runtime] of RUNTIMES) {
      const r = await kanal(runtime, ["-L", "-b", brokers, "-t", topic]);
      assert.equal(r.code, 0, `${runtime}: ${r.stderr}`);
      const lines = r.out.split("\n");
      assert.equal(lines[0], `Metadata for ${topic} (cluster id: ${clusterId}):`, runtime);
      assert.equal(lines[1], " 3 brokers:", runtime);
      const got = brokerLines(lines);
      assert.deepEqual(got.brokers, expected.brokers, runtime);
      // KRaft brokers name a random live broker as controller in each Metadata answer, so
      // kcat's mark and ours may differ; each must mark exactly one of the three.
      assert.equal(got.controller.length, 1, runtime);
      assert.ok(witness.json.brokers.some((b) => b.id === got.controller[0]), runtime);
      assert.deepEqual(topicBlock(lines, topic), topicBlock(witness.lines, topic), runtime);

      const j = await kanal(runtime, ["metadata", "-J", "-b", brokers, "-t", topic]);
      assert.equal(j.code, 0, `${runtime}: ${j.stderr}`);
      const json = JSON.parse(j.out);
      assert.equal(json.brokers.length, 3, runtime);
      assert.deepEqual(partitionsOf(json, topic), partitionsOf(witness.json, topic), runtime);
    }
  });
});

test("kanal metadata agrees with kcat on every topic of the cluster", async () => {
  // Topics that lived through a node restart list their ISR in another order than their
  // replicas, which a fresh topic does not; the whole listing covers them.
  const seeds = clusterBrokers();
  await requireBroker(seeds[0]!);
  const brokers = bootstrap(seeds);
  const blocks = (lines: string[]): Map<string, string[]> =>
    new Map(
      lines.filter((l) => l.startsWith('  topic "'))
        .map((l) => /^ {2}topic "(.*)" with /.exec(l)![1]!)
        .map((name) => [name, topicBlock(lines, name)]),
    );
  for (const [runtime] of RUNTIMES) {
    // Other tests may create, delete or move topics meanwhile: compare the topics both saw,
    // and look again if one moved between the two listings.
    let differ: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const theirs = blocks(text(await kcat(["-L", "-b", brokers])).split("\n"));
      const r = await kanal(runtime, ["metadata", "-b", brokers]);
      assert.equal(r.code, 0, `${runtime}: ${r.stderr}`);
      const ours = blocks(r.out.split("\n"));
      const both = [...theirs.keys()].filter((name) => ours.has(name));
      assert.ok(both.length > 0 || theirs.size === 0, `${runtime}: topics in common`);
      differ = both.filter((name) =>
        JSON.stringify(ours.get(name)) !== JSON.stringify(theirs.get(name))
      );
      if (differ.length === 0) break;
    }
    assert.deepEqual(differ, [], `${runtime}: topics listed differently from kcat`);
  }
});
