// Copyright 2026 the kanal authors. MIT license.
// The npm package as a Node or Bun user gets it: built by scripts/build-npm.sh, packed with
// `npm pack`, installed from the tarball into an empty folder (no registry), then a
// produce-and-consume program and the `kanal` bin run under Node and under Bun against the
// real broker.
import { test } from "../_test.ts";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brokerList, requireBroker } from "../_kafka.ts";
import { ROOT, run, uniqueTopic } from "../_tools.ts";

// What a user writes: bare "kanal" imports, resolved by the installed package's export map.
const PROGRAM = `
import { Admin, Client, Consumer, Producer } from "kanal";
const [brokers, topic] = process.argv.slice(2);
const client = await Client.connect({ brokers });
await new Admin(client).createTopics([{ name: topic, partitions: 2, replicationFactor: 1 }]);
const producer = new Producer(client);
const records = Array.from({ length: 100 }, (_, i) => ({ topic, key: "k" + (i % 7), value: "v" + i }));
const reports = await producer.send(records);
await producer.close();
const consumer = new Consumer(client);
const values = [];
for (const partition of [0, 1]) {
  const end = Math.max(-1, ...reports.filter((r) => r.partition === partition).map((r) => r.offset));
  if (end < 0) continue;
  for await (const r of consumer.partition(topic, partition, { offset: 0 }).records()) {
    values.push(new TextDecoder().decode(r.value));
    if (r.offset === end) break;
  }
}
await consumer.close();
await new Admin(client).deleteTopics([topic]);
await client.close();
console.log(JSON.stringify({ errors: reports.filter((r) => r.error).length, values }));
`;

/** KafkaJS's shape from the package's `kanal/kafkajs` entry: a produce read back by an admin. */
const KAFKAJS_PROGRAM = `
import { Kafka, logLevel } from "kanal/kafkajs";
const [brokers, topic] = process.argv.slice(2);
const kafka = new Kafka({ brokers: brokers.split(","), logLevel: logLevel.ERROR });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
const producer = kafka.producer();
await producer.connect();
const [sent] = await producer.send({ topic, messages: [{ key: "k", value: "v" }] });
await producer.disconnect();
const [offsets] = await admin.fetchTopicOffsets(topic);
await admin.deleteTopics({ topics: [topic] });
await admin.disconnect();
console.log(JSON.stringify({ baseOffset: sent.baseOffset, high: offsets.high }));
`;

test("the packed npm package installs into an empty folder and runs under Node and Bun", {
  timeout: 240_000,
}, async () => {
  await requireBroker();
  const dir = await mkdtemp(join(tmpdir(), "kanal-npm-"));
  try {
    const build = await run("bash", [`${ROOT}scripts/build-npm.sh`], { timeoutMs: 180_000 });
    assert.equal(build.code, 0, build.stderr);
    const pack = await run("npm", ["pack", `${ROOT}dist/npm`, "--pack-destination", dir], {
      cwd: dir,
    });
    assert.equal(pack.code, 0, pack.stderr);
    const tarball = (await readdir(dir)).find((f) => f.endsWith(".tgz"));
    assert.ok(tarball, "npm pack made no tarball");

    const app = join(dir, "app");
    await run("mkdir", [app]);
    await writeFile(join(app, "package.json"), '{"name":"app","private":true,"type":"module"}');
    await writeFile(join(app, "roundtrip.mjs"), PROGRAM);
    await writeFile(join(app, "kafkajs.mjs"), KAFKAJS_PROGRAM);
    const install = await run(
      "npm",
      ["install", "--offline", "--no-audit", "--no-fund", join(dir, tarball)],
      { cwd: app, timeoutMs: 120_000 },
    );
    assert.equal(install.code, 0, install.stderr);
    // Nothing of the repository leaks in: the package has no dependencies to install.
    assert.deepEqual(
      (await readdir(join(app, "node_modules"))).filter((f) => f !== ".bin" && !f.startsWith(".")),
      [
        "kanal",
      ],
    );

    const bun = `${ROOT}node_modules/.bin/bun`;
    for (const runtime of ["node", bun]) {
      const topic = uniqueTopic("npm-package");
      const r = await run(runtime, ["roundtrip.mjs", brokerList(), topic], { cwd: app });
      assert.equal(r.code, 0, `${runtime}: ${r.stderr}`);
      const out = JSON.parse(new TextDecoder().decode(r.stdout));
      assert.equal(out.errors, 0);
      assert.deepEqual(
        [...out.values].sort(),
        Array.from({ length: 100 }, (_, i) => `v${i}`).sort(),
        runtime,
      );

      const kjs = await run(runtime, ["kafkajs.mjs", brokerList(), uniqueTopic("npm-kafkajs")], {
        cwd: app,
      });
      assert.equal(kjs.code, 0, `${runtime}: ${kjs.stderr}`);
      assert.deepEqual(JSON.parse(new TextDecoder().decode(kjs.stdout)), {
        baseOffset: "0",
        high: "1",
      });

      // The bin, as `npx kanal` / `bunx kanal` run it.
      const version = await run(runtime, ["node_modules/.bin/kanal", "--version"], { cwd: app });
      assert.equal(version.code, 0, version.stderr);
      assert.match(new TextDecoder().decode(version.stdout), /^kanal \d+\.\d+\.\d+\n$/);
      const meta = await run(runtime, ["node_modules/.bin/kanal", "-L", "-b", brokerList(), "-J"], {
        cwd: app,
      });
      assert.equal(meta.code, 0, meta.stderr);
      assert.ok(JSON.parse(new TextDecoder().decode(meta.stdout)).brokers.length >= 1);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
