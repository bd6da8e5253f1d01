// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { SaslServer } from "./sasl_server.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

async function hmac(hash: string, key: Uint8Array, data: string): Promise<Uint8Array<ArrayBuffer>> {
  const k = await crypto.subtle.importKey(
    "raw",
    new Uint8Array(key),
    { name: "HMAC", hash },
    false,
    [
      "sign",
    ],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, enc.encode(data)));
}

/** A SCRAM client (RFC 5802) run against the server; returns the server's last step. */
async function scram(mechanism: "SCRAM-SHA-256" | "SCRAM-SHA-512", password: string) {
  const hash = mechanism === "SCRAM-SHA-256" ? "SHA-256" : "SHA-512";
  const server = new SaslServer(mechanism, { users: { alice: "right" }, iterations: 4096 });
  const first = "n=alice,r=client-nonce";
  const serverFirst = dec.decode((await server.step(enc.encode(`n,,${first}`))).reply);
  const attrs = Object.fromEntries(serverFirst.split(",").map((a) => [a[0], a.slice(2)]));
  assert.ok(attrs.r!.startsWith("client-nonce"));
  const key = await crypto.subtle.importKey("raw", enc.encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const salt = Uint8Array.from(atob(attrs.s!), (c) => c.charCodeAt(0));
  const salted = new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: "PBKDF2", hash, salt, iterations: Number(attrs.i) },
      key,
      hash === "SHA-256" ? 256 : 512,
    ),
  );
  const clientKey = await hmac(hash, salted, "Client Key");
  const storedKey = new Uint8Array(await crypto.subtle.digest(hash, clientKey));
  const without = `c=biws,r=${attrs.r}`;
  const authMessage = `${first},${serverFirst},${without}`;
  const signature = await hmac(hash, storedKey, authMessage);
  const proof = btoa(String.fromCharCode(...clientKey.map((b, i) => b ^ signature[i]!)));
  const last = await server.step(enc.encode(`${without},p=${proof}`));
  const serverKey = await hmac(hash, salted, "Server Key");
  const expected = btoa(String.fromCharCode(...await hmac(hash, serverKey, authMessage)));
  return { last, expected };
}

for (const mechanism of ["SCRAM-SHA-256", "SCRAM-SHA-512"] as const) {
  test(`${mechanism}: the right password authenticates and the server proves itself`, async () => {
    const { last, expected } = await scram(mechanism, "right");
    assert.equal(last.user, "alice");
    assert.equal(dec.decode(last.reply), `v=${expected}`);
  });

  test(`${mechanism}: a wrong password fails`, async () => {
    const { last } = await scram(mechanism, "wrong");
    assert.equal(last.user, undefined);
    assert.match(last.error!, /Authentication failed/);
  });
}

test("PLAIN refuses a wrong password and an unknown user", async () => {
  const server = (): SaslServer => new SaslServer("PLAIN", { users: { alice: "right" } });
  assert.equal((await server().step(enc.encode("\0alice\0wrong"))).user, undefined);
  assert.equal((await server().step(enc.encode("\0bob\0right"))).user, undefined);
  assert.equal((await server().step(enc.encode("\0alice\0right"))).user, "alice");
});
