// Copyright 2026 the kanal authors. MIT license.
// Authorization errors with Kafka's StandardAuthorizer (the harness broker's default):
// bob, authenticated with SCRAM-SHA-512 and allowed onto one topic only, gets the typed
// TOPIC_AUTHORIZATION_FAILED for records to another and GROUP_AUTHORIZATION_FAILED for a group,
// at once and not retried, while his allowed records keep flowing through the same client. On a
// broker without an authorizer there is nothing to deny, and the test says it is skipped.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { Admin } from "../lib/admin/admin.ts";
import { Client } from "../lib/client/client.ts";
import { Producer } from "../lib/producer/producer.ts";
import { KafkaError } from "../lib/protocol/kafka_error.ts";
import { scramSha512 } from "../lib/sasl/scram.ts";
import { brokerList, requireBroker } from "./_kafka.ts";
import { withTopics } from "./_topics.ts";
import { securityListeners, USERS } from "./_security.ts";

async function authorizerOn(): Promise<boolean> {
  try {
    await requireBroker();
    await using client = await Client.connect({ brokers: brokerList() });
    return await new Admin(client).describeAcls().then(() => true, () => false);
  } catch {
    return false; // No broker: the other tests fail loudly on that.
  }
}

const enabled = await authorizerOn();

test(
  `authorization errors are typed and the client keeps serving what it may${
    enabled ? "" : " (skipped: the broker runs no authorizer)"
  }`,
  { skip: !enabled },
  async () => {
    await withTopics({ count: 2, partitions: 1, prefix: "authz" }, async (topics, admin) => {
      const [allowed, denied] = topics.map((t) => t.name) as [string, string];
      const group = `authz-group-${allowed}`;
      await new Admin(admin).createAcls(
        (["WRITE", "DESCRIBE"] as const).map((operation) => ({
          resourceType: "TOPIC" as const,
          resourceName: allowed,
          principal: "User:bob",
          operation,
        })),
      );
      await using client = await Client.connect({
        brokers: securityListeners().saslPlaintext,
        sasl: scramSha512({ username: "bob", password: USERS.bob }),
      });
      await using producer = new Producer(client);
      const [ok, refused] = await Promise.allSettled([
        producer.send({ topic: allowed, partition: 0, value: "yes" }),
        producer.send({ topic: denied, partition: 0, value: "no" }),
      ]);
      assert.equal(ok.status === "fulfilled" && ok.value.offset, 0, JSON.stringify(ok));
      assert.equal(refused.status, "rejected");
      const err = (refused as PromiseRejectedResult).reason;
      assert.ok(err instanceof KafkaError, String(err));
      assert.equal(err.errorName, "TOPIC_AUTHORIZATION_FAILED");
      assert.equal(err.retriable, false);
      // The same producer still serves the topic bob may write.
      assert.equal((await producer.send({ topic: allowed, partition: 0, value: "y2" })).offset, 1);
      // Asked directly, the client names the topic's own error too, not a missing leader.
      await assert.rejects(client.leaderFor(denied, 0), {
        errorName: "TOPIC_AUTHORIZATION_FAILED",
        retriable: false,
      });
      const groupErr = await client.coordinator(group).then(
        () => assert.fail("found a coordinator for a group bob may not describe"),
        (e: unknown) => e,
      );
      assert.ok(groupErr instanceof KafkaError, String(groupErr));
      assert.equal(groupErr.errorName, "GROUP_AUTHORIZATION_FAILED");
      assert.equal(groupErr.retriable, false);
    });
  },
);
