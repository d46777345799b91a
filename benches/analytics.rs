//! Criterion benchmarks of the analytics at the three synthetic sizes: building the graph
//! snapshot, the partner projection, betweenness, communities and 1 000 shortest paths.
//!
//! `cargo bench --bench analytics` (add a filter such as `national` to run part of it).
//! Figures and the machine are in BENCHMARKS.md.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use samenhang::analytics::{centrality, community, network, paths};
use samenhang::graph::{Filter, Snapshot};
use samenhang::synth::{Rng, Size, generate};

const SIZES: [(Size, &str); 3] = [
    (Size::Municipality, "municipality"),
    (Size::National, "national"),
    (Size::Stress, "stress"),
];

fn snapshot(size: Size) -> Snapshot {
    Snapshot::build(generate(size, 42), 1)
}

fn graph_build(c: &mut Criterion) {
    let mut group = c.benchmark_group("graph_build");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for (size, name) in SIZES {
        let data = generate(size, 42);
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| black_box(Snapshot::build(data.clone(), 1)))
        });
    }
    group.finish();
}

fn projection(c: &mut Criterion) {
    let mut group = c.benchmark_group("projection");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for (size, name) in SIZES {
        let s = snapshot(size);
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| black_box(network::collaboration(&s, &Filter::default())))
        });
    }
    group.finish();
}

fn betweenness(c: &mut Criterion) {
    let mut group = c.benchmark_group("betweenness");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30));
    for (size, name) in SIZES {
        let s = snapshot(size);
        let collaboration = network::collaboration(&s, &Filter::default());
        let whole = network::whole(&s, &Filter::default());
        if size != Size::Stress {
            group.bench_function(BenchmarkId::new("collaboration_exact", name), |b| {
                b.iter(|| black_box(centrality::betweenness(&collaboration.graph, None, None)))
            });
            group.bench_function(BenchmarkId::new("whole_exact", name), |b| {
                b.iter(|| black_box(centrality::betweenness(&whole.graph, None, None)))
            });
        }
        let sources: Vec<usize> = (0..whole.nodes.len())
            .step_by((whole.nodes.len() / 100).max(1))
            .collect();
        group.bench_function(BenchmarkId::new("whole_100_sources", name), |b| {
            b.iter(|| black_box(centrality::betweenness(&whole.graph, Some(&sources), None)))
        });
    }
    group.finish();
}

fn communities(c: &mut Criterion) {
    let mut group = c.benchmark_group("communities");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for (size, name) in SIZES {
        let s = snapshot(size);
        let net = network::collaboration(&s, &Filter::default());
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| black_box(community::louvain(&net.graph, 1.0, 1)))
        });
    }
    group.finish();
}

fn shortest_paths(c: &mut Criterion) {
    let mut group = c.benchmark_group("shortest_paths_1000");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for (size, name) in SIZES {
        let s = snapshot(size);
        let whole = network::whole(&s, &Filter::default());
        let n = whole.nodes.len();
        let mut rng = Rng::new(7);
        let pairs: Vec<(usize, usize)> = (0..1000).map(|_| (rng.below(n), rng.below(n))).collect();
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| {
                let mut search = paths::PathSearch::new(n);
                for &(a, z) in &pairs {
                    black_box(search.find(&whole.graph, a, z));
                }
            })
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    graph_build,
    projection,
    betweenness,
    communities,
    shortest_paths
);
criterion_main!(benches);
