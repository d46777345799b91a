//! Community detection (Louvain) with modularity, and measures of how well two partitions of
//! the same nodes agree (normalised mutual information, adjusted Rand index).
//!
//! Louvain follows Blondel et al., "Fast unfolding of communities in large networks" (2008):
//! move nodes to the neighbouring community with the best modularity gain until nothing
//! moves, fold communities into nodes, repeat. Node order is shuffled by a seed, so a result
//! can be reproduced.

use std::collections::HashMap;

use super::Csr;
use crate::synth::Rng;

/// A partition of a graph's nodes into communities `0..count`.
#[derive(Clone, Debug, PartialEq)]
pub struct Partition {
    /// The community of each node.
    pub community: Vec<u32>,
    pub count: usize,
    /// Modularity of the partition at the resolution it was found with.
    pub modularity: f64,
}

/// Modularity of a partition (Newman 2006) with a resolution parameter γ:
/// `Q = Σ_c [ L_c / m − γ (d_c / 2m)² ]`, with `L_c` the weight inside community `c`, `d_c`
/// the summed weighted degree of its nodes and `m` the total edge weight.
///
/// ```
/// use samenhang::analytics::{Csr, community::modularity};
/// // Two triangles joined by one edge, split into the triangles: Q = 5/14.
/// let g = Csr::from_edges(6, [(0, 1, 1.0), (1, 2, 1.0), (0, 2, 1.0), (2, 3, 1.0), (3, 4, 1.0), (4, 5, 1.0), (3, 5, 1.0)]);
/// let q = modularity(&g, &[0, 0, 0, 1, 1, 1], 1.0);
/// assert!((q - 5.0 / 14.0).abs() < 1e-12);
/// ```
pub fn modularity(graph: &Csr, community: &[u32], resolution: f64) -> f64 {
    let m = graph.total_weight();
    if m == 0.0 {
        return 0.0;
    }
    let k = community
        .iter()
        .copied()
        .max()
        .map_or(0, |c| c as usize + 1);
    let mut inside = vec![0.0; k];
    let mut degree = vec![0.0; k];
    for &(a, b, w) in graph.edge_list() {
        if community[a as usize] == community[b as usize] {
            inside[community[a as usize] as usize] += w;
        }
    }
    for v in 0..graph.node_count() as u32 {
        degree[community[v as usize] as usize] += graph.weighted_degree(v);
    }
    (0..k)
        .map(|c| inside[c] / m - resolution * (degree[c] / (2.0 * m)).powi(2))
        .sum()
}

/// One level of the Louvain hierarchy: a weighted graph with self-loops.
struct Level {
    /// Neighbours with weights (no self-loops here).
    adjacency: Vec<Vec<(u32, f64)>>,
    /// Weight of each node's self-loop (counted once).
    self_loops: Vec<f64>,
}

impl Level {
    fn strength(&self, v: usize) -> f64 {
        self.adjacency[v].iter().map(|e| e.1).sum::<f64>() + 2.0 * self.self_loops[v]
    }
}

/// Finds communities with the Louvain method at the given resolution (1.0 is classic
/// modularity); `seed` fixes the node order.
pub fn louvain(graph: &Csr, resolution: f64, seed: u64) -> Partition {
    let n = graph.node_count();
    let m = graph.total_weight();
    let mut membership: Vec<u32> = (0..n as u32).collect();
    if n == 0 || m == 0.0 {
        let count = n;
        return Partition {
            modularity: modularity(graph, &membership, resolution),
            community: membership,
            count,
        };
    }
    let mut level = Level {
        adjacency: (0..n as u32)
            .map(|v| {
                graph
                    .neighbors(v)
                    .iter()
                    .copied()
                    .zip(graph.weights(v).iter().copied())
                    .collect()
            })
            .collect(),
        self_loops: vec![0.0; n],
    };
    let mut rng = Rng::new(seed);
    loop {
        let (moved, communities) = one_level(&level, m, resolution, &mut rng);
        // Relabel to 0..k in order of first appearance.
        let mut label: HashMap<u32, u32> = HashMap::new();
        for &c in &communities {
            let next = label.len() as u32;
            label.entry(c).or_insert(next);
        }
        let k = label.len();
        for member in membership.iter_mut() {
            *member = label[&communities[*member as usize]];
        }
        if !moved || k == level.adjacency.len() {
            break;
        }
        level = fold(&level, &communities, &label, k);
    }
    let count = membership
        .iter()
        .copied()
        .max()
        .map_or(0, |c| c as usize + 1);
    Partition {
        modularity: modularity(graph, &membership, resolution),
        community: membership,
        count,
    }
}

