// Copyright 2026 the kanal authors. MIT license.
// kcat (librdkafka) works against the fake cluster over TCP: metadata, produce with every
// codec, consume, and group consumption; `kanal fake-cluster` prints its bootstrap list first.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { FakeCluster } from "../lib/testing/fake_cluster.ts";
import { kcat, run } from "./_tools.ts";

const ROOT = new URL("..", import.meta.url).pathname;

test("kcat -L lists the fake cluster's brokers and topics", async () => {
  await using cluster = await FakeCluster.start({
    brokers: 3,
    listen: true,
    topics: [{ name: "listed", partitions: 3 }],
  });
  const out = new TextDecoder().decode(await kcat(["-b", cluster.bootstrap, "-L"]));
  const ports = [...cluster.state.brokers.values()].map((b) => b.port);
  for (const [i, port] of ports.entries()) {
    assert.match(out, new RegExp(`broker ${i + 1} at 127\\.0\\.0\\.1:${port}`));
  }
  assert.match(out, /topic "listed" with 3 partitions/);
  assert.match(out, /partition 2, leader 3, replicas: 3,1,2, isrs: 3,1,2/);
  assert.deepEqual(cluster.faults, []);
});

test("kcat -P with every codec, then kcat -C reads every record back in order", async () => {
  await using cluster = await FakeCluster.start({ listen: true, topics: [{ name: "codecs" }] });
  const codecs = ["none", "gzip", "snappy", "lz4", "zstd"];
  for (const codec of codecs) {
    await kcat(["-b", cluster.bootstrap, "-P", "-t", "codecs", "-p", "0", "-z", codec, "-K", ":"], {
      // librdkafka sends a batch uncompressed when compressing does not make it smaller.
      input: `k-${codec}:a-${codec}${".".repeat(300)}\nk-${codec}:b-${codec}${".".repeat(300)}\n`,
    });
  }
  const out = new TextDecoder().decode(
    await kcat(["-b", cluster.bootstrap, "-C", "-t", "codecs", "-e", "-q", "-f", "%o %k %s\\n"]),
  );
  assert.equal(
    out,
    codecs.flatMap((c, i) => [
      `${2 * i} k-${c} a-${c}${".".repeat(300)}`,
      `${2 * i + 1} k-${c} b-${c}${".".repeat(300)}`,
    ]).join("\n") +
      "\n",
  );
  // The batches are stored as kcat compressed them.
  const attrs = cluster.partition("codecs", 0).log.batches.map((b) => b.bytes[22]! & 7);
  assert.deepEqual(attrs, [0, 1, 2, 3, 4]);
  assert.deepEqual(cluster.faults, []);
});

/** Starts the CLI; resolves its first stdout line, and gives a way to stop it and its exit code. */
function startCli(args: string[]): {
  first: Promise<string>;
  stop(): void;
  exited: Promise<number | null>;
} {
  const cmd = `${ROOT}node_modules/.bin/deno`;
  const full = ["run", "-A", `${ROOT}cli.ts`, ...args];
  let buf = "";
  let gotLine!: (line: string) => void;
  const first = new Promise<string>((resolve) => gotLine = resolve);
  const onData = (c: Uint8Array): void => {
    buf += new TextDecoder().decode(c);
    const nl = buf.indexOf("\n");
    if (nl >= 0) gotLine(buf.slice(0, nl));
  };
  // Deno's node:child_process reports a child that handled SIGTERM and exited 0 as killed by
  // the signal, so under Deno the child is started with Deno.Command.
  type DenoChild = {
    stdout: ReadableStream<Uint8Array>;
    status: Promise<{ code: number; signal: string | null }>;
    kill(s: string): void;
  };
  const Command = (globalThis as {
    Deno?: {
      Command: new (c: string, o: { args: string[]; stdout: "piped"; stderr: "inherit" }) => {
        spawn(): DenoChild;
      };
    };
  }).Deno?.Command;
  if (Command !== undefined) {
    const child = new Command(cmd, { args: full, stdout: "piped", stderr: "inherit" }).spawn();
    const read = (async () => {
      for await (const c of child.stdout) onData(c);
    })();
    const exited = child.status.then(async (st) => {
      await read;
      return st.signal === null ? st.code : null;
    });
    return { first, stop: () => child.kill("SIGTERM"), exited };
  }
  const child = spawn(cmd, full, { stdio: ["ignore", "pipe", "inherit"] });
  child.stdout.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
  return { first, stop: () => child.kill("SIGTERM"), exited };
}

