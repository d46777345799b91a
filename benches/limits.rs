//! What the request bounds cost: the same queries executed in-process by the schema with its
//! limits (the cost measured before running, the values counted and the deadline checked
//! while running) and by the same schema without them.
//!
//! `cargo bench --bench limits`. Figures and the machine are in BENCHMARKS.md.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use samenhang::api::{build_schema, prepare, schema_builder};
use samenhang::auth::Principal;
use samenhang::config::{DatabaseUrl, ServeArgs};

const QUERIES: [(&str, &str); 3] = [
    (
        "partner page 20",
        "{ partners(first: 20) { nodes { id name } } }",
    ),
    (
        "front-end page 100x100",
        "{ partners(first: 100) { nodes { id name interventions(first: 100) \
         { edges { role node { id name } } } } } }",
    ),
    (
        "introspection",
        "{ __schema { types { name kind fields { name args { name type { name kind ofType { name } } } \
         type { name kind ofType { name kind ofType { name } } } } } } }",
    ),
];

fn execute(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = DatabaseUrl::new(format!(
        "sqlite://{}",
        dir.path().join("bench.sqlite").display()
    ));
    let service = runtime
        .block_on(samenhang::cli::open(&url, true))
        .expect("open");
    let bounded = build_schema(
        service.clone(),
        samenhang::server::limits(&ServeArgs::default()),
    );
    let unbounded = schema_builder().data(service.clone()).finish();
    let reader = || Principal::Anonymous { may_read: true };
    let mut group = c.benchmark_group("execute");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(5));
    for (name, query) in QUERIES {
        group.bench_function(BenchmarkId::new("with limits", name), |b| {
            b.to_async(&runtime).iter(|| async {
                let request = prepare(query.into(), &service, reader());
                black_box(bounded.execute(request).await)
            })
        });
        group.bench_function(BenchmarkId::new("without", name), |b| {
            b.to_async(&runtime).iter(|| async {
                let request = prepare(query.into(), &service, reader());
                black_box(unbounded.execute(request).await)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, execute);
criterion_main!(benches);
