//! Finished answers of the network questions: nodes ranked, communities grouped, links kept by
//! weight, paths and ego networks labelled in words. The API only turns the ids in them into
//! objects.

use std::collections::HashMap;
use std::sync::Arc;

use super::{Brokers, Communities, Measure, Network, NetworkKind, network, paths};
use crate::domain::{Id, RelationKind};
use crate::graph::{EdgeKind, Filter, Snapshot};

/// A link between two nodes of a network, with its weight.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub a: Id,
    pub b: Id,
    pub weight: f64,
}

/// The links of a network with at least `min_weight`, in the network's order.
pub fn links_at_least(net: &Network, min_weight: f64) -> Vec<Link> {
    net.graph
        .edge_list()
        .iter()
        .filter(|e| e.2 >= min_weight)
        .map(|&(a, b, weight)| Link {
            a: net.id_at(a),
            b: net.id_at(b),
            weight,
        })
        .collect()
}

/// The bridges of a network as links, with their weights.
pub fn bridges(net: &Network, brokers: &Brokers) -> Vec<Link> {
    let g = &net.graph;
    brokers
        .bridges
        .iter()
        .map(|&(a, b)| {
            let position = g.neighbors(a).iter().position(|&x| x == b);
            Link {
                a: net.id_at(a),
                b: net.id_at(b),
                weight: position.map_or(1.0, |i| g.weights(a)[i]),
            }
        })
        .collect()
}

/// The scores of one node in a centrality ranking.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranked {
    pub node: Id,
    /// From 1.
    pub rank: usize,
    pub degree: usize,
    pub degree_centrality: f64,
    pub weighted_degree: f64,
    pub betweenness: f64,
    pub closeness: f64,
    /// `None` when the iteration did not converge.
    pub eigenvector: Option<f64>,
    pub pagerank: Option<f64>,
}

/// The `top` nodes of a network by `rank_by` (highest first, ties by position), with the
/// measures computed in `values`; a measure not computed reads as 0, one that did not converge
/// as `None` (and ranks last).
pub fn ranking(
    net: &Network,
    values: &HashMap<Measure, Arc<Option<Vec<f64>>>>,
    rank_by: Measure,
    top: usize,
) -> Vec<Ranked> {
    let value = |m: Measure, v: usize| -> Option<f64> {
        match values.get(&m) {
            Some(computed) => computed.as_ref().as_ref().map(|x| x[v]),
            None => Some(0.0),
        }
    };
    let mut order: Vec<usize> = (0..net.nodes.len()).collect();
    order.sort_by(|&a, &b| {
        let key = |v| value(rank_by, v).unwrap_or(f64::NEG_INFINITY);
        key(b).total_cmp(&key(a)).then(a.cmp(&b))
    });
    order
        .into_iter()
        .take(top)
        .enumerate()
        .map(|(rank, v)| Ranked {
            node: net.nodes[v],
            rank: rank + 1,
            degree: net.graph.degree(v as u32),
            degree_centrality: value(Measure::DegreeCentrality, v).unwrap_or_default(),
            weighted_degree: net.graph.weighted_degree(v as u32),
            betweenness: value(Measure::Betweenness, v).unwrap_or_default(),
            closeness: value(Measure::Closeness, v).unwrap_or_default(),
            eigenvector: value(Measure::Eigenvector, v),
            pagerank: value(Measure::Pagerank, v),
        })
        .collect()
}

/// One community: its partners and how many of them have each main cluster.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub partners: Vec<Id>,
    /// `(cluster, partners)`, most partners first; `None` for partners of no cluster.
    pub clusters: Vec<(Option<Id>, usize)>,
}

/// The communities of a partition as groups of partners, largest first.
pub fn groups(net: &Network, found: &Communities) -> Vec<Group> {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); found.partition.count];
    for (v, &c) in found.partition.community.iter().enumerate() {
        members[c as usize].push(v);
    }
    members.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    members
        .into_iter()
        .map(|members| {
            let mut clusters: Vec<(Option<Id>, usize)> = Vec::new();
            for &v in &members {
                match clusters.iter_mut().find(|(c, _)| *c == found.cluster[v]) {
                    Some(entry) => entry.1 += 1,
                    None => clusters.push((found.cluster[v], 1)),
                }
            }
            clusters.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            Group {
                partners: members.iter().map(|&v| net.nodes[v]).collect(),
                clusters,
            }
        })
        .collect()
}

