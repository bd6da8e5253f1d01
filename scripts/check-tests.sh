#!/usr/bin/env bash
# Copyright 2026 the kanal authors. MIT license.
#
# Fails (exit 1) when a test file takes `test` straight from node:test instead of from
# tests/_test.ts, whose `test` gives every test a time limit: a test without one can hang a run
# until CI's limit. Also fails on a `// kanal-test: once` marker (run by Deno's runner only,
# see scripts/test.sh) that does not say why.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bad=$(grep -rlE 'from "node:test"' --include='*_test.ts' lib tests | grep -vx 'tests/_test.ts' || true)
if [ -n "$bad" ]; then
  echo "these test files import node:test directly; import { test } from tests/_test.ts:"
  echo "$bad"
  exit 1
fi
# A file that runs once, under Deno only, says why on its marker line.
bare=$(grep -rlE '^// kanal-test: once *(—|-)? *$' --include='*_test.ts' lib tests || true)
if [ -n "$bare" ]; then
  echo "these test files are marked 'kanal-test: once' without saying why:"
  echo "$bare"
  exit 1
fi
echo "every test file takes test() from tests/_test.ts; every run-once file says why"
