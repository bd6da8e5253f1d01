// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * `kanal consume` (kcat's `-C`): a topic's records on standard output, formatted with kcat's
 * `-f` tokens, from where `-o` says, until the end (`-e`), a count (`-c`) or an interrupt.
 *
 * @module
 */

import { Client, type ClientOptions } from "../client/client.ts";
import { Consumer, TopicStream } from "../consumer/consumer.ts";
import { type ConsumerOptions, resolveConsumerOptions } from "../consumer/consumer_options.ts";
import type { PartitionConsumer } from "../consumer/partition_consumer.ts";
import { ErrorCode } from "../protocol/error_codes.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import { type FlagSpec, parseArgs, type ParsedArgs, UsageError } from "./args.ts";
import { CLIENT_FLAGS, clientOptionsFromArgs } from "./client_options.ts";
import type { CliIo, Command } from "./command.ts";
import { parseDelimiter } from "./produce_command.ts";
import { RecordFormatter } from "./record_formatter.ts";

/**
 * A {@linkcode CliIo} that can also write bytes and tell when the user interrupts, as the
 * runtime's own can. Without them, output is decoded as UTF-8 and the command runs until it
 * ends by itself.
 */
export interface ConsumeIo extends CliIo {
  /** Writes bytes to standard output; resolves `false` once the reader has gone away. */
  stdoutBytes?(bytes: Uint8Array): Promise<boolean>;
  /** Aborts on SIGINT or SIGTERM. */
  interrupted?(): AbortSignal;
}

/** Where `-o` starts each partition. */
export type ConsumeStart =
  | { readonly kind: "oldest" }
  | { readonly kind: "newest" }
  | { readonly kind: "offset"; readonly offset: number }
  | { readonly kind: "tail"; readonly count: number }
  | { readonly kind: "timestamp"; readonly timestamp: number };

/** What `-o` says: where to start and, with kcat's `e@TS`, the timestamp to stop at. */
export interface ConsumeRange {
  /** Where each partition starts. */
  readonly start: ConsumeStart;
  /** Stop a partition at its first record with this timestamp or later (not printed). */
  readonly stopTimestamp?: number;
}

const OFFSET_RULE = "beginning, end, an offset N, -N (N before the end), s@TIMESTAMP_MS " +
  "or e@TIMESTAMP_MS";

/**
 * Reads `-o` values as kcat does: `beginning` (or `oldest`), `end` (or `newest`), an absolute
 * offset `N`, `-N` for N records before the end, `s@TS` for the first record at or after a
 * timestamp (ms since the epoch), and `e@TS` to stop at one. A start and an `e@` may both be
 * given (`-o s@… -o e@…`). With none, consumption starts at the beginning.
 *
 * @throws {UsageError} for anything else, `stored` (it needs a group), or two starts.
 *
 * @example
 * ```ts
 * import { parseOffsetFlags } from "./consume_command.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseOffsetFlags(["-5"]), { start: { kind: "tail", count: 5 } });
 * assert.deepEqual(parseOffsetFlags(["s@1700000000000", "e@1700000060000"]), {
 *   start: { kind: "timestamp", timestamp: 1700000000000 },
 *   stopTimestamp: 1700000060000,
 * });
 * assert.throws(() => parseOffsetFlags(["soon"]), { name: "UsageError" });
 * ```
 */
export function parseOffsetFlags(values: readonly string[]): ConsumeRange {
  let start: ConsumeStart | undefined;
  let stopTimestamp: number | undefined;
  for (const raw of values) {
    const v = raw.trim();
    if (v.startsWith("e@")) {
      if (stopTimestamp !== undefined) throw twice(raw);
      stopTimestamp = wholeNumber(v.slice(2), raw);
      continue;
    }
    if (start !== undefined) throw twice(raw);
    if (v === "beginning" || v === "oldest") start = { kind: "oldest" };
    else if (v === "end" || v === "newest") start = { kind: "newest" };
    else if (v === "stored") {
      throw new UsageError(
        "Cannot start at the stored offset as that needs a consumer group, " +
          "and group consumption (-G) is not supported yet: use beginning, end, N, -N or s@TS",
      );
    } else if (v.startsWith("s@")) {
      start = { kind: "timestamp", timestamp: wholeNumber(v.slice(2), raw) };
    } else if (v.startsWith("-")) start = { kind: "tail", count: wholeNumber(v.slice(1), raw) };
    else start = { kind: "offset", offset: wholeNumber(v, raw) };
  }
  return {
    start: start ?? { kind: "oldest" },
    ...(stopTimestamp !== undefined ? { stopTimestamp } : {}),
  };
}

