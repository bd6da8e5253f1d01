#!/usr/bin/env bash
# The whole test suite, under Deno and then under Bun, from the same test files.
#
#   scripts/test.sh [PATH...]   (default: lib tests)
#
# When KAFKA_BROKERS is unset and nothing listens on 127.0.0.1:${KAFKA_PORT:-9092}, a local broker is
# started with scripts/kafka.sh (Java 17 and Maven needed) and stopped at the end; likewise the
# three-node cluster (KAFKA_CLUSTER_BROKERS, 127.0.0.1:19092 and up) that failover tests use.
# Prints one line per runtime and a last line "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NO_COLOR=1
BIN="$ROOT/node_modules/.bin"
[ -x "$BIN/deno" ] && [ -x "$BIN/bun" ] || { echo "test.sh: run 'npm ci' first: it brings Deno and Bun" >&2; exit 1; }
paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=(lib tests)

started=0
port="${KAFKA_PORT:-9092}"
if [ -z "${KAFKA_BROKERS:-}" ]; then
  export KAFKA_BROKERS="127.0.0.1:$port"
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    if command -v java >/dev/null; then
      echo "test.sh: no broker on 127.0.0.1:$port; starting one with scripts/kafka.sh up" >&2
      scripts/kafka.sh up --nodes 1 >/dev/null && started=1
    else
      echo "test.sh: no broker on 127.0.0.1:$port and no Java to start one: broker tests will fail" >&2
    fi
  fi
fi
cstarted=0
cport="${KAFKA_CLUSTER_PORT:-19092}"
if [ -z "${KAFKA_CLUSTER_BROKERS:-}" ]; then
  export KAFKA_CLUSTER_BROKERS="127.0.0.1:$cport,127.0.0.1:$((cport + 100)),127.0.0.1:$((cport + 200))"
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$cport") 2>/dev/null && command -v java >/dev/null; then
    echo "test.sh: no cluster on 127.0.0.1:$cport; starting one with scripts/kafka.sh up --nodes 3" >&2
    scripts/kafka.sh up --nodes 3 >/dev/null && cstarted=1
  fi
fi
cleanup() {
  [ $started = 1 ] && scripts/kafka.sh down --nodes 1 >/dev/null 2>&1
  [ $cstarted = 1 ] && scripts/kafka.sh down --nodes 3 >/dev/null 2>&1
  return 0
}
trap cleanup EXIT

logs="$(mktemp -d)"
"$BIN/deno" test -A --doc "${paths[@]}" 2>&1 | tee "$logs/deno.log"
deno_rc=${PIPESTATUS[0]}
bun_paths=()
for p in "${paths[@]}"; do bun_paths+=("./${p#./}"); done
"$BIN/bun" test --timeout 120000 "${bun_paths[@]}" 2>&1 | tee "$logs/bun.log"
bun_rc=${PIPESTATUS[0]}

# Deno ends with "ok | 12 passed (3 steps) | 0 failed (1s)"; Bun with " 12 pass" / " 0 fail".
dp=$(grep -Eo '[0-9]+ passed' "$logs/deno.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
df=$(grep -Eo '[0-9]+ failed' "$logs/deno.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
bp=$(grep -Eo '^ *[0-9]+ pass$' "$logs/bun.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
bf=$(grep -Eo '^ *[0-9]+ fail$' "$logs/bun.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
# A runner that died before its summary counts as one failure, never as a pass.
[ "$deno_rc" != 0 ] && [ "$df" = 0 ] && df=1
[ "$bun_rc" != 0 ] && [ "$bf" = 0 ] && bf=1
rm -rf "$logs"
echo
echo "deno: $dp passed, $df failed"
echo "bun: $bp passed, $bf failed"
echo "$((dp + bp)) passed, $((df + bf)) failed"
[ $((df + bf)) = 0 ]
