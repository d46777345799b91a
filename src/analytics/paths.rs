//! Shortest paths and neighbourhoods on unweighted graphs: a bidirectional breadth-first
//! search for one pair, and the ego network of a node up to `k` steps.

use std::collections::VecDeque;

use petgraph::visit::{IntoNeighbors, NodeIndexable};

/// A shortest path from `from` to `to` as node positions (both ends included), or `None` when
/// they are not connected. Searches from both ends at once, always growing the smaller
/// frontier, so it visits far fewer nodes than a one-sided search on large graphs. For many
/// queries on one graph, keep a [`PathSearch`] instead.
///
/// ```
/// use samenhang::analytics::{Csr, paths::shortest_path};
/// let g = Csr::from_edges(5, [(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0), (0, 4, 1.0), (4, 3, 1.0)]);
/// assert_eq!(shortest_path(&g, 0, 3), Some(vec![0, 4, 3]));
/// assert_eq!(shortest_path(&g, 2, 2), Some(vec![2]));
/// ```
pub fn shortest_path<G>(graph: G, from: usize, to: usize) -> Option<Vec<usize>>
where
    G: IntoNeighbors + NodeIndexable,
{
    PathSearch::new(graph.node_bound()).find(graph, from, to)
}

/// Work space for repeated shortest-path queries on graphs of up to `bound` nodes: each query
/// touches only the nodes it visits, so nothing is cleared or allocated per query.
pub struct PathSearch {
    /// Per side, the node each node was reached from, valid where `stamp` is current.
    parent: [Vec<usize>; 2],
    stamp: [Vec<u32>; 2],
    current: u32,
    frontier: [Vec<usize>; 2],
    next: Vec<usize>,
}

impl PathSearch {
    pub fn new(bound: usize) -> PathSearch {
        PathSearch {
            parent: [vec![0; bound], vec![0; bound]],
            stamp: [vec![0; bound], vec![0; bound]],
            current: 0,
            frontier: [Vec::new(), Vec::new()],
            next: Vec::new(),
        }
    }

    fn seen(&self, side: usize, v: usize) -> bool {
        self.stamp[side][v] == self.current
    }

    fn mark(&mut self, side: usize, v: usize, parent: usize) {
        self.stamp[side][v] = self.current;
        self.parent[side][v] = parent;
    }

    /// The shortest path from `from` to `to`, as [`shortest_path`] finds it.
    pub fn find<G>(&mut self, graph: G, from: usize, to: usize) -> Option<Vec<usize>>
    where
        G: IntoNeighbors + NodeIndexable,
    {
        let bound = self.parent[0].len();
        if from >= bound || to >= bound || graph.node_bound() > bound {
            return None;
        }
        if from == to {
            return Some(vec![from]);
        }
        self.current = self.current.wrapping_add(1);
        if self.current == 0 {
            // The stamps wrapped around: start them over.
            self.stamp.iter_mut().for_each(|s| s.fill(0));
            self.current = 1;
        }
        self.mark(0, from, from);
        self.mark(1, to, to);
        for side in 0..2 {
            self.frontier[side].clear();
        }
        self.frontier[0].push(from);
        self.frontier[1].push(to);
        while !self.frontier[0].is_empty() && !self.frontier[1].is_empty() {
            let side = if self.frontier[0].len() <= self.frontier[1].len() {
                0
            } else {
                1
            };
            let mut next = std::mem::take(&mut self.next);
            next.clear();
            let mut meeting = None;
            let frontier = std::mem::take(&mut self.frontier[side]);
            'grow: for &v in &frontier {
                for u in graph.neighbors(graph.from_index(v)) {
                    let u = graph.to_index(u);
                    if self.seen(side, u) {
                        continue;
                    }
                    self.mark(side, u, v);
                    if self.seen(1 - side, u) {
                        meeting = Some(u);
                        break 'grow;
                    }
                    next.push(u);
                }
            }
            self.frontier[side] = frontier;
            if let Some(m) = meeting {
                self.next = next;
                return Some(self.route(from, to, m));
            }
            std::mem::swap(&mut self.frontier[side], &mut next);
            self.next = next;
        }
        None
    }

    fn route(&self, from: usize, to: usize, meeting: usize) -> Vec<usize> {
        let mut path = Vec::new();
        let mut v = meeting;
        while v != from {
            path.push(v);
            v = self.parent[0][v];
        }
        path.push(from);
        path.reverse();
        let mut v = meeting;
        while v != to {
            v = self.parent[1][v];
            path.push(v);
        }
        path
    }
}

