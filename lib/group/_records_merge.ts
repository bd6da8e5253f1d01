// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * `GroupConsumer.records()`: every claim's records merged into one stream, each chunk marked
 * processed when the reader comes back for the next.
 *
 * @module
 */

import type { RecordChunk } from "../consumer/record_chunk.ts";
import type { Claim } from "./claim.ts";

/** What the merge needs from the member that owns the claims. */
export interface ClaimOwner {
  /** Whether `claim` is still this member's and not being given up. */
  current(claim: Claim): boolean;
  /** A chunk of `claim` is being handed to the reader. */
  handing(claim: Claim): void;
  /** The reader is done with what it was handed of `claim`. */
  done(claim: Claim): void;
  /** A partition cannot go on: the member must end with `error`. */
  fail(error: unknown): void;
  /** The reader cancelled: commit and leave. */
  close(): Promise<void>;
}

/**
 * Merges the claims of `claims` into one stream of chunks. With highWaterMark 0 a chunk is only
 * enqueued for a reader that asked (pull): that is what lets "asked again" mean "done with the
 * last one", the moment its last offset is marked.
 *
 * @example An empty claims stream makes an empty merge
 * ```ts
 * import { mergeClaims } from "./_records_merge.ts";
 * import assert from "node:assert/strict";
 *
 * const claims = new ReadableStream({ start: (c) => c.close() });
 * const owner = {
 *   current: () => true,
 *   handing: () => {},
 *   done: () => {},
 *   fail: () => {},
 *   close: () => Promise.resolve(),
 * };
 * const r = await mergeClaims(claims, owner).getReader().read();
 * assert.equal(r.done, true);
 * ```
 */
export function mergeClaims(
  claimStream: ReadableStream<Claim>,
  owner: ClaimOwner,
): ReadableStream<RecordChunk> {
  const claims = claimStream.getReader();
  let wanted = false;
  /** Piped: a chunk is done when the sink's write of it finished, not when the pipe reads on. */
  let piped = false;
  const waiting: Array<() => void> = [];
  let handed: { claim: Claim; chunk: RecordChunk }[] = [];
  const finish = (claim: Claim, chunk: RecordChunk) => {
    const last = chunk.records[chunk.records.length - 1];
    if (last) claim.mark(last.offset);
    // A claim being given up waits until none of its chunks is still being processed.
    if (!handed.some((h) => h.claim === claim)) owner.done(claim);
  };
  const markHanded = () => {
    const all = handed;
    handed = [];
    for (const { claim, chunk } of all) finish(claim, chunk);
  };
  const markOne = (chunk: RecordChunk) => {
    const i = handed.findIndex((h) => h.chunk === chunk);
    if (i < 0) return;
    const { claim } = handed.splice(i, 1)[0]!;
    finish(claim, chunk);
  };
  return new RecordsStream({
    start: (controller) => {
      const fail = (e: unknown) => {
        try {
          controller.error(e);
        } catch {
          // already cancelled or errored: the reader has its outcome
        }
      };
      (async () => {
        for (;;) {
          // A fatal group error errors `claims`: it reaches the reader, never a normal end.
          const next = await claims.read();
          if (next.done) break;
          const claim = next.value;
          (async () => {
            const reader = claim.records.getReader();
            for (;;) {
              let r: ReadableStreamReadResult<RecordChunk>;
              try {
                r = await reader.read();
              } catch (e) {
                // This partition cannot go on (corrupt batch, authorization, out of range
                // by policy): the reader is told, and the member leaves rather than keep a
                // partition nobody reads.
                fail(e);
                owner.fail(e);
                break;
              }
              if (r.done) break;
              while (!wanted) await new Promise<void>((w) => waiting.push(w));
              // Revoked (or being revoked) while this chunk waited for the reader: it is the
              // new owner's now.
              if (!owner.current(claim)) break;
              wanted = false;
              handed.push({ claim, chunk: r.value });
              owner.handing(claim);
              try {
                controller.enqueue(r.value);
              } catch {
                break;
              }
            }
          })().catch(fail);
        }
        try {
          controller.close();
        } catch {
          // cancelled
        }
      })().catch(fail);
    },
    pull: () => {
      // The reader is back for more: what it was handed before is processed (a pipe marks
      // each chunk when its sink finished it instead).
      if (!piped) markHanded();
      wanted = true;
      for (const w of waiting.splice(0)) w();
    },
    cancel: async () => {
      // The reader is done with the group: commit what it read and leave, rather than keep
      // partitions nobody reads (and rejoin on every rebalance with claims nobody takes).
      // A pipe's chunks still in its sink are not marked: they were not processed.
      if (!piped) markHanded();
      await owner.close();
      // An errored claims stream rejects with the error the reader already had.
      await claims.cancel().catch(() => {});
    },
  }, {
    piping: () => piped = true,
    written: markOne,
  });
}

