//! Network analytics: the collaboration network, centrality, brokers, communities, shortest
//! paths and ego networks.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::{ComplexObject, Context, Enum, ID, Object, Result, SimpleObject};

use super::{interventions, node, partners};
use crate::analytics::{self, NetworkKind, answers, network::shared_interventions};
use crate::api::filters::{NetworkFilter, analytics_scope};
use crate::api::node::Node;
use crate::api::types::{Intervention, Partner, Programme};
use crate::api::{OrGql, gql_error, ids, snapshot};
use crate::domain::{Id, Table};
use crate::error::Error;
use crate::graph::{Filter, Snapshot};

/// The most nodes or edges a network field returns; narrow the scope (or raise `minWeight`)
/// for larger networks.
pub(crate) const MAX_NETWORK_ITEMS: usize = 25_000;
/// The most nodes an ego network returns.
pub(crate) const MAX_EGO_NODES: usize = 5_000;
/// The deepest ego network.
const MAX_EGO_DEPTH: usize = 3;

/// A partner in the collaboration network.
#[derive(SimpleObject)]
pub struct CollaborationNode {
    /// The partner.
    pub partner: Partner,
    /// With how many partners it shares an intervention.
    pub degree: usize,
    /// The sum over those partners of the interventions shared with each.
    pub weighted_degree: f64,
}

/// Two partners that work on the same interventions.
pub struct CollaborationEdge {
    s: Arc<Snapshot>,
    scope: Filter,
    a: Id,
    b: Id,
    weight: f64,
}

/// Two partners that work on the same interventions.
#[Object]
impl CollaborationEdge {
    /// One partner.
    async fn source(&self) -> Option<Partner> {
        Partner::load(&self.s, self.a)
    }
    /// The other partner.
    async fn target(&self) -> Option<Partner> {
        Partner::load(&self.s, self.b)
    }
    /// How many interventions they share.
    async fn weight(&self) -> i64 {
        self.weight as i64
    }
    /// The interventions they share.
    async fn interventions(&self) -> Vec<Intervention> {
        interventions(
            &self.s,
            shared_interventions(&self.s, self.a, self.b, &self.scope),
        )
    }
}

/// The partner collaboration network of a scope.
#[derive(SimpleObject)]
pub struct CollaborationNetwork {
    /// Partners with an intervention in scope.
    pub node_count: usize,
    /// Pairs of partners sharing at least one intervention.
    pub edge_count: usize,
    /// Edges over possible edges.
    pub density: f64,
    /// Number of connected groups of partners.
    pub component_count: usize,
    /// Partners in the largest connected group.
    pub largest_component: usize,
    /// The partners.
    pub nodes: Vec<CollaborationNode>,
    /// The links with at least `minWeight` shared interventions.
    pub edges: Vec<CollaborationEdge>,
    /// Partners whose departure splits the network (articulation points).
    pub articulation_points: Vec<Partner>,
    /// Links whose loss splits the network (bridges).
    pub bridges: Vec<CollaborationEdge>,
    /// With a year: interventions in scope whose activity in that year is unknown (the
    /// document gives no period, or only part of one). `undated: EXCLUDE` (the default) leaves
    /// them out of the network. Null without a year.
    pub undated_interventions: Option<usize>,
    /// With a year: partner pairs that share at least one of those undated interventions:
    /// links that are missing or lighter under EXCLUDE, or that rest (partly) on them under
    /// INCLUDE and ONLY. Null without a year.
    pub undated_links: Option<usize>,
}

/// A centrality measure.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum CentralityMeasure {
    /// Number of neighbours.
    Degree,
    /// Sum of edge weights (shared interventions, on the collaboration network).
    WeightedDegree,
    /// Share of shortest paths between other nodes that pass through the node.
    Betweenness,
    /// Nearness to all reachable nodes (Wasserman–Faust).
    Closeness,
    /// Eigenvector centrality: being linked to well-linked nodes.
    Eigenvector,
    /// PageRank with damping 0.85.
    Pagerank,
}

/// The centrality scores of one node.
#[derive(SimpleObject)]
pub struct NodeCentrality {
    /// The node (a partner, on the collaboration network).
    pub node: Node,
    /// Its position in the ranking, from 1.
    pub rank: usize,
    /// Number of neighbours.
    pub degree: usize,
    /// Degree over n − 1.
    pub degree_centrality: f64,
    /// Sum of edge weights.
    pub weighted_degree: f64,
    /// Normalised betweenness (estimated when `sampledSources` is set).
    pub betweenness: f64,
    /// Closeness (Wasserman–Faust).
    pub closeness: f64,
    /// Eigenvector centrality; null when the iteration did not converge.
    pub eigenvector: Option<f64>,
    /// PageRank; null when the iteration did not converge.
    pub pagerank: Option<f64>,
}

