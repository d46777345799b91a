//! Writing a [`Map`] in the formats map makers use: GEXF 1.3 (Gephi, with `viz:` colours,
//! positions, sizes and shapes, and a dynamic timeline on request), GraphML (yEd, Cytoscape
//! desktop), Cytoscape.js JSON, Graphviz DOT, Kumu's CSV element and connection lists (also
//! for spreadsheets, with an Excel dialect), Kumu's JSON blueprint and SVG. Every writer
//! streams into an [`io::Write`], so a large map is never held twice.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Map, MapEdge, MapNode, Shape, finite, svg};
use crate::domain::{Period, replace_unstorable};
use crate::error::{Error, Result};

/// Paper to print a map on (landscape).
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
#[graphql(name = "MapPaper")]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    /// A4 landscape, 297 × 210 mm.
    A4,
    /// A3 landscape, 420 × 297 mm.
    A3,
}

impl Paper {
    /// Width and height in millimetres (landscape).
    pub fn size_mm(self) -> (f64, f64) {
        match self {
            Paper::A4 => (297.0, 210.0),
            Paper::A3 => (420.0, 297.0),
        }
    }
}

/// How a map file is written, beyond its format. Each option belongs to one format; giving
/// it with another is refused.
#[derive(
    Clone, Debug, Default, PartialEq, serde::Deserialize, clap::Args, async_graphql::InputObject,
)]
#[serde(default, rename_all = "camelCase")]
#[graphql(name = "MapFileOptions")]
pub struct FileOptions {
    /// GEXF only: a dynamic graph for Gephi's timeline, each node and link with the years of
    /// its interventions (one without years, or with an undated intervention, is always
    /// there).
    #[arg(long)]
    #[graphql(default)]
    pub timeline: bool,
    /// CSV only: for Excel in a Dutch locale: a UTF-8 byte order mark, `;` between fields and
    /// a decimal comma.
    #[arg(long)]
    #[graphql(default)]
    pub excel: bool,
    /// SVG only: printable on this paper (landscape, sized in millimetres, 10 mm margins).
    #[arg(long, value_enum)]
    #[serde(deserialize_with = "super::any_case")]
    pub paper: Option<Paper>,
}

impl FileOptions {
    /// Refuses an option the format does not have.
    pub fn check(&self, format: Format) -> Result<()> {
        let refuse = |field: &str, needs: &str| {
            Err(Error::invalid(
                field,
                format!(
                    "{field} applies to {needs} only, not to {}",
                    format.extension()
                ),
            ))
        };
        if self.timeline && format != Format::Gexf {
            return refuse("timeline", "gexf");
        }
        if self.excel && !matches!(format, Format::NodesCsv | Format::EdgesCsv) {
            return refuse("excel", "nodes.csv and edges.csv");
        }
        if self.paper.is_some() && format != Format::Svg {
            return refuse("paper", "svg");
        }
        Ok(())
    }
}

/// An output format.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, async_graphql::Enum)]
#[graphql(name = "MapFormat")]
pub enum Format {
    /// GEXF 1.3 for Gephi.
    Gexf,
    /// GraphML with declared keys.
    Graphml,
    /// Cytoscape.js JSON (`elements` with `data` and `position`).
    Cyjs,
    /// Graphviz DOT.
    Dot,
    /// CSV node list in Kumu's element columns (`ID`, `Label`, `Type`, `Description`,
    /// `Tags`, then the map's fields; several values separated by `|`).
    NodesCsv,
    /// CSV edge list in Kumu's connection columns (`From`, `To`, `Type`, `Direction`, then
    /// the weight and the shared interventions).
    EdgesCsv,
    /// An SVG picture with title and legend.
    Svg,
    /// Kumu's JSON import format (a blueprint of elements and connections).
    KumuJson,
}

impl Format {
    /// Every format, in the order the page lists them.
    pub const ALL: [Format; 8] = [
        Format::Svg,
        Format::Gexf,
        Format::Graphml,
        Format::Cyjs,
        Format::Dot,
        Format::NodesCsv,
        Format::EdgesCsv,
        Format::KumuJson,
    ];

