#!/usr/bin/env bash
# Serves samenhang on a free port with a fresh SQLite database (seeded with Lelystad Oost) and
# renders its GraphiQL in headless Chromium with every other host unreachable (graphiql.mjs).
# Usage: check-graphiql.sh path/to/samenhang [SCREENSHOT.png]
#   (needs `npm ci` in this folder and Chromium at $CHROMIUM or /usr/bin/chromium; see .ci/run)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$(realpath "${1:?usage: check-graphiql.sh path/to/samenhang [SCREENSHOT.png]}")"
work="$(mktemp -d)"
screenshot="$(realpath -m "${2:-$work/graphiql.png}")"
server=""
source "$here/serve.sh"
token="$("$bin" token create browser-check --role admin 2> /dev/null)"
node "$here/graphiql.mjs" "http://$addr" "$token" "$screenshot"
