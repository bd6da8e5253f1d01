// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * `kanal fake-cluster`: runs an in-process fake Kafka cluster on 127.0.0.1 until interrupted,
 * for kcat, Kafka's Java tools, kanal itself or an application under test.
 *
 * @module
 */

import { UsageError } from "./args.ts";
import type { CliIo, Command } from "./command.ts";
import { FakeCluster, type FakeTopicSpec } from "../testing/fake_cluster.ts";

/** A {@linkcode CliIo} that can tell when the user interrupts, as the runtime's own can. */
export interface FakeClusterIo extends CliIo {
  /** Aborts on SIGINT or SIGTERM. */
  interrupted?(): AbortSignal;
}

function intFlag(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > max) {
    throw new UsageError(
      `Cannot use --${name} as it must be an integer from 0 to ${max}: current value is ${value}`,
    );
  }
  return n;
}

/** Parses `NAME:PARTITIONS` (or `NAME`, one partition). */
export function parseTopicSpec(spec: string): FakeTopicSpec {
  const at = spec.lastIndexOf(":");
  if (at < 0) return { name: spec, partitions: 1 };
  const partitions = Number(spec.slice(at + 1));
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new UsageError(
      `Cannot use --topic as it must be NAME:PARTITIONS with at least 1 partition: current value is ${spec}`,
    );
  }
  return { name: spec.slice(0, at), partitions };
}

/**
 * The `fake-cluster` command: `kanal fake-cluster [--brokers N] [--port P] [--topic
 * NAME:PARTITIONS]...`. Prints the bootstrap list as the first line of stdout once every
 * broker listens, then runs until SIGINT or SIGTERM and exits 0.
 *
 * @example Start, read the bootstrap line, stop
 * ```ts
 * import { fakeClusterCommand } from "./fake_cluster_command.ts";
 * import { parseArgs } from "./args.ts";
 * import assert from "node:assert/strict";
 *
 * const stop = new AbortController();
 * let out = "";
 * const io = {
 *   stdout: async (s: string) => { out += s; stop.abort(); },
 *   stderr: async () => {},
 *   env: () => undefined,
 *   interrupted: () => stop.signal,
 * };
 * const args = parseArgs(["--brokers", "2", "--topic", "t:3"], fakeClusterCommand.flags);
 * assert.equal(await fakeClusterCommand.run(args, io), 0);
 * assert.match(out, /^127\.0\.0\.1:\d+,127\.0\.0\.1:\d+\n/);
 * ```
 */
export const fakeClusterCommand: Command = {
  name: "fake-cluster",
  summary: "Run an in-process fake Kafka cluster on 127.0.0.1 until interrupted",
  usage: "kanal fake-cluster [--brokers N] [--port P] [--topic NAME:PARTITIONS]...",
  flags: [
    { name: "brokers", value: "N", description: "How many brokers (default 1)" },
    {
      name: "port",
      short: "p",
      value: "P",
      description: "The first broker's port; the others take the next ones (default: free ports)",
    },
    {
      name: "topic",
      short: "t",
      value: "NAME:PARTITIONS",
      repeatable: true,
      description: "A topic to create at start (unknown topics are also created on first use)",
    },
  ],
  async run(args, io) {
    if (args.positionals.length > 0) {
      throw new UsageError(`Unexpected argument "${args.positionals[0]}"`);
    }
    const brokers = intFlag(args.get("brokers"), "brokers", 1, 64);
    if (brokers < 1) throw new UsageError("Cannot use --brokers as it must be at least 1");
    const port = intFlag(args.get("port"), "port", 0, 65535);
    const topics = args.all("topic").map(parseTopicSpec);
    const interrupted = (io as FakeClusterIo).interrupted?.call(io);
    let faults: Promise<void> = Promise.resolve();
    await using cluster = await FakeCluster.start({
      brokers,
      port,
      topics,
      listen: true,
      // A fault is a bug in the fake: say so where the user sees it, and keep serving.
      onFault: (e) => faults = faults.then(() => io.stderr(`kanal fake-cluster: fault: ${e}\n`)),
    });
    await io.stdout(`${cluster.bootstrap}\n`);
    if (interrupted === undefined) return 0;
    if (!interrupted.aborted) {
      await new Promise<void>((resolve) =>
        interrupted.addEventListener("abort", () => resolve(), { once: true })
      );
    }
    await faults;
    return 0;
  },
};
