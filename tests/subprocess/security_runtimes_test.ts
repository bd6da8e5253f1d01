// Copyright 2026 the kanal authors. MIT license.
// The harness broker's security listeners under each runtime: tests/node/security_round_trip.ts
// reads metadata with PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 and OAUTHBEARER over SASL_PLAINTEXT
// and round-trips records over SASL_SSL (SCRAM-SHA-512) and mutual TLS, under Deno, Bun and
// bundled Node. It runs the runtimes itself, so it lives in tests/subprocess/ (run once).
import { test } from "../_test.ts";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { bundle, ROOT } from "../_bundle.ts";
import { run } from "../_tools.ts";
import { requireBroker } from "../_kafka.ts";
import { securityListeners, tlsDir } from "../_security.ts";
import type { SecurityOutput } from "../node/security_round_trip.ts";

const PROGRAM = "tests/node/security_round_trip.ts";

for (const runtime of ["deno", "bun", "node"] as const) {
  test(`under ${runtime}, every SASL mechanism, SASL_SSL and mutual TLS reach the real broker`, async () => {
    await requireBroker();
    const dir = mkdtempSync(join(tmpdir(), "kanal-security-"));
    try {
      let cmd: string;
      let args: string[];
      if (runtime === "node") {
        await bundle(PROGRAM, join(dir, "program.mjs"), { target: "node" });
        [cmd, args] = ["/usr/bin/node", [join(dir, "program.mjs")]];
      } else if (runtime === "deno") {
        [cmd, args] = [join(ROOT, "node_modules/.bin/deno"), ["run", "-A", join(ROOT, PROGRAM)]];
      } else {
        [cmd, args] = [join(ROOT, "node_modules/.bin/bun"), [join(ROOT, PROGRAM)]];
      }
      // The bundle cannot find .kafka-harness from its temp dir: name it.
      const r = await run(cmd, args, {
        timeoutMs: 60_000,
        env: { KAFKA_HARNESS_TLS: tlsDir() },
      });
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(new TextDecoder().decode(r.stdout)) as SecurityOutput;
      const l = securityListeners();
      for (const m of ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER"]) {
        // The broker advertises its SASL_PLAINTEXT listener to a client that came through it.
        assert.deepEqual(out.metadata[m], [l.saslPlaintext], m);
      }
      for (const name of ["SASL_SSL/SCRAM-SHA-512", "MTLS"]) {
        assert.deepEqual(out.roundTrip[name], ["a", "b", "c"].map((v) => `${name}:${v}`));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
