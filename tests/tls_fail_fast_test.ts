// Copyright 2026 the kanal authors. MIT license.
// A TLS peer whose certificate cannot be trusted must fail the dial with a non-retriable
// ConnectionError as soon as the handshake says so, without serverName and on every runtime:
// this runtime's default transport and the Node adapter here, the whole file again under Node
// itself, and workerd's connect(). The dial timeout is ten minutes, far past any test runner's
// patience, so a dial that hangs instead of failing fails the test by never ending; no
// duration is asserted.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { createServer as createTlsServer } from "node:tls";
import type { Socket } from "node:net";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import process from "node:process";
import { ConnectionError } from "../lib/net/connection_error.ts";
import { defaultTransport } from "../lib/net/default_transport.ts";
import { detectRuntime } from "../lib/net/runtime.ts";
import { nodeTransport } from "../lib/net/transport_node.ts";
import type { TlsOptions, Transport } from "../lib/net/transport.ts";
import { run } from "./_tools.ts";
import { bundle, ROOT } from "./_bundle.ts";
import { startWorkerd } from "./_workerd.ts";
import type { TlsAnswer } from "./workerd/tls_worker.ts";

const NEVER = 600_000;
const runtime = detectRuntime();

/** Certificates for the test, made with openssl: a CA, a leaf it signed, and a stranger CA. */
interface Certificates {
  ca: string;
  otherCa: string;
  /** Signed by `ca` for kanal.test only. */
  leaf: { cert: string; key: string };
  /** Signed by `ca` for localhost and 127.0.0.1. */
  good: { cert: string; key: string };
  /** Self-signed, for 127.0.0.1 and localhost. */
  self: { cert: string; key: string };
}

