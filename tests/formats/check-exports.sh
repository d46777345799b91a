#!/usr/bin/env bash
# Checks the network-map exports with the programs that read them: every view of the bundled
# Lelystad Oost data and of the tricky-names fixture (with characters no format can carry
# written into one name behind samenhang's back), in every format, then
#   - GEXF validated against the official GEXF 1.3 schema with xmllint (the viz elements
#     folded into the GEXF namespace, where the 1.3 schema declares them; Gephi and networkx
#     write and read them in the viz namespace),
#   - GEXF and GraphML read back by networkx (nodes, labels, edges, weights = the CSV files),
#   - GEXF viz attributes and the dynamic GEXF (--timeline) read by networkx, Kumu's CSV
#     columns and `|` multi-values and its JSON blueprint, the Excel CSV (BOM, `;`) read by
#     Python's csv, "same as" relations kept (check_ready.py),
#   - CSV parsed by Python's csv module and by the Cytoscape check,
#   - Cytoscape.js JSON loaded by the cytoscape npm package, headless,
#   - DOT rendered by Graphviz dot, SVG parsed by xmllint,
#   - the full map of the national-scale synthetic graph streamed (memory does not grow with
#     the document) and read back by xmllint and networkx.
# Usage: check-exports.sh path/to/samenhang   (tools: see .ci/run, which installs them)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$(realpath "${1:?usage: check-exports.sh path/to/samenhang}")"
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
export DATABASE_URL="sqlite://$work/maps.sqlite"
export RUST_LOG=warn

# The first map seeds the empty database with the bundled datasets; then the fixture joins them.
"$bin" map collaboration.svg --out /dev/null
"$bin" import "$here/../fixtures/tricky-names.yaml" > /dev/null
# Text stored before samenhang refused it, written around the service: a NUL, a control
# character and non-characters in a name. Every export below must still read back.
"$python" - "$work/maps.sqlite" << 'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
odd = "Bestaans\x00zekerheid \x01\ufffe\uffff\ufdd0\U0001ffff"
assert db.execute("UPDATE partner SET name = ? WHERE slug = 'bestaanszekerheid'", (odd,)).rowcount == 1
db.commit()
PY

formats=(gexf graphml cyjs dot nodes.csv edges.csv svg kumu.json)
export_map() { # name view [flags...]
  local name="$1" view="$2"
  shift 2
  for ext in "${formats[@]}"; do
    "$bin" map "$view.$ext" --out "$work/maps/$name.$ext" "$@" 2> /dev/null
  done
}
mkdir -p maps
for view in collaboration bipartite full; do
  export_map "lelystad-$view" "$view" --area lelystad-oost
  export_map "tricky-$view" "$view" --area proef-and-co
  # Without --area, the map is of Lelystad Oost (several areas are loaded; none is merged).
  export_map "default-$view" "$view"
done
export_map lelystad-ego-halt ego --area lelystad-oost --node partner:halt --depth 2
export_map tricky-ego ego --area proef-and-co --node partner:bestaanszekerheid
export_map lelystad-veilige-wijken-2026 collaboration --area lelystad-oost \
  --cluster veilige-wijken --year 2026 --min-weight 2 --color kind --size betweenness
mkdir -p dynamic excel paper
for view in collaboration full; do
  "$bin" map "$view.gexf" --timeline --area lelystad-oost --out "dynamic/lelystad-$view.gexf" 2> /dev/null
done
"$bin" map bipartite.gexf --timeline --area proef-and-co --out dynamic/tricky-bipartite.gexf 2> /dev/null
for name in lelystad-collaboration tricky-bipartite; do
  view="${name#*-}" area=lelystad-oost
  [[ $name == tricky-* ]] && area=proef-and-co
  for ext in nodes.csv edges.csv; do
    "$bin" map "$view.$ext" --excel --area "$area" --out "excel/$name.$ext" 2> /dev/null
  done
done
for size in a4 a3; do
  "$bin" map collaboration.svg --paper "$size" --area lelystad-oost --out "paper/lelystad-$size.svg" 2> /dev/null
done
echo "exported $(ls maps | wc -l) files, $(ls dynamic excel paper | grep -c '\.') more"

# The GEXF 1.3 schema declares the viz elements in the GEXF namespace ("default namespace =
# inherit" in its viz.rnc); Gephi and networkx use the viz namespace. Fold it in to validate.
fold_viz() { sed -e 's# xmlns:viz="http://gexf.net/1.3/viz"##' -e 's#<viz:#<#g' "$1"; }
echo "== xmllint: GEXF (static and dynamic) against the GEXF 1.3 schema"
mkdir -p folded
for file in maps/*.gexf dynamic/*.gexf; do
  fold_viz "$file" > "folded/$(basename "$(dirname "$file")")-$(basename "$file")"
done
xmllint --noout --schema "$here/gexf-1.3/gexf.xsd" folded/*.gexf
echo "== networkx, csv, json: GEXF viz and timeline, Kumu CSV and JSON, Excel CSV, same as"
"$python" "$here/check_ready.py" maps dynamic excel
echo "== xmllint: SVG and GraphML are well-formed XML"
xmllint --noout maps/*.svg maps/*.graphml paper/*.svg
grep -q 'width="297mm" height="210mm"' paper/lelystad-a4.svg
echo "== networkx: GEXF and GraphML read back"
"$python" "$here/check_networkx.py" maps
echo "== cytoscape: Cytoscape.js JSON loaded headless"
node "$here/check_cyjs.mjs" maps/*.cyjs
echo "== graphviz: DOT rendered"
for file in maps/*.dot; do
  dot -Tsvg "$file" -o "$file.svg"
  grep -q "<svg" "$file.svg" || { echo "dot rendered nothing for $file" >&2; exit 1; }
done

echo "== national scale: the synthetic national graph, streamed and read back"
export DATABASE_URL="sqlite://$work/national.sqlite"
"$bin" generate national.yaml --size national --seed 1
"$bin" import national.yaml > /dev/null
mkdir -p national
"$python" "$here/check_streaming.py" "$bin" national
for ext in graphml nodes.csv; do
  "$bin" map "full.$ext" --out "national/national-full.$ext" 2> /dev/null
done
fold_viz national/national-full.gexf > national/folded.gexf
xmllint --noout --stream --schema "$here/gexf-1.3/gexf.xsd" national/folded.gexf
rm national/folded.gexf
"$python" "$here/check_networkx.py" national
echo "all exports read back correctly"
