//! Network maps: one definition (a view of the graph, a filter, how to colour and size it)
//! built into a [`Map`] with typed node attributes, centrality, communities and a
//! deterministic layout, then written in the formats map makers use (see [`write`]).

mod colour;
mod formats;
mod layout;
mod progress;
mod resolve;
mod shape;
mod svg;

use std::collections::{BTreeMap, HashMap};

pub use colour::{Rgb, category_colour, cluster_colour};
pub use formats::{FileOptions, Format, Paper, write, xml};
pub use progress::ProgressBand;
pub use resolve::resolve;
pub use shape::Shape;
pub use svg::Palette;

use crate::analytics::{self, Cancel, Csr, NetworkKind, centrality, community, network, paths};
use crate::domain::{Id, Period, RelationKind, Table};
use crate::error::{Error, Result};
use crate::graph::{EdgeKind, Filter, Snapshot};

/// The most nodes a map may hold (enough for the national-scale whole graph).
pub const MAX_NODES: usize = 250_000;
/// Above this many nodes betweenness on a map is estimated from a sample of sources.
const EXACT_LIMIT: usize = 3_000;

/// What a map shows.
#[derive(
    Copy,
    Clone,
    Debug,
    PartialEq,
    Eq,
    Hash,
    async_graphql::Enum,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[graphql(name = "MapView")]
#[serde(rename_all = "kebab-case")]
pub enum View {
    /// Partners, linked by the interventions they share (weight: how many).
    Collaboration,
    /// Partners and interventions, each partner linked to the interventions it works on.
    Bipartite,
    /// Every node and edge of the model.
    Full,
    /// The neighbourhood of one node in the full graph.
    Ego,
}

impl View {
    pub fn parse(name: &str) -> Option<View> {
        match name {
            "collaboration" => Some(View::Collaboration),
            "bipartite" => Some(View::Bipartite),
            "full" => Some(View::Full),
            "ego" => Some(View::Ego),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            View::Collaboration => "collaboration",
            View::Bipartite => "bipartite",
            View::Full => "full",
            View::Ego => "ego",
        }
    }
}

/// What colours the nodes.
#[derive(
    Copy,
    Clone,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    async_graphql::Enum,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[graphql(name = "MapColorBy")]
#[serde(rename_all = "kebab-case")]
pub enum ColorBy {
    /// The node's (main) programme cluster.
    #[default]
    Cluster,
    /// The partner kind (or, for other nodes, their type).
    Kind,
    /// The community found by Louvain on the map.
    Community,
    /// How the indicators the node carries or that hang below it are doing today: mostly on
    /// track, half, mostly behind, no data yet, or no indicators (as `progressSummary`
    /// counts them).
    Progress,
}

/// What sizes the nodes.
#[derive(
    Copy,
    Clone,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    async_graphql::Enum,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[graphql(name = "MapSizeBy")]
#[serde(rename_all = "kebab-case")]
pub enum SizeBy {
    /// Number of neighbours.
    Degree,
    /// Sum of edge weights.
    #[default]
    WeightedDegree,
    /// Betweenness centrality.
    Betweenness,
    /// PageRank.
    Pagerank,
}

/// A map definition: view, filter and style.
#[derive(Clone, Debug, PartialEq)]
pub struct MapSpec {
    pub view: View,
    pub scope: Filter,
    /// Links below this weight are left out (collaboration view).
    pub min_weight: f64,
    /// The centre of an ego map.
    pub center: Option<Id>,
    /// Steps from the centre (ego map).
    pub depth: usize,
    pub color_by: ColorBy,
    pub size_by: SizeBy,
    /// Seed of the layout and of community detection.
    pub seed: u64,
    /// Whether to compute positions (the SVG always needs them).
    pub layout: bool,
}

/// The colour group of nodes that serve no cluster.
pub const NO_CLUSTER: &str = "(no cluster)";

