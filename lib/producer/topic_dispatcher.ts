// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Sarama's dispatcher: the producer's entry stage.
 *
 * @module
 */

import type { RecordHeaderInput } from "../protocol/record.ts";
import { utf8Length } from "../protocol/writer.ts";
import type { StageHandle } from "../net/stage_registry.ts";
import { Delivery } from "./_delivery.ts";
import type { ProducerContext } from "./_producer_context.ts";
import type { NormalizedRecord, RecordRun } from "./_record_run.ts";
import type { DeliveryReport, ProducerRecord } from "./producer_record.ts";

/** Per-record overhead charged to the buffer besides key, value and headers. */
const RECORD_OVERHEAD = 24;

/**
 * Takes records in: checks and serializes them, charges them to the buffer budget (waiting
 * when it is full: the producer's backpressure), and hands each topic's share to that topic's
 * partitionDispatcher. One per producer; it is `producer.writable`, and `send()` and
 * `transform()` submit through it too.
 *
 * A write resolves once its records are buffered, not delivered. A bad record (no topic, a
 * value or header that is not bytes, a string or null without a serializer) refuses the whole
 * submission with a `TypeError` before any of it is accepted: `send()` throws it, and a
 * `writable` write fails its records with it (reported like other failures) without erroring
 * the stream. When the buffer stays full for `maxBlockMs`, the records not yet accepted fail
 * with a retriable REQUEST_TIMED_OUT.
 *
 * @example Write records through the stream
 * ```ts ignore
 * const writer = producer.writable.getWriter();
 * await writer.write([{ topic: "t", value: "a" }, { topic: "t", value: "b" }]);
 * ```
 */
export class TopicDispatcher extends WritableStream<ProducerRecord | readonly ProducerRecord[]> {
  /** Its entry in the stage dump. */
  readonly stage: StageHandle;
  readonly #ctx: ProducerContext;

  /** Writes queued in the stream and not yet submitted; `flush()` waits for them too. */
  #queued = 0;
  #drained: Array<() => void> = [];
  /** The stream is errored: no write queued now or later reaches the sink. */
  #ended = false;
  #controller!: WritableStreamDefaultController;
  /** The writer of each topic's partitionDispatcher: this stage is its one writer. */
  readonly #writers: Map<string, WritableStreamDefaultWriter<RecordRun>> = new Map();

  /** Makes the stage; `stage` is its dump entry. */
  constructor(ctx: ProducerContext, stage: StageHandle) {
    const ref: { self?: TopicDispatcher; controller?: WritableStreamDefaultController } = {};
    super({
      // Runs inside super(), before `this` exists.
      start: (controller) => {
        ref.controller = controller;
      },
      write: async (chunk) => {
        const self = ref.self!;
        const records = Array.isArray(chunk) ? chunk : [chunk as ProducerRecord];
        try {
          await self.submit(records, false, false);
        } catch (e) {
          // After close() (or a stage's failure) the stream ends in that error: writes are
          // refused from then on.
          if (self.#ctx.closed) {
            self.#end();
            throw e;
          }
          // A rejected sink write would error the stream for good and strand the writes queued
          // behind it; instead the write's records fail, reported like any failed record (to
          // onError, or by the next flush() or close()), and the stream goes on.
          const error = e instanceof Error ? e : new Error(String(e));
          for (const r of records) {
            const topic = (r as { topic?: unknown } | null)?.topic;
            self.#ctx.fail({
              topic: typeof topic === "string" ? topic : "",
              partition: -1,
              offset: -1,
              timestamp: -1,
              error,
            });
          }
        } finally {
          if (!self.#ended && --self.#queued === 0) {
            for (const w of self.#drained.splice(0)) w();
          }
        }
      },
    }, {
      highWaterMark: 1,
      // Called as each write is queued (and for a write into an errored stream, which is refused
      // at once): count it, so a flush sees writes not yet submitted.
      size: () => {
        if (!ref.self!.#ended) ref.self!.#queued++;
        return 1;
      },
    });
    ref.self = this;
    this.#controller = ref.controller!;
    this.#ctx = ctx;
    this.stage = stage;
    stage.set("waiting for input");
    stage.counters.records = 0;
  }

  /** The stream errors (or has): what is queued is refused, so flush() and close() wait no more. */
  #end(): void {
    this.#ended = true;
    this.#queued = 0;
    for (const w of this.#drained.splice(0)) w();
  }

