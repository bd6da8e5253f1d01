// Copyright 2026 the kanal authors. MIT license.
// kanal's client inside a real workerd: tests/workerd/worker.ts and all of kanal it imports are
// bundled into one JS module in a temp dir (workerd runs JS only), workerd serves it on a free
// port with tests/workerd/config.capnp, and the worker's answers are checked here against kcat.
import { test } from "./_test.ts";
import { freePort, startWorkerd as startWorkerdAt } from "./_workerd.ts";
import assert from "node:assert/strict";
import { brokerList, brokers, requireBroker } from "./_kafka.ts";
import { assertClusterView, createTopic, expectedCluster } from "./workerd/expected_cluster.ts";
import type { WorkerAnswer } from "./workerd/worker.ts";

/** A running workerd serving the test worker; `close()` kills it and removes its files. */
interface Workerd {
  /** Asks the worker for `params` and returns its answer. */
  ask(params: Record<string, string>): Promise<WorkerAnswer>;
  /** What workerd printed on stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

async function startWorkerd(): Promise<Workerd> {
  const w = await startWorkerdAt("tests/workerd/worker.ts");
  return {
    async ask(params) {
      // A request whose promise never settles is cancelled by workerd with a 500.
      const res = await fetch(`${w.url}?${new URLSearchParams(params)}`, {
        signal: AbortSignal.timeout(20_000),
      });
      const text = await res.text();
      assert.equal(res.status, 200, `${text}\n${w.stderr()}`);
      return JSON.parse(text) as WorkerAnswer;
    },
    stderr: () => w.stderr(),
    close: () => w.close(),
  };
}

test("a worker in workerd fetches the cluster's metadata through kanal's client, as kcat sees it", async () => {
  await requireBroker();
  const topic = await createTopic("workerd-meta", 3);
  const expected = await expectedCluster(topic);
  const workerd = await startWorkerd();
  try {
    // The client's own choice of transport, then workerd's passed explicitly: the second
    // request also shows the first left nothing behind in the isolate that breaks the next.
    for (const transport of ["default", "workerd"]) {
      const body = await workerd.ask({ brokers: brokerList(), topic, transport });
      assert.equal(body.error, undefined, JSON.stringify(body.error));
      assert.equal(body.view?.runtime, "workerd");
      assertClusterView(body.view!, expected);
      assert.deepEqual(body.unhandled, [], "nothing failed unhandled, during or after close()");
      // No nodejs_compat: gzip falls back to CompressionStream, and nothing broke on the
      // dynamic node:zlib import the bundle kept.
      assert.equal(body.codecs?.nodeZlib, false);
      for (const c of ["gzip", "snappy", "lz4"] as const) {
        assert.ok(body.codecs?.roundTrips.includes(c), c);
      }
      // No native zstd either: compressing with it is refused with UNSUPPORTED_COMPRESSION_TYPE.
      assert.equal(body.codecs?.zstd, false);
      assert.equal(body.codecs?.zstdRefused, true);
    }
    assert.doesNotMatch(workerd.stderr(), /uncaught|hung|error/i);
  } finally {
    await workerd.close();
  }
});

test("a worker in workerd sees an unreachable broker as a retriable ConnectionError", async () => {
  const workerd = await startWorkerd();
  try {
    const host = brokers()[0]!.host;
    const closedPort = await freePort();
    const body = await workerd.ask({ brokers: `${host}:${closedPort}`, topic: "none" });
    assert.equal(body.error?.name, "ConnectionError", JSON.stringify(body));
    assert.equal(body.error?.errorName, "NETWORK_EXCEPTION");
    assert.equal(body.error?.retriable, true);
    assert.ok(body.error?.message.includes(`${host}:${closedPort}`), body.error?.message);
    assert.deepEqual(body.unhandled, []);
  } finally {
    await workerd.close();
  }
});
