// Copyright 2026 the kanal authors. MIT license.
/**
 * The broker harness (scripts/kafka.sh) from tests: Kafka's own tools, a node killed and
 * restarted, a broker paused, and a cluster waited for until all its brokers are registered.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import process from "node:process";
import type { Client } from "../lib/client/client.ts";
import { type BrokerAddress, brokerList } from "./_kafka.ts";
import { ROOT, run, type RunResult } from "./_tools.ts";
import { until } from "./_wait.ts";

/** Runs `scripts/kafka.sh ARGS...`. */
export function kafkaSh(
  args: string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return run(`${ROOT}scripts/kafka.sh`, args, {
    input: options.input,
    timeoutMs: options.timeoutMs ?? 200_000,
  });
}

/** What one of Kafka's tools printed, as text, and how it exited. */
export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one of Kafka's tools (`scripts/kafka.sh tool CLASS ARGS...`) whatever its exit code. */
export async function kafkaToolRun(
  cls: string,
  args: string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<ToolResult> {
  const r = await kafkaSh(["tool", cls, ...args], { timeoutMs: 120_000, ...options });
  return { code: r.code, stdout: new TextDecoder().decode(r.stdout), stderr: r.stderr };
}

/** Runs one of Kafka's tools against the single broker (`--bootstrap-server` first); throws when it fails. */
export function brokerTool(cls: string, args: string[]): Promise<string> {
  return kafkaTool(cls, ["--bootstrap-server", brokerList(), ...args]);
}

/** Runs one of Kafka's tools (`scripts/kafka.sh tool CLASS ARGS...`) and throws when it fails. */
export async function kafkaTool(
  cls: string,
  args: string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<string> {
  const r = await kafkaSh(["tool", cls, ...args], { timeoutMs: 90_000, ...options });
  if (r.code !== 0) throw new Error(`${cls} ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return new TextDecoder().decode(r.stdout);
}

async function nodeCommand(verb: "kill" | "restart", node: number): Promise<void> {
  const r = await kafkaSh([verb, String(node), "--nodes", "3"]);
  if (r.code !== 0) throw new Error(`kafka.sh ${verb} ${node} failed: ${r.stderr}`);
}

/** SIGKILLs node `node` (1 to 3) of the three-node cluster; its data stays. */
export function killNode(node: number): Promise<void> {
  return nodeCommand("kill", node);
}

/** Starts node `node` of the three-node cluster again on its data, once it listens. */
export function restartNode(node: number): Promise<void> {
  return nodeCommand("restart", node);
}

/**
 * The pid of the broker serving `b`, as the harness knows it (or, for a broker it did not
 * start, the process listening there). Throws, saying why, when there is none.
 */
export async function brokerPid(b: BrokerAddress): Promise<number> {
  const r = await kafkaSh(["pid", `${b.host}:${b.port}`], { timeoutMs: 10_000 });
  const pid = Number(new TextDecoder().decode(r.stdout).trim());
  if (r.code !== 0 || !(pid > 0)) {
    throw new Error(`cannot find the process of the broker at ${b.host}:${b.port}: ${r.stderr}`);
  }
  return pid;
}

/** The process state letter Linux shows for `pid` (R, S, T for stopped, ...). */
function processState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
}

/**
 * Pauses the broker serving `b` (SIGSTOP) while `body` runs, and resumes it (SIGCONT) however
 * `body` ends. `body` starts once the kernel shows the process stopped.
 */
export async function whilePaused<T>(b: BrokerAddress, body: () => Promise<T>): Promise<T> {
  const pid = await brokerPid(b);
  process.kill(pid, "SIGSTOP");
  try {
    await until(`the broker (pid ${pid}) to stop`, () => processState(pid) === "T", 10_000, 10);
    return await body();
  } finally {
    process.kill(pid, "SIGCONT");
  }
}

/** Waits until the client's metadata lists `count` brokers (a restarted node re-registers). */
export async function waitForBrokers(client: Client, count: number): Promise<void> {
  await until(
    `${count} brokers in the metadata`,
    async () => {
      await client.refreshMetadata(null);
      return client.metadata.brokers.size >= count;
    },
    60_000,
    200,
  );
}
