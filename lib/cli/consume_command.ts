// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * `kanal consume` (kcat's `-C`): a topic's records on standard output, formatted with kcat's
 * `-f` tokens, from where `-o` says, until the end (`-e`), a count (`-c`) or an interrupt; or,
 * with `-G GROUP`, the records of the partitions a consumer group assigns (`group_consume.ts`).
 *
 * @module
 */

import { progressLine } from "./progress_line.ts";
import { Client, type ClientOptions } from "../client/client.ts";
import { Consumer, TopicStream } from "../consumer/consumer.ts";
import type { ConsumerOptions } from "../consumer/consumer_options.ts";
import type { PartitionConsumer } from "../consumer/partition_consumer.ts";
import { type FlagSpec, parseArgs, type ParsedArgs, UsageError } from "./args.ts";
import { CLIENT_FLAGS, clientOptionsFromArgs } from "./client_options.ts";
import type { CliIo, Command } from "./command.ts";
import { consumerConfig, unknownOption } from "./consumer_config.ts";
import { groupConsume, type GroupSettings } from "./group_consume.ts";
import { EARLIEST, LATEST, listOffsets } from "./list_offsets.ts";
import { parseDelimiter } from "./line_records.ts";
import { RecordFormatter } from "./record_formatter.ts";
import { shareConsume } from "./share_consume.ts";
import { topicPartitions } from "./topic_partitions.ts";

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
 * @throws {UsageError} for anything else, `stored` (it needs a group: `-G`), or two starts.
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
        "Cannot start at the stored offset as that needs a consumer group: " +
          "consume with -G GROUP, or use beginning, end, N, -N or s@TS",
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

/** What {@linkcode consumeOptionsFromArgs} reads from the command line. */
export interface ConsumeSettings {
  /** For `Client.connect`. */
  readonly client: ClientOptions;
  /** For the `Consumer`. */
  readonly consumer: ConsumerOptions;
  /**
   * The topic (`-t`); with `-G`, the group's subscription: `-t` and the arguments after the
   * flags, where a name that starts with `^` is a regular expression.
   */
  readonly topics: readonly string[];
  /** The one partition to read (`-p`); absent: all of them. */
  readonly partition?: number;
  /** Where to start and stop (`-o`); with `-G`, where a partition with no committed offset starts. */
  readonly range: ConsumeRange;
  /**
   * Exit once every partition is read up to its end as of the start (`-e`); with `-G`, every
   * assigned partition to its end as of its assignment.
   */
  readonly exitAtEnd: boolean;
  /** Exit after this many records (`-c`). */
  readonly count?: number;
  /** How records are printed (`-f`, or `-K`, `-D` and `-Z`). */
  readonly formatter: RecordFormatter;
  /** Consume as a member of this group (`-G`), with its options. */
  readonly group?: GroupSettings;
  /** Consume as a member of this share group (`--share`), accepting each printed record. */
  readonly share?: string;
  /** With `--share`: reject records whose value matches (`--reject`). */
  readonly reject?: RegExp;
  /** With `--share`: release records whose value matches (`--release`). */
  readonly release?: RegExp;
}

