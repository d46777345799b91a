# Sourced by the check-*.sh scripts: serves samenhang ($1) on a free port with a fresh SQLite
# database in $work (seeded with Lelystad Oost), sets `addr` to its address and `server` to its
# process, and stops it on exit. Needs `work` set and `server=""` before sourcing.
export DATABASE_URL="sqlite://$work/samenhang.sqlite"
export RUST_LOG=info,sqlx=warn,sea_orm=warn
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2> /dev/null || true; wait "$server" 2> /dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

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
