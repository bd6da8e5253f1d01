# Serves examples/workerd/ingest_worker.ts under `workerd serve`, bundled with everything it
# imports into worker.js beside this file (tests/workerd_examples_test.ts does that in a temp
# dir; by hand: `bun build --target=browser --format=esm --external=cloudflare:sockets
# --external='node:*' --outfile=worker.js examples/workerd/ingest_worker.ts`).
# No nodejs_compat: kanal needs web APIs and cloudflare:sockets only.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # workerd lets workers reach only public addresses by default; a local broker is private.
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:8080", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2025-09-01",
  globalOutbound = "internet",
  bindings = [
    (name = "KAFKA_BROKERS", text = "127.0.0.1:9092"),
  ],
);
