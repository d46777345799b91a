#!/usr/bin/env python3
"""Times samenhang's analytics against python-igraph and networkx on the same graph, side by
side in one run, and prints the ratios.

    pip install -r bench/requirements.txt
    python3 bench/compare.py national          # or municipality; stress skips the slow ones

The Rust half (examples/compare_timing.rs) generates the synthetic graph, writes its edge
lists and prints its own timings; this script loads the same edge lists into igraph and
networkx and times the same analytics. networkx runs only where it finishes in reasonable
time (see NETWORKX_LIMITS); its exact betweenness on the whole national graph takes hours.
"""

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import igraph as ig
import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
# Largest whole graph (edges) on which networkx still runs the analytic.
NETWORKX_LIMITS = {
    "betweenness_whole_exact": 5_000,
    "betweenness_collaboration_exact": 200_000,
    "closeness_collaboration": 200_000,
}


def timed(runs, f):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def read_edges(path, weighted=False):
    edges, weights = [], []
    for line in path.read_text().splitlines():
        parts = line.split("\t")
        edges.append((int(parts[0]), int(parts[1])))
        if weighted:
            weights.append(float(parts[2]))
    return edges, weights


def main():
    size = sys.argv[1] if len(sys.argv) > 1 else "national"
    seed = sys.argv[2] if len(sys.argv) > 2 else "42"
    runs = 1 if size == "stress" else 3
    out = Path(tempfile.mkdtemp(prefix=f"samenhang-compare-{size}-"))
    rust = subprocess.run(
        ["cargo", "run", "--quiet", "--release", "--example", "compare_timing", "--", size, seed, str(out)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    ours = json.loads(rust.stdout)
    n_whole = ours["whole"]["nodes"]
    n_collab = ours["collaboration"]["nodes"]

    whole_edges, _ = read_edges(out / "whole.tsv")
    collab_edges, collab_weights = read_edges(out / "collaboration.tsv", weighted=True)
    bipartite, _ = read_edges(out / "bipartite.tsv")
    pairs, _ = read_edges(out / "pairs.tsv")
    sources = [int(x) for x in (out / "sources.tsv").read_text().split()]

    results = {name: {"samenhang": t} for name, t in ours["seconds"].items()}
    # At stress size networkx runs only what finishes within minutes.
    light = size != "stress"

    def record(name, library, seconds):
        results.setdefault(name, {})[library] = seconds

    # Graph build: from an edge list in memory (samenhang: its CSR analytics graph; the full
    # domain snapshot, `snapshot_build`, has no counterpart in the libraries).
    record("graph_build", "igraph", timed(runs, lambda: ig.Graph(n=n_whole, edges=whole_edges)))
    record("graph_build", "networkx", timed(runs, lambda: nx.Graph(whole_edges)))
    gi = ig.Graph(n=n_whole, edges=whole_edges)
    gx = nx.Graph()
    gx.add_nodes_from(range(n_whole))
    gx.add_edges_from(whole_edges)
    ci = ig.Graph(n=n_collab, edges=collab_edges, edge_attrs={"weight": collab_weights})
    cx = nx.Graph()
    cx.add_nodes_from(range(n_collab))
    if light:
        cx.add_weighted_edges_from((a, b, w) for (a, b), w in zip(collab_edges, collab_weights))

    # The partner projection of the partner–intervention graph.
    partners = n_collab
    interventions = 1 + max((i for _, i in bipartite), default=0)
    types = [False] * partners + [True] * interventions
    b_edges = [(p, partners + i) for p, i in bipartite]
    bi = ig.Graph.Bipartite(types, b_edges)
    record("projection", "igraph", timed(runs, lambda: bi.bipartite_projection(multiplicity=True, which=0)))
    bx = nx.Graph()
    bx.add_nodes_from(range(partners), bipartite=0)
    bx.add_nodes_from(range(partners, partners + interventions), bipartite=1)
    bx.add_edges_from(b_edges)
    if light and len(b_edges) <= 200_000:
        record("projection", "networkx", timed(1, lambda: nx.bipartite.weighted_projected_graph(bx, range(partners))))

    # Betweenness from 100 sources to all targets, and exact.
    record("betweenness_whole_100_sources", "igraph", timed(runs, lambda: gi.betweenness(sources=sources)))
    if light:
        record(
            "betweenness_whole_100_sources", "networkx",
            timed(1, lambda: nx.betweenness_centrality_subset(gx, sources=sources, targets=list(gx.nodes))),
        )
    if "betweenness_whole_exact" in results:
        record("betweenness_whole_exact", "igraph", timed(1, lambda: gi.betweenness()))
        if len(whole_edges) <= NETWORKX_LIMITS["betweenness_whole_exact"]:
            record("betweenness_whole_exact", "networkx", timed(1, lambda: nx.betweenness_centrality(gx)))
    if "betweenness_collaboration_exact" in results:
        record("betweenness_collaboration_exact", "igraph", timed(1, lambda: ci.betweenness()))
        if len(collab_edges) <= NETWORKX_LIMITS["betweenness_collaboration_exact"]:
            record("betweenness_collaboration_exact", "networkx", timed(1, lambda: nx.betweenness_centrality(cx)))
    if "closeness_collaboration" in results:
        record("closeness_collaboration", "igraph", timed(1, lambda: ci.closeness()))
        if len(collab_edges) <= NETWORKX_LIMITS["closeness_collaboration"]:
            record("closeness_collaboration", "networkx", timed(1, lambda: nx.closeness_centrality(cx)))

    record("pagerank_collaboration", "igraph", timed(runs, lambda: ci.pagerank(weights="weight")))
    if light:
        record("pagerank_collaboration", "networkx", timed(runs, lambda: nx.pagerank(cx, weight="weight")))
    record("louvain_collaboration", "igraph", timed(runs, lambda: ci.community_multilevel(weights="weight")))
    if light:
        record(
            "louvain_collaboration", "networkx",
            timed(1, lambda: nx.community.louvain_communities(cx, weight="weight", seed=1)),
        )
    record("articulation_points_whole", "igraph", timed(runs, lambda: gi.articulation_points()))
    record("articulation_points_whole", "networkx", timed(runs, lambda: list(nx.articulation_points(gx))))

    def igraph_paths():
        for a, b in pairs:
            gi.get_shortest_path(a, b)

    def networkx_paths():
        for a, b in pairs:
            try:
                nx.bidirectional_shortest_path(gx, a, b)
            except nx.NetworkXNoPath:
                pass

    record("shortest_paths_1000_whole", "igraph", timed(runs, igraph_paths))
    record("shortest_paths_1000_whole", "networkx", timed(runs, networkx_paths))

    print(f"## {size} (seed {seed}): whole graph {n_whole} nodes / {ours['whole']['edges']} edges; "
          f"collaboration network {n_collab} nodes / {ours['collaboration']['edges']} edges; "
          f"samenhang on {ours['threads']} threads\n")
    print("| analytic | samenhang | python-igraph | networkx | igraph ÷ samenhang | networkx ÷ samenhang |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, t in results.items():
        s, i, x = t.get("samenhang"), t.get("igraph"), t.get("networkx")
        fmt = lambda v: "–" if v is None else (f"{v * 1000:.1f} ms" if v < 1 else f"{v:.2f} s")
        ratio = lambda v: "–" if v is None or not s else f"{v / s:.1f}×"
        print(f"| {name} | {fmt(s)} | {fmt(i)} | {fmt(x)} | {ratio(i)} | {ratio(x)} |")
    (out / "results.json").write_text(json.dumps({"size": size, "seed": seed, "results": results, "graphs": ours}, indent=2))
    print(f"\n(raw figures: {out / 'results.json'})")


if __name__ == "__main__":
    main()