/**
 * Reads `kanal consume`'s flags: `-t`, `-p`, `-o`, `-e`, `-c`, `-f`, `-K`, `-D`, `-Z`, `-G`, `-q`,
 * and `-X` for the client (see `clientOptionsFromArgs`), the consumer and, with `-G`, the group
 * (see `consumerConfig` for the names each takes).
 *
 * Without `-G`, two defaults follow kcat rather than kanal's library: an offset out of range
 * (`-o 1000` on a shorter partition) restarts at the end (`auto.offset.reset=largest`), and
 * asking for the topic's metadata does not create it.
 *
 * With `-G GROUP` the topics are the arguments after the flags, as kcat takes them (and `-t`).
 * A partition resumes at the group's committed offset; one with none starts where `-o beginning`
 * or `-o end` says (`-o stored`, the default, leaves it to `-X auto.offset.reset`, else the end,
 * as in kcat), and an offset out of range restarts there too. `-p` and other `-o` forms are
 * refused: the group assigns the partitions, and where they resume.
 *
 * @throws {UsageError} for a missing topic, a bad partition, offset, count or format, a consumer
 * or group option whose value is of the wrong kind, or flags that `-G` cannot honour.
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
 * assert.equal(s.group, undefined);
 * ```
 *
 * @example kcat's -G: a group and its topics
 * ```ts
 * import { parseArgs } from "./args.ts";
 * import { consumeCommand, consumeOptionsFromArgs } from "./consume_command.ts";
 * import assert from "node:assert/strict";
 *
 * const args = parseArgs(
 *   ["-b", "b1:9092", "-G", "billing", "-o", "beginning", "-X", "session.timeout.ms=10000",
 *     "orders", "refunds"],
 *   consumeCommand.flags,
 * );
 * const s = consumeOptionsFromArgs(args);
 * assert.deepEqual(s.topics, ["orders", "refunds"]);
 * assert.equal(s.group?.groupId, "billing");
 * assert.equal(s.group?.startOffset, "oldest");
 * assert.deepEqual(s.group?.config, { sessionTimeoutMs: 10000 });
 * ```
 */
export function consumeOptionsFromArgs(args: ParsedArgs): ConsumeSettings {
  const share = args.get("share");
  if (share !== undefined) return shareOptionsFromArgs(args, share);
  for (const flag of ["reject", "release"]) {
    if (args.has(flag)) {
      throw new UsageError(
        `Cannot use --${flag} without --share as only a share group member acknowledges records`,
      );
    }
  }
  const groupId = args.get("group");
  const grouped = groupId !== undefined;
  const topics = [...args.all("topic"), ...(grouped ? args.positionals : [])];
  if (!grouped) {
    const extra = args.positionals[0];
    if (extra !== undefined) {
      throw new UsageError(
        `Cannot read "${extra}" as consume takes no arguments without -G: name the topic with -t`,
      );
    }
    if (topics.length === 0 || topics[0] === "") {
      throw new UsageError("Cannot consume as no topic is given: use -t TOPIC");
    }
  } else {
    if (groupId.trim() === "") {
      throw new UsageError("Cannot consume as a group member as -G names no group");
    }
    if (topics.length === 0 || topics.includes("")) {
      throw new UsageError(
        `Cannot consume as a member of group ${groupId} as no topic is given: name the topics ` +
          `after the flags, as kcat does (kanal consume -G ${groupId} -b BROKERS TOPIC...), or with -t`,
      );
    }
    if (args.has("partition")) {
      throw new UsageError(
        "Cannot use -p with -G as the group assigns the partitions: leave -p out, " +
          "or read a partition directly without -G",
      );
    }
  }
  const config = consumerConfig(args.all("config"), grouped);
  const clientArgv: string[] = [];
  for (const flag of ["brokers", "timeout"]) {
    const v = args.get(flag);
    if (v !== undefined) clientArgv.push(`--${flag}`, v);
  }
  for (const pair of config.client) clientArgv.push("--config", pair);
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
  const common = { client, topics, exitAtEnd: args.has("exit"), formatter };
  if (grouped) {
    // -o beginning|end is kcat's auto.offset.reset: where a partition with no committed offset
    // starts, and where one out of range restarts.
    const startOffset = groupStart(args.all("offset")) ?? config.group.startOffset ?? "newest";
    return {
      ...common,
      consumer: { ...config.consumer, offsetOutOfRange: startOffset },
      range: { start: { kind: startOffset } },
      ...(count !== undefined ? { count } : {}),
      group: {
        groupId,
        startOffset,
        config: withoutStart(config.group),
        quiet: args.has("quiet"),
      },
    };
  }
  const partition = partitionArg(args.get("partition"));
  return {
    ...common,
    consumer: { offsetOutOfRange: "newest", ...config.consumer },
    ...(partition !== undefined ? { partition } : {}),
    range: parseOffsetFlags(args.all("offset")),
    ...(count !== undefined ? { count } : {}),
  };
}

