// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Fetch (key 1): serves stored batches as written, long-polls until `minBytes` arrive or
 * `maxWaitMs` passes, keeps KIP-227 sessions (full and incremental fetches), checks leader
 * epochs (FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH) and answers a follower of a truncated log
 * with `divergingEpoch`.
 *
 * @module
 */

import { ErrorCode } from "../../protocol/error_codes.ts";
import type {
  FetchRequest,
  FetchResponse,
  FetchResponseFetchableTopicResponse,
  FetchResponsePartitionData,
} from "../../protocol/messages/fetch.ts";
import { ZERO_UUID } from "../../protocol/uuid.ts";
import type { FakeTopic } from "../cluster_state.ts";
import type { FetchSession, SessionPartition } from "../fetch_sessions.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";

const EMPTY = new Uint8Array(0);

function keyOf(sp: { topic: string; topicId: string; partition: number }): string {
  return `${sp.topicId === ZERO_UUID ? sp.topic : sp.topicId}:${sp.partition}`;
}

function concat(parts: readonly Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Reads one partition for the fetch; returns its answer and the record bytes in it. */
function readPartition(
  ctx: HandlerContext,
  sp: SessionPartition,
  topic: FakeTopic | undefined,
  budget: number,
  readCommitted: boolean,
): FetchResponsePartitionData {
  const base: FetchResponsePartitionData = {
    partitionIndex: sp.partition,
    errorCode: 0,
    highWatermark: -1n,
    lastStableOffset: -1n,
    logStartOffset: -1n,
    abortedTransactions: readCommitted ? [] : null,
    preferredReadReplica: -1,
    records: EMPTY,
  };
  const p = topic?.partitions[sp.partition];
  if (p === undefined) {
    base.errorCode = ctx.version >= 13 && sp.topicId !== ZERO_UUID && topic === undefined
      ? ErrorCode.UNKNOWN_TOPIC_ID
      : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    return base;
  }
  if (p.leader !== ctx.broker.id) {
    base.errorCode = ErrorCode.NOT_LEADER_OR_FOLLOWER;
    if (ctx.version >= 12) base.currentLeader = { leaderId: p.leader, leaderEpoch: p.leaderEpoch };
    return base;
  }
  if (sp.currentLeaderEpoch >= 0 && sp.currentLeaderEpoch !== p.leaderEpoch) {
    base.errorCode = sp.currentLeaderEpoch < p.leaderEpoch
      ? ErrorCode.FENCED_LEADER_EPOCH
      : ErrorCode.UNKNOWN_LEADER_EPOCH;
    if (ctx.version >= 12) base.currentLeader = { leaderId: p.leader, leaderEpoch: p.leaderEpoch };
    return base;
  }
  const log = p.log;
  base.highWatermark = log.highWatermark;
  base.lastStableOffset = log.lastStableOffset;
  base.logStartOffset = log.logStartOffset;
  if (ctx.version >= 12 && sp.lastFetchedEpoch >= 0) {
    const end = log.endOffsetFor(sp.lastFetchedEpoch, p.leaderEpoch);
    if (end.epoch < sp.lastFetchedEpoch || end.endOffset < sp.fetchOffset) {
      base.divergingEpoch = { epoch: end.epoch, endOffset: end.endOffset };
      return base;
    }
  }
  if (sp.fetchOffset < log.logStartOffset || sp.fetchOffset > log.highWatermark) {
    base.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
    return base;
  }
  const end = readCommitted ? log.lastStableOffset : log.highWatermark;
  const batches = log.read(sp.fetchOffset, Math.min(sp.maxBytes, budget), end);
  if (readCommitted && batches.length > 0) {
    base.abortedTransactions = log.abortedIn(sp.fetchOffset, batches.at(-1)!.lastOffset + 1n);
  }
  if (batches.length > 0 && budget > 0) {
    let size = 0;
    const parts: Uint8Array[] = [];
    for (const b of batches) {
      parts.push(b.bytes);
      size += b.bytes.length;
    }
    base.records = concat(parts, size);
  }
  return base;
}

/** Resolves or rejects the session part of a request: the partitions to read, or an error. */
function resolveSession(
  ctx: HandlerContext,
  req: FetchRequest,
): { session: FetchSession | null; parts: SessionPartition[]; error: number } {
  const { state } = ctx;
  const sessionId = req.sessionId ?? 0;
  const epoch = req.sessionEpoch ?? -1;
  const toPartition = (
    t: { topic?: string; topicId?: string },
    p: FetchRequest["topics"][number]["partitions"][number],
  ): SessionPartition => {
    const topicId = t.topicId ?? ZERO_UUID;
    const name = ctx.version >= 13 ? state.topicsById.get(topicId)?.name ?? "" : t.topic ?? "";
    return {
      topic: name,
      topicId,
      partition: p.partition,
      fetchOffset: p.fetchOffset,
      maxBytes: p.partitionMaxBytes,
      currentLeaderEpoch: p.currentLeaderEpoch ?? -1,
      lastFetchedEpoch: p.lastFetchedEpoch ?? -1,
      sentHighWatermark: -2n,
      sentLogStart: -2n,
    };
  };
  const requested: SessionPartition[] = [];
  for (const t of req.topics) for (const p of t.partitions) requested.push(toPartition(t, p));
  if (sessionId === 0 && epoch === -1) return { session: null, parts: requested, error: 0 };
  if (epoch === -1) {
    ctx.sessions.delete(sessionId);
    return { session: null, parts: requested, error: 0 };
  }
  if (epoch === 0) {
    if (sessionId !== 0) ctx.sessions.delete(sessionId);
    const s = ctx.sessions.create();
    for (const sp of requested) s.partitions.set(keyOf(sp), sp);
    return { session: s, parts: requested, error: 0 };
  }
  const s = sessionId === 0 ? undefined : ctx.sessions.get(sessionId);
  if (s === undefined) {
    return { session: null, parts: [], error: ErrorCode.FETCH_SESSION_ID_NOT_FOUND };
  }
  if (s.epoch !== epoch) {
    return { session: null, parts: [], error: ErrorCode.INVALID_FETCH_SESSION_EPOCH };
  }
  s.epoch = epoch === 0x7fffffff ? 1 : epoch + 1;
  for (const sp of requested) {
    const had = s.partitions.get(keyOf(sp));
    if (had === undefined) {
      s.partitions.set(keyOf(sp), sp);
    } else {
      had.fetchOffset = sp.fetchOffset;
      had.maxBytes = sp.maxBytes;
      had.currentLeaderEpoch = sp.currentLeaderEpoch;
      had.lastFetchedEpoch = sp.lastFetchedEpoch;
    }
  }
  for (const f of req.forgottenTopicsData ?? []) {
    for (const partition of f.partitions) {
      s.partitions.delete(
        keyOf({ topic: f.topic ?? "", topicId: f.topicId ?? ZERO_UUID, partition }),
      );
    }
  }
  return { session: s, parts: [...s.partitions.values()], error: 0 };
}

/** Answers Fetch. */
export const fetchHandler: FakeHandler = {
  key: 1,
  async handle(ctx: HandlerContext, body: unknown): Promise<FetchResponse> {
    const req = body as FetchRequest;
    const { state, version } = ctx;
    const { session, parts, error } = resolveSession(ctx, req);
    if (error !== 0) {
      return { throttleTimeMs: 0, errorCode: error, sessionId: 0, responses: [] };
    }
    const incremental = session !== null && (req.sessionEpoch ?? 0) > 0;
    const readCommitted = (req.isolationLevel ?? 0) === 1;
    // One timer for the whole long poll, not a deadline read from the clock: workerd's clock
    // stands still between I/O events, and in memory there are none.
    const wait = new LongPollTimer(req.maxWaitMs);
    try {
      const maxBytes = req.maxBytes ?? 0x7fffffff;
      for (;;) {
        const changed = state.changed();
        let budget = maxBytes;
        let total = 0;
        let hasError = false;
        const out: { sp: SessionPartition; data: FetchResponsePartitionData }[] = [];
        for (const sp of parts) {
          const topic = version >= 13
            ? state.topicsById.get(sp.topicId)
            : state.topics.get(sp.topic);
          const data = readPartition(ctx, sp, topic, budget, readCommitted);
          const n = data.records?.length ?? 0;
          budget = Math.max(0, budget - n);
          total += n;
          if (data.errorCode !== 0 || data.divergingEpoch !== undefined) hasError = true;
          out.push({ sp, data });
        }
        const waitMore = !hasError && total < req.minBytes && !wait.expired &&
          !ctx.signal.aborted;
        if (waitMore) {
          await wait.until(changed, ctx.signal);
          continue;
        }
        const byTopic = new Map<string, FetchResponseFetchableTopicResponse>();
        for (const { sp, data } of out) {
          if (incremental) {
            const same = (data.records?.length ?? 0) === 0 && data.errorCode === 0 &&
              data.divergingEpoch === undefined &&
              data.highWatermark === sp.sentHighWatermark &&
              data.logStartOffset === sp.sentLogStart;
            if (same) continue;
          }
          sp.sentHighWatermark = data.highWatermark;
          sp.sentLogStart = data.logStartOffset ?? -1n;
          const k = version >= 13 ? sp.topicId : sp.topic;
          let t = byTopic.get(k);
          if (t === undefined) {
            t = version >= 13
              ? { topicId: sp.topicId, partitions: [] }
              : { topic: sp.topic, partitions: [] };
            byTopic.set(k, t);
          }
          t.partitions.push(data);
        }
        return {
          throttleTimeMs: 0,
          errorCode: 0,
          sessionId: session?.id ?? 0,
          responses: [...byTopic.values()],
          // KIP-951: with a new leader named, say where it is, so no Metadata round trip is
          // needed to follow it.
          nodeEndpoints: version >= 16 && out.some((o) => o.data.currentLeader !== undefined)
            ? [...state.brokers.values()].filter((b) => b.running).map((b) => ({
              nodeId: b.id,
              host: b.host,
              port: b.port,
              rack: b.rack,
            }))
            : [],
        };
      }
    } finally {
      wait.clear();
    }
  },
  errorAnswer(ctx: HandlerContext, body: unknown, code: number): FetchResponse {
    // Every partition asked for carries the code; the session is left alone (sessionId 0
    // tells the client to start a new one), so nothing is applied.
    const req = body as FetchRequest;
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: req.topics.map((t) => ({
        ...(ctx.version >= 13 ? { topicId: t.topicId ?? ZERO_UUID } : { topic: t.topic ?? "" }),
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partition,
          errorCode: code,
          highWatermark: -1n,
          lastStableOffset: -1n,
          logStartOffset: -1n,
          abortedTransactions: null,
          preferredReadReplica: -1,
          records: EMPTY,
        })),
      })),
    };
  },
};

/** The long poll's one timer: `until` waits for a change, the expiry or an abort. */
class LongPollTimer {
  expired: boolean;
  readonly #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #expiry: Promise<void>;

  constructor(ms: number) {
    this.expired = ms <= 0;
    let fire!: () => void;
    this.#expiry = new Promise<void>((resolve) => fire = resolve);
    this.#timer = this.expired ? undefined : setTimeout(() => {
      this.expired = true;
      fire();
    }, ms);
  }

  until(changed: Promise<void>, signal: AbortSignal): Promise<void> {
    if (signal.aborted) {
      this.expired = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = (): void => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = (): void => {
        this.expired = true;
        done();
      };
      signal.addEventListener("abort", onAbort, { once: true });
      void changed.then(done);
      void this.#expiry.then(done);
    });
  }

  clear(): void {
    clearTimeout(this.#timer);
  }
}