function wholeNumber(digits: string, raw: string): number {
  const n = Number(digits);
  if (!/^\d+$/.test(digits) || !Number.isSafeInteger(n)) {
    throw new UsageError(`Cannot use -o as it must be ${OFFSET_RULE}: current value is "${raw}"`);
  }
  return n;
}

function twice(raw: string): UsageError {
  return new UsageError(
    `Cannot use -o as it takes one start and one e@TIMESTAMP at most: "${raw}" is one too many`,
  );
}

type Kind = "number" | "boolean" | "kbytes" | "isolation" | "reset";

// The consumer options -X sets, by kanal's name, and how to read their values.
const CONSUMER_KINDS: Readonly<Record<string, Kind>> = {
  maxWaitMs: "number",
  minBytes: "number",
  maxBytes: "number",
  maxPartitionBytes: "number",
  partitionBufferBytes: "number",
  isolationLevel: "isolation",
  checkCrc: "boolean",
  maxDecompressedBytes: "number",
  offsetOutOfRange: "reset",
  retryBackoffMs: "number",
  fetchSessions: "boolean",
};

// librdkafka's (kcat's) and Java's names for them. A name that maps to a pair converts its
// value first (librdkafka counts its queue in kilobytes).
const CONSUMER_NAMES: Readonly<Record<string, string | readonly [string, Kind]>> = {
  "fetch.wait.max.ms": "maxWaitMs",
  "fetch.max.wait.ms": "maxWaitMs",
  "fetch.min.bytes": "minBytes",
  "fetch.max.bytes": "maxBytes",
  "max.partition.fetch.bytes": "maxPartitionBytes",
  "fetch.message.max.bytes": "maxPartitionBytes",
  "queued.max.messages.kbytes": ["partitionBufferBytes", "kbytes"],
  "isolation.level": "isolationLevel",
  "check.crcs": "checkCrc",
  "auto.offset.reset": "offsetOutOfRange",
  "topic.auto.offset.reset": "offsetOutOfRange",
  "retry.backoff.ms": "retryBackoffMs",
  "fetch.error.backoff.ms": "retryBackoffMs",
};

// Options both the client and the consumer have: -X by a Java or kcat name sets both.
const SHARED: ReadonlySet<string> = new Set(["retry.backoff.ms", "retryBackoffMs"]);

/** What {@linkcode consumeOptionsFromArgs} reads from the command line. */
export interface ConsumeSettings {
  /** For `Client.connect`. */
  readonly client: ClientOptions;
  /** For the `Consumer`. */
  readonly consumer: ConsumerOptions;
  /** The topic. */
  readonly topic: string;
  /** The one partition to read (`-p`); absent: all of them. */
  readonly partition?: number;
  /** Where to start and stop (`-o`). */
  readonly range: ConsumeRange;
  /** Exit once every partition is read up to its end as of the start (`-e`). */
  readonly exitAtEnd: boolean;
  /** Exit after this many records (`-c`). */
  readonly count?: number;
  /** How records are printed (`-f`, or `-K`, `-D` and `-Z`). */
  readonly formatter: RecordFormatter;
}

