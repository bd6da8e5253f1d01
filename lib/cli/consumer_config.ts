// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * How `kanal consume` sorts its `-X key=value` pairs: consumer options and, with `-G`, group
 * options by kanal's, kcat's or Java's names, and the rest for the client.
 *
 * @module
 */

import { type ConsumerOptions, resolveConsumerOptions } from "../consumer/consumer_options.ts";
import type { Assignor } from "../group/assignor.ts";
import { cooperativeStickyAssignor } from "../group/cooperative_sticky_assignor.ts";
import type { GroupConsumerOptions } from "../group/group_consumer.ts";
import { rangeAssignor } from "../group/range_assignor.ts";
import { roundRobinAssignor } from "../group/round_robin_assignor.ts";
import { stickyAssignor } from "../group/sticky_assignor.ts";
import { UsageError } from "./args.ts";

type Kind =
  | "number"
  | "string"
  | "boolean"
  | "kbytes"
  | "isolation"
  | "reset"
  | "assignors"
  | "protocol";

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

// The group options -X sets with -G, by kanal's name (GroupConsumerOptions, and `commit` for
// enable.auto.commit, which the command line itself honours).
const GROUP_KINDS: Readonly<Record<string, Kind>> = {
  sessionTimeoutMs: "number",
  heartbeatIntervalMs: "number",
  rebalanceTimeoutMs: "number",
  groupInstanceId: "string",
  autoCommitIntervalMs: "number",
  assignors: "assignors",
  protocol: "protocol",
  serverAssignor: "string",
  commit: "boolean",
};

// librdkafka's and Java's names for them. Both take max.poll.interval.ms as the time members
// get to rejoin in a rebalance.
const GROUP_NAMES: Readonly<Record<string, string>> = {
  "session.timeout.ms": "sessionTimeoutMs",
  "heartbeat.interval.ms": "heartbeatIntervalMs",
  "max.poll.interval.ms": "rebalanceTimeoutMs",
  "group.instance.id": "groupInstanceId",
  "auto.commit.interval.ms": "autoCommitIntervalMs",
  "partition.assignment.strategy": "assignors",
  "group.protocol": "protocol",
  "group.remote.assignor": "serverAssignor",
  "enable.auto.commit": "commit",
  // kcat never stores offsets itself: without the automatic store nothing is committed either.
  "enable.auto.offset.store": "commit",
};

// Assignors by librdkafka's name and by Java's class name.
const ASSIGNORS: Readonly<Record<string, () => Assignor>> = {
  "range": rangeAssignor,
  "roundrobin": roundRobinAssignor,
  "sticky": stickyAssignor,
  "cooperative-sticky": cooperativeStickyAssignor,
  "org.apache.kafka.clients.consumer.RangeAssignor": rangeAssignor,
  "org.apache.kafka.clients.consumer.RoundRobinAssignor": roundRobinAssignor,
  "org.apache.kafka.clients.consumer.StickyAssignor": stickyAssignor,
  "org.apache.kafka.clients.consumer.CooperativeStickyAssignor": cooperativeStickyAssignor,
};

/** The group options `-X` can set, with `commit` for `enable.auto.commit`. */
export type GroupConfig =
  & Partial<
    Pick<
      GroupConsumerOptions,
      | "sessionTimeoutMs"
      | "heartbeatIntervalMs"
      | "rebalanceTimeoutMs"
      | "groupInstanceId"
      | "autoCommitIntervalMs"
      | "assignors"
      | "protocol"
      | "serverAssignor"
      | "startOffset"
    >
  >
  & {
    /** Whether printed records are committed (`enable.auto.commit`); absent: they are. */
    commit?: boolean;
  };

/** What {@linkcode consumerConfig} sorted the `-X` pairs into. */
export interface ConsumerConfig {
  /** Consumer options by kanal's name. */
  readonly consumer: ConsumerOptions;
  /** Group options (only with `-G`). */
  readonly group: GroupConfig;
  /** The `-X` pairs left for the client, for `clientOptionsFromArgs`. */
  readonly client: readonly string[];
}