/** `--share GROUP TOPIC...`: the topics, the client, the formatter and -c. */
function shareOptionsFromArgs(args: ParsedArgs, share: string): ConsumeSettings {
  if (share.trim() === "") {
    throw new UsageError("Cannot consume as a share group member as --share names no group");
  }
  for (const flag of ["group", "partition", "offset", "exit"]) {
    if (args.has(flag)) {
      throw new UsageError(
        `Cannot use --${flag} with --share as a share group hands out records itself: leave it out`,
      );
    }
  }
  const topics = [...args.all("topic"), ...args.positionals];
  if (topics.length === 0 || topics.includes("")) {
    throw new UsageError(
      `Cannot consume as a member of share group ${share} as no topic is given: name the ` +
        `topics after the flags (kanal consume --share ${share} -b BROKERS TOPIC...)`,
    );
  }
  const config = consumerConfig(args.all("config"), false);
  const clientArgv: string[] = [];
  for (const flag of ["brokers", "timeout"]) {
    const v = args.get(flag);
    if (v !== undefined) clientArgv.push(`--${flag}`, v);
  }
  for (const pair of config.client) clientArgv.push("--config", pair);
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
  const reject = ruleArg(args, "reject");
  const release = ruleArg(args, "release");
  return {
    client,
    ...(reject !== undefined ? { reject } : {}),
    ...(release !== undefined ? { release } : {}),
    consumer: {},
    topics,
    range: { start: { kind: "oldest" } },
    exitAtEnd: false,
    formatter,
    share,
    ...(count !== undefined ? { count } : {}),
  };
}

/** `--reject REGEX` or `--release REGEX`: the expression. */
function ruleArg(args: ParsedArgs, flag: "reject" | "release"): RegExp | undefined {
  const raw = args.get(flag);
  if (raw === undefined) return undefined;
  try {
    return new RegExp(raw);
  } catch (e) {
    throw new UsageError(
      `Cannot use --${flag} ${raw} as it is not a regular expression: ${(e as Error).message}`,
      { cause: e },
    );
  }
}

function withoutStart(config: GroupSettings["config"]): GroupSettings["config"] {
  const { startOffset: _, ...rest } = config;
  return rest;
}

/** `-o` with `-G`: where a partition with no committed offset starts; undefined for `stored`. */
function groupStart(values: readonly string[]): "oldest" | "newest" | undefined {
  let start: "oldest" | "newest" | undefined;
  let seen = false;
  for (const raw of values) {
    const v = raw.trim();
    if (seen) throw twice(raw);
    seen = true;
    if (v === "beginning" || v === "oldest") start = "oldest";
    else if (v === "end" || v === "newest") start = "newest";
    else if (v !== "stored") {
      throw new UsageError(
        `Cannot use -o ${raw} with -G as a group member resumes where the group committed: ` +
          "use beginning or end (for partitions with no committed offset), or stored",
      );
    }
  }
  return start;
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
        description: "Client, consumer or (with -G) group option, kanal's name or kcat's/Java's " +
          "(fetch.wait.max.ms, isolation.level, auto.offset.reset, session.timeout.ms, " +
          "partition.assignment.strategy, enable.auto.commit, …)",
      }
      : f
  ),
  {
    name: "topic",
    short: "t",
    value: "TOPIC",
    description: "The topic to consume (with -G, topics may also follow the flags)",
  },
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
      "s@TIMESTAMP_MS; e@TIMESTAMP_MS stops there. With -G: beginning or end, for partitions " +
      "the group has no offset for (default: end)",
  },
  {
    name: "exit",
    short: "e",
    description: "Exit once every partition is read to its end (as it was at the start; " +
      "with -G, at its assignment)",
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
  {
    name: "group",
    short: "G",
    value: "GROUP",
    description: "Consume as a member of GROUP the topics named after the flags, committing " +
      "each record once printed",
  },
  {
    name: "share",
    value: "GROUP",
    description: "Consume as a member of share group GROUP (KIP-932 queue) the topics named " +
      "after the flags, accepting each record once printed",
  },
  {
    name: "reject",
    value: "REGEX",
    description: "With --share: reject (never deliver again, do not print) records whose value " +
      "matches REGEX",
  },
  {
    name: "release",
    value: "REGEX",
    description: "With --share: release (deliver again, up to the broker's delivery limit; do " +
      "not print) records whose value matches REGEX",
  },
  {
    name: "quiet",
    short: "q",
    description: "With -G: no rebalance lines on stderr (kanal is otherwise quiet anyway)",
  },
  {
    name: "unbuffered",
    short: "u",
    description: "Accepted for kcat's habit: output is written per fetch",
  },
];

