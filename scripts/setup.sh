#!/usr/bin/env bash
# Copyright 2026 the kanal authors. MIT license.
#
# Everything the test suite needs beyond `npm ci`, installed when it is missing:
#   - kcat, the interop oracle (Debian's package; apt-get when run as root);
#   - Java 17 and Maven, to fetch and run the broker (apt-get when run as root);
#   - the Apache Kafka jars (scripts/kafka.sh jars, from Maven Central, once).
# Without root, a missing package stops the run at once with the one command that installs it,
# instead of dozens of tests failing with ENOENT.
#
#   scripts/setup.sh          check and install; prints nothing when all is there
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

[ -x node_modules/.bin/deno ] && [ -x node_modules/.bin/bun ] \
  || die "Deno and Bun are missing: run 'npm ci' first (they are devDependencies)"

# Debian package names for each command the suite runs.
declare -A PACKAGE=([kcat]=kcat [java]=openjdk-17-jre-headless [mvn]=maven)
missing=()
for cmd in kcat java mvn; do
  command -v "$cmd" >/dev/null || missing+=("${PACKAGE[$cmd]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  install="apt-get update && apt-get install -y ${missing[*]}"
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    die "missing ${missing[*]}: install with 'sudo sh -c \"$install\"' and run the tests again"
  fi
  printf 'setup: installing %s with apt-get\n' "${missing[*]}" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") \
    >/dev/null || die "apt-get could not install ${missing[*]}"
fi

scripts/kafka.sh jars || die "fetching the Kafka jars failed (Maven Central must be reachable)"
