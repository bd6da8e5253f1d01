#!/usr/bin/env bash
# The main job: runs examples/quickstart.ts. With KAFKA_BROKERS set it talks to that cluster;
# without, the quickstart starts kanal's fake cluster in its own process (no Java, no broker)
# and says so on its first line.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
exec "$ROOT/node_modules/.bin/deno" run --allow-net --allow-env examples/quickstart.ts "$@"
