// Copyright 2026 the kanal authors. MIT license.
/**
 * kanal's quickstart: connect to a broker, show the API versions it speaks and the versions kanal
 * picked, and its cluster id.
 *
 *   KAFKA_BROKERS=127.0.0.1:9092 deno run --allow-net --allow-env examples/quickstart.ts
 *   KAFKA_BROKERS=127.0.0.1:9092 bun examples/quickstart.ts
 *
 * `deno task demo` runs it, starting a local broker first when none is configured.
 *
 * @module
 */

import { API_TABLE, BrokerConnection, CLIENT_APIS, defaultTransport } from "../mod.ts";

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
const first = (env?.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",")[0]!.trim();
const colon = first.lastIndexOf(":");
const host = first.slice(0, colon);
const port = Number(first.slice(colon + 1));

await using conn = await BrokerConnection.connect({
  host,
  port,
  transport: await defaultTransport(),
});

const meta = await conn.request(API_TABLE[3], { topics: [] });
console.log(`cluster id:   ${meta.clusterId}`);
console.log(`controller:   broker ${meta.controllerId}`);
console.log(
  `brokers:      ${meta.brokers.map((b) => `${b.nodeId}@${b.host}:${b.port}`).join(", ")}`,
);
console.log();
console.log("API                            broker  kanal  using");
for (const api of CLIENT_APIS) {
  const range = conn.versions.brokerRange(api.key);
  if (range === undefined) continue;
  const using = conn.versions.has(api.key) ? `v${conn.versions.version(api.key)}` : "-";
  console.log(
    `${api.name.padEnd(30)} ${`${range.minVersion}-${range.maxVersion}`.padStart(6)}  ` +
      `${`${api.minVersion}-${api.maxVersion}`.padStart(5)}  ${using}`,
  );
}
