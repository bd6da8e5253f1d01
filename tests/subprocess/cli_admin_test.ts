// Copyright 2026 the kanal authors. MIT license.
// The admin command line as a user runs it: cli.ts as a subprocess (under Deno and Bun) against
// the real broker, with Kafka's own tools as the witness.
import { test } from "../_test.ts";
import assert from "node:assert/strict";
import { brokerList, requireBroker } from "../_kafka.ts";
import { kcat, run, uniqueTopic } from "../_tools.ts";
import { brokerTool } from "../_harness.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

const RUNTIMES = {
  deno: ["run", "-A", "cli.ts"],
  bun: ["cli.ts"],
} as const;

async function kanal(
  runtime: keyof typeof RUNTIMES,
  args: string[],
): Promise<{ code: number | null; out: string; err: string }> {
  const r = await run(`${ROOT}node_modules/.bin/${runtime}`, [...RUNTIMES[runtime], ...args], {
    cwd: ROOT,
    timeoutMs: 60_000,
  });
  return { code: r.code, out: new TextDecoder().decode(r.stdout), err: r.stderr };
}

for (const runtime of ["deno", "bun"] as const) {
  test(`kanal topic (${runtime}): one bad topic is one stderr line and exit 1; the tools see the rest`, async () => {
    await requireBroker();
    const b = brokerList();
    const [a, taken] = [uniqueTopic("cli-a"), uniqueTopic("cli-taken")];
    try {
      assert.equal((await kanal(runtime, ["topic", "create", "-b", b, taken])).code, 0);
      const made = await kanal(runtime, [
        "topic",
        "create",
        "-b",
        b,
        a,
        taken,
        "-p",
        "3",
        "-c",
        "retention.ms=3600000",
      ]);
      assert.equal(made.code, 1, made.err);
      assert.deepEqual(made.err.trim().split("\n").map((l) => l.split(": ").slice(0, 3)), [
        ["kanal", taken, "TOPIC_ALREADY_EXISTS"],
      ]);
      assert.match(made.out, new RegExp(`^${a}\\s+\\S+\\s+3\\s+1$`, "m"));

      await kcat(["-b", b, "-t", a, "-p", "1", "-P"], { input: "x\ny\nz\n" });
      const altered = await kanal(runtime, [
        "topic",
        "alter-config",
        "-b",
        b,
        a,
        "--set",
        "retention.ms=7200000",
      ]);
      assert.equal(altered.code, 0, altered.err);
      const trimmed = await kanal(runtime, ["topic", "trim", "-b", b, a, "-p", "1", "-o", "2"]);
      assert.equal(trimmed.code, 0, trimmed.err);
      const [topics, configs, earliest] = await Promise.all([
        brokerTool("TopicCommand", ["--describe", "--topic", a]),
        brokerTool("ConfigCommand", ["--entity-type", "topics", "--entity-name", a, "--describe"]),
        brokerTool("GetOffsetShell", ["--topic", a, "--partitions", "1", "--time", "-2"]),
      ]);
      assert.match(topics, /PartitionCount: 3/);
      assert.match(configs, /retention\.ms=7200000/);
      assert.equal(earliest.trim(), `${a}:1:2`);

      const described = await kanal(runtime, ["topic", "describe", "-b", b, a, "--format", "json"]);
      assert.equal(described.code, 0, described.err);
      const [json] = JSON.parse(described.out) as {
        partitions: { partition: number; logStartOffset: number; highWatermark: number }[];
      }[];
      assert.deepEqual(
        json?.partitions.map((p) => [p.partition, p.logStartOffset, p.highWatermark]),
        [
          [0, 0, 0],
          [1, 2, 3],
          [2, 0, 0],
        ],
      );
    } finally {
      const gone = await kanal(runtime, ["topic", "delete", "-b", b, a, taken]);
      assert.equal(gone.code, 0, gone.err);
    }
  });
}

test("kanal group: lag, seek and delete agree with ConsumerGroupCommand", async () => {
  await requireBroker();
  const b = brokerList();
  const topic = uniqueTopic("cli-grp");
  const [group, missing] = [uniqueTopic("cli-g"), uniqueTopic("cli-none")];
  assert.equal((await kanal("deno", ["topic", "create", "-b", b, topic, "-p", "2"])).code, 0);
  try {
    await kcat(["-b", b, "-t", topic, "-p", "0", "-P"], { input: "1\n2\n3\n4\n" });
    await brokerTool("ConsumerGroupCommand", [
      "--reset-offsets",
      "--group",
      group,
      "--topic",
      topic,
      "--to-offset",
      "1",
      "--execute",
    ]);
    const lag = await kanal("deno", ["group", "lag", "-b", b, group, "--format", "json"]);
    assert.equal(lag.code, 0, lag.err);
    const [l] = JSON.parse(lag.out) as { total: number; partitions: { lag: number }[] }[];
    assert.deepEqual([l?.total, l?.partitions.map((p) => p.lag)], [3, [3, 0]]);

    const seek = await kanal("deno", ["group", "seek", "-b", b, group, "--to", "latest"]);
    assert.equal(seek.code, 0, seek.err);
    const dropped = await kanal("deno", [
      "group",
      "delete-offsets",
      "-b",
      b,
      group,
      "-t",
      topic,
      "-p",
      "1",
    ]);
    assert.equal(dropped.code, 0, dropped.err);
    const seen = await brokerTool("ConsumerGroupCommand", [
      "--describe",
      "--group",
      group,
      "--offsets",
    ]);
    const rows = seen.split("\n").filter((r) => r.includes(topic)).map((r) =>
      r.trim().split(/\s+/)
    );
    assert.deepEqual(rows.map((r) => r.slice(2, 6)), [["0", "4", "4", "0"]]);
    const nobody = await kanal("deno", [
      "group",
      "remove-members",
      "-b",
      b,
      group,
      "--instance",
      "nobody",
    ]);
    assert.equal(nobody.code, 1);
    assert.match(nobody.err, /^kanal: nobody: UNKNOWN_MEMBER_ID: /);
    const moved = await kanal("deno", [
      "partition",
      "move-dir",
      "-b",
      b,
      "-t",
      topic,
      "-p",
      "0",
      "--broker",
      "1",
      "--path",
      "/no/such/dir",
    ]);
    assert.equal(moved.code, 1);
    assert.match(moved.err, new RegExp(`^kanal: ${topic}/0: LOG_DIR_NOT_FOUND: `));

    const listed = await kanal("deno", ["group", "list", "-b", b, "--state", "Empty"]);
    assert.match(listed.out, new RegExp(`^${group}\\s+Empty\\s+classic\\s+1$`, "m"));

    const del = await kanal("deno", ["group", "delete", "-b", b, group, missing]);
    assert.equal(del.code, 1);
    assert.deepEqual(del.err.trim().split("\n").map((x) => x.split(": ").slice(0, 3)), [
      ["kanal", missing, "GROUP_ID_NOT_FOUND"],
    ]);
    assert.match(del.out, new RegExp(`^${group}\\s+deleted$`, "m"));
  } finally {
    await kanal("deno", ["topic", "delete", "-b", b, topic]);
  }
});

