#!/usr/bin/env bash
# Copyright 2026 the kanal authors. MIT license.
#
# Fails (exit 1) when a test file takes `test` straight from node:test instead of from
# tests/_test.ts, whose `test` gives every test a time limit: a test without one can hang a run
# until CI's limit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bad=$(grep -rlE 'from "node:test"' --include='*_test.ts' lib tests | grep -vx 'tests/_test.ts' || true)
if [ -n "$bad" ]; then
  echo "these test files import node:test directly; import { test } from tests/_test.ts:"
  echo "$bad"
  exit 1
fi
echo "every test file takes test() from tests/_test.ts"