/// A node of a map.
#[derive(Clone, Debug, PartialEq)]
pub struct MapNode {
    pub record: Id,
    /// A readable id, unique in the map: `partner:halt` (with the area first when the map
    /// spans several areas).
    pub key: String,
    pub label: String,
    /// The node's table: Partner, Intervention, Goal, ...
    pub table: Table,
    /// The partner kind, funding kind or goal level, where the type has one.
    pub kind: Option<String>,
    /// The programme clusters the node works for, with how many of its interventions each.
    pub clusters: Vec<ClusterShare>,
    /// The cluster most of its interventions serve.
    pub main_cluster: Option<String>,
    /// Whether the node is the centre of an ego map.
    pub center: bool,
    /// The years of its interventions, merged; empty when it has none or one of them is
    /// undated (then it is there all the time).
    pub spells: Vec<Period>,
    pub degree: usize,
    pub weighted_degree: f64,
    pub betweenness: f64,
    pub pagerank: f64,
    pub community: u32,
    /// Where its indicators stand; worked out only for a map coloured by progress.
    pub progress: Option<ProgressBand>,
    pub x: f64,
    pub y: f64,
}

/// An edge of a map, between node positions.
#[derive(Clone, Debug, PartialEq)]
pub struct MapEdge {
    pub source: usize,
    pub target: usize,
    pub weight: f64,
    /// What the edge means ("collaborates", "executing", "contributes to", "same as", ...).
    pub label: String,
    /// The interventions behind the edge: those two partners share, or the intervention at
    /// one end (names in [`Map::interventions`]).
    pub interventions: Vec<Id>,
    /// The years of those interventions, merged, as for [`MapNode::spells`].
    pub spells: Vec<Period>,
}

/// A programme cluster a node works for.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterShare {
    pub slug: String,
    pub name: String,
    /// How many of the node's interventions serve the cluster (1 for goals and lines).
    pub interventions: usize,
}

/// A built map.
#[derive(Clone, Debug, PartialEq)]
pub struct Map {
    pub title: String,
    pub view: View,
    pub color_by: ColorBy,
    pub size_by: SizeBy,
    pub nodes: Vec<MapNode>,
    pub edges: Vec<MapEdge>,
    pub has_positions: bool,
    /// How many sources betweenness was estimated from; `None` when exact.
    pub sampled_sources: Option<usize>,
    /// The names of the interventions the edges name.
    pub interventions: BTreeMap<Id, String>,
}

impl MapNode {
    /// The value the node is sized by.
    pub fn size_value(&self, by: SizeBy) -> f64 {
        match by {
            SizeBy::Degree => self.degree as f64,
            SizeBy::WeightedDegree => self.weighted_degree,
            SizeBy::Betweenness => self.betweenness,
            SizeBy::Pagerank => self.pagerank,
        }
    }

    /// The cluster most of its interventions serve, with its slug.
    pub fn main_share(&self) -> Option<&ClusterShare> {
        let main = self.main_cluster.as_deref()?;
        self.clusters.iter().find(|c| c.name == main)
    }

    /// The category the node is coloured by.
    pub fn color_key(&self, by: ColorBy) -> String {
        match by {
            ColorBy::Cluster => self
                .main_cluster
                .clone()
                .unwrap_or_else(|| NO_CLUSTER.into()),
            ColorBy::Kind => match (&self.kind, self.table) {
                (Some(kind), Table::Partner) => kind.replace('_', " "),
                (_, Table::FundingStream) => "funding stream".to_owned(),
                _ => self.table.type_name().to_lowercase(),
            },
            ColorBy::Community => format!("community {}", self.community + 1),
            ColorBy::Progress => self
                .progress
                .map_or_else(String::new, |band| band.label().to_owned()),
        }
    }
}