test("kanal cluster, user, quota and partition print what the tools print", async () => {
  await requireBroker();
  const b = brokerList();
  const user = uniqueTopic("cli-user");
  const made = await kanal("deno", [
    "user",
    "create",
    "-b",
    b,
    user,
    "--password",
    "pw",
    "--iterations",
    "5000",
  ]);
  assert.equal(made.code, 0, made.err);
  const quota = await kanal("deno", [
    "quota",
    "alter",
    "-b",
    b,
    "--user",
    user,
    "--add",
    "request_percentage=50",
  ]);
  assert.equal(quota.code, 0, quota.err);
  try {
    const [users, quorum] = await Promise.all([
      brokerTool("ConfigCommand", ["--describe", "--entity-type", "users", "--entity-name", user]),
      brokerTool("MetadataQuorumCommand", ["describe", "--status"]),
    ]);
    assert.match(users, /SCRAM-SHA-256=iterations=5000/);
    assert.match(users, /request_percentage=50/);
    const q = await kanal("deno", ["cluster", "quorum", "-b", b, "--format", "json"]);
    assert.equal(q.code, 0, q.err);
    assert.match(
      quorum,
      new RegExp(`LeaderId:\\s+${(JSON.parse(q.out) as { leaderId: number }).leaderId}\\n`),
    );
    const described = await kanal("deno", ["quota", "describe", "-b", b, "--user", user]);
    assert.match(described.out, new RegExp(`^user=${user}\\s+request_percentage\\s+50$`, "m"));
    const listed = await kanal("deno", ["user", "list", "-b", b, user]);
    assert.match(listed.out, new RegExp(`^${user}\\s+SCRAM-SHA-256\\s+5000$`, "m"));
    const info = await kanal("deno", ["cluster", "info", "-b", b]);
    assert.match(info.out, /^CLUSTER \S+ {2}CONTROLLER \d+$/m);
    const usage = await kanal("deno", [
      "partition",
      "reassign",
      "-b",
      b,
      "-t",
      "x",
      "--replicas",
      "a",
    ]);
    assert.equal(usage.code, 2);
  } finally {
    await kanal("deno", ["user", "delete", "-b", b, user]);
    await kanal("deno", [
      "quota",
      "alter",
      "-b",
      b,
      "--user",
      user,
      "--delete",
      "request_percentage",
    ]);
  }
});

test("kanal acl: SECURITY_DISABLED without an authorizer, else create, list and delete as AclCommand sees", async () => {
  await requireBroker();
  const b = brokerList();
  const topic = uniqueTopic("cli-acl");
  const listed = await kanal("deno", ["acl", "list", "-b", b, "--topic", topic]);
  if (listed.code !== 0) {
    assert.equal(listed.code, 1);
    assert.match(listed.err, /^kanal: SECURITY_DISABLED: /);
    return;
  }
  const made = await kanal("deno", [
    "acl",
    "create",
    "-b",
    b,
    "--allow-principal",
    "User:carol",
    "--operation",
    "read",
    "--operation",
    "describe",
    "--topic",
    topic,
  ]);
  assert.equal(made.code, 0, made.err);
  const seen = await brokerTool("AclCommand", ["--list", "--topic", topic]);
  assert.match(seen, /principal=User:carol, host=\*, operation=READ, permissionType=ALLOW/);
  assert.match(seen, /principal=User:carol, host=\*, operation=DESCRIBE, permissionType=ALLOW/);
  const json = await kanal("deno", ["acl", "list", "-b", b, "--topic", topic, "--format", "json"]);
  assert.deepEqual(
    (JSON.parse(json.out) as { operation: string }[]).map((a) => a.operation).sort(),
    ["DESCRIBE", "READ"],
  );
  const del = await kanal("deno", ["acl", "delete", "-b", b, "--topic", topic]);
  assert.equal(del.code, 0, del.err);
  assert.equal(del.out.trim().split("\n").length, 3, del.out);
  assert.doesNotMatch(await brokerTool("AclCommand", ["--list", "--topic", topic]), /User:carol/);
});
