// Copyright 2026 the kanal authors. MIT license.
// The harness broker's security listeners from this runtime: the failures that must be typed,
// fast and free of secrets (a wrong password, a mechanism the broker lacks, an untrusted
// certificate), and KIP-368 re-authentication on a listener whose SCRAM-SHA-256 sessions last
// 3 s (scripts/kafka.sh), while producing. tests/subprocess/security_runtimes_test.ts covers the
// successful setups under every runtime.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Client } from "../lib/client/client.ts";
import { Producer } from "../lib/producer/producer.ts";
import { KafkaError } from "../lib/protocol/kafka_error.ts";
import { ConnectionError } from "../lib/net/connection_error.ts";
import type { BrokerConnection } from "../lib/net/broker_connection.ts";
import { defaultTransport } from "../lib/net/default_transport.ts";
import { nodeTransport } from "../lib/net/transport_node.ts";
import { detectRuntime } from "../lib/net/runtime.ts";
import { plain, scramSha256, scramSha512 } from "../lib/sasl/mod.ts";
import type { SaslExchange, SaslMechanism } from "../lib/sasl/mod.ts";
import { requireBroker } from "./_kafka.ts";
import { securityListeners, tlsMaterial, USERS } from "./_security.ts";
import { uniqueTopic } from "./_tools.ts";

const WRONG = "not-Alices-Password-5d1e";

async function refused(options: Parameters<typeof Client.connect>[0]): Promise<KafkaError> {
  await requireBroker();
  const e = await Client.connect({ connectTimeoutMs: 60_000, ...options }).then(
    async (c) => {
      await c.close();
      assert.fail("connected");
    },
    (e: unknown) => e,
  );
  assert.ok(e instanceof KafkaError, String(e));
  return e;
}

for (
  const [name, listener, sasl, tls] of [
    ["PLAIN over SASL_PLAINTEXT", "saslPlaintext", plain, false],
    ["SCRAM-SHA-512 over SASL_SSL", "saslSsl", scramSha512, true],
  ] as const
) {
  test(`${name}: a wrong password is SASL_AUTHENTICATION_FAILED, not retried, no secret shown`, async () => {
    const err = await refused({
      brokers: securityListeners()[listener],
      tls: tls ? { caCerts: [tlsMaterial().ca] } : undefined,
      sasl: sasl({ username: "alice", password: WRONG }),
    });
    assert.equal(err.errorName, "SASL_AUTHENTICATION_FAILED");
    assert.equal(err.retriable, false);
    const shown = `${err.message}\n${err.stack}\n${JSON.stringify(err)}\n${String(err.cause)}`;
    assert.ok(!shown.includes(WRONG), shown);
  });
}

test("a mechanism the broker lacks is UNSUPPORTED_SASL_MECHANISM naming the broker's list", async () => {
  const iam: SaslMechanism = {
    name: "AWS_MSK_IAM",
    authenticate: (_: SaslExchange) => Promise.reject(new Error("never reached")),
  };
  const err = await refused({ brokers: securityListeners().saslPlaintext, sasl: iam });
  assert.equal(err.errorName, "UNSUPPORTED_SASL_MECHANISM");
  assert.equal(err.retriable, false);
  assert.match(err.message, /AWS_MSK_IAM; it offers /);
  for (const m of ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER"]) {
    assert.match(err.message, new RegExp(`offers .*${m}`));
  }
});

test("the SSL listener without its CA fails the dial as an untrusted certificate", async () => {
  const err = await refused({ brokers: securityListeners().ssl, tls: true });
  assert.ok(err instanceof ConnectionError, String(err));
  assert.equal(err.retriable, false);
  assert.match(err.message, /certificate/i);
});

test("a connection re-authenticates (KIP-368) inside its 3 s session while producing", async () => {
  await requireBroker();
  // Counts exchanges; the connection must stay the same one through several of them, which it
  // cannot unless it re-authenticates: the broker closes a connection whose session ended.
  let exchanges = 0;
  const scram = scramSha256({ username: "alice", password: USERS.alice });
  const counted: SaslMechanism = {
    name: scram.name,
    authenticate: (x) => (exchanges++, scram.authenticate(x)),
  };
  await using client = await Client.connect({
    brokers: securityListeners().saslPlaintext,
    sasl: counted,
  });
  const topic = uniqueTopic("reauth");
  await using producer = new Producer(client);
  await producer.send({ topic, partition: 0, value: "0" });
  const leader = (await client.leaderFor(topic, 0)).nodeId;
  const first: BrokerConnection = await client.connection(leader, "produce");
  const start = exchanges;
  let sent = 1;
  while (exchanges < start + 2) {
    const report = await producer.send({ topic, partition: 0, value: String(sent) });
    assert.equal(report.offset, sent++);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(await client.connection(leader, "produce"), first);
  assert.ok(first.isOpen);
});

for (const adapter of ["default", "node"] as const) {
  test(`TLS opt-outs on the ${adapter} transport: honoured where the runtime can, else a TypeError`, async () => {
    await requireBroker();
    const transport = adapter === "node" ? nodeTransport : await defaultTransport();
    // Node's and Bun's TLS can skip checks; Deno's and workerd's cannot.
    const can = adapter === "node" || detectRuntime() === "bun";
    const ca = tlsMaterial().ca;
    for (
      const tls of [
        { caCerts: [ca], serverName: "wrong.example", verifyServerName: false },
        { verifyCertificate: false },
      ]
    ) {
      const outcome = await Client.connect({ brokers: securityListeners().ssl, tls, transport })
        .then(async (c) => {
          const n = c.metadata.brokers.size;
          await c.close();
          return n;
        }, (e: unknown) => e);
      if (can) assert.equal(outcome, 1, String(outcome));
      else {
        assert.ok(outcome instanceof TypeError, String(outcome));
        assert.match(outcome.message, /always verifies/);
      }
    }
    if (can) {
      // Skipping the name check still checks the chain.
      const chain = await refused({
        brokers: securityListeners().ssl,
        tls: { verifyServerName: false },
        transport,
      });
      assert.ok(chain instanceof ConnectionError && !chain.retriable, String(chain));
    }
    // Without the opt-out the same wrong name is refused.
    const strict = await refused({
      brokers: securityListeners().ssl,
      tls: { caCerts: [ca], serverName: "wrong.example" },
      transport,
    });
    assert.ok(strict instanceof ConnectionError && !strict.retriable, String(strict));
  });
}
