// Copyright 2026 the kanal authors. MIT license.
// The test side of tests/group/member.ts: one member process, the JSON events it prints, and
// what they say it owns and processed. Shared by the group tests.
import { spawn } from "node:child_process";

const ROOT = new URL("../..", import.meta.url).pathname;
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

/** A partition set of one topic, as member.ts prints it in `tps`. */
export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

/** One line member.ts printed. */
export interface Event {
  /** ready, assigned, revoked, records, closed. */
  e: string;
  /** Date.now() in the member when it printed the line. */
  t: number;
  /** The partitions (assigned, revoked) or the partition (records). */
  p?: number | number[];
  /** The topics and partitions (assigned, revoked). */
  tps?: TopicPartitions[];
  /** The topic (records). */
  topic?: string;
  /** First and last offset and record count (records). */
  f?: number;
  l?: number;
  n?: number;
  /** The generation. */
  g?: number;
  m?: string;
}

/** One member process and what it printed. */
export class Member {
  readonly events: Event[] = [];
  /** When the process was spawned (Date.now() in the test process). */
  readonly started: number = Date.now();
  readonly #child;
  #stderr = "";
  exited: Promise<number | null>;

  constructor(args: string[]) {
    const cmd = isBun ? `${ROOT}node_modules/.bin/bun` : `${ROOT}node_modules/.bin/deno`;
    const pre = isBun ? [] : ["run", "-A"];
    this.#child = spawn(cmd, [...pre, `${ROOT}tests/group/member.ts`, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let buf = "";
    this.#child.stdout.on("data", (c: Uint8Array) => {
      buf += new TextDecoder().decode(c);
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.startsWith("{")) this.events.push(JSON.parse(line));
      }
    });
    // Kept (the tail only) so a failure can say why a member died.
    this.#child.stderr.on("data", (c: Uint8Array) => {
      this.#stderr = (this.#stderr + new TextDecoder().decode(c)).slice(-4000);
    });
    this.exited = new Promise((r) => this.#child.once("exit", (code) => r(code)));
  }

  /** The end of what the process wrote to stderr. */
  get stderr(): string {
    return this.#stderr;
  }

  /** The partitions it owns now, from its assigned and revoked events. */
  owned(): Set<number> {
    const s = new Set<number>();
    for (const ev of this.events) {
      if (ev.e === "assigned") { for (const p of ev.p as number[]) s.add(p); }
      if (ev.e === "revoked") { for (const p of ev.p as number[]) s.delete(p); }
    }
    return s;
  }

  /** The topic partitions it owns now, as "topic/partition" strings. */
  ownedTopicPartitions(): Set<string> {
    const s = new Set<string>();
    for (const ev of this.events) {
      const tps = (ev.tps ?? []).flatMap((x) => x.partitions.map((p) => `${x.topic}/${p}`));
      if (ev.e === "assigned") { for (const tp of tps) s.add(tp); }
      if (ev.e === "revoked") { for (const tp of tps) s.delete(tp); }
    }
    return s;
  }

  /** Every offset it processed, per partition. */
  processed(into: Map<number, Set<number>>): void {
    for (const ev of this.events) {
      if (ev.e !== "records") continue;
      let s = into.get(ev.p as number);
      if (s === undefined) into.set(ev.p as number, s = new Set());
      for (let o = ev.f!; o <= ev.l!; o++) s.add(o);
    }
  }

  kill(signal: "SIGKILL" | "SIGTERM"): void {
    this.#child.kill(signal);
  }
}

/** Every offset any of `members` processed, per partition. */
export function processedBy(members: readonly Member[]): Map<number, Set<number>> {
  const m = new Map<number, Set<number>>();
  for (const x of members) x.processed(m);
  return m;
}
