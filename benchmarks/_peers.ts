// Copyright 2026 the kanal authors. MIT license.
// Benchmark harness: runtime APIs allowed.
/**
 * The peer clients of the benchmarks and how to start each one. Adding a client (kanal
 * itself) is one more entry in {@linkcode peerClients}.
 *
 * @module
 */

import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type BenchOptions,
  buildGoPeers,
  type ClientSpec,
  installConfluent,
  ROOT,
} from "./_runner.ts";

/** A client the benchmarks can run, and what it needs first. */
export interface Peer {
  /** Name in the table. */
  name: string;
  /** Runtime in the table. */
  runtime: string;
  /** Builds or installs what the client needs; rejects when it cannot be had. */
  prepare?: () => Promise<unknown>;
  /** The command for one run against `topic`. */
  spec: (op: "produce" | "consume", topic: string, o: BenchOptions) => ClientSpec;
}

const PEERS = join(ROOT, "benchmarks/peers");
const GO_BIN = join(ROOT, "benchmarks/.build/peers-go");

let goBuild: Promise<string> | undefined;
const buildGoOnce = (): Promise<string> => goBuild ??= buildGoPeers();

function common(o: BenchOptions, topic: string): string[] {
  return [
    "--brokers",
    o.brokers,
    "--topic",
    topic,
    "--records",
    String(o.records),
    "--size",
    String(o.size),
  ];
}

function nodePeer(name: string, file: string, prepare?: () => Promise<unknown>): Peer {
  return {
    name,
    runtime: "node",
    prepare,
    spec: (op, topic, o) => ({
      name,
      cmd: "node",
      args: [join(PEERS, `${file}_${op}.mjs`), ...common(o, topic)],
      // KafkaJS 2 warns about its partitioner change on every start.
      env: { KAFKAJS_NO_PARTITIONER_WARNING: "1" },
      timeoutSeconds: o.timeoutSeconds,
    }),
  };
}

function goPeer(name: string): Peer {
  return {
    name,
    runtime: "go",
    prepare: buildGoOnce,
    spec: (op, topic, o) => ({
      name,
      cmd: GO_BIN,
      args: ["-client", name, "-op", op, ...common(o, topic)],
      timeoutSeconds: o.timeoutSeconds,
    }),
  };
}

/** How to run kanal's own benchmark clients (`kanal/<op>.ts`). */
export interface KanalSettings {
  /** Idempotent delivery, kanal's default; the peers' own settings are in README.md. */
  idempotent: boolean;
}

/**
 * kanal itself, once under Deno (`kanal-deno`, the baseline of `produce.ts` and `consume.ts`) and once under Bun
 * (`kanal-bun`), running `benchmarks/kanal/<op>.ts` with the shared workload's flags.
 */
export function kanalClients(settings: KanalSettings = { idempotent: true }): Peer[] {
  // Idempotence is a producer setting: the consumer client takes no such flag.
  const extra = (op: string) =>
    op === "produce" ? ["--idempotent", String(settings.idempotent)] : [];
  const file = (op: string) => join(ROOT, `benchmarks/kanal/${op}.ts`);
  return [
    {
      name: "kanal-deno",
      runtime: "deno",
      spec: (op, topic, o) => ({
        name: "kanal-deno",
        cmd: join(ROOT, "node_modules/.bin/deno"),
        args: ["run", "-A", file(op), ...common(o, topic), ...extra(op)],
        timeoutSeconds: o.timeoutSeconds,
      }),
    },
    {
      name: "kanal-bun",
      runtime: "bun",
      spec: (op, topic, o) => ({
        name: "kanal-bun",
        cmd: join(ROOT, "node_modules/.bin/bun"),
        args: [file(op), ...common(o, topic), ...extra(op)],
        timeoutSeconds: o.timeoutSeconds,
      }),
    },
  ];
}

/**
 * The peers in table order: Kafka's own Java tools first (the reference), then the Go and
 * Node clients.
 */
export function peerClients(): Peer[] {
  return [
    {
      name: "java",
      runtime: "jvm",
      spec: (op, topic, o) => ({
        name: "java",
        cmd: join(PEERS, "kafka_perf.sh"),
        args: [op, ...common(o, topic)],
        timeoutSeconds: o.timeoutSeconds,
      }),
    },
    goPeer("franz-go"),
    goPeer("sarama"),
    nodePeer("kafkajs", "kafkajs"),
    ...kafkajsOnKanal(),
    nodePeer("platformatic", "platformatic"),
    nodePeer("confluent", "confluent", installConfluent),
    nodePeer("confluent-rdkafka", "confluent-rdkafka", installConfluent),
  ];
}

/**
 * KafkaJS's own benchmark programs (`peers/kafkajs_<op>.mjs`) with their one `from "kafkajs"`
 * import pointed at kanal's KafkaJS layer (issue 20's "same program" speed-up): under Deno, Bun
 * and, bundled by Bun, Node. The changed copies sit beside the originals (`*.gen.mjs`, ignored
 * by git) so their relative imports still resolve.
 */
function kafkajsOnKanal(): Peer[] {
  const gen = (op: string) => join(PEERS, `kafkajs-on-kanal_${op}.gen.mjs`);
  const bundled = (op: string) => join(ROOT, `benchmarks/.build/kafkajs-on-kanal_${op}.node.mjs`);
  let prepared: Promise<void> | undefined;
  const prepare = () =>
    prepared ??= (async () => {
      for (const op of ["produce", "consume"]) {
        const source = await readFile(join(PEERS, `kafkajs_${op}.mjs`), "utf8");
        const changed = source.replace(
          `from "kafkajs"`,
          `from ${JSON.stringify(join(ROOT, "lib/kafkajs/mod.ts"))}`,
        );
        if (changed === source) throw new Error(`kafkajs_${op}.mjs does not import "kafkajs"`);
        await writeFile(gen(op), changed);
        const build = new Deno.Command(join(ROOT, "node_modules/.bin/bun"), {
          args: ["build", "--target=node", "--format=esm", `--outfile=${bundled(op)}`, gen(op)],
        });
        const r = await build.output();
        if (!r.success) throw new Error(new TextDecoder().decode(r.stderr));
      }
    })();
  const make = (name: string, runtime: string, cmd: (op: string) => [string, string[]]): Peer => ({
    name,
    runtime,
    prepare,
    spec: (op, topic, o) => {
      const [bin, args] = cmd(op);
      return {
        name,
        cmd: bin,
        args: [...args, ...common(o, topic)],
        timeoutSeconds: o.timeoutSeconds,
      };
    },
  });
  return [
    make(
      "kjs-kanal-deno",
      "deno",
      (op) => [join(ROOT, "node_modules/.bin/deno"), ["run", "-A", gen(op)]],
    ),
    make("kjs-kanal-bun", "bun", (op) => [join(ROOT, "node_modules/.bin/bun"), [gen(op)]]),
    make("kjs-kanal-node", "node", (op) => ["node", [bundled(op)]]),
  ];
}
