// Copyright 2026 the kanal authors. MIT license.
// `kanal consume` as a user runs it: cli.ts as a subprocess under Deno and under Bun, against the
// real broker, on records kcat produced. kcat -C run with the same flags is the oracle: both must
// print the same bytes (sorted by record where the order across partitions is not defined).
import { test } from "../_test.ts";
import assert from "node:assert/strict";
import { Client } from "../../lib/client/client.ts";
import { API_TABLE } from "../../lib/protocol/messages/api_table.ts";
import { brokerList, requireBroker } from "../_kafka.ts";
import { kcat, run, type RunResult, uniqueTopic } from "../_tools.ts";
import { kanal, RUNTIMES, start, text } from "../_cli.ts";
import { withTopic } from "../_topics.ts";
import { until } from "../_wait.ts";

/** What kcat -C prints with `flags`, with its exit code. */
async function oracle(flags: string[]): Promise<RunResult> {
  return await run("kcat", ["-C", "-q", ...flags], { timeoutMs: 30_000 });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Fills partitions 0 and 1 in three rounds, far enough apart that each round's timestamps are
 * later than the last's, and leaves partition 2 empty. Keys, keyless records, empty and (with
 * -Z) null keys and values, UTF-8, headers with empty and null values. Resolves with the first
 * timestamp of rounds 2 and 3, as kcat reads them back.
 */
async function fill(topic: string): Promise<{ round2: number; round3: number }> {
  const rounds: { flags: string[]; lines: (p: number) => string }[] = [
    {
      flags: ["-H", "a=1", "-H", "flag", "-H", "empty="],
      lines: (p) => `r1-k${p}-0:r1-v${p}-0\nr1 plain ${p}\n:r1 empty key\nr1-k${p}-1:\n`,
    },
    {
      // -Z: an empty key or value is produced as null.
      flags: ["-H", "trace=x=y", "-Z"],
      lines: (p) => `r2-k${p}-0:r2-v${p}-0\n:r2 null key\nr2-k${p}-1:\nünï:cödé 🙂 ${p}\n`,
    },
    { flags: [], lines: (p) => `r3-k${p}-0:r3-v${p}-0\nr3 plain ${p}\nr3-k${p}-1:r3-v${p}-1\n` },
  ];
  for (const [i, round] of rounds.entries()) {
    if (i > 0) await sleep(30);
    for (const p of [0, 1]) {
      await kcat([
        "-P",
        "-b",
        brokerList(),
        "-t",
        topic,
        "-p",
        String(p),
        "-K",
        ":",
        ...round.flags,
      ], {
        input: round.lines(p),
      });
    }
  }
  const stamps = text(
    await kcat(["-C", "-b", brokerList(), "-t", topic, "-p", "0", "-e", "-q", "-f", "%T %s\n"]),
  ).split("\n");
  const first = (prefix: string): number =>
    Number(stamps.find((l) => l.split(" ")[1]!.startsWith(prefix))!.split(" ")[0]);
  return { round2: first("r2-"), round3: first("r3-") };
}

/** The records in `out`, split at `separator` and sorted: partitions interleave as they will. */
function sorted(out: Uint8Array, separator = "\n"): string[] {
  return text(out).split(separator).sort();
}

/** Checks that the `<partition> <offset> …` lines of each partition come in offset order. */
function assertPartitionOrder(out: Uint8Array, what: string): void {
  const last = new Map<string, number>();
  for (const line of text(out).split("\n").filter(Boolean)) {
    const [p, o] = line.split(" ");
    assert.ok(Number(o) > (last.get(p!) ?? -1), `${what}: ${line} after offset ${last.get(p!)}`);
    last.set(p!, Number(o));
  }
}

// Every token; \t between fields and a record separator that no value holds.
const EVERY = "%t\\t%p\\t%o\\t%T\\t%k\\t%K\\t%s\\t%S\\t%h\\t%R\\x1e";
const LINE = "%p %o %k=%s\\n";

