// Copyright 2026 the kanal authors. MIT license.
// What tsc needs to know for the npm build that Deno knows by itself: Deno's `import.meta.main`,
// and the node: modules the Node transports import (typed loosely: kanal declares the few
// members it uses itself, in lib/net/transport_node.ts and lib/testing/server_transport_node.ts).
interface ImportMeta {
  main: boolean;
}
declare module "node:net";
declare module "node:tls";
