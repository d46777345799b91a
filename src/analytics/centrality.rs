//! Centrality measures on undirected graphs, generic over petgraph's visit traits and fast on
//! [`super::Csr`]. Betweenness and closeness run in parallel over source nodes (rayon);
//! eigenvector centrality comes from rustworkx-core.
//!
//! Definitions and normalisations follow NetworkX, so results can be compared one to one:
//! betweenness (Brandes 2001, normalised by `(n-1)(n-2)`), closeness (Wasserman–Faust for
//! graphs that are not connected), PageRank (Page et al. 1999, damping 0.85) and degree
//! centrality (`degree / (n-1)`).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};

use petgraph::visit::{
    EdgeRef, IntoEdges, IntoNeighbors, IntoNodeIdentifiers, NodeCount, NodeIndexable,
};
use rayon::prelude::*;

/// Stops a long computation from another thread (e.g. when a request times out).
pub type Cancel = AtomicBool;

/// Was the computation given up?
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the computation was cancelled")]
pub struct Cancelled;

/// Degree centrality: the share of the other nodes each node is linked to.
///
/// ```
/// use samenhang::analytics::{Csr, centrality::degree_centrality};
/// let star = Csr::from_edges(4, [(0, 1, 1.0), (0, 2, 1.0), (0, 3, 1.0)]);
/// assert_eq!(degree_centrality(&star), vec![1.0, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0]);
/// ```
pub fn degree_centrality<G>(graph: G) -> Vec<f64>
where
    G: IntoNodeIdentifiers + IntoNeighbors + NodeIndexable + NodeCount,
{
    let n = graph.node_count();
    let scale = if n > 1 { 1.0 / (n - 1) as f64 } else { 0.0 };
    let mut out = vec![0.0; graph.node_bound()];
    for node in graph.node_identifiers() {
        out[graph.to_index(node)] = graph.neighbors(node).count() as f64 * scale;
    }
    out
}

/// Per-thread work space for one breadth-first search.
struct Bfs {
    distance: Vec<i64>,
    sigma: Vec<f64>,
    delta: Vec<f64>,
    order: Vec<usize>,
    queue: VecDeque<usize>,
    score: Vec<f64>,
}

impl Bfs {
    fn new(n: usize) -> Bfs {
        Bfs {
            distance: vec![-1; n],
            sigma: vec![0.0; n],
            delta: vec![0.0; n],
            order: Vec::with_capacity(n),
            queue: VecDeque::with_capacity(n),
            score: vec![0.0; n],
        }
    }
}

/// How many parts the sources of betweenness are split into for the threads.
const PARTS: usize = 32;

/// Shortest-path betweenness centrality (Brandes 2001), unweighted.
///
/// With `sources`, only those nodes start shortest paths and the result is scaled by
/// `n / sources.len()`: an estimate (Brandes & Pich 2007) that is exact when all nodes are
/// sources. Normalised as NetworkX does for undirected graphs. Runs in parallel over sources
/// and checks `cancel` between them.
///
/// ```
/// use samenhang::analytics::{Csr, centrality::betweenness};
/// // A path 0 - 1 - 2: every shortest path between the ends runs through 1.
/// let path = Csr::from_edges(3, [(0, 1, 1.0), (1, 2, 1.0)]);
/// assert_eq!(betweenness(&path, None, None).unwrap(), vec![0.0, 1.0, 0.0]);
/// ```
pub fn betweenness<G>(
    graph: G,
    sources: Option<&[usize]>,
    cancel: Option<&Cancel>,
) -> Result<Vec<f64>, Cancelled>
where
    G: IntoNodeIdentifiers + IntoNeighbors + NodeIndexable + NodeCount + Sync,
{
    let bound = graph.node_bound();
    let n = graph.node_count();
    let all: Vec<usize> = graph
        .node_identifiers()
        .map(|v| graph.to_index(v))
        .collect();
    let sources = sources.unwrap_or(&all);
    // Fixed parts summed in order: the floating-point sums, and so the scores, are the same
    // on every run whatever the threads do.
    let size = sources.len().div_ceil(PARTS).max(1);
    let partials = sources
        .par_chunks(size)
        .map(|part| {
            let mut work = Bfs::new(bound);
            for &s in part {
                if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                    return Err(Cancelled);
                }
                brandes_from(graph, s, &mut work);
            }
            Ok(work.score)
        })
        .collect::<Result<Vec<_>, Cancelled>>()?;
    let mut total = vec![0.0; bound];
    for part in partials {
        total.iter_mut().zip(part).for_each(|(x, y)| *x += y);
    }
    let mut scores = total;
    let mut scale = if n > 2 {
        1.0 / ((n - 1) * (n - 2)) as f64
    } else {
        1.0
    };
    if !sources.is_empty() && sources.len() < n {
        scale *= n as f64 / sources.len() as f64;
    }
    if n > 2 {
        scores.iter_mut().for_each(|x| *x *= scale);
    }
    Ok(scores)
}