  /** Closes the writers this stage holds, once what was written into them is handled. */
  async stop(): Promise<void> {
    this.stage.close();
    // A partitionDispatcher errored by a failure has already failed what it held, and the
    // producer with it (ctx.fatal): closing it has nothing more to report.
    await Promise.all([...this.#writers.values()].map((w) => w.close().catch(() => {})));
  }

  /** Resolves once every write queued in the stream so far has been submitted. */
  submitted(): Promise<void> {
    if (this.#queued === 0) return Promise.resolve();
    return new Promise((r) => this.#drained.push(r));
  }

  /**
   * Accepts records into the producer and resolves once they are all buffered. With
   * `wantReports`, the returned promise's `delivered` resolves with one report per record, in
   * order, once every record is delivered or failed.
   */
  async submit(
    records: readonly ProducerRecord<unknown, unknown>[],
    wantReports: boolean,
    urgent: boolean,
  ): Promise<{ delivered: Promise<DeliveryReport[] | null> }> {
    const ctx = this.#ctx;
    if (ctx.closed) {
      throw ctx.failed ?? new TypeError("Cannot produce as the producer is closed");
    }
    ctx.txn?.checkSend();
    // Records without a timestamp of their own are stamped with the time they are accepted.
    const at = Date.now();
    const normalized = new Array<NormalizedRecord>(records.length);
    const sizes = new Array<number>(records.length);
    for (let i = 0; i < records.length; i++) {
      const r = normalize(records[i]!, ctx);
      normalized[i] = r;
      sizes[i] = estimate(r);
    }
    let resolveDone!: (r: DeliveryReport[] | null) => void;
    const delivered = new Promise<DeliveryReport[] | null>((r) => resolveDone = r);
    const txn = ctx.txn;
    const delivery = new Delivery(
      records.length,
      wantReports,
      urgent,
      txn === undefined ? (report) => ctx.fail(report) : (report) => {
        txn.failed(report.error!);
        ctx.fail(report);
      },
      txn === undefined ? resolveDone : (reports) => {
        // A failed record dooms its transaction: it can only be aborted.
        for (const r of reports ?? []) if (r.error) txn.failed(r.error);
        resolveDone(reports);
      },
    );
    if (records.length === 0) return { delivered };
    await ctx.ready();
    // Accept in pieces of at most a quarter of the budget, so a large write flows in as
    // earlier records are delivered instead of waiting for the buffer to empty.
    const o = ctx.options;
    const pieceRecords = Math.max(1, Math.floor(o.maxBufferedRecords / 4));
    const pieceBytes = Math.max(1, Math.floor(o.maxBufferedBytes / 4));
    for (let i = 0; i < normalized.length;) {
      let j = i;
      let bytes = 0;
      while (
        j < normalized.length && j - i < pieceRecords &&
        (j === i || bytes + sizes[j]! <= pieceBytes)
      ) {
        bytes += sizes[j]!;
        j++;
      }
      const wait = ctx.reserve(j - i, bytes);
      if (wait !== undefined) {
        this.stage.set("backpressured");
        try {
          await wait;
        } catch (e) {
          // The buffer stayed full for maxBlockMs: what was not accepted fails.
          for (let k = i; k < normalized.length; k++) {
            delivery.failed(
              k,
              normalized[k]!.topic,
              -1,
              normalized[k]!.timestamp ?? -1,
              e as Error,
            );
          }
          this.stage.set("waiting for input");
          return { delivered };
        }
      }
      if (ctx.aborted !== null) {
        // Aborted while waiting: fail what was not accepted.
        ctx.release(j - i, bytes);
        for (let k = i; k < normalized.length; k++) {
          delivery.failed(k, normalized[k]!.topic, -1, normalized[k]!.timestamp ?? -1, ctx.aborted);
        }
        return { delivered };
      }
      await this.#route(normalized, sizes, delivery, i, j, at);
      i = j;
    }
    this.stage.add("records", records.length);
    this.stage.set("waiting for input");
    return { delivered };
  }

  #route(
    records: NormalizedRecord[],
    sizes: number[],
    delivery: Delivery,
    from: number,
    to: number,
    at: number,
  ): Promise<void> {
    // Most writes are for one topic: keep them as one run without a map.
    const first = records[from]!.topic;
    let oneTopic = true;
    for (let i = from + 1; i < to && oneTopic; i++) oneTopic = records[i]!.topic === first;
    if (oneTopic) {
      const run: RecordRun = {
        records: records.slice(from, to),
        deliveries: new Array(to - from).fill(delivery),
        indices: range(from, to),
        sizes: sizes.slice(from, to),
        at,
      };
      return this.#write(first, run);
    }
    const byTopic = new Map<string, RecordRun>();
    for (let i = from; i < to; i++) {
      const r = records[i]!;
      let run = byTopic.get(r.topic);
      if (run === undefined) {
        run = { records: [], deliveries: [], indices: [], sizes: [], at };
        byTopic.set(r.topic, run);
      }
      run.records.push(r);
      run.deliveries.push(delivery);
      run.indices.push(i);
      run.sizes.push(sizes[i]!);
    }
    const writes: Promise<void>[] = [];
    for (const [topic, run] of byTopic) writes.push(this.#write(topic, run));
    return Promise.all(writes).then(() => {});
  }

  /**
   * Writes a run into its topic's partitionDispatcher and resolves once that stage has taken it
   * (or waits for the topic's metadata with it). If that stage has failed, the write is refused:
   * the run's records fail with the producer's failure, and this stream errors with it.
   */
  #write(topic: string, run: RecordRun): Promise<void> {
    let writer = this.#writers.get(topic);
    if (writer === undefined) {
      writer = this.#ctx.partitionDispatcher(topic).getWriter();
      this.#writers.set(topic, writer);
    }
    return writer.write(run).then(undefined, (e) => {
      const ctx = this.#ctx;
      const error = ctx.fatal("partitionDispatcher", e);
      for (let i = 0; i < run.records.length; i++) {
        run.deliveries[i]!.failed(
          run.indices[i]!,
          topic,
          -1,
          run.records[i]!.timestamp ?? run.at,
          error,
        );
        ctx.release(1, run.sizes[i]!);
      }
      this.#end();
      this.#controller.error(error);
    });
  }
}

/** The integers from `from` up to `to`, with a plain loop (Array.from with a callback is slow). */
function range(from: number, to: number): number[] {
  const out = new Array<number>(to - from);
  for (let i = from; i < to; i++) out[i - from] = i;
  return out;
}

function isField(v: unknown): v is Uint8Array | string | null {
  return v === null || typeof v === "string" || v instanceof Uint8Array;
}

/** Checks a record and returns it in the form the stages take, copying only when needed. */
function normalize(r: ProducerRecord<unknown, unknown>, ctx: ProducerContext): NormalizedRecord {
  if (r === null || typeof r !== "object") {
    throw new TypeError(
      `Cannot produce record as it is not an object: current value is ${String(r)}`,
    );
  }
  if (typeof r.topic !== "string" || r.topic.length === 0) {
    throw new TypeError(
      `Cannot produce record as its topic must be a non-empty string: current value is ${
        JSON.stringify(r.topic)
      }`,
    );
  }
  const o = ctx.options;
  // An absent key stays undefined (the encoder reads it as null) so the record is not copied.
  let key = r.key;
  let value = r.value === undefined ? null : r.value;
  if (o.keySerializer) key = o.keySerializer(key ?? null, r.topic);
  if (o.valueSerializer) value = o.valueSerializer(value, r.topic);
  if (key !== undefined && !isField(key)) {
    throw new TypeError(
      `Cannot produce record to "${r.topic}" as its key must be bytes, a string or null (or set keySerializer)`,
    );
  }
  if (!isField(value)) {
    throw new TypeError(
      `Cannot produce record to "${r.topic}" as its value must be bytes, a string or null (or set valueSerializer)`,
    );
  }
  let headers = r.headers as readonly RecordHeaderInput[] | Record<string, unknown> | undefined;
  if (Array.isArray(headers)) {
    // A header the encoder cannot write would make the batch malformed: refuse the record.
    for (let i = 0; i < headers.length; i++) {
      const h = headers[i] as { key?: unknown; value?: unknown } | null;
      if (h === null || typeof h !== "object" || typeof h.key !== "string" || !isField(h.value)) {
        throw new TypeError(
          `Cannot produce record to "${r.topic}" as header ${i} must have a string key and a value that is bytes, a string or null`,
        );
      }
    }
  } else if (headers !== undefined) {
    headers = Object.entries(headers).map(([k, v]) => {
      if (!isField(v)) {
        throw new TypeError(
          `Cannot produce record to "${r.topic}" as header "${k}" must be bytes, a string or null`,
        );
      }
      return { key: k, value: v };
    });
  }
  const ts = r.timestamp instanceof Date ? r.timestamp.getTime() : r.timestamp;
  if (ts !== undefined && !Number.isSafeInteger(ts)) {
    throw new TypeError(
      `Cannot produce record to "${r.topic}" as its timestamp must be a whole number of ms: current value is ${ts}`,
    );
  }
  const p = r.partition;
  if (p !== undefined && !(Number.isInteger(p) && p >= 0)) {
    throw new TypeError(
      `Cannot produce record to "${r.topic}" as its partition must be a whole number from 0: current value is ${p}`,
    );
  }
  if (key === r.key && value === r.value && headers === r.headers && ts === r.timestamp) {
    return r as NormalizedRecord;
  }
  return {
    topic: r.topic,
    key: key as Uint8Array | string | null | undefined,
    value,
    headers: headers as readonly RecordHeaderInput[] | undefined,
    timestamp: ts,
    partition: p,
  };
}

/** The bytes a record is charged: key, value and headers, without encoding anything. */
function estimate(r: NormalizedRecord): number {
  let n = RECORD_OVERHEAD + fieldBytes(r.key) + fieldBytes(r.value);
  const h = r.headers;
  if (h !== undefined) {
    for (let i = 0; i < h.length; i++) n += utf8Length(h[i]!.key) + fieldBytes(h[i]!.value) + 4;
  }
  return n;
}

/** A field's encoded bytes: a string's UTF-8 length (what goes on the wire), not its UTF-16 units. */
function fieldBytes(v: Uint8Array | string | null | undefined): number {
  return v == null ? 0 : typeof v === "string" ? utf8Length(v) : v.length;
}
