// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * DescribeConfigs (key 32): a topic's configs (set ones as dynamic, the rest as defaults) or
 * a broker's few defaults.
 *
 * @module
 */

import { ErrorCode } from "../../protocol/error_codes.ts";
import type {
  DescribeConfigsRequest,
  DescribeConfigsResponse,
  DescribeConfigsResponseResourceResult,
} from "../../protocol/messages/describe_configs.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";
import { RESOURCE_BROKER, RESOURCE_TOPIC, TOPIC_DEFAULTS } from "./_topic_configs.ts";

const DYNAMIC_TOPIC_CONFIG = 1;
const DEFAULT_CONFIG = 5;

/** Answers DescribeConfigs. */
export const describeConfigsHandler: FakeHandler = {
  key: 32,
  handle(ctx: HandlerContext, body: unknown): DescribeConfigsResponse {
    const req = body as DescribeConfigsRequest;
    const entry = (
      name: string,
      value: string,
      set: boolean,
    ): DescribeConfigsResponseResourceResult => ({
      name,
      value,
      readOnly: false,
      configSource: set ? DYNAMIC_TOPIC_CONFIG : DEFAULT_CONFIG,
      isSensitive: false,
      synonyms: [],
      configType: ctx.version >= 3 ? 2 : undefined, // STRING
      documentation: null,
    });
    return {
      throttleTimeMs: 0,
      results: req.resources.map((r) => {
        const base = {
          errorMessage: null,
          resourceType: r.resourceType,
          resourceName: r.resourceName,
        };
        let all: Map<string, [string, boolean]>;
        if (r.resourceType === RESOURCE_TOPIC) {
          const t = ctx.state.topics.get(r.resourceName);
          if (t === undefined) {
            return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, configs: [] };
          }
          all = new Map([...TOPIC_DEFAULTS].map(([k, v]) => [k, [v, false]]));
          for (const [k, v] of t.configs) all.set(k, [v, true]);
        } else if (r.resourceType === RESOURCE_BROKER) {
          all = new Map([
            ["auto.create.topics.enable", [String(ctx.state.autoCreateTopics), false]],
            ["num.partitions", [String(ctx.state.defaultPartitions), false]],
            ["broker.id", [String(ctx.broker.id), false]],
          ]);
        } else {
          return { ...base, errorCode: ErrorCode.INVALID_REQUEST, configs: [] };
        }
        const keys = r.configurationKeys;
        const configs = [...all].filter(([k]) => keys === null || keys.includes(k)).map((
          [k, [v, set]],
        ) => entry(k, v, set));
        return { ...base, errorCode: 0, configs };
      }),
    };
  },
};
