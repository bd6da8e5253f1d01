// Copyright 2026 the kanal authors. MIT license.
// The harness broker's security listeners seen by other clients, so kanal's tests stand on a
// broker set up as its README says: kcat reads records kanal wrote over SASL_SSL with PLAIN and
// over mutual TLS, and Kafka's own BrokerApiVersionsCommand authenticates with SCRAM-SHA-512
// (Debian's kcat cannot do SCRAM against Kafka 4; see ../shared/research/README.md).
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { Client } from "../lib/client/client.ts";
import { Producer } from "../lib/producer/producer.ts";
import { plain } from "../lib/sasl/plain.ts";
import { requireBroker } from "./_kafka.ts";
import { kcat, uniqueTopic } from "./_tools.ts";
import { kafkaTool } from "./_harness.ts";
import { securityListeners, tlsDir, tlsMaterial, USERS } from "./_security.ts";

test("kcat reads over SASL_SSL (PLAIN) and mutual TLS what kanal wrote there", async () => {
  await requireBroker();
  const l = securityListeners();
  const topic = uniqueTopic("harness-kcat");
  {
    await using client = await Client.connect({
      brokers: l.saslSsl,
      tls: { caCerts: [tlsMaterial().ca] },
      sasl: plain({ username: "alice", password: USERS.alice }),
    });
    await using producer = new Producer(client);
    await producer.send({ topic, partition: 0, value: "over sasl_ssl" });
  }
  const ca = join(tlsDir(), "ca.pem");
  const sasl = await kcat([
    ...["-b", l.saslSsl, "-X", "security.protocol=SASL_SSL", "-X", `ssl.ca.location=${ca}`],
    ...["-X", "sasl.mechanisms=PLAIN", "-X", "sasl.username=alice"],
    ...["-X", `sasl.password=${USERS.alice}`, "-C", "-t", topic, "-p", "0", "-e", "-q"],
  ]);
  assert.equal(new TextDecoder().decode(sasl), "over sasl_ssl\n");
  const mtls = await kcat([
    ...["-b", l.mtls, "-X", "security.protocol=SSL", "-X", `ssl.ca.location=${ca}`],
    ...["-X", `ssl.certificate.location=${join(tlsDir(), "client.pem")}`],
    ...["-X", `ssl.key.location=${join(tlsDir(), "client.key")}`],
    ...["-C", "-t", topic, "-p", "0", "-e", "-q"],
  ]);
  assert.equal(new TextDecoder().decode(mtls), "over sasl_ssl\n");
});

test("Kafka's own tool authenticates with SCRAM-SHA-512 on SASL_PLAINTEXT", async () => {
  await requireBroker();
  const dir = mkdtempSync(join(tmpdir(), "kanal-scram-oracle-"));
  try {
    const props = join(dir, "client.properties");
    writeFileSync(
      props,
      "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\n" +
        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required " +
        `username="alice" password="${USERS.alice}";\n`,
    );
    const out = await kafkaTool("BrokerApiVersionsCommand", [
      "--bootstrap-server",
      securityListeners().saslPlaintext,
      "--command-config",
      props,
    ]);
    assert.match(out, new RegExp(`${securityListeners().saslPlaintext} \\(id: 1`));
    assert.match(out, /SaslAuthenticate\(36\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
