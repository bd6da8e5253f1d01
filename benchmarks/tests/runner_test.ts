// In a subfolder, not beside _runner.ts: scripts/bench.sh runs every benchmarks/*.ts as a
// program, and `bun FILE` refuses a file of tests.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import {
  benchOptions,
  type ClientRun,
  formatTable,
  parseMaxRss,
  parseResultLine,
  parseTimes,
  type Row,
  runClient,
  selected,
} from "../_runner.ts";

const RESULT = { client: "x", runtime: "go", op: "produce", records: 10, bytes: 1000, seconds: 2 };

test("parseResultLine takes the last result object and skips logs and other JSON", () => {
  const out = [
    "starting",
    JSON.stringify({ ...RESULT, records: 1 }),
    '{"level":"INFO","message":"not a result"}',
    JSON.stringify(RESULT),
    "{broken json",
    "bye",
  ].join("\n");
  assert.deepEqual(parseResultLine(out), RESULT);
});

test("parseResultLine refuses output without a result", () => {
  assert.throws(() => parseResultLine("hello\n{}\n"), /no stdout line is a result object/);
  // A zero or negative duration cannot give a rate.
  assert.throws(() => parseResultLine(JSON.stringify({ ...RESULT, seconds: 0 })), /result object/);
  assert.throws(() => parseResultLine(JSON.stringify({ ...RESULT, records: 1.5 })), /result/);
});

test("parseTimes adds the children's user and system time, minutes included", () => {
  assert.equal(parseTimes("0m0.010s 0m0.000s\n0m2.500s 1m0.250s\n"), 62.75);
  assert.throws(() => parseTimes("0m0.010s 0m0.000s\n"), /no children line/);
});

test("parseMaxRss reads GNU time's kilobytes, after a failed command's status line too", () => {
  assert.equal(parseMaxRss("51200\n"), 51200 * 1024);
  assert.equal(parseMaxRss("Command exited with non-zero status 3\n700\n"), 700 * 1024);
  assert.throws(() => parseMaxRss("Command terminated by signal 9\n"), /not a number/);
  assert.throws(() => parseMaxRss(""), /not a number/);
});

function node(code: string, timeoutSeconds = 60) {
  return runClient({ name: "probe", cmd: "node", args: ["-e", code], timeoutSeconds });
}

const PRINT = `console.log(JSON.stringify(${JSON.stringify(RESULT)}))`;
// Spins until the process itself has used 0.6 s of CPU: a wall-clock loop would use less on a
// loaded machine.
const BURN = "const u = () => { const c = process.cpuUsage(); return c.user + c.system; }; " +
  "while (u() < 600000);";

test("runClient counts the CPU the client burns, not the time it waits", async () => {
  const busy = await node(`${BURN} ${PRINT}`);
  assert.deepEqual(busy.result, RESULT);
  assert.ok(busy.cpuSeconds >= 0.6, `busy child used ${busy.cpuSeconds} s of CPU`);
  const idle = await node(`setTimeout(() => { ${PRINT} }, 600)`);
  assert.ok(idle.wallSeconds >= 0.6, `idle child ran ${idle.wallSeconds} s`);
  assert.ok(
    idle.cpuSeconds < busy.cpuSeconds - 0.4,
    `idle child used ${idle.cpuSeconds} s of CPU, busy ${busy.cpuSeconds} s`,
  );
});

test("runClient measures the peak RSS of the client and of its children", {
  skip: existsSync("/usr/bin/time") ? false : "GNU time is not installed",
}, async () => {
  // 300 MiB written page by page is resident; the same child without it is not.
  const FILL =
    "const b = new Uint8Array(300 * 2 ** 20); for (let i = 0; i < b.length; i += 4096) " +
    "b[i] = 1;";
  const big = await node(`${FILL} ${PRINT}`);
  const small = await node(PRINT);
  const mib = (n: number | undefined) => (n ?? 0) / 2 ** 20;
  assert.ok(
    mib(big.peakRssBytes) >= 300,
    `the filling child peaked at ${mib(big.peakRssBytes)} MiB`,
  );
  assert.ok(
    mib(small.peakRssBytes) > 0 && mib(small.peakRssBytes) < mib(big.peakRssBytes) - 250,
    `idle ${mib(small.peakRssBytes)} MiB, filling ${mib(big.peakRssBytes)} MiB`,
  );
  // Behind a shell, as kafka_perf.sh runs a JVM: the grandchild's peak still counts.
  const wrapped = await runClient({
    name: "wrapper",
    cmd: "bash",
    args: ["-c", `node -e '${FILL}'; echo '${JSON.stringify(RESULT)}'`],
  });
  assert.ok(mib(wrapped.peakRssBytes) >= 300, `grandchild peaked at ${mib(wrapped.peakRssBytes)}`);
});

