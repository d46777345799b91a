#!/usr/bin/env bash
# Copies the browser builds of GraphiQL and React, at the exact versions of package-lock.json,
# into dist/, with their licences. samenhang embeds dist/ at compile time (src/server/graphiql.rs)
# and serves it itself, so neither a build nor a browser needs npm or the internet.
# Run it after changing a version in package.json (`npm install --package-lock-only` first),
# then commit dist/.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --silent
rm -rf dist
mkdir -p dist
cp node_modules/graphiql/graphiql.min.js node_modules/graphiql/graphiql.min.css dist/
cp node_modules/react/umd/react.production.min.js dist/
cp node_modules/react-dom/umd/react-dom.production.min.js dist/
for package in graphiql react react-dom; do
  cp "node_modules/$package/LICENSE" "dist/LICENSE.$package"
done
# graphiql.min.js bundles GraphiQL's dependencies (graphql-js, CodeMirror, Radix UI, …): the
# licence of every package npm installed for it, by name and version.
node - > dist/THIRD-PARTY-LICENSES.txt << 'JS'
const fs = require("fs");
const path = require("path");
const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
const out = [
  "The licences of the npm packages installed for the vendored GraphiQL and React builds",
  "(assets/graphiql/package-lock.json); graphiql.min.js bundles GraphiQL's dependencies.",
  "",
];
for (const [where, entry] of Object.entries(lock.packages).sort()) {
  if (!where) continue;
  const name = where.replace(/^.*node_modules\//, "");
  const files = fs.readdirSync(where).filter((f) => /^(licen[cs]e|copying)/i.test(f));
  out.push("=".repeat(78), `${name}@${entry.version} (${entry.license || "see below"})`, "=".repeat(78));
  if (files.length === 0) out.push("(the package ships no licence file; its licence is named above)");
  for (const file of files) out.push(fs.readFileSync(path.join(where, file), "utf8").trimEnd());
  out.push("");
}
process.stdout.write(out.join("\n"));
JS
(cd dist && sha256sum graphiql.min.js graphiql.min.css react.production.min.js react-dom.production.min.js > SHA256SUMS)
echo "vendored into $(pwd)/dist:"
ls -l dist
