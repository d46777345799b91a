//! Network maps in GraphQL: `networkMap(view:, filter:, format:)` gives the nodes and edges
//! of a map with their attributes and positions, and the map serialised in a file format.

use async_graphql::{Context, Object, Result, SimpleObject};

use super::{OrGql, ids, snapshot};
use crate::error::Error;
use crate::maps::{self, FileOptions, Format, Map, MapRequest, View};

/// The most nodes a map returned through GraphQL may hold; larger maps download from
/// `/maps/{view}.{ext}`, which streams.
pub(crate) const MAX_GRAPHQL_NODES: usize = 20_000;
/// The largest `document` returned through GraphQL, in bytes.
const MAX_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;

/// A node of a network map.
#[derive(SimpleObject)]
pub struct MapNode {
    /// The node's global ID (for `node(id:)`).
    pub id: async_graphql::ID,
    /// A readable key, unique in the map and used by `MapEdge.source`/`target`:
    /// `partner:halt` (with the area first when the map spans several areas).
    pub key: String,
    /// The node's name.
    pub label: String,
    /// The node type: `Partner`, `Intervention`, `Goal`, ...
    #[graphql(name = "type")]
    pub node_type: String,
    /// The partner kind, funding kind or goal level, where the type has one.
    pub kind: Option<String>,
    /// The programme clusters the node works for, by name.
    pub clusters: Vec<String>,
    /// The cluster most of its interventions serve.
    pub main_cluster: Option<String>,
    /// The clusters with how many of the node's interventions serve each, and their colours.
    pub cluster_shares: Vec<MapClusterShare>,
    /// Whether the node is the centre of an ego map.
    pub center: bool,
    /// The node's colour on the map, `#rrggbb` (the same in every format).
    pub color: String,
    /// Number of neighbours on the map.
    pub degree: usize,
    /// Sum of the weights of its links on the map.
    pub weighted_degree: f64,
    /// Betweenness centrality on the map (normalised; estimated on very large maps).
    pub betweenness: f64,
    /// PageRank on the map.
    pub pagerank: f64,
    /// The community Louvain finds on the map (numbered from 0).
    pub community: u32,
    /// The category the map is coloured by (cluster, kind, community or progress band).
    pub color_group: String,
    /// Horizontal position in a 1000 × 1000 box (null when the map was not laid out).
    pub x: Option<f64>,
    /// Vertical position in a 1000 × 1000 box, downwards (null when not laid out).
    pub y: Option<f64>,
}

/// A link of a network map.
#[derive(SimpleObject)]
pub struct MapEdge {
    /// The `key` of one end.
    pub source: String,
    /// The `key` of the other end.
    pub target: String,
    /// The weight: shared interventions on the collaboration map, 1 elsewhere.
    pub weight: f64,
    /// What the link means: `collaborates`, a partner role, `contributes to`, `same as`, ...
    pub label: String,
    /// The names of the interventions behind the link: those the two partners share, or the
    /// intervention at one end.
    pub interventions: Vec<String>,
}

/// A programme cluster a node works for.
#[derive(SimpleObject)]
pub struct MapClusterShare {
    /// The cluster's slug.
    pub slug: String,
    /// The cluster's name.
    pub name: String,
    /// How many of the node's interventions serve it (1 for goals and lines).
    pub interventions: usize,
    /// The cluster's fixed colour, `#rrggbb`, the same on every map.
    pub color: String,
}

/// A network map: a view of an area with attributes, positions and, when asked for, the
/// map in a file format.
pub struct NetworkMap {
    map: Map,
    format: Option<Format>,
    options: FileOptions,
    file_name: Option<String>,
}

