// Copyright 2026 the kanal authors. MIT license.
// The mechanisms against hostile or failing peers, through a scripted exchange: SCRAM refuses a
// broker that cannot prove itself or asks for absurd work; OAUTHBEARER answers an error challenge
// as RFC 7628 says, and fetches a new token once the old one is due for refresh.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { until } from "../../tests/_wait.ts";
import { KafkaError } from "../protocol/kafka_error.ts";
import { scramSha256 } from "./scram.ts";
import { oauthBearer } from "./oauth_bearer.ts";
import type { SaslExchange } from "./sasl_mechanism.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const SECRET = "scram-Secret-31";

/** An exchange that answers each message with `reply(sent, index)` and records what was sent. */
function scripted(reply: (sent: string, i: number) => string): SaslExchange & { sent: string[] } {
  const sent: string[] = [];
  return {
    host: "b1",
    port: 9092,
    sent,
    send: (b) => {
      sent.push(dec.decode(b));
      return Promise.resolve(enc.encode(reply(dec.decode(b), sent.length - 1)));
    },
  };
}

function nonceOf(clientFirst: string): string {
  return /r=([^,]+)/.exec(clientFirst)![1]!;
}

for (
  const [name, serverFirst, why] of [
    ["absurd iterations", (n: string) => `r=${n}xyz,s=c2FsdA==,i=1000000000`, /iterations/],
    ["too few iterations", (n: string) => `r=${n}xyz,s=c2FsdA==,i=1`, /iterations/],
    ["a nonce not extending ours", (_: string) => `r=other,s=c2FsdA==,i=4096`, /nonce/],
    ["no salt", (n: string) => `r=${n}xyz,i=4096`, /salt/],
  ] as const
) {
  test(`SCRAM refuses a broker that sends ${name}, before any proof is sent`, async () => {
    const x = scripted((sent) => serverFirst(nonceOf(sent)));
    const err = await scramSha256({ username: "alice", password: SECRET }).authenticate(x)
      .then(() => assert.fail("authenticated"), (e: unknown) => e);
    assert.ok(err instanceof KafkaError, String(err));
    assert.equal(err.errorName, "SASL_AUTHENTICATION_FAILED");
    assert.match(err.message, why);
    assert.ok(!err.message.includes(SECRET));
    assert.equal(x.sent.length, 1, "no client-final message went out");
  });
}

test("SCRAM refuses a broker whose final signature is wrong", async () => {
  const x = scripted((sent, i) =>
    i === 0 ? `r=${nonceOf(sent)}xyz,s=c2FsdA==,i=4096` : "v=bm90IHRoZSBzaWduYXR1cmU="
  );
  await assert.rejects(
    scramSha256({ username: "alice", password: SECRET }).authenticate(x),
    (e: unknown) => e instanceof KafkaError && /signature is wrong/.test(e.message),
  );
  assert.equal(x.sent.length, 2);
  assert.match(x.sent[1]!, /^c=biws,r=.+xyz,p=/);
});

test("OAUTHBEARER answers an error challenge with 0x01, then fails typed", async () => {
  const x = scripted((_, i) => i === 0 ? '{"status":"invalid_token"}' : "");
  const err = await oauthBearer({
    token: () => ({ value: "tok", expiresAtMs: Date.now() + 60_000 }),
  }).authenticate(x).then(() => assert.fail("authenticated"), (e: unknown) => e);
  assert.ok(err instanceof KafkaError, String(err));
  assert.equal(err.errorName, "SASL_AUTHENTICATION_FAILED");
  assert.match(err.message, /invalid_token/);
  assert.ok(!err.message.includes("tok)"));
  assert.deepEqual(x.sent.slice(1), ["\x01"]);
});

test("OAUTHBEARER fetches a new token once the old one is due, and sends extensions", async () => {
  let calls = 0;
  const m = oauthBearer({
    token: () => ({
      value: `t${++calls}`,
      expiresAtMs: Date.now() + 60_000,
      extensions: { logicalCluster: "lkc-1" },
    }),
    refreshFraction: 0.00002, // due after about 1 ms of its minute
  });
  const x = scripted(() => "");
  await m.authenticate(x);
  const first = Date.now();
  await until("the token is due", () => Date.now() > first + 5);
  await m.authenticate(x);
  assert.equal(calls, 2);
  assert.equal(x.sent[0], "n,,\x01auth=Bearer t1\x01logicalCluster=lkc-1\x01\x01");
  assert.ok(x.sent[1]!.includes("auth=Bearer t2\x01"), x.sent[1]);
});

test("OAUTHBEARER refuses an expired token from its provider", async () => {
  const m = oauthBearer({ token: () => ({ value: "old", expiresAtMs: Date.now() - 1 }) });
  await assert.rejects(m.authenticate(scripted(() => "")), /expired token/);
});
