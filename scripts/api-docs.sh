#!/usr/bin/env bash
# Generates the API reference from the JSDoc into dist/api (HTML, not committed): the same entry
# points JSR documents. Open dist/api/index.html in a browser.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rm -rf dist/api
node_modules/.bin/deno doc --html --name=kanal --output=dist/api mod.ts cli.ts lib/testing/mod.ts
echo "api-docs: dist/api/index.html"
