// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The progress line long produce and consume runs keep up to date on a terminal's stderr.
 *
 * @module
 */

import type { CliIo } from "./command.ts";

/**
 * A {@linkcode ProgressLine} for `label` when `io`'s stderr is a terminal; otherwise none, so
 * output piped or captured stays free of it.
 *
 * @example Captured stderr gets no progress line
 * ```ts
 * import { progressLine } from "./progress_line.ts";
 * import assert from "node:assert/strict";
 *
 * const io = { stdout: async () => {}, stderr: async () => {}, env: () => undefined };
 * assert.equal(progressLine(io, "produce"), undefined);
 * ```
 */
export function progressLine(io: CliIo, label: string): ProgressLine | undefined {
  return io.stderrIsTerminal?.call(io) ? new ProgressLine(label, (t) => io.stderr(t)) : undefined;
}

/** Options for {@linkcode ProgressLine}. */
export interface ProgressLineOptions {
  /** Time between updates, in ms; the first comes after one interval, so short runs print nothing. @default {1000} */
  intervalMs?: number;
  /** The clock, in ms. @default {performance.now} */
  now?: () => number;
}

/**
 * A line on stderr, redrawn in place (`\r`) every second: records, bytes and rates so far,
 * e.g. `kanal produce: 120000 records, 11.4 MiB, 40000 records/s, 3.8 MiB/s`. Only for a
 * terminal: the caller makes one only when stderr is one, so piped or captured stderr stays
 * clean. `stop()` prints the final count on its own line if any line was shown.
 *
 * @example Counts and rates after two seconds
 * ```ts
 * import { ProgressLine } from "./progress_line.ts";
 * import assert from "node:assert/strict";
 *
 * let err = "";
 * let t = 0;
 * const line = new ProgressLine("consume", async (s) => void (err += s), {
 *   intervalMs: 1e9, now: () => t,
 * });
 * line.add(3000, 2 * 1024 * 1024);
 * t = 2000;
 * await line.tick();
 * await line.stop();
 * assert.match(err, /^\r\x1b\[Kkanal consume: 3000 records, 2\.0 MiB, 1500 records\/s, 1\.0 MiB\/s/);
 * assert.ok(err.endsWith("\n"));
 * ```
 */
export class ProgressLine {
  readonly #label: string;
  readonly #write: (text: string) => Promise<void>;
  readonly #now: () => number;
  readonly #started: number;
  readonly #timer: ReturnType<typeof setInterval>;
  #records = 0;
  #bytes = 0;
  #shown = false;
  #writing: Promise<void> = Promise.resolve();

  /** Starts the clock; `write` writes to stderr. */
  constructor(
    label: string,
    write: (text: string) => Promise<void>,
    options: ProgressLineOptions = {},
  ) {
    this.#label = label;
    this.#write = write;
    this.#now = options.now ?? (() => performance.now());
    this.#started = this.#now();
    // tick() never rejects: a failed stderr write is dropped (a progress line is not output).
    this.#timer = setInterval(() => void this.tick(), options.intervalMs ?? 1000);
  }

  /** Counts records and bytes done. */
  add(records: number, bytes: number): void {
    this.#records += records;
    this.#bytes += bytes;
  }

  /** Redraws the line now; the timer calls it every interval. */
  tick(): Promise<void> {
    this.#shown = true;
    return this.#draw("");
  }

  /** Stops updating; prints the final counts on their own line if a line was shown. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    if (this.#shown) await this.#draw("\n");
    await this.#writing;
  }

  #draw(end: string): Promise<void> {
    const s = Math.max(0.001, (this.#now() - this.#started) / 1000);
    const mib = (b: number) => (b / 1048576).toFixed(1);
    const text =
      `\r\x1b[Kkanal ${this.#label}: ${this.#records} records, ${mib(this.#bytes)} MiB, ` +
      `${Math.round(this.#records / s)} records/s, ${mib(this.#bytes / s)} MiB/s${end}`;
    // Writes go one after another, and a failed one (stderr closed) is not an error of the run.
    this.#writing = this.#writing.then(() => this.#write(text)).catch(() => {});
    return this.#writing;
  }
}

/**
 * A pass-through stage that counts the bytes flowing by into `progress` (none without one).
 *
 * @example Bytes read from stdin
 * ```ts
 * import { countBytes, ProgressLine } from "./progress_line.ts";
 * import assert from "node:assert/strict";
 *
 * let err = "";
 * const line = new ProgressLine("produce", async (s) => void (err += s), { intervalMs: 1e9 });
 * await ReadableStream.from([new Uint8Array(1048576)]).pipeThrough(countBytes(line)).pipeTo(new WritableStream());
 * await line.tick();
 * await line.stop();
 * assert.match(err, /0 records, 1\.0 MiB/);
 * ```
 */
export function countBytes(
  progress: ProgressLine | undefined,
): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform(chunk, controller) {
      progress?.add(0, chunk.length);
      controller.enqueue(chunk);
    },
  });
}