/// The name, slug and kind of any node.
fn describe(s: &Snapshot, id: Id) -> (String, String, Option<String>) {
    let d = &s.data;
    if let Some(p) = d.partners.get(&id) {
        return (p.name.clone(), p.slug.clone(), Some(p.kind.as_str().into()));
    }
    if let Some(f) = d.funding_streams.get(&id) {
        return (f.name.clone(), f.slug.clone(), Some(f.kind.as_str().into()));
    }
    if let Some(g) = d.goals.get(&id) {
        return (
            g.name.clone(),
            g.slug.clone(),
            Some(g.level.as_str().into()),
        );
    }
    let (name, slug) = d
        .interventions
        .get(&id)
        .map(|r| (r.name.clone(), r.slug.clone()))
        .or_else(|| {
            d.programmes
                .get(&id)
                .map(|r| (r.name.clone(), r.slug.clone()))
        })
        .or_else(|| d.lines.get(&id).map(|r| (r.name.clone(), r.slug.clone())))
        .or_else(|| d.wijken.get(&id).map(|r| (r.name.clone(), r.slug.clone())))
        .unwrap_or_default();
    (name, slug, None)
}

/// The programme clusters a node works for, with how many interventions each.
fn clusters_of(s: &Snapshot, id: Id, scope: &Filter) -> BTreeMap<Id, usize> {
    let mut out = BTreeMap::new();
    match s.table_of(id) {
        Some(Table::Programme) => {
            out.insert(id, 1);
        }
        Some(Table::Line) => {
            if let Some(l) = s.data.lines.get(&id) {
                out.insert(l.programme_id, 1);
            }
        }
        Some(Table::Goal) => {
            if let Some(p) = s
                .goal_line(id)
                .and_then(|l| s.data.lines.get(&l))
                .map(|l| l.programme_id)
            {
                out.insert(p, 1);
            }
        }
        _ => {
            for i in s.interventions_of(id) {
                if scope.year.is_some() && !s.passes(i, scope) {
                    continue;
                }
                for &p in s.intervention_programmes(i) {
                    *out.entry(p).or_insert(0) += 1;
                }
            }
        }
    }
    out
}

/// An edge of a view before it becomes a [`MapEdge`]: the two records, weight, label and the
/// interventions behind it.
type RawEdge = (Id, Id, f64, String, Vec<Id>);

/// Builds a map from a snapshot.
pub fn build(s: &Snapshot, spec: &MapSpec) -> Result<Map> {
    build_limited(s, spec, MAX_NODES, None)
}

/// The nodes and edges of the collaboration view, each link with the interventions the two
/// partners share.
fn collaboration(s: &Snapshot, spec: &MapSpec) -> (Vec<Id>, Vec<RawEdge>) {
    let net = analytics::network(s, NetworkKind::Collaboration, &spec.scope);
    let mut shared: HashMap<(Id, Id), Vec<Id>> = HashMap::new();
    for i in network::interventions_in_scope(s, &spec.scope) {
        let mut team = s.targets(i, EdgeKind::Partner);
        team.sort_unstable();
        team.dedup();
        for (k, &a) in team.iter().enumerate() {
            for &b in &team[k + 1..] {
                shared.entry((a, b)).or_default().push(i);
            }
        }
    }
    let edges = net
        .graph
        .edge_list()
        .iter()
        .filter(|e| e.2 >= spec.min_weight)
        .map(|&(a, b, w)| {
            let (a, b) = (net.id_at(a), net.id_at(b));
            let both = shared.remove(&(a.min(b), a.max(b))).unwrap_or_default();
            (a, b, w, "collaborates".to_owned(), both)
        })
        .collect();
    (net.nodes.clone(), edges)
}

