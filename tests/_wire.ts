// Copyright 2026 the kanal authors. MIT license.
/**
 * Typed requests to a real broker below the client layer: frame with the generated codecs,
 * send over a plain socket, decode the answer. For protocol-layer tests.
 *
 * @module
 */

import { Writer } from "../lib/protocol/writer.ts";
import { ApiVersionTable } from "../lib/protocol/versions.ts";
import type { ApiCodec } from "../lib/protocol/messages/api_table.ts";
import { API_TABLE } from "../lib/protocol/messages/api_table.ts";
import {
  CLIENT_APIS,
  readResponseFrame,
  writeRequestFrame,
} from "../lib/protocol/request_frame.ts";
import type { RecordBatch } from "../lib/protocol/record_batch.ts";
import { decodeRecordBatches } from "../lib/protocol/record_batch_decoder.ts";
import { type BrokerAddress, rawRequest } from "./_kafka.ts";

let nextCorrelationId = 1;

/** Sends one request at `version` and returns the decoded response body. */
export async function call<Req, Res>(
  broker: BrokerAddress,
  api: ApiCodec<Req, Res>,
  version: number,
  body: Req,
): Promise<Res> {
  const w = new Writer();
  const correlationId = nextCorrelationId++;
  writeRequestFrame(w, api, version, correlationId, "kanal-test", body);
  const frame = await rawRequest(broker, w.toBytes());
  const res = readResponseFrame(frame, api, version);
  if (res.correlationId !== correlationId) {
    throw new Error(`correlation id ${res.correlationId}, expected ${correlationId}`);
  }
  return res.body;
}

/** Asks the broker for its API versions (v3) and negotiates against what kanal speaks. */
export async function negotiate(broker: BrokerAddress): Promise<ApiVersionTable> {
  const res = await call(broker, API_TABLE[18], 3, {
    clientSoftwareName: "kanal",
    clientSoftwareVersion: "0.1.0",
  });
  if (res.errorCode !== 0) throw new Error(`ApiVersions error ${res.errorCode}`);
  return new ApiVersionTable(res.apiKeys, CLIENT_APIS);
}

/**
 * Every record batch of one partition (by topic id), fetched from offset 0 at `version` in one
 * Fetch of up to 1 MiB and decoded. Throws when the partition answers an error.
 */
export async function fetchBatches(
  broker: BrokerAddress,
  version: number,
  topicId: string,
  partition = 0,
): Promise<RecordBatch[]> {
  const res = await call(broker, API_TABLE[1], version, {
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    topics: [{
      topicId,
      partitions: [{ partition, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }],
    }],
  });
  const p = res.responses[0]!.partitions[0]!;
  if (p.errorCode !== 0) throw new Error(`Fetch of ${topicId}/${partition}: error ${p.errorCode}`);
  return (await decodeRecordBatches(p.records ?? new Uint8Array(0))).batches;
}