async function makeCertificates(): Promise<Certificates> {
  const dir = mkdtempSync(join(tmpdir(), "kanal-tls-fast-"));
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  try {
    writeFileSync(`${dir}/leaf.cnf`, "subjectAltName=DNS:kanal.test\nbasicConstraints=CA:FALSE\n");
    writeFileSync(
      `${dir}/good.cnf`,
      "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    );
    const steps: string[][] = [
      ["req", "-x509", ...ec, "-keyout", `${dir}/ca.key`, "-out", `${dir}/ca.pem`]
        .concat(["-days", "2", "-subj", "/CN=kanal test CA"]),
      ["req", "-x509", ...ec, "-keyout", `${dir}/other.key`, "-out", `${dir}/other.pem`]
        .concat(["-days", "2", "-subj", "/CN=kanal stranger CA"]),
      ["req", ...ec, "-keyout", `${dir}/leaf.key`, "-out", `${dir}/leaf.csr`]
        .concat(["-subj", "/CN=kanal.test"]),
      ["x509", "-req", "-in", `${dir}/leaf.csr`, "-CA", `${dir}/ca.pem`, "-CAkey", `${dir}/ca.key`]
        .concat(["-CAcreateserial", "-out", `${dir}/leaf.pem`, "-days", "2"])
        .concat(["-extfile", `${dir}/leaf.cnf`]),
      ["req", ...ec, "-keyout", `${dir}/good.key`, "-out", `${dir}/good.csr`]
        .concat(["-subj", "/CN=localhost"]),
      ["x509", "-req", "-in", `${dir}/good.csr`, "-CA", `${dir}/ca.pem`, "-CAkey", `${dir}/ca.key`]
        .concat(["-CAcreateserial", "-out", `${dir}/good.pem`, "-days", "2"])
        .concat(["-extfile", `${dir}/good.cnf`]),
      ["req", "-x509", ...ec, "-keyout", `${dir}/self.key`, "-out", `${dir}/self.pem`]
        .concat(["-days", "2", "-subj", "/CN=localhost"])
        .concat(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]),
    ];
    for (const args of steps) {
      const r = await run("openssl", args);
      if (r.code !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${r.stderr}`);
    }
    const read = (f: string) => readFileSync(`${dir}/${f}`, "utf8");
    return {
      ca: read("ca.pem"),
      otherCa: read("other.pem"),
      leaf: { cert: read("leaf.pem"), key: read("leaf.key") },
      good: { cert: read("good.pem"), key: read("good.key") },
      self: { cert: read("self.pem"), key: read("self.key") },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const certificates = makeCertificates();

/** A TLS server on a free 127.0.0.1 port that presents `identity`. */
export async function tlsServer(
  identity: { cert: string; key: string },
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTlsServer(identity, (s) => {
    sockets.add(s);
    s.on("data", (c: Uint8Array) => s.write(c));
  });
  // Clients that refuse the certificate reset the connection: expected here.
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const transports: [string, () => Promise<Transport>][] = [
  [`the default transport (${runtime})`, () => defaultTransport()],
  ["the Node adapter", () => Promise.resolve(nodeTransport)],
];

type Case = [string, "self" | "leaf" | "good", string, (c: Certificates) => TlsOptions | true];
const cases: Case[] = [
  ["a self-signed certificate with tls: true", "self", "127.0.0.1", () => true],
  ["a certificate from a CA not trusted", "good", "127.0.0.1", (c) => ({ caCerts: [c.otherCa] })],
  ["a certificate for another name", "leaf", "localhost", (c) => ({ caCerts: [c.ca] })],
  ["a certificate for another name, by IP", "leaf", "127.0.0.1", (c) => ({ caCerts: [c.ca] })],
];

for (const [name, load] of transports) {
  for (const [what, identity, host, tls] of cases) {
    test(`${name} fails a TLS dial to ${what}, not retriable, without serverName`, async () => {
      const c = await certificates;
      const server = await tlsServer(c[identity]);
      try {
        const transport = await load();
        const err = await transport({ host, port: server.port, tls: tls(c), timeoutMs: NEVER })
          .then(
            (s) => {
              void s.close();
              assert.fail("the dial succeeded");
            },
            (e: unknown) => e,
          );
        assert.ok(err instanceof ConnectionError, String(err));
        assert.equal(err.retriable, false, err.message);
        assert.equal(err.port, server.port);
      } finally {
        await server.close();
      }
    });
  }

  for (const host of ["localhost", "127.0.0.1"]) {
    test(`${name} still trusts the right CA for the right name (${host}) without serverName`, async () => {
      const c = await certificates;
      const server = await tlsServer(c.good);
      try {
        const transport = await load();
        const socket = await transport({
          host,
          port: server.port,
          tls: { caCerts: [c.ca] },
          timeoutMs: NEVER,
        });
        const writer = socket.writable.getWriter();
        await writer.write(new TextEncoder().encode("ok"));
        const { value } = await socket.readable.getReader().read();
        assert.equal(new TextDecoder().decode(value), "ok");
        await socket.close();
      } finally {
        await server.close();
      }
    });
  }
}

/** Set in the Node process the whole-file test starts, so that it starts no other. */
const IN_NODE = "KANAL_TLS_TEST_IN_NODE";

test("this whole file passes under Node itself", {
  skip: process.env[IN_NODE] === "1",
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "kanal-tls-node-"));
  try {
    const file = join(dir, "tls_fail_fast_test.mjs");
    await bundle("tests/tls_fail_fast_test.ts", file, { target: "node" });
    const r = await run("node", ["--test", file], {
      env: { [IN_NODE]: "1", KANAL_ROOT: ROOT },
      timeoutMs: 60_000,
    });
    const out = new TextDecoder().decode(r.stdout);
    assert.equal(r.code, 0, out + r.stderr);
    assert.match(out, /^# fail 0$/m);
    assert.match(out, /ok \d+ - the default transport \(node\) fails a TLS dial to a self-signed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** tests/workerd/config.capnp with TLS for outgoing sockets, trusting the test's CA. */
async function workerdTlsConfig(): Promise<string> {
  const { ca } = await certificates;
  const config = readFileSync(join(ROOT, "tests/workerd/config.capnp"), "utf8");
  const allow = 'allow = ["public", "private", "local"]';
  assert.ok(config.includes(allow), "config.capnp still allows local addresses");
  return config.replace(
    allow,
    `${allow}, tlsOptions = (trustedCertificates = [${JSON.stringify(ca)}])`,
  );
}

test("a worker in workerd fails TLS dials it cannot trust, not retriable, and makes good ones", {
  skip: process.env[IN_NODE] === "1",
}, async () => {
  const c = await certificates;
  const self = await tlsServer(c.self);
  const good = await tlsServer(c.good);
  const workerd = await startWorkerd("tests/workerd/tls_worker.ts", await workerdTlsConfig());
  const dial = async (host: string, port: number): Promise<TlsAnswer> => {
    const res = await fetch(`${workerd.url}?host=${host}&port=${port}`);
    return await res.json() as TlsAnswer;
  };
  try {
    for (const [host, port] of [["127.0.0.1", self.port], ["localhost", self.port]] as const) {
      const body = await dial(host, port);
      assert.equal(body.connected, false, JSON.stringify(body));
      assert.equal(body.error?.name, "ConnectionError", JSON.stringify(body));
      assert.equal(body.error?.retriable, false, body.error?.message);
    }
    const ok = await dial("localhost", good.port);
    assert.equal(ok.connected, true, JSON.stringify(ok));
    // An unreachable broker stays retriable: the TCP connect failed before any TLS.
    const closed = await dial("127.0.0.1", 1);
    assert.equal(closed.error?.retriable, true, JSON.stringify(closed));
  } finally {
    await workerd.close();
    await self.close();
    await good.close();
  }
});
