// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * `kanal consume -G GROUP topic…` (kcat's balanced consumer): the partitions the group assigns,
 * printed as `kanal consume` prints them, each record committed once it is printed.
 *
 * @module
 */

import { Client, type ClientOptions } from "../client/client.ts";
import type { ConsumerOptions } from "../consumer/consumer_options.ts";
import type { RecordChunk } from "../consumer/record_chunk.ts";
import type { TopicPartitions } from "../group/assignor.ts";
import { type Claim, GroupConsumer } from "../group/group_consumer.ts";
import { UsageError } from "./args.ts";
import { type GroupConfig, unknownOption } from "./consumer_config.ts";
import { LATEST, listOffsets } from "./list_offsets.ts";
import type { RecordFormatter } from "./record_formatter.ts";
import { topicPartitions } from "./topic_partitions.ts";

/** What `-G` adds to `kanal consume`'s settings. */
export interface GroupSettings {
  /** The group (`-G`). */
  readonly groupId: string;
  /** Where a partition with no committed offset starts (`-o beginning|end`). */
  readonly startOffset: "oldest" | "newest";
  /** The group options from `-X`; `commit: false` (`enable.auto.commit=false`) commits nothing. */
  readonly config: GroupConfig;
  /** Leave out the rebalance lines on stderr (`-q`). */
  readonly quiet: boolean;
}

/** What {@linkcode groupConsume} needs: `kanal consume`'s settings with `-G`'s. */
export interface GroupConsumeSettings {
  /** For `Client.connect`. */
  readonly client: ClientOptions;
  /** For the group's consumer. */
  readonly consumer: ConsumerOptions;
  /** The subscription: topic names, and regular expressions for names that start with `^`. */
  readonly topics: readonly string[];
  /** The group. */
  readonly group: GroupSettings;
  /** Exit once every assigned partition is read up to its end as of its assignment (`-e`). */
  readonly exitAtEnd: boolean;
  /** Exit after this many records (`-c`). */
  readonly count?: number;
  /** How records are printed. */
  readonly formatter: RecordFormatter;
}

/**
 * The subscription for `topics`: the names, or, when any starts with `^` (kcat's and
 * librdkafka's sign of a regular expression), one pattern matching every name given and every
 * expression.
 *
 * @throws {UsageError} for an expression that does not compile.
 *
 * @example Names, or a pattern
 * ```ts
 * import { subscription } from "./group_consume.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(subscription(["orders", "refunds"]), { topics: ["orders", "refunds"] });
 * const { pattern } = subscription(["^orders\\..*", "refunds"]);
 * assert.ok(pattern?.test("orders.eu") && pattern.test("refunds"));
 * assert.ok(!pattern?.test("refunds.old") && !pattern?.test("all.orders.eu"));
 * ```
 */
export function subscription(
  topics: readonly string[],
): { topics: readonly string[]; pattern?: undefined } | { topics?: undefined; pattern: RegExp } {
  if (!topics.some((t) => t.startsWith("^"))) return { topics };
  const parts = topics.map((t) =>
    t.startsWith("^") ? `(?:${t})` : `^${t.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`
  );
  try {
    return { pattern: new RegExp(parts.join("|")) };
  } catch (e) {
    throw new UsageError(
      `Cannot subscribe to ${
        topics.filter((t) => t.startsWith("^")).join(" ")
      } as it is not a regular expression: ${(e as Error).message}`,
      { cause: e },
    );
  }
}

/** kcat's way of listing partitions: `orders [0], orders [1]`. */
function listed(parts: readonly TopicPartitions[]): string {
  return parts.flatMap((t) => t.partitions.map((p) => `${t.topic} [${p}]`)).join(", ");
}

const partitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/** How often -e looks for partitions whose position passed their end without a record. */
const END_CHECK_MS = 100;

/** A chunk on its way to standard output, and the claim whose pump waits for it. */
interface Handed {
  readonly claim: Claim;
  readonly chunk: RecordChunk;
  readonly done: () => void;
}

