// Copyright 2026 the kanal authors. MIT license.
/**
 * What the admin tests share: Kafka's own tools as the oracle, and a client and admin on the
 * single broker.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { run } from "./_tools.ts";
import { brokerList } from "./_kafka.ts";

const KAFKA_SH: string = fileURLToPath(new URL("../scripts/kafka.sh", import.meta.url));

/** What a Kafka tool printed, and how it exited. */
export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one of Kafka's tools (`scripts/kafka.sh tool CLASS ARGS`) and returns what it printed. */
export async function kafkaToolRun(cls: string, args: string[]): Promise<ToolResult> {
  const r = await run(KAFKA_SH, ["tool", cls, ...args], { timeoutMs: 120_000 });
  return { code: r.code, stdout: new TextDecoder().decode(r.stdout), stderr: r.stderr };
}

/** Runs one of Kafka's tools against the single broker and throws when it exits non-zero. */
export async function kafkaTool(cls: string, args: string[]): Promise<string> {
  const r = await kafkaToolRun(cls, ["--bootstrap-server", brokerList(), ...args]);
  if (r.code !== 0) {
    throw new Error(`kafka tool ${cls} ${args.join(" ")} exited ${r.code}:\n${r.stderr}`);
  }
  return r.stdout;
}
