// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * `kanal produce` (kcat's `-P`): one record per line of standard input, with an optional key
 * before a delimiter (`-K`), headers for every record (`-H`), a partition (`-p`) and a codec
 * (`-z`).
 *
 * @module
 */

import { countBytes, progressLine } from "./progress_line.ts";
import { Client, type ClientOptions } from "../client/client.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import type { CompressionName } from "../protocol/compression/codec.ts";
import { defaultPartitioner } from "../producer/default_partitioner.ts";
import { fnv1aPartitioner } from "../producer/fnv1a_partitioner.ts";
import { murmur2Partitioner } from "../producer/murmur2_partitioner.ts";
import type { Partitioner } from "../producer/partitioner.ts";
import { Producer } from "../producer/producer.ts";
import { type ProducerOptions, resolveProducerOptions } from "../producer/producer_options.ts";
import type { DeliveryReport, ProducerRecord } from "../producer/producer_record.ts";
import { randomPartitioner } from "../producer/random_partitioner.ts";
import { roundRobinPartitioner } from "../producer/round_robin_partitioner.ts";
import { type FlagSpec, parseArgs, type ParsedArgs, UsageError } from "./args.ts";
import { CLIENT_FLAGS, clientOptionsFromArgs } from "./client_options.ts";
import type { CliIo, Command } from "./command.ts";
import type { ConsumeIo } from "./consume_command.ts";
import { transactionalSink } from "./_transactional_sink.ts";
import {
  type LineRecordOptions,
  lineRecords,
  parseDelimiter,
  parseHeader,
} from "./line_records.ts";

export {
  type LineRecordOptions,
  lineRecords,
  parseDelimiter,
  parseHeader,
} from "./line_records.ts";

/** A {@linkcode CliIo} that can also read standard input, as the runtime's own can. */
export interface StdinIo extends CliIo {
  /** Standard input as bytes; chunks must not be reused, as records keep views into them. */
  stdin(): ReadableStream<Uint8Array>;
}

type Kind = "number" | "boolean" | "acks" | "compression" | "partitioner" | "kbytes" | "string";

// The producer options -X sets, by kanal's name, and how to read their values.
const PRODUCER_KINDS: Readonly<Record<string, Kind>> = {
  acks: "acks",
  lingerMs: "number",
  batchBytes: "number",
  batchRecords: "number",
  maxBufferedRecords: "number",
  maxBufferedBytes: "number",
  maxInFlight: "number",
  idempotent: "boolean",
  retries: "number",
  retryBackoffMs: "number",
  requestTimeoutMs: "number",
  deliveryTimeoutMs: "number",
  compression: "compression",
  maxRecordBytes: "number",
  maxRequestBytes: "number",
  maxBlockMs: "number",
  partitioner: "partitioner",
  transactionalId: "string",
  transactionTimeoutMs: "number",
};

// librdkafka's (kcat's) and Java's names for them. A name that maps to a pair converts its
// value first (librdkafka counts the buffer in kilobytes).
const PRODUCER_NAMES: Readonly<Record<string, string | readonly [string, Kind]>> = {
  "request.required.acks": "acks",
  "linger.ms": "lingerMs",
  "queue.buffering.max.ms": "lingerMs",
  "batch.size": "batchBytes",
  "batch.num.messages": "batchRecords",
  "queue.buffering.max.messages": "maxBufferedRecords",
  "queue.buffering.max.kbytes": ["maxBufferedBytes", "kbytes"],
  "buffer.memory": "maxBufferedBytes",
  "max.in.flight": "maxInFlight",
  "max.in.flight.requests.per.connection": "maxInFlight",
  "enable.idempotence": "idempotent",
  "message.send.max.retries": "retries",
  "retry.backoff.ms": "retryBackoffMs",
  "request.timeout.ms": "requestTimeoutMs",
  "delivery.timeout.ms": "deliveryTimeoutMs",
  "message.timeout.ms": "deliveryTimeoutMs",
  "compression.codec": "compression",
  "compression.type": "compression",
  // librdkafka refuses a single message above message.max.bytes; Java's max.request.size bounds
  // requests.
  "message.max.bytes": "maxRecordBytes",
  "max.request.size": "maxRequestBytes",
  "max.block.ms": "maxBlockMs",
  "transactional.id": "transactionalId",
  "transaction.timeout.ms": "transactionTimeoutMs",
};

// Options both the client and the producer have: -X sets both, as Java's single setting does.
const SHARED: ReadonlySet<string> = new Set(["maxInFlight", "retryBackoffMs", "requestTimeoutMs"]);

