// Copyright 2026 the kanal authors. MIT license.
// One consumer-group member as its own process, for the group tests. It prints one JSON line
// per event on stdout: ready, assigned, revoked (partitions `p`, and with their topics `tps`),
// records (partition, topic, first and last offset, count, time), closed. SIGTERM closes it
// cleanly (commits, leaves); SIGKILL is the crash.
//
//   member.ts --brokers B --group G (--topic T | --pattern REGEX)
//             [--assignor range|cooperative-sticky] [--instance ID] [--session MS]
//             [--heartbeat MS] [--slow MS] [--commit MS] [--metadata-max-age MS]
//
// --pattern subscribes to every topic matching REGEX; --metadata-max-age sets the client's
// periodic metadata refresh, which is when a pattern member can see a new topic.
import process from "node:process";
import { Client } from "../../lib/client/client.ts";
import { GroupConsumer } from "../../lib/group/group_consumer.ts";
import { rangeAssignor } from "../../lib/group/range_assignor.ts";
import { cooperativeStickyAssignor } from "../../lib/group/cooperative_sticky_assignor.ts";

const args = new Map<string, string>();
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) args.set(argv[i]!.replace(/^--/, ""), argv[i + 1]!);
const say = (o: Record<string, unknown>) => console.log(JSON.stringify({ ...o, t: Date.now() }));

const maxAge = args.get("metadata-max-age");
const client = await Client.connect({
  brokers: args.get("brokers")!,
  ...(maxAge === undefined ? {} : { metadataMaxAgeMs: Number(maxAge) }),
});
const pattern = args.get("pattern");
const assignor = args.get("assignor") === "cooperative-sticky"
  ? cooperativeStickyAssignor()
  : rangeAssignor();
const member = new GroupConsumer(client, {
  groupId: args.get("group")!,
  ...(pattern === undefined ? { topics: [args.get("topic")!] } : { pattern: new RegExp(pattern) }),
  assignors: [assignor],
  groupInstanceId: args.get("instance"),
  protocol: args.get("protocol") === "consumer" ? "consumer" : "classic",
  sessionTimeoutMs: Number(args.get("session") ?? 6000),
  heartbeatIntervalMs: Number(args.get("heartbeat") ?? 500),
  rebalanceTimeoutMs: Number(args.get("rebalance") ?? 20000),
  autoCommitIntervalMs: Number(args.get("commit") ?? 500),
  startOffset: "oldest",
  onAssigned: (p) =>
    say({ e: "assigned", p: p.flatMap((x) => x.partitions), tps: p, g: member.generationId }),
  onRevoked: (p) => say({ e: "revoked", p: p.flatMap((x) => x.partitions), tps: p }),
});
const slow = Number(args.get("slow") ?? 0);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await member.close();
  await client.close();
  say({ e: "closed" });
  process.exit(0);
};
process.on("SIGTERM", stop);
say({ e: "ready" });
for await (const chunk of member.records()) {
  const rs = chunk.records;
  say({
    e: "records",
    p: chunk.partition,
    topic: chunk.topic,
    f: rs[0]!.offset,
    l: rs[rs.length - 1]!.offset,
    n: rs.length,
    g: member.generationId,
  });
  if (slow > 0) await new Promise((r) => setTimeout(r, slow));
}
await stop();