/// Nodes ranked by a centrality measure.
#[derive(SimpleObject)]
pub struct CentralityRanking {
    /// The network ranked.
    pub network: NetworkKind,
    /// The measure ranked by.
    pub order_by: CentralityMeasure,
    /// Nodes in the network.
    pub node_count: usize,
    /// Whether betweenness is exact; otherwise it is estimated from `sampledSources` sources.
    pub exact: bool,
    /// How many sources betweenness was estimated from, when not exact.
    pub sampled_sources: Option<usize>,
    /// The top nodes, highest first.
    pub nodes: Vec<NodeCentrality>,
}

/// How many partners of a community belong to one formal cluster.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ClusterShare {
    /// The cluster; null for partners only in interventions of no cluster.
    pub cluster: Option<Programme>,
    /// Partners of the community whose main cluster it is.
    pub partners: usize,
}

#[ComplexObject]
impl ClusterShare {
    /// The cluster; null for partners only in interventions of no cluster.
    #[graphql(deprecation = "Use `cluster` instead.")]
    async fn programme(&self) -> Option<Programme> {
        self.cluster.clone()
    }
}

/// One community of partners.
#[derive(SimpleObject)]
pub struct Community {
    /// Its number, from 0, largest community first.
    pub index: usize,
    /// Its partners.
    pub partners: Vec<Partner>,
    /// Its partners per main cluster (the cluster most of a partner's interventions serve).
    pub clusters: Vec<ClusterShare>,
}

/// Communities found in the collaboration network.
#[derive(SimpleObject)]
pub struct CommunityDetection {
    /// Modularity of the partition (−0.5 to 1; higher: clearer communities).
    pub modularity: f64,
    /// The communities, largest first.
    pub communities: Vec<Community>,
    /// Normalised mutual information between the communities and the partners' main clusters
    /// (1: the same partition, 0: unrelated).
    pub cluster_nmi: f64,
    /// Adjusted Rand index between the communities and the main clusters (1: the same,
    /// about 0: as by chance).
    pub cluster_ari: f64,
}

/// One step of a path.
#[derive(SimpleObject)]
pub struct PathStep {
    /// The node reached.
    pub node: Node,
    /// How it is reached from the previous node (null for the first), e.g. "works on".
    pub via: Option<String>,
}

/// A shortest path between two nodes.
#[derive(SimpleObject)]
pub struct Path {
    /// Number of steps.
    pub length: usize,
    /// The nodes from start to end, with how each is reached.
    pub steps: Vec<PathStep>,
    /// The path in words: "Halt → Kapot Sterk inclusief follow-up → Welzijn Lelystad".
    pub text: String,
}

/// A node of an ego network.
#[derive(SimpleObject)]
pub struct EgoNode {
    /// The node.
    pub node: Node,
    /// Steps from the centre.
    pub distance: usize,
}

/// A link of an ego network.
#[derive(SimpleObject)]
pub struct EgoEdge {
    /// One end.
    pub source: ID,
    /// The other end.
    pub target: ID,
    /// What the link is ("works on", "contributes to", ... or "collaborates").
    pub label: String,
    /// The link's weight (shared interventions on the collaboration network, else 1).
    pub weight: f64,
}

/// The neighbourhood of a node.
#[derive(SimpleObject)]
pub struct EgoNetwork {
    /// The centre.
    pub center: Node,
    /// The nodes within the depth asked, nearest first.
    pub nodes: Vec<EgoNode>,
    /// The links among those nodes.
    pub edges: Vec<EgoEdge>,
    /// Whether the node limit cut the neighbourhood short.
    pub truncated: bool,
}

fn scope(
    s: &Snapshot,
    area: &Option<String>,
    year: Option<i32>,
    filter: &Option<NetworkFilter>,
) -> Result<Filter> {
    analytics_scope(s, area, year, filter.as_ref()).gql()
}

impl From<CentralityMeasure> for analytics::Measure {
    fn from(m: CentralityMeasure) -> Self {
        match m {
            CentralityMeasure::Degree => analytics::Measure::Degree,
            CentralityMeasure::WeightedDegree => analytics::Measure::WeightedDegree,
            CentralityMeasure::Betweenness => analytics::Measure::Betweenness,
            CentralityMeasure::Closeness => analytics::Measure::Closeness,
            CentralityMeasure::Eigenvector => analytics::Measure::Eigenvector,
            CentralityMeasure::Pagerank => analytics::Measure::Pagerank,
        }
    }
}

