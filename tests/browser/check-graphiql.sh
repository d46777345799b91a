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
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2> /dev/null || true; wait "$server" 2> /dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
export DATABASE_URL="sqlite://$work/graphiql.sqlite"
export RUST_LOG=info,sqlx=warn,sea_orm=warn

# Port 0 lets the system pick a free port; the server logs the one it got.
"$bin" --log-format json serve --addr 127.0.0.1:0 > "$work/server.log" 2>&1 &
server=$!
addr=""
for _ in $(seq 1 120); do
  addr="$(grep -o '"addr":"127\.0\.0\.1:[0-9]*"' "$work/server.log" 2> /dev/null | head -n 1 | cut -d'"' -f4 || true)"
  [ -n "$addr" ] && break
  kill -0 "$server" 2> /dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.5
done
[ -n "$addr" ] || { echo "the server did not start" >&2; cat "$work/server.log" >&2; exit 1; }
token="$("$bin" token create browser-check --role admin 2> /dev/null)"
node "$here/graphiql.mjs" "http://$addr" "$token" "$screenshot"