/**
 * Sorts `-X key=value` pairs: consumer options (kanal's names such as `maxWaitMs`, or kcat's and
 * Java's: `fetch.wait.max.ms`, `fetch.max.wait.ms`, `fetch.min.bytes`, `fetch.max.bytes`,
 * `max.partition.fetch.bytes`, `isolation.level`, `check.crcs`, `auto.offset.reset`,
 * `queued.max.messages.kbytes`, …), then, when `grouped` (`-G`), group options
 * (`session.timeout.ms`, `heartbeat.interval.ms`, `max.poll.interval.ms`, `group.instance.id`,
 * `auto.commit.interval.ms`, `partition.assignment.strategy`, `group.protocol`,
 * `group.remote.assignor`, `enable.auto.commit`, or kanal's `GroupConsumer` option names), and
 * leaves everything else for the client, which refuses a name it does not know.
 *
 * With `-G`, `auto.offset.reset` is also where a partition with no committed offset starts, as
 * in kcat and Java; `error` has no such start and is refused.
 *
 * @throws {UsageError} for a value of the wrong kind, and for a group option without `-G`.
 *
 * @example Consumer, group and client options
 * ```ts
 * import { consumerConfig } from "./consumer_config.ts";
 * import assert from "node:assert/strict";
 *
 * const c = consumerConfig([
 *   "fetch.wait.max.ms=100", "session.timeout.ms=6000", "enable.auto.commit=false",
 *   "partition.assignment.strategy=roundrobin,range", "client.id=tool",
 * ], true);
 * assert.deepEqual(c.consumer, { maxWaitMs: 100 });
 * assert.equal(c.group.sessionTimeoutMs, 6000);
 * assert.equal(c.group.commit, false);
 * assert.deepEqual(c.group.assignors?.map((a) => a.name), ["roundrobin", "range"]);
 * assert.deepEqual(c.client, ["client.id=tool"]);
 * assert.throws(() => consumerConfig(["session.timeout.ms=6000"], false), {
 *   name: "UsageError",
 *   message: /needs a consumer group/,
 * });
 * ```
 */
export function consumerConfig(pairs: readonly string[], grouped: boolean): ConsumerConfig {
  const consumer: Record<string, unknown> = {};
  const group: Record<string, unknown> = {};
  const client: string[] = [];
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const key = eq <= 0 ? "" : pair.slice(0, eq).trim();
    const raw = pair.slice(eq + 1);
    const mapped = CONSUMER_NAMES[key] ?? (CONSUMER_KINDS[key] !== undefined ? key : undefined);
    if (mapped !== undefined) {
      const [name, kind] = typeof mapped === "string" ? [mapped, CONSUMER_KINDS[mapped]!] : mapped;
      const value = convert(key, kind, raw);
      consumer[name] = value;
      if (SHARED.has(key)) client.push(pair);
      if (grouped && name === "offsetOutOfRange") {
        if (value === "error") {
          throw new UsageError(
            `Cannot use -X ${key}=${raw} with -G as a partition with no committed offset ` +
              `needs a place to start: use earliest or latest`,
          );
        }
        group.startOffset = value;
      }
      continue;
    }
    const groupName = GROUP_NAMES[key] ?? (GROUP_KINDS[key] !== undefined ? key : undefined);
    if (groupName !== undefined) {
      if (!grouped) {
        throw new UsageError(
          `Cannot use -X ${key} as it needs a consumer group: consume with -G GROUP`,
        );
      }
      group[groupName] = convert(key, GROUP_KINDS[groupName]!, raw);
      continue;
    }
    // The client's options, or a name nobody knows, which Client.connect refuses by name.
    client.push(pair);
  }
  return { consumer: consumer as ConsumerOptions, group: group as GroupConfig, client };
}

function convert(key: string, kind: Kind, raw: string): unknown {
  const shown = `-X ${key}`;
  switch (kind) {
    case "string":
      if (raw.trim() !== "") return raw;
      throw new UsageError(`Cannot use ${shown} as it must not be empty`);
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
    case "assignors": {
      const names = raw.split(",").map((s) => s.trim()).filter(Boolean);
      const unknown = names.find((n) => ASSIGNORS[n] === undefined);
      if (names.length === 0 || unknown !== undefined) {
        throw new UsageError(
          `Cannot use ${shown} as it must list range, roundrobin, sticky or ` +
            `cooperative-sticky (or Java's class names): current value is "${raw}"`,
        );
      }
      return names.map((n) => ASSIGNORS[n]!());
    }
    case "protocol":
      if (raw === "classic" || raw === "consumer") return raw;
      throw new UsageError(
        `Cannot use ${shown} as it must be classic or consumer: current value is "${raw}"`,
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
 * Turns the client's refusal of an `-X` name it does not know into a usage error that says the
 * name is no consumer (or group) option either, with the nearest name of any of them, instead of
 * the client's message, which lists only its own. Anything else is returned as it is.
 *
 * @example The nearest name of any kind
 * ```ts
 * import { unknownOption } from "./consumer_config.ts";
 * import assert from "node:assert/strict";
 *
 * const e = unknownOption(new TypeError('Unknown Client option "fetch.wait.max"'));
 * assert.match(String(e), /neither a client nor a consumer option: did you mean "fetch.wait.max.ms"/);
 * const other = new Error("boom");
 * assert.equal(unknownOption(other), other);
 * ```
 */
export function unknownOption(e: unknown): unknown {
  const m = e instanceof TypeError ? /^Unknown Client option "(.*?)"/.exec(e.message) : null;
  if (m === null) return e;
  const key = m[1]!;
  // kcat's and Java's names first: "fetch.wait.max" is most likely "fetch.wait.max.ms".
  const names = [...Object.keys(CONSUMER_NAMES), ...Object.keys(GROUP_NAMES)];
  let near = names.find((n) => n.startsWith(key) || key.startsWith(n)) ??
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