/** How a pipe tells the merge its chunks' fate. */
interface PipeHooks {
  /** A pipe starts: from now a chunk is done when written, not when the next is read. */
  piping(): void;
  /** The sink finished `chunk`. */
  written(chunk: RecordChunk): void;
}

/**
 * The merged stream. Its `pipeTo` (and `pipeThrough`, which uses it) writes each chunk with a
 * writer and marks the chunk when that write resolved, which is when the sink finished
 * processing it: a sink with a high-water mark above 1 makes a pipe read ahead, so a read is
 * no sign the chunk before it was processed.
 */
class RecordsStream extends ReadableStream<RecordChunk> {
  readonly #hooks: PipeHooks;

  constructor(source: UnderlyingDefaultSource<RecordChunk>, hooks: PipeHooks) {
    super(source, { highWaterMark: 0 });
    this.#hooks = hooks;
  }

  override async pipeTo(
    destination: WritableStream<RecordChunk>,
    options: StreamPipeOptions = {},
  ): Promise<void> {
    const { signal, preventClose = false, preventAbort = false, preventCancel = false } = options;
    signal?.throwIfAborted();
    const reader = this.getReader();
    const writer = destination.getWriter();
    this.#hooks.piping();
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      // Ends a read waiting for a chunk; the loop below then stops with the abort's reason.
      if (!preventCancel) reader.cancel(signal!.reason).catch(() => {}); // its outcome is the pipe's
      else reader.releaseLock();
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    let sourceError: { e: unknown } | undefined;
    try {
      for (;;) {
        await writer.ready;
        let r: ReadableStreamReadResult<RecordChunk>;
        try {
          r = await reader.read();
        } catch (e) {
          if (aborted) break;
          sourceError = { e };
          throw e;
        }
        if (aborted || r.done) break;
        const chunk = r.value;
        // A failed write errors the destination, which the next `ready` (or close) reports.
        writer.write(chunk).then(() => this.#hooks.written(chunk), () => {});
      }
      if (aborted) {
        if (!preventAbort) await writer.abort(signal!.reason).catch(() => {}); // reason thrown below
        throw signal!.reason;
      }
      if (!preventClose) await writer.close();
    } catch (e) {
      if (sourceError !== undefined) {
        if (!preventAbort) await writer.abort(e).catch(() => {}); // e is thrown below
      } else if (!aborted && !preventCancel) {
        await reader.cancel(e).catch(() => {}); // e is thrown below
      }
      throw e;
    } finally {
      signal?.removeEventListener("abort", onAbort);
      try {
        reader.releaseLock();
      } catch {
        // already released by an abort
      }
      writer.releaseLock();
    }
  }

  override pipeThrough<T>(
    transform: { writable: WritableStream<RecordChunk>; readable: ReadableStream<T> },
    options?: StreamPipeOptions,
  ): ReadableStream<T> {
    // As the standard's: the pipe's failure reaches the reader through the transform.
    this.pipeTo(transform.writable, options).catch(() => {});
    return transform.readable;
  }
}
