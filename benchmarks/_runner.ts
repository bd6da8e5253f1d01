// Copyright 2026 the kanal authors. MIT license.
// Benchmark harness: runtime APIs allowed. Only node: built-ins, so Deno and Bun both run it.
/**
 * The shared runner of the client benchmarks: runs one client process at a time, reads the
 * one JSON line it prints, measures that process's CPU time, and prints a table with ratios
 * to a baseline client.
 *
 * Every client, whatever its language, is a program that takes
 * `--brokers --topic --records --size` and prints
 * `{"client":…,"runtime":…,"op":…,"records":N,"bytes":B,"seconds":S}` on stdout, where
 * `seconds` is the wall time of its measured part only (after connecting and warming up).
 * CPU time is measured from outside and covers the whole process, start-up included.
 *
 * @module
 */

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

/** The repository's root folder. */
export const ROOT: string = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** The line every client prints on stdout when it is done. */
export interface ClientResult {
  /** The client's name, e.g. `kafkajs`. */
  client: string;
  /** What ran it, e.g. `node`, `go`, `jvm`, `deno`. */
  runtime: string;
  /** `produce` or `consume`. */
  op: string;
  /** Records produced or consumed in the measured part. */
  records: number;
  /** Value bytes of those records. */
  bytes: number;
  /** Wall seconds of the measured part. */
  seconds: number;
}

/** How to start one client. */
export interface ClientSpec {
  /** The name the table shows (and the baseline is chosen by). */
  name: string;
  /** The program to run. */
  cmd: string;
  /** Its arguments. */
  args: string[];
  /** Extra environment variables, on top of this process's. */
  env?: Record<string, string>;
  /** Working folder; the repository root if not given. */
  cwd?: string;
  /** Seconds before the client is killed; 180 if not given. */
  timeoutSeconds?: number;
}

/** One finished client run. */
export interface ClientRun {
  /** The spec's name. */
  name: string;
  /** What the client printed. */
  result: ClientResult;
  /** User plus system CPU seconds of the client process and its children, start-up included. */
  cpuSeconds: number;
  /** Wall seconds of the whole process, start-up included. */
  wallSeconds: number;
  /**
   * The largest resident set of the client process or any process it waited for (the kernel's
   * maxrss), in bytes; absent where GNU time (`/usr/bin/time`) is not installed.
   */
  peakRssBytes?: number;
}

/**
 * Finds the client's result in its stdout: the last line that is a JSON object with every
 * {@linkcode ClientResult} field. Clients may log other lines before it.
 *
 * @example A result after a log line
 * ```ts
 * import { parseResultLine } from "./_runner.ts";
 * import assert from "node:assert/strict";
 *
 * const out = 'connected\n{"client":"x","runtime":"go","op":"produce","records":2,"bytes":200,"seconds":0.5}\n';
 * assert.equal(parseResultLine(out).records, 2);
 * ```
 */
export function parseResultLine(stdout: string): ClientResult {
  const lines = stdout.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("{"));
  for (let i = lines.length - 1; i >= 0; i--) {
    let v: unknown;
    try {
      v = JSON.parse(lines[i]!);
    } catch {
      continue;
    }
    if (isResult(v)) return v;
  }
  throw new Error(
    `Cannot read the client's result as no stdout line is a result object: current output is ${
      JSON.stringify(stdout.slice(-300))
    }`,
  );
}