/**
 * Joins the group, prints the records of the partitions it assigns with `s.formatter` through
 * `write`, and says on `log` what each rebalance assigned and revoked, in kcat's words. Each
 * printed record is marked, so it is committed (every 5 s by default, when a partition is
 * revoked, and on the way out) unless `s.group.config.commit` is false; a chunk cut short by
 * `-c` is marked up to its last printed record, so the next member starts right after it.
 *
 * A chunk of a partition revoked before it was printed is dropped: its next owner starts where
 * the group committed. It resolves with 0 once `-c` or `-e` is satisfied, the reader of the
 * output goes away, or `interrupted` aborts; in every case after committing and leaving the
 * group.
 *
 * @throws {KafkaError} a topic that does not exist, or the group's failure (e.g. an invalid
 * session timeout); {UsageError} for an option no client or consumer knows.
 *
 * @example Interrupted before it starts: 0, without connecting
 * ```ts
 * import { groupConsume } from "./group_consume.ts";
 * import { RecordFormatter } from "./record_formatter.ts";
 * import assert from "node:assert/strict";
 *
 * const stopped = new AbortController();
 * stopped.abort();
 * let said = "";
 * const code = await groupConsume(
 *   {
 *     client: { brokers: "127.0.0.1:1" }, // nothing listens there
 *     consumer: {},
 *     topics: ["orders"],
 *     group: { groupId: "billing", startOffset: "oldest", config: {}, quiet: false },
 *     exitAtEnd: true,
 *     formatter: RecordFormatter.delimited(undefined, new Uint8Array([10])),
 *   },
 *   () => Promise.resolve(true),
 *   (text) => Promise.resolve(void (said += text)),
 *   stopped.signal,
 * );
 * assert.equal(code, 0);
 * assert.equal(said, "");
 * ```
 */
