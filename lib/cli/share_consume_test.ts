// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { parseArgs, UsageError } from "./args.ts";
import { consumeCommand, consumeOptionsFromArgs } from "./consume_command.ts";

const parse = (argv: string[]) => consumeOptionsFromArgs(parseArgs(argv, consumeCommand.flags));

test("consume --share: the group, its topics and the acknowledgement rules", () => {
  const s = parse(["-b", "b:9092", "--share", "workers", "--reject", "^bad", "-c", "5", "jobs"]);
  assert.equal(s.share, "workers");
  assert.deepEqual(s.topics, ["jobs"]);
  assert.equal(s.count, 5);
  assert.ok(s.reject?.test("bad-1") && !s.reject.test("ok"));
  assert.equal(s.release, undefined);
});

test("consume --share: refuses what a share group cannot do, by name", () => {
  assert.throws(() => parse(["-b", "b:9092", "--share", "w"]), /no topic is given/);
  assert.throws(() => parse(["-b", "b:9092", "--share", "w", "-p", "0", "jobs"]), /--partition/);
  assert.throws(() => parse(["-b", "b:9092", "--share", "w", "-o", "end", "jobs"]), /--offset/);
  assert.throws(() => parse(["-b", "b:9092", "--share", " ", "jobs"]), UsageError);
  assert.throws(
    () => parse(["-b", "b:9092", "--share", "w", "--release", "(", "jobs"]),
    /not a regular expression/,
  );
  assert.throws(
    () => parse(["-b", "b:9092", "-t", "jobs", "--reject", "x"]),
    /without --share/,
  );
});
