//! The networks analytics run on, built from a snapshot for a scope:
//!
//! - the **collaboration network**: partners, linked when they work on the same intervention,
//!   weighted by the number of interventions they share (the partner projection of the
//!   partner–intervention graph);
//! - the **whole graph**: every node of the model and every edge, undirected and unweighted.

use super::Csr;
use crate::domain::{Id, Table};
use crate::graph::{EdgeKind, Filter, Order, Snapshot};

/// Which network an analytic runs on.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, async_graphql::Enum)]
pub enum NetworkKind {
    /// Partners, linked by the interventions they share (weight: how many).
    Collaboration,
    /// All nodes and edges of the model, undirected.
    Whole,
}

/// A network: its nodes (record ids, ascending) and their graph.
#[derive(Debug, Default)]
pub struct Network {
    pub nodes: Vec<Id>,
    pub graph: Csr,
}

impl Network {
    /// The position of a node in the network.
    pub fn index_of(&self, id: Id) -> Option<u32> {
        self.nodes.binary_search(&id).ok().map(|i| i as u32)
    }

    /// The record id at a position.
    pub fn id_at(&self, index: u32) -> Id {
        self.nodes[index as usize]
    }

    /// Edge density: edges over possible edges.
    pub fn density(&self) -> f64 {
        let n = self.nodes.len() as f64;
        if n < 2.0 {
            0.0
        } else {
            self.graph.edge_count() as f64 / (n * (n - 1.0) / 2.0)
        }
    }
}

/// A stable text form of a scope, for cache keys.
pub fn scope_key(scope: &Filter) -> String {
    format!(
        "a{:?} p{:?} w{:?} f{:?} y{:?} u{:?}",
        scope.area, scope.programme, scope.wijk, scope.funding_stream, scope.year, scope.undated
    )
}

/// The interventions in scope (area, cluster, wijk, funding stream, year), ascending.
pub fn interventions_in_scope(s: &Snapshot, scope: &Filter) -> Vec<Id> {
    s.select(Table::Intervention, scope, Order::default())
        .into_iter()
        .map(|(_, id)| id)
        .collect()
}

/// The partner projection of the interventions in scope. Pairs are counted by sorting one
/// `u64` per partner pair and intervention, which needs no hash map and runs in
/// O(P log P) for P pairs.
pub fn collaboration(s: &Snapshot, scope: &Filter) -> Network {
    let interventions = interventions_in_scope(s, scope);
    let teams: Vec<Vec<Id>> = interventions
        .iter()
        .map(|&i| s.targets(i, EdgeKind::Partner))
        .collect();
    let mut nodes: Vec<Id> = teams.iter().flatten().copied().collect();
    nodes.sort_unstable();
    nodes.dedup();
    let index = |id: Id| nodes.binary_search(&id).map_or(0, |i| i as u64);
    let mut pairs: Vec<u64> = Vec::new();
    for team in &teams {
        let mut members: Vec<u64> = team.iter().map(|&p| index(p)).collect();
        members.sort_unstable();
        members.dedup();
        for (i, &a) in members.iter().enumerate() {
            for &b in &members[i + 1..] {
                pairs.push(a << 32 | b);
            }
        }
    }
    pairs.sort_unstable();
    let mut edges = Vec::new();
    let mut run = pairs.iter().peekable();
    while let Some(&pair) = run.next() {
        let mut weight = 1.0;
        while run.peek() == Some(&&pair) {
            run.next();
            weight += 1.0;
        }
        edges.push(((pair >> 32) as u32, (pair & 0xFFFF_FFFF) as u32, weight));
    }
    let graph = Csr::from_edges(nodes.len(), edges);
    Network { nodes, graph }
}

/// How much of the collaboration network in a year rests on undated interventions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UndatedLinks {
    /// Interventions in scope whose activity in the year is unknown.
    pub interventions: usize,
    /// Partner pairs sharing at least one of them.
    pub links: usize,
}

/// With a year in the scope: the interventions whose activity in it is unknown, and the partner
/// pairs that share at least one of them (the links of their own projection). `None` without a
/// year.
pub fn undated(s: &Snapshot, scope: &Filter) -> Option<UndatedLinks> {
    scope.year?;
    let only = Filter {
        undated: crate::domain::Undated::Only,
        ..scope.clone()
    };
    let net = super::network(s, NetworkKind::Collaboration, &only);
    Some(UndatedLinks {
        interventions: interventions_in_scope(s, &only).len(),
        links: net.graph.edge_count(),
    })
}