/// One source of Brandes' algorithm: a BFS counting shortest paths, then dependencies
/// accumulated back from the farthest nodes (predecessors found again by distance rather than
/// stored, which keeps the work space flat).
fn brandes_from<G>(graph: G, source: usize, w: &mut Bfs)
where
    G: IntoNeighbors + NodeIndexable,
{
    for &v in &w.order {
        w.distance[v] = -1;
        w.sigma[v] = 0.0;
        w.delta[v] = 0.0;
    }
    w.order.clear();
    w.distance[source] = 0;
    w.sigma[source] = 1.0;
    w.queue.push_back(source);
    while let Some(v) = w.queue.pop_front() {
        w.order.push(v);
        let next = w.distance[v] + 1;
        for u in graph.neighbors(graph.from_index(v)) {
            let u = graph.to_index(u);
            if w.distance[u] < 0 {
                w.distance[u] = next;
                w.queue.push_back(u);
            }
            if w.distance[u] == next {
                w.sigma[u] += w.sigma[v];
            }
        }
    }
    for i in (0..w.order.len()).rev() {
        let v = w.order[i];
        let coefficient = (1.0 + w.delta[v]) / w.sigma[v];
        let previous = w.distance[v] - 1;
        for u in graph.neighbors(graph.from_index(v)) {
            let u = graph.to_index(u);
            if w.distance[u] == previous {
                w.delta[u] += w.sigma[u] * coefficient;
            }
        }
        if v != source {
            w.score[v] += w.delta[v];
        }
    }
}

/// Closeness centrality: how near a node is to all nodes it can reach, scaled by the share of
/// the graph it reaches (Wasserman & Faust 1994; NetworkX's `wf_improved`). Unweighted; runs
/// in parallel and checks `cancel` between sources.
///
/// ```
/// use samenhang::analytics::{Csr, centrality::closeness};
/// let path = Csr::from_edges(3, [(0, 1, 1.0), (1, 2, 1.0)]);
/// let c = closeness(&path, None).unwrap();
/// assert_eq!(c, vec![2.0 / 3.0, 1.0, 2.0 / 3.0]);
/// ```
pub fn closeness<G>(graph: G, cancel: Option<&Cancel>) -> Result<Vec<f64>, Cancelled>
where
    G: IntoNodeIdentifiers + IntoNeighbors + NodeIndexable + NodeCount + Sync,
{
    let bound = graph.node_bound();
    let n = graph.node_count();
    let nodes: Vec<usize> = graph
        .node_identifiers()
        .map(|v| graph.to_index(v))
        .collect();
    let pairs: Vec<(usize, f64)> = nodes
        .par_iter()
        .map_init(
            || {
                (
                    vec![-1i64; bound],
                    VecDeque::with_capacity(bound),
                    Vec::with_capacity(bound),
                )
            },
            |(distance, queue, seen), &s| {
                if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                    return Err(Cancelled);
                }
                for &v in seen.iter() {
                    distance[v] = -1;
                }
                seen.clear();
                distance[s] = 0;
                seen.push(s);
                queue.push_back(s);
                let mut sum = 0i64;
                while let Some(v) = queue.pop_front() {
                    for u in graph.neighbors(graph.from_index(v)) {
                        let u = graph.to_index(u);
                        if distance[u] < 0 {
                            distance[u] = distance[v] + 1;
                            sum += distance[u];
                            seen.push(u);
                            queue.push_back(u);
                        }
                    }
                }
                let reached = (seen.len() - 1) as f64;
                let value = if sum > 0 && n > 1 {
                    reached / sum as f64 * reached / (n - 1) as f64
                } else {
                    0.0
                };
                Ok((s, value))
            },
        )
        .collect::<Result<_, _>>()?;
    let mut out = vec![0.0; bound];
    for (v, c) in pairs {
        out[v] = c;
    }
    Ok(out)
}

