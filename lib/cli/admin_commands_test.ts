// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { runCli } from "./run_cli.ts";
import { ADMIN_COMMANDS } from "./admin_commands.ts";
import { table, toJson } from "./_admin_output.ts";
import { KafkaError } from "../protocol/kafka_error.ts";

function io(): { out: () => string; err: () => string; io: Parameters<typeof runCli>[2] } {
  let out = "", err = "";
  return {
    out: () => out,
    err: () => err,
    io: {
      stdout: (s: string) => {
        out += s;
        return Promise.resolve();
      },
      stderr: (s: string) => {
        err += s;
        return Promise.resolve();
      },
      env: () => undefined,
    },
  };
}

test("admin commands refuse a missing or unknown subcommand and a bad --format before connecting", async () => {
  for (
    const [argv, pattern] of [
      [["topic", "-b", "127.0.0.1:1"], /no subcommand is given: one of create, delete, list/],
      [["group", "frobnicate", "-b", "127.0.0.1:1"], /Unknown subcommand "frobnicate"/],
      [
        ["acl", "list", "-b", "127.0.0.1:1", "--format", "xml"],
        /--format as it must be table or json/,
      ],
      [["cluster", "info"], /no brokers are given/],
    ] as const
  ) {
    const t = io();
    assert.equal(await runCli(argv, ADMIN_COMMANDS, t.io), 2, argv.join(" "));
    assert.match(t.err(), pattern);
  }
});

test("every admin command documents each subcommand in its help", async () => {
  const t = io();
  assert.equal(await runCli(["partition", "--help"], ADMIN_COMMANDS, t.io), 0);
  for (const sub of ["reassign", "elect", "log-dirs"]) {
    assert.match(t.out(), new RegExp(`kanal partition ${sub}`));
  }
  assert.deepEqual(ADMIN_COMMANDS.map((c) => c.name), [
    "topic",
    "group",
    "acl",
    "cluster",
    "user",
    "quota",
    "transaction",
    "partition",
  ]);
});

test("tables align columns and JSON keeps bigints, bytes and errors readable", () => {
  assert.equal(
    table(["A", "LONGER", "Z"], [["x", [1, 2], null], ["yyyy", "b", 3]]),
    "A     LONGER  Z\nx     1,2     -\nyyyy  b       3\n",
  );
  assert.equal(
    toJson({ id: 5n, big: 2n ** 64n, hmac: new Uint8Array([1, 2]), e: new KafkaError(36) }),
    `{"id":5,"big":"18446744073709551616","hmac":"AQI=","e":{"code":36,"name":"TOPIC_ALREADY_EXISTS","message":"TOPIC_ALREADY_EXISTS: Topic with this name already exists."}}`,
  );
});
