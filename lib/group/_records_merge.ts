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
  const waiting: Array<() => void> = [];
  let handed: { claim: Claim; chunk: RecordChunk }[] = [];
  const markHanded = () => {
    for (const { claim, chunk } of handed) {
      const last = chunk.records[chunk.records.length - 1];
      if (last) claim.mark(last.offset);
      owner.done(claim);
    }
    handed = [];
  };
  return new ReadableStream<RecordChunk>({
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
      // The reader is back for more: what it was handed before is processed.
      markHanded();
      wanted = true;
      for (const w of waiting.splice(0)) w();
    },
    cancel: async () => {
      // The reader is done with the group: commit what it read and leave, rather than keep
      // partitions nobody reads (and rejoin on every rebalance with claims nobody takes).
      markHanded();
      await owner.close();
      // An errored claims stream rejects with the error the reader already had.
      await claims.cancel().catch(() => {});
    },
  }, { highWaterMark: 0 });
}
