//! The samenhang half of `bench/compare.py`: generates a synthetic graph, writes its edge
//! lists for python-igraph and networkx, times our analytics on it and prints the timings as
//! JSON. Run it through the script, which runs the Python libraries on the same files.
//!
//! `cargo run --release --example compare_timing -- SIZE SEED OUT_DIR`

use std::fmt::Write as _;
use std::time::Instant;

use samenhang::analytics::{centrality, community, network, paths};
use samenhang::graph::{EdgeKind, Filter, Snapshot};
use samenhang::synth::{Rng, Size, generate};

/// Median wall time in seconds of `runs` runs.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> f64 {
    let mut times: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn write(path: &std::path::Path, text: String) {
    if let Err(e) = std::fs::write(path, text) {
        eprintln!("cannot write {}: {e}", path.display());
        std::process::exit(1);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (size, seed, out) = match args.as_slice() {
        [_, size, seed, out] => (
            size.clone(),
            seed.parse::<u64>().unwrap_or(42),
            std::path::PathBuf::from(out),
        ),
        _ => {
            eprintln!("usage: compare_timing municipality|national|stress SEED OUT_DIR");
            std::process::exit(2);
        }
    };
    let size = match size.as_str() {
        "municipality" => Size::Municipality,
        "national" => Size::National,
        "stress" => Size::Stress,
        other => {
            eprintln!("unknown size {other}");
            std::process::exit(2);
        }
    };
    let _ = std::fs::create_dir_all(&out);
    let runs = if size == Size::Stress { 1 } else { 3 };
    let data = generate(size, seed);
    let snapshot_build = time(runs, || Snapshot::build(data.clone(), 1));
    let s = Snapshot::build(data, 1);
    let all = Filter::default();

    // The same graphs for the Python libraries, as plain edge lists of node positions.
    let whole = network::whole(&s, &all);
    let collab = network::collaboration(&s, &all);
    let mut text = String::new();
    for &(a, b, _) in whole.graph.edge_list() {
        let _ = writeln!(text, "{a}\t{b}");
    }
    write(&out.join("whole.tsv"), text);
    let mut text = String::new();
    for &(a, b, w) in collab.graph.edge_list() {
        let _ = writeln!(text, "{a}\t{b}\t{w}");
    }
    write(&out.join("collaboration.tsv"), text);
    // Partner–intervention pairs (partners numbered as in the collaboration network).
    let mut text = String::new();
    for (i, &intervention) in s.data.interventions.keys().enumerate() {
        for p in s.targets(intervention, EdgeKind::Partner) {
            if let Some(x) = collab.index_of(p) {
                let _ = writeln!(text, "{x}\t{i}");
            }
        }
    }
    write(&out.join("bipartite.tsv"), text);
    let n = whole.nodes.len();
    let mut rng = Rng::new(seed);
    let pairs: Vec<(usize, usize)> = (0..1000).map(|_| (rng.below(n), rng.below(n))).collect();
    write(
        &out.join("pairs.tsv"),
        pairs.iter().map(|(a, b)| format!("{a}\t{b}\n")).collect(),
    );
    let k = 100.min(n);
    let sources: Vec<usize> = (0..n).step_by((n / k).max(1)).take(k).collect();
    write(
        &out.join("sources.tsv"),
        sources.iter().map(|v| format!("{v}\n")).collect(),
    );

    let edge_list: Vec<(u32, u32, f64)> = whole.graph.edge_list().to_vec();
    let mut timings: Vec<(&str, f64)> = vec![
        (
            "graph_build",
            time(runs, || {
                samenhang::analytics::Csr::from_edges(n, edge_list.iter().copied())
            }),
        ),
        ("snapshot_build", snapshot_build),
    ];
    timings.push((
        "projection",
        time(runs, || network::collaboration(&s, &all)),
    ));
    timings.push((
        "betweenness_whole_100_sources",
        time(runs, || {
            centrality::betweenness(&whole.graph, Some(&sources), None)
        }),
    ));
    if size != Size::Stress {
        timings.push((
            "betweenness_whole_exact",
            time(1, || centrality::betweenness(&whole.graph, None, None)),
        ));
        timings.push((
            "betweenness_collaboration_exact",
            time(1, || centrality::betweenness(&collab.graph, None, None)),
        ));
        timings.push((
            "closeness_collaboration",
            time(1, || centrality::closeness(&collab.graph, None)),
        ));
        // rustworkx-core on the same graph, for the choice of implementation.
        timings.push((
            "rustworkx_core_betweenness_collaboration_exact",
            time(1, || {
                rustworkx_core::centrality::betweenness_centrality(&collab.graph, false, true, 50)
            }),
        ));
        timings.push((
            "rustworkx_core_closeness_collaboration",
            time(1, || {
                rustworkx_core::centrality::closeness_centrality(&collab.graph, true, 50)
            }),
        ));
    }
    timings.push((
        "pagerank_collaboration",
        time(runs, || centrality::pagerank(&collab.graph)),
    ));
    timings.push((
        "louvain_collaboration",
        time(runs, || community::louvain(&collab.graph, 1.0, 1)),
    ));
    timings.push((
        "articulation_points_whole",
        time(runs, || {
            rustworkx_core::connectivity::articulation_points(&whole.graph, None)
        }),
    ));
    timings.push((
        "shortest_paths_1000_whole",
        time(runs, || {
            let mut search = paths::PathSearch::new(n);
            pairs
                .iter()
                .map(|&(a, b)| search.find(&whole.graph, a, b).map_or(0, |p| p.len()))
                .sum::<usize>()
        }),
    ));
    let body: Vec<String> = timings
        .iter()
        .map(|(name, t)| format!("    \"{name}\": {t:.6}"))
        .collect();
    println!(
        "{{\n  \"size\": \"{size:?}\",\n  \"whole\": {{ \"nodes\": {n}, \"edges\": {} }},\n  \"collaboration\": {{ \"nodes\": {}, \"edges\": {} }},\n  \"threads\": {},\n  \"seconds\": {{\n{}\n  }}\n}}",
        whole.graph.edge_count(),
        collab.nodes.len(),
        collab.graph.edge_count(),
        rayon::current_num_threads(),
        body.join(",\n")
    );
}
