#!/usr/bin/env bash
# Bundles the map page's script (src/main.js with sigma.js and graphology, at the exact
# versions of package-lock.json) with esbuild into assets/maps/dist/, with the licences of
# what the bundle holds. samenhang embeds that folder at compile time (src/server/maps_page.rs)
# and serves it itself, so neither a Rust build nor a browser needs npm or the internet.
# Run it after changing src/main.js or a version in package.json, then commit
# assets/maps/dist/. `build.sh --check` builds into a temporary folder and fails when the
# committed bundle differs (.ci/run does this).
set -euo pipefail
cd "$(dirname "$0")"
out="../../assets/maps/dist"
check=""
if [ "${1:-}" = "--check" ]; then
  check="$out"
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
fi
npm ci --no-audit --no-fund --silent
rm -rf "$out"
mkdir -p "$out"
# One minified IIFE for browsers of the last years; no source map, no build-time paths in it.
./node_modules/.bin/esbuild src/main.js --bundle --minify --format=iife --target=es2020 \
  --legal-comments=none --log-level=warning --outfile="$out/maps.js"
# The licence of every npm package in the bundle, by name and version.
node - "$out/maps.js" > "$out/THIRD-PARTY-LICENSES.txt" << 'JS'
const fs = require("fs");
const path = require("path");
const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
const out = [
  "The licences of the npm packages bundled into maps.js (web/maps/package-lock.json).",
  "",
];
for (const [where, entry] of Object.entries(lock.packages).sort()) {
  if (!where || entry.dev) continue;
  const name = where.replace(/^.*node_modules\//, "");
  const files = fs.readdirSync(where).filter((f) => /^(licen[cs]e|copying)/i.test(f));
  out.push("=".repeat(78), `${name}@${entry.version} (${entry.license || "see below"})`, "=".repeat(78));
  if (files.length === 0) out.push("(the package ships no licence file; its licence is named above)");
  for (const file of files) out.push(fs.readFileSync(path.join(where, file), "utf8").trimEnd());
  out.push("");
}
process.stdout.write(out.join("\n"));
JS
(cd "$out" && sha256sum maps.js > SHA256SUMS)
if [ -n "$check" ]; then
  if ! diff -r "$check" "$out" > /dev/null; then
    echo "assets/maps/dist differs from a fresh build of web/maps: run web/maps/build.sh and commit" >&2
    diff -r "$check" "$out" | head -n 20 >&2 || true
    exit 1
  fi
  echo "assets/maps/dist matches a fresh build of web/maps"
else
  echo "bundled into $(cd "$out" && pwd):"
  ls -l "$out"
fi
