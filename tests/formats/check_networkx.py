"""Reads every exported map in a folder with networkx and Python's csv module and checks that
the formats agree: the GEXF and GraphML files hold the nodes, labels, edges and weights of the
map's nodes.csv and edges.csv. Exits non-zero on the first disagreement of each map."""

import csv
import pathlib
import sys

import networkx as nx


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def shown(cell):
    """A CSV cell as a spreadsheet shows it: samenhang puts a ' before text that would
    otherwise run as a formula."""
    if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        return cell[1:]
    return cell


def check(stem: pathlib.Path) -> list[str]:
    problems = []
    nodes = read_csv(stem.with_name(stem.name + ".nodes.csv"))
    edges = read_csv(stem.with_name(stem.name + ".edges.csv"))
    labels = {row["ID"]: shown(row["Label"]) for row in nodes}
    weights = {frozenset((row["From"], row["To"])): float(row["Weight"]) for row in edges}
    if len(labels) != len(nodes):
        problems.append("node ids repeat in nodes.csv")
    if len(weights) != len(edges):
        problems.append("an edge repeats in edges.csv")
    if any(end not in labels for pair in weights for end in pair):
        problems.append("edges.csv names a node that nodes.csv lacks")
    for fmt, read in (("gexf", nx.read_gexf), ("graphml", nx.read_graphml)):
        graph = read(stem.with_name(stem.name + "." + fmt))
        if graph.is_directed():
            problems.append(f"{fmt}: read as directed")
        if graph.number_of_nodes() != len(labels):
            problems.append(f"{fmt}: {graph.number_of_nodes()} nodes, CSV {len(labels)}")
        if graph.number_of_edges() != len(weights):
            problems.append(f"{fmt}: {graph.number_of_edges()} edges, CSV {len(weights)}")
        for node, data in graph.nodes(data=True):
            if data.get("label") != labels.get(node):
                problems.append(f"{fmt}: label of {node!r} is {data.get('label')!r}")
                break
        for a, b, data in graph.edges(data=True):
            if float(data.get("weight", 1.0)) != weights.get(frozenset((a, b))):
                problems.append(f"{fmt}: weight of {a}–{b} is {data.get('weight')!r}")
                break
    return problems


def main(folder: str) -> int:
    stems = sorted(p.with_suffix("") for p in pathlib.Path(folder).glob("*.gexf"))
    if not stems:
        print("no maps to check", file=sys.stderr)
        return 1
    failed = False
    for stem in stems:
        problems = check(stem)
        if problems:
            failed = True
            print(f"networkx FAILED: {stem.name}: " + "; ".join(problems), file=sys.stderr)
        else:
            print(f"networkx ok: {stem.name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
