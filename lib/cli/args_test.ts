// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { type FlagSpec, formatFlags, parseArgs, UsageError } from "./args.ts";

const FLAGS: readonly FlagSpec[] = [
  { name: "brokers", short: "b", value: "BROKERS", description: "bootstrap brokers" },
  { name: "topic", short: "t", value: "TOPIC", repeatable: true, description: "topic" },
  { name: "config", short: "X", value: "KEY=VALUE", repeatable: true, description: "option" },
  { name: "offset", short: "o", value: "OFFSET", description: "start offset" },
  { name: "json", short: "J", description: "JSON" },
  { name: "quiet", short: "q", description: "quiet" },
  { name: "verbose", description: "long name only" },
];

test("parseArgs reads a value from the next argument or glued to the letter", () => {
  assert.equal(parseArgs(["-b", "h:1"], FLAGS).get("brokers"), "h:1");
  assert.equal(parseArgs(["-bh:1"], FLAGS).get("brokers"), "h:1");
});

test("parseArgs reads long names with = or a separate value", () => {
  assert.equal(parseArgs(["--brokers=h:1"], FLAGS).get("brokers"), "h:1");
  assert.equal(parseArgs(["--brokers", "h:1"], FLAGS).get("brokers"), "h:1");
  // A value may itself contain "=": only the first one splits.
  assert.deepEqual(parseArgs(["--config=a=b=c"], FLAGS).all("config"), ["a=b=c"]);
  assert.equal(parseArgs(["--verbose"], FLAGS).has("verbose"), true);
});

test("parseArgs collects repeated flags in order", () => {
  const args = parseArgs(["-X", "a=1", "-t", "x", "-Xb=2", "--topic", "y"], FLAGS);
  assert.deepEqual(args.all("config"), ["a=1", "b=2"]);
  assert.deepEqual(args.all("topic"), ["x", "y"]);
  assert.deepEqual(args.all("brokers"), []);
});

test("parseArgs groups switches, and a value flag ends the group taking the rest", () => {
  const args = parseArgs(["-Jq"], FLAGS);
  assert.equal(args.has("json"), true);
  assert.equal(args.has("quiet"), true);
  assert.equal(args.has("brokers"), false);
  const glued = parseArgs(["-Jbh:1"], FLAGS);
  assert.equal(glued.has("json"), true);
  assert.equal(glued.get("brokers"), "h:1");
  const next = parseArgs(["-qb", "h:2"], FLAGS);
  assert.equal(next.get("brokers"), "h:2");
});

test("parseArgs takes a value that starts with a dash, as getopt does", () => {
  assert.equal(parseArgs(["-o", "-10"], FLAGS).get("offset"), "-10");
});

test("parseArgs keeps positionals, a lone dash, and everything after --", () => {
  const args = parseArgs(["a", "-J", "-", "b", "--", "-q", "--json"], FLAGS);
  assert.deepEqual(args.positionals, ["a", "-", "b", "-q", "--json"]);
  assert.equal(args.has("quiet"), false);
  assert.equal(args.has("json"), true);
});

test("parseArgs refuses unknown flags, short, long and inside a group", () => {
  assert.throws(() => parseArgs(["-Z"], FLAGS), (e) => {
    assert.ok(e instanceof UsageError);
    assert.equal(e.message, 'Unknown flag "-Z"');
    return true;
  });
  assert.throws(() => parseArgs(["--nope=1"], FLAGS), { message: 'Unknown flag "--nope"' });
  assert.throws(() => parseArgs(["-JZ"], FLAGS), { message: 'Unknown flag "-Z" (in "-JZ")' });
});

test("parseArgs refuses a missing value and a value given to a switch", () => {
  assert.throws(() => parseArgs(["-b"], FLAGS), {
    name: "UsageError",
    message: 'Cannot read flag "-b" as it needs a value (BROKERS)',
  });
  assert.throws(() => parseArgs(["-Jb"], FLAGS), /"-b" as it needs a value/);
  assert.throws(() => parseArgs(["--brokers"], FLAGS), /"--brokers" as it needs a value/);
  assert.throws(() => parseArgs(["--json=yes"], FLAGS), {
    name: "UsageError",
    message: 'Cannot read flag "--json" as it takes no value: current value is "yes"',
  });
});

test("parseArgs refuses two different values for a one-value flag but accepts the same twice", () => {
  assert.throws(() => parseArgs(["-b", "h:1", "--brokers", "h:2"], FLAGS), {
    name: "UsageError",
    message: 'Cannot use flag "--brokers" twice as it takes one value: ' +
      'current values are "h:1" and "h:2"',
  });
  assert.equal(parseArgs(["-b", "h:1", "-b", "h:1"], FLAGS).get("brokers"), "h:1");
});

test("parseArgs refuses a spec whose short name is not one letter", () => {
  assert.throws(
    () => parseArgs([], [{ name: "x", short: "xy", description: "" }]),
    RangeError,
  );
});

test("formatFlags aligns descriptions and leaves room where there is no letter", () => {
  const lines = formatFlags(FLAGS).split("\n");
  assert.equal(lines.length, FLAGS.length);
  const column = lines[0]!.indexOf("bootstrap brokers");
  for (const [i, f] of FLAGS.entries()) assert.equal(lines[i]!.slice(column), f.description);
  assert.equal(lines.at(-1)!.startsWith("      --verbose"), true);
});
