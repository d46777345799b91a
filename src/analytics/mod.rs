//! Analytics: the integration questions of a programme, answered from a graph snapshot and
//! cached in it, so asking twice costs a lookup and a write (a new snapshot) starts afresh.
//!
//! The algorithms are plain functions over petgraph's visit traits and run on [`Csr`], a
//! compact copy of a network; rustworkx-core supplies what it has (articulation points,
//! bridges, eigenvector centrality) and checks our own implementations in property tests.

pub mod answers;
pub mod centrality;
pub mod community;
pub mod compare;
pub(crate) mod csr;
pub mod funding;
pub mod network;
pub mod paths;
pub mod questions;

use std::collections::BTreeMap;
use std::sync::Arc;

pub use centrality::{Cancel, Cancelled};
pub use csr::Csr;
pub use network::{Network, NetworkKind};

use crate::domain::{GoalLevel, Id};
use crate::graph::{CacheKey, Filter, Snapshot};

/// Above this many nodes betweenness is estimated from a sample of sources unless the caller
/// asks otherwise.
pub const EXACT_BETWEENNESS_LIMIT: usize = 5_000;
/// The sample size used above that limit.
pub const DEFAULT_SAMPLE: usize = 1_000;

/// Sets its flag when dropped: when a request is given up (it timed out), the server drops the
/// request's future, and the computation it started sees the flag and stops.
struct CancelOnDrop(Arc<Cancel>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Runs a computation on a blocking thread, so the async workers keep serving requests, with a
/// flag that is set when the returned future is dropped: the computation checks it and stops.
pub async fn off_thread<T: Send + 'static>(
    work: impl FnOnce(&Cancel) -> crate::error::Result<T> + Send + 'static,
) -> crate::error::Result<T> {
    let cancel = Arc::new(Cancel::new(false));
    let _on_drop = CancelOnDrop(cancel.clone());
    let span = tracing::debug_span!("analytics");
    tokio::task::spawn_blocking(move || span.in_scope(|| work(&cancel)))
        .await
        .map_err(|e| crate::error::Error::Internal(format!("a computation failed: {e}")))?
}

/// The cache key of [`network`]; the scope is [`network::scope_key`].
#[derive(Debug, PartialEq, Eq, Hash)]
struct NetworkKey {
    kind: NetworkKind,
    scope: String,
}

impl CacheKey for NetworkKey {
    type Value = Network;
}

/// The cache key of [`measure`].
#[derive(Debug, PartialEq, Eq, Hash)]
struct MeasureKey {
    kind: NetworkKind,
    measure: Measure,
    scope: String,
    sample: Option<usize>,
}

impl CacheKey for MeasureKey {
    type Value = Option<Vec<f64>>;
}

/// The cache key of [`brokers`].
#[derive(Debug, PartialEq, Eq, Hash)]
struct BrokersKey {
    kind: NetworkKind,
    scope: String,
}

impl CacheKey for BrokersKey {
    type Value = Brokers;
}

/// The cache key of [`communities`]; the resolution by its bits.
#[derive(Debug, PartialEq, Eq, Hash)]
struct CommunitiesKey {
    scope: String,
    resolution: u64,
    seed: u64,
}

impl CacheKey for CommunitiesKey {
    type Value = Communities;
}

/// The cache key of [`partners_by_cluster`].
#[derive(Debug, PartialEq, Eq, Hash)]
struct PartnersByClusterKey {
    scope: String,
}

impl CacheKey for PartnersByClusterKey {
    type Value = Vec<questions::PartnerClusters>;
}

/// The cache key of [`cluster_overlap`].
#[derive(Debug, PartialEq, Eq, Hash)]
struct OverlapKey {
    scope: String,
}

impl CacheKey for OverlapKey {
    type Value = questions::ClusterOverlap;
}

/// The cache key of [`coverage`].
#[derive(Debug, PartialEq, Eq, Hash)]
struct CoverageKey {
    scope: String,
    level: GoalLevel,
}

impl CacheKey for CoverageKey {
    type Value = questions::Coverage;
}

