// Copyright 2026 the kanal authors. MIT license.
// GroupRunner on the fake cluster: concurrency across partitions and order within one, marks
// only after a handler resolved, explicit commits, handler errors and retries,
// maxPollIntervalMs, heartbeats during a handler longer than the session timeout, and a slow
// handler across a rebalance.
import { test } from "../../tests/_test.ts";
import { until } from "../../tests/_wait.ts";
import { committed } from "../../tests/_topics.ts";
import assert from "node:assert/strict";
import { Client } from "../client/client.ts";
import { Producer } from "../producer/producer.ts";
import { FakeCluster } from "../testing/fake_cluster.ts";
import { GroupConsumer, type GroupConsumerOptions } from "./group_consumer.ts";
import { GroupRunner, MaxPollIntervalError } from "./group_runner.ts";

async function setup(partitions: number, perPartition: number) {
  const cluster = await FakeCluster.start({ topics: [{ name: "t", partitions }] });
  const client = await Client.connect({ brokers: cluster.bootstrap, transport: cluster.transport });
  {
    await using producer = new Producer(client);
    for (let i = 0; i < perPartition; i++) {
      await producer.send(
        Array.from({ length: partitions }, (_, p) => ({ topic: "t", partition: p, value: `${i}` })),
      );
    }
  }
  return {
    cluster,
    client,
    member: (extra: Partial<GroupConsumerOptions> = {}, on: Client = client): GroupConsumer =>
      new GroupConsumer(on, {
        groupId: "g",
        topics: ["t"],
        startOffset: "oldest",
        heartbeatIntervalMs: 50,
        sessionTimeoutMs: 6000,
        autoCommitIntervalMs: 0,
        ...extra,
      }),
    committed: (): Promise<number[]> => committed(client, "g", "t", partitions),
    async [Symbol.asyncDispose]() {
      await client.close();
      await cluster.close();
    },
  };
}

/** A latch a handler waits on. */
function latch(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => open = r);
  return { wait, open };
}

test(
  "partitions run concurrently up to the limit, in order within each, and commit on stop",
  { timeout: 30_000 },
  async () => {
    await using env = await setup(3, 4);
    const gate = latch();
    let inFlight = 0;
    let most = 0;
    const seen = new Map<number, number[]>();
    const runner = new GroupRunner(env.member(), {
      partitionsConsumedConcurrently: 2,
      eachBatch: async ({ batch }) => {
        inFlight++;
        most = Math.max(most, inFlight);
        // Held until two run at once: a runner that serialised partitions would hang here.
        await gate.wait;
        for (const r of batch.records) {
          seen.set(batch.partition, [...(seen.get(batch.partition) ?? []), r.offset]);
        }
        inFlight--;
      },
    });
    await until("two handlers run at once", () => inFlight === 2);
    gate.open();
    await until("every record handled", () => [...seen.values()].flat().length === 12);
    await runner.stop();
    assert.equal(most, 2, "more partitions ran at once than partitionsConsumedConcurrently");
    for (const p of [0, 1, 2]) assert.deepEqual(seen.get(p), [0, 1, 2, 3], `partition ${p}`);
    assert.deepEqual(await env.committed(), [4, 4, 4]);
  },
);

test("a batch is marked only once its handler resolved", { timeout: 30_000 }, async () => {
  await using env = await setup(1, 3);
  const group = env.member();
  const gate = latch();
  let entered = false;
  const runner = new GroupRunner(group, {
    eachBatch: async ({ batch, resolveOffset }) => {
      entered = true;
      resolveOffset(batch.records[0]!.offset); // the first record is done; the rest are not
      await gate.wait;
    },
  });
  await until("the handler runs", () => entered);
  await group.commit();
  assert.deepEqual(await env.committed(), [1], "records still being handled were committed");
  gate.open();
  await until("the batch is marked", async () => {
    await group.commit();
    return (await env.committed())[0] === 3;
  });
  await runner.stop();
});

test(
  "without autoCommit only commitOffsets commits, with the next offset to read",
  { timeout: 30_000 },
  async () => {
    await using env = await setup(1, 5);
    let handled = 0;
    const runner = new GroupRunner(env.member(), {
      autoCommit: false,
      eachMessage: () => Promise.resolve(void handled++),
    });
    await until("all handled", () => handled === 5);
    await runner.commitOffsets([{ topic: "t", partition: 0, offset: "2" }]);
    assert.deepEqual(await env.committed(), [2]);
    await runner.stop();
    assert.deepEqual(await env.committed(), [2], "stop committed what was not asked for");
  },
);

test(
  "a failing handler is retried from the record that failed, then fails the runner",
  { timeout: 30_000 },
  async () => {
    await using env = await setup(1, 4);
    const calls: number[] = [];
    const boom = new Error("boom");
    const runner = new GroupRunner(env.member(), {
      retries: 1,
      retryBackoffMs: 1,
      eachMessage: ({ message }) => {
        calls.push(message.offset);
        return message.offset === 2 ? Promise.reject(boom) : Promise.resolve();
      },
    });
    const error = await runner.done.then(() => undefined, (e) => e);
    assert.equal(error, boom, "the handler's own error reaches the user");
    // Once, then one retry that starts at the failed record, not at the batch's start.
    assert.deepEqual(calls, [0, 1, 2, 2]);
    assert.deepEqual(await env.committed(), [2], "the records before the failure are committed");
    assert.equal(env.cluster.groups.groups.get("g")?.state, "Empty", "the member did not leave");
  },
);

