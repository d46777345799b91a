#!/usr/bin/env bash
# The schema diff check: compares the schema as last released (schema/released.graphql) with
# the schema now (schema/schema.graphql) using GraphQL Inspector, and fails on a breaking
# change that CHANGELOG.md does not list under "## Unreleased" by its path in backticks, such
# as `Partner.area` (see schema-diff-changelog.cjs). On a release, copy schema/schema.graphql
# to schema/released.graphql and turn "Unreleased" into the version's heading.
# Usage: .ci/schema-diff.sh [OLD.graphql NEW.graphql CHANGELOG.md]   (after `npm ci` in .ci/)
set -euo pipefail
ci="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$ci")"
old="$(realpath "${1:-$root/schema/released.graphql}")"
new="$(realpath "${2:-$root/schema/schema.graphql}")"
SCHEMA_DIFF_CHANGELOG="$(realpath "${3:-$root/CHANGELOG.md}")"
export SCHEMA_DIFF_CHANGELOG
inspector="$ci/node_modules/.bin/graphql-inspector"
if [ ! -x "$inspector" ]; then
  echo "schema diff: run \`npm ci\` in .ci/ first" >&2
  exit 1
fi
cd "$ci"
"$inspector" diff "$old" "$new" --onComplete "$ci/schema-diff-changelog.cjs"