    /// The file extension (`nodes.csv` for the node list).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Gexf => "gexf",
            Format::Graphml => "graphml",
            Format::Cyjs => "cyjs",
            Format::Dot => "dot",
            Format::NodesCsv => "nodes.csv",
            Format::EdgesCsv => "edges.csv",
            Format::Svg => "svg",
            Format::KumuJson => "kumu.json",
        }
    }

    pub fn from_extension(ext: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.extension() == ext)
    }

    /// The HTTP content type.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Gexf => "application/gexf+xml; charset=utf-8",
            Format::Graphml => "application/graphml+xml; charset=utf-8",
            Format::Cyjs | Format::KumuJson => "application/json",
            Format::Dot => "text/vnd.graphviz; charset=utf-8",
            Format::NodesCsv | Format::EdgesCsv => "text/csv; charset=utf-8",
            Format::Svg => "image/svg+xml",
        }
    }

    /// Whether the format carries node positions.
    pub fn has_positions(self) -> bool {
        matches!(
            self,
            Format::Gexf | Format::Graphml | Format::Cyjs | Format::Dot | Format::Svg
        )
    }
}

/// Writes a map in a format (options checked with [`FileOptions::check`]).
pub fn write(
    map: &Map,
    format: Format,
    options: &FileOptions,
    out: &mut impl Write,
) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(64 * 1024, out);
    let dialect = if options.excel {
        out.write_all("\u{feff}".as_bytes())?;
        Dialect::EXCEL
    } else {
        Dialect::RFC
    };
    match format {
        Format::Gexf => gexf(map, options.timeline, &mut out)?,
        Format::Graphml => graphml(map, &mut out)?,
        Format::Cyjs => cyjs(map, &mut out)?,
        Format::Dot => dot(map, &mut out)?,
        Format::NodesCsv => nodes_csv(map, dialect, &mut out)?,
        Format::EdgesCsv => edges_csv(map, dialect, &mut out)?,
        Format::Svg => svg::render(map, options.paper, &mut out)?,
        Format::KumuJson => kumu_json(map, &mut out)?,
    }
    out.flush()
}

/// Text safe inside XML attributes and elements. Characters no format can carry (stored
/// before samenhang refused them) become U+FFFD, as in every format.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in replace_unstorable(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text every format can carry, for JSON values.
fn text(value: &str) -> String {
    replace_unstorable(value).into_owned()
}