/// The measures a `centrality` query asks for: the one it ranks by and the fields selected.
fn wanted_measures(ctx: &Context<'_>, order_by: CentralityMeasure) -> Vec<analytics::Measure> {
    use analytics::Measure::*;
    let nodes = ctx.look_ahead().field("nodes");
    let mut wanted: Vec<analytics::Measure> = [
        ("degree", Degree),
        ("degreeCentrality", DegreeCentrality),
        ("weightedDegree", WeightedDegree),
        ("betweenness", Betweenness),
        ("closeness", Closeness),
        ("eigenvector", Eigenvector),
        ("pagerank", Pagerank),
    ]
    .into_iter()
    .filter(|(field, _)| nodes.field(field).exists())
    .map(|(_, m)| m)
    .collect();
    let ranked = order_by.into();
    if !wanted.contains(&ranked) {
        wanted.push(ranked);
    }
    wanted
}

/// Network analytics.
#[derive(Default)]
pub struct NetworkQuery;

#[Object(guard = "crate::api::Need(crate::auth::Role::Viewer)")]
impl NetworkQuery {
    /// The partner collaboration network: partners linked when they work on the same
    /// intervention, weighted by how many they share. Filter by area, cluster, wijk, funding
    /// stream and year; `minWeight` drops weaker links from `edges`. At most 25 000 nodes and
    /// edges.
    #[graphql(directive = crate::api::limits::weighs::apply(10000))]
    async fn collaboration_network(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this area (ID or slug).")] area: Option<String>,
        #[graphql(
            desc = "Only interventions known to be active in this year (see `filter.undated`)."
        )]
        year: Option<i32>,
        #[graphql(desc = "Only part of the area.")] filter: Option<NetworkFilter>,
        #[graphql(
            desc = "The least number of shared interventions for a link in `edges`.",
            default = 1
        )]
        min_weight: i64,
    ) -> Result<CollaborationNetwork> {
        let s = snapshot(ctx)?;
        let scope = scope(&s, &area, year, &filter)?;
        let (net, brokers, undated) = {
            let (s, scope) = (s.clone(), scope.clone());
            analytics::off_thread(move |_| {
                Ok((
                    analytics::network(&s, NetworkKind::Collaboration, &scope),
                    analytics::brokers(&s, NetworkKind::Collaboration, &scope),
                    analytics::network::undated(&s, &scope),
                ))
            })
            .await
            .gql()?
        };
        let g = &net.graph;
        let kept = answers::links_at_least(&net, min_weight as f64);
        if net.nodes.len() > MAX_NETWORK_ITEMS || kept.len() > MAX_NETWORK_ITEMS {
            return Err(gql_error(Error::invalid(
                "minWeight",
                format!(
                    "the network has {} partners and {} links; narrow the scope or raise minWeight to stay within {MAX_NETWORK_ITEMS}",
                    net.nodes.len(),
                    kept.len()
                ),
            )));
        }
        let edge = |l: answers::Link| CollaborationEdge {
            s: s.clone(),
            scope: scope.clone(),
            a: l.a,
            b: l.b,
            weight: l.weight,
        };
        Ok(CollaborationNetwork {
            node_count: net.nodes.len(),
            edge_count: g.edge_count(),
            density: net.density(),
            component_count: brokers.components.len(),
            largest_component: brokers.components.first().map_or(0, Vec::len),
            nodes: (0..net.nodes.len() as u32)
                .filter_map(|v| {
                    Some(CollaborationNode {
                        partner: Partner::load(&s, net.id_at(v))?,
                        degree: g.degree(v),
                        weighted_degree: g.weighted_degree(v),
                    })
                })
                .collect(),
            edges: kept.into_iter().map(edge).collect(),
            articulation_points: brokers
                .articulation_points
                .iter()
                .filter_map(|&v| Partner::load(&s, net.id_at(v)))
                .collect(),
            bridges: answers::bridges(&net, &brokers)
                .into_iter()
                .map(edge)
                .collect(),
            undated_interventions: undated.map(|u| u.interventions),
            undated_links: undated.map(|u| u.links),
        })
    }

    /// Nodes ranked by centrality, with all measures: degree, weighted degree, betweenness,
    /// closeness, eigenvector and PageRank, on the collaboration network or the whole graph.
    /// Above 5 000 nodes betweenness is estimated from 1 000 sources unless `sample` says
    /// otherwise; results are cached until the data changes.
    #[graphql(directive = crate::api::limits::weighs::apply(50000))]
    #[allow(clippy::too_many_arguments)]
    async fn centrality(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which network.", default_with = "NetworkKind::Collaboration")]
        network: NetworkKind,
        #[graphql(desc = "Only this area (ID or slug).")] area: Option<String>,
        #[graphql(desc = "Only interventions and funding known to be active in this year.")]
        year: Option<i32>,
        #[graphql(desc = "Only part of the area.")] filter: Option<NetworkFilter>,
        #[graphql(
            desc = "The measure to rank by.",
            default_with = "CentralityMeasure::Betweenness"
        )]
        order_by: CentralityMeasure,
        #[graphql(desc = "How many nodes to return (at most 500).", default = 20)] top: usize,
        #[graphql(
            desc = "Estimate betweenness from this many sources (1–20 000); all nodes give the exact value."
        )]
        sample: Option<usize>,
    ) -> Result<CentralityRanking> {
        if top > 500 {
            return Err(gql_error(Error::invalid("top", "must be at most 500")));
        }
        if sample.is_some_and(|k| k == 0 || k > 20_000) {
            return Err(gql_error(Error::invalid(
                "sample",
                "must be from 1 to 20000",
            )));
        }
        let s = snapshot(ctx)?;
        let scope = scope(&s, &area, year, &filter)?;
        let wanted = wanted_measures(ctx, order_by);
        let (net, values) = {
            let (s, scope) = (s.clone(), scope.clone());
            analytics::off_thread(move |cancel| {
                let values: HashMap<analytics::Measure, Arc<Option<Vec<f64>>>> = wanted
                    .into_iter()
                    .map(|m| {
                        analytics::measure(&s, network, &scope, m, sample, Some(cancel))
                            .map(|v| (m, v))
                    })
                    .collect::<Result<_, _>>()?;
                Ok((analytics::network(&s, network, &scope), values))
            })
            .await
            .gql()?
        };
        let nodes = answers::ranking(&net, &values, order_by.into(), top.min(500))
            .into_iter()
            .map(|r| {
                Ok(NodeCentrality {
                    node: node(&s, r.node).gql()?,
                    rank: r.rank,
                    degree: r.degree,
                    degree_centrality: r.degree_centrality,
                    weighted_degree: r.weighted_degree,
                    betweenness: r.betweenness,
                    closeness: r.closeness,
                    eigenvector: r.eigenvector,
                    pagerank: r.pagerank,
                })
            })
            .collect::<Result<_>>()?;
        let sampled_sources = analytics::sample_size(net.nodes.len(), sample);
        Ok(CentralityRanking {
            network,
            order_by,
            node_count: net.nodes.len(),
            exact: sampled_sources.is_none(),
            sampled_sources,
            nodes,
        })
    }

    /// Communities of partners in the collaboration network (Louvain), with the modularity
    /// and how well they line up with the formal programme clusters.
    #[graphql(directive = crate::api::limits::weighs::apply(20000))]
    async fn communities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this area (ID or slug).")] area: Option<String>,
        #[graphql(desc = "Only interventions known to be active in this year.")] year: Option<i32>,
        #[graphql(desc = "Only part of the area.")] filter: Option<NetworkFilter>,
        #[graphql(
            desc = "Resolution (above 1: smaller communities; 0.1–10).",
            default = 1.0
        )]
        resolution: f64,
        #[graphql(
            desc = "Seed of the node order, for a reproducible result.",
            default = 1
        )]
        seed: u64,
    ) -> Result<CommunityDetection> {
        if !(0.1..=10.0).contains(&resolution) {
            return Err(gql_error(Error::invalid(
                "resolution",
                "must be from 0.1 to 10",
            )));
        }
        let s = snapshot(ctx)?;
        let scope = scope(&s, &area, year, &filter)?;
        let (net, found) = {
            let (s, scope) = (s.clone(), scope.clone());
            analytics::off_thread(move |_| {
                Ok((
                    analytics::network(&s, NetworkKind::Collaboration, &scope),
                    analytics::communities(&s, &scope, resolution, seed),
                ))
            })
            .await
            .gql()?
        };
        let communities = answers::groups(&net, &found)
            .into_iter()
            .enumerate()
            .map(|(index, group)| Community {
                index,
                partners: partners(&s, group.partners),
                clusters: group
                    .clusters
                    .into_iter()
                    .map(|(c, partners)| ClusterShare {
                        cluster: c.and_then(|c| Programme::load(&s, c)),
                        partners,
                    })
                    .collect(),
            })
            .collect();
        Ok(CommunityDetection {
            modularity: found.partition.modularity,
            communities,
            cluster_nmi: found.agreement.nmi,
            cluster_ari: found.agreement.ari,
        })
    }

    /// A shortest path between two nodes, with what links each step ("works on",
    /// "contributes to", ...); null when they are not connected. On the collaboration network
    /// both ends must be partners.
    #[graphql(directive = crate::api::limits::weighs::apply(2000))]
    async fn shortest_path(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Where the path starts: a global ID or type:slug, e.g. partner:halt.")]
        from: String,
        #[graphql(desc = "Where it ends: a global ID or type:slug.")] to: String,
        #[graphql(desc = "Which network.", default_with = "NetworkKind::Whole")]
        network: NetworkKind,
        #[graphql(desc = "Only this area (ID or slug).")] area: Option<String>,
        #[graphql(desc = "Only interventions and funding known to be active in this year.")]
        year: Option<i32>,
    ) -> Result<Option<Path>> {
        let s = snapshot(ctx)?;
        let scope = scope(&s, &area, year, &None)?;
        let a = ids::node_ref(&s, &from, scope.area, "from").gql()?;
        let b = ids::node_ref(&s, &to, scope.area, "to").gql()?;
        let net = {
            let (s, scope) = (s.clone(), scope.clone());
            analytics::off_thread(move |_| Ok(analytics::network(&s, network, &scope)))
                .await
                .gql()?
        };
        let position = |id: Id, field: &str| {
            net.index_of(id).ok_or_else(|| {
                gql_error(Error::invalid(
                    field,
                    "the node is not in this network (or outside the scope)",
                ))
            })
        };
        let (x, y) = (position(a, "from")?, position(b, "to")?);
        let Some(route) = answers::labelled_path(&s, &net, network, &scope, x, y) else {
            return Ok(None);
        };
        let steps = route
            .into_iter()
            .map(|step| {
                Ok(PathStep {
                    node: node(&s, step.node).gql()?,
                    via: step.via,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(Path {
            length: steps.len() - 1,
            text: steps
                .iter()
                .map(|step| step.node.name().to_owned())
                .collect::<Vec<_>>()
                .join(" → "),
            steps,
        }))
    }

    /// The neighbourhood of a node up to `depth` steps (1–3), with the links among the nodes
    /// found; at most `limit` nodes (up to 5 000).
    #[graphql(directive = crate::api::limits::weighs::apply(5000))]
    #[allow(clippy::too_many_arguments)]
    async fn ego_network(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The centre: a global ID or type:slug, e.g. partner:halt.")] node: String,
        #[graphql(desc = "How many steps out (1–3).", default = 1)] depth: usize,
        #[graphql(desc = "Which network.", default_with = "NetworkKind::Whole")]
        network: NetworkKind,
        #[graphql(desc = "The most nodes to return (1–5000).", default = 500)] limit: usize,
        #[graphql(desc = "Only this area (ID or slug).")] area: Option<String>,
        #[graphql(desc = "Only interventions and funding known to be active in this year.")]
        year: Option<i32>,
    ) -> Result<EgoNetwork> {
        if !(1..=MAX_EGO_DEPTH).contains(&depth) {
            return Err(gql_error(Error::invalid("depth", "must be from 1 to 3")));
        }
        if !(1..=MAX_EGO_NODES).contains(&limit) {
            return Err(gql_error(Error::invalid("limit", "must be from 1 to 5000")));
        }
        let s = snapshot(ctx)?;
        let scope = scope(&s, &area, year, &None)?;
        let center = ids::node_ref(&s, &node, scope.area, "node").gql()?;
        let net = {
            let (s, scope) = (s.clone(), scope.clone());
            analytics::off_thread(move |_| Ok(analytics::network(&s, network, &scope)))
                .await
                .gql()?
        };
        let Some(c) = net.index_of(center) else {
            return Err(gql_error(Error::invalid(
                "node",
                "the node is not in this network (or outside the scope)",
            )));
        };
        let found = answers::ego(&s, &net, network, c, depth, limit);
        let id = |n: Id| ids::encode(s.table_of(n).unwrap_or(Table::Area), n);
        let edges = found
            .links
            .iter()
            .map(|l| EgoEdge {
                source: id(l.a),
                target: id(l.b),
                label: l.label.clone(),
                weight: l.weight,
            })
            .collect();
        Ok(EgoNetwork {
            center: super::node(&s, center).gql()?,
            nodes: found
                .nodes
                .into_iter()
                .map(|(n, distance)| {
                    Ok(EgoNode {
                        node: super::node(&s, n).gql()?,
                        distance,
                    })
                })
                .collect::<Result<_>>()?,
            edges,
            truncated: found.truncated,
        })
    }
}