/// Builds a map from a snapshot, refusing one of more than `max_nodes` nodes. The
/// betweenness and the layout stop when `cancel` is set.
pub fn build_limited(
    s: &Snapshot,
    spec: &MapSpec,
    max_nodes: usize,
    cancel: Option<&Cancel>,
) -> Result<Map> {
    let is_intervention = |id: Id| s.table_of(id) == Some(Table::Intervention);
    // The nodes and edges of the view, as record ids.
    let (ids, edges): (Vec<Id>, Vec<RawEdge>) = match spec.view {
        View::Collaboration => collaboration(s, spec),
        View::Bipartite => {
            let interventions = network::interventions_in_scope(s, &spec.scope);
            let mut ids = interventions.clone();
            let mut edges = Vec::new();
            for &i in &interventions {
                for (link, p) in s.edges(i, EdgeKind::Partner, petgraph::Direction::Outgoing) {
                    edges.push((p, i, 1.0, role(s, link).to_owned(), vec![i]));
                    ids.push(p);
                }
            }
            ids.sort_unstable();
            ids.dedup();
            (ids, edges)
        }
        View::Full | View::Ego => {
            let net = analytics::network(s, NetworkKind::Whole, &spec.scope);
            let keep: Option<Vec<usize>> = match spec.view {
                View::Ego => {
                    let center = spec.center.ok_or_else(|| {
                        Error::invalid("node", "an ego map needs a node (e.g. node=partner:halt)")
                    })?;
                    let c = net.index_of(center).ok_or_else(|| {
                        Error::invalid("node", "the node is not in this map's scope")
                    })?;
                    let (found, _) =
                        paths::ego(&net.graph, c as usize, spec.depth.clamp(1, 3), MAX_NODES);
                    let mut keep: Vec<usize> = found.into_iter().map(|(v, _)| v).collect();
                    keep.sort_unstable();
                    Some(keep)
                }
                _ => None,
            };
            let inside = |v: u32| {
                keep.as_ref()
                    .is_none_or(|k| k.binary_search(&(v as usize)).is_ok())
            };
            let ids: Vec<Id> = (0..net.nodes.len() as u32)
                .filter(|&v| inside(v))
                .map(|v| net.id_at(v))
                .collect();
            let edges = net
                .graph
                .edge_list()
                .iter()
                .filter(|&&(a, b, _)| inside(a) && inside(b))
                .map(|&(a, b, _)| {
                    let (x, y) = (net.id_at(a), net.id_at(b));
                    let label = s.edge_between(x, y).map_or("linked", |e| match e.kind {
                        EdgeKind::Partner => role(s, e.record),
                        EdgeKind::Relation => relation(s, e.record),
                        kind => edge_label(kind),
                    });
                    let behind = [x, y].into_iter().filter(|&v| is_intervention(v)).collect();
                    (x, y, 1.0, label.to_owned(), behind)
                })
                .collect();
            (ids, edges)
        }
    };
    if ids.len() > max_nodes {
        return Err(Error::invalid(
            "view",
            format!(
                "the map would hold {} nodes (at most {max_nodes} here); narrow the filter",
                ids.len()
            ),
        ));
    }
    let position = |id: Id| ids.binary_search(&id).ok();
    let mut names = BTreeMap::new();
    let edges: Vec<MapEdge> = edges
        .into_iter()
        .filter_map(|(a, b, weight, label, interventions)| {
            for &i in &interventions {
                names.entry(i).or_insert_with(|| describe(s, i).0);
            }
            Some(MapEdge {
                source: position(a)?,
                target: position(b)?,
                weight: finite(weight),
                label,
                spells: spells(s, &interventions),
                interventions,
            })
        })
        .collect();
    let n = ids.len();
    let graph = Csr::from_edges(
        n,
        edges
            .iter()
            .map(|e| (e.source as u32, e.target as u32, e.weight)),
    );

    let sampled = (n > EXACT_LIMIT).then_some(500);
    let sources: Option<Vec<usize>> = sampled.map(|k| (0..n).step_by((n / k).max(1)).collect());
    let betweenness = centrality::betweenness(&graph, sources.as_deref(), cancel)?;
    let pagerank = centrality::pagerank(&graph).unwrap_or_else(|| vec![0.0; n]);
    let communities = community::louvain(&graph, 1.0, spec.seed);
    let positions = if spec.layout {
        layout::layout(&graph, spec.seed, cancel)?
    } else {
        vec![(0.0, 0.0); n]
    };

    let bands = if spec.color_by == ColorBy::Progress {
        progress::bands(s, &ids, crate::graph::today())
            .into_iter()
            .map(Some)
            .collect()
    } else {
        vec![None; n]
    };
    let areas: std::collections::BTreeSet<Id> =
        ids.iter().filter_map(|&id| s.area_of(id)).collect();
    let nodes = ids
        .iter()
        .enumerate()
        .map(|(v, &id)| {
            let table = s.table_of(id).unwrap_or(Table::Area);
            let (label, slug, kind) = describe(s, id);
            let ty = table.type_name();
            let key = if areas.len() > 1 {
                let area = s
                    .area_of(id)
                    .and_then(|a| s.data.areas.get(&a))
                    .map_or("", |a| a.slug.as_str());
                format!("{area}:{}:{slug}", ty.to_lowercase())
            } else {
                format!("{}:{slug}", ty.to_lowercase())
            };
            let clusters: Vec<ClusterShare> = clusters_of(s, id, &spec.scope)
                .into_iter()
                .filter_map(|(p, count)| {
                    let p = s.data.programmes.get(&p)?;
                    Some(ClusterShare {
                        slug: p.slug.clone(),
                        name: p.name.clone(),
                        interventions: count,
                    })
                })
                .collect();
            let main = clusters
                .iter()
                .max_by(|a, b| {
                    a.interventions
                        .cmp(&b.interventions)
                        .then(b.slug.cmp(&a.slug))
                })
                .map(|c| c.name.clone());
            let own = match table {
                Table::Partner | Table::Intervention | Table::FundingStream | Table::Wijk => {
                    in_scope(s, id, &spec.scope)
                }
                _ => Vec::new(),
            };
            MapNode {
                record: id,
                key,
                label,
                table,
                kind,
                clusters,
                main_cluster: main,
                center: spec.view == View::Ego && spec.center == Some(id),
                spells: spells(s, &own),
                degree: graph.degree(v as u32),
                weighted_degree: finite(graph.weighted_degree(v as u32)),
                betweenness: finite(betweenness[v]),
                pagerank: finite(pagerank[v]),
                community: communities.community[v],
                progress: bands[v],
                x: finite(positions[v].0),
                y: finite(positions[v].1),
            }
        })
        .collect();
    Ok(Map {
        title: title(s, spec),
        view: spec.view,
        color_by: spec.color_by,
        size_by: spec.size_by,
        nodes,
        edges,
        has_positions: spec.layout,
        sampled_sources: sampled.map(|k| k.min(n)),
        interventions: names,
    })
}

