// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * CreateTopics (key 19): creates topics (or only checks, with `validateOnly`), with Kafka's
 * answers for a taken name, a bad name and bad counts.
 *
 * @module
 */

import { ErrorCode } from "../../protocol/error_codes.ts";
import type {
  CreateTopicsRequest,
  CreateTopicsResponse,
  CreateTopicsResponseCreatableTopicResult,
} from "../../protocol/messages/create_topics.ts";
import { ZERO_UUID } from "../../protocol/uuid.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";

const MESSAGES: Record<number, string> = {
  [ErrorCode.TOPIC_ALREADY_EXISTS]: "Topic already exists.",
  [ErrorCode.INVALID_TOPIC_EXCEPTION]: "Topic name is illegal.",
  [ErrorCode.INVALID_PARTITIONS]: "Number of partitions must be larger than 0.",
  [ErrorCode.INVALID_REPLICATION_FACTOR]:
    "Replication factor must be larger than 0 and at most the number of brokers.",
};

/** Answers CreateTopics. */
export const createTopicsHandler: FakeHandler = {
  key: 19,
  handle(ctx: HandlerContext, body: unknown): CreateTopicsResponse {
    const req = body as CreateTopicsRequest;
    const seen = new Map<string, number>();
    for (const t of req.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    const topics: CreateTopicsResponseCreatableTopicResult[] = req.topics.map((t) => {
      if (seen.get(t.name)! > 1) {
        return {
          name: t.name,
          topicId: ZERO_UUID,
          errorCode: ErrorCode.INVALID_REQUEST,
          errorMessage: `Duplicate topic name ${t.name} in the request.`,
        };
      }
      const configs = t.configs.filter((c) => c.value !== null).map((c): [string, string] => [
        c.name,
        c.value!,
      ]);
      const partitions = t.assignments.length > 0 ? t.assignments.length : t.numPartitions;
      const rf = t.assignments.length > 0
        ? t.assignments[0]!.brokerIds.length
        : t.replicationFactor;
      const made = ctx.state.createTopic(t.name, partitions, rf, configs, req.validateOnly);
      if (typeof made === "number") {
        return {
          name: t.name,
          topicId: ZERO_UUID,
          errorCode: made,
          errorMessage: MESSAGES[made] ?? null,
          numPartitions: -1,
          replicationFactor: -1,
          configs: null,
        };
      }
      return {
        name: t.name,
        topicId: req.validateOnly ? ZERO_UUID : made.id,
        errorCode: 0,
        errorMessage: null,
        topicConfigErrorCode: 0,
        numPartitions: req.validateOnly
          ? partitions === -1 ? ctx.state.defaultPartitions : partitions
          : made.partitions.length,
        replicationFactor: req.validateOnly ? rf : made.partitions[0]?.replicas.length ?? rf,
        configs: [...made.configs].map(([name, value]) => ({
          name,
          value,
          readOnly: false,
          configSource: 1,
          isSensitive: false,
        })),
      };
    });
    return { throttleTimeMs: 0, topics };
  },
  errorAnswer(_ctx: HandlerContext, body: unknown, code: number): CreateTopicsResponse {
    const req = body as CreateTopicsRequest;
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        topicId: ZERO_UUID,
        errorCode: code,
        errorMessage: null,
      })),
    };
  },
};