/// PageRank with edge weights as transition weights, damping 0.85 and a uniform
/// teleport; isolated nodes spread their rank evenly (as NetworkX does). Iterates until the
/// L1 change is below `n × 1e-6`, at most 100 times; returns `None` when it does not settle.
///
/// ```
/// use samenhang::analytics::{Csr, centrality::pagerank};
/// let star = Csr::from_edges(3, [(0, 1, 1.0), (0, 2, 1.0)]);
/// let pr = pagerank(&star).unwrap();
/// assert!((pr.iter().sum::<f64>() - 1.0).abs() < 1e-9);
/// assert!(pr[0] > pr[1] && (pr[1] - pr[2]).abs() < 1e-12);
/// ```
pub fn pagerank<G>(graph: G) -> Option<Vec<f64>>
where
    G: IntoNodeIdentifiers + IntoEdges + NodeIndexable + NodeCount,
    G::EdgeWeight: Copy + Into<f64>,
{
    const DAMPING: f64 = 0.85;
    let bound = graph.node_bound();
    let n = graph.node_count();
    if n == 0 {
        return Some(Vec::new());
    }
    let nodes: Vec<G::NodeId> = graph.node_identifiers().collect();
    let strength: Vec<f64> = {
        let mut s = vec![0.0; bound];
        for &v in &nodes {
            s[graph.to_index(v)] = graph.edges(v).map(|e| (*e.weight()).into()).sum();
        }
        s
    };
    let mut rank = vec![0.0; bound];
    for &v in &nodes {
        rank[graph.to_index(v)] = 1.0 / n as f64;
    }
    for _ in 0..100 {
        let dangling: f64 = nodes
            .iter()
            .map(|&v| graph.to_index(v))
            .filter(|&v| strength[v] == 0.0)
            .map(|v| rank[v])
            .sum();
        let base = (1.0 - DAMPING) / n as f64 + DAMPING * dangling / n as f64;
        let mut next = vec![0.0; bound];
        for &v in &nodes {
            next[graph.to_index(v)] = base;
        }
        for &v in &nodes {
            let i = graph.to_index(v);
            if strength[i] == 0.0 {
                continue;
            }
            let share = DAMPING * rank[i] / strength[i];
            for e in graph.edges(v) {
                next[graph.to_index(e.target())] += share * (*e.weight()).into();
            }
        }
        let change: f64 = nodes
            .iter()
            .map(|&v| (next[graph.to_index(v)] - rank[graph.to_index(v)]).abs())
            .sum();
        rank = next;
        if change < n as f64 * 1e-6 {
            return Some(rank);
        }
    }
    None
}

