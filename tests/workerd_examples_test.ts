// Copyright 2026 the kanal authors. MIT license.
// The worker examples in a real workerd against the broker: examples/workerd/ingest_worker.ts
// produces a POSTed body of lines and says where each landed (kcat checks), and
// examples/workerd/consumer_worker.ts reads what its group has not seen and commits past it.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type RunningWorkerd, startWorkerd } from "./_workerd.ts";
import { brokerList, requireBroker } from "./_kafka.ts";
import { kcat, ROOT } from "./_tools.ts";
import { createTopic } from "./workerd/expected_cluster.ts";
import { Admin } from "../lib/admin/admin.ts";
import { Client } from "../lib/client/client.ts";

/** Serves an example worker with its own config, pointed at the test broker. */
function serve(name: "ingest" | "consumer"): Promise<RunningWorkerd> {
  const config = readFileSync(join(ROOT, `examples/workerd/${name}.capnp`), "utf8")
    .replace('text = "127.0.0.1:9092"', `text = "${brokerList()}"`);
  assert.ok(config.includes(brokerList()));
  return startWorkerd(`examples/workerd/${name}_worker.ts`, config);
}

async function call(w: RunningWorkerd, path: string, body?: string): Promise<unknown> {
  const res = await fetch(`${w.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    body,
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  assert.equal(res.status, 200, `${text}\n${w.stderr()}`);
  return JSON.parse(text);
}

test("the ingest worker produces lines and the consumer worker reads and commits them, in workerd", async () => {
  await requireBroker();
  const topic = await createTopic("workerd-examples", 2);
  const group = `${topic}-group`;
  const ingest = await serve("ingest");
  const consumer = await serve("consumer");
  try {
    const lines = ["alpha", "beta", "gamma", "delta", "epsilon"];
    const placed = await call(ingest, `?topic=${topic}`, lines.join("\n") + "\n") as {
      partition: number;
      offset: number;
    }[];
    assert.equal(placed.length, 5);
    // kcat finds each line at the partition and offset the worker reported.
    const seen = new TextDecoder().decode(
      await kcat(["-C", "-b", brokerList(), "-t", topic, "-e", "-q", "-f", "%p %o %s\n"]),
    ).split("\n").filter(Boolean).sort();
    assert.deepEqual(seen, placed.map((p, i) => `${p.partition} ${p.offset} ${lines[i]}`).sort());

    type Read = {
      records: { value: string }[];
      committed: { partition: number; offset: number }[];
    };
    const first = await call(consumer, `?topic=${topic}&group=${group}`) as Read;
    assert.deepEqual(first.records.map((r) => r.value).sort(), [...lines].sort());
    // The commits are the group's, as the broker has them.
    await using client = await Client.connect({ brokers: brokerList() });
    const committed = await new Admin(client).listGroupOffsets(group);
    const ends = new Map<number, number>();
    for (const p of placed) {
      ends.set(p.partition, Math.max(ends.get(p.partition) ?? 0, p.offset + 1));
    }
    assert.deepEqual(
      committed.map((c) => [c.partition, c.offset]),
      [...ends].sort((a, b) => a[0] - b[0]),
    );

    // A second run sees nothing new; after two more lines, exactly those.
    assert.deepEqual((await call(consumer, `?topic=${topic}&group=${group}`) as Read).records, []);
    await call(ingest, `?topic=${topic}`, "zeta\neta");
    const third = await call(consumer, `?topic=${topic}&group=${group}`) as Read;
    assert.deepEqual(third.records.map((r) => r.value).sort(), ["eta", "zeta"]);
  } finally {
    await ingest.close();
    await consumer.close();
  }
});