/**
 * Reads `kanal consume`'s flags: `-t`, `-p`, `-o`, `-e`, `-c`, `-f`, `-K`, `-D`, `-Z`, and `-X`
 * for both the client (see `clientOptionsFromArgs`) and the consumer. Consumer options take
 * kanal's names (`maxWaitMs`) or kcat's and Java's (`fetch.wait.max.ms`, `fetch.max.wait.ms`,
 * `fetch.min.bytes`, `fetch.max.bytes`, `max.partition.fetch.bytes`, `isolation.level`,
 * `check.crcs`, `auto.offset.reset`, `queued.max.messages.kbytes`, …).
 *
 * Two defaults follow kcat rather than kanal's library: an offset out of range (`-o 1000` on a
 * shorter partition) restarts at the end (`auto.offset.reset=largest`), and asking for the
 * topic's metadata does not create it.
 *
 * @throws {UsageError} for a missing topic, `-G`, a bad partition, offset, count or format, or a
 * consumer option whose value is of the wrong kind.
 *
 * @example kcat's and Java's names
 * ```ts
 * import { parseArgs } from "./args.ts";
 * import { consumeCommand, consumeOptionsFromArgs } from "./consume_command.ts";
 * import assert from "node:assert/strict";
 *
 * const args = parseArgs(
 *   ["-b", "b1:9092", "-t", "orders", "-o", "-10", "-e", "-X", "fetch.wait.max.ms=100",
 *     "-X", "auto.offset.reset=earliest", "-X", "isolation.level=read_committed"],
 *   consumeCommand.flags,
 * );
 * const s = consumeOptionsFromArgs(args);
 * assert.equal(s.client.brokers, "b1:9092");
 * assert.deepEqual(s.consumer, {
 *   offsetOutOfRange: "oldest", maxWaitMs: 100, isolationLevel: "read_committed",
 * });
 * assert.deepEqual(s.range, { start: { kind: "tail", count: 10 } });
 * assert.equal(s.exitAtEnd, true);
 * ```
 */
export function consumeOptionsFromArgs(args: ParsedArgs): ConsumeSettings {
  if (args.has("group")) {
    throw new UsageError(
      "Cannot consume as a group member (-G) as consumer groups are not supported yet: " +
        "use -t TOPIC [-p PARTITION] to read partitions directly",
    );
  }
  const topic = args.get("topic");
  if (topic === undefined || topic === "") {
    throw new UsageError("Cannot consume as no topic is given: use -t TOPIC");
  }
  const consumer: Record<string, unknown> = { offsetOutOfRange: "newest" };
  const clientArgv: string[] = [];
  for (const flag of ["brokers", "timeout"]) {
    const v = args.get(flag);
    if (v !== undefined) clientArgv.push(`--${flag}`, v);
  }
  for (const pair of args.all("config")) {
    const eq = pair.indexOf("=");
    const key = eq <= 0 ? "" : pair.slice(0, eq).trim();
    const mapped = CONSUMER_NAMES[key] ?? (CONSUMER_KINDS[key] !== undefined ? key : undefined);
    if (mapped === undefined) {
      // The client's options, or a name nobody knows, which Client.connect refuses by name.
      clientArgv.push("--config", pair);
      continue;
    }
    const [name, kind] = typeof mapped === "string" ? [mapped, CONSUMER_KINDS[mapped]!] : mapped;
    consumer[name] = consumerValue(key, kind, pair.slice(eq + 1));
    if (SHARED.has(key)) clientArgv.push("--config", pair);
  }
  // A consumer that asks for a topic's metadata should not create the topic, as kcat's does not.
  const client = {
    allowAutoTopicCreation: false,
    ...clientOptionsFromArgs(parseArgs(clientArgv, CLIENT_FLAGS)),
  };
  const nullText = args.has("null") ? "NULL" : "";
  const format = args.get("format");
  const formatter = format !== undefined
    ? new RecordFormatter(format, { nullText })
    : RecordFormatter.delimited(
      args.has("key-delimiter") ? parseDelimiter(args.get("key-delimiter")!) : undefined,
      delimiterArg(args.get("delimiter")),
      { nullText },
    );
  const count = countArg(args.get("count"));
  const partition = partitionArg(args.get("partition"));
  return {
    client,
    consumer: consumer as ConsumerOptions,
    topic,
    ...(partition !== undefined ? { partition } : {}),
    range: parseOffsetFlags(args.all("offset")),
    exitAtEnd: args.has("exit"),
    ...(count !== undefined ? { count } : {}),
    formatter,
  };
}

