#!/usr/bin/env bash
# Serves samenhang on a free port with a fresh SQLite database (seeded with Lelystad Oost) and
# drives its interactive map page (/maps) in headless Chromium with every other host
# unreachable (maps.mjs).
# Usage: check-maps.sh path/to/samenhang [SCREENSHOT.png]
#   (needs `npm ci` in this folder and Chromium at $CHROMIUM or /usr/bin/chromium; see .ci/run)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$(realpath "${1:?usage: check-maps.sh path/to/samenhang [SCREENSHOT.png]}")"
work="$(mktemp -d)"
screenshot="$(realpath -m "${2:-$work/maps.png}")"
server=""
source "$here/serve.sh"
node "$here/maps.mjs" "http://$addr" "$screenshot"
