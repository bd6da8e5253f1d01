// Copyright 2026 the kanal authors. MIT license.
// Exactly once through crashes (issue 17's Done-when): a consume-transform-produce process
// (tests/subprocess/_eos_worker.ts, under Deno and Bun in turn) is SIGKILLed at random moments
// mid-run and started again; at the end the output read with read_committed (by kcat, i.e.
// librdkafka) holds exactly one transformed copy of every input record, in order per partition.
import { test } from "../_test.ts";
import assert from "node:assert/strict";
import { Producer } from "../../lib/producer/producer.ts";
import { requireBroker } from "../_kafka.ts";
import { brokerList } from "../_kafka.ts";
import { start } from "../_cli.ts";
import { kcat } from "../_tools.ts";
import { withTopics } from "../_topics.ts";
import { until } from "../_wait.ts";

const PARTITIONS = 3;
const BATCHES = 40;
const PER_BATCH = 10;
const KILLS = 6;

/** kcat's values of one partition (read_committed unless told). */
async function committedValues(
  topic: string,
  partition: number,
  isolation = "read_committed",
): Promise<string[]> {
  const out = await kcat([
    "-b",
    brokerList(),
    "-t",
    topic,
    "-p",
    String(partition),
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

const commits = (out: string) => out.split("\n").filter((l) => l.startsWith("commit ")).length;

test("consume-transform-produce killed mid-transaction and restarted: each record once, in order", async () => {
  await requireBroker();
  await withTopics({ count: 2, partitions: PARTITIONS }, async ([input, output], client) => {
    const inTopic = input!.name, outTopic = output!.name;
    // Small input batches: the worker fetches one at a time, so each is one transaction.
    const expected: string[][] = Array.from({ length: PARTITIONS }, () => []);
    {
      await using producer = new Producer(client, { lingerMs: 0 });
      for (let b = 0; b < BATCHES; b++) {
        await Promise.all(expected.map((list, p) => {
          const values = Array.from({ length: PER_BATCH }, (_, i) => `p${p}-${b * PER_BATCH + i}`);
          list.push(...values.map((v) => v.toUpperCase()));
          return producer.send(values.map((value) => ({ topic: inTopic, partition: p, value })));
        }));
      }
    }
    const args = [brokerList(), inTopic, outTopic, `eos-${inTopic}`, `eos-tx-${inTopic}`];
    const script = "tests/subprocess/_eos_worker.ts";
    let total = 0;
    for (let k = 0; k < KILLS; k++) {
      const worker = start(k % 2 === 0 ? "deno" : "bun", args, script);
      try {
        // Let it commit a few transactions, then kill it wherever it is.
        const want = 1 + Math.floor(Math.random() * 6);
        await until(
          `worker ${k} to commit ${want} transactions`,
          () => commits(worker.out) >= want,
          60_000,
          5,
        ).catch((e) => {
          throw new Error(`${e.message}\n${worker.out.slice(-500)}\n${worker.err.slice(-2000)}`);
        });
        await new Promise((r) => setTimeout(r, Math.random() * 30));
      } finally {
        worker.kill("SIGKILL");
        await worker.exited;
      }
      total += commits(worker.out);
      assert.equal(worker.err.match(/error/i), null, `worker ${k}: ${worker.err}`);
    }
    // Less than a full run so far: the kills landed mid-run.
    assert.ok(total < PARTITIONS * BATCHES, `${total} transactions before the last run`);
    const last = start("deno", args, script);
    try {
      await until(
        "every input record's copy committed",
        async () => {
          let n = 0;
          for (let p = 0; p < PARTITIONS; p++) n += (await committedValues(outTopic, p)).length;
          return n >= PARTITIONS * BATCHES * PER_BATCH;
        },
        120_000,
        500,
      );
    } finally {
      last.kill("SIGKILL");
      await last.exited;
    }
    let inLog = 0;
    for (let p = 0; p < PARTITIONS; p++) {
      inLog += (await committedValues(outTopic, p, "read_uncommitted")).length;
    }
    // A figure, not an assertion (a kill may fall between transactions): how many records of
    // killed transactions reached the log, for read_committed readers to skip.
    console.log(
      `${KILLS} kills: ${inLog - PARTITIONS * BATCHES * PER_BATCH} aborted copies in the log`,
    );
    for (let p = 0; p < PARTITIONS; p++) {
      const got = await committedValues(outTopic, p);
      assert.equal(got.length, expected[p]!.length, `partition ${p}: count`);
      assert.deepEqual(got, expected[p], `partition ${p}: exactly once, in order`);
    }
  });
});
