//! [`Csr`]: a compact, immutable, undirected and weighted graph (compressed sparse rows: one
//! flat neighbour array with offsets per node). Analytics run on it rather than on the
//! petgraph model graph, whose linked edge lists are several times slower to traverse.
//!
//! `&Csr` implements the petgraph visit traits, so rustworkx-core's algorithms and our own
//! generic ones run on it unchanged.

use std::iter::Copied;
use std::ops::Range;
use std::slice;

use fixedbitset::FixedBitSet;
use petgraph::Undirected;
use petgraph::visit::{
    Data, EdgeCount, EdgeRef, GraphBase, GraphProp, IntoEdgeReferences, IntoEdges,
    IntoEdgesDirected, IntoNeighbors, IntoNeighborsDirected, IntoNodeIdentifiers,
    NodeCompactIndexable, NodeCount, NodeIndexable, Visitable,
};

/// An undirected weighted graph on nodes `0..n`.
#[derive(Clone, Debug, Default)]
pub struct Csr {
    offsets: Vec<usize>,
    targets: Vec<u32>,
    weights: Vec<f64>,
    /// For each half-edge, the undirected edge it belongs to.
    edge_of: Vec<u32>,
    /// Each undirected edge once: `(u, v, weight)` with `u < v`.
    edges: Vec<(u32, u32, f64)>,
}

impl Csr {
    /// Builds the graph from undirected edges. Self-loops are dropped; a repeated pair keeps
    /// the weights summed.
    pub fn from_edges(node_count: usize, edges: impl IntoIterator<Item = (u32, u32, f64)>) -> Csr {
        let mut list: Vec<(u32, u32, f64)> = edges
            .into_iter()
            .filter(|&(a, b, _)| a != b && (a as usize) < node_count && (b as usize) < node_count)
            .map(|(a, b, w)| if a < b { (a, b, w) } else { (b, a, w) })
            .collect();
        list.sort_unstable_by_key(|&(a, b, _)| (a, b));
        list.dedup_by(|next, kept| {
            if (next.0, next.1) == (kept.0, kept.1) {
                kept.2 += next.2;
                true
            } else {
                false
            }
        });
        let mut degree = vec![0usize; node_count + 1];
        for &(a, b, _) in &list {
            degree[a as usize] += 1;
            degree[b as usize] += 1;
        }
        let mut offsets = Vec::with_capacity(node_count + 1);
        let mut total = 0;
        offsets.push(0);
        for d in &degree[..node_count] {
            total += d;
            offsets.push(total);
        }
        let mut fill = offsets.clone();
        let mut targets = vec![0u32; total];
        let mut weights = vec![0f64; total];
        let mut edge_of = vec![0u32; total];
        for (e, &(a, b, w)) in list.iter().enumerate() {
            for (from, to) in [(a, b), (b, a)] {
                let slot = fill[from as usize];
                targets[slot] = to;
                weights[slot] = w;
                edge_of[slot] = e as u32;
                fill[from as usize] += 1;
            }
        }
        Csr {
            offsets,
            targets,
            weights,
            edge_of,
            edges: list,
        }
    }

    pub fn node_count(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// The neighbours of a node.
    pub fn neighbors(&self, node: u32) -> &[u32] {
        let n = node as usize;
        &self.targets[self.offsets[n]..self.offsets[n + 1]]
    }

    /// The weights of a node's edges, in the order of [`Csr::neighbors`].
    pub fn weights(&self, node: u32) -> &[f64] {
        let n = node as usize;
        &self.weights[self.offsets[n]..self.offsets[n + 1]]
    }

    pub fn degree(&self, node: u32) -> usize {
        let n = node as usize;
        self.offsets[n + 1] - self.offsets[n]
    }

    /// The sum of a node's edge weights.
    pub fn weighted_degree(&self, node: u32) -> f64 {
        self.weights(node).iter().sum()
    }

    /// Every undirected edge once, as `(u, v, weight)` with `u < v`.
    pub fn edge_list(&self) -> &[(u32, u32, f64)] {
        &self.edges
    }

    /// The sum of all edge weights.
    pub fn total_weight(&self) -> f64 {
        self.edges.iter().map(|e| e.2).sum()
    }
}

/// An edge as petgraph's traits see it.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct CsrEdge<'a> {
    source: u32,
    target: u32,
    id: u32,
    weight: &'a f64,
}

impl<'a> EdgeRef for CsrEdge<'a> {
    type NodeId = u32;
    type EdgeId = u32;
    type Weight = f64;
    fn source(&self) -> u32 {
        self.source
    }
    fn target(&self) -> u32 {
        self.target
    }
    fn weight(&self) -> &f64 {
        self.weight
    }
    fn id(&self) -> u32 {
        self.id
    }
}

impl GraphBase for Csr {
    type NodeId = u32;
    type EdgeId = u32;
}

impl Data for Csr {
    type NodeWeight = ();
    type EdgeWeight = f64;
}

impl NodeCount for Csr {
    fn node_count(&self) -> usize {
        Csr::node_count(self)
    }
}

impl EdgeCount for Csr {
    fn edge_count(&self) -> usize {
        Csr::edge_count(self)
    }
}

impl NodeIndexable for Csr {
    fn node_bound(&self) -> usize {
        Csr::node_count(self)
    }
    fn to_index(&self, node: u32) -> usize {
        node as usize
    }
    fn from_index(&self, index: usize) -> u32 {
        index as u32
    }
}