test("runClient counts the CPU of the client's own children", async () => {
  // A shell script that runs the real work in a child, as kafka_perf.sh runs a JVM.
  const run = await runClient({
    name: "wrapper",
    cmd: "bash",
    args: [
      "-c",
      `node -e '${BURN}'; echo '${JSON.stringify(RESULT)}'`,
    ],
  });
  assert.ok(run.cpuSeconds >= 0.6, `grandchild used ${run.cpuSeconds} s of CPU`);
});

test("runClient rejects a client that fails, with its stderr", async () => {
  await assert.rejects(
    node(`console.error("broker said no"); process.exit(3)`),
    /probe exited with code 3\nbroker said no/,
  );
  await assert.rejects(node(`console.log("no result")`), /no stdout line is a result object/);
});

test("runClient kills a client that overruns its timeout", async () => {
  const t0 = performance.now();
  await assert.rejects(node(`setTimeout(() => {}, 30000)`, 1), /probe timed out after 1 s/);
  assert.ok(performance.now() - t0 < 10_000, "the timeout did not stop the client in time");
  assert.throws(() => node(PRINT, 0), RangeError);
});

function row(name: string, records: number, seconds: number, cpuSeconds: number): Row {
  const run: ClientRun = {
    name,
    cpuSeconds,
    wallSeconds: seconds + 1,
    result: {
      client: name,
      runtime: "node",
      op: "consume",
      records,
      bytes: records * 100,
      seconds,
    },
  };
  return { name, runtime: "node", run };
}

test("formatTable prints rates, CPU per record and ratios to the baseline", () => {
  const rows = [
    row("base", 1_000_000, 4, 8), // 250,000 rec/s, 8 µs CPU per record
    row("fast", 1_000_000, 2, 2), // 500,000 rec/s, 2 µs CPU per record
    { name: "broken", runtime: "go", error: "exited with code 1\ndetails" },
  ];
  const lines = formatTable(rows, "base").split("\n");
  assert.match(lines[0]!, /rec\/s × base\s+CPU × base$/);
  // fast: 500000 rec/s, 50.0 MB/s, 2.00 CPU s, 2.00 µs/rec, 2.00× the rate, 0.25× the CPU.
  assert.deepEqual(lines[2]!.split(/\s+/), [
    "fast",
    "node",
    "500000",
    "50.0",
    "2.00",
    "2.00",
    "2.00",
    "0.25",
  ]);
  assert.deepEqual(lines[1]!.split(/\s+/).slice(2), [
    "250000",
    "25.0",
    "8.00",
    "8.00",
    "1.00",
    "1.00",
  ]);
  assert.match(lines[3]!, /^broken\s+go\s+failed: exited with code 1$/);
});

test("formatTable shows the peak RSS in MiB when a run has one, n/a for runs without", () => {
  const a = row("a", 1_000_000, 1, 1);
  a.run!.peakRssBytes = 150 * 2 ** 20;
  const lines = formatTable([a, row("b", 1_000_000, 2, 2)], "a").split("\n");
  assert.match(lines[0]!, /CPU µs\/rec\s+peak RSS MiB\s+rec\/s × a/);
  assert.deepEqual(lines[1]!.split(/\s+/).slice(5), ["1.00", "150", "1.00", "1.00"]);
  assert.deepEqual(lines[2]!.split(/\s+/).slice(5), ["2.00", "n/a", "0.50", "2.00"]);
  assert.doesNotMatch(formatTable([row("c", 10, 1, 1)], "c"), /RSS/);
});

test("formatTable leaves the ratios out when the baseline has no result", () => {
  const table = formatTable([row("a", 10, 1, 1), { name: "b", runtime: "go", error: "x" }], "b");
  assert.doesNotMatch(table, /×/);
});

test("benchOptions reads the flags and refuses bad ones", () => {
  const o = benchOptions(["--records", "5000", "--size", "10", "--only", "java,kafkajs", "--json"]);
  assert.equal(o.records, 5000);
  assert.equal(o.size, 10);
  assert.equal(o.partitions, 6);
  assert.equal(o.json, true);
  assert.equal(selected(o, "kafkajs"), true);
  assert.equal(selected(o, "sarama"), false);
  assert.equal(selected(benchOptions(["--skip", "sarama"]), "sarama"), false);
  assert.throws(() => benchOptions(["--records", "0"]), RangeError);
  assert.throws(() => benchOptions(["--records"]), TypeError);
  assert.throws(() => benchOptions(["--fast"]), TypeError);
});