function delimiterArg(raw: string | undefined): Uint8Array {
  if (raw === undefined) return new Uint8Array([10]);
  // kcat allows an empty -D when consuming: records then follow each other directly.
  return raw === "" ? new Uint8Array(0) : parseDelimiter(raw);
}

function countArg(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(
      `Cannot use -c as it must be a number of records from 1: current value is "${raw}"`,
    );
  }
  return n;
}

function partitionArg(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n) || n < -1 || n > 2 ** 31 - 1) {
    throw new UsageError(
      `Cannot use -p as it must be a partition number (or -1 for all): current value is "${raw}"`,
    );
  }
  // kcat's -p -1: every partition.
  return n === -1 ? undefined : n;
}

function consumerValue(key: string, kind: Kind, raw: string): unknown {
  const shown = `-X ${key}`;
  switch (kind) {
    case "isolation":
      if (raw === "read_committed" || raw === "read_uncommitted") return raw;
      throw new UsageError(
        `Cannot use ${shown} as it must be read_committed or read_uncommitted: ` +
          `current value is "${raw}"`,
      );
    case "reset":
      switch (raw) {
        case "oldest":
        case "earliest":
        case "smallest":
        case "beginning":
          return "oldest";
        case "newest":
        case "latest":
        case "largest":
        case "end":
          return "newest";
        case "error":
        case "none":
          return "error";
      }
      throw new UsageError(
        `Cannot use ${shown} as it must be earliest (oldest, smallest), latest (newest, ` +
          `largest) or error (none): current value is "${raw}"`,
      );
    case "boolean":
      if (raw === "true") return true;
      if (raw === "false") return false;
      throw new UsageError(
        `Cannot use ${shown} as it must be true or false: current value is "${raw}"`,
      );
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

/**
 * An -X name the client does not know was not a consumer option either: say so, with the
 * nearest name of either, instead of the client's message, which lists only its own.
 */
function unknownOption(e: unknown): unknown {
  const m = e instanceof TypeError ? /^Unknown Client option "(.*?)"/.exec(e.message) : null;
  if (m === null) return e;
  const key = m[1]!;
  // kcat's and Java's names first: "fetch.wait.max" is most likely "fetch.wait.max.ms".
  let near = Object.keys(CONSUMER_NAMES).find((n) => n.startsWith(key) || key.startsWith(n)) ??
    /did you mean "(.*?)"/.exec(e instanceof Error ? e.message : "")?.[1];
  try {
    resolveConsumerOptions({ [key]: undefined } as ConsumerOptions);
  } catch (ce) {
    near ??= /did you mean "(.*?)"/.exec(ce instanceof Error ? ce.message : "")?.[1];
  }
  return new UsageError(
    `Cannot use -X ${key} as it is neither a client nor a consumer option` +
      (near !== undefined ? `: did you mean "${near}"?` : ""),
    { cause: e },
  );
}

// ListOffsets' special timestamps.
const LATEST = -1n;
const EARLIEST = -2n;

/**
 * Asks each partition's leader for the offset at `timestamp` (`LATEST`, `EARLIEST` or ms), one
 * request per leader; retries what a moved leader or a slow broker refused, within the client's
 * request timeout. A timestamp with no record at or after it answers -1.
 */
async function listOffsets(
  client: Client,
  topic: string,
  partitions: readonly number[],
  timestamp: bigint,
  isolationLevel: number,
): Promise<Map<number, number>> {
  const found = new Map<number, number>();
  let pending = [...partitions];
  const deadline = Date.now() + client.options.requestTimeoutMs;
  let lastError: unknown;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) {
      if (Date.now() >= deadline) throw lastError;
      await new Promise((r) => setTimeout(r, client.options.retryBackoffMs));
      await client.refreshMetadata([topic]).catch(() => {});
    }
    const byLeader = new Map<number, number[]>();
    const retry: number[] = [];
    for (const p of pending) {
      try {
        const leader = (await client.leaderFor(topic, p)).nodeId;
        let list = byLeader.get(leader);
        if (list === undefined) byLeader.set(leader, list = []);
        list.push(p);
      } catch (e) {
        if (!(e instanceof KafkaError && e.retriable)) throw e;
        lastError = e;
        retry.push(p);
      }
    }
    await Promise.all([...byLeader].map(async ([leader, ps]) => {
      try {
        const res = await client.request(leader, API_TABLE[2], {
          replicaId: -1,
          isolationLevel,
          topics: [{
            name: topic,
            partitions: ps.map((partitionIndex) => ({ partitionIndex, timestamp })),
          }],
        }, { kind: "fetch" });
        const answered = new Set<number>();
        for (const p of res.topics.find((t) => t.name === topic)?.partitions ?? []) {
          answered.add(p.partitionIndex);
          if (p.errorCode === 0) {
            found.set(p.partitionIndex, Number(p.offset ?? -1n));
            continue;
          }
          const err = new KafkaError(p.errorCode, {
            api: "ListOffsets",
            broker: leader,
            topic,
            partition: p.partitionIndex,
          });
          if (!err.retriable) throw err;
          client.onPartitionError(p.errorCode, topic);
          lastError = err;
          retry.push(p.partitionIndex);
        }
        for (const p of ps) if (!answered.has(p)) retry.push(p);
      } catch (e) {
        if (!(e instanceof KafkaError && e.retriable)) throw e;
        lastError = e;
        retry.push(...ps);
      }
    }));
    pending = retry;
  }
  return found;
}