/// A network map: a view of an area with attributes, positions and, when asked for, the
/// map in a file format.
#[Object]
impl NetworkMap {
    /// The map's title, as on the picture.
    async fn title(&self) -> &str {
        &self.map.title
    }
    /// What the map shows.
    async fn view(&self) -> View {
        self.map.view
    }
    /// The nodes, with their attributes.
    async fn nodes(&self) -> Vec<MapNode> {
        let palette = maps::Palette::new(&self.map);
        self.map
            .nodes
            .iter()
            .map(|n| MapNode {
                id: ids::encode(n.table, n.record),
                key: n.key.clone(),
                label: n.label.clone(),
                node_type: n.table.type_name().to_owned(),
                kind: n.kind.clone(),
                clusters: n.clusters.iter().map(|c| c.name.clone()).collect(),
                main_cluster: n.main_cluster.clone(),
                cluster_shares: n
                    .clusters
                    .iter()
                    .map(|c| MapClusterShare {
                        slug: c.slug.clone(),
                        name: c.name.clone(),
                        interventions: c.interventions,
                        color: maps::cluster_colour(&c.slug).hex(),
                    })
                    .collect(),
                center: n.center,
                color: palette.colour(n).hex(),
                degree: n.degree,
                weighted_degree: n.weighted_degree,
                betweenness: n.betweenness,
                pagerank: n.pagerank,
                community: n.community,
                color_group: n.color_key(self.map.color_by),
                x: self.map.has_positions.then_some(n.x),
                y: self.map.has_positions.then_some(n.y),
            })
            .collect()
    }
    /// The links.
    async fn edges(&self) -> Vec<MapEdge> {
        let key = |i: usize| self.map.nodes[i].key.clone();
        self.map
            .edges
            .iter()
            .map(|e| MapEdge {
                source: key(e.source),
                target: key(e.target),
                weight: e.weight,
                label: e.label.clone(),
                interventions: e
                    .interventions
                    .iter()
                    .filter_map(|i| self.map.interventions.get(i).cloned())
                    .collect(),
            })
            .collect()
    }
    /// How many sources betweenness was estimated from; null when it is exact.
    async fn sampled_sources(&self) -> Option<usize> {
        self.map.sampled_sources
    }
    /// The format `document` is in (null when no format was asked for).
    async fn format(&self) -> Option<Format> {
        self.format
    }
    /// The file name the document would download as, e.g. `lelystad-oost-collaboration.gexf`.
    async fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }
    /// The media type of the document, e.g. `application/gexf+xml; charset=utf-8`.
    async fn media_type(&self) -> Option<&str> {
        self.format.map(Format::content_type)
    }
    /// The map serialised in `format` (at most 16 MiB; larger maps download from
    /// `/maps/{view}.{ext}`). Null when no format was asked for.
    async fn document(&self) -> Result<Option<String>> {
        let Some(format) = self.format else {
            return Ok(None);
        };
        let mut out = Limited(Vec::new());
        match maps::write(&self.map, format, &self.options, &mut out) {
            Ok(()) => String::from_utf8(out.0)
                .map(Some)
                .map_err(|e| Error::Internal(format!("a map document is not UTF-8: {e}")))
                .gql(),
            Err(_) => Err(Error::invalid(
                "format",
                format!(
                    "the document is larger than {} MiB; download it from /maps/{}.{}",
                    MAX_DOCUMENT_BYTES / (1024 * 1024),
                    self.map.view.name(),
                    format.extension()
                ),
            ))
            .gql(),
        }
    }
}

/// A buffer that refuses to grow past [`MAX_DOCUMENT_BYTES`].
struct Limited(Vec<u8>);

impl std::io::Write for Limited {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + data.len() > MAX_DOCUMENT_BYTES {
            return Err(std::io::Error::other("document too large"));
        }
        self.0.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Network maps.
#[derive(Default)]
pub struct MapQuery;

#[Object(guard = "crate::api::Need(crate::auth::Role::Viewer)")]
impl MapQuery {
    /// A network map of an area: the partner collaboration network, the
    /// partner–intervention map, the full graph or the ego network of a node, filtered by
    /// area, cluster, wijk, funding stream, year and link weight, with centrality, communities
    /// and a deterministic layout. Give `format` to also get the map as a file (GEXF,
    /// GraphML, Cytoscape JSON, DOT, Kumu CSV or JSON, or SVG), the same as
    /// `/maps/{view}.{ext}` serves.
    /// At most 20 000 nodes; larger maps download from `/maps`.
    #[graphql(directive = crate::api::limits::weighs::apply(100000))]
    async fn network_map(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the map shows.")] view: View,
        #[graphql(desc = "Which part of the area, and how to colour and size it.")] filter: Option<
            MapRequest,
        >,
        #[graphql(desc = "Also serialise the map in this format (see `document`).")] format: Option<
            Format,
        >,
        #[graphql(
            desc = "How to write the file: a GEXF timeline, the Excel CSV dialect, SVG paper."
        )]
        options: Option<FileOptions>,
    ) -> Result<NetworkMap> {
        let s = snapshot(ctx)?;
        let request = filter.unwrap_or_default();
        let options = options.unwrap_or_default();
        if let Some(format) = format {
            options.check(format).gql()?;
        } else if options != FileOptions::default() {
            return Err(Error::invalid("options", "options need a format")).gql();
        }
        let look = ctx.look_ahead().field("nodes");
        let layout = format.is_some_and(Format::has_positions)
            || look.field("x").exists()
            || look.field("y").exists();
        let spec = maps::resolve(&s, view, &request, layout).gql()?;
        let file_name = format.map(|f| maps::file_name(&s, &spec, f));
        let map = crate::analytics::off_thread(move |cancel| {
            maps::build_limited(&s, &spec, MAX_GRAPHQL_NODES, Some(cancel))
        })
        .await
        .gql()?;
        Ok(NetworkMap {
            map,
            format,
            options,
            file_name,
        })
    }
}
