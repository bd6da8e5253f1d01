// Copyright 2026 the kanal authors. MIT license.
// Web APIs only.
/**
 * The fake cluster's API handlers, one file per API.
 *
 * @module
 */

import type { FakeHandler } from "../handler.ts";
import { apiVersionsHandler } from "./api_versions.ts";
import { createTopicsHandler } from "./create_topics.ts";
import { deleteTopicsHandler } from "./delete_topics.ts";
import { fetchHandler } from "./fetch.ts";
import { findCoordinatorHandler } from "./find_coordinator.ts";
import { initProducerIdHandler } from "./init_producer_id.ts";
import { listOffsetsHandler } from "./list_offsets.ts";
import { metadataHandler } from "./metadata.ts";
import { makeProduceHandler } from "./produce.ts";

/** Options for {@linkcode defaultHandlers}. */
export interface DefaultHandlersOptions {
  /** The null broker: produce checks batch headers and CRCs only. @default {false} */
  headerOnly?: boolean;
}

/** Every handler the fake has, one per API key. */
export function defaultHandlers(options: DefaultHandlersOptions = {}): FakeHandler[] {
  return [
    makeProduceHandler({ headerOnly: options.headerOnly }),
    fetchHandler,
    listOffsetsHandler,
    metadataHandler,
    findCoordinatorHandler,
    apiVersionsHandler,
    createTopicsHandler,
    deleteTopicsHandler,
    initProducerIdHandler,
  ];
}
