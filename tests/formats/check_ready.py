"""Checks that the map files open ready in the tools they are for (issue 13):

- GEXF: networkx reads the viz attributes (colour, position, size) of every node; every node
  has a viz:shape Gephi knows; the dynamic GEXF (--timeline) reads as a dynamic graph whose
  spells are dates;
- Kumu: the element CSV starts with Kumu's columns (ID, Label, Type, Description, Tags) and
  its Tags split on `|` into the node's clusters; the connection CSV has From, To, Type and
  Direction; the JSON blueprint has elements with label/type/tags and connections whose from
  and to name elements;
- Excel: the `;` CSV with a byte order mark, read by Python's csv with the `;` dialect, holds
  the same rows as the plain CSV (numbers with a decimal comma);
- "same as" relations are exported as "same as".

Usage: check_ready.py MAPS_DIR DYNAMIC_DIR EXCEL_DIR"""

import csv
import json
import pathlib
import sys
import xml.etree.ElementTree as ET

import networkx as nx

VIZ = "{http://gexf.net/1.3/viz}"
KUMU_ELEMENTS = ["ID", "Label", "Type", "Description", "Tags"]
KUMU_CONNECTIONS = ["From", "To", "Type", "Direction"]
GEXF_SHAPES = {"disc", "square", "triangle", "diamond"}


def rows(path, **dialect):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.reader(f, **dialect))


def check_viz(path):
    graph = nx.read_gexf(path)
    for node, data in graph.nodes(data=True):
        viz = data.get("viz", {})
        for key in ("color", "position", "size"):
            if key not in viz:
                return f"{node} has no viz {key} as networkx reads it"
        if not 0 <= viz["size"] < 100:
            return f"{node}: size {viz['size']}"
    # networkx reads the shape's `value` under the wrong name; read it ourselves.
    for node in ET.parse(path).getroot().iter("{http://gexf.net/1.3}node"):
        shape = node.find(f"{VIZ}shape")
        if shape is None or shape.get("value") not in GEXF_SHAPES:
            return f"{node.get('id')}: shape {shape.get('value') if shape is not None else None}"
    return None


def check_dynamic(path):
    graph = nx.read_gexf(path)
    if graph.graph.get("mode") != "dynamic":
        return "not read as dynamic"
    spells = [s for _, d in graph.nodes(data=True) for s in d.get("spells", [])]
    spells += [s for _, _, d in graph.edges(data=True) for s in d.get("spells", [])]
    # The Lelystad Oost plan dates its interventions; the tricky fixture does not.
    if not spells and path.name.startswith("lelystad"):
        return "no spells"
    for start, end in spells:
        for value in (start, end):
            if value != "None" and not (len(value) == 10 and value[4] == "-" and value[7] == "-"):
                return f"spell bound {value!r} is not a date"
        if start != "None" and end != "None" and start > end:
            return f"spell {start}–{end} ends before it starts"
    return None


def check_kumu(stem):
    elements = rows(f"{stem}.nodes.csv")
    if elements[0][:5] != KUMU_ELEMENTS:
        return f"element columns {elements[0][:5]}"
    connections = rows(f"{stem}.edges.csv")
    if connections[0][:4] != KUMU_CONNECTIONS:
        return f"connection columns {connections[0][:4]}"
    cy = json.loads(pathlib.Path(f"{stem}.cyjs").read_text(encoding="utf-8"))
    clusters = {
        n["data"]["id"]: sorted(c["name"] for c in n["data"]["clusters"])
        for n in cy["elements"]["nodes"]
    }
    for row in elements[1:]:
        tags = sorted(t for t in row[4].split("|") if t)
        if tags != clusters[row[0]]:
            return f"Tags of {row[0]}: {tags} != {clusters[row[0]]}"
    ids = {row[0] for row in elements[1:]}
    for row in connections[1:]:
        if row[0] not in ids or row[1] not in ids or row[3] != "undirected":
            return f"connection {row[:4]}"
    blueprint = json.loads(pathlib.Path(f"{stem}.kumu.json").read_text(encoding="utf-8"))
    names = {e["id"] for e in blueprint["elements"]}
    if names != ids:
        return "the blueprint's elements differ from the CSV's"
    for e in blueprint["elements"]:
        if not isinstance(e.get("label"), str) or not isinstance(e.get("tags"), list):
            return f"element {e.get('id')}: no label or tags"
    for c in blueprint["connections"]:
        if c["from"] not in names or c["to"] not in names:
            return f"connection {c['id']} names a missing element"
    if len(blueprint["connections"]) != len(connections) - 1:
        return "the blueprint's connections differ from the CSV's"
    return None


def check_excel(path, plain):
    with open(path, "rb") as f:
        if not f.read(3) == b"\xef\xbb\xbf":
            return "no byte order mark"
    excel = rows(path, delimiter=";")
    rfc = rows(plain)
    if len(excel) != len(rfc):
        return f"{len(excel)} rows, plain CSV {len(rfc)}"
    for a, b in zip(excel, rfc):
        if len(a) != len(b):
            return f"{len(a)} fields, plain CSV {len(b)}: {a}"
        for x, y in zip(a, b):
            if x != y and x.replace(",", ".") != y:
                return f"{x!r} != {y!r}"
    return None


def main(maps, dynamic, excel):
    problems = []
    for path in sorted(pathlib.Path(maps).glob("*.gexf")):
        problems.append((path.name, check_viz(path)))
        problems.append((path.stem + " (Kumu)", check_kumu(path.with_suffix(""))))
    for path in sorted(pathlib.Path(dynamic).glob("*.gexf")):
        problems.append((path.name, check_dynamic(path)))
    for path in sorted(pathlib.Path(excel).glob("*.csv")):
        problems.append((path.name, check_excel(path, pathlib.Path(maps) / path.name)))
    same = rows(pathlib.Path(maps) / "lelystad-full.edges.csv")
    if not any(row[2] == "same as" for row in same[1:]):
        problems.append(("lelystad-full.edges.csv", 'no "same as" relation'))
    failed = False
    for name, problem in problems:
        if problem:
            failed = True
            print(f"ready FAILED: {name}: {problem}", file=sys.stderr)
        else:
            print(f"ready ok: {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
