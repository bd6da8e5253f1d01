// Copyright 2026 the kanal authors. MIT license.
// A share group member that acquires one chunk, prints its offsets as a JSON line and holds
// them unacknowledged until it is killed: `holder.ts BROKERS GROUP TOPIC`.
import process from "node:process";
import { Client } from "../../lib/client/client.ts";
import { ShareConsumer } from "../../lib/share/share_consumer.ts";

const [brokers, groupId, topic] = process.argv.slice(2);
const client = await Client.connect({ brokers: brokers! });
const consumer = new ShareConsumer(client, {
  groupId: groupId!,
  topics: [topic!],
  acknowledgementMode: "explicit",
});
const reader = consumer.records.getReader();
const r = await reader.read();
process.stdout.write(JSON.stringify(r.value?.records.map((x) => x.offset) ?? []) + "\n");
// Hold the records until killed.
await new Promise(() => {});