/// A number every format can write: infinities and NaN (which no format can carry) become 0,
/// and so does -0 (which a spreadsheet shows as "-0").
pub fn finite(value: f64) -> f64 {
    // Adding zero turns -0 into 0.
    if value.is_finite() { value + 0.0 } else { 0.0 }
}

/// The interventions of a node that the map's year counts.
fn in_scope(s: &Snapshot, id: Id, scope: &Filter) -> Vec<Id> {
    s.interventions_of(id)
        .into_iter()
        .filter(|&i| scope.year.is_none() || s.passes(i, scope))
        .collect()
}

/// The years of some interventions as merged spells. None when there are no interventions or
/// one of them has no years at all: then the node or link is there the whole time.
fn spells(s: &Snapshot, interventions: &[Id]) -> Vec<Period> {
    let mut periods = Vec::with_capacity(interventions.len());
    for i in interventions {
        let Some(r) = s.data.interventions.get(i) else {
            continue;
        };
        let period = Period::new(r.start_year, r.end_year);
        if period.is_undated() {
            return Vec::new();
        }
        periods.push(period);
    }
    merge(periods)
}

/// Merges periods that overlap or touch (2024–2025 and 2026 make 2024–2026); an open bound
/// (no start or no end) reaches as far as it can.
fn merge(mut periods: Vec<Period>) -> Vec<Period> {
    periods.sort_by_key(|p| (p.start.unwrap_or(i32::MIN), p.end.unwrap_or(i32::MAX)));
    let mut out: Vec<Period> = Vec::with_capacity(periods.len());
    for p in periods {
        if let Some(last) = out.last_mut() {
            let reaches = last
                .end
                .is_none_or(|end| p.start.is_none_or(|start| start <= end.saturating_add(1)));
            if reaches {
                last.end = match (last.end, p.end) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
                continue;
            }
        }
        out.push(p);
    }
    out
}