function isResult(v: unknown): v is ClientResult {
  if (typeof v !== "object" || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.client === "string" && typeof r.runtime === "string" &&
    typeof r.op === "string" && isCount(r.records) && isCount(r.bytes) &&
    typeof r.seconds === "number" && Number.isFinite(r.seconds) && r.seconds > 0;
}

function isCount(v: unknown): boolean {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Reads the CPU seconds from the output of bash's `times`: its second line holds the user and
 * system time of the shell's finished children, e.g. `0m1.250s 0m0.125s`.
 *
 * @example Children's user plus system time
 * ```ts
 * import { parseTimes } from "./_runner.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseTimes("0m0.001s 0m0.002s\n1m2.500s 0m0.250s\n"), 62.75);
 * ```
 */
export function parseTimes(text: string): number {
  const line = text.trim().split("\n")[1];
  const m = line?.match(/^(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s$/);
  if (!m) {
    throw new Error(
      `Cannot read CPU times as bash's times output has no children line: current value is ${
        JSON.stringify(text)
      }`,
    );
  }
  return Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]);
}

/**
 * Reads the peak resident set from what `/usr/bin/time -f %M` wrote: kilobytes on the last line
 * (GNU time puts a "Command exited with non-zero status" line before it when the command
 * failed). Returns bytes.
 *
 * @example A failed command's output
 * ```ts
 * import { parseMaxRss } from "./_runner.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseMaxRss("Command exited with non-zero status 1\n2048\n"), 2048 * 1024);
 * ```
 */
export function parseMaxRss(text: string): number {
  const last = text.trim().split("\n").at(-1)?.trim() ?? "";
  if (!/^\d+$/.test(last)) {
    throw new Error(
      `Cannot read the peak RSS as GNU time's last line is not a number: current value is ${
        JSON.stringify(text)
      }`,
    );
  }
  return Number(last) * 1024;
}

// bash runs the client under coreutils' timeout and then prints `times`: its children line is
// getrusage(RUSAGE_CHILDREN), which counts the client and everything it waited for (a JVM
// behind a shell script, librdkafka's threads, Go's threads), and nothing of the broker's.
// Where GNU time is installed it wraps timeout to record the peak RSS: the maxrss that wait4
// reports covers the waited-for process and every descendant it reaped, so a JVM behind a
// script counts as itself.
const WRAPPER = 'if [ -n "$KANAL_BENCH_RSS" ]; then ' +
  '/usr/bin/time -f %M -o "$KANAL_BENCH_RSS" timeout -k 5 "$KANAL_BENCH_TIMEOUT" "$@"; ' +
  'else timeout -k 5 "$KANAL_BENCH_TIMEOUT" "$@"; fi; rc=$?; times > "$KANAL_BENCH_TIMES"; ' +
  "exit $rc";

/** GNU time, for the peak RSS; without it runs have no `peakRssBytes`. */
const GNU_TIME = existsSync("/usr/bin/time");

/**
 * Runs one client to the end and returns its result line and CPU time. Rejects when the
 * client exits non-zero, times out or prints no result; the error carries its stderr's tail.
 */
export function runClient(spec: ClientSpec): Promise<ClientRun> {
  const timeout = spec.timeoutSeconds ?? 180;
  if (!(timeout > 0)) {
    throw new RangeError(
      `Cannot run ${spec.name} as the timeout must be positive: current value is ${timeout}`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "kanal-bench-"));
  const timesFile = join(dir, "times");
  const rssFile = GNU_TIME ? join(dir, "rss") : "";
  const started = performance.now();
  return new Promise<ClientRun>((resolve, reject) => {
    const child = spawn("bash", ["-c", WRAPPER, "bash", spec.cmd, ...spec.args], {
      cwd: spec.cwd ?? ROOT,
      env: {
        ...process.env,
        ...spec.env,
        KANAL_BENCH_TIMEOUT: String(timeout),
        KANAL_BENCH_TIMES: timesFile,
        KANAL_BENCH_RSS: rssFile,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8");
    child.stderr!.setEncoding("utf8");
    child.stdout!.on("data", (s: string) => stdout += s);
    child.stderr!.on("data", (s: string) => {
      // Keep the tail only: a chatty client must not grow this without bound.
      stderr = (stderr + s).slice(-4000);
    });
    child.on("error", (err) => {
      rmSync(dir, { recursive: true, force: true });
      reject(err);
    });
    child.on("close", (code) => {
      const wallSeconds = (performance.now() - started) / 1000;
      try {
        const tail = stderr.trim().split("\n").slice(-8).join("\n");
        if (code === 124 || code === 137) {
          throw new Error(`${spec.name} timed out after ${timeout} s\n${tail}`);
        }
        if (code !== 0) throw new Error(`${spec.name} exited with code ${code}\n${tail}`);
        const result = parseResultLine(stdout);
        const cpuSeconds = parseTimes(readFileSync(timesFile, "utf8"));
        const run: ClientRun = { name: spec.name, result, cpuSeconds, wallSeconds };
        if (rssFile !== "" && existsSync(rssFile)) {
          run.peakRssBytes = parseMaxRss(readFileSync(rssFile, "utf8"));
        }
        resolve(run);
      } catch (err) {
        reject(err);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

/** Runs a command to the end, printing nothing; rejects with its output if it fails. */
export function run(cmd: string, args: string[], opts: {
  cwd?: string;
  env?: Record<string, string>;
} = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout!.setEncoding("utf8");
    child.stderr!.setEncoding("utf8");
    child.stdout!.on("data", (s: string) => out += s);
    child.stderr!.on("data", (s: string) => out += s);
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(out);
      else {reject(
          new Error(`${cmd} ${args.join(" ")} exited with code ${code}\n${out.slice(-2000)}`),
        );}
    });
  });
}

/** The broker list from `KAFKA_BROKERS`, else the single local broker. */
export function kafkaBrokers(): string {
  return process.env.KAFKA_BROKERS || "127.0.0.1:9092";
}

/** Creates a topic with Kafka's TopicCommand (kanal's admin client does not exist yet). */
export async function createTopic(
  brokers: string,
  topic: string,
  partitions: number,
): Promise<void> {
  await run(join(ROOT, "scripts/kafka.sh"), [
    "tool",
    "TopicCommand",
    "--bootstrap-server",
    brokers,
    "--create",
    "--topic",
    topic,
    "--partitions",
    String(partitions),
    "--replication-factor",
    "1",
  ]);
}

/** Deletes a topic, so repeated runs do not fill the broker's disk. */
export async function deleteTopic(brokers: string, topic: string): Promise<void> {
  await run(join(ROOT, "scripts/kafka.sh"), [
    "tool",
    "TopicCommand",
    "--bootstrap-server",
    brokers,
    "--delete",
    "--topic",
    topic,
  ]);
}

/** The number of records in a topic: the sum of its partitions' end offsets. */
export async function topicRecords(brokers: string, topic: string): Promise<number> {
  const out = await run(join(ROOT, "scripts/kafka.sh"), [
    "tool",
    "GetOffsetShell",
    "--bootstrap-server",
    brokers,
    "--topic",
    topic,
  ]);
  // Lines are "topic:partition:offset".
  let sum = 0;
  for (const line of out.split("\n")) {
    const m = line.trim().match(/:(\d+):(\d+)$/);
    if (m && line.startsWith(`${topic}:`)) sum += Number(m[2]);
  }
  return sum;
}

/** One row of the table: a finished run, or a client that failed. */
export interface Row {
  /** The client's name. */
  name: string;
  /** What ran it. */
  runtime: string;
  /** The run, when it finished. */
  run?: ClientRun;
  /** Why it did not, when it failed or was skipped. */
  error?: string;
}

const num = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

function fixed(n: number, digits: number): string {
  return n.toFixed(digits);
}

/**
 * Formats the results as a fixed-width table: records/s, MB/s (10^6 value bytes), the
 * process's CPU seconds and CPU µs per record, its peak RSS in MiB (when any run has one), then
 * the throughput and CPU ratios to the baseline client (`× base` columns, absent when the
 * baseline did not finish).
 *
 * @example Ratios to a baseline
 * ```ts
 * import { formatTable, type Row } from "./_runner.ts";
 * import assert from "node:assert/strict";
 *
 * const row = (name: string, seconds: number, cpuSeconds: number): Row => ({
 *   name,
 *   runtime: "go",
 *   run: {
 *     name,
 *     cpuSeconds,
 *     wallSeconds: seconds + 1,
 *     result: { client: name, runtime: "go", op: "produce", records: 1000, bytes: 100000, seconds },
 *   },
 * });
 * const table = formatTable([row("a", 1, 2), row("b", 0.5, 1)], "a");
 * assert.match(table, /^b .* 2000 .* 2\.00 .* 0\.50$/m);
 * ```
 */
export function formatTable(rows: Row[], baseline: string): string {
  const base = rows.find((r) => r.name === baseline)?.run;
  const head = ["client", "runtime", "records/s", "MB/s", "CPU s", "CPU µs/rec"];
  const rss = rows.some((r) => r.run?.peakRssBytes !== undefined);
  if (rss) head.push("peak RSS MiB");
  if (base) head.push(`rec/s × ${baseline}`, `CPU × ${baseline}`);
  const body: string[][] = [];
  for (const r of rows) {
    if (!r.run) {
      body.push([r.name, r.runtime, `failed: ${firstLine(r.error ?? "no result")}`]);
      continue;
    }
    const res = r.run.result;
    const rate = res.records / res.seconds;
    const cells = [
      r.name,
      r.runtime,
      num.format(rate).replaceAll(",", ""),
      fixed(res.bytes / res.seconds / 1e6, 1),
      fixed(r.run.cpuSeconds, 2),
      fixed(r.run.cpuSeconds / res.records * 1e6, 2),
    ];
    if (rss) {
      const b = r.run.peakRssBytes;
      cells.push(b === undefined ? "n/a" : fixed(b / 2 ** 20, 0));
    }
    if (base) {
      const baseRate = base.result.records / base.result.seconds;
      const baseCpu = base.cpuSeconds / base.result.records;
      cells.push(fixed(rate / baseRate, 2), fixed(r.run.cpuSeconds / res.records / baseCpu, 2));
    }
    body.push(cells);
  }
  const widths = head.map((h, i) =>
    Math.max(h.length, ...body.filter((b) => b.length > 3).map((b) => b[i]?.length ?? 0))
  );
  const line = (cells: string[]) =>
    cells.length === 3 && cells[2]!.startsWith("failed")
      ? [cells[0]!.padEnd(widths[0]!), cells[1]!.padEnd(widths[1]!), cells[2]].join("  ")
      : cells.map((c, i) => i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)).join("  ");
  return [line(head), ...body.map(line)].join("\n");
}

function firstLine(s: string): string {
  return s.split("\n")[0]!.slice(0, 160);
}

/** A line describing the machine, for the header of every table. */
export function machineLine(): string {
  const c = cpus();
  const model = c[0]?.model?.trim() || "unknown CPU";
  return `${new Date().toISOString().slice(0, 10)}, ${c.length} × ${model}, ${
    process.versions.deno
      ? `Deno ${process.versions.deno}`
      : process.versions.bun
      ? `Bun ${process.versions.bun}`
      : `Node ${process.versions.node}`
  } runner`;
}

/** Command-line options shared by the peer benchmarks. */
export interface BenchOptions {
  /** Broker list. */
  brokers: string;
  /** Records per client. */
  records: number;
  /** Value size in bytes. */
  size: number;
  /** Partitions of each topic. */
  partitions: number;
  /** Seconds before a client is killed. */
  timeoutSeconds: number;
  /** Only these clients, when given. */
  only: string[];
  /** Not these clients. */
  skip: string[];
  /** Runs per client; the table shows the median run by records/s. */
  runs: number;
  /** Also print one JSON line per row. */
  json: boolean;
}

/** Reads `--records --size --partitions --timeout --runs --only a,b --skip a,b --json`. */
export function benchOptions(argv: string[] = process.argv.slice(2)): BenchOptions {
  const o: BenchOptions = {
    brokers: kafkaBrokers(),
    records: 1_000_000,
    size: 100,
    partitions: 6,
    timeoutSeconds: 180,
    only: [],
    skip: [],
    runs: 1,
    json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new TypeError(`Cannot read ${a} as it needs a value`);
      return v;
    };
    const count = (): number => {
      const v = Number(value());
      if (!Number.isSafeInteger(v) || v <= 0) {
        throw new RangeError(
          `Cannot use ${a} as it must be a positive integer: current value is ${v}`,
        );
      }
      return v;
    };
    if (a === "--records") o.records = count();
    else if (a === "--size") o.size = count();
    else if (a === "--partitions") o.partitions = count();
    else if (a === "--timeout") o.timeoutSeconds = count();
    else if (a === "--runs") o.runs = count();
    else if (a === "--brokers") o.brokers = value();
    else if (a === "--only") o.only = value().split(",").filter(Boolean);
    else if (a === "--skip") o.skip = value().split(",").filter(Boolean);
    else if (a === "--json") o.json = true;
    else throw new TypeError(`Cannot run as the option is unknown: current value is ${a}`);
  }
  return o;
}

/**
 * The median of several runs of one client by records/s (the faster one of the middle two
 * for an even count): on a shared machine one slow or lucky run should not set the figure.
 *
 * @example The middle run
 * ```ts
 * import { type ClientRun, medianRun } from "./_runner.ts";
 * import assert from "node:assert/strict";
 *
 * const run = (seconds: number): ClientRun => ({
 *   name: "x",
 *   cpuSeconds: 1,
 *   wallSeconds: seconds,
 *   result: { client: "x", runtime: "go", op: "consume", records: 100, bytes: 1, seconds },
 * });
 * assert.equal(medianRun([run(3), run(1), run(2)]).result.seconds, 2);
 * ```
 */
export function medianRun(runs: ClientRun[]): ClientRun {
  if (runs.length === 0) {
    throw new RangeError("Cannot take a median as there are no runs: current value is 0");
  }
  const byRate = runs.toSorted((a, b) =>
    a.result.records / a.result.seconds - b.result.records / b.result.seconds
  );
  return byRate[Math.floor(byRate.length / 2)]!;
}

/** Whether the options select the named client. */
export function selected(o: BenchOptions, name: string): boolean {
  return (o.only.length === 0 || o.only.includes(name)) && !o.skip.includes(name);
}

/** Builds the Go peers (sarama, franz-go) into benchmarks/.build/; returns the binary. */
export async function buildGoPeers(): Promise<string> {
  const out = join(ROOT, "benchmarks/.build/peers-go");
  // The first build may fetch the modules named in go.sum from the Go module proxy.
  await run("go", ["build", "-o", out, "."], { cwd: join(ROOT, "benchmarks/go") });
  return out;
}

/**
 * Installs Confluent's client into benchmarks/peers/confluent/ when it is missing. There is
 * no prebuilt binary to download here, so it builds the librdkafka source that ships inside
 * the npm package, linked against the system's OpenSSL and zlib (CKJS_LINKING=dynamic): the
 * default static build would download OpenSSL, zstd and curl sources from GitHub.
 */
export async function installConfluent(): Promise<void> {
  const dir = join(ROOT, "benchmarks/peers/confluent");
  const addon = join(
    dir,
    "node_modules/@confluentinc/kafka-javascript/build/Release/confluent-kafka-javascript.node",
  );
  if (existsSync(addon)) return;
  await run("npm", ["ci", "--no-audit", "--no-fund"], {
    cwd: dir,
    env: { CKJS_LINKING: "dynamic" },
  });
  if (!existsSync(addon)) throw new Error(`npm ci ran but ${addon} is missing`);
}
