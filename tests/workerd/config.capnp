# Runs tests/workerd/worker.ts under `workerd serve`. tests/workerd_transport_test.ts bundles the
# worker and all of kanal it imports into one worker.js (cloudflare:sockets and node:* left as
# imports), copies this file beside it in a temp dir and picks the port with --socket-addr.
# No nodejs_compat: kanal must work with web APIs and cloudflare:sockets alone.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # workerd lets workers reach only public addresses by default; the test broker is local.
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:8080", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2025-09-01",
  globalOutbound = "internet",
);
