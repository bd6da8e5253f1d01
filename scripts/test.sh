#!/usr/bin/env bash
# Copyright 2026 the kanal authors. MIT license.
#
# The whole test suite, under Deno and then under Bun, from the same test files.
#
#   scripts/test.sh [PATH...]   (default: lib tests)
#
# First it installs what the tests need and is missing (scripts/setup.sh: kcat, Java, Maven and
# the Kafka jars), so that `npm ci && npx deno task test` works on a fresh machine. When
# KAFKA_BROKERS is unset and nothing listens on 127.0.0.1:${KAFKA_PORT:-9092}, a local broker is
# started with scripts/kafka.sh and stopped at the end; likewise the three-node cluster
# (KAFKA_CLUSTER_BROKERS, 127.0.0.1:19092 and up) that failover tests use.
#
# tests/subprocess/ holds suites that run kanal's programs under both runtimes themselves; they
# run once, under Deno's runner. Every test has a time limit (tests/_test.ts) and so has each
# runner (KANAL_RUNNER_LIMIT seconds, default 1500). A runner passes only when it exits 0, prints
# its own summary line, and (on the whole suite) ran at least the floor of tests below: a crash,
# an in-process exit(0) or a hang is a failure, never a short pass.
#
# Prints one line per runtime and a last line "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NO_COLOR=1
BIN="$ROOT/node_modules/.bin"
LIMIT="${KANAL_RUNNER_LIMIT:-1500}"
# The fewest tests each runner runs on the whole suite today, less a small margin; raise them
# when tests are added, so a runner that stops early cannot pass.
DENO_FLOOR=1200
BUN_FLOOR=900

scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

paths=("$@")
full=0
if [ ${#paths[@]} -eq 0 ]; then
  paths=(lib tests)
  full=1
fi

started=0
port="${KAFKA_PORT:-9092}"
if [ -z "${KAFKA_BROKERS:-}" ]; then
  export KAFKA_BROKERS="127.0.0.1:$port"
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "test.sh: no broker on 127.0.0.1:$port; starting one with scripts/kafka.sh up" >&2
    scripts/kafka.sh up --nodes 1 >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
    started=1
  fi
fi
cstarted=0
cport="${KAFKA_CLUSTER_PORT:-19092}"
if [ -z "${KAFKA_CLUSTER_BROKERS:-}" ]; then
  export KAFKA_CLUSTER_BROKERS="127.0.0.1:$cport,127.0.0.1:$((cport + 100)),127.0.0.1:$((cport + 200))"
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$cport") 2>/dev/null; then
    echo "test.sh: no cluster on 127.0.0.1:$cport; starting one with KAFKA_RACKS=1 scripts/kafka.sh up --nodes 3" >&2
    # Racks for tests/read_replica_test.ts (KIP-392); clients without a rack are unaffected.
    KAFKA_RACKS=1 scripts/kafka.sh up --nodes 3 >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
    cstarted=1
  fi
fi
logs="$(mktemp -d)"
cleanup() {
  [ $started = 1 ] && scripts/kafka.sh down --nodes 1 >/dev/null 2>&1
  [ $cstarted = 1 ] && scripts/kafka.sh down --nodes 3 >/dev/null 2>&1
  rm -rf "$logs"
  return 0
}
trap cleanup EXIT

# Bun gets every test file but those of tests/subprocess/, which run once, under Deno.
bun_files=()
# Bun takes a relative path as a name filter unless it starts with ./
while IFS= read -r f; do
  case "$f" in /*) bun_files+=("$f") ;; *) bun_files+=("./$f") ;; esac
done < <(
  find "${paths[@]}" -name '*_test.ts' -not -path 'tests/subprocess/*' -not -path '*/node_modules/*' | sort
)

timeout -k 10 "$LIMIT" "$BIN/deno" test -A --doc "${paths[@]}" 2>&1 | tee "$logs/deno.log"
deno_rc=${PIPESTATUS[0]}
bun_rc=0
if [ ${#bun_files[@]} -gt 0 ]; then
  timeout -k 10 "$LIMIT" "$BIN/bun" test --timeout 150000 "${bun_files[@]}" 2>&1 | tee "$logs/bun.log"
  bun_rc=${PIPESTATUS[0]}
else
  echo "Ran 0 tests across 0 files." > "$logs/bun.log"
  printf ' 0 pass\n 0 fail\n' >> "$logs/bun.log"
fi

# verdict NAME RC PASSED FAILED HAS_SUMMARY FLOOR: prints "NAME: P passed, F failed" and sets
# P and F, counting a runner that ended badly as one more failure.
verdict() {
  local name=$1 rc=$2 summary=$5 floor=$6
  P=$3 F=$4
  local why=""
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    why="ran past its ${LIMIT}s limit"
  elif [ "$summary" != 1 ]; then
    why="ended without its summary line (a crash or an exit() mid-run)"
  elif [ "$rc" != 0 ] && [ "$F" = 0 ]; then
    why="exited $rc with no failed test"
  elif [ $full = 1 ] && [ $((P + F)) -lt "$floor" ]; then
    why="ran $((P + F)) tests, fewer than its floor of $floor"
  fi
  if [ -n "$why" ]; then
    echo "test.sh: $name $why" >&2
    F=$((F + 1))
  fi
  echo "$name: $P passed, $F failed"
}

# Deno ends with "ok | 12 passed (3 steps) | 0 failed (1s)" (or FAILED | ...).
dline=$(grep -E '^(ok|FAILED) \| [0-9]+ passed' "$logs/deno.log" | tail -1)
dp=$(grep -Eo '[0-9]+ passed' <<<"$dline" | grep -Eo '[0-9]+' || echo 0)
df=$(grep -Eo '[0-9]+ failed' <<<"$dline" | grep -Eo '[0-9]+' || echo 0)
# Bun ends with " 12 pass", " 0 fail", ..., "Ran 12 tests across 3 files."
bp=$(grep -Eo '^ *[0-9]+ pass$' "$logs/bun.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
bf=$(grep -Eo '^ *[0-9]+ fail$' "$logs/bun.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
bsum=0
grep -Eq '^Ran [0-9]+ tests? across [0-9]+ files?\.' "$logs/bun.log" && bsum=1
echo
verdict deno "$deno_rc" "$dp" "$df" "$([ -n "$dline" ] && echo 1 || echo 0)" $DENO_FLOOR
dp=$P df=$F
verdict bun "$bun_rc" "$bp" "$bf" $bsum $BUN_FLOOR
bp=$P bf=$F
echo "$((dp + bp)) passed, $((df + bf)) failed"
[ $((df + bf)) = 0 ]