/// A quoted DOT identifier.
fn dot_id(text: &str) -> String {
    let mut out = String::from("\"");
    for c in replace_unstorable(text).chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// How a CSV file separates fields and writes numbers.
#[derive(Copy, Clone, Debug, PartialEq)]
struct Dialect {
    separator: char,
    decimal_comma: bool,
}

impl Dialect {
    /// RFC 4180: commas, decimal points.
    const RFC: Dialect = Dialect {
        separator: ',',
        decimal_comma: false,
    };
    /// Excel in a Dutch locale: semicolons, decimal commas.
    const EXCEL: Dialect = Dialect {
        separator: ';',
        decimal_comma: true,
    };

    /// A text field.
    fn text(self, value: &str) -> String {
        csv_field(value, self.separator)
    }

    /// A number field.
    fn number(self, value: f64) -> String {
        let value = finite(value).to_string();
        if self.decimal_comma {
            value.replace('.', ",")
        } else {
            value
        }
    }

    /// A row of fields, ended by a newline.
    fn row(self, out: &mut impl Write, fields: &[String]) -> io::Result<()> {
        let mut sep = [0; 4];
        let sep = self.separator.encode_utf8(&mut sep);
        writeln!(out, "{}", fields.join(sep))
    }
}

/// A CSV field (RFC 4180) for a file whose fields are separated by `separator`. Text that a
/// spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return, and not a number) gets a leading `'`, which spreadsheets show as text (OWASP's
/// advice against CSV injection).
fn csv_field(text: &str, separator: char) -> String {
    let text = replace_unstorable(text);
    let formula =
        text.starts_with(['=', '+', '-', '@', '\t', '\r']) && text.parse::<f64>().is_err();
    let text = if formula {
        format!("'{text}")
    } else {
        text.into_owned()
    };
    if text.contains([separator, ',', ';', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The node attributes every format carries, as `(key, title, type, value)`. Several values
/// are separated by `|`, as Kumu and Gephi split them.
fn attributes(node: &MapNode) -> [(&'static str, &'static str, &'static str, String); 11] {
    [
        ("type", "type", "string", node.table.type_name().to_owned()),
        (
            "kind",
            "kind",
            "string",
            node.kind.clone().unwrap_or_default(),
        ),
        ("clusters", "clusters", "string", cluster_names(node)),
        (
            "cluster",
            "main cluster",
            "string",
            node.main_cluster.clone().unwrap_or_default(),
        ),
        (
            "cluster_interventions",
            "interventions per cluster",
            "string",
            cluster_shares(node),
        ),
        ("center", "centre", "boolean", node.center.to_string()),
        ("degree", "degree", "integer", node.degree.to_string()),
        (
            "weighted_degree",
            "weighted degree",
            "double",
            finite(node.weighted_degree).to_string(),
        ),
        (
            "betweenness",
            "betweenness",
            "double",
            finite(node.betweenness).to_string(),
        ),
        (
            "pagerank",
            "pagerank",
            "double",
            finite(node.pagerank).to_string(),
        ),
        (
            "community",
            "community",
            "integer",
            node.community.to_string(),
        ),
    ]
}

/// `Veilige Wijken|Wonen en Werk`.
fn cluster_names(node: &MapNode) -> String {
    let names: Vec<&str> = node.clusters.iter().map(|c| c.name.as_str()).collect();
    names.join("|")
}

/// `Veilige Wijken: 5|Wonen en Werk: 2`.
fn cluster_shares(node: &MapNode) -> String {
    let shares: Vec<String> = node
        .clusters
        .iter()
        .map(|c| format!("{}: {}", c.name, c.interventions))
        .collect();
    shares.join("|")
}

/// The names of the interventions behind an edge.
fn intervention_names<'a>(map: &'a Map, edge: &MapEdge) -> Vec<&'a str> {
    edge.interventions
        .iter()
        .filter_map(|i| map.interventions.get(i).map(String::as_str))
        .collect()
}

/// A GEXF date for the first or last day of a year.
fn spell(period: &Period) -> String {
    let mut out = String::from("<spell");
    if let Some(start) = period.start {
        out.push_str(&format!(r#" start="{start:04}-01-01""#));
    }
    if let Some(end) = period.end {
        out.push_str(&format!(r#" end="{end:04}-12-31""#));
    }
    out.push_str("/>");
    out
}

fn spells(list: &[Period]) -> String {
    if list.is_empty() {
        return String::new();
    }
    let inner: String = list.iter().map(spell).collect();
    format!("<spells>{inner}</spells>")
}

fn gexf(map: &Map, timeline: bool, out: &mut impl Write) -> io::Result<()> {
    let palette = svg::Palette::new(map);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" version="1.3">"#
    )?;
    writeln!(
        out,
        "  <meta><creator>samenhang</creator><description>{}</description></meta>",
        xml(&map.title)
    )?;
    if timeline {
        writeln!(
            out,
            r#"  <graph defaultedgetype="undirected" mode="dynamic" timeformat="date" timerepresentation="interval">"#
        )?;
    } else {
        writeln!(
            out,
            r#"  <graph defaultedgetype="undirected" mode="static">"#
        )?;
    }
    writeln!(out, r#"    <attributes class="node">"#)?;
    if let Some(first) = map.nodes.first() {
        for (i, (_, title, ty, _)) in attributes(first).iter().enumerate() {
            writeln!(
                out,
                r#"      <attribute id="{i}" title="{title}" type="{ty}"/>"#
            )?;
        }
    }
    writeln!(out, "    </attributes>")?;
    writeln!(
        out,
        r#"    <attributes class="edge"><attribute id="label" title="relation" type="string"/><attribute id="interventions" title="interventions" type="string"/></attributes>"#
    )?;
    writeln!(out, r#"    <nodes count="{}">"#, map.nodes.len())?;
    for node in &map.nodes {
        writeln!(
            out,
            r#"      <node id="{}" label="{}">"#,
            xml(&node.key),
            xml(&node.label)
        )?;
        write!(out, "        <attvalues>")?;
        for (i, (_, _, _, value)) in attributes(node).iter().enumerate() {
            write!(out, r#"<attvalue for="{i}" value="{}"/>"#, xml(value))?;
        }
        writeln!(out, "</attvalues>")?;
        if timeline {
            writeln!(out, "        {}", spells(&node.spells))?;
        }
        let c = palette.colour(node);
        writeln!(
            out,
            r#"        <viz:color r="{}" g="{}" b="{}"/>"#,
            c.0, c.1, c.2
        )?;
        if map.has_positions {
            // GEXF's y axis points up, the map's down.
            writeln!(
                out,
                r#"        <viz:position x="{:.2}" y="{:.2}" z="0"/>"#,
                finite(node.x),
                finite(1000.0 - node.y)
            )?;
        }
        writeln!(
            out,
            r#"        <viz:size value="{:.2}"/>"#,
            svg::radius(map, node)
        )?;
        writeln!(
            out,
            r#"        <viz:shape value="{}"/>"#,
            Shape::of(node.table).gexf()
        )?;
        writeln!(out, "      </node>")?;
    }
    writeln!(out, "    </nodes>")?;
    writeln!(out, r#"    <edges count="{}">"#, map.edges.len())?;
    let max_weight = map.edges.iter().map(|e| e.weight).fold(1.0, f64::max);
    for (i, edge) in map.edges.iter().enumerate() {
        let timed = if timeline {
            spells(&edge.spells)
        } else {
            String::new()
        };
        writeln!(
            out,
            r#"      <edge id="{i}" source="{}" target="{}" weight="{}"><attvalues><attvalue for="label" value="{}"/><attvalue for="interventions" value="{}"/></attvalues>{timed}<viz:thickness value="{:.2}"/></edge>"#,
            xml(&map.nodes[edge.source].key),
            xml(&map.nodes[edge.target].key),
            finite(edge.weight),
            xml(&edge.label),
            xml(&intervention_names(map, edge).join("|")),
            0.5 + 3.5 * finite(edge.weight) / max_weight,
        )?;
    }
    writeln!(out, "    </edges>")?;
    writeln!(out, "  </graph>")?;
    writeln!(out, "</gexf>")
}

fn graphml(map: &Map, out: &mut impl Write) -> io::Result<()> {
    let palette = svg::Palette::new(map);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    writeln!(
        out,
        r#"  <key id="label" for="node" attr.name="label" attr.type="string"/>"#
    )?;
    if let Some(first) = map.nodes.first() {
        for (key, _, ty, _) in attributes(first) {
            let ty = if ty == "integer" { "int" } else { ty };
            writeln!(
                out,
                r#"  <key id="{key}" for="node" attr.name="{key}" attr.type="{ty}"/>"#
            )?;
        }
    }
    for (key, target, ty) in [
        ("color", "node", "string"),
        ("shape", "node", "string"),
        ("x", "node", "double"),
        ("y", "node", "double"),
        ("weight", "edge", "double"),
        ("relation", "edge", "string"),
        ("interventions", "edge", "string"),
    ] {
        writeln!(
            out,
            r#"  <key id="{key}" for="{target}" attr.name="{key}" attr.type="{ty}"/>"#
        )?;
    }
    writeln!(out, r#"  <graph id="G" edgedefault="undirected">"#)?;
    writeln!(out, r#"    <desc>{}</desc>"#, xml(&map.title))?;
    for node in &map.nodes {
        write!(
            out,
            r#"    <node id="{}"><data key="label">{}</data>"#,
            xml(&node.key),
            xml(&node.label)
        )?;
        for (key, _, _, value) in attributes(node) {
            write!(out, r#"<data key="{key}">{}</data>"#, xml(&value))?;
        }
        write!(
            out,
            r#"<data key="color">{}</data><data key="shape">{}</data>"#,
            palette.colour(node).hex(),
            Shape::of(node.table).name()
        )?;
        if map.has_positions {
            write!(
                out,
                r#"<data key="x">{:.2}</data><data key="y">{:.2}</data>"#,
                finite(node.x),
                finite(node.y)
            )?;
        }
        writeln!(out, "</node>")?;
    }
    for (i, edge) in map.edges.iter().enumerate() {
        writeln!(
            out,
            r#"    <edge id="e{i}" source="{}" target="{}"><data key="weight">{}</data><data key="relation">{}</data><data key="interventions">{}</data></edge>"#,
            xml(&map.nodes[edge.source].key),
            xml(&map.nodes[edge.target].key),
            finite(edge.weight),
            xml(&edge.label),
            xml(&intervention_names(map, edge).join("|")),
        )?;
    }
    writeln!(out, "  </graph>")?;
    writeln!(out, "</graphml>")
}

/// A JSON number that is always a number (never `null` for NaN).
fn number(value: f64) -> Value {
    json!(finite(value))
}

/// Writes `items` as the elements of a JSON array, one per line, streamed.
fn json_array<T>(
    out: &mut impl Write,
    items: impl Iterator<Item = T>,
    element: impl Fn(T) -> Value,
) -> io::Result<()> {
    writeln!(out, "[")?;
    for (i, item) in items.enumerate() {
        if i > 0 {
            writeln!(out, ",")?;
        }
        serde_json::to_writer(&mut *out, &element(item))?;
    }
    write!(out, "\n]")
}

/// The clusters of a node with their colours, for the page and Cytoscape's pie charts.
fn cluster_list(node: &MapNode) -> Value {
    node.clusters
        .iter()
        .map(|c| {
            json!({
                "slug": text(&c.slug),
                "name": text(&c.name),
                "interventions": c.interventions,
                "color": super::cluster_colour(&c.slug).hex(),
            })
        })
        .collect()
}

fn cyjs(map: &Map, out: &mut impl Write) -> io::Result<()> {
    let palette = svg::Palette::new(map);
    write!(out, "{{\"data\": ")?;
    serde_json::to_writer(&mut *out, &json!({ "name": text(&map.title) }))?;
    write!(out, ",\n\"elements\": {{\"nodes\": ")?;
    json_array(out, map.nodes.iter(), |node| {
        let mut data = json!({
            "id": text(&node.key),
            "label": text(&node.label),
            "type": node.table.type_name(),
            "kind": text(node.kind.as_deref().unwrap_or("")),
            "clusters": cluster_list(node),
            "cluster": text(node.main_cluster.as_deref().unwrap_or("")),
            "center": node.center,
            "degree": node.degree,
            "weighted_degree": number(node.weighted_degree),
            "betweenness": number(node.betweenness),
            "pagerank": number(node.pagerank),
            "community": node.community,
            "color": palette.colour(node).hex(),
            "color_group": text(&node.color_key(map.color_by)),
            "size": number(svg::radius(map, node)),
            "shape": Shape::of(node.table).cytoscape(),
        });
        let mut element = json!({ "data": data.take() });
        if map.has_positions {
            element["position"] = json!({ "x": number(node.x), "y": number(node.y) });
        }
        element
    })?;
    write!(out, ",\n\"edges\": ")?;
    json_array(out, map.edges.iter().enumerate(), |(i, edge)| {
        json!({ "data": {
            "id": format!("e{i}"),
            "source": text(&map.nodes[edge.source].key),
            "target": text(&map.nodes[edge.target].key),
            "weight": number(edge.weight),
            "relation": text(&edge.label),
            "interventions": intervention_names(map, edge).into_iter().map(text).collect::<Vec<_>>(),
        }})
    })?;
    writeln!(out, "}}}}")
}

/// Kumu's JSON import format ("blueprint"): elements with `label`, `type`, `description` and
/// `tags`, connections with `from`, `to`, `type` and `direction`, and the map's fields.
fn kumu_json(map: &Map, out: &mut impl Write) -> io::Result<()> {
    let palette = svg::Palette::new(map);
    write!(out, "{{\"elements\": ")?;
    json_array(out, map.nodes.iter(), |node| {
        json!({
            "id": text(&node.key),
            "label": text(&node.label),
            "type": node.table.type_name(),
            "description": text(&description(node)),
            "tags": node.clusters.iter().map(|c| text(&c.name)).collect::<Vec<_>>(),
            "Kind": text(node.kind.as_deref().unwrap_or("")),
            "Main cluster": text(node.main_cluster.as_deref().unwrap_or("")),
            "Interventions per cluster": node.clusters.iter()
                .map(|c| format!("{}: {}", text(&c.name), c.interventions)).collect::<Vec<_>>(),
            "Degree": node.degree,
            "Weighted degree": number(node.weighted_degree),
            "Betweenness": number(node.betweenness),
            "PageRank": number(node.pagerank),
            "Community": node.community + 1,
            "Color": palette.colour(node).hex(),
        })
    })?;
    write!(out, ",\n\"connections\": ")?;
    json_array(out, map.edges.iter().enumerate(), |(i, edge)| {
        json!({
            "id": format!("connection-{i}"),
            "from": text(&map.nodes[edge.source].key),
            "to": text(&map.nodes[edge.target].key),
            "type": text(&edge.label),
            "direction": "undirected",
            "Weight": number(edge.weight),
            "Interventions": intervention_names(map, edge).into_iter().map(text).collect::<Vec<_>>(),
        })
    })?;
    writeln!(out, "}}")
}

/// A line about a node for Kumu's description: "Partner (government), in Veilige Wijken and
/// Wonen en Werk".
fn description(node: &MapNode) -> String {
    let mut out = node.table.type_name().to_owned();
    if let Some(kind) = &node.kind {
        out.push_str(&format!(" ({})", kind.replace('_', " ")));
    }
    let names: Vec<&str> = node.clusters.iter().map(|c| c.name.as_str()).collect();
    match names.as_slice() {
        [] => {}
        [one] => out.push_str(&format!(", in {one}")),
        [rest @ .., last] => out.push_str(&format!(", in {} and {last}", rest.join(", "))),
    }
    out
}

fn dot(map: &Map, out: &mut impl Write) -> io::Result<()> {
    let palette = svg::Palette::new(map);
    let max_weight = map.edges.iter().map(|e| e.weight).fold(1.0, f64::max);
    writeln!(out, "graph {} {{", dot_id(&map.title))?;
    writeln!(out, "  label={};", dot_id(&map.title))?;
    writeln!(
        out,
        r#"  graph [labelloc="t", fontname="Helvetica", overlap=false, splines=true];"#
    )?;
    // Sized by the map's measure, not by the label: fixedsize keeps Graphviz from growing a
    // node around its text.
    writeln!(
        out,
        r#"  node [style=filled, fontname="Helvetica", fontsize=8, fixedsize=true];"#
    )?;
    writeln!(out, r##"  edge [color="#99999988"];"##)?;
    for node in &map.nodes {
        let position = if map.has_positions {
            // Points, for neato -n; dot ignores it.
            format!(
                ", pos=\"{:.1},{:.1}\"",
                finite(node.x),
                finite(1000.0 - node.y)
            )
        } else {
            String::new()
        };
        let shape = Shape::of(node.table);
        // A circle in several clusters is cut in wedges, one per cluster by its share.
        let (style, fill) = match palette.wedges(node) {
            Some(wedges) if shape == Shape::Circle => (", style=wedged", wedges),
            _ => ("", palette.colour(node).hex()),
        };
        let penwidth = if node.center { ", penwidth=3" } else { "" };
        writeln!(
            out,
            "  {} [label={}, shape={}{style}, fillcolor={}, width={:.3}, height={:.3}, tooltip={}, type={}, cluster={}{penwidth}{position}];",
            dot_id(&node.key),
            dot_id(&node.label),
            shape.dot(),
            dot_id(&fill),
            svg::radius(map, node) / 36.0,
            svg::radius(map, node) / 36.0,
            dot_id(&format!("{} ({})", node.label, description(node))),
            dot_id(node.table.type_name()),
            dot_id(node.main_cluster.as_deref().unwrap_or("")),
        )?;
    }
    for edge in &map.edges {
        let names = intervention_names(map, edge);
        writeln!(
            out,
            "  {} -- {} [weight={}, penwidth={:.2}, label={}, tooltip={}];",
            dot_id(&map.nodes[edge.source].key),
            dot_id(&map.nodes[edge.target].key),
            finite(edge.weight),
            0.5 + 3.5 * finite(edge.weight) / max_weight,
            dot_id(if edge.label == "collaborates" {
                ""
            } else {
                &edge.label
            }),
            dot_id(&names.join(", ")),
        )?;
    }
    writeln!(out, "}}")
}

/// Kumu's element columns first (`ID`, `Label`, `Type`, `Description`, `Tags`), then the map's
/// fields; several values separated by `|`.
fn nodes_csv(map: &Map, dialect: Dialect, out: &mut impl Write) -> io::Result<()> {
    let palette = svg::Palette::new(map);
    let header = [
        "ID",
        "Label",
        "Type",
        "Description",
        "Tags",
        "Kind",
        "Main cluster",
        "Interventions per cluster",
        "Centre",
        "Degree",
        "Weighted degree",
        "Betweenness",
        "PageRank",
        "Community",
        "Color",
    ];
    dialect.row(out, &header.map(|h| dialect.text(h)))?;
    for node in &map.nodes {
        let fields = [
            dialect.text(&node.key),
            dialect.text(&node.label),
            dialect.text(node.table.type_name()),
            dialect.text(&description(node)),
            dialect.text(&cluster_names(node)),
            dialect.text(node.kind.as_deref().unwrap_or("")),
            dialect.text(node.main_cluster.as_deref().unwrap_or("")),
            dialect.text(&cluster_shares(node)),
            dialect.text(if node.center { "yes" } else { "" }),
            node.degree.to_string(),
            dialect.number(node.weighted_degree),
            dialect.number(node.betweenness),
            dialect.number(node.pagerank),
            (node.community + 1).to_string(),
            dialect.text(&palette.colour(node).hex()),
        ];
        dialect.row(out, &fields)?;
    }
    Ok(())
}

/// Kumu's connection columns (`From`, `To`, `Type`, `Direction`), then the weight and the
/// interventions behind the link.
fn edges_csv(map: &Map, dialect: Dialect, out: &mut impl Write) -> io::Result<()> {
    let header = ["From", "To", "Type", "Direction", "Weight", "Interventions"];
    dialect.row(out, &header.map(|h| dialect.text(h)))?;
    for edge in &map.edges {
        let fields = [
            dialect.text(&map.nodes[edge.source].key),
            dialect.text(&map.nodes[edge.target].key),
            dialect.text(&edge.label),
            dialect.text("undirected"),
            dialect.number(edge.weight),
            dialect.text(&intervention_names(map, edge).join("|")),
        ];
        dialect.row(out, &fields)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv_c(text: &str) -> String {
        csv_field(text, ',')
    }

    #[test]
    fn escaping() {
        assert_eq!(
            xml(r#"Wonen & Werk "<b>" 'x'"#),
            "Wonen &amp; Werk &quot;&lt;b&gt;&quot; &apos;x&apos;"
        );
        assert_eq!(xml("a\u{1}b\nc\u{fffe}"), "a\u{fffd}b c\u{fffd}");
        assert_eq!(dot_id("a\u{0}b"), "\"a\u{fffd}b\"");
        assert_eq!(text("a\u{0}\u{fdd0}"), "a\u{fffd}\u{fffd}");
        assert_eq!(csv_c("=\u{0}"), "'=\u{fffd}");
        assert_eq!(dot_id(r#"a "b" \ c"#), r#""a \"b\" \\ c""#);
        assert_eq!(csv_c(r#"Wonen, "Werk""#), r#""Wonen, ""Werk""""#);
        assert_eq!(csv_c("Bestaanszekerheid"), "Bestaanszekerheid");
        assert_eq!(csv_c("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_c("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_c("-0.25"), "-0.25");
    }

    #[test]
    fn the_excel_dialect_uses_semicolons_and_decimal_commas() {
        let excel = Dialect::EXCEL;
        assert_eq!(excel.number(0.25), "0,25");
        assert_eq!(excel.number(f64::NAN), "0");
        assert_eq!(excel.text("Wonen; Werk"), "\"Wonen; Werk\"");
        assert_eq!(excel.text("Jeugd, Zorg"), "\"Jeugd, Zorg\"");
        let mut row = Vec::new();
        excel
            .row(&mut row, &[excel.text("a"), excel.number(1.5)])
            .unwrap();
        assert_eq!(String::from_utf8(row).unwrap(), "a;1,5\n");
        assert_eq!(Dialect::RFC.number(f64::INFINITY), "0");
    }

    #[test]
    fn options_belong_to_their_format() {
        let timeline = FileOptions {
            timeline: true,
            ..FileOptions::default()
        };
        assert!(timeline.check(Format::Gexf).is_ok());
        assert!(timeline.check(Format::Svg).is_err());
        let paper = FileOptions {
            paper: Some(Paper::A3),
            ..FileOptions::default()
        };
        assert!(paper.check(Format::Svg).is_ok());
        assert!(paper.check(Format::NodesCsv).is_err());
        assert_eq!(
            spell(&Period::new(Some(2024), None)),
            r#"<spell start="2024-01-01"/>"#
        );
    }
}
