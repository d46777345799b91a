#!/usr/bin/env bash
# Runs the front-end client tests (Apollo Client 4 and urql, test/*.test.mjs) against real
# samenhang servers, each on a free port with a temporary SQLite database holding the bundled
# Lelystad Oost dataset:
#   - the open server (default settings: anonymous reading, APQ on) with an editor token;
#   - a locked server (`--anonymous none`) with a viewer token;
#   - a persisted-only server (`--persisted-only`) trusting the tests' manifest
#     (manifest.mjs) and, when given, the manifest GraphQL Codegen wrote for examples/web.
# Usage: clients/run.sh path/to/samenhang [examples/web/src/gql/persisted-documents.json]
# Needs `npm ci` in clients/ first. Stops the servers on exit.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$(realpath "${1:?usage: run.sh path/to/samenhang [example manifest]}")"
example_manifest="${2:+$(realpath "$2")}"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2> /dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
export RUST_LOG=info NO_COLOR=1
unset DATABASE_URL

# serve NAME ARGS...: starts a server on a free port; its URL is in $url. Returns 1, with the
# server's log on stderr, when it does not start.
serve() {
  local name="$1"
  shift
  "$bin" --database-url "sqlite://$work/$name.sqlite" serve --addr 127.0.0.1:0 "$@" \
    > "$work/$name.log" 2>&1 &
  pids+=("$!")
  url=""
  for _ in $(seq 1 600); do
    url="$(grep -o -m 1 'http://127\.0\.0\.1:[0-9]*/graphql' "$work/$name.log" || true)"
    [ -n "$url" ] && break
    if ! kill -0 "${pids[-1]}" 2> /dev/null; then
      echo "the $name server stopped:" >&2
      cat "$work/$name.log" >&2
      return 1
    fi
    sleep 0.1
  done
  if [ -z "$url" ]; then
    echo "the $name server did not start within 60 s:" >&2
    cat "$work/$name.log" >&2
    return 1
  fi
  echo "$name server: $url"
}

# token DB ROLE: a new token on a database (created and migrated on the way).
token() {
  "$bin" --database-url "sqlite://$work/$1.sqlite" token create "clients-$2" --role "$2" 2> /dev/null
}

SAMENHANG_EDITOR_TOKEN="$(token open editor)"
export SAMENHANG_EDITOR_TOKEN
serve open
export SAMENHANG_URL="$url"

SAMENHANG_LOCKED_TOKEN="$(token locked viewer)"
export SAMENHANG_LOCKED_TOKEN
serve locked --anonymous none
export SAMENHANG_LOCKED_URL="$url"

node "$here/manifest.mjs" > "$work/manifest.json"
trusted=(--trusted-documents "$work/manifest.json")
if [ -n "$example_manifest" ]; then
  trusted+=(--trusted-documents "$example_manifest")
  export SAMENHANG_EXAMPLE_MANIFEST="$example_manifest"
fi
# A server without trusted documents refuses these flags; its tests then fail on the missing
# URL, while the others still run.
if serve persisted --persisted-only "${trusted[@]}"; then
  export SAMENHANG_PERSISTED_URL="$url"
fi

cd "$here"
status=0
node --test --test-reporter=spec test/*.test.mjs || status=$?
if [ "$status" -ne 0 ]; then
  for name in open locked persisted; do
    echo "== the $name server's log (warnings and errors)"
    grep -E 'WARN|ERROR' "$work/$name.log" | tail -n 20 || true
  done
fi
exit "$status"
