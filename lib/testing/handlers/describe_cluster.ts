// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * DescribeCluster (key 60): the cluster id, controller and running brokers.
 *
 * @module
 */

import type {
  DescribeClusterRequest,
  DescribeClusterResponse,
} from "../../protocol/messages/describe_cluster.ts";
import type { FakeHandler, HandlerContext } from "../handler.ts";

/** Answers DescribeCluster. */
export const describeClusterHandler: FakeHandler = {
  key: 60,
  handle(ctx: HandlerContext, body: unknown): DescribeClusterResponse {
    const req = body as DescribeClusterRequest;
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      endpointType: ctx.version >= 1 ? req.endpointType ?? 1 : undefined,
      clusterId: ctx.state.clusterId,
      controllerId: ctx.state.controllerId,
      brokers: [...ctx.state.brokers.values()].filter((b) => b.running).map((b) => ({
        brokerId: b.id,
        host: b.host,
        port: b.port,
        rack: b.rack,
      })),
      clusterAuthorizedOperations: -2147483648,
    };
  },
};
