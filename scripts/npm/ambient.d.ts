// Copyright 2026 the kanal authors. MIT license.
// What tsc needs to know for the npm build that Deno knows by itself: Deno's `import.meta.main`,
// and the node: modules the Node transports import (typed loosely: kanal declares the few
// members it uses itself, in lib/net/transport_node.ts and lib/testing/server_transport_node.ts),
// and the two the command line reads security files and runs token commands with
// (lib/cli/_files.ts), typed as it uses them; and node:buffer, whose Buffers the KafkaJS layer
// (lib/kafkajs/_messages.ts) hands out, as KafkaJS does.
interface ImportMeta {
  main: boolean;
}
declare module "node:net";
declare module "node:tls";
declare module "node:fs" {
  export function readFileSync(path: string, encoding: "utf8"): string;
}
declare module "node:child_process" {
  export function execFile(
    file: string,
    args: readonly string[],
    options: { timeout?: number },
    callback: (
      err: (Error & { code?: number | string; signal?: string }) | null,
      stdout: string,
    ) => void,
  ): unknown;
}
declare module "node:buffer" {
  export interface Buffer extends Uint8Array {
    toString(encoding?: string): string;
  }
  export const Buffer: {
    from(buffer: ArrayBufferLike, byteOffset?: number, length?: number): Buffer;
    alloc(size: number): Buffer;
  };
}
