// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import type { ParsedArgs } from "./args.ts";
import { UsageError } from "./args.ts";
import type { CliIo, Command } from "./command.ts";
import { runCli } from "./run_cli.ts";
import { ConnectionError } from "../net/connection_error.ts";
import { KafkaError } from "../protocol/kafka_error.ts";

/** A command that records what it was given and ends as `outcome` says. */
function fake(
  name: string,
  alias: string | undefined,
  outcome: (args: ParsedArgs) => number | Error = () => 0,
): Command & { seen: ParsedArgs[] } {
  const seen: ParsedArgs[] = [];
  return {
    name,
    ...(alias ? { alias } : {}),
    summary: `The ${name} command`,
    usage: `kanal ${name} -b BROKERS`,
    flags: [
      { name: "brokers", short: "b", value: "BROKERS", description: "Brokers" },
      { name: "json", short: "J", description: "JSON" },
    ],
    seen,
    run(args: ParsedArgs): Promise<number> {
      seen.push(args);
      const r = outcome(args);
      return r instanceof Error ? Promise.reject(r) : Promise.resolve(r);
    },
  };
}

function capture(): CliIo & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    stdout: (s: string) => Promise.resolve(void (io.out += s)),
    stderr: (s: string) => Promise.resolve(void (io.err += s)),
    env: () => undefined,
  };
  return io;
}

test("runCli runs the command named first with the rest of the line", async () => {
  const meta = fake("metadata", "L");
  const io = capture();
  assert.equal(await runCli(["metadata", "-b", "h:1", "-J"], [meta], io), 0);
  assert.equal(meta.seen.length, 1);
  assert.equal(meta.seen[0]!.get("brokers"), "h:1");
  assert.equal(meta.seen[0]!.has("json"), true);
  assert.equal(io.out + io.err, "");
});

test("runCli finds a command by kcat's letter anywhere before --", async () => {
  const meta = fake("metadata", "L");
  const produce = fake("produce", "P");
  assert.equal(await runCli(["-b", "h:1", "-L", "-J"], [produce, meta], capture()), 0);
  assert.equal(produce.seen.length, 0);
  assert.equal(meta.seen[0]!.get("brokers"), "h:1");
  assert.equal(meta.seen[0]!.has("json"), true);
  // After "--" a letter is an argument, not a mode.
  const io = capture();
  assert.equal(await runCli(["-b", "h:1", "--", "-L"], [meta], io), 2);
  assert.equal(meta.seen.length, 1);
});

test("runCli passes the command's exit code through", async () => {
  assert.equal(await runCli(["x"], [fake("x", undefined, () => 1)], capture()), 1);
});

test("--help prints the command list on stdout and exits 0", async () => {
  for (const argv of [["--help"], ["-h"], ["help"]]) {
    const io = capture();
    assert.equal(await runCli(argv, [fake("metadata", "L"), fake("produce", "P")], io), 0);
    assert.match(io.out, /^Usage: kanal <command>/);
    assert.match(io.out, /^ {2}metadata {2}-L {2}The metadata command$/m);
    assert.match(io.out, /^ {2}produce {3}-P {2}The produce command$/m);
    assert.match(io.out, /kanal -L\|-P \[flags\]/);
    assert.equal(io.err, "");
  }
});

test("a command's --help prints its usage and flags on stdout without running it", async () => {
  const meta = fake("metadata", "L");
  const io = capture();
  assert.equal(await runCli(["metadata", "-b", "h:1", "--help"], [meta], io), 0);
  assert.equal(meta.seen.length, 0);
  assert.match(io.out, /^Usage: kanal metadata -b BROKERS\n {7}kanal -L -b BROKERS\n/);
  assert.match(io.out, /^ {2}-b, --brokers BROKERS {2}Brokers$/m);
  assert.match(io.out, /^ {2}-h, --help +Print this help$/m);
});

test("usage errors exit 2 with the reason and the usage on stderr", async () => {
  const meta = fake("metadata", "L");
  const cases: [string[], RegExp][] = [
    [[], /^kanal: Cannot run as no command is given\n\nUsage: kanal <command>/],
    [["frob"], /^kanal: Unknown command "frob"\n/],
    [["-b", "h:1"], /^kanal: Cannot run as no command is given: .* -L\n/],
    [["metadata", "-q"], /^kanal metadata: Unknown flag "-q"\n\nUsage: kanal metadata/],
    [["-L", "-b"], /^kanal metadata: Cannot read flag "-b" as it needs a value/],
  ];
  for (const [argv, expected] of cases) {
    const io = capture();
    assert.equal(await runCli(argv, [meta], io), 2, argv.join(" "));
    assert.match(io.err, expected);
    assert.equal(io.out, "");
  }
  assert.equal(meta.seen.length, 0);
});

test("a UsageError from the command exits 2 with its usage", async () => {
  const io = capture();
  const cmd = fake("metadata", "L", () => new UsageError("Cannot read x"));
  assert.equal(await runCli(["metadata"], [cmd], io), 2);
  assert.match(io.err, /^kanal metadata: Cannot read x\n\nUsage: kanal metadata/);
});

test("bad option values from the client exit 2 with one line and a hint", async () => {
  const io = capture();
  const cmd = fake("metadata", "L", () => new TypeError('Unknown Client option "x"'));
  assert.equal(await runCli(["metadata"], [cmd], io), 2);
  assert.equal(
    io.err,
    'kanal: Unknown Client option "x"\nRun "kanal metadata --help" for the flags.\n',
  );
});

test("Kafka errors exit 1 with their message, which starts with the error name", async () => {
  const io = capture();
  const refused = new ConnectionError("h", 1, "Cannot connect", { cause: new Error("refused") });
  assert.equal(await runCli(["m"], [fake("m", undefined, () => refused)], io), 1);
  assert.equal(io.err, "kanal: NETWORK_EXCEPTION: Cannot connect to h:1: refused\n");
  const io2 = capture();
  const unknown = new KafkaError(3, { topic: "t" });
  assert.equal(await runCli(["m"], [fake("m", undefined, () => unknown)], io2), 1);
  assert.match(io2.err, /^kanal: UNKNOWN_TOPIC_OR_PARTITION: .*\[t\]\n$/);
});

test("other errors exit 1 on one line with their name", async () => {
  const io = capture();
  assert.equal(await runCli(["m"], [fake("m", undefined, () => new Error("a\nb"))], io), 1);
  assert.equal(io.err, "kanal: Error: a b\n");
});

test("kanal --version and -V print the version deno.json names", async () => {
  const denoJson = JSON.parse(
    await (await import("node:fs/promises")).readFile(
      new URL("../../deno.json", import.meta.url),
      "utf8",
    ),
  );
  for (const flag of ["--version", "-V"]) {
    const io = capture();
    assert.equal(await runCli([flag], [fake("metadata", "L")], io), 0);
    assert.equal(io.out, `kanal ${denoJson.version}\n`);
    assert.equal(io.err, "");
  }
});