/**
 * `kanal consume -b BROKERS -t TOPIC [-p PARTITION] [-o OFFSET] [-e] [-c COUNT] [-f FORMAT]`,
 * also `kanal -C …`: prints records as kcat's `-C` does, one write per fetched chunk. With
 * `-G GROUP TOPIC…` it consumes as a member of the group instead (see `groupConsume`).
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
  summary: "Print a topic's records (kcat -C), alone or as a group member (-G)",
  usage: "kanal consume -b BROKERS {-t TOPIC [-p PARTITION] | -G GROUP [-q] TOPIC... | " +
    "--share GROUP TOPIC...} " +
    "[-o OFFSET] [-e] [-c COUNT] [-f FORMAT] [-K DELIM] [-D DELIM] [-Z] [-X KEY=VALUE]...",
  flags: CONSUME_FLAGS,
  async run(args, io) {
    const s = consumeOptionsFromArgs(args);
    const cio = io as ConsumeIo;
    const interrupted = cio.interrupted?.call(io);
    const decoder = new TextDecoder();
    const out = cio.stdoutBytes !== undefined
      ? (bytes: Uint8Array) => cio.stdoutBytes!.call(io, bytes)
      : async (bytes: Uint8Array) => {
        await io.stdout(decoder.decode(bytes));
        return true;
      };
    const progress = progressLine(io, "consume");
    const write = (bytes: Uint8Array, records: number): Promise<boolean> => {
      progress?.add(records, bytes.length);
      return out(bytes);
    };
    if (interrupted?.aborted) return 0;
    try {
      if (s.share !== undefined) {
        return await shareConsume({ ...s, groupId: s.share }, write, interrupted);
      }
      if (s.group !== undefined) {
        return await groupConsume({ ...s, group: s.group }, write, io.stderr.bind(io), interrupted);
      }
      return await consume(s, write, interrupted);
    } catch (e) {
      // An interrupt closes the client under whatever was waiting on it: not a failure.
      if (interrupted?.aborted) return 0;
      throw e;
    } finally {
      await progress?.stop();
    }
  },
};

async function consume(
  s: ConsumeSettings,
  write: (bytes: Uint8Array, records: number) => Promise<boolean>,
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
      const topic = s.topics[0]!;
      const partitions = await topicPartitions(client, topic, s.partition);
      const isolation = s.consumer.isolationLevel === "read_committed" ? 1 : 0;
      const starts = await startOffsets(client, topic, partitions, s.range.start, isolation);
      const ends = s.exitAtEnd
        ? await listOffsets(client, topic, partitions, LATEST, isolation)
        : undefined;
      const states = new Map<number, PartitionState>();
      for (const p of partitions) {
        const start = starts.get(p)!;
        const end = ends?.get(p) ?? Infinity;
        // Nothing to read before the end: -e is done with it before it starts.
        if (start >= end) continue;
        states.set(p, {
          consumer: consumer.partition(topic, p, { offset: start }),
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
          if (!await write(formatter.format(chunk.topic, chunk.partition, records, 0, end), end)) {
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