export async function groupConsume(
  s: GroupConsumeSettings,
  write: (bytes: Uint8Array, records: number) => Promise<boolean>,
  log: (text: string) => Promise<void>,
  interrupted?: AbortSignal,
): Promise<number> {
  if (interrupted?.aborted) return 0;
  const g = s.group;
  const { commit = true, ...options } = g.config;
  const sub = subscription(s.topics);
  // Not the interrupt: the client must outlive it to commit and leave. It only stops a
  // connection attempt or a topic check that the interrupt catches before the member exists.
  const early = new AbortController();
  let member: GroupConsumer | undefined;
  let wake: (() => void) | undefined;
  const poke = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onInterrupt = (): void => {
    if (member === undefined) early.abort(interrupted!.reason);
    poke();
  };
  interrupted?.addEventListener("abort", onInterrupt, { once: true });
  let client: Client | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let logged: Promise<void> = Promise.resolve();
  const say = (line: string): void => {
    if (!g.quiet) logged = logged.then(() => log(`% ${line}\n`)).catch(() => {});
  };
  try {
    client = await Client.connect({ ...s.client, signal: early.signal }).catch((e) => {
      throw unknownOption(e);
    });
    // A member subscribed to a topic that does not exist would wait for it forever: say so now.
    for (const t of sub.topics ?? []) await topicPartitions(client, t, undefined);
    if (interrupted?.aborted) return 0;
    const c = client;
    const isolation = s.consumer.isolationLevel === "read_committed" ? 1 : 0;

    // The latest claim of each partition. Printing and marking only what a claim that is still
    // `active` read keeps a revoked claim's leftovers out.
    const claims = new Map<string, Claim>();
    // -e: each claim's end as of its assignment, and the claims closed there and read to the end.
    const ends = new Map<Claim, number>();
    const atEnd = new Set<Claim>();
    const drained = new Set<Claim>();
    let failure: { error: unknown } | undefined;
    const fail = (error: unknown): void => {
      failure ??= { error };
      poke();
    };

    const findEnd = (claim: Claim): void => {
      listOffsets(c, claim.topic, [claim.partition], LATEST, isolation).then((found) => {
        const end = found.get(claim.partition);
        if (end !== undefined) ends.set(claim, end);
        poke();
      }, fail);
    };

    member = new GroupConsumer(c, {
      groupId: g.groupId,
      ...sub,
      ...options,
      startOffset: g.startOffset,
      // Without commits nothing is marked; the interval would only wake up for nothing.
      ...(commit ? {} : { autoCommitIntervalMs: 0 }),
      consumer: s.consumer,
      onAssigned: (parts) => {
        say(
          `Group ${g.groupId} rebalanced (memberid ${member!.memberId}): assigned: ${
            listed(parts)
          }`,
        );
        poke();
      },
      onRevoked: (parts) => {
        say(
          `Group ${g.groupId} rebalanced (memberid ${member!.memberId}): revoked: ${listed(parts)}`,
        );
        poke();
      },
    });
    const m = member;
    say("Waiting for group rebalance");

    let stopping = false;
    const queue: Handed[] = [];
    let membershipEnded = false;

    // One pump per claim: it hands one chunk at a time to the printing loop and waits until
    // that chunk is printed (or dropped), so a partition never runs ahead of its output.
    const pump = async (claim: Claim): Promise<void> => {
      const reader = claim.records.getReader();
      try {
        for (;;) {
          const r = await reader.read();
          if (r.done || stopping) break;
          await new Promise<void>((done) => {
            queue.push({ claim, chunk: r.value, done });
            poke();
          });
          if (stopping) break;
        }
      } catch (e) {
        // A revoked partition's stream is the group's business, not a failure of ours.
        if (!stopping && claim.active) fail(e);
      } finally {
        if (stopping) await reader.cancel().catch(() => {});
        reader.releaseLock();
        drained.add(claim);
        poke();
      }
    };
    (async () => {
      const reader = m.claims.getReader();
      for (;;) {
        const r = await reader.read();
        if (r.done) break;
        const claim = r.value;
        claims.set(partitionKey(claim.topic, claim.partition), claim);
        if (s.exitAtEnd) findEnd(claim);
        pump(claim);
      }
    })().then(() => {
      membershipEnded = true;
      poke();
    }, fail);

    // -e: closing a partition at its end keeps what it already fetched readable; its pump ends
    // after that, and once every current assignment's pump has, everything is printed.
    const checkEnds = (): boolean => {
      const owned = m.assignment().flatMap((t) =>
        t.partitions.map((p) => partitionKey(t.topic, p))
      );
      let all = owned.length > 0;
      for (const k of owned) {
        const claim = claims.get(k);
        const end = claim === undefined ? undefined : ends.get(claim);
        if (claim === undefined || !claim.active || end === undefined) {
          all = false;
          continue;
        }
        if (!atEnd.has(claim)) {
          const position = claim.records.position;
          if (position < 0 || position < end) {
            all = false;
            continue;
          }
          atEnd.add(claim);
          claim.records.close();
        }
        if (!drained.has(claim)) all = false;
      }
      return all;
    };
    if (s.exitAtEnd) {
      timer = setInterval(() => {
        if (checkEnds()) poke();
      }, END_CHECK_MS);
    }

    const { formatter, count } = s;
    let printed = 0;
    try {
      for (;;) {
        if (failure !== undefined) throw failure.error;
        if (interrupted?.aborted || membershipEnded) break;
        if (s.exitAtEnd && checkEnds()) break;
        const item = queue.shift();
        if (item === undefined) {
          await new Promise<void>((r) => wake = r);
          continue;
        }
        const { claim, chunk } = item;
        try {
          // Revoked since it was fetched: its next owner reads it from the committed offset.
          if (!claim.active) continue;
          const records = chunk.records;
          let end = records.length;
          if (count !== undefined && printed + end > count) end = count - printed;
          if (end > 0) {
            const bytes = formatter.format(chunk.topic, chunk.partition, records, 0, end);
            // The reader went away, as kcat stops on SIGPIPE: nothing more to print.
            if (!await write(bytes, end)) break;
            printed += end;
            // Revoked while it was written: too late to commit it, as the next owner has begun.
            if (commit && claim.active) claim.mark(records[end - 1]!.offset);
          }
          if (count !== undefined && printed >= count) break;
        } finally {
          item.done();
        }
      }
    } finally {
      stopping = true;
      clearInterval(timer);
      for (const item of queue.splice(0)) item.done();
      const held = [...claims.values()].filter((c) => c.active);
      const memberId = m.memberId;
      // Commits what was marked and leaves the group.
      await m.close();
      if (held.length > 0) {
        const parts = new Map<string, number[]>();
        for (const c of held) parts.set(c.topic, [...(parts.get(c.topic) ?? []), c.partition]);
        say(`Group ${g.groupId} rebalanced (memberid ${memberId}): revoked: ${
          listed(
            [...parts].map(([topic, ps]) => ({ topic, partitions: ps.sort((a, b) => a - b) })),
          )
        }`);
      }
    }
    return 0;
  } catch (e) {
    // An interrupt that stopped the connection or the topic check is not a failure.
    if (interrupted?.aborted && member === undefined) return 0;
    throw e;
  } finally {
    interrupted?.removeEventListener("abort", onInterrupt);
    clearInterval(timer);
    await client?.close();
    await logged;
  }
}