/// A network for a scope, built once per snapshot.
pub fn network(s: &Snapshot, kind: NetworkKind, scope: &Filter) -> Arc<Network> {
    let key = NetworkKey {
        kind,
        scope: network::scope_key(scope),
    };
    s.cached(key, || match kind {
        NetworkKind::Collaboration => network::collaboration(s, scope),
        NetworkKind::Whole => network::whole(s, scope),
    })
}

/// A centrality measure.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Measure {
    /// Links per node.
    Degree,
    /// Degree over n − 1.
    DegreeCentrality,
    /// Summed edge weights (shared interventions, on the collaboration network).
    WeightedDegree,
    /// Shortest-path betweenness, exact or estimated from a sample of sources.
    Betweenness,
    /// Closeness (Wasserman–Faust).
    Closeness,
    /// Eigenvector centrality; absent when the iteration does not converge.
    Eigenvector,
    /// PageRank; absent when the iteration does not converge.
    Pagerank,
}

/// The number of betweenness sources to use: all (exact) for small networks, else a sample.
pub fn sample_size(nodes: usize, requested: Option<usize>) -> Option<usize> {
    match requested {
        Some(k) if k < nodes => Some(k.max(1)),
        Some(_) => None,
        None if nodes > EXACT_BETWEENNESS_LIMIT => Some(DEFAULT_SAMPLE),
        None => None,
    }
}

/// Evenly spread, seeded choice of `k` sources among `n` nodes.
fn sources(n: usize, k: usize, seed: u64) -> Vec<usize> {
    let mut all: Vec<usize> = (0..n).collect();
    let mut rng = crate::synth::Rng::new(seed);
    for i in 0..k.min(n) {
        let j = i + rng.below(n - i);
        all.swap(i, j);
    }
    all.truncate(k);
    all.sort_unstable();
    all
}

/// One centrality measure of every node of a network (in node order), computed once per
/// snapshot, scope and, for betweenness, sample size. `None` when an iteration did not
/// converge. Only what is asked for is computed. Betweenness and closeness stop when `cancel`
/// is set; a cancelled computation is not cached.
pub fn measure(
    s: &Snapshot,
    kind: NetworkKind,
    scope: &Filter,
    measure: Measure,
    sample: Option<usize>,
    cancel: Option<&Cancel>,
) -> Result<Arc<Option<Vec<f64>>>, Cancelled> {
    let net = network(s, kind, scope);
    let n = net.nodes.len();
    let sample = sample_size(n, sample).filter(|_| measure == Measure::Betweenness);
    let key = MeasureKey {
        kind,
        measure,
        scope: network::scope_key(scope),
        sample,
    };
    s.cached_try(key, || {
        let g = &net.graph;
        Ok(match measure {
            Measure::Degree => Some((0..n as u32).map(|v| g.degree(v) as f64).collect()),
            Measure::DegreeCentrality => Some(centrality::degree_centrality(g)),
            Measure::WeightedDegree => Some((0..n as u32).map(|v| g.weighted_degree(v)).collect()),
            Measure::Betweenness => {
                let chosen = sample.map(|k| sources(n, k, 1));
                Some(centrality::betweenness(g, chosen.as_deref(), cancel)?)
            }
            Measure::Closeness => Some(centrality::closeness(g, cancel)?),
            Measure::Eigenvector => centrality::eigenvector(g),
            Measure::Pagerank => centrality::pagerank(g),
        })
    })
}

/// The nodes and links whose loss splits a network.
#[derive(Clone, Debug, Default)]
pub struct Brokers {
    /// Nodes whose removal splits their component (positions in the network).
    pub articulation_points: Vec<u32>,
    /// Links whose removal splits their component, `(u, v)` with `u < v`.
    pub bridges: Vec<(u32, u32)>,
    /// The connected components, largest first.
    pub components: Vec<Vec<u32>>,
}

