// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { parseArgs } from "./args.ts";
import { CLIENT_FLAGS, clientOptionsFromArgs } from "./client_options.ts";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";

const options = (...argv: string[]): Record<string, unknown> =>
  clientOptionsFromArgs(parseArgs(argv, CLIENT_FLAGS)) as unknown as Record<string, unknown>;

test("kcat's property names map to kanal's options with typed values", () => {
  assert.deepEqual(
    options(
      "-b",
      "h:1",
      "-X",
      "socket.connection.setup.timeout.ms=2500",
      "-X",
      "max.in.flight.requests.per.connection=3",
      "-X",
      "topic.metadata.refresh.interval.ms=60000",
      "-X",
      "allow.auto.create.topics=true",
      "-X",
      "security.protocol=SSL",
    ),
    {
      brokers: "h:1",
      connectTimeoutMs: 2500,
      maxInFlight: 3,
      metadataMaxAgeMs: 60000,
      allowAutoTopicCreation: true,
      tls: {},
    },
  );
});

test("kanal's own option names are read with the same types", () => {
  assert.deepEqual(
    options("-b", "h:1", "-X", "requestTimeoutMs=5000", "-X", "tls=false", "-X", "clientId=42"),
    { brokers: "h:1", requestTimeoutMs: 5000, tls: false, clientId: "42" },
  );
});

test("an unknown key passes through as a string for the client to refuse", () => {
  assert.deepEqual(options("-b", "h:1", "-X", "fetch.wait.max.ms=10"), {
    brokers: "h:1",
    "fetch.wait.max.ms": "10",
  });
});

test("-m sets the request and connect timeouts in seconds, and -X wins over it", () => {
  assert.deepEqual(options("-b", "h:1", "-m", "2.5"), {
    brokers: "h:1",
    requestTimeoutMs: 2500,
    connectTimeoutMs: 2500,
  });
  assert.equal(
    options("-b", "h:1", "-m", "2", "-X", "request.timeout.ms=900").requestTimeoutMs,
    900,
  );
  for (const bad of ["0", "-1", "soon", ""]) {
    assert.throws(() => options("-b", "h:1", "-m", bad), { name: "UsageError" }, bad);
  }
});

test("-b wins over -X bootstrap.servers, which serves when -b is absent", () => {
  assert.equal(options("-X", "bootstrap.servers=x:1", "-b", "h:1").brokers, "h:1");
  assert.equal(options("-X", "metadata.broker.list=x:1,y:2").brokers, "x:1,y:2");
});

test("no brokers at all is a usage error that says how to give them", () => {
  assert.throws(() => options(), { name: "UsageError", message: /use -b host:port/ });
  assert.throws(() => options("-X", "bootstrap.servers="), { name: "UsageError" });
});

test("bad -X pairs and values are usage errors naming the key and value", () => {
  assert.throws(() => options("-b", "h:1", "-X", "client.id"), {
    name: "UsageError",
    message: 'Cannot read -X as it must be key=value: current value is "client.id"',
  });
  assert.throws(() => options("-b", "h:1", "-X", "=x"), { name: "UsageError" });
  assert.throws(() => options("-b", "h:1", "-X", "request.timeout.ms=ten"), {
    name: "UsageError",
    message: 'Cannot use -X request.timeout.ms as it must be a number: current value is "ten"',
  });
  assert.throws(() => options("-b", "h:1", "-X", "tls=yes"), {
    name: "UsageError",
    message: 'Cannot use -X tls as it must be true or false: current value is "yes"',
  });
  assert.throws(() => options("-b", "h:1", "-X", "security.protocol=sasl_ssl"), {
    name: "UsageError",
    message: /no mechanism is given/,
  });
});

test("SASL and TLS from kcat's and Java's names, the password in no error or dump", () => {
  const dir = mkdtempSync(join(tmpdir(), "kanal-cli-sec-"));
  try {
    writeFileSync(join(dir, "ca.pem"), "CA PEM");
    const secret = "p4ss-Word-in-cli";
    const o = options(
      "-b",
      "h:1",
      "-X",
      "security.protocol=SASL_SSL",
      "-X",
      "sasl.mechanisms=SCRAM-SHA-512",
      "-X",
      "sasl.username=alice",
      "-X",
      `sasl.password=${secret}`,
      "-X",
      `ssl.ca.location=${join(dir, "ca.pem")}`,
      "-X",
      "ssl.endpoint.identification.algorithm=none",
    );
    assert.deepEqual(o.tls, { caCerts: ["CA PEM"], verifyServerName: false });
    assert.equal((o.sasl as { name: string }).name, "SCRAM-SHA-512");
    assert.ok(!JSON.stringify(o).includes(secret), JSON.stringify(o));
    const bad: string[][] = [
      ["security.protocol=sasl_plaintext", "sasl.mechanism=GSSAPI", `sasl.password=${secret}`],
      ["security.protocol=plaintext", `sasl.password=${secret}`],
      ["security.protocol=sasl_plaintext", "sasl.mechanism=PLAIN", `sasl.password=${secret}`],
      ["security.protocol=ssl", `ssl.ca.location=${join(dir, "missing", secret)}`],
      ["security.protocol=sasl_ssl", "sasl.mechanism=OAUTHBEARER"],
    ];
    for (const pairs of bad) {
      const err = (() => {
        try {
          options("-b", "h:1", ...pairs.flatMap((p) => ["-X", p]));
        } catch (e) {
          return e as Error;
        }
        assert.fail(`accepted ${pairs.join(" ")}`);
      })();
      assert.equal(err.name, "UsageError", String(err));
      if (!pairs.some((p) => p.startsWith("ssl.ca"))) {
        assert.ok(!err.message.includes(secret), err.message);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
