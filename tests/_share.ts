// Copyright 2026 the kanal authors. MIT license.
// Helpers of the share-group suites: a fresh group reading from the start, a producer of
// numbered records, and a read that fails instead of hanging.
import { ShareGroupAdmin } from "../lib/admin/share_groups.ts";
import type { Client } from "../lib/client/client.ts";
import { Producer } from "../lib/producer/producer.ts";
import type { ShareChunk } from "../lib/share/share_chunk.ts";
import { uniqueTopic } from "./_tools.ts";

/** A fresh share group that reads from the start, with `configs` on top. */
export async function shareGroup(
  client: Client,
  configs: Record<string, string> = {},
): Promise<string> {
  const group = uniqueTopic("share");
  await new ShareGroupAdmin(client).alterConfigs(group, {
    "share.auto.offset.reset": "earliest",
    ...configs,
  });
  return group;
}

export async function produce(
  client: Client,
  topic: string,
  from: number,
  count: number,
): Promise<void> {
  await using producer = new Producer(client);
  await producer.send(
    Array.from({ length: count }, (_, i) => ({ topic, partition: 0, value: `r${from + i}` })),
  );
}

/** Reads the next chunk, failing (not hanging) when none comes in `timeoutMs`. */
export async function next(
  reader: ReadableStreamDefaultReader<ShareChunk>,
  timeoutMs = 20_000,
): Promise<ShareChunk> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const r = await Promise.race([
    reader.read(),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no chunk within ${timeoutMs} ms`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
  if (r.done) throw new Error("the records stream ended");
  return r.value;
}
