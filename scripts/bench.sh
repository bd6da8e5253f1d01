#!/usr/bin/env bash
# Runs every benchmark in benchmarks/ (or the ones named) under Deno and Bun. Benchmarks print
# their own figures and ratios; record them with date and machine in docs/benchmarks.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(benchmarks/*.ts)
for f in "${files[@]}"; do
  [ -f "$f" ] || { echo "bench: no benchmarks yet" >&2; exit 0; }
  echo "== $f (deno)"; node_modules/.bin/deno run -A "$f"
  echo "== $f (bun)"; node_modules/.bin/bun "$f"
done
