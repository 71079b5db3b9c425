#!/usr/bin/env bash
# Type-checks the browser scripts (plain ES modules with JSDoc types) with tsc from npm.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/tsc ]; then
  npm ci --silent --no-audit --no-fund
fi
node_modules/.bin/tsc -p tsconfig.json
echo "browser scripts type-check"
