// Copyright 2026 the kanal authors. MIT license.
// kanal's SASL client against the fake cluster's SASL server (lib/testing/sasl_server.ts), over
// the in-memory transport: every mechanism the fake offers, on every connection kind, and the
// failures that must be typed, fast, and free of the password.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { FakeCluster } from "../testing/fake_cluster.ts";
import { Client } from "../client/client.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { API_TABLE } from "../protocol/messages/api_table.ts";
import { plain } from "./plain.ts";
import { scramSha256, scramSha512 } from "./scram.ts";
import { oauthBearer, unsecuredToken } from "./oauth_bearer.ts";
import type { SaslMechanism } from "./sasl_mechanism.ts";

const SECRET = "alice-Secret-7f3a";
const WRONG = "wrong-Secret-91c2";

function cluster(mechanisms?: ("PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512")[]) {
  return FakeCluster.start({
    brokers: 2,
    topics: [{ name: "t", partitions: 2 }],
    sasl: { users: { alice: SECRET }, mechanisms },
  });
}

for (
  const [name, make] of [
    ["PLAIN", (p: string) => plain({ username: "alice", password: p })],
    ["SCRAM-SHA-256", (p: string) => scramSha256({ username: "alice", password: p })],
    ["SCRAM-SHA-512", (p: string) => scramSha512({ username: "alice", password: p })],
  ] as const
) {
  test(`${name} authenticates every connection kind on the fake cluster`, async () => {
    await using fake = await cluster();
    await using client = await Client.connect({
      brokers: fake.bootstrap,
      transport: fake.transport,
      sasl: make(SECRET),
    });
    assert.equal(client.metadata.brokers.size, 2);
    for (const node of client.metadata.brokers.keys()) {
      for (const kind of ["produce", "fetch", "group"] as const) {
        const conn = await client.connection(node, kind);
        // The fake answers nothing but SASL before authentication: this proves it happened.
        const res = await conn.request(API_TABLE[3], {
          topics: [{ name: "t" }],
          allowAutoTopicCreation: false,
          includeTopicAuthorizedOperations: false,
        });
        assert.equal(res.topics[0]!.errorCode, 0);
      }
    }
  });

  test(`${name} with a wrong password fails fast, not retriable, without the password`, async () => {
    await using fake = await cluster();
    const err = await Client.connect({
      brokers: fake.bootstrap,
      transport: fake.transport,
      sasl: make(WRONG),
    }).then(() => assert.fail("connected with a wrong password"), (e: unknown) => e);
    assert.ok(err instanceof KafkaError, String(err));
    assert.equal(err.errorName, "SASL_AUTHENTICATION_FAILED");
    assert.equal(err.retriable, false);
    const shown = `${err.message} ${String(err.stack)} ${JSON.stringify(err)}`;
    assert.ok(!shown.includes(WRONG) && !shown.includes(SECRET), shown);
  });
}

test("an unsupported mechanism names the broker's list", async () => {
  await using fake = await cluster(["PLAIN", "SCRAM-SHA-512"]);
  const err = await Client.connect({
    brokers: fake.bootstrap,
    transport: fake.transport,
    sasl: oauthBearer({ token: () => unsecuredToken("alice", 60_000) }),
  }).then(() => assert.fail("connected"), (e: unknown) => e);
  assert.ok(err instanceof KafkaError, String(err));
  assert.equal(err.errorName, "UNSUPPORTED_SASL_MECHANISM");
  assert.equal(err.retriable, false);
  assert.match(err.message, /offers PLAIN, SCRAM-SHA-512/);
});

test("a mechanism's secret stays out of the client's options dump", async () => {
  await using fake = await cluster();
  const sasl: SaslMechanism = scramSha512({ username: "alice", password: SECRET });
  await using client = await Client.connect({
    brokers: fake.bootstrap,
    transport: fake.transport,
    sasl,
  });
  const dump = JSON.stringify(client.options) + String(sasl) + client.dumpStages();
  assert.ok(dump.includes("SCRAM-SHA-512"), dump);
  assert.ok(!dump.includes(SECRET), dump);
});