impl NodeCompactIndexable for Csr {}

impl GraphProp for Csr {
    type EdgeType = Undirected;
}

impl Visitable for Csr {
    type Map = FixedBitSet;
    fn visit_map(&self) -> FixedBitSet {
        FixedBitSet::with_capacity(Csr::node_count(self))
    }
    fn reset_map(&self, map: &mut FixedBitSet) {
        map.clear();
        map.grow(Csr::node_count(self));
    }
}

impl IntoNodeIdentifiers for &Csr {
    type NodeIdentifiers = Range<u32>;
    fn node_identifiers(self) -> Range<u32> {
        0..Csr::node_count(self) as u32
    }
}

impl<'a> IntoNeighbors for &'a Csr {
    type Neighbors = Copied<slice::Iter<'a, u32>>;
    fn neighbors(self, node: u32) -> Self::Neighbors {
        Csr::neighbors(self, node).iter().copied()
    }
}

impl<'a> IntoNeighborsDirected for &'a Csr {
    type NeighborsDirected = Copied<slice::Iter<'a, u32>>;
    fn neighbors_directed(self, node: u32, _: petgraph::Direction) -> Self::NeighborsDirected {
        Csr::neighbors(self, node).iter().copied()
    }
}

/// Every undirected edge once.
pub struct EdgeReferences<'a> {
    inner: std::iter::Enumerate<slice::Iter<'a, (u32, u32, f64)>>,
}

impl<'a> Iterator for EdgeReferences<'a> {
    type Item = CsrEdge<'a>;
    fn next(&mut self) -> Option<CsrEdge<'a>> {
        self.inner.next().map(|(id, (a, b, w))| CsrEdge {
            source: *a,
            target: *b,
            id: id as u32,
            weight: w,
        })
    }
}

impl<'a> IntoEdgeReferences for &'a Csr {
    type EdgeRef = CsrEdge<'a>;
    type EdgeReferences = EdgeReferences<'a>;
    fn edge_references(self) -> EdgeReferences<'a> {
        EdgeReferences {
            inner: self.edges.iter().enumerate(),
        }
    }
}

/// The edges at one node; `incoming` swaps the ends so that the node is the target.
pub struct Edges<'a> {
    node: u32,
    range: Range<usize>,
    csr: &'a Csr,
    incoming: bool,
}

impl<'a> Iterator for Edges<'a> {
    type Item = CsrEdge<'a>;
    fn next(&mut self) -> Option<CsrEdge<'a>> {
        let slot = self.range.next()?;
        let other = self.csr.targets[slot];
        let (source, target) = if self.incoming {
            (other, self.node)
        } else {
            (self.node, other)
        };
        Some(CsrEdge {
            source,
            target,
            id: self.csr.edge_of[slot],
            weight: &self.csr.weights[slot],
        })
    }
}

impl<'a> IntoEdges for &'a Csr {
    type Edges = Edges<'a>;
    fn edges(self, node: u32) -> Edges<'a> {
        let n = node as usize;
        Edges {
            node,
            range: self.offsets[n]..self.offsets[n + 1],
            csr: self,
            incoming: false,
        }
    }
}

impl<'a> IntoEdgesDirected for &'a Csr {
    type EdgesDirected = Edges<'a>;
    fn edges_directed(self, node: u32, direction: petgraph::Direction) -> Edges<'a> {
        let n = node as usize;
        Edges {
            node,
            range: self.offsets[n]..self.offsets[n + 1],
            csr: self,
            incoming: direction == petgraph::Direction::Incoming,
        }
    }
}

/// Two triangles (0-1-2, 3-4-5) joined by the edge 2-3: a small graph whose answers are
/// easy to work out by hand.
#[cfg(test)]
pub(crate) fn two_triangles() -> Csr {
    Csr::from_edges(
        6,
        [
            (0, 1, 1.0),
            (1, 2, 1.0),
            (0, 2, 1.0),
            (2, 3, 1.0),
            (3, 4, 1.0),
            (4, 5, 1.0),
            (3, 5, 1.0),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_symmetric_rows_and_merges_duplicates() {
        let g = Csr::from_edges(4, [(0, 1, 1.0), (1, 0, 2.0), (1, 2, 1.0), (3, 3, 5.0)]);
        assert_eq!(g.node_count(), 4);
        assert_eq!(g.edge_count(), 2);
        assert_eq!(g.neighbors(1), &[0, 2]);
        assert_eq!(g.weights(1), &[3.0, 1.0]);
        assert_eq!(g.neighbors(3), &[] as &[u32]);
        assert_eq!(g.weighted_degree(1), 4.0);
        assert_eq!(g.total_weight(), 4.0);
    }

    #[test]
    fn rustworkx_core_runs_on_it() {
        // Two triangles joined by one edge: nodes 2 and 3 and their edge hold it together.
        let g = two_triangles();
        let points = rustworkx_core::connectivity::articulation_points(&g, None);
        let mut points: Vec<u32> = points.into_iter().collect();
        points.sort_unstable();
        assert_eq!(points, vec![2, 3]);
        let bridges: Vec<(u32, u32)> = rustworkx_core::connectivity::bridges(&g)
            .into_iter()
            .collect();
        assert_eq!(bridges.len(), 1);
        let (a, b) = bridges[0];
        assert_eq!((a.min(b), a.max(b)), (2, 3));
    }
}