/// Eigenvector centrality with edge weights (rustworkx-core; power iteration on `A + I`,
/// unit length). `None` when it does not converge in 100 iterations.
pub fn eigenvector(graph: &super::Csr) -> Option<Vec<f64>> {
    rustworkx_core::centrality::eigenvector_centrality(
        graph,
        |e| Ok::<f64, Cancelled>(*e.weight()),
        Some(100),
        Some(1e-6),
    )
    .ok()
    .flatten()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::analytics::Csr;

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-9)
    }

    /// The example of Brandes' paper and of rustworkx-core's docs, hand-checked: a house with
    /// a roof (nodes 0-4).
    #[test]
    fn betweenness_by_hand() {
        let g = Csr::from_edges(
            5,
            [
                (0, 4, 1.0),
                (1, 2, 1.0),
                (2, 3, 1.0),
                (3, 4, 1.0),
                (1, 4, 1.0),
            ],
        );
        // Shortest paths through each node, counted by hand per pair: node 4 carries 0-1, 0-2
        // (both of its paths), 0-3 and half of 1-3; node 2 half of 1-3; nodes 1 and 3 half of
        // 0-2 and half of 2-4 each; node 0 nothing.
        let pairs = [0.0, 1.0, 0.5, 1.0, 3.5];
        let b = betweenness(&g, None, None).unwrap();
        let normalised: Vec<f64> = pairs.iter().map(|p| p / 6.0).collect(); // ÷ (n-1)(n-2)/2
        assert!(close(&b, &normalised), "{b:?}");
    }

    #[test]
    fn sampling_every_source_is_exact() {
        let g = Csr::from_edges(
            6,
            [
                (0, 1, 1.0),
                (1, 2, 1.0),
                (2, 3, 1.0),
                (3, 4, 1.0),
                (4, 5, 1.0),
                (1, 4, 1.0),
            ],
        );
        let all: Vec<usize> = (0..6).collect();
        assert!(close(
            &betweenness(&g, None, None).unwrap(),
            &betweenness(&g, Some(&all), None).unwrap()
        ));
        let cancel = Cancel::new(true);
        assert_eq!(betweenness(&g, None, Some(&cancel)), Err(Cancelled));
    }

    #[test]
    fn betweenness_is_the_same_on_every_run() {
        // Enough sources for many parts and threads; the sums must not depend on timing.
        let n = 600u32;
        let g = Csr::from_edges(
            n as usize,
            (0..n).flat_map(|v| [(v, (v + 1) % n, 1.0), (v, (v * 7 + 3) % n, 1.0)]),
        );
        let first = betweenness(&g, None, None).unwrap();
        for _ in 0..5 {
            let again = betweenness(&g, None, None).unwrap();
            assert!(
                first
                    .iter()
                    .zip(&again)
                    .all(|(a, b)| a.to_bits() == b.to_bits())
            );
        }
    }

    #[test]
    fn closeness_of_a_disconnected_graph() {
        // Two pairs: each node reaches one other at distance 1 out of n-1 = 3.
        let g = Csr::from_edges(4, [(0, 1, 1.0), (2, 3, 1.0)]);
        assert!(close(&closeness(&g, None).unwrap(), &[1.0 / 3.0; 4]));
    }

    fn random_graph() -> impl Strategy<Value = Csr> {
        (2usize..30).prop_flat_map(|n| {
            proptest::collection::vec((0..n as u32, 0..n as u32, 1u8..4), 0..n * 3).prop_map(
                move |edges| {
                    Csr::from_edges(n, edges.into_iter().map(|(a, b, w)| (a, b, w as f64)))
                },
            )
        })
    }

    proptest! {
        /// Our betweenness and rustworkx-core's agree on random graphs.
        #[test]
        fn betweenness_agrees_with_rustworkx_core(g in random_graph()) {
            let ours = betweenness(&g, None, None).unwrap();
            let theirs: Vec<f64> = rustworkx_core::centrality::betweenness_centrality(&g, false, true, 1000)
                .into_iter().map(|x| x.unwrap_or(0.0)).collect();
            prop_assert!(close(&ours, &theirs), "{ours:?} vs {theirs:?}");
        }

        /// Our closeness and rustworkx-core's agree on random graphs.
        #[test]
        fn closeness_agrees_with_rustworkx_core(g in random_graph()) {
            let ours = closeness(&g, None).unwrap();
            let theirs: Vec<f64> = rustworkx_core::centrality::closeness_centrality(&g, true, 1000)
                .into_iter().map(|x| x.unwrap_or(0.0)).collect();
            prop_assert!(close(&ours, &theirs), "{ours:?} vs {theirs:?}");
        }

        /// PageRank is a distribution.
        #[test]
        fn pagerank_sums_to_one(g in random_graph()) {
            if let Some(pr) = pagerank(&g) {
                prop_assert!((pr.iter().sum::<f64>() - 1.0).abs() < 1e-6);
            }
        }
    }
}