for (const [runtime] of RUNTIMES) {
  test(`kanal consume -e prints what kcat -C -e prints, for every -o, -p, -c and -f, under ${runtime}`, async () => {
    await requireBroker();
    await withTopic({ prefix: "cli-consume" }, async (topic) => {
      const { round2, round3 } = await fill(topic);
      const base = ["-b", brokerList(), "-t", topic, "-e"];
      const cases: { flags: string[]; ordered?: boolean; separator?: string; records: number }[] = [
        { flags: [], records: 22 },
        { flags: ["-o", "beginning", "-f", LINE], records: 22 },
        { flags: ["-o", "end"], records: 0 },
        { flags: ["-o", "2", "-f", LINE], records: 18 },
        { flags: ["-o", "100"], records: 0 },
        { flags: ["-o", "-3", "-f", LINE], records: 6 },
        { flags: ["-o", "-100", "-f", LINE], records: 22 },
        { flags: ["-o", `s@${round2}`, "-f", LINE], records: 14 },
        { flags: ["-o", `s@${round3 + 60_000}`], records: 0 },
        { flags: ["-o", `s@${round2}`, "-o", `e@${round3}`, "-f", LINE], records: 8 },
        { flags: ["-p", "1", "-f", EVERY], ordered: true, records: 11 },
        { flags: ["-p", "0", "-o", "-5", "-f", EVERY], ordered: true, records: 5 },
        { flags: ["-p", "2", "-f", EVERY], ordered: true, records: 0 },
        { flags: ["-p", "0", "-c", "3", "-f", LINE], ordered: true, records: 3 },
        { flags: ["-K", "\\t", "-Z"], records: 22 },
        { flags: ["-K", "=", "-D", "\\x1e"], separator: "\x1e", records: 22 },
      ];
      for (const c of cases) {
        const what = `${runtime}: consume ${c.flags.join(" ")}`;
        const [mine, theirs] = await Promise.all([
          kanal(runtime, ["consume", ...base, ...c.flags]),
          oracle([...base, ...c.flags]),
        ]);
        assert.equal(theirs.code, 0, `kcat ${c.flags.join(" ")}: ${theirs.stderr}`);
        assert.equal(mine.code, 0, `${what}: ${mine.stderr}`);
        assert.equal(mine.stderr, "", what);
        if (c.ordered) assert.deepEqual(mine.stdout, theirs.stdout, what);
        else {assert.deepEqual(
            sorted(mine.stdout, c.separator),
            sorted(theirs.stdout, c.separator),
            what,
          );}
        // The oracle printed what the case says, so agreeing on nothing proves nothing.
        const separator = c.separator ?? (c.flags.includes(EVERY) ? "\x1e" : "\n");
        assert.equal(text(theirs.stdout).split(separator).length - 1, c.records, `${what}: kcat`);
        if (c.flags.includes(LINE)) assertPartitionOrder(mine.stdout, what);
      }

      // -c without -p: which partitions the records come from is a race, so check the count and
      // that each is a record of the topic, once.
      const all = new Set(sorted((await oracle([...base, "-f", LINE])).stdout));
      const three = await kanal(runtime, ["-C", ...base, "-c", "3", "-f", LINE]);
      assert.equal(three.code, 0, three.stderr);
      const lines = text(three.stdout).split("\n").filter(Boolean);
      assert.equal(lines.length, 3);
      assert.equal(new Set(lines).size, 3);
      for (const l of lines) assert.ok(all.has(l), l);
    });
  });

  test(`kanal consume -o -N starts no earlier than the oldest record kept, under ${runtime}`, async () => {
    await requireBroker();
    await withTopic({ prefix: "cli-consume" }, async (topic) => {
      const lines = Array.from({ length: 10 }, (_, i) => `record ${i}`).join("\n") + "\n";
      await kcat(["-P", "-b", brokerList(), "-t", topic, "-p", "0"], { input: lines });
      // Delete the first 4 records, as retention would.
      await using client = await Client.connect({ brokers: brokerList() });
      const leader = (await client.leaderFor(topic, 0)).nodeId;
      const res = await client.request(leader, API_TABLE[21], {
        topics: [{ name: topic, partitions: [{ partitionIndex: 0, offset: 4n }] }],
        timeoutMs: 10_000,
      });
      assert.equal(res.topics[0]!.partitions[0]!.errorCode, 0);
      assert.equal(res.topics[0]!.partitions[0]!.lowWatermark, 4n);

      const base = ["-b", brokerList(), "-t", topic, "-p", "0", "-e", "-f", LINE];
      // kcat's -o -100 falls before the log start and restarts at the end; kanal starts at the
      // oldest record kept, which is what kcat prints from the beginning.
      const kept = await oracle([...base, "-o", "beginning"]);
      assert.equal(text(kept.stdout).split("\n").length - 1, 6);
      const tail = await kanal(runtime, ["consume", ...base, "-o", "-100"]);
      assert.equal(tail.code, 0, tail.stderr);
      assert.deepEqual(text(tail.stdout), text(kept.stdout));
      // An absolute offset that was deleted is out of range: both restart at the end.
      const [mine, theirs] = await Promise.all([
        kanal(runtime, ["consume", ...base, "-o", "1"]),
        oracle([...base, "-o", "1"]),
      ]);
      assert.equal(mine.code, 0, mine.stderr);
      assert.deepEqual(mine.stdout, theirs.stdout);
      assert.equal(mine.stdout.length, 0);
    });
  });

  test(`kanal consume exits 1 on an unknown topic or partition and 2 on a bad -o, under ${runtime}`, async () => {
    await requireBroker();
    await withTopic({ prefix: "cli-consume" }, async (topic) => {
      const missing = uniqueTopic("cli-consume-missing");
      const r = await kanal(runtime, ["consume", "-b", brokerList(), "-t", missing, "-e"]);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout.length, 0);
      assert.match(r.stderr, /^kanal: UNKNOWN_TOPIC_OR_PARTITION: .*\n$/);
      assert.equal(r.stderr.split("\n").length, 2, "one line");
      // kcat agrees that it is an error, and the topic was not created by asking.
      assert.equal((await oracle(["-b", brokerList(), "-t", missing, "-e"])).code, 1);

      const p = await kanal(runtime, ["consume", "-b", brokerList(), "-t", topic, "-p", "7", "-e"]);
      assert.equal(p.code, 1, p.stderr);
      assert.match(
        p.stderr,
        /^kanal: UNKNOWN_TOPIC_OR_PARTITION: Cannot consume partition 7 as the topic has partitions 0\.\.2/,
      );
      assert.equal((await oracle(["-b", brokerList(), "-t", topic, "-p", "7", "-e"])).code, 1);

      const o = await kanal(runtime, ["consume", "-b", brokerList(), "-t", topic, "-o", "latest"]);
      assert.equal(o.code, 2, o.stderr);
      assert.match(o.stderr, /Cannot use -o as it must be beginning, end, an offset N/);
    });
  });

  test(`kanal consume follows new records until SIGINT, then exits 0, under ${runtime}`, async () => {
    await requireBroker();
    await withTopic({ prefix: "cli-consume" }, async (topic) => {
      await kcat(["-P", "-b", brokerList(), "-t", topic, "-p", "0"], { input: "old\n" });
      const child = start(runtime, [
        ...["consume", "-b", brokerList(), "-t", topic, "-o", "end", "-f", "%p %s\\n"],
      ]);
      try {
        // Produce until it shows up: the consumer may not have found the end yet at first.
        let polls = 0;
        await until(
          "a new record to be printed",
          async () => {
            if (child.out.includes("1 new\n")) return true;
            if (polls++ % 10 === 0) {
              await kcat(["-P", "-b", brokerList(), "-t", topic, "-p", "1"], { input: "new\n" });
            }
            return false;
          },
          10_000,
          100,
        ).catch((e) => assert.fail(`${e.message}: ${child.err}`));
        assert.ok(!child.out.includes("old"), child.out);
        child.kill("SIGINT");
        assert.equal(await child.exited, 0, child.err);
        assert.equal(child.err, "");
      } finally {
        child.kill("SIGKILL");
      }
    });
  });
}
