#!/usr/bin/env bash
# Runs the benchmarks in benchmarks/ (or the ones named). Files starting with "_" are helpers,
# not benchmarks. Runtime-neutral benchmarks (codec.ts) run under Deno and Bun; the client
# comparisons (produce.ts, consume.ts, peers_*.ts) drive other processes, kanal's own clients
# under both runtimes included, so they run once, under Deno. Record the figures with date and
# machine in docs/benchmarks.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(benchmarks/[!_]*.ts)
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  case "$(basename "$f")" in
    peers_* | produce.ts | consume.ts)
      echo "== $f"; node_modules/.bin/deno run -A "$f" ;;
    *)
      echo "== $f (deno)"; node_modules/.bin/deno run -A "$f"
      echo "== $f (bun)"; node_modules/.bin/bun "$f" ;;
  esac
done
