// Copyright 2026 the kanal authors. MIT license.
// The cluster client against a fake broker whose answers decode but make no sense: each must
// end in a typed KafkaError naming the API, never a TypeError from reading what is not there.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Client } from "../lib/client/client.ts";
import { MalformedDataError } from "../lib/protocol/kafka_error.ts";
import { API_TABLE } from "../lib/protocol/messages/api_table.ts";
import type { FindCoordinatorResponse } from "../lib/protocol/messages/find_coordinator.ts";
import { type FakeBroker, startFakeBroker } from "./_fake_broker.ts";

async function withCoordinatorAnswer(
  answer: (key: string) => FindCoordinatorResponse,
  check: (client: Client) => Promise<void>,
): Promise<void> {
  const broker: FakeBroker = await startFakeBroker((req, conn) => {
    if (req.api.info.key === 3) {
      conn.answer(API_TABLE[3], req.version, req.correlationId, {
        brokers: [{ nodeId: 0, host: "127.0.0.1", port: broker.port, rack: null }],
        clusterId: "fake",
        controllerId: 0,
        topics: [],
      });
    } else if (req.api.info.key === 10) {
      assert.ok(req.version >= 4, `FindCoordinator v${req.version}`);
      conn.answer(API_TABLE[10], req.version, req.correlationId, answer("g"));
    }
  });
  const client = await Client.connect({ brokers: `127.0.0.1:${broker.port}` });
  try {
    await check(client);
  } finally {
    await client.close();
    await broker.close();
  }
}

const nonsense: [string, FindCoordinatorResponse][] = [
  ["no coordinator at all", { throttleTimeMs: 0, coordinators: [] }],
  ["only another key's coordinator", {
    throttleTimeMs: 0,
    coordinators: [{
      key: "other",
      nodeId: 0,
      host: "127.0.0.1",
      port: 1,
      errorCode: 0,
      errorMessage: null,
    }],
  }],
  ["a coordinator without a usable address", {
    throttleTimeMs: 0,
    coordinators: [{ key: "g", nodeId: 0, host: "", port: 0, errorCode: 0, errorMessage: null }],
  }],
];

for (const [what, res] of nonsense) {
  test(`a FindCoordinator answer with ${what} is a MalformedDataError naming the API`, async () => {
    await withCoordinatorAnswer(() => res, async (client) => {
      const err = await client.coordinator("g").catch((e: unknown) => e);
      assert.ok(err instanceof MalformedDataError, String(err));
      assert.equal(err.site.api, "FindCoordinator");
      assert.equal(err.retriable, false);
    });
  });
}