/** One partition being read, and where it ends. */
interface PartitionState {
  readonly consumer: PartitionConsumer;
  /** The offset after the last record as of the start, for -e. */
  readonly end: number;
  /** Closed by -e: what it already fetched is still printed. */
  atEnd: boolean;
  /** Stopped by e@TS: nothing more is printed. */
  stopped: boolean;
}

/** How often -e looks for partitions whose position passed their end without a record. */
const END_CHECK_MS = 100;

const CONSUME_FLAGS: readonly FlagSpec[] = [
  ...CLIENT_FLAGS.map((f) =>
    f.name === "config"
      ? {
        ...f,
        description: "Client or consumer option, kanal's name or kcat's/Java's " +
          "(fetch.wait.max.ms, fetch.max.bytes, isolation.level, auto.offset.reset, …)",
      }
      : f
  ),
  { name: "topic", short: "t", value: "TOPIC", description: "The topic to consume" },
  {
    name: "partition",
    short: "p",
    value: "PARTITION",
    description: "Read only this partition; default (or -1): every partition",
  },
  {
    name: "offset",
    short: "o",
    value: "OFFSET",
    repeatable: true,
    description: "Start at beginning (default), end, offset N, -N (N before the end) or " +
      "s@TIMESTAMP_MS; e@TIMESTAMP_MS stops there",
  },
  {
    name: "exit",
    short: "e",
    description: "Exit once every partition is read to its end (as it was at the start)",
  },
  { name: "count", short: "c", value: "COUNT", description: "Exit after COUNT records" },
  {
    name: "format",
    short: "f",
    value: "FORMAT",
    description: "Print records as FORMAT: %t %p %o %k %K %s %S %R %T %h %%, \\n \\t \\xHH …",
  },
  {
    name: "key-delimiter",
    short: "K",
    value: "DELIM",
    description: "Without -f: print the key, DELIM, then the value",
  },
  {
    name: "delimiter",
    short: "D",
    value: "DELIM",
    description: "Without -f: end each record with DELIM; default \\n",
  },
  { name: "null", short: "Z", description: 'Print null (and empty) keys and values as "NULL"' },
  { name: "group", short: "G", value: "GROUP", description: "Not supported yet" },
  { name: "quiet", short: "q", description: "Accepted for kcat's habit; kanal is quiet anyway" },
  {
    name: "unbuffered",
    short: "u",
    description: "Accepted for kcat's habit: output is written per fetch",
  },
];

