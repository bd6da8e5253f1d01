// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * `kanal produce -X transactional.id=ID`: the records of standard input in transactions.
 *
 * @module
 */

import type { Producer } from "../producer/producer.ts";
import type { ProducerRecord } from "../producer/producer_record.ts";

/**
 * A sink that writes arrays of records into `producer` (made with a `transactionalId`) in
 * transactions: one per array written (an input chunk), or one per `perTransaction` records
 * when given; the open one commits when the input ends. Aborting the sink (a pipe cut by
 * SIGINT) aborts the open transaction, so none of its records is seen by read_committed readers.
 * A commit that fails (a record was not delivered) aborts the transaction and errors the sink.
 */
export function transactionalSink(
  producer: Producer,
  perTransaction: number | undefined,
): WritableStream<ProducerRecord[]> {
  const writer = producer.writable.getWriter();
  let open = false;
  let inOpen = 0;
  const commit = async (): Promise<void> => {
    open = false;
    inOpen = 0;
    try {
      await producer.commitTransaction();
    } catch (e) {
      if (producer.transactionState !== "fatal") await producer.abortTransaction();
      throw e;
    }
  };
  return new WritableStream<ProducerRecord[]>({
    async write(records) {
      let from = 0;
      while (from < records.length) {
        if (!open) {
          await producer.beginTransaction();
          open = true;
        }
        const room = perTransaction === undefined ? records.length : perTransaction - inOpen;
        const to = Math.min(records.length, from + room);
        await writer.write(from === 0 && to === records.length ? records : records.slice(from, to));
        inOpen += to - from;
        from = to;
        if (perTransaction === undefined || inOpen >= perTransaction) await commit();
      }
    },
    async close() {
      if (open) await commit();
      writer.releaseLock();
    },
    async abort() {
      writer.releaseLock();
      if (open && producer.transactionState !== "fatal") await producer.abortTransaction();
    },
  });
}