/// Articulation points and bridges (rustworkx-core) and components of a network.
pub fn brokers(s: &Snapshot, kind: NetworkKind, scope: &Filter) -> Arc<Brokers> {
    let net = network(s, kind, scope);
    let key = BrokersKey {
        kind,
        scope: network::scope_key(scope),
    };
    s.cached(key, || {
        let g = &net.graph;
        let mut articulation_points: Vec<u32> =
            rustworkx_core::connectivity::articulation_points(g, None)
                .into_iter()
                .collect();
        articulation_points.sort_unstable();
        let mut bridges: Vec<(u32, u32)> = rustworkx_core::connectivity::bridges(g)
            .into_iter()
            .map(|(a, b)| (a.min(b), a.max(b)))
            .collect();
        bridges.sort_unstable();
        let mut components: Vec<Vec<u32>> = rustworkx_core::connectivity::connected_components(g)
            .into_iter()
            .map(|c| {
                let mut c: Vec<u32> = c.into_iter().collect();
                c.sort_unstable();
                c
            })
            .collect();
        components.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        Brokers {
            articulation_points,
            bridges,
            components,
        }
    })
}

/// [`questions::partners_by_cluster`], once per snapshot and scope.
pub fn partners_by_cluster(s: &Snapshot, scope: &Filter) -> Arc<Vec<questions::PartnerClusters>> {
    let key = PartnersByClusterKey {
        scope: network::scope_key(scope),
    };
    s.cached(key, || questions::partners_by_cluster(s, scope))
}

/// [`questions::cluster_overlap`], once per snapshot and scope.
pub fn cluster_overlap(s: &Snapshot, scope: &Filter) -> Arc<questions::ClusterOverlap> {
    let key = OverlapKey {
        scope: network::scope_key(scope),
    };
    s.cached(key, || questions::cluster_overlap(s, scope))
}

/// [`questions::coverage`], once per snapshot, scope and goal level.
pub fn coverage(s: &Snapshot, scope: &Filter, level: GoalLevel) -> Arc<questions::Coverage> {
    let key = CoverageKey {
        scope: network::scope_key(scope),
        level,
    };
    s.cached(key, || questions::coverage(s, scope, level))
}

/// Communities of the collaboration network and how they line up with the formal clusters.
#[derive(Clone, Debug)]
pub struct Communities {
    pub partition: community::Partition,
    /// Each partner's formal cluster: the one most of its interventions in scope work for
    /// (ties: the first cluster); `None` for partners only in interventions of no cluster.
    pub cluster: Vec<Option<Id>>,
    pub agreement: community::Agreement,
}

/// Louvain communities of the collaboration network, computed once per snapshot, scope,
/// resolution and seed.
pub fn communities(s: &Snapshot, scope: &Filter, resolution: f64, seed: u64) -> Arc<Communities> {
    let net = network(s, NetworkKind::Collaboration, scope);
    let key = CommunitiesKey {
        scope: network::scope_key(scope),
        resolution: resolution.to_bits(),
        seed,
    };
    s.cached(key, || {
        let partition = community::louvain(&net.graph, resolution, seed);
        let per_partner: BTreeMap<Id, Vec<questions::ClusterInterventions>> =
            questions::partners_by_cluster(s, scope)
                .into_iter()
                .map(|p| (p.partner, p.clusters))
                .collect();
        let cluster: Vec<Option<Id>> = net
            .nodes
            .iter()
            .map(|p| {
                per_partner.get(p).and_then(|clusters| {
                    clusters
                        .iter()
                        .max_by(|a, b| {
                            a.interventions
                                .len()
                                .cmp(&b.interventions.len())
                                .then(b.programme.cmp(&a.programme))
                        })
                        .map(|c| c.programme)
                })
            })
            .collect();
        let labels: Vec<u32> = cluster
            .iter()
            .map(|c| c.map_or(u32::MAX, |id| id as u32))
            .collect();
        let agreement = community::agreement(&partition.community, &labels);
        Communities {
            partition,
            cluster,
            agreement,
        }
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;
    use std::time::Duration;

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_request_given_up_stops_its_computation() {
        let (seen, stopped) = std::sync::mpsc::channel();
        let work = off_thread(move |cancel| {
            for _ in 0..10_000 {
                if cancel.load(Ordering::Relaxed) {
                    let _ = seen.send(());
                    return Err(Cancelled.into());
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            Ok(())
        });
        // As the server's timeout does: wait a little, then drop the request's future.
        let timed_out = tokio::time::timeout(Duration::from_millis(50), work).await;
        assert!(timed_out.is_err());
        stopped
            .recv_timeout(Duration::from_secs(5))
            .expect("the computation saw the cancel and stopped");
    }
}