const CODECS: readonly CompressionName[] = ["none", "gzip", "snappy", "lz4", "zstd"];

/** What {@linkcode produceOptionsFromArgs} reads from the command line. */
export interface ProduceSettings {
  /** For `Client.connect`. */
  readonly client: ClientOptions;
  /** For the `Producer`, before `onError` is added. */
  readonly producer: ProducerOptions;
  /** The topic, the key delimiter, the headers and the partition. */
  readonly lines: LineRecordOptions;
  /** `-X transaction.records=N`: records per transaction (with `transactional.id`). */
  readonly transactionRecords?: number;
}

/**
 * Reads `kanal produce`'s flags: `-t`, `-p`, `-K`, `-H`, `-z`, and `-X` for both the client
 * (see `clientOptionsFromArgs`) and the producer. Producer options take kanal's names
 * (`lingerMs`) or kcat's and Java's (`linger.ms`, `acks=1`, `compression.codec`,
 * `enable.idempotence`, `message.max.bytes`, …); `partitioner` takes `default`, `murmur2`,
 * `murmur2_random`, `fnv1a`, `fnv1a_random`, `random` or `round-robin`. As in Java, setting
 * `acks` to other than `all`, or more than 5 requests in flight, turns idempotence off unless
 * `enable.idempotence` says otherwise. `-z` wins over `-X compression.codec`.
 *
 * @throws {UsageError} for a missing topic, a bad partition, header, delimiter or codec, or a
 * producer option whose value is of the wrong kind.
 *
 * @example kcat's and Java's names
 * ```ts
 * import { parseArgs } from "./args.ts";
 * import { produceCommand, produceOptionsFromArgs } from "./produce_command.ts";
 * import assert from "node:assert/strict";
 *
 * const args = parseArgs(
 *   ["-b", "b1:9092", "-t", "orders", "-z", "lz4", "-X", "linger.ms=20", "-X", "acks=1"],
 *   produceCommand.flags,
 * );
 * const s = produceOptionsFromArgs(args);
 * assert.equal(s.client.brokers, "b1:9092");
 * assert.deepEqual(s.producer, {
 *   lingerMs: 20, acks: "leader", idempotent: false, compression: "lz4",
 * });
 * assert.equal(s.lines.topic, "orders");
 * ```
 */
export function produceOptionsFromArgs(args: ParsedArgs): ProduceSettings {
  const topic = args.get("topic");
  if (topic === undefined || topic === "") {
    throw new UsageError("Cannot produce as no topic is given: use -t TOPIC");
  }
  const producer: Record<string, unknown> = {};
  const clientArgv: string[] = [];
  for (const flag of ["brokers", "timeout"]) {
    const v = args.get(flag);
    if (v !== undefined) clientArgv.push(`--${flag}`, v);
  }
  let transactionRecords: number | undefined;
  for (const pair of args.all("config")) {
    const eq = pair.indexOf("=");
    const key = eq <= 0 ? "" : pair.slice(0, eq).trim();
    if (key === "transaction.records") {
      const n = Number(pair.slice(eq + 1));
      if (!Number.isInteger(n) || n < 1) {
        throw new UsageError(
          `Cannot use -X transaction.records as it must be a whole number from 1: current value is "${
            pair.slice(eq + 1)
          }"`,
        );
      }
      transactionRecords = n;
      continue;
    }
    const mapped = PRODUCER_NAMES[key] ?? (PRODUCER_KINDS[key] !== undefined ? key : undefined);
    if (mapped === undefined) {
      // The client's options, or a name nobody knows, which Client.connect refuses by name.
      clientArgv.push("--config", pair);
      continue;
    }
    const [name, kind] = typeof mapped === "string" ? [mapped, PRODUCER_KINDS[mapped]!] : mapped;
    producer[name] = producerValue(key, kind, pair.slice(eq + 1));
    if (SHARED.has(name)) clientArgv.push("--config", pair);
  }
  const codec = args.get("codec");
  if (codec !== undefined) producer.compression = producerValue("-z", "compression", codec);
  // Java's rule: explicit settings that idempotence cannot have turn it off, unless it was
  // asked for too (then the producer refuses the mix, naming both).
  if (producer.idempotent === undefined) {
    if (
      (producer.acks !== undefined && producer.acks !== "all") ||
      (typeof producer.maxInFlight === "number" && producer.maxInFlight > 5)
    ) producer.idempotent = false;
  }
  if (transactionRecords !== undefined && producer.transactionalId === undefined) {
    throw new UsageError("Cannot use -X transaction.records without -X transactional.id");
  }
  const client = clientOptionsFromArgs(parseArgs(clientArgv, CLIENT_FLAGS));
  return {
    client,
    ...(transactionRecords !== undefined ? { transactionRecords } : {}),
    producer: producer as ProducerOptions,
    lines: {
      topic,
      keyDelimiter: args.has("key-delimiter")
        ? parseDelimiter(args.get("key-delimiter")!)
        : undefined,
      headers: args.all("header").length > 0 ? args.all("header").map(parseHeader) : undefined,
      partition: partitionArg(args.get("partition")),
    },
  };
}

