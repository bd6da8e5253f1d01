// Copyright 2026 the kanal authors. MIT license.
// `kanal produce -X transactional.id=ID` as a user runs it (cli.ts under Deno and Bun): input in
// transactions of -X transaction.records records, committed at the end; SIGINT aborts the open
// one. kcat (librdkafka) with read_committed is the witness.
import { test } from "../_test.ts";
import assert from "node:assert/strict";
import { brokerList, brokers, requireBroker } from "../_kafka.ts";
import { command, kanal, RUNTIMES, text } from "../_cli.ts";
import { kcat, ROOT } from "../_tools.ts";
import { withTopics } from "../_topics.ts";
import { fetchBatches } from "../_wire.ts";
import { until } from "../_wait.ts";

async function values(topic: string, isolation: "read_committed" | "read_uncommitted") {
  const out = await kcat([
    "-C",
    "-b",
    brokerList(),
    "-t",
    topic,
    "-e",
    "-q",
    "-X",
    `isolation.level=${isolation}`,
    "-X",
    "fetch.wait.max.ms=10",
    "-f",
    "%s\\n",
  ]);
  return text(out).split("\n").filter(Boolean);
}

for (const [runtime] of RUNTIMES) {
  test(`kanal produce -X transactional.id commits a transaction per transaction.records, under ${runtime}`, async () => {
    await requireBroker();
    await withTopics({ partitions: 1, prefix: "cli-txn" }, async ([t]) => {
      const r = await kanal(runtime, [
        "produce",
        "-b",
        brokerList(),
        "-t",
        t!.name,
        "-X",
        `transactional.id=cli-${t!.name}`,
        "-X",
        "transaction.records=2",
      ], { input: "a\nb\nc\nd\ne\n" });
      assert.equal(r.code, 0, r.stderr);
      let seen: string[] = [];
      await until(
        "the committed records",
        async () => (seen = await values(t!.name, "read_committed")).length >= 5,
      )
        .catch(() => assert.deepEqual(seen, ["a", "b", "c", "d", "e"]));
      assert.deepEqual(seen, ["a", "b", "c", "d", "e"]);
      // Three transactions: (a b) (c d) (e), each ended by a commit marker.
      const batches = await fetchBatches(brokers()[0]!, 13, t!.topicId);
      const markers = batches.filter((b) => b.isControl);
      assert.equal(markers.length, 3);
      assert.ok(markers.every((m) => m.controlMarker?.type === "commit"));
      assert.ok(batches.filter((b) => !b.isControl).every((b) => b.isTransactional));
    });
  });

  test(`kanal produce -X transactional.id: SIGINT aborts the open transaction, under ${runtime}`, async () => {
    await requireBroker();
    await withTopics({ partitions: 1, prefix: "cli-txn" }, async ([t]) => {
      const [cmd, prefix] = command(runtime, "cli.ts");
      // Deno.Command: Deno's node:child_process reports a child that handled SIGINT as ended by
      // it (tests/_cli.ts has the same note); these suites run under Deno only.
      const child = new Deno.Command(cmd, {
        args: [
          ...prefix,
          "produce",
          "-b",
          brokerList(),
          "-t",
          t!.name,
          "-X",
          `transactional.id=cli-int-${t!.name}`,
          "-X",
          "transaction.records=100",
        ],
        cwd: ROOT,
        stdin: "piped",
        stdout: "null",
        stderr: "piped",
      }).spawn();
      const err = new Response(child.stderr).text();
      const stdin = child.stdin.getWriter();
      let status: Deno.CommandStatus | undefined;
      try {
        // Two records of a transaction of 100, and stdin left open: they reach the log, uncommitted.
        await stdin.write(new TextEncoder().encode("x\ny\n"));
        await until(
          "the open transaction's records in the log",
          async () => (await values(t!.name, "read_uncommitted")).length === 2,
        );
        child.kill("SIGINT");
        status = await child.status;
      } finally {
        if (status === undefined) {
          child.kill("SIGKILL");
          await child.status;
        }
        await stdin.close().catch(() => {}); // the child is gone: its stdin may be closed already
      }
      assert.equal(status.code, 130, await err);
      assert.match(await err, /the open transaction was aborted/);
      // The abort marker is written: read_committed readers are past it and see nothing.
      await until(
        "the abort marker",
        async () =>
          (await fetchBatches(brokers()[0]!, 13, t!.topicId)).some((b) =>
            b.controlMarker?.type === "abort"
          ),
      );
      assert.deepEqual(await values(t!.name, "read_committed"), []);
    });
  });
}
