#!/usr/bin/env bash
# The main job: runs examples/quickstart.ts against KAFKA_BROKERS. When none is set and Java is
# present, it starts the local broker first (scripts/kafka.sh up) and leaves it running for the
# next try; `scripts/kafka.sh down` stops it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ -z "${KAFKA_BROKERS:-}" ]; then
  if ! (exec 3<>/dev/tcp/127.0.0.1/9092) 2>/dev/null; then
    command -v java >/dev/null || { echo "demo: set KAFKA_BROKERS, or install Java 17 and Maven for a local broker" >&2; exit 1; }
    echo "demo: starting a local Kafka broker (scripts/kafka.sh up)" >&2
    scripts/kafka.sh up --nodes 1 >/dev/null
  fi
  export KAFKA_BROKERS=127.0.0.1:9092
fi
exec "$ROOT/node_modules/.bin/deno" run --allow-net --allow-env examples/quickstart.ts "$@"