/// The label of a relation between two interventions: "same as" or "refers to".
fn relation(s: &Snapshot, record: Id) -> &'static str {
    match s.data.intervention_relations.get(&record).map(|r| r.kind) {
        Some(RelationKind::SameAs) => "same as",
        _ => "refers to",
    }
}

/// The role of a partner link: executing, lead, penvoerder, core partner.
fn role(s: &Snapshot, link: Id) -> &str {
    s.data
        .intervention_partners
        .get(&link)
        .map_or("executing", |l| l.role.as_str())
}

/// The label of a whole-graph edge kind, read from the dependent node.
fn edge_label(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::LineOf => "line of",
        EdgeKind::GoalOf => "goal of",
        EdgeKind::SubGoalOf => "sub-goal of",
        EdgeKind::LineFunding | EdgeKind::Funding => "funded by",
        EdgeKind::Contributes => "contributes to",
        EdgeKind::Partner => "partner",
        EdgeKind::InWijk => "in wijk",
        EdgeKind::Relation => "refers to",
        EdgeKind::GoalRelation => "served by",
    }
}

/// "Collaboration network · Samen Lelystad Oost · Veilige Wijken · 2025".
fn title(s: &Snapshot, spec: &MapSpec) -> String {
    let mut parts = vec![match spec.view {
        View::Collaboration => "Collaboration network".to_owned(),
        View::Bipartite => "Partners and interventions".to_owned(),
        View::Full => "The whole programme".to_owned(),
        View::Ego => format!(
            "Around {}",
            spec.center.map(|c| describe(s, c).0).unwrap_or_default()
        ),
    }];
    let name = |id: Option<Id>| id.map(|id| describe(s, id).0);
    if let Some(area) = spec.scope.area.and_then(|a| s.data.areas.get(&a)) {
        parts.push(area.name.clone());
    }
    parts.extend(name(spec.scope.programme));
    parts.extend(name(spec.scope.wijk));
    parts.extend(name(spec.scope.funding_stream));
    parts.extend(spec.scope.year.map(|y| y.to_string()));
    if spec.view == View::Collaboration && spec.min_weight > 1.0 {
        parts.push(format!(
            "links of {}+ shared interventions",
            spec.min_weight
        ));
    }
    parts.join(" · ")
}

/// A map option's value in any case, with `-` or `_` between words: `progress` and
/// `PROGRESS` (as the GraphQL enum spells it) read alike, in URLs as on the command line.
fn any_case<'de, D, T>(deserializer: D) -> std::result::Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: clap::ValueEnum,
{
    let text = <String as serde::Deserialize>::deserialize(deserializer)?;
    T::from_str(&text.trim().replace('_', "-"), true)
        .map(Some)
        .map_err(|_| {
            let known: Vec<String> = T::value_variants()
                .iter()
                .filter_map(|v| v.to_possible_value())
                .map(|v| v.get_name().to_owned())
                .collect();
            serde::de::Error::custom(format!(
                "unknown value `{}`, expected one of: {}",
                crate::error::shortened(&text),
                known.join(", ")
            ))
        })
}

