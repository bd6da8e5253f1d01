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
# run once, under Deno's runner. So does a test file that says `// kanal-test: once — why` in its
# first lines (it kills or restarts a shared broker, or its oracle is a JVM tool); Bun's runner
# names every file it leaves out. Every test has a time limit (tests/_test.ts) and so has each
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

# Test files run in parallel (KANAL_TEST_JOBS workers per runner, default 3: most tests wait on
# a broker, not on a core), except those that say in their first lines
#   // kanal-test: serial — why   (they stop, restart or pause a shared broker), or
#   // kanal-test: once — why     (the same, or their oracle is a JVM tool: Deno's runner only),
# which run afterwards, one at a time. Bun gets every test file but those of tests/subprocess/
# and those marked once, and names the files it leaves out.
JOBS="${KANAL_TEST_JOBS:-3}"
serial=()      # run alone by both runners
once=()        # run alone by Deno's runner only
bun_files=()   # Bun's parallel phase
# Bun takes a relative path as a name filter unless it starts with ./
rel() { case "$1" in /*) echo "$1" ;; *) echo "./$1" ;; esac; }
while IFS= read -r f; do
  mark=$(head -n 5 "$f" | grep -oE '^// kanal-test: (once|serial)' | head -1 | awk '{print $3}')
  case "$mark" in
    once) once+=("$f") ;;
    serial) serial+=("$f") ;;
    *) case "$f" in tests/subprocess/*|*/tests/subprocess/*) ;; *) bun_files+=("$(rel "$f")") ;; esac ;;
  esac
done < <(find "${paths[@]}" -name '*_test.ts' -not -path '*/node_modules/*' | sort)
alone=("${serial[@]}" "${once[@]}")
# Deno's parallel phase takes a path as it is when nothing under it runs alone, else the files
# under it that do not (Deno 2.9's --ignore is not applied to every one of several paths).
parallel=()
for p in "${paths[@]}"; do
  inside=0
  for f in "${alone[@]}"; do case "$f" in "$p"|"$p"/*|"${p%/}"/*) inside=1 ;; esac; done
  if [ $inside = 0 ]; then
    parallel+=("$p")
    continue
  fi
  while IFS= read -r f; do
    keep=1
    for a in "${alone[@]}"; do [ "$f" = "$a" ] && keep=0; done
    [ $keep = 1 ] && parallel+=("$f")
  done < <(find "$p" -name '*_test.ts' -not -path '*/node_modules/*' | sort)
done

# run_phase LOG CMD...: runs one runner phase under the time limit, teeing its output to LOG;
# sets RC.
run_phase() {
  local log=$1
  shift
  timeout -k 10 "$LIMIT" "$@" 2>&1 | tee "$log"
  RC=${PIPESTATUS[0]}
}

# Deno: everything (doc examples too) in parallel but the files that run alone, then those.
if [ ${#parallel[@]} -gt 0 ]; then
  run_phase "$logs/deno.log" env DENO_JOBS="$JOBS" "$BIN/deno" test -A --doc --parallel "${parallel[@]}"
  deno_rc=$RC
else
  echo "ok | 0 passed | 0 failed (0ms)" > "$logs/deno.log"
  deno_rc=0
fi
if [ ${#alone[@]} -gt 0 ]; then
  echo "deno: ${#alone[@]} file(s) that stop, restart or pause a shared broker, one at a time"
  run_phase "$logs/deno-alone.log" "$BIN/deno" test -A "${alone[@]}"
  [ "$deno_rc" = 0 ] && deno_rc=$RC
else
  echo "ok | 0 passed | 0 failed (0ms)" > "$logs/deno-alone.log"
fi

bun_rc=0
if [ ${#once[@]} -gt 0 ]; then
  echo "bun: ${#once[@]} file(s) run once, under Deno (kanal-test: once): ${once[*]}"
fi
if [ ${#bun_files[@]} -gt 0 ]; then
  run_phase "$logs/bun.log" "$BIN/bun" test --timeout 150000 --parallel="$JOBS" "${bun_files[@]}"
  bun_rc=$RC
else
  printf 'Ran 0 tests across 0 files.\n 0 pass\n 0 fail\n' > "$logs/bun.log"
fi
if [ ${#serial[@]} -gt 0 ]; then
  serial_rel=()
  for f in "${serial[@]}"; do serial_rel+=("$(rel "$f")"); done
  run_phase "$logs/bun-alone.log" "$BIN/bun" test --timeout 150000 "${serial_rel[@]}"
  [ "$bun_rc" = 0 ] && bun_rc=$RC
else
  printf 'Ran 0 tests across 0 files.\n 0 pass\n 0 fail\n' > "$logs/bun-alone.log"
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

# Deno ends with "ok | 12 passed (3 steps) | 0 failed (1s)" (or FAILED | ...); a phase
# counts only when it printed that line, and both phases must.
dp=0 df=0 dsum=1
for log in "$logs/deno.log" "$logs/deno-alone.log"; do
  line=$(grep -E '^(ok|FAILED) \| [0-9]+ passed' "$log" | tail -1)
  [ -n "$line" ] || dsum=0
  dp=$((dp + $(grep -Eo '[0-9]+ passed' <<<"$line" | grep -Eo '[0-9]+' || echo 0)))
  df=$((df + $(grep -Eo '[0-9]+ failed' <<<"$line" | grep -Eo '[0-9]+' || echo 0)))
done
# Bun ends with " 12 pass", " 0 fail", ..., "Ran 12 tests across 3 files."
bp=0 bf=0 bsum=1
for log in "$logs/bun.log" "$logs/bun-alone.log"; do
  bp=$((bp + $(grep -Eo '^ *[0-9]+ pass$' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)))
  bf=$((bf + $(grep -Eo '^ *[0-9]+ fail$' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)))
  grep -Eq '^Ran [0-9]+ tests? across [0-9]+ files?\.' "$log" || bsum=0
done
echo
verdict deno "$deno_rc" "$dp" "$df" $dsum $DENO_FLOOR
dp=$P df=$F
verdict bun "$bun_rc" "$bp" "$bf" $bsum $BUN_FLOOR
bp=$P bf=$F
echo "$((dp + bp)) passed, $((df + bf)) failed"
[ $((df + bf)) = 0 ]
