// Copyright 2026 the kanal authors. MIT license.
// The transactional producer against the real broker (issue 17): what a read_committed reader
// sees (kcat, librdkafka, is the oracle; kanal's own consumer and Java's must agree), offsets
// committed in a transaction, zombie fencing, and the epochs transactions v2 (KIP-890) and v1
// leave in the log.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Consumer } from "../lib/consumer/consumer.ts";
import { Producer } from "../lib/producer/producer.ts";
import { KafkaError } from "../lib/protocol/kafka_error.ts";
import { ErrorCode } from "../lib/protocol/error_codes.ts";
import { brokerList, brokers, requireBroker } from "./_kafka.ts";
import { kcat } from "./_tools.ts";
import { committed, withTopic, withTopics } from "./_topics.ts";
import { call, fetchBatches } from "./_wire.ts";
import { brokerTool, kafkaTool } from "./_harness.ts";
import { API_TABLE } from "../lib/protocol/messages/api_table.ts";
import { until } from "./_wait.ts";
import { Client } from "../lib/client/client.ts";

/** kcat's values of partition 0 at one isolation level. */
async function kcatValues(
  topic: string,
  isolation: "read_committed" | "read_uncommitted",
): Promise<string[]> {
  const out = await kcat([
    "-b",
    brokerList(),
    "-t",
    topic,
    "-p",
    "0",
    "-C",
    "-e",
    "-q",
    "-o",
    "beginning",
    "-X",
    `isolation.level=${isolation}`,
    "-X",
    "fetch.wait.max.ms=10",
    "-f",
    "%s\\n",
  ], { timeoutMs: 30_000 });
  return new TextDecoder().decode(out).split("\n").filter(Boolean);
}

/**
 * Waits until `read` gives `expected`: a commit's markers (and its offsets) are written after
 * EndTxn answers, so readers catch up a moment later. Anything else seen is a failure at the end.
 */
async function eventually<T>(what: string, read: () => Promise<T>, expected: T): Promise<void> {
  let last: T | undefined;
  try {
    await until(
      what,
      async () => {
        last = await read();
        return JSON.stringify(last) === JSON.stringify(expected);
      },
      20_000,
      100,
    );
  } catch {
    assert.deepEqual(last, expected, what);
  }
}

/** kanal's read_committed view of partition 0, read up to its last stable offset. */
async function kanalCommitted(client: Client, topic: string, count: number): Promise<string[]> {
  await using consumer = new Consumer(client, { isolationLevel: "read_committed" });
  const reader = consumer.partition(topic, 0, { offset: 0 }).getReader();
  const out: string[] = [];
  try {
    while (out.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const r of value.records) out.push(new TextDecoder().decode(r.value!));
    }
  } finally {
    reader.releaseLock();
  }
  return out;
}

const one = (topic: string, value: string) => ({ topic, partition: 0, value });

test("committed transactions are seen by read_committed readers, aborted ones are not", async () => {
  await requireBroker();
  await withTopic({ partitions: 1 }, async (topic, client) => {
    const id = `tx-visibility-${topic}`;
    await using producer = new Producer(client, { transactionalId: id });
    await producer.transaction(async (tx) => {
      await tx.send([one(topic, "a1"), one(topic, "a2")]);
    });
    await producer.beginTransaction();
    await producer.send(one(topic, "b1"));
    await producer.abortTransaction();
    // Thrown from the body: aborted, rethrown.
    await assert.rejects(
      producer.transaction(async (tx) => {
        await tx.send(one(topic, "b2"));
        throw new Error("boom");
      }),
      /boom/,
    );
    await producer.transaction(async (tx) => {
      const w = tx.writable.getWriter();
      await w.write([one(topic, "c1")]);
      w.releaseLock();
    });
    await eventually(
      "kcat's committed view",
      () => kcatValues(topic, "read_committed"),
      ["a1", "a2", "c1"],
    );
    assert.deepEqual(await kcatValues(topic, "read_uncommitted"), ["a1", "a2", "b1", "b2", "c1"]);
    assert.deepEqual(await kanalCommitted(client, topic, 3), ["a1", "a2", "c1"]);
    // And Kafka's own Java consumer.
    const java = await kafkaTool("ConsoleConsumer", [
      "--bootstrap-server",
      brokerList(),
      "--topic",
      topic,
      "--from-beginning",
      "--isolation-level",
      "read_committed",
      "--max-messages",
      "3",
      "--timeout-ms",
      "20000",
    ]);
    assert.deepEqual(java.split("\n").filter((l) => /^[a-c][12]$/.test(l)), ["a1", "a2", "c1"]);
  });
});