function partitionArg(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n) || n < -1 || n > 2 ** 31 - 1) {
    throw new UsageError(
      `Cannot use -p as it must be a partition number (or -1 for the partitioner): current value is "${raw}"`,
    );
  }
  // kcat's -p -1: let the partitioner choose.
  return n === -1 ? undefined : n;
}

function producerValue(key: string, kind: Kind, raw: string): unknown {
  const shown = key.startsWith("-") ? key : `-X ${key}`;
  switch (kind) {
    case "acks":
      switch (raw) {
        case "all":
        case "-1":
          return "all";
        case "leader":
        case "1":
          return "leader";
        case "none":
        case "0":
          return "none";
      }
      throw new UsageError(
        `Cannot use ${shown} as it must be all (-1), leader (1) or none (0): current value is "${raw}"`,
      );
    case "compression": {
      const codec = raw.toLowerCase();
      if ((CODECS as readonly string[]).includes(codec)) return codec;
      throw new UsageError(
        `Cannot use ${shown} as it must be one of ${CODECS.join(", ")}: current value is "${raw}"`,
      );
    }
    case "partitioner":
      return partitionerNamed(shown, raw);
    case "boolean":
      if (raw === "true") return true;
      if (raw === "false") return false;
      throw new UsageError(
        `Cannot use ${shown} as it must be true or false: current value is "${raw}"`,
      );
    case "string":
      return raw;
    case "number":
    case "kbytes": {
      const n = Number(raw);
      if (raw.trim() === "" || Number.isNaN(n)) {
        throw new UsageError(
          `Cannot use ${shown} as it must be a number: current value is "${raw}"`,
        );
      }
      return kind === "kbytes" ? n * 1024 : n;
    }
  }
}

function partitionerNamed(shown: string, raw: string): Partitioner {
  switch (raw) {
    case "default":
      return defaultPartitioner();
    // librdkafka's murmur2 and fnv1a send keyless records to one partition; kanal's, like its
    // *_random names, spread them.
    case "murmur2":
    case "murmur2_random":
      return murmur2Partitioner();
    case "fnv1a":
    case "fnv1a_random":
      return fnv1aPartitioner();
    case "random":
      return randomPartitioner();
    case "round-robin":
    case "roundrobin":
      return roundRobinPartitioner();
  }
  throw new UsageError(
    `Cannot use ${shown} as it must be default, murmur2, murmur2_random, fnv1a, fnv1a_random, ` +
      `random or round-robin: current value is "${raw}"`,
  );
}

const PRODUCE_FLAGS: readonly FlagSpec[] = [
  ...CLIENT_FLAGS.map((f) =>
    f.name === "config"
      ? {
        ...f,
        description: "Client or producer option, kanal's name or kcat's/Java's " +
          "(linger.ms, acks, batch.size, compression.codec, enable.idempotence, …)",
      }
      : f
  ),
  { name: "topic", short: "t", value: "TOPIC", description: "The topic to produce to" },
  {
    name: "partition",
    short: "p",
    value: "PARTITION",
    description: "The partition of every record; default (or -1): the partitioner picks",
  },
  {
    name: "key-delimiter",
    short: "K",
    value: "DELIM",
    description: "Split each line into key and value at DELIM's first occurrence (\\t, \\xNN …)",
  },
  {
    name: "header",
    short: "H",
    value: "NAME=VALUE",
    repeatable: true,
    description: "A header for every record (may be repeated; NAME alone: a null value)",
  },
  {
    name: "codec",
    short: "z",
    value: "CODEC",
    description: `Compression: ${CODECS.join(", ")}; default: none`,
  },
];

/**
 * An -X name the client does not know was not a producer option either: say so, with the
 * nearest name of either, instead of the client's message, which lists only its own.
 */
