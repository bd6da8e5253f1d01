// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * Whole request and response frames: the size prefix, the header at the version the API's
 * version calls for, and the body. The connection layer, the tests and the fake cluster all
 * frame through here, so the header rules (flexible versions use the newer headers; ApiVersions
 * answers always use header v0) live in one place.
 *
 * @module
 */

import { KafkaError, MalformedDataError } from "./kafka_error.ts";
import { Reader } from "./reader.ts";
import type { Writer } from "./writer.ts";
import type { ApiCodec } from "./messages/api_table.ts";
import { API_LIST } from "./messages/api_table.ts";
import { decodeRequestHeader, encodeRequestHeader } from "./messages/request_header.ts";
import { decodeResponseHeader, encodeResponseHeader } from "./messages/response_header.ts";
import type { ClientApiVersion } from "./versions.ts";
import { CLIENT_MAX_VERSIONS } from "./client_max_versions.ts";

/**
 * Writes one size-prefixed request frame into `w` (appending) and returns its start.
 *
 * @example An ApiVersions v3 request frame
 * ```ts
 * import { Writer } from "./writer.ts";
 * import { API_TABLE } from "./messages/api_table.ts";
 * import { writeRequestFrame } from "./request_frame.ts";
 * import assert from "node:assert/strict";
 *
 * const w = new Writer();
 * writeRequestFrame(w, API_TABLE[18], 3, 7, "app", {
 *   clientSoftwareName: "kanal", clientSoftwareVersion: "0.1.0",
 * });
 * const bytes = w.finish();
 * assert.equal(new DataView(bytes.buffer).getInt32(0), bytes.length - 4);
 * assert.deepEqual([...bytes.subarray(4, 8)], [0, 18, 0, 3]);
 * ```
 */
export function writeRequestFrame<Req>(
  w: Writer,
  api: ApiCodec<Req, unknown>,
  version: number,
  correlationId: number,
  clientId: string | null,
  body: Req,
): number {
  const start = w.reserve(4);
  encodeRequestHeader(w, api.info.requestHeaderVersion(version), {
    requestApiKey: api.info.key,
    requestApiVersion: version,
    correlationId,
    clientId,
  });
  api.encodeRequest(w, version, body);
  w.setInt32At(start, w.length - start - 4);
  return start;
}

/**
 * Reads the correlation id at the front of a response frame body (the bytes after the size),
 * which every response header version starts with.
 */
export function peekCorrelationId(frame: Uint8Array): number {
  if (frame.length < 4) {
    throw new MalformedDataError(`response frame of ${frame.length} bytes has no correlation id`);
  }
  return ((frame[0]! << 24) | (frame[1]! << 16) | (frame[2]! << 8) | frame[3]!) | 0;
}

/**
 * Decodes a response frame body (the bytes after the size) for `api` at `version`: the header,
 * then the body. Bytes left over after the body are an error: they mean the two sides disagree
 * on the version.
 *
 * @example Decode what {@linkcode writeResponseFrame} wrote
 * ```ts
 * import { Writer } from "./writer.ts";
 * import { API_TABLE } from "./messages/api_table.ts";
 * import { readResponseFrame, writeResponseFrame } from "./request_frame.ts";
 * import assert from "node:assert/strict";
 *
 * const w = new Writer();
 * writeResponseFrame(w, API_TABLE[12], 4, 9, { errorCode: 0, throttleTimeMs: 0 });
 * const { correlationId, body } = readResponseFrame(w.finish().subarray(4), API_TABLE[12], 4);
 * assert.equal(correlationId, 9);
 * assert.equal(body.errorCode, 0);
 * ```
 */
export function readResponseFrame<Res>(
  frame: Uint8Array,
  api: ApiCodec<unknown, Res>,
  version: number,
): { correlationId: number; body: Res } {
  const r = new Reader(frame);
  const { correlationId } = decodeResponseHeader(r, api.info.responseHeaderVersion(version));
  const body = api.decodeResponse(r, version);
  if (r.remaining !== 0) {
    throw new MalformedDataError(
      `${api.info.name} v${version} response has ${r.remaining} bytes after its body`,
    );
  }
  return { correlationId, body };
}

/** Writes one size-prefixed response frame, as a broker (or the fake cluster) does. */
export function writeResponseFrame<Res>(
  w: Writer,
  api: ApiCodec<unknown, Res>,
  version: number,
  correlationId: number,
  body: Res,
): number {
  const start = w.reserve(4);
  encodeResponseHeader(w, api.info.responseHeaderVersion(version), { correlationId });
  api.encodeResponse(w, version, body);
  w.setInt32At(start, w.length - start - 4);
  return start;
}

/** A request as a broker reads it: which API, which version, who sent it, and the body. */
export interface DecodedRequest {
  /** The API's codec. */
  api: ApiCodec<unknown, unknown>;
  /** The request's version. */
  version: number;
  /** The correlation id to answer with. */
  correlationId: number;
  /** The client id, if sent. */
  clientId: string | null;
  /** The decoded body. */
  body: unknown;
}

/**
 * Decodes a request frame body (after the size), as a broker does: the key and version come
 * first in every header version, and pick the rest.
 */
export function readRequestFrame(frame: Uint8Array): DecodedRequest {
  if (frame.length < 4) throw new MalformedDataError(`request frame of ${frame.length} bytes`);
  const key = (frame[0]! << 8) | frame[1]!;
  const version = ((frame[2]! << 24) | (frame[3]! << 16)) >> 16; // int16, signed
  const api = API_LIST.find((a) => a.info.key === key);
  if (api === undefined) throw new MalformedDataError(`request for unknown API key ${key}`);
  if (version < api.info.minVersion || version > api.info.maxVersion) {
    // What a broker answers; the caller may reply with an ApiVersions-style error.
    throw new KafkaError(35, { api: api.info.name }, {
      retriable: false,
      message:
        `${api.info.name} v${version} is outside the versions known here (${api.info.minVersion}-${api.info.maxVersion})`,
    });
  }
  const r = new Reader(frame);
  const header = decodeRequestHeader(r, api.info.requestHeaderVersion(version));
  const body = api.decodeRequest(r, version);
  return {
    api,
    version,
    correlationId: header.correlationId,
    clientId: header.clientId ?? null,
    body,
  };
}

/**
 * The APIs and versions kanal speaks, for negotiation: every generated API up to its highest
 * stable version (a spec's unstable latest version is only offered by brokers configured for
 * it, and may still change), or up to its cap in {@linkcode CLIENT_MAX_VERSIONS} where kanal's
 * code does not speak the newer versions yet.
 */
export const CLIENT_APIS: readonly ClientApiVersion[] = API_LIST.map((a) => {
  const stable = a.info.maxStableVersion >= a.info.minVersion
    ? a.info.maxStableVersion
    : a.info.maxVersion;
  const cap = CLIENT_MAX_VERSIONS.get(a.info.key)?.maxVersion;
  return {
    key: a.info.key,
    name: a.info.name,
    minVersion: a.info.minVersion,
    maxVersion: cap === undefined ? stable : Math.min(stable, cap),
  };
});
