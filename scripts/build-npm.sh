#!/usr/bin/env bash
# Builds the npm package into dist/npm from the same sources JSR publishes: tsc (a
# devDependency) strips types and writes .d.ts beside each .js, rewriting the .ts import
# extensions; then package.json's export map is made from deno.json's, so the two registries
# publish the same entry points. `npm pack dist/npm` makes the tarball.
#
#   scripts/build-npm.sh            # TSC=/path/to/tsc to use another compiler
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
TSC=${TSC:-node_modules/.bin/tsc}
[ -x "$TSC" ] || { echo "build-npm: no tsc at $TSC (npm ci installs it)" >&2; exit 1; }
rm -rf dist/npm
"$TSC" -p scripts/npm/tsconfig.json
cp README.md LICENSE dist/npm/
node scripts/npm/package_json.mjs > dist/npm/package.json
# The bin: Node 20 has no import.meta.main, so it calls the entry itself.
printf '#!/usr/bin/env node\nimport { main } from "./lib/cli/main.js";\nawait main();\n' \
  > dist/npm/bin.js
chmod +x dist/npm/bin.js
echo "build-npm: dist/npm ($(du -sh dist/npm | cut -f1))"
