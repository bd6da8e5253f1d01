// Copyright 2026 the kanal authors. MIT license.
// The README's main job: examples/quickstart.ts prints the real broker's cluster id and the API
// versions it negotiated, under Deno and under Bun.
import { test } from "../_test.ts";
import assert from "node:assert/strict";
import { API_TABLE } from "../../lib/protocol/messages/api_table.ts";
import { brokerList, requireBroker } from "../_kafka.ts";
import { kcat, ROOT, run } from "../_tools.ts";
import { call } from "../_wire.ts";

for (
  const [runtime, args] of [
    ["deno", ["run", "--allow-net", "--allow-env", "examples/quickstart.ts"]],
    ["bun", ["examples/quickstart.ts"]],
  ] as const
) {
  test(`the quickstart prints the broker's cluster id and API versions under ${runtime}`, async () => {
    const broker = await requireBroker();
    const meta = await call(broker, API_TABLE[3], 12, { topics: [] });
    const r = await run(`${ROOT}node_modules/.bin/${runtime}`, [...args], {
      env: { KAFKA_BROKERS: brokerList() },
      cwd: ROOT,
    });
    const out = new TextDecoder().decode(r.stdout);
    assert.equal(r.code, 0, r.stderr);
    assert.match(out, new RegExp(`^cluster id: +${meta.clusterId}$`, "m"));
    assert.match(out, /^Produce +\d+-\d+ +\d+-\d+ +v\d+$/m);
    assert.match(out, /^Fetch +4-\d+ +\d+-\d+ +v\d+$/m);
    // The produce step: each printed offset holds the record there, as kcat reads it.
    const produced = [...out.matchAll(/^produced to kanal-quickstart\/(\d+) at offset (\d+)$/gm)];
    assert.equal(produced.length, 3, out);
    const [, partition, offset] = produced[0]!;
    const got = new TextDecoder().decode(
      await kcat([
        "-b",
        brokerList(),
        "-t",
        "kanal-quickstart",
        "-p",
        partition!,
        "-o",
        offset!,
        "-c",
        "1",
        "-C",
        "-e",
        "-q",
        "-f",
        "%k=%s",
      ]),
    );
    assert.equal(got, "greeting=hello from kanal");
    // The consume step reads each produced record back at the offset printed for it.
    const consumed = [
      ...out.matchAll(/^consumed from kanal-quickstart\/(\d+) at offset (\d+): (.*)$/gm),
    ];
    assert.deepEqual(
      consumed.map((m) => `${m[1]}:${m[2]}`),
      produced.map((m) => `${m[1]}:${m[2]}`),
    );
    assert.equal(consumed[0]![3], "greeting = hello from kanal");
    assert.equal(consumed[2]![3], "(null) = and keyless ones are spread");
  });
}
