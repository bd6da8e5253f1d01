// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * ApiVersions (key 18): the versions this fake cluster offers. An unsupported ApiVersions
 * version is answered by the connection loop (at v0, UNSUPPORTED_VERSION), as Kafka does.
 *
 * @module
 */

import type { ApiVersionsResponse } from "../../protocol/messages/api_versions.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";

/** Answers ApiVersions with the advertised ranges. */
export const apiVersionsHandler: FakeHandler = {
  key: 18,
  handle(ctx: HandlerContext): ApiVersionsResponse {
    return {
      errorCode: 0,
      apiKeys: ctx.advertised.map((r) => ({
        apiKey: r.key,
        minVersion: r.minVersion,
        maxVersion: r.maxVersion,
      })),
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1n,
      finalizedFeatures: [],
      zkMigrationReady: false,
    };
  },
};