/**
 * `kanal consume -b BROKERS -t TOPIC [-p PARTITION] [-o OFFSET] [-e] [-c COUNT] [-f FORMAT]`,
 * also `kanal -C …`: prints records as kcat's `-C` does, one write per fetched chunk.
 *
 * `-o` takes `beginning`, `end`, `N`, `-N` (N records before the end: the start is the larger of
 * the partition's oldest offset and its end minus N) or `s@TIMESTAMP`, resolved for all
 * partitions at once, and `e@TIMESTAMP` to stop each partition there. `-e` exits once every
 * partition has been read up to its end as of the start; `-c` after that many records;
 * otherwise it runs until interrupted (SIGINT, SIGTERM) and closes cleanly. Exits 0, or 1 with
 * one line on stderr when the topic or partition does not exist or the cluster fails.
 *
 * @example It answers to kcat's -C
 * ```ts
 * import { consumeCommand } from "./consume_command.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(consumeCommand.name, "consume");
 * assert.equal(consumeCommand.alias, "C");
 * ```
 */
export const consumeCommand: Command = {
  name: "consume",
  alias: "C",
  summary: "Print a topic's records (kcat -C)",
  usage: "kanal consume -b BROKERS -t TOPIC [-p PARTITION] [-o OFFSET] [-e] [-c COUNT] " +
    "[-f FORMAT] [-K DELIM] [-D DELIM] [-Z] [-X KEY=VALUE]...",
  flags: CONSUME_FLAGS,
  async run(args, io) {
    const extra = args.positionals[0];
    if (extra !== undefined) {
      throw new UsageError(
        `Cannot read "${extra}" as consume takes no arguments: name the topic with -t`,
      );
    }
    const s = consumeOptionsFromArgs(args);
    const cio = io as ConsumeIo;
    const interrupted = cio.interrupted?.call(io);
    const decoder = new TextDecoder();
    const write = cio.stdoutBytes !== undefined
      ? (bytes: Uint8Array) => cio.stdoutBytes!.call(io, bytes)
      : async (bytes: Uint8Array) => {
        await io.stdout(decoder.decode(bytes));
        return true;
      };
    if (interrupted?.aborted) return 0;
    try {
      return await consume(s, write, interrupted);
    } catch (e) {
      // An interrupt closes the client under whatever was waiting on it: not a failure.
      if (interrupted?.aborted) return 0;
      throw e;
    }
  },
};

async function consume(
  s: ConsumeSettings,
  write: (bytes: Uint8Array) => Promise<boolean>,
  interrupted: AbortSignal | undefined,
): Promise<number> {
  // The interrupt closes the client, which closes the consumer and ends every stream.
  const client = await Client.connect({
    ...s.client,
    ...(interrupted !== undefined ? { signal: interrupted } : {}),
  }).catch((e) => {
    throw unknownOption(e);
  });
  let timer: ReturnType<typeof setInterval> | undefined;
  try {
    // Made before any request, so bad options fail first.
    const consumer = new Consumer(client, s.consumer);
    try {
      const partitions = await topicPartitions(client, s.topic, s.partition);
      const isolation = s.consumer.isolationLevel === "read_committed" ? 1 : 0;
      const starts = await startOffsets(client, s.topic, partitions, s.range.start, isolation);
      const ends = s.exitAtEnd
        ? await listOffsets(client, s.topic, partitions, LATEST, isolation)
        : undefined;
      const states = new Map<number, PartitionState>();
      for (const p of partitions) {
        const start = starts.get(p)!;
        const end = ends?.get(p) ?? Infinity;
        // Nothing to read before the end: -e is done with it before it starts.
        if (start >= end) continue;
        states.set(p, {
          consumer: consumer.partition(s.topic, p, { offset: start }),
          end,
          atEnd: false,
          stopped: false,
        });
      }
      if (states.size === 0) return 0;

      const checkEnds = (): void => {
        for (const st of states.values()) {
          // Closing keeps what was fetched up to here readable; the merged stream ends after it.
          if (!st.atEnd && !st.stopped && st.consumer.position >= st.end) {
            st.atEnd = true;
            st.consumer.close();
          }
        }
      };
      // A partition whose last offsets are transaction markers reaches its end without a chunk.
      if (s.exitAtEnd) timer = setInterval(checkEnds, END_CHECK_MS);

      const reader = new TopicStream([...states.values()].map((st) => st.consumer)).getReader();
      const { formatter, count } = s;
      const stopAt = s.range.stopTimestamp;
      let printed = 0;
      for (;;) {
        const r = await reader.read();
        if (r.done || interrupted?.aborted) break;
        const chunk = r.value;
        const st = states.get(chunk.partition)!;
        if (st.stopped) continue;
        const records = chunk.records;
        let end = records.length;
        if (stopAt !== undefined) {
          for (let i = 0; i < end; i++) {
            if (records[i]!.timestamp >= stopAt) {
              end = i;
              st.stopped = true;
              st.consumer.close();
              break;
            }
          }
        }
        if (count !== undefined && printed + end > count) end = count - printed;
        if (end > 0) {
          if (!await write(formatter.format(chunk.topic, chunk.partition, records, 0, end))) {
            break; // the reader went away, as kcat stops on SIGPIPE
          }
          printed += end;
        }
        if (count !== undefined && printed >= count) break;
        if (s.exitAtEnd) checkEnds();
      }
      await reader.cancel().catch(() => {});
      return 0;
    } finally {
      await consumer.close();
    }
  } finally {
    clearInterval(timer);
    await client.close();
  }
}