test("a record sent outside a transaction is refused, typed", async () => {
  await requireBroker();
  await withTopic({ partitions: 1 }, async (topic, client) => {
    await using producer = new Producer(client, { transactionalId: `tx-outside-${topic}` });
    await assert.rejects(producer.send(one(topic, "x")), TypeError);
    await assert.rejects(producer.commitTransaction(), TypeError);
  });
});

test("offsets sent in a transaction are committed with it, and dropped by an abort", async () => {
  await requireBroker();
  await withTopic({ partitions: 2 }, async (topic, client) => {
    const group = `tx-offsets-${topic}`;
    await using producer = new Producer(client, { transactionalId: `tx-offsets-${topic}` });
    const meta = { groupId: group, generationId: -1, memberId: "" };
    await producer.transaction(async (tx) => {
      await tx.send(one(topic, "x"));
      await tx.sendOffsetsToTransaction([
        { topic: topic, partition: 0, offset: 5 },
        { topic: topic, partition: 1, offset: 7 },
      ], meta);
    });
    await eventually("offsets 5, 7", () => committed(client, group, topic, 2), [5, 7]);
    await producer.beginTransaction();
    await producer.sendOffsetsToTransaction([{ topic: topic, partition: 0, offset: 9 }], meta);
    await producer.abortTransaction();
    // Offsets alone (no record) make a transaction too.
    await producer.transaction(async (tx) => {
      await tx.sendOffsetsToTransaction([{ topic: topic, partition: 1, offset: 8 }], meta);
    });
    // Never 9 on partition 0: the abort dropped it.
    await eventually("offsets 5, 8", () => committed(client, group, topic, 2), [5, 8]);
  });
});

test("a second producer with the same transactional id fences the first", async () => {
  await requireBroker();
  await withTopic({ partitions: 1 }, async (topic, client) => {
    const id = `tx-fence-${topic}`;
    await using zombie = new Producer(client, { transactionalId: id });
    await zombie.beginTransaction();
    await zombie.send(one(topic, "zombie-1"));
    await using successor = new Producer(client, { transactionalId: id });
    // InitProducerId aborts the zombie's open transaction and bumps the epoch.
    await successor.transaction(async (tx) => {
      await tx.send(one(topic, "new-1"));
    });
    const fenced = (e: unknown) =>
      e instanceof KafkaError &&
      (e.code === ErrorCode.PRODUCER_FENCED || e.code === ErrorCode.INVALID_PRODUCER_EPOCH);
    // The zombie's next write fails, and its commit with it: the producer is done.
    const report = await zombie.send([one(topic, "zombie-2")]);
    assert.ok(report[0]!.error instanceof KafkaError, `zombie write: ${report[0]!.error}`);
    await assert.rejects(zombie.commitTransaction(), (e) => e instanceof KafkaError);
    await assert.rejects(zombie.abortTransaction(), fenced);
    assert.equal(zombie.transactionState, "fatal");
    await assert.rejects(zombie.beginTransaction(), fenced);
    await eventually("only the successor's record", () => kcatValues(topic, "read_committed"), [
      "new-1",
    ]);
  });
});

/** A client that records each request's API and version, for the wire trace tests. */
async function tracedClient(): Promise<{ client: Client; sent: string[] }> {
  const sent: string[] = [];
  const client = await Client.connect({
    brokers: brokerList(),
    observe: (e) => {
      if (e.type === "request") sent.push(`${e.api} v${e.version}`);
    },
  });
  return { client, sent };
}

/** The highest version of `api` in a trace, or -1. */
const highest = (sent: string[], api: string) =>
  Math.max(-1, ...sent.filter((s) => s.startsWith(`${api} v`)).map((s) => Number(s.split("v")[1])));

