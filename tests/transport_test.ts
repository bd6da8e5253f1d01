// Copyright 2026 the kanal authors. MIT license.
// The socket adapters against the real broker and against local servers that misbehave on
// purpose: silent, slow to read, quick to hang up, or speaking TLS. Each test runs for the
// runtime's default transport and for the Node adapter over this runtime's node:net; with each,
// kanal's client fetches the cluster's metadata, checked against kcat. The whole file also runs
// under Node 20 itself, and a small program fetches metadata under this runtime and under Node
// and must end by itself once the client is closed.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import process from "node:process";
import { Reader } from "../lib/protocol/reader.ts";
import { Writer } from "../lib/protocol/writer.ts";
import { ConnectionError } from "../lib/net/connection_error.ts";
import { defaultTransport } from "../lib/net/default_transport.ts";
import { detectRuntime } from "../lib/net/runtime.ts";
import { FrameDecoder } from "../lib/net/frame_decoder.ts";
import { nodeTransport } from "../lib/net/transport_node.ts";
import type { BrokerSocket, Transport } from "../lib/net/transport.ts";
import { brokerList, requireBroker } from "./_kafka.ts";
import { run } from "./_tools.ts";
import { bundle, ROOT } from "./_bundle.ts";
import { until } from "./_wait.ts";
import { fetchClusterView } from "./workerd/cluster_view.ts";
import type { ProgramOutput } from "./node/print_cluster_view.ts";
import { assertClusterView, createTopic, expectedCluster } from "./workerd/expected_cluster.ts";

const runtime = detectRuntime();
const transports: [string, () => Promise<Transport>][] = [
  [`the default transport (${runtime})`, () => defaultTransport()],
  ["the Node adapter", () => Promise.resolve(nodeTransport)],
];

// One 3-partition topic for every metadata test in this file, made on first use.
let sharedTopic: Promise<string> | undefined;
function metadataTopic(): Promise<string> {
  return sharedTopic ??= createTopic("transport-meta", 3);
}

/** ApiVersions v3 with request header v2, framed with its size. */
function apiVersionsV3(correlationId: number): Uint8Array {
  const w = new Writer();
  const size = w.reserve(4);
  w.int16(18);
  w.int16(3);
  w.int32(correlationId);
  w.nullableString("kanal-test");
  w.uvarint(0);
  w.compactString("kanal");
  w.compactString("0.1.0");
  w.uvarint(0);
  w.setInt32At(size, w.length - 4);
  return w.toBytes();
}

/** Starts a server on a free 127.0.0.1 port; `onConnection` gets each socket. */
async function listen(
  onConnection: (s: Socket) => void,
): Promise<{ server: Server; port: number }> {
  const server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as { port: number }).port };
}

function stop(server: Server, sockets: Iterable<Socket> = []): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Reads `n` bytes from a broker socket's readable, or fewer if it ends first. */
async function readBytes(socket: BrokerSocket, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let have = 0;
  const reader = socket.readable.getReader();
  while (have < n) {
    const r = await reader.read();
    if (r.done) break;
    out.set(r.value.subarray(0, n - have), have);
    have += r.value.length;
  }
  reader.releaseLock();
  return out.subarray(0, Math.min(have, n));
}

function pattern(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    b[i] = s >>> 24;
  }
  return b;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