/// A map as users ask for it: references by slug or ID, all optional. The HTTP query
/// (`?cluster=…&wijk=…&year=…`), the CLI flags and the GraphQL input all read into this.
#[derive(
    Clone, Debug, Default, PartialEq, serde::Deserialize, clap::Args, async_graphql::InputObject,
)]
#[serde(default, rename_all = "camelCase")]
#[graphql(name = "MapFilter")]
pub struct MapRequest {
    /// Only this area (slug or ID).
    #[arg(long)]
    pub area: Option<String>,
    /// Only interventions of this programme cluster (slug or ID).
    #[arg(long)]
    #[serde(alias = "programme")]
    pub cluster: Option<String>,
    /// Only interventions in this wijk (slug or ID).
    #[arg(long)]
    pub wijk: Option<String>,
    /// Only interventions paid by this funding stream (slug or ID).
    #[arg(long)]
    #[serde(alias = "funding_stream")]
    pub funding_stream: Option<String>,
    /// Only interventions and funding active in this year.
    #[arg(long)]
    pub year: Option<i32>,
    /// Leave out links with fewer shared interventions (collaboration map).
    #[arg(long)]
    #[serde(alias = "min_weight")]
    pub min_weight: Option<f64>,
    /// The centre of an ego map: type:slug (e.g. partner:halt) or ID.
    #[arg(long)]
    pub node: Option<String>,
    /// Steps from the centre of an ego map (1–3, default 1).
    #[arg(long)]
    pub depth: Option<usize>,
    /// What colours the nodes (default: cluster).
    #[arg(long, value_enum)]
    #[serde(deserialize_with = "any_case")]
    pub color: Option<ColorBy>,
    /// What sizes the nodes (default: weighted degree).
    #[arg(long, value_enum)]
    #[serde(deserialize_with = "any_case")]
    pub size: Option<SizeBy>,
    /// Seed of the layout (default 1).
    #[arg(long)]
    pub seed: Option<u64>,
}

/// The file name a map downloads as: `lelystad-oost-collaboration.gexf`, with the centre of
/// an ego map: `lelystad-oost-ego-halt.svg`.
pub fn file_name(s: &Snapshot, spec: &MapSpec, format: Format) -> String {
    let area = spec
        .scope
        .area
        .and_then(|a| s.data.areas.get(&a))
        .map_or("samenhang", |a| a.slug.as_str());
    let center = spec
        .center
        .map(|c| format!("-{}", s.slug_of(c)))
        .unwrap_or_default();
    format!("{area}-{}{center}.{}", spec.view.name(), format.extension())
}

/// Reads a map file name such as `collaboration.gexf` or `full.nodes.csv`.
pub fn parse_file_name(name: &str) -> Option<(View, Format)> {
    let (view, ext) = name.split_once('.')?;
    Some((View::parse(view)?, Format::from_extension(ext)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(start: Option<i32>, end: Option<i32>) -> Period {
        Period::new(start, end)
    }

    #[test]
    fn spells_merge_when_they_overlap_or_touch() {
        assert_eq!(
            merge(vec![
                p(Some(2026), Some(2026)),
                p(Some(2024), Some(2025)),
                p(Some(2029), Some(2030))
            ]),
            vec![p(Some(2024), Some(2026)), p(Some(2029), Some(2030))]
        );
        // An open end reaches every later period.
        assert_eq!(
            merge(vec![p(Some(2022), None), p(Some(2030), Some(2031))]),
            vec![p(Some(2022), None)]
        );
        assert_eq!(
            merge(vec![p(None, Some(2023)), p(Some(2024), Some(2025))]),
            vec![p(None, Some(2025))]
        );
        assert!(merge(Vec::new()).is_empty());
    }

    #[test]
    fn numbers_that_no_format_carries_become_zero() {
        assert_eq!(finite(f64::NAN), 0.0);
        assert_eq!(finite(f64::NEG_INFINITY), 0.0);
        assert_eq!(finite(2.5), 2.5);
        assert!(finite(-0.0).is_sign_positive());
        assert_eq!(finite(-0.0).to_string(), "0");
    }
}