test("kanal fake-cluster prints the bootstrap list first and stops on SIGTERM", async () => {
  const cli = startCli(["fake-cluster", "--brokers", "2", "--topic", "cli-topic:4"]);
  try {
    const first = await cli.first;
    assert.match(first, /^127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/);
    const out = new TextDecoder().decode(await kcat(["-b", first, "-L", "-t", "cli-topic"]));
    assert.match(out, /topic "cli-topic" with 4 partitions/);
  } finally {
    cli.stop();
  }
  assert.equal(await cli.exited, 0);
});

test("kcat -G consumes every partition as a group member and commits what it read", async () => {
  await using cluster = await FakeCluster.start({
    brokers: 3,
    listen: true,
    topics: [{ name: "grouped", partitions: 3 }],
  });
  const b = cluster.bootstrap;
  const lines = Array.from({ length: 30 }, (_, i) => `m${i}`);
  await kcat(["-b", b, "-P", "-t", "grouped"], { input: lines.join("\n") + "\n" });
  const group = ["-b", b, "-G", "kcat-group", "-X", "auto.offset.reset=earliest", "-e", "-q"];
  const first = new TextDecoder().decode(await kcat([...group, "-f", "%s\\n", "grouped"]));
  assert.deepEqual(first.trim().split("\n").sort(), [...lines].sort());
  // The commits on close: the group's offsets add up to every record, so a rerun reads none.
  const committed = [0, 1, 2].map((p) =>
    cluster.groups.committed("kcat-group", "grouped", p)?.offset ?? 0n
  );
  assert.equal(committed.reduce((a, c) => a + c, 0n), 30n);
  const second = new TextDecoder().decode(await kcat([...group, "grouped"]));
  assert.equal(second, "");
  assert.equal(cluster.groups.groups.get("kcat-group")?.state, "Empty");
  assert.deepEqual(cluster.faults, []);
});

test("kcat authenticates with SASL PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512, and a bad password fails", async () => {
  await using cluster = await FakeCluster.start({
    listen: true,
    topics: [{ name: "secured" }],
    sasl: { users: { alice: "alice-secret" } },
  });
  const sasl = (mechanism: string, password: string) => [
    "-b",
    cluster.bootstrap,
    "-X",
    "security.protocol=SASL_PLAINTEXT",
    "-X",
    `sasl.mechanisms=${mechanism}`,
    "-X",
    "sasl.username=alice",
    "-X",
    `sasl.password=${password}`,
  ];
  for (const mechanism of ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]) {
    await kcat([...sasl(mechanism, "alice-secret"), "-P", "-t", "secured"], {
      input: `${mechanism}\n`,
    });
  }
  const out = new TextDecoder().decode(
    await kcat([...sasl("SCRAM-SHA-512", "alice-secret"), "-C", "-t", "secured", "-e", "-q"]),
  );
  assert.equal(out, "PLAIN\nSCRAM-SHA-256\nSCRAM-SHA-512\n");
  const refused = await run("kcat", [...sasl("SCRAM-SHA-256", "wrong"), "-L", "-m", "1"], {
    timeoutMs: 30_000,
  });
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /Authentication failed/);
  // Without SASL, the connection is closed before metadata.
  const plain = await run("kcat", ["-b", cluster.bootstrap, "-L", "-m", "1"], {
    timeoutMs: 30_000,
  });
  assert.notEqual(plain.code, 0);
  assert.deepEqual(cluster.faults, []);
});