for (const [name, load] of transports) {
  test(`${name} does an ApiVersions round trip with the broker through FrameDecoder`, async () => {
    const broker = await requireBroker();
    const transport = await load();
    const socket = await transport({ host: broker.host, port: broker.port });
    try {
      const writer = socket.writable.getWriter();
      await writer.write(apiVersionsV3(4242));
      const frames = socket.readable.pipeThrough(new FrameDecoder()).getReader();
      const { value } = await frames.read();
      assert.ok(value, "a response frame came");
      const r = new Reader(value);
      assert.equal(r.int32(), 4242, "correlation id");
      assert.equal(r.int16(), 0, "error code");
      const n = r.compactArrayLength(7);
      const keys = new Set<number>();
      for (let i = 0; i < n; i++) {
        keys.add(r.int16());
        r.int16();
        r.int16();
        r.uvarint();
      }
      assert.ok(keys.has(18), "ApiVersions lists itself");
      assert.ok(keys.has(0) && keys.has(1), "Produce and Fetch are listed");
    } finally {
      await socket.close();
    }
  });

  test(`${name} fetches the cluster's metadata through kanal's client, as kcat sees it`, async () => {
    await requireBroker();
    const topic = await metadataTopic();
    const view = await fetchClusterView({ brokers: brokerList(), topic, transport: await load() });
    assert.equal(view.runtime, runtime);
    assertClusterView(view, await expectedCluster(topic));
  });

  test(`${name} rejects a dial to a closed port with a retriable ConnectionError`, async () => {
    const { server, port } = await listen(() => {});
    await stop(server);
    const transport = await load();
    const err = await transport({ host: "127.0.0.1", port }).then(
      () => assert.fail("connected to a closed port"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ConnectionError, String(err));
    assert.equal(err.retriable, true);
    assert.equal(err.errorName, "NETWORK_EXCEPTION");
    assert.equal(err.port, port);
    assert.ok(err.message.includes(`127.0.0.1:${port}`), err.message);
    assert.ok(err.cause !== undefined, "the runtime's error is kept as cause");
  });

  test(`${name} rejects at once with the reason of an already aborted signal`, async () => {
    const transport = await load();
    const reason = new Error("not today");
    const err = await transport({
      host: "127.0.0.1",
      port: 9,
      signal: AbortSignal.abort(reason),
    }).catch((e: unknown) => e);
    assert.equal(err, reason);
  });

  test(`${name} rejects promptly with the abort reason when a pending dial is aborted`, async () => {
    // A TLS dial to a server that accepts but never answers the handshake stays pending.
    const sockets = new Set<Socket>();
    const { server, port } = await listen((s) => sockets.add(s));
    try {
      const transport = await load();
      const controller = new AbortController();
      const reason = new Error("gave up");
      // A connect timeout far beyond the test's own limit: only the abort can end this dial.
      const dial = transport({
        host: "127.0.0.1",
        port,
        tls: true,
        signal: controller.signal,
        timeoutMs: 3_600_000,
      });
      let settled = false;
      dial.then(() => settled = true, () => settled = true);
      await until("the server to accept the dial", () => sockets.size === 1, 10_000, 5);
      assert.equal(settled, false, "the dial is pending until the abort");
      controller.abort(reason);
      const err = await dial.catch((e: unknown) => e);
      assert.equal(err, reason);
    } finally {
      await stop(server, sockets);
    }
  });

  test(`${name} rejects a dial that outlasts timeoutMs with a retriable ConnectionError`, async () => {
    const sockets = new Set<Socket>();
    const { server, port } = await listen((s) => sockets.add(s));
    try {
      const transport = await load();
      const err = await transport({ host: "127.0.0.1", port, tls: true, timeoutMs: 150 })
        .catch((e: unknown) => e);
      // The server took the connection, so nothing but the timeout ended the dial.
      assert.equal(sockets.size, 1, "the server accepted the connection");
      assert.ok(err instanceof ConnectionError, String(err));
      assert.equal(err.retriable, true);
      assert.equal((err.cause as Error).name, "TimeoutError");
    } finally {
      await stop(server, sockets);
    }
  });

  test(`${name} close() resolves closed and ends the readable`, async () => {
    const broker = await requireBroker();
    const transport = await load();
    const socket = await transport({ host: broker.host, port: broker.port });
    const reader = socket.readable.getReader();
    const pending = reader.read();
    await socket.close();
    await socket.closed;
    assert.deepEqual(await pending, { done: true, value: undefined });
    const writer = socket.writable.getWriter();
    await assert.rejects(writer.write(new Uint8Array([1])));
  });

  test(`${name} ends the readable and resolves closed when the peer hangs up`, async () => {
    const { server, port } = await listen((s) => s.end(new Uint8Array([1, 2, 3])));
    try {
      const transport = await load();
      const socket = await transport({ host: "127.0.0.1", port });
      const got = await readBytes(socket, 10);
      assert.deepEqual(got, new Uint8Array([1, 2, 3]));
      await socket.closed;
    } finally {
      await stop(server);
    }
  });

  test(`${name} holds a write until a slow reader takes it and delivers every byte`, async () => {
    // More than loopback's socket buffers hold, so the runtime must write in parts.
    const data = pattern(24 << 20, 7);
    const received: Uint8Array[] = [];
    let receivedBytes = 0;
    let peer!: Socket;
    let allCame!: () => void;
    const done = new Promise<void>((resolve) => allCame = resolve);
    const { server, port } = await listen((s) => {
      peer = s;
      s.on("data", (c: Uint8Array) => {
        received.push(new Uint8Array(c));
        receivedBytes += c.length;
        if (receivedBytes >= data.length) allCame();
      });
      s.pause();
    });
    try {
      const transport = await load();
      const socket = await transport({ host: "127.0.0.1", port });
      const writer = socket.writable.getWriter();
      let written = false;
      const write = writer.write(data).then(() => written = true);
      await delay(200);
      assert.equal(written, false, "the write waits while the peer does not read");
      peer.resume();
      await write;
      await done;
      const all = new Uint8Array(receivedBytes);
      let at = 0;
      for (const c of received) {
        all.set(c, at);
        at += c.length;
      }
      assert.equal(all.length, data.length);
      assert.ok(all.every((b, i) => b === data[i]), "bytes arrive unchanged and in order");
      await socket.close();
    } finally {
      await stop(server, [peer]);
    }
  });

  test(`${name} hands out chunks that stay intact after later reads`, async () => {
    // FrameDecoder keeps views of chunks, so a runtime that reuses its read buffer must copy.
    const data = pattern(4 << 20, 3);
    let peer!: Socket;
    const { server, port } = await listen((s) => {
      peer = s;
      s.end(data);
    });
    try {
      const transport = await load();
      const socket = await transport({ host: "127.0.0.1", port });
      const chunks: Uint8Array[] = [];
      const reader = socket.readable.getReader();
      for (;;) {
        const r = await reader.read();
        if (r.done) break;
        chunks.push(r.value);
      }
      assert.ok(chunks.length > 1, `${chunks.length} chunks`);
      let at = 0;
      for (const c of chunks) {
        assert.ok(c.every((b, i) => b === data[at + i]), `chunk at ${at} is unchanged`);
        at += c.length;
      }
      assert.equal(at, data.length);
    } finally {
      await stop(server, [peer]);
    }
  });

  test(`${name} stops reading when nobody reads and delivers every byte later`, async () => {
    const data = pattern(32 << 20, 11);
    let peer!: Socket;
    const { server, port } = await listen((s) => {
      peer = s;
      s.write(data);
    });
    try {
      const transport = await load();
      const socket = await transport({ host: "127.0.0.1", port });
      await delay(300);
      // Had the socket buffered all it was sent, the peer would have nothing left to send.
      assert.ok(
        peer.writableLength > 8 << 20,
        `the peer still holds ${peer.writableLength} bytes it could not send`,
      );
      const got = await readBytes(socket, data.length);
      assert.equal(got.length, data.length);
      assert.ok(got.every((b, i) => b === data[i]), "bytes arrive unchanged and in order");
      await socket.close();
    } finally {
      await stop(server, [peer]);
    }
  });
}

/** A CA and a leaf for kanal.test, localhost and 127.0.0.1, made with openssl. */
async function makeCertificates(): Promise<{ ca: string; cert: string; key: string }> {
  const dir = mkdtempSync(join(tmpdir(), "kanal-tls-"));
  try {
    const steps: string[][] = [
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        .concat(["-keyout", `${dir}/ca.key`, "-out", `${dir}/ca.pem`, "-days", "2"])
        .concat(["-subj", "/CN=kanal test CA"]),
      ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        .concat([
          "-keyout",
          `${dir}/leaf.key`,
          "-out",
          `${dir}/leaf.csr`,
          "-subj",
          "/CN=kanal.test",
        ]),
      ["x509", "-req", "-in", `${dir}/leaf.csr`, "-CA", `${dir}/ca.pem`, "-CAkey", `${dir}/ca.key`]
        .concat(["-CAcreateserial", "-out", `${dir}/leaf.pem`, "-days", "2", "-extfile"])
        .concat([`${dir}/ext.cnf`]),
    ];
    writeFileSync(
      `${dir}/ext.cnf`,
      "subjectAltName=DNS:kanal.test,DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    );
    for (const args of steps) {
      const r = await run("openssl", args);
      if (r.code !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
    }
    return {
      ca: readFileSync(`${dir}/ca.pem`, "utf8"),
      cert: readFileSync(`${dir}/leaf.pem`, "utf8"),
      key: readFileSync(`${dir}/leaf.key`, "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const certificates = makeCertificates();

/** A TLS echo server on a free 127.0.0.1 port. */
async function tlsEcho(): Promise<{ port: number; close(): Promise<void> }> {
  const { cert, key } = await certificates;
  const sockets = new Set<Socket>();
  const server = createTlsServer({ cert, key }, (s) => {
    sockets.add(s);
    s.on("data", (c: Uint8Array) => s.write(c));
    s.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () => stop(server as unknown as Server, sockets),
  };
}

for (const [name, load] of transports) {
  for (
    const [how, host, serverName] of [
      ["by IP address", "127.0.0.1", undefined],
      ["with a server name", "127.0.0.1", "kanal.test"],
      ["by host name", "localhost", undefined],
    ] as const
  ) {
    test(`${name} speaks TLS ${how}, trusting the given CA`, async () => {
      const echo = await tlsEcho();
      try {
        const { ca } = await certificates;
        const transport = await load();
        const socket = await transport({
          host,
          port: echo.port,
          tls: { caCerts: [ca], serverName },
        });
        const writer = socket.writable.getWriter();
        await writer.write(new TextEncoder().encode("over tls"));
        const got = await readBytes(socket, 8);
        assert.equal(new TextDecoder().decode(got), "over tls");
        await socket.close();
      } finally {
        await echo.close();
      }
    });
  }

  test(`${name} fails a TLS dial whose certificate does not match, not retriable`, async () => {
    const echo = await tlsEcho();
    try {
      const { ca } = await certificates;
      const transport = await load();
      const err = await transport({
        host: "127.0.0.1",
        port: echo.port,
        tls: { caCerts: [ca], serverName: "wrong.test" },
      }).catch((e: unknown) => e);
      assert.ok(err instanceof ConnectionError, String(err));
      assert.equal(err.retriable, false, err.message);
    } finally {
      await echo.close();
    }
  });
}

/** Set in the Node process that the whole-file test starts, so that it starts no other. */
const IN_NODE = "KANAL_TRANSPORT_TEST_IN_NODE";
const NODE = "/usr/bin/node";

test("this whole file passes under Node itself, where the default transport is Node's", {
  skip: process.env[IN_NODE] === "1",
}, async () => {
  await requireBroker();
  // Node 20 cannot run TypeScript: Bun bundles this file into one JS file (Node's built-ins
  // stay external) and Node's own test runner runs it.
  const dir = mkdtempSync(join(tmpdir(), "kanal-node-"));
  try {
    const file = join(dir, "transport_test.mjs");
    await bundle("tests/transport_test.ts", file, { target: "node" });
    // A run that does not end (a socket or timer left open) fails here after the timeout.
    const r = await run(NODE, ["--test", file], {
      env: { [IN_NODE]: "1", KANAL_ROOT: ROOT },
      timeoutMs: 60_000,
    });
    const out = new TextDecoder().decode(r.stdout);
    assert.equal(r.code, 0, out);
    assert.match(out, /^# fail 0$/m);
    const passed = Number(/^# pass (\d+)$/m.exec(out)?.[1]);
    assert.ok(passed >= 30, `${passed} tests passed under Node:\n${out}`);
    for (const t of ["the default transport (node)", "the Node adapter"]) {
      const ok = `ok \\d+ - ${t.replace(/[()]/g, "\\$&")} fetches the cluster's metadata`;
      assert.match(out, new RegExp(`^${ok}`, "m"), out);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// The program under this test's runtime and under Node: each fetches metadata with its own
// default transport and must end by itself after close(). A leftover socket or timer (the
// metadata updater's is 5 minutes) would keep it running past the timeout.
for (const target of [runtime, "node"] as const) {
  const name = `a ${target} program fetches metadata and ends by itself once the client closes`;
  test(name, { skip: process.env[IN_NODE] === "1" }, async () => {
    await requireBroker();
    const topic = await metadataTopic();
    const program = "tests/node/print_cluster_view.ts";
    const dir = mkdtempSync(join(tmpdir(), "kanal-program-"));
    try {
      let command: [string, string[]];
      if (target === "node") {
        await bundle(program, join(dir, "program.mjs"), { target: "node" });
        command = [NODE, [join(dir, "program.mjs")]];
      } else if (target === "deno") {
        command = [join(ROOT, "node_modules/.bin/deno"), ["run", "--allow-net", program]];
      } else {
        command = [join(ROOT, "node_modules/.bin/bun"), [program]];
      }
      const [cmd, args] = command;
      const r = await run(cmd, [...args, brokerList(), topic], { cwd: ROOT, timeoutMs: 20_000 })
        .catch((e: Error) => {
          throw new Error(`the ${target} program did not end within 20 s: ${e.message}`);
        });
      assert.equal(r.code, 0, r.stderr);
      const { view, codecs } = JSON.parse(new TextDecoder().decode(r.stdout)) as ProgramOutput;
      assert.equal(view.runtime, target);
      assertClusterView(view, await expectedCluster(topic));
      // The codecs' dynamic node:zlib import survived bundling and found the module.
      assert.equal(codecs.nodeZlib, true);
      for (const c of ["gzip", "snappy", "lz4"] as const) {
        assert.ok(codecs.roundTrips.includes(c), c);
      }
      // Bun has native zstd; Node has it from 22.15 on, and before that must refuse it.
      if (target === "bun") assert.equal(codecs.zstd, true);
      if (codecs.zstd) assert.ok(codecs.roundTrips.includes("zstd"));
      else assert.equal(codecs.zstdRefused, true, "zstd compression refused with code 76");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
