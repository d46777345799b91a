// Loads every Cytoscape.js map given on the command line into the cytoscape package,
// headless. Cytoscape throws on an edge whose end is missing; we also compare the counts and
// labels with the map's nodes.csv and edges.csv (same stem), and check that every node has a
// position. Exits non-zero on the first problem.
import { readFileSync } from "node:fs";
import cytoscape from "cytoscape";

function csvRows(text) {
  // RFC 4180: quoted fields, doubled quotes, separators and newlines inside quotes.
  const rows = [];
  let row = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\n") { row.push(field); rows.push(row); row = []; field = ""; }
    else field += c;
  }
  if (field !== "" || row.length) { row.push(field); rows.push(row); }
  return rows;
}

let failed = false;
// A CSV cell as a spreadsheet shows it: samenhang puts a ' before text that would otherwise
// run as a formula.
const shown = (cell) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

for (const file of process.argv.slice(2)) {
  const stem = file.replace(/\.cyjs$/, "");
  try {
    const doc = JSON.parse(readFileSync(file, "utf8"));
    const cy = cytoscape({ headless: true, styleEnabled: false, elements: doc.elements });
    const nodes = csvRows(readFileSync(`${stem}.nodes.csv`, "utf8")).slice(1);
    const edges = csvRows(readFileSync(`${stem}.edges.csv`, "utf8")).slice(1);
    if (cy.nodes().length !== nodes.length) throw new Error(`${cy.nodes().length} nodes, CSV has ${nodes.length}`);
    if (cy.edges().length !== edges.length) throw new Error(`${cy.edges().length} edges, CSV has ${edges.length}`);
    for (const [id, label] of nodes) {
      const node = cy.getElementById(id);
      if (node.empty()) throw new Error(`node ${id} missing`);
      if (node.data("label") !== shown(label)) throw new Error(`label of ${id}: ${node.data("label")} != ${label}`);
      const { x, y } = node.position();
      if (!Number.isFinite(x) || !Number.isFinite(y)) throw new Error(`node ${id} has no position`);
    }
    console.log(`cytoscape ok: ${file} (${cy.nodes().length} nodes, ${cy.edges().length} edges)`);
  } catch (err) {
    console.error(`cytoscape FAILED: ${file}: ${err.message}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
