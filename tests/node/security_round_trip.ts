// Copyright 2026 the kanal authors. MIT license.
/**
 * A program, not a test: against the harness broker's security listeners (tests/_security.ts),
 * reads metadata with each SASL mechanism over SASL_PLAINTEXT, then produces and consumes over
 * SASL_SSL with SCRAM-SHA-512 and over mutual TLS, and prints one JSON line. It ends without
 * calling `exit`, so only if everything closed. tests/subprocess/security_runtimes_test.ts runs
 * it under Deno, Bun and (bundled) Node.
 *
 * @module
 */

import { Client, type ClientOptions } from "../../lib/client/client.ts";
import { Consumer } from "../../lib/consumer/consumer.ts";
import { Producer } from "../../lib/producer/producer.ts";
import {
  oauthBearer,
  plain,
  scramSha256,
  scramSha512,
  unsecuredToken,
} from "../../lib/sasl/mod.ts";
import { securityListeners, tlsMaterial, USERS } from "../_security.ts";

/** The program's one line of output. */
export interface SecurityOutput {
  /** Mechanism → the broker addresses its metadata listed. */
  metadata: Record<string, string[]>;
  /** Listener → the values read back after producing them there. */
  roundTrip: Record<string, string[]>;
}

const l = securityListeners();
const { ca, cert, key } = tlsMaterial();
const alice = { username: "alice", password: USERS.alice };
const output: SecurityOutput = { metadata: {}, roundTrip: {} };

for (
  const sasl of [
    plain(alice),
    scramSha256(alice),
    scramSha512(alice),
    oauthBearer({ token: () => unsecuredToken("alice", 60_000) }),
  ]
) {
  await using client = await Client.connect({ brokers: l.saslPlaintext, sasl });
  output.metadata[sasl.name] = [...client.metadata.brokers.values()].map((b) =>
    `${b.host}:${b.port}`
  );
}

const suffix = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
const trips: [string, ClientOptions][] = [
  ["SASL_SSL/SCRAM-SHA-512", {
    brokers: l.saslSsl,
    tls: { caCerts: [ca] },
    sasl: scramSha512(alice),
  }],
  ["MTLS", { brokers: l.mtls, tls: { caCerts: [ca], cert, key } }],
];
for (const [name, options] of trips) {
  await using client = await Client.connect(options);
  const topic = `security-${name.replace(/\W/g, "-")}-${suffix}`;
  await using producer = new Producer(client);
  const values = ["a", "b", "c"].map((v) => `${name}:${v}`);
  await producer.send(values.map((value) => ({ topic, partition: 0, value })));
  await using consumer = new Consumer(client);
  const got: string[] = [];
  for await (const r of consumer.partition(topic, 0, { offset: "oldest" }).records()) {
    got.push(new TextDecoder().decode(r.value!));
    if (got.length === values.length) break;
  }
  output.roundTrip[name] = got;
}
console.log(JSON.stringify(output));
