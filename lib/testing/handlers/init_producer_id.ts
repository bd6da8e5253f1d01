// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * InitProducerId (key 22): a fresh producer id for an idempotent producer (even one that
 * sends its old id, as Kafka does), or, for a transactional id, its id with the next epoch
 * (fencing the previous holder).
 *
 * @module
 */

import { ErrorCode } from "../../protocol/error_codes.ts";
import type {
  InitProducerIdRequest,
  InitProducerIdResponse,
} from "../../protocol/messages/init_producer_id.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";

/** Answers InitProducerId. */
export const initProducerIdHandler: FakeHandler = {
  key: 22,
  handle(ctx: HandlerContext, body: unknown): InitProducerIdResponse {
    const req = body as InitProducerIdRequest;
    const { state } = ctx;
    const fail = (errorCode: number): InitProducerIdResponse => ({
      throttleTimeMs: 0,
      errorCode,
      producerId: -1n,
      producerEpoch: -1,
    });
    const givenId = req.producerId ?? -1n;
    const givenEpoch = req.producerEpoch ?? -1;
    if (req.transactionalId === null) {
      // Kafka hands an idempotent producer a new id every time, whatever id it sends.
      return {
        throttleTimeMs: 0,
        errorCode: 0,
        producerId: state.nextProducerId(),
        producerEpoch: 0,
      };
    }
    if (req.transactionalId === "") return fail(ErrorCode.INVALID_REQUEST);
    if (state.coordinatorFor(req.transactionalId, 1) !== ctx.broker.id) {
      return fail(ErrorCode.NOT_COORDINATOR);
    }
    if (req.transactionTimeoutMs <= 0 || req.transactionTimeoutMs > 900_000) {
      return fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    }
    const r = ctx.transactions.init(
      req.transactionalId,
      req.transactionTimeoutMs,
      givenId >= 0n ? { producerId: givenId, epoch: givenEpoch } : undefined,
    );
    return {
      throttleTimeMs: 0,
      errorCode: r.errorCode,
      producerId: r.producerId,
      producerEpoch: r.epoch,
    };
  },
  errorAnswer(_ctx: HandlerContext, _body: unknown, code: number): InitProducerIdResponse {
    return { throttleTimeMs: 0, errorCode: code, producerId: -1n, producerEpoch: -1 };
  },
};
