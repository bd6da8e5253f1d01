// Copyright 2026 the kanal authors. MIT license.
// ACLs against the real broker, with AclCommand as the oracle. The broker decides which half
// runs: without an authorizer (the default) every ACL call must fail with the typed
// SECURITY_DISABLED, as AclCommand does; with one (the harness's default)
// what kanal creates AclCommand lists, and the reverse.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Admin } from "../lib/admin/admin.ts";
import { AdminError } from "../lib/admin/admin_error.ts";
import { Client } from "../lib/client/client.ts";
import { KafkaError } from "../lib/protocol/kafka_error.ts";
import { brokerList, requireBroker } from "./_kafka.ts";
import { uniqueTopic } from "./_tools.ts";
import { brokerTool, kafkaToolRun } from "./_harness.ts";

test("ACLs: SECURITY_DISABLED without an authorizer, else kanal and AclCommand agree", async () => {
  await requireBroker();
  await using client = await Client.connect({ brokers: brokerList() });
  const admin = new Admin(client);
  const topic = uniqueTopic("acl");
  const enabled = await admin.describeAcls().then(() => true, (e: unknown) => {
    assert.ok(e instanceof KafkaError && e.errorName === "SECURITY_DISABLED", String(e));
    return false;
  });
  if (!enabled) {
    const err = await admin.createAcls([
      { resourceType: "TOPIC", resourceName: topic, principal: "User:alice", operation: "READ" },
    ]).then(() => assert.fail("must fail"), (e: unknown) => e);
    assert.ok(err instanceof AdminError && err.errorName === "SECURITY_DISABLED", String(err));
    await assert.rejects(admin.deleteAcls([{ resourceName: topic }]), {
      errorName: "SECURITY_DISABLED",
    });
    const tool = await kafkaToolRun("AclCommand", [
      "--bootstrap-server",
      brokerList(),
      "--list",
      "--topic",
      topic,
    ]);
    assert.match(tool.stdout + tool.stderr, /SecurityDisabledException/);
    return;
  }
  // kanal -> AclCommand
  await admin.createAcls([
    { resourceType: "TOPIC", resourceName: topic, principal: "User:alice", operation: "READ" },
    {
      resourceType: "GROUP",
      resourceName: `${topic}-`,
      patternType: "PREFIXED",
      principal: "User:alice",
      operation: "DESCRIBE",
      permission: "DENY",
      host: "10.0.0.1",
    },
  ]);
  const listed = await brokerTool("AclCommand", ["--list", "--topic", topic]);
  assert.match(listed, /principal=User:alice, host=\*, operation=READ, permissionType=ALLOW/);
  const groups = await brokerTool("AclCommand", [
    "--list",
    "--group",
    `${topic}-`,
    "--resource-pattern-type",
    "prefixed",
  ]);
  assert.match(
    groups,
    /principal=User:alice, host=10\.0\.0\.1, operation=DESCRIBE, permissionType=DENY/,
  );
  // AclCommand -> kanal
  await brokerTool("AclCommand", [
    "--add",
    "--allow-principal",
    "User:bob",
    "--operation",
    "Write",
    "--topic",
    topic,
  ]);
  const mine = await admin.describeAcls({ resourceType: "TOPIC", resourceName: topic });
  assert.deepEqual(mine.map((a) => `${a.principal} ${a.operation} ${a.permission}`).sort(), [
    "User:alice READ ALLOW",
    "User:bob WRITE ALLOW",
  ]);
  const gone = await admin.deleteAcls([
    { resourceType: "TOPIC", resourceName: topic, patternType: "LITERAL" },
    { resourceType: "GROUP", resourceName: `${topic}-`, patternType: "PREFIXED" },
  ]);
  assert.equal(gone.length, 3);
  const after = await brokerTool("AclCommand", ["--list", "--topic", topic]);
  assert.doesNotMatch(after, /User:/);
});