/// Moves nodes between communities until no move improves modularity. Returns whether any
/// node moved, and each node's community.
fn one_level(level: &Level, m: f64, resolution: f64, rng: &mut Rng) -> (bool, Vec<u32>) {
    let n = level.adjacency.len();
    let strength: Vec<f64> = (0..n).map(|v| level.strength(v)).collect();
    let mut community: Vec<u32> = (0..n as u32).collect();
    let mut total: Vec<f64> = strength.clone();
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let two_m = 2.0 * m;
    let mut moved_any = false;
    let mut weight_to: HashMap<u32, f64> = HashMap::new();
    for _pass in 0..100 {
        let mut moved = false;
        for &v in &order {
            let own = community[v];
            weight_to.clear();
            for &(u, w) in &level.adjacency[v] {
                *weight_to.entry(community[u as usize]).or_insert(0.0) += w;
            }
            total[own as usize] -= strength[v];
            let gain = |c: u32, to: f64| to - resolution * total[c as usize] * strength[v] / two_m;
            let mut best = own;
            let mut best_gain = gain(own, weight_to.get(&own).copied().unwrap_or(0.0));
            let mut candidates: Vec<(u32, f64)> = weight_to.iter().map(|(&c, &w)| (c, w)).collect();
            candidates.sort_unstable_by_key(|c| c.0);
            for (c, to) in candidates {
                let g = gain(c, to);
                if g > best_gain + 1e-12 {
                    best = c;
                    best_gain = g;
                }
            }
            total[best as usize] += strength[v];
            if best != own {
                community[v] = best;
                moved = true;
                moved_any = true;
            }
        }
        if !moved {
            break;
        }
    }
    (moved_any, community)
}

/// Folds each community into one node of the next level.
fn fold(level: &Level, community: &[u32], label: &HashMap<u32, u32>, k: usize) -> Level {
    let mut weights: Vec<HashMap<u32, f64>> = vec![HashMap::new(); k];
    let mut self_loops = vec![0.0; k];
    for (v, edges) in level.adjacency.iter().enumerate() {
        let cv = label[&community[v]];
        self_loops[cv as usize] += level.self_loops[v];
        for &(u, w) in edges {
            let cu = label[&community[u as usize]];
            if cu == cv {
                // Each internal edge is seen from both ends.
                self_loops[cv as usize] += w / 2.0;
            } else {
                *weights[cv as usize].entry(cu).or_insert(0.0) += w;
            }
        }
    }
    Level {
        adjacency: weights
            .into_iter()
            .map(|map| {
                let mut list: Vec<(u32, f64)> = map.into_iter().collect();
                list.sort_unstable_by_key(|e| e.0);
                list
            })
            .collect(),
        self_loops,
    }
}

/// How two partitions of the same nodes agree.
#[derive(Clone, Debug, PartialEq)]
pub struct Agreement {
    /// Normalised mutual information (arithmetic normalisation): 1 for identical partitions,
    /// 0 for independent ones.
    pub nmi: f64,
    /// Adjusted Rand index (Hubert & Arabie 1985): 1 for identical, about 0 for random.
    pub ari: f64,
}

