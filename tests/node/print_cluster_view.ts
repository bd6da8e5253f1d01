// Copyright 2026 the kanal authors. MIT license.
/**
 * A program, not a test: `print_cluster_view BROKERS TOPIC` fetches the cluster's metadata with
 * kanal's client and the runtime's default transport, checks the compression codecs, prints
 * both as one JSON line ({@linkcode ProgramOutput}) and ends without calling `exit`, so it ends
 * only if `close()` left no socket or timer behind. tests/transport_test.ts runs it under Deno,
 * Bun and (bundled) Node.
 *
 * @module
 */

import process from "node:process";
import { type ClusterView, fetchClusterView } from "../workerd/cluster_view.ts";
import { checkCodecs, type CodecCheck } from "../workerd/codec_check.ts";

/** The program's one line of output. */
export interface ProgramOutput {
  view: ClusterView;
  codecs: CodecCheck;
}

const [brokers, topic] = process.argv.slice(2);
if (!brokers || !topic) throw new TypeError("usage: print_cluster_view BROKERS TOPIC");
const output: ProgramOutput = {
  view: await fetchClusterView({ brokers, topic }),
  codecs: await checkCodecs(),
};
console.log(JSON.stringify(output));
// Diagnostics for a run that does not end: what the runtime still holds (Node and Deno say).
const active = (process as { getActiveResourcesInfo?: () => string[] }).getActiveResourcesInfo;
console.error(`closed; active resources: ${JSON.stringify(active?.() ?? "unknown")}`);
