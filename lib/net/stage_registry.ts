// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The live stage dump: every long-lived stage registers here with its name, role, state and a
 * few counters, so a user can see what each part of the pipeline is doing — kanal's answer to
 * the goroutine backtrace a Go user would read.
 *
 * It lives in the net layer because the lowest stages (each connection's responseReceiver) are
 * there; every layer above registers into the same registry.
 *
 * @module
 */

/** What a stage is doing now. docs/reading-stage-dumps.md says which states are normal. */
export type StageState =
  | "idle"
  | "waiting for input"
  | "backpressured"
  | "request in flight"
  | "retrying"
  | "closed";

/** One stage as the dump shows it. */
export interface StageSnapshot {
  /** The Sarama stage it stands for, e.g. `responseReceiver`. */
  readonly name: string;
  /** Which one it is, e.g. `broker 2, fetch connection`. */
  readonly role: string;
  /** What it is doing. */
  readonly state: StageState;
  /** Milliseconds in this state. */
  readonly forMs: number;
  /** Milliseconds since it last did work. */
  readonly idleMs: number;
  /** Its counters, e.g. requests in flight, bytes read. */
  readonly counters: Readonly<Record<string, number>>;
}

/**
 * A stage's entry in the registry. The stage updates it as it works; updates are plain field
 * writes, cheap enough for once-per-batch use.
 *
 * @example A stage reports what it does
 * ```ts
 * import { StageRegistry } from "./stage_registry.ts";
 * import assert from "node:assert/strict";
 *
 * const registry = new StageRegistry();
 * const stage = registry.register("flusher", "broker 1");
 * stage.set("request in flight");
 * stage.add("requests", 1);
 * assert.equal(registry.snapshot()[0]?.state, "request in flight");
 * assert.equal(registry.snapshot()[0]?.counters.requests, 1);
 * stage.close();
 * assert.equal(registry.snapshot().length, 0);
 * ```
 */
export class StageHandle {
  /** The Sarama stage it stands for. */
  readonly name: string;
  /** Which one it is. */
  readonly role: string;
  /** Its counters; stages may also write fields directly. */
  readonly counters: Record<string, number> = {};
  #state: StageState = "idle";
  #since: number = Date.now();
  #active: number = this.#since;
  #registry: StageRegistry;

  /** Made by {@linkcode StageRegistry.register}. */
  constructor(registry: StageRegistry, name: string, role: string) {
    this.#registry = registry;
    this.name = name;
    this.role = role;
  }

  /** The current state. */
  get state(): StageState {
    return this.#state;
  }

  /** Moves to `state`; a move to the same state only marks activity. */
  set(state: StageState): void {
    const now = Date.now();
    this.#active = now;
    if (state === this.#state) return;
    this.#state = state;
    this.#since = now;
  }

  /** Adds `delta` to a counter and marks activity. */
  add(counter: string, delta: number): void {
    this.counters[counter] = (this.counters[counter] ?? 0) + delta;
    this.#active = Date.now();
  }

  /** Marks the stage closed and takes it out of the dump. */
  close(): void {
    this.set("closed");
    this.#registry.unregister(this);
  }

  /** This stage as the dump shows it. */
  snapshot(now: number = Date.now()): StageSnapshot {
    return {
      name: this.name,
      role: this.role,
      state: this.#state,
      forMs: now - this.#since,
      idleMs: now - this.#active,
      counters: { ...this.counters },
    };
  }
}

/**
 * The set of live stages of one client.
 *
 * @example Print the dump
 * ```ts
 * import { StageRegistry } from "./stage_registry.ts";
 * import assert from "node:assert/strict";
 *
 * const registry = new StageRegistry();
 * registry.register("backgroundMetadataUpdater", "every 300000 ms");
 * assert.match(registry.format(), /backgroundMetadataUpdater/);
 * ```
 */
export class StageRegistry {
  #stages: Set<StageHandle> = new Set();

  /** Registers a stage and returns its handle. */
  register(name: string, role: string): StageHandle {
    const h = new StageHandle(this, name, role);
    this.#stages.add(h);
    return h;
  }

  /** Removes a stage; {@linkcode StageHandle.close} calls this. */
  unregister(handle: StageHandle): void {
    this.#stages.delete(handle);
  }

  /** Every live stage, sorted by name and role. */
  snapshot(): StageSnapshot[] {
    const now = Date.now();
    return [...this.#stages].map((s) => s.snapshot(now)).sort((a, b) =>
      a.name === b.name ? a.role.localeCompare(b.role) : a.name.localeCompare(b.name)
    );
  }

  /** The snapshot as a fixed-width table, one stage a line. */
  format(): string {
    return formatStages(this.snapshot());
  }
}

/**
 * Formats stage snapshots as a table: stage, role, state, time in state, idle time, counters.
 *
 * @example
 * ```ts
 * import { formatStages } from "./stage_registry.ts";
 * import assert from "node:assert/strict";
 *
 * const table = formatStages([{
 *   name: "flusher", role: "broker 1", state: "idle", forMs: 5, idleMs: 5, counters: { requests: 2 },
 * }]);
 * assert.match(table, /flusher\s+broker 1\s+idle/);
 * ```
 */
export function formatStages(stages: readonly StageSnapshot[]): string {
  const rows = [["STAGE", "ROLE", "STATE", "FOR", "IDLE", "COUNTERS"]];
  for (const s of stages) {
    const counters = Object.entries(s.counters).map(([k, v]) => `${k}=${v}`).join(" ");
    rows.push([s.name, s.role, s.state, duration(s.forMs), duration(s.idleMs), counters]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n");
}

function duration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${Math.floor((ms % 60_000) / 1000)}s`;
}
