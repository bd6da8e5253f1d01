# Runs tests/workerd/worker.ts under `workerd serve`. tests/workerd_transport_test.ts copies
# this file into a temp dir beside the modules transpiled to JS (same relative paths, `.ts` made
# `.js`) and picks the port with --socket-addr. Each module keeps its `.ts` name, so the
# relative imports between them resolve unchanged.
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
  modules = [
    (name = "tests/workerd/worker.ts", esModule = embed "tests/workerd/worker.js"),
    (name = "lib/net/transport_workerd.ts", esModule = embed "lib/net/transport_workerd.js"),
    (name = "lib/net/_dial.ts", esModule = embed "lib/net/_dial.js"),
    (name = "lib/net/_pull_socket.ts", esModule = embed "lib/net/_pull_socket.js"),
    (name = "lib/net/_push_socket.ts", esModule = embed "lib/net/_push_socket.js"),
    (name = "lib/net/connection_error.ts", esModule = embed "lib/net/connection_error.js"),
    (name = "lib/net/frame_decoder.ts", esModule = embed "lib/net/frame_decoder.js"),
    (name = "lib/protocol/kafka_error.ts", esModule = embed "lib/protocol/kafka_error.js"),
    (name = "lib/protocol/error_codes.ts", esModule = embed "lib/protocol/error_codes.js"),
    (name = "lib/protocol/reader.ts", esModule = embed "lib/protocol/reader.js"),
    (name = "lib/protocol/writer.ts", esModule = embed "lib/protocol/writer.js"),
    (name = "lib/protocol/uuid.ts", esModule = embed "lib/protocol/uuid.js"),
  ],
  compatibilityDate = "2025-09-01",
  bindings = [(name = "KAFKA_BROKERS", fromEnvironment = "KAFKA_BROKERS")],
  globalOutbound = "internet",
);