function unknownOption(e: unknown): unknown {
  const m = e instanceof TypeError ? /^Unknown Client option "(.*?)"/.exec(e.message) : null;
  if (m === null) return e;
  const key = m[1]!;
  let near = /did you mean "(.*?)"/.exec(e instanceof Error ? e.message : "")?.[1];
  try {
    resolveProducerOptions({ [key]: undefined } as ProducerOptions);
  } catch (pe) {
    near ??= /did you mean "(.*?)"/.exec(pe instanceof Error ? pe.message : "")?.[1];
  }
  return new UsageError(
    `Cannot use -X ${key} as it is neither a client nor a producer option` +
      (near !== undefined ? `: did you mean "${near}"?` : ""),
    { cause: e },
  );
}

/** Failures counted as they come, for one line at the end. */
class FailureTally {
  count = 0;
  first: DeliveryReport | undefined;
  readonly byError = new Map<string, number>();

  add(report: DeliveryReport): void {
    this.count++;
    this.first ??= report;
    const e = report.error;
    const name = e instanceof KafkaError ? e.errorName : e?.name ?? "unknown";
    this.byError.set(name, (this.byError.get(name) ?? 0) + 1);
  }
}

/**
 * `kanal produce -b BROKERS -t TOPIC [-p PARTITION] [-K DELIM] [-H NAME=VALUE]... [-z CODEC]`,
 * also `kanal -P …`: one record per line of standard input (see {@linkcode lineRecords}),
 * streamed through the producer in arrays, one per chunk read. Exits 0 once every record is
 * delivered, and 1 with the count, the first error and a tally by error on stderr when any was
 * not (the others are still delivered).
 *
 * @example It answers to kcat's -P
 * ```ts
 * import { produceCommand } from "./produce_command.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(produceCommand.name, "produce");
 * assert.equal(produceCommand.alias, "P");
 * ```
 */
export const produceCommand: Command = {
  name: "produce",
  alias: "P",
  summary: "Produce one record per line of standard input (kcat -P)",
  usage: "kanal produce -b BROKERS -t TOPIC [-p PARTITION] [-K DELIM] [-H NAME=VALUE]... " +
    "[-z CODEC] [-X KEY=VALUE]...",
  flags: PRODUCE_FLAGS,
  async run(args, io) {
    const extra = args.positionals[0];
    if (extra !== undefined) {
      throw new UsageError(
        `Cannot read "${extra}" as produce takes no arguments: it reads records from stdin`,
      );
    }
    const stdin = (io as Partial<StdinIo>).stdin;
    if (typeof stdin !== "function") {
      throw new TypeError("Cannot produce as this command line has no standard input");
    }
    const settings = produceOptionsFromArgs(args);
    const tally = new FailureTally();
    const client = await Client.connect(settings.client).catch((e) => {
      throw unknownOption(e);
    });
    let read = 0;
    let interrupted = false;
    const progress = progressLine(io, "produce");
    try {
      // Checked before reading anything, so bad options fail without eating the input.
      const producer = new Producer(client, {
        ...settings.producer,
        onError: (report) => tally.add(report),
      });
      try {
        const counted = new TransformStream<ProducerRecord[], ProducerRecord[]>({
          transform(records, controller) {
            read += records.length;
            progress?.add(records.length, 0);
            controller.enqueue(records);
          },
        });
        // Each write resolves once its array is buffered, so a full buffer slows the reading.
        const records = stdin.call(io)
          .pipeThrough(countBytes(progress))
          .pipeThrough(lineRecords(settings.lines))
          .pipeThrough(counted);
        if (settings.producer.transactionalId === undefined) {
          await records.pipeTo(producer.writable, { preventClose: true });
        } else {
          // SIGINT cuts the pipe, which aborts the open transaction.
          const signal = (io as Partial<ConsumeIo>).interrupted?.();
          try {
            await records.pipeTo(
              transactionalSink(producer, settings.transactionRecords),
              signal ? { signal } : {},
            );
          } catch (e) {
            if (!signal?.aborted) throw e;
            await io.stderr("kanal: interrupted: the open transaction was aborted\n");
            interrupted = true;
          }
        }
      } finally {
        await producer.close();
      }
    } finally {
      await progress?.stop();
      await client.close();
    }
    if (interrupted) return 130;
    if (tally.count === 0) return 0;
    const first = tally.first!;
    const tallyText = [...tally.byError].map(([name, n]) => `${n} ${name}`).join(", ");
    await io.stderr(
      `kanal: ${tally.count} of ${read} record${read === 1 ? "" : "s"} ` +
        `${tally.count === 1 ? "was" : "were"} not delivered ` +
        `to "${first.topic}" (${tallyText}); the first: ` +
        `${(first.error?.message ?? "unknown error").replaceAll("\n", " ")}\n`,
    );
    return 1;
  },
};