/// The label of an edge of the whole graph, read from `from` to `to`: "works on",
/// "contributes to", ….
pub fn step_label(s: &Snapshot, from: Id, to: Id) -> String {
    let Some(kind) = s.edge_kind_between(from, to) else {
        return "is linked to".into();
    };
    let forward = s
        .edges(from, kind, petgraph::Direction::Outgoing)
        .iter()
        .any(|&(_, other)| other == to);
    let (ahead, back) = match kind {
        EdgeKind::Partner => ("has partner", "works on"),
        EdgeKind::Contributes => ("contributes to", "is served by"),
        EdgeKind::SubGoalOf => ("is a sub-goal of", "has sub-goal"),
        EdgeKind::GoalOf => ("is a goal of", "has goal"),
        EdgeKind::LineOf => ("is a line of", "has line"),
        EdgeKind::Funding | EdgeKind::LineFunding => ("is funded by", "funds"),
        EdgeKind::InWijk => ("takes place in", "hosts"),
        EdgeKind::GoalRelation => ("is served by", "serves"),
        EdgeKind::Relation => {
            let same = s.data.intervention_relations.values().any(|r| {
                r.kind == RelationKind::SameAs
                    && ((r.from_id, r.to_id) == (from, to) || (r.from_id, r.to_id) == (to, from))
            });
            if same {
                ("is the same as", "is the same as")
            } else {
                ("refers to", "is referred to by")
            }
        }
    };
    if forward { ahead } else { back }.to_owned()
}

/// One step of a path: the node reached and how (`None` for the first).
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub node: Id,
    pub via: Option<String>,
}

/// A shortest path between two positions of a network, each step labelled; `None` when they
/// are not connected.
pub fn labelled_path(
    s: &Snapshot,
    net: &Network,
    kind: NetworkKind,
    scope: &Filter,
    from: u32,
    to: u32,
) -> Option<Vec<Step>> {
    let route: Vec<Id> = paths::shortest_path(&net.graph, from as usize, to as usize)?
        .into_iter()
        .map(|v| net.nodes[v])
        .collect();
    Some(
        route
            .iter()
            .enumerate()
            .map(|(i, &id)| Step {
                node: id,
                via: (i > 0).then(|| match kind {
                    NetworkKind::Whole => step_label(s, route[i - 1], id),
                    NetworkKind::Collaboration => {
                        let shared =
                            network::shared_interventions(s, route[i - 1], id, scope).len();
                        format!(
                            "shares {shared} intervention{} with",
                            if shared == 1 { "" } else { "s" }
                        )
                    }
                }),
            })
            .collect(),
    )
}

/// A link of an ego network, labelled.
#[derive(Clone, Debug, PartialEq)]
pub struct EgoLink {
    pub a: Id,
    pub b: Id,
    pub label: String,
    pub weight: f64,
}

/// The neighbourhood of a position up to `depth` steps, at most `limit` nodes.
#[derive(Clone, Debug, PartialEq)]
pub struct Ego {
    /// The nodes found with their distance, nearest first.
    pub nodes: Vec<(Id, usize)>,
    /// The links among them.
    pub links: Vec<EgoLink>,
    /// Whether the limit cut the neighbourhood short.
    pub truncated: bool,
}

/// The ego network of a position of a network, its links labelled.
pub fn ego(
    s: &Snapshot,
    net: &Network,
    kind: NetworkKind,
    center: u32,
    depth: usize,
    limit: usize,
) -> Ego {
    let (found, truncated) = paths::ego(&net.graph, center as usize, depth, limit);
    let mut inside: Vec<usize> = found.iter().map(|&(v, _)| v).collect();
    inside.sort_unstable();
    let g = &net.graph;
    let mut links = Vec::new();
    for &v in &inside {
        for (&u, &w) in g.neighbors(v as u32).iter().zip(g.weights(v as u32)) {
            let u = u as usize;
            if u > v && inside.binary_search(&u).is_ok() {
                let (a, b) = (net.nodes[v], net.nodes[u]);
                let label = match kind {
                    NetworkKind::Whole => step_label(s, a, b),
                    NetworkKind::Collaboration => "collaborates with".to_owned(),
                };
                links.push(EgoLink {
                    a,
                    b,
                    label,
                    weight: w,
                });
            }
        }
    }
    Ego {
        nodes: found
            .into_iter()
            .map(|(v, distance)| (net.nodes[v], distance))
            .collect(),
        links,
        truncated,
    }
}