test(
  "a handler stuck past maxPollIntervalMs makes the member leave with a typed error",
  { timeout: 30_000 },
  async () => {
    await using env = await setup(2, 1);
    let aborted = false;
    const runner = new GroupRunner(env.member(), {
      maxPollIntervalMs: 300,
      partitionsConsumedConcurrently: 2,
      eachBatch: ({ batch, signal }) => {
        // Partition 1 finishes; partition 0 never does (until told its work no longer counts).
        if (batch.partition === 1) return Promise.resolve();
        return new Promise<void>((r) =>
          signal.addEventListener("abort", () => r(void (aborted = true)))
        );
      },
    });
    const error = await runner.done.then(() => undefined, (e) => e);
    assert.ok(error instanceof MaxPollIntervalError, `done rejected with ${error}`);
    assert.equal(error.site.partition, 0);
    assert.ok(aborted, "the stuck handler's signal was not aborted");
    assert.equal(env.cluster.groups.groups.get("g")?.state, "Empty", "the member did not leave");
    assert.deepEqual(await env.committed(), [-1, 1]);
  },
);

test(
  "a handler longer than the session timeout keeps the membership",
  { timeout: 30_000 },
  async () => {
    await using env = await setup(1, 2);
    const group = env.member({ sessionTimeoutMs: 6000 });
    let generation = -1;
    const runner = new GroupRunner(group, {
      maxPollIntervalMs: 20_000,
      eachBatch: async () => {
        generation = group.generationId;
        const start = Date.now();
        // Longer than the session timeout: only the group's own heartbeats keep it alive.
        await until("past the session timeout", () => Date.now() - start > 7000, 15_000, 100);
      },
    });
    await until("the batch is committed", async () => {
      await group.commit();
      return (await env.committed())[0] === 2;
    }, 20_000);
    assert.equal(group.generationId, generation, "the member rejoined while its handler ran");
    const g = env.cluster.groups.groups.get("g")!;
    assert.equal(g.state, "Stable");
    assert.ok(g.members.has(group.memberId), "the coordinator dropped the member");
    await runner.stop();
  },
);

test(
  "a slow handler across a rebalance: the next owner never handles its records at once",
  { timeout: 60_000 },
  async () => {
    await using env = await setup(2, 3);
    const gate = latch();
    const active = new Set<string>(); // "partition" being handled by A
    const log: string[] = [];
    let overlap = "";
    const handler = (who: string) =>
    async (
      { batch }: { batch: { partition: number; records: readonly { offset: number }[] } },
    ) => {
      const p = String(batch.partition);
      if (who === "B" && active.has(p)) overlap ||= `B handled ${p} while A was handling it`;
      log.push(`${who}:${p}:${batch.records.map((r) => r.offset).join(",")}`);
      if (who === "A") {
        active.add(p);
        await gate.wait;
        active.delete(p);
      }
    };
    const a = new GroupRunner(env.member(), {
      partitionsConsumedConcurrently: 2,
      eachBatch: handler("A"),
    });
    await until("A handles both partitions", () => active.size === 2);
    let joins = 0;
    env.cluster.intercept(() => void joins++, { key: 11 });
    // Its own client: two members' JoinGroups on one connection would queue behind each other.
    await using other = await Client.connect({
      brokers: env.cluster.bootstrap,
      transport: env.cluster.transport,
    });
    const b = new GroupRunner(env.member({}, other), {
      partitionsConsumedConcurrently: 2,
      eachBatch: handler("B"),
    });
    await until("B asked to join", () => joins > 0);
    // A window for the wrong behaviour to show (B handling A's records while A still holds
    // them); the right behaviour cannot pass by timing, as B gets nothing until A lets go.
    await new Promise((r) => setTimeout(r, 500));
    gate.open();
    await until("every record handled", () => {
      const offsets = log.flatMap((l) =>
        l.split(":")[2]!.split(",").map((o) => `${l.split(":")[1]}:${o}`)
      );
      return new Set(offsets).size === 6;
    });
    await Promise.all([a.stop(), b.stop()]);
    assert.equal(overlap, "");
    // A committed before giving up: no record was handled twice.
    const offsets = log.flatMap((l) =>
      l.split(":")[2]!.split(",").map((o) => `${l.split(":")[1]}:${o}`)
    );
    assert.equal(offsets.length, 6, `records handled twice: ${log.join(" ")}`);
  },
);

test(
  "a paused partition is not handled until resumed; the others go on",
  { timeout: 30_000 },
  async () => {
    await using env = await setup(2, 2);
    const seen: string[] = [];
    // Declared before the member whose onAssigned uses it, assigned once the member exists.
    // deno-lint-ignore prefer-const
    let runner!: GroupRunner;
    const group = env.member({
      // Paused as soon as assigned, before any of its records can be handled.
      onAssigned: () => runner.pause("t", [0]),
    });
    runner = new GroupRunner(group, {
      eachMessage: ({ partition, message }) => {
        seen.push(`${partition}:${message.offset}`);
        return Promise.resolve();
      },
    });
    await until("partition 1 handled", () => seen.length === 2);
    // Partition 1 is done and partition 0 is paused: nothing more comes while it stays paused.
    await group.commit();
    assert.deepEqual(await env.committed(), [-1, 2]);
    assert.deepEqual(seen, ["1:0", "1:1"]);
    runner.resume("t");
    await until("partition 0 handled after resume", () => seen.length === 4);
    assert.deepEqual(seen.slice(2), ["0:0", "0:1"]);
    await runner.stop();
  },
);