/** The partitions to read: every one of `topic`, or `only`, once the topic is known to exist. */
async function topicPartitions(
  client: Client,
  topic: string,
  only: number | undefined,
): Promise<number[]> {
  const deadline = Date.now() + client.options.requestTimeoutMs;
  for (;;) {
    const t = (await client.refreshMetadata([topic])).topics.get(topic);
    const code = t === undefined ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : t.errorCode;
    if (code === 0 && t !== undefined && t.partitions.length > 0) {
      const all = t.partitions.map((p) => p.partition).sort((a, b) => a - b);
      if (only === undefined) return all;
      if (all.includes(only)) return [only];
      throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { topic }, {
        message: `Cannot consume partition ${only} as the topic has partitions 0..${
          all.length - 1
        }`,
      });
    }
    // A topic that does not exist is an answer; a leader being elected is worth a wait.
    const err = new KafkaError(code || ErrorCode.LEADER_NOT_AVAILABLE, { topic });
    if (code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || !err.retriable) throw err;
    if (Date.now() >= deadline) throw err;
    await new Promise((r) => setTimeout(r, client.options.retryBackoffMs));
  }
}

/** Each partition's first offset to read, for `-o`'s start. */
async function startOffsets(
  client: Client,
  topic: string,
  partitions: readonly number[],
  start: ConsumeStart,
  isolation: number,
): Promise<Map<number, number>> {
  switch (start.kind) {
    case "offset":
      return new Map(partitions.map((p) => [p, start.offset]));
    case "oldest":
      return await listOffsets(client, topic, partitions, EARLIEST, isolation);
    case "newest":
      return await listOffsets(client, topic, partitions, LATEST, isolation);
    case "tail": {
      const [oldest, newest] = await Promise.all([
        listOffsets(client, topic, partitions, EARLIEST, isolation),
        listOffsets(client, topic, partitions, LATEST, isolation),
      ]);
      return new Map(partitions.map((p) => {
        const end = newest.get(p)!;
        return [p, Math.max(oldest.get(p)!, end - start.count)];
      }));
    }
    case "timestamp": {
      const at = await listOffsets(client, topic, partitions, BigInt(start.timestamp), isolation);
      // No record at or after the timestamp: start at the end, for what comes next.
      const missing = partitions.filter((p) => !(at.get(p)! >= 0));
      if (missing.length > 0) {
        const ends = await listOffsets(client, topic, missing, LATEST, isolation);
        for (const p of missing) at.set(p, ends.get(p)!);
      }
      return at;
    }
  }
}