/// The ego network of `center`: every node within `depth` steps with its distance, stopping
/// once `limit` nodes are found (the boolean tells whether it stopped early).
///
/// ```
/// use samenhang::analytics::{Csr, paths::ego};
/// let path = Csr::from_edges(4, [(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0)]);
/// assert_eq!(ego(&path, 1, 1, 100), (vec![(1, 0), (0, 1), (2, 1)], false));
/// ```
pub fn ego<G>(graph: G, center: usize, depth: usize, limit: usize) -> (Vec<(usize, usize)>, bool)
where
    G: IntoNeighbors + NodeIndexable,
{
    let bound = graph.node_bound();
    if center >= bound {
        return (Vec::new(), false);
    }
    let mut distance = vec![usize::MAX; bound];
    let mut found = vec![(center, 0)];
    let mut queue = VecDeque::from([center]);
    distance[center] = 0;
    while let Some(v) = queue.pop_front() {
        if distance[v] == depth {
            continue;
        }
        for u in graph.neighbors(graph.from_index(v)) {
            let u = graph.to_index(u);
            if distance[u] == usize::MAX {
                if found.len() >= limit {
                    return (found, true);
                }
                distance[u] = distance[v] + 1;
                found.push((u, distance[u]));
                queue.push_back(u);
            }
        }
    }
    (found, false)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::analytics::Csr;

    /// Distances by plain BFS, the reference for the bidirectional search.
    fn bfs_distance(g: &Csr, from: usize, to: usize) -> Option<usize> {
        let (found, _) = ego(g, from, usize::MAX, usize::MAX);
        found.into_iter().find(|&(v, _)| v == to).map(|(_, d)| d)
    }

    proptest! {
        #[test]
        fn bidirectional_search_finds_shortest_paths(
            n in 2usize..40,
            edges in proptest::collection::vec((0u32..40, 0u32..40), 0..80),
            from in 0usize..40,
            to in 0usize..40,
        ) {
            let g = Csr::from_edges(n, edges.into_iter().map(|(a, b)| (a, b, 1.0)));
            let (from, to) = (from % n, to % n);
            let path = shortest_path(&g, from, to);
            prop_assert_eq!(path.as_ref().map(|p| p.len() - 1), bfs_distance(&g, from, to));
            // A reused search finds paths of the same length.
            let mut search = PathSearch::new(n);
            for _ in 0..3 {
                prop_assert_eq!(search.find(&g, from, to).map(|p| p.len()), path.as_ref().map(|p| p.len()));
                prop_assert_eq!(search.find(&g, to, from).map(|p| p.len()), path.as_ref().map(|p| p.len()));
            }
            if let Some(p) = path {
                prop_assert_eq!(p[0], from);
                prop_assert_eq!(*p.last().unwrap(), to);
                for step in p.windows(2) {
                    prop_assert!(g.neighbors(step[0] as u32).contains(&(step[1] as u32)));
                }
            }
        }
    }

    #[test]
    fn ego_stops_at_the_limit() {
        let star = Csr::from_edges(6, (1..6).map(|v| (0, v, 1.0)));
        let (found, truncated) = ego(&star, 0, 2, 3);
        assert_eq!(found.len(), 3);
        assert!(truncated);
    }
}
