// Copyright 2026 the kanal authors. MIT license.
// kanal inside a real workerd on the harness broker's security listeners, as far as workerd
// can go: SASL (SCRAM-SHA-512) over SASL_PLAINTEXT reads the cluster's metadata (records wait on
// Producer.close() and the Consumer finishing inside workerd, which they do not yet, SASL or
// not) and a wrong password is
// the typed SASL_AUTHENTICATION_FAILED; TLS with a private CA (every TLS listener of the
// harness) is refused with a TypeError saying workerd does not support it, as docs/security.md
// says.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { startWorkerd } from "./_workerd.ts";
import { requireBroker } from "./_kafka.ts";
import { securityListeners, USERS } from "./_security.ts";
import type { SecurityAnswer } from "./workerd/security_worker.ts";

test("a worker in workerd authenticates with SCRAM-SHA-512 and refuses private CAs", async () => {
  await requireBroker();
  const w = await startWorkerd("tests/workerd/security_worker.ts");
  try {
    const ask = async (params: Record<string, string>): Promise<SecurityAnswer> => {
      const res = await fetch(`${w.url}?${new URLSearchParams(params)}`, {
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      assert.equal(res.status, 200, `${text}\n${w.stderr()}`);
      return JSON.parse(text) as SecurityAnswer;
    };
    const l = securityListeners();
    const ok = await ask({ brokers: l.saslPlaintext, password: USERS.alice });
    // The broker advertises the listener the client came through.
    assert.deepEqual(ok, { brokers: [l.saslPlaintext] });
    const wrong = await ask({ brokers: l.saslPlaintext, password: "nope-9d" });
    assert.equal(wrong.error?.errorName, "SASL_AUTHENTICATION_FAILED", JSON.stringify(wrong));
    assert.equal(wrong.error?.retriable, false);
    const tls = await ask({ brokers: l.ssl, tls: "ca" });
    assert.equal(tls.error?.name, "TypeError", JSON.stringify(tls));
    assert.match(tls.error!.message, /caCerts as workerd does not support it/);
  } finally {
    await w.close();
  }
});
