// Copyright 2026 the kanal authors. MIT license.
// The largest response frame is a client option, and the consumer's fetch limits must fit it.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Client } from "../lib/client/client.ts";
import { Consumer } from "../lib/consumer/consumer.ts";
import { KafkaError } from "../lib/protocol/kafka_error.ts";
import { API_TABLE } from "../lib/protocol/messages/api_table.ts";
import { type FakeBroker, startFakeBroker } from "./_fake_broker.ts";

/** A broker whose Metadata answers carry `topics` made-up topics (about 20 bytes each). */
async function metadataBroker(topics: () => number): Promise<FakeBroker> {
  const broker: FakeBroker = await startFakeBroker((req, conn) => {
    conn.answer(API_TABLE[3], req.version, req.correlationId, {
      brokers: [{ nodeId: 0, host: "127.0.0.1", port: broker.port, rack: null }],
      clusterId: "fake",
      controllerId: 0,
      topics: Array.from({ length: topics() }, (_, i) => ({
        errorCode: 3,
        name: `topic-${i}`,
        partitions: [],
      })),
    });
  });
  return broker;
}

test("a response frame above the client's maxFrameBytes fails the request typed", async () => {
  let topics = 0;
  const broker = await metadataBroker(() => topics);
  const client = await Client.connect({
    brokers: `127.0.0.1:${broker.port}`,
    maxFrameBytes: 4096,
  });
  try {
    topics = 1000;
    const err = await client.request(0, API_TABLE[3], { topics: null }).catch((e: unknown) => e);
    assert.ok(err instanceof KafkaError, String(err));
    assert.match(String((err.cause as Error | undefined)?.message), /above maxFrameBytes 4096/);
  } finally {
    await client.close();
    await broker.close();
  }
});

test("maxFrameBytes is checked like every client option", async () => {
  for (const bad of [0, 2 ** 31, 1.5]) {
    await assert.rejects(
      Client.connect({ brokers: "127.0.0.1:9", maxFrameBytes: bad }),
      (e: Error) => e instanceof RangeError && e.message.includes("maxFrameBytes"),
    );
  }
});

test("the consumer's fetch limits must fit the client's maxFrameBytes", async () => {
  const broker = await metadataBroker(() => 0);
  const small = await Client.connect({ brokers: `127.0.0.1:${broker.port}` });
  const large = await Client.connect({
    brokers: `127.0.0.1:${broker.port}`,
    maxFrameBytes: 2 ** 31 - 1,
  });
  try {
    for (const option of ["maxBytes", "maxPartitionBytes"]) {
      assert.throws(
        () => new Consumer(small, { [option]: 2 ** 31 - 1 }),
        (e: Error) =>
          e instanceof RangeError && e.message.includes(option) &&
          e.message.includes("maxFrameBytes"),
        option,
      );
      await new Consumer(large, { [option]: 2 ** 31 - 1 }).close();
    }
  } finally {
    await small.close();
    await large.close();
    await broker.close();
  }
});
