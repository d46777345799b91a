//! `/metrics` in the Prometheus text format: requests by route and status with their latency,
//! GraphQL requests by operation type and outcome, writes and conflicts, the graph version and
//! the lag behind the database, open WebSockets, and the analytics cache's hits and misses.
//! Counters are kept by the `metrics` crate wherever they happen; this module installs the
//! recorder once per process and renders it.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use super::AppState;
use super::security::require_reader;

/// Latency buckets, in seconds: from a lookup to a slow analytics question.
const BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The process's recorder, installed by the first server of the process (tests start several).
pub fn handle() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets(BUCKETS)
                .ok()?
                .build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok()?;
            describe();
            Some(handle)
        })
        .as_ref()
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "samenhang_http_requests_total",
        "HTTP requests by route and status."
    );
    describe_histogram!(
        "samenhang_http_request_duration_seconds",
        metrics::Unit::Seconds,
        "Time to the answer's head, by route."
    );
    describe_counter!(
        "samenhang_graphql_requests_total",
        "GraphQL requests by operation type and outcome (ok, or the first error's code)."
    );
    describe_counter!(
        "samenhang_writes_total",
        "Committed writes of this process."
    );
    describe_counter!(
        "samenhang_write_conflicts_total",
        "Writes refused with CONFLICT (a stale version, a taken slug)."
    );
    describe_histogram!(
        "samenhang_write_duration_seconds",
        metrics::Unit::Seconds,
        "From the draft to the published snapshot."
    );
    describe_counter!(
        "samenhang_changes_applied_total",
        "Changes the graph took, by source (this process, or another's from the log)."
    );
    describe_gauge!(
        "samenhang_graph_version",
        "The version of the current graph snapshot."
    );
    describe_gauge!(
        "samenhang_replica_lag",
        "How many committed changes the graph is behind the database."
    );
    describe_gauge!("samenhang_websockets_open", "Open WebSockets.");
    describe_counter!(
        "samenhang_analytics_cache_total",
        "Analytics answers by whether the snapshot had them cached (hit) or computed them (miss)."
    );
}

/// Counts and times every request by its route (not its raw path, so the label set stays
/// small) and status.
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("samenhang_http_requests_total", "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("samenhang_http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`, for whoever may read.
pub async fn render(State(state): State<AppState>, request: Request) -> Response {
    if let Err(refused) = require_reader(&state, request.headers()).await {
        return refused;
    }
    metrics::gauge!("samenhang_graph_version").set(state.service.snapshot().version as f64);
    if let Ok(lag) = state.service.lag().await {
        metrics::gauge!("samenhang_replica_lag").set(lag as f64);
    }
    metrics::gauge!("samenhang_websockets_open").set(state.sockets.open_now() as f64);
    let body = handle().map_or_else(String::new, PrometheusHandle::render);
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}