/// Compares two labelings of the same nodes.
///
/// ```
/// use samenhang::analytics::community::agreement;
/// let same = agreement(&[0, 0, 1, 1], &[5, 5, 7, 7]);
/// assert!((same.nmi - 1.0).abs() < 1e-12 && (same.ari - 1.0).abs() < 1e-12);
/// ```
pub fn agreement(a: &[u32], b: &[u32]) -> Agreement {
    let n = a.len().min(b.len());
    if n == 0 {
        return Agreement { nmi: 1.0, ari: 1.0 };
    }
    let mut joint: HashMap<(u32, u32), f64> = HashMap::new();
    let mut left: HashMap<u32, f64> = HashMap::new();
    let mut right: HashMap<u32, f64> = HashMap::new();
    for i in 0..n {
        *joint.entry((a[i], b[i])).or_insert(0.0) += 1.0;
        *left.entry(a[i]).or_insert(0.0) += 1.0;
        *right.entry(b[i]).or_insert(0.0) += 1.0;
    }
    let total = n as f64;
    let entropy = |counts: &HashMap<u32, f64>| -> f64 {
        counts
            .values()
            .map(|&c| c / total)
            .map(|p| -p * p.ln())
            .sum()
    };
    let mutual: f64 = joint
        .iter()
        .map(|(&(x, y), &c)| {
            let p = c / total;
            p * (p / ((left[&x] / total) * (right[&y] / total))).ln()
        })
        .sum();
    let (ha, hb) = (entropy(&left), entropy(&right));
    let nmi = if ha + hb == 0.0 {
        1.0
    } else {
        2.0 * mutual / (ha + hb)
    };
    let pairs = |x: f64| x * (x - 1.0) / 2.0;
    let index: f64 = joint.values().map(|&c| pairs(c)).sum();
    let sum_a: f64 = left.values().map(|&c| pairs(c)).sum();
    let sum_b: f64 = right.values().map(|&c| pairs(c)).sum();
    let expected = sum_a * sum_b / pairs(total).max(f64::MIN_POSITIVE);
    let max = (sum_a + sum_b) / 2.0;
    let ari = if (max - expected).abs() < 1e-12 {
        1.0
    } else {
        (index - expected) / (max - expected)
    };
    Agreement { nmi, ari }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::csr::two_triangles;

    #[test]
    fn louvain_finds_the_two_triangles() {
        for seed in 0..10 {
            let p = louvain(&two_triangles(), 1.0, seed);
            assert_eq!(p.count, 2, "seed {seed}");
            assert_eq!(p.community[0], p.community[1]);
            assert_eq!(p.community[1], p.community[2]);
            assert_eq!(p.community[3], p.community[5]);
            assert_ne!(p.community[0], p.community[3]);
            assert!((p.modularity - 5.0 / 14.0).abs() < 1e-12);
        }
    }

    #[test]
    fn louvain_separates_cliques_in_a_ring() {
        // Six 5-cliques in a ring, each joined to the next by one edge: the classic case where
        // modularity favours the cliques.
        let mut edges = Vec::new();
        for c in 0..6u32 {
            for i in 0..5 {
                for j in i + 1..5 {
                    edges.push((c * 5 + i, c * 5 + j, 1.0));
                }
            }
            edges.push((c * 5, ((c + 1) % 6) * 5 + 1, 1.0));
        }
        let g = Csr::from_edges(30, edges);
        let p = louvain(&g, 1.0, 3);
        assert_eq!(p.count, 6);
        let truth: Vec<u32> = (0..30).map(|v| v / 5).collect();
        let a = agreement(&p.community, &truth);
        assert!((a.nmi - 1.0).abs() < 1e-9 && (a.ari - 1.0).abs() < 1e-9);
        assert!(p.modularity > modularity(&g, &[0; 30], 1.0));
    }

    #[test]
    fn no_edges_no_communities_to_merge() {
        let g = Csr::from_edges(3, []);
        let p = louvain(&g, 1.0, 1);
        assert_eq!(p.count, 3);
        assert_eq!(p.modularity, 0.0);
    }

    #[test]
    fn agreement_by_hand() {
        // sklearn: normalized_mutual_info_score([0,0,1,1],[0,0,0,1]) = 0.3437110184854507,
        // adjusted_rand_score(...) = 0.0.
        let a = agreement(&[0, 0, 1, 1], &[0, 0, 0, 1]);
        assert!((a.nmi - 0.3437110184854507).abs() < 1e-12, "{a:?}");
        assert!(a.ari.abs() < 1e-12, "{a:?}");
    }
}
