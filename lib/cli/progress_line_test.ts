// Copyright 2026 the kanal authors. MIT license.
// The progress line on a terminal's stderr for produce and consume, against a fake cluster
// listening on 127.0.0.1; and never on stderr that is not a terminal.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { FakeCluster } from "../testing/fake_cluster.ts";
import { runCli } from "./run_cli.ts";
import { COMMANDS } from "./main.ts";
import { ProgressLine } from "./progress_line.ts";

function io(terminal: boolean, input = "") {
  const o = {
    out: "",
    err: "",
    stdout: (s: string) => Promise.resolve(void (o.out += s)),
    stderr: (s: string) => Promise.resolve(void (o.err += s)),
    env: () => undefined,
    stdin: () => ReadableStream.from([new TextEncoder().encode(input)]),
    stderrIsTerminal: () => terminal,
  };
  return o;
}

test("produce and consume print a progress line on a terminal's stderr, and only there", async () => {
  await using fake = await FakeCluster.start({
    brokers: 1,
    listen: true,
    topics: [{ name: "progress", partitions: 1 }],
  });
  const b = fake.bootstrap;
  const lines = Array.from({ length: 500 }, (_, i) => `line ${i}`).join("\n") + "\n";
  // The line appears after a second; a run this short only shows it if one is drawn at stop,
  // which it must not be: so drive one tick by hand through the timer's interval instead.
  const realSetInterval = globalThis.setInterval;
  const ticks: (() => void)[] = [];
  globalThis.setInterval = ((fn: () => void) => {
    ticks.push(fn);
    return realSetInterval(() => {}, 1e9);
  }) as typeof setInterval;
  try {
    const tty = io(true, lines);
    const produced = runCli(["produce", "-b", b, "-t", "progress"], COMMANDS, tty);
    assert.equal(await produced, 0, tty.err);
    // Nothing drawn: the run ended before the first interval.
    assert.equal(tty.err, "");

    const tty2 = io(true);
    const consumed = runCli(["consume", "-b", b, "-t", "progress", "-e"], COMMANDS, {
      ...tty2,
      stdout: (s: string) => {
        tty2.out += s;
        // Mid-run, one interval passes.
        if (ticks.length > 0) ticks.splice(0).forEach((t) => t());
        return Promise.resolve();
      },
    });
    assert.equal(await consumed, 0, tty2.err);
    assert.equal(tty2.out.split("\n").filter(Boolean).length, 500);
    assert.ok(tty2.err.startsWith("\r\x1b[Kkanal consume: "), tty2.err);
    assert.match(tty2.err, /kanal consume: \d+ records, [\d.]+ MiB, \d+ records\/s/);
    assert.match(
      tty2.err,
      /kanal consume: 500 records, 0\.0 MiB, \d+ records\/s, [\d.]+ MiB\/s\n$/,
    );

    const piped = io(false);
    assert.equal(await runCli(["consume", "-b", b, "-t", "progress", "-e"], COMMANDS, piped), 0);
    assert.equal(piped.err, "");
  } finally {
    globalThis.setInterval = realSetInterval;
  }
});

test("a progress line that was never drawn prints nothing when it stops", async () => {
  let err = "";
  const line = new ProgressLine("produce", (s) => Promise.resolve(void (err += s)));
  line.add(10, 100);
  await line.stop();
  assert.equal(err, "");
});