/// The whole graph in scope: every node of the scope's area(s) except the areas themselves,
/// without the interventions (and funding streams) outside the scope's year, cluster, wijk or
/// stream, and every edge between the nodes that remain.
pub fn whole(s: &Snapshot, scope: &Filter) -> Network {
    let kept_interventions = interventions_in_scope(s, scope);
    let d = &s.data;
    let in_area = |area: Id| scope.area.is_none_or(|a| a == area);
    let mut nodes: Vec<Id> = kept_interventions;
    nodes.extend(
        d.programmes
            .values()
            .filter(|r| in_area(r.area_id))
            .map(|r| r.id),
    );
    nodes.extend(
        d.lines
            .values()
            .filter(|r| in_area(r.area_id))
            .map(|r| r.id),
    );
    nodes.extend(
        d.goals
            .values()
            .filter(|r| in_area(r.area_id))
            .map(|r| r.id),
    );
    nodes.extend(
        d.partners
            .values()
            .filter(|r| in_area(r.area_id))
            .map(|r| r.id),
    );
    nodes.extend(
        d.funding_streams
            .values()
            .filter(|r| in_area(r.area_id) && scope.admits(r.years()))
            .map(|r| r.id),
    );
    nodes.extend(
        d.wijken
            .values()
            .filter(|r| in_area(r.area_id))
            .map(|r| r.id),
    );
    nodes.sort_unstable();
    let index = |id: Id| nodes.binary_search(&id).ok().map(|i| i as u32);
    let edges: Vec<(u32, u32, f64)> = s
        .all_edges()
        .filter_map(|(a, b, _)| Some((index(a)?, index(b)?, 1.0)))
        .collect();
    // Parallel edges of different kinds (rare) merge; the whole graph is unweighted.
    let merged = Csr::from_edges(nodes.len(), edges);
    let unit: Vec<(u32, u32, f64)> = merged
        .edge_list()
        .iter()
        .map(|&(a, b, _)| (a, b, 1.0))
        .collect();
    Network {
        graph: Csr::from_edges(nodes.len(), unit),
        nodes,
    }
}

/// The interventions two partners share (both on the intervention), ascending.
pub fn shared_interventions(s: &Snapshot, a: Id, b: Id, scope: &Filter) -> Vec<Id> {
    let mut of_a = s.partner_interventions(a, None);
    of_a.sort_unstable();
    let mut shared: Vec<Id> = s
        .partner_interventions(b, None)
        .into_iter()
        .filter(|i| of_a.binary_search(i).is_ok())
        .filter(|&i| s.passes(i, scope))
        .collect();
    shared.sort_unstable();
    shared.dedup();
    shared
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{Size, generate};

    #[test]
    fn projection_counts_shared_interventions() {
        let s = Snapshot::build(generate(Size::Municipality, 7), 1);
        let net = collaboration(&s, &Filter::default());
        // Every edge weight equals the number of interventions both partners work on.
        for &(a, b, w) in net.graph.edge_list().iter().take(200) {
            let shared = shared_interventions(&s, net.id_at(a), net.id_at(b), &Filter::default());
            assert_eq!(shared.len() as f64, w);
        }
        // And every pair of partners on one intervention is an edge.
        let i = *s.data.interventions.keys().next().unwrap();
        let team = s.targets(i, EdgeKind::Partner);
        for (x, &p) in team.iter().enumerate() {
            for &q in &team[x + 1..] {
                let (a, b) = (net.index_of(p).unwrap(), net.index_of(q).unwrap());
                assert!(net.graph.neighbors(a).contains(&b));
            }
        }
    }

    #[test]
    fn whole_graph_holds_every_edge_once() {
        let s = Snapshot::build(generate(Size::Municipality, 7), 1);
        let net = whole(&s, &Filter::default());
        let areas = s.data.areas.len();
        let nodes = s.data.programmes.len()
            + s.data.lines.len()
            + s.data.goals.len()
            + s.data.interventions.len()
            + s.data.partners.len()
            + s.data.funding_streams.len()
            + s.data.wijken.len();
        assert_eq!(net.nodes.len(), nodes);
        assert!(areas > 0);
        let mut pairs: Vec<(Id, Id)> = s
            .all_edges()
            .map(|(a, b, _)| (a.min(b), a.max(b)))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        assert_eq!(net.graph.edge_count(), pairs.len());
    }
}