test("transactions v2: no AddPartitionsToTxn or AddOffsetsToTxn, and a new epoch per transaction, seen in the log", async () => {
  await requireBroker();
  await withTopics({ partitions: 1 }, async ([t]) => {
    const { client, sent } = await tracedClient();
    await using _ = client;
    await using producer = new Producer(client, { transactionalId: `tx-epochs-${t!.name}` });
    for (const v of ["e1", "e2", "e3"]) {
      await producer.transaction(async (tx) => {
        await tx.send(one(t!.name, v));
        await tx.sendOffsetsToTransaction([{ topic: t!.name, partition: 0, offset: 1 }], {
          groupId: `tx-epochs-${t!.name}`,
          generationId: -1,
          memberId: "",
        });
      });
    }
    assert.deepEqual(sent.filter((s) => /^Add(Partitions|Offsets)ToTxn /.test(s)), []);
    assert.equal(highest(sent, "Produce"), 12);
    assert.equal(highest(sent, "EndTxn"), 5);
    assert.equal(highest(sent, "TxnOffsetCommit"), 5);
    const data = (await fetchBatches(brokers()[0]!, 13, t!.topicId)).filter((b) => !b.isControl);
    assert.equal(data.length, 3);
    assert.ok(data.every((b) => b.isTransactional && b.baseSequence === 0), "sequences from 0");
    const epochs = data.map((b) => b.producerEpoch);
    assert.deepEqual(epochs, [epochs[0]!, epochs[0]! + 1, epochs[0]! + 2]);
  });
});

test("100 tiny transactions back to back: each commits, none surfaces CONCURRENT_TRANSACTIONS", async () => {
  await requireBroker();
  await withTopic({ partitions: 1 }, async (topic, client) => {
    await using producer = new Producer(client, { transactionalId: `tx-tiny-${topic}` });
    const expected: string[] = [];
    for (let i = 0; i < 100; i++) {
      expected.push(`t${i}`);
      // The next transaction starts while the last one's markers may still be being written.
      await producer.transaction(async (tx) => {
        await tx.send(one(topic, `t${i}`));
      });
    }
    await eventually("every tiny transaction", () => kcatValues(topic, "read_committed"), expected);
  });
});

/** The broker's finalized transaction.version, as a fresh ApiVersions answer says. */
async function finalizedTransactionVersion(): Promise<number> {
  const res = await call(brokers()[0]!, API_TABLE[18], 3, {
    clientSoftwareName: "kanal-test",
    clientSoftwareVersion: "0",
  });
  return res.finalizedFeatures?.find((f) => f.name === "transaction.version")?.maxVersionLevel ??
    0;
}

/** Sets the broker's transaction.version and waits until its ApiVersions answer says so. */
async function setTransactionVersion(level: number): Promise<void> {
  const now = await finalizedTransactionVersion();
  if (now === level) return;
  await brokerTool("org.apache.kafka.tools.FeatureCommand", [
    now > level ? "downgrade" : "upgrade",
    "--feature",
    `transaction.version=${level}`,
  ]);
  await until(
    `transaction.version ${level}`,
    async () => await finalizedTransactionVersion() === level,
  );
}

test("transactions v1: partitions added with AddPartitionsToTxn, one epoch across commits, an abort bumps it", async () => {
  await requireBroker();
  // The harness's 4.2.2 broker finalizes transaction.version 2; this test runs at 1 and puts 2
  // back after.
  assert.equal(await finalizedTransactionVersion(), 2, "the harness broker's default");
  await setTransactionVersion(1);
  try {
    await withTopics({ partitions: 1 }, async ([t]) => {
      const topic = t!.name;
      const { client, sent } = await tracedClient();
      await using _ = client;
      await using producer = new Producer(client, { transactionalId: `tx-v1-${topic}` });
      await producer.transaction(async (tx) => {
        await tx.send(one(topic, "a1"));
      });
      await producer.transaction(async (tx) => {
        await tx.send(one(topic, "a2"));
      });
      await producer.beginTransaction();
      await producer.send(one(topic, "b1"));
      await producer.abortTransaction();
      await producer.transaction(async (tx) => {
        await tx.send(one(topic, "c1"));
      });
      await eventually("kcat's committed view", () => kcatValues(topic, "read_committed"), [
        "a1",
        "a2",
        "c1",
      ]);
      // The v1 wire: partitions added by the client (a version clients may send), Produce
      // before v12, EndTxn before v5.
      assert.ok(sent.some((s) => /^AddPartitionsToTxn v[0-3]$/.test(s)), sent.join(", "));
      assert.ok(highest(sent, "Produce") <= 11, sent.join(", "));
      assert.ok(highest(sent, "EndTxn") <= 4, sent.join(", "));
      const data = (await fetchBatches(brokers()[0]!, 13, t!.topicId)).filter((b) => !b.isControl);
      const e = data[0]!.producerEpoch;
      // Commits keep the epoch and go on with the sequence; the abort moved to a new epoch.
      assert.deepEqual(
        data.map((b) => [b.producerEpoch - e, b.baseSequence]),
        [[0, 0], [0, 1], [0, 2], [1, 0]],
      );
    });
  } finally {
    await setTransactionVersion(2);
  }
});
