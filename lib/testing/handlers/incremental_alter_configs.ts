// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * IncrementalAlterConfigs (key 44): sets, deletes, appends to or subtracts from topic configs.
 *
 * @module
 */

import { ErrorCode } from "../../protocol/error_codes.ts";
import type {
  IncrementalAlterConfigsRequest,
  IncrementalAlterConfigsResponse,
} from "../../protocol/messages/incremental_alter_configs.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";
import { RESOURCE_BROKER, RESOURCE_TOPIC, TOPIC_DEFAULTS } from "./_topic_configs.ts";

/** Answers IncrementalAlterConfigs. */
export const incrementalAlterConfigsHandler: FakeHandler = {
  key: 44,
  handle(ctx: HandlerContext, body: unknown): IncrementalAlterConfigsResponse {
    const req = body as IncrementalAlterConfigsRequest;
    return {
      throttleTimeMs: 0,
      responses: req.resources.map((r) => {
        const base = { resourceType: r.resourceType, resourceName: r.resourceName };
        if (r.resourceType === RESOURCE_BROKER) {
          return { ...base, errorCode: 0, errorMessage: null };
        }
        const t = r.resourceType === RESOURCE_TOPIC
          ? ctx.state.topics.get(r.resourceName)
          : undefined;
        if (t === undefined) {
          return {
            ...base,
            errorCode: r.resourceType === RESOURCE_TOPIC
              ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
              : ErrorCode.INVALID_REQUEST,
            errorMessage: null,
          };
        }
        const next = new Map(t.configs);
        for (const c of r.configs) {
          const list = (next.get(c.name) ?? "").split(",").filter((x) => x !== "");
          switch (c.configOperation) {
            case 0:
              next.set(c.name, c.value ?? "");
              break;
            case 1:
              next.delete(c.name);
              break;
            case 2:
              next.set(c.name, [...list, c.value ?? ""].join(","));
              break;
            case 3:
              next.set(c.name, list.filter((x) => x !== c.value).join(","));
              break;
            default:
              return {
                ...base,
                errorCode: ErrorCode.INVALID_REQUEST,
                errorMessage: `Unknown config operation ${c.configOperation}`,
              };
          }
          if (c.configOperation !== 1 && !TOPIC_DEFAULTS.has(c.name) && !c.name.includes(".")) {
            return {
              ...base,
              errorCode: ErrorCode.INVALID_CONFIG,
              errorMessage: `Unknown topic config name: ${c.name}`,
            };
          }
        }
        if (!req.validateOnly) {
          t.configs.clear();
          for (const [k, v] of next) t.configs.set(k, v);
        }
        return { ...base, errorCode: 0, errorMessage: null };
      }),
    };
  },
  errorAnswer(
    _ctx: HandlerContext,
    body: unknown,
    code: number,
  ): IncrementalAlterConfigsResponse {
    const req = body as IncrementalAlterConfigsRequest;
    return {
      throttleTimeMs: 0,
      responses: req.resources.map((r) => ({
        errorCode: code,
        errorMessage: null,
        resourceType: r.resourceType,
        resourceName: r.resourceName,
      })),
    };
  },
};
