// Copyright 2026 the kanal authors. MIT license.
// kanal's command line on the harness broker's security listeners, under Deno and under Bun,
// with kcat's and Java's option names: metadata over SASL_SSL with SCRAM-SHA-512; records
// produced over mutual TLS and read back over SASL_PLAINTEXT with an OAUTHBEARER token from a
// file and from a command; and a wrong password, which must end the run with exit code 1, one
// line, and the password nowhere in the output.
import { test } from "../_test.ts";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { requireBroker } from "../_kafka.ts";
import { kanal, RUNTIMES, text } from "../_cli.ts";
import { uniqueTopic } from "../_tools.ts";
import { securityListeners, tlsDir, USERS } from "../_security.ts";
import { unsecuredToken } from "../../lib/sasl/oauth_bearer.ts";

const x = (...pairs: string[]): string[] => pairs.flatMap((p) => ["-X", p]);
const ca = () => `ssl.ca.location=${join(tlsDir(), "ca.pem")}`;

for (const [runtime] of RUNTIMES) {
  test(`${runtime}: metadata over SASL_SSL with SCRAM-SHA-512`, async () => {
    await requireBroker();
    const l = securityListeners();
    const r = await kanal(runtime, [
      "metadata",
      "-b",
      l.saslSsl,
      ...x(
        "security.protocol=SASL_SSL",
        "sasl.mechanism=SCRAM-SHA-512",
        "sasl.username=alice",
        `sasl.password=${USERS.alice}`,
        ca(),
      ),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(text(r.stdout), new RegExp(`broker 1 at ${l.saslSsl.replaceAll(".", "\\.")}`));
  });

  test(`${runtime}: produce over mutual TLS, consume with OAUTHBEARER from a file and a command`, async () => {
    await requireBroker();
    const l = securityListeners();
    const topic = uniqueTopic("cli-security");
    const dir = mkdtempSync(join(tmpdir(), "kanal-cli-token-"));
    try {
      const produced = await kanal(runtime, [
        "produce",
        "-b",
        l.mtls,
        "-t",
        topic,
        "-p",
        "0",
        ...x(
          "security.protocol=ssl",
          ca(),
          `ssl.certificate.location=${join(tlsDir(), "client.pem")}`,
          `ssl.key.location=${join(tlsDir(), "client.key")}`,
        ),
      ], { input: "one\ntwo\n" });
      assert.equal(produced.code, 0, produced.stderr);
      const tokenFile = join(dir, "token");
      writeFileSync(tokenFile, unsecuredToken("alice", 120_000).value);
      for (
        const how of [
          `sasl.oauthbearer.token.file=${tokenFile}`,
          `sasl.oauthbearer.token.command=cat '${tokenFile}'`,
        ]
      ) {
        const consumed = await kanal(runtime, [
          "consume",
          "-b",
          l.saslPlaintext,
          "-t",
          topic,
          "-p",
          "0",
          "-e",
          ...x("security.protocol=sasl_plaintext", "sasl.mechanism=OAUTHBEARER", how),
        ]);
        assert.equal(consumed.code, 0, consumed.stderr);
        assert.equal(text(consumed.stdout), "one\ntwo\n", how);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(`${runtime}: a wrong password exits 1 with one line and shows no secret`, async () => {
    await requireBroker();
    const wrong = "cli-Wrong-Password-2b7f";
    for (
      const [listener, extra] of [["saslSsl", ["security.protocol=SASL_SSL", ca()]], [
        "saslPlaintext",
        ["security.protocol=SASL_PLAINTEXT"],
      ]] as const
    ) {
      const r = await kanal(runtime, [
        "metadata",
        "-b",
        securityListeners()[listener],
        ...x(
          ...extra,
          "sasl.mechanism=SCRAM-SHA-256",
          "sasl.username=alice",
          `sasl.password=${wrong}`,
        ),
      ], { timeoutMs: 20_000 });
      const out = text(r.stdout) + r.stderr;
      assert.equal(r.code, 1, out);
      assert.equal(text(r.stdout), "");
      assert.match(r.stderr, /^kanal: SASL_AUTHENTICATION_FAILED: [^\n]*\n$/);
      assert.ok(!out.includes(wrong), out);
    }
  });
}
