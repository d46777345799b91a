// The completion handler of `graphql-inspector diff` in .ci/schema-diff.sh: every breaking
// change must be listed in CHANGELOG.md's "Unreleased" section, by its schema path written in
// backticks (`Partner.area`, `Query.partner.slug`, `PartnerRole.LEAD`, `Partner`); the path
// is the one the inspector prints beside the change. Dangerous and safe changes need no entry.
const { readFileSync } = require("node:fs");

/** The text under the first `## Unreleased` heading, up to the next `## ` heading. */
function unreleased(changelog) {
  const lines = changelog.split(/\r?\n/);
  const start = lines.findIndex((line) => /^##\s+\[?unreleased\]?\s*$/i.test(line.trim()));
  if (start < 0) return null;
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => /^##\s/.test(line));
  return (end < 0 ? rest : rest.slice(0, end)).join("\n");
}

module.exports = function checkChangelog({ breakingChanges, dangerousChanges }) {
  const file = process.env.SCHEMA_DIFF_CHANGELOG || "CHANGELOG.md";
  let section = null;
  try {
    section = unreleased(readFileSync(file, "utf8"));
  } catch (error) {
    console.error(`schema diff: cannot read ${file}: ${error.message}`);
  }
  const listed = new Set([...(section ?? "").matchAll(/`([^`\n]+)`/g)].map((m) => m[1].trim()));
  const missing = breakingChanges.filter((change) => !listed.has(change.path ?? change.message));
  console.log(
    `schema diff: ${breakingChanges.length} breaking, ${dangerousChanges.length} dangerous; ` +
      `${breakingChanges.length - missing.length} breaking listed in ${file}`,
  );
  if (missing.length === 0) return;
  console.error(
    `\nschema diff: ${missing.length} breaking change(s) not listed under "## Unreleased" in ${file}.` +
      "\nList each by its path in backticks (or revert it):\n",
  );
  for (const change of missing) {
    console.error(`  - \`${change.path ?? change.message}\`: ${change.message}`);
  }
  process.exit(1);
};
