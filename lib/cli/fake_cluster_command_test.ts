// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { runCli } from "./run_cli.ts";
import { fakeClusterCommand, parseTopicSpec } from "./fake_cluster_command.ts";

function io() {
  const out = { stdout: "", stderr: "" };
  return {
    out,
    io: {
      stdout: (s: string) => Promise.resolve(void (out.stdout += s)),
      stderr: (s: string) => Promise.resolve(void (out.stderr += s)),
      env: () => undefined,
    },
  };
}

test("kanal fake-cluster refuses a bad broker count, port or topic with a usage error", async () => {
  for (
    const argv of [
      ["fake-cluster", "--brokers", "0"],
      ["fake-cluster", "--brokers", "x"],
      ["fake-cluster", "--port", "70000"],
      ["fake-cluster", "--topic", "t:0"],
      ["fake-cluster", "extra"],
    ]
  ) {
    const { out, io: cio } = io();
    assert.equal(await runCli(argv, [fakeClusterCommand], cio), 2, argv.join(" "));
    assert.match(out.stderr, /Usage: kanal fake-cluster/);
  }
});

test("a topic spec is NAME:PARTITIONS, or NAME for one partition", () => {
  assert.deepEqual(parseTopicSpec("orders:6"), { name: "orders", partitions: 6 });
  assert.deepEqual(parseTopicSpec("orders"), { name: "orders", partitions: 1 });
});
