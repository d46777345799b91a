//! Writing a [`Map`] in the formats map makers use: GEXF 1.3 (Gephi), GraphML (yEd, Cytoscape
//! desktop), Cytoscape.js JSON, Graphviz DOT, CSV node and edge lists (Kumu, spreadsheets) and
//! SVG. Every writer streams into an [`io::Write`], so a large map is never held twice.

use std::io::{self, Write};

use super::{Map, MapNode, svg};
use crate::domain::replace_unstorable;

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
    /// CSV node list.
    NodesCsv,
    /// CSV edge list.
    EdgesCsv,
    /// An SVG picture with title and legend.
    Svg,
}

impl Format {
    /// Every format, in the order the page lists them.
    pub const ALL: [Format; 7] = [
        Format::Svg,
        Format::Gexf,
        Format::Graphml,
        Format::Cyjs,
        Format::Dot,
        Format::NodesCsv,
        Format::EdgesCsv,
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
            Format::Cyjs => "application/json",
            Format::Dot => "text/vnd.graphviz; charset=utf-8",
            Format::NodesCsv | Format::EdgesCsv => "text/csv; charset=utf-8",
            Format::Svg => "image/svg+xml",
        }
    }

    /// Whether the format carries node positions.
    pub fn has_positions(self) -> bool {
        matches!(
            self,
            Format::Gexf
                | Format::Graphml
                | Format::Cyjs
                | Format::Dot
                | Format::NodesCsv
                | Format::Svg
        )
    }
}

/// Writes a map in a format.
pub fn write(map: &Map, format: Format, out: &mut impl Write) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(64 * 1024, out);
    match format {
        Format::Gexf => gexf(map, &mut out)?,
        Format::Graphml => graphml(map, &mut out)?,
        Format::Cyjs => cyjs(map, &mut out)?,
        Format::Dot => dot(map, &mut out)?,
        Format::NodesCsv => nodes_csv(map, &mut out)?,
        Format::EdgesCsv => edges_csv(map, &mut out)?,
        Format::Svg => svg::render(map, &mut out)?,
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

/// A JSON string literal.
fn json(text: &str) -> String {
    serde_json::Value::String(replace_unstorable(text).into_owned()).to_string()
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

/// A CSV field (RFC 4180). Text that a spreadsheet would run as a formula (starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return, and not a number) gets a leading `'`, which
/// spreadsheets show as text (OWASP's advice against CSV injection).
fn csv(text: &str) -> String {
    let text = replace_unstorable(text);
    let formula =
        text.starts_with(['=', '+', '-', '@', '\t', '\r']) && text.parse::<f64>().is_err();
    let text = if formula {
        format!("'{text}")
    } else {
        text.into_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The node attributes every format carries, as `(key, title, type, value)`.
fn attributes(node: &MapNode) -> [(&'static str, &'static str, &'static str, String); 9] {
    [
        ("type", "type", "string", node.table.type_name().to_owned()),
        (
            "kind",
            "kind",
            "string",
            node.kind.clone().unwrap_or_default(),
        ),
        ("clusters", "clusters", "string", node.clusters.join("; ")),
        (
            "cluster",
            "main cluster",
            "string",
            node.main_cluster.clone().unwrap_or_default(),
        ),
        ("degree", "degree", "integer", node.degree.to_string()),
        (
            "weighted_degree",
            "weighted degree",
            "double",
            node.weighted_degree.to_string(),
        ),
        (
            "betweenness",
            "betweenness",
            "double",
            node.betweenness.to_string(),
        ),
        ("pagerank", "pagerank", "double", node.pagerank.to_string()),
        (
            "community",
            "community",
            "integer",
            node.community.to_string(),
        ),
    ]
}

fn gexf(map: &Map, out: &mut impl Write) -> io::Result<()> {
    let palette = svg::Palette::new(map);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<gexf xmlns="http://gexf.net/1.3" version="1.3">"#)?;
    writeln!(
        out,
        "  <meta><creator>samenhang</creator><description>{}</description></meta>",
        xml(&map.title)
    )?;
    writeln!(
        out,
        r#"  <graph defaultedgetype="undirected" mode="static">"#
    )?;
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
        r#"    <attributes class="edge"><attribute id="label" title="relation" type="string"/></attributes>"#
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
        let (r, g, b) = palette.rgb(node);
        writeln!(out, r#"        <color r="{r}" g="{g}" b="{b}"/>"#)?;
        if map.has_positions {
            writeln!(
                out,
                r#"        <position x="{:.2}" y="{:.2}" z="0"/>"#,
                node.x, node.y
            )?;
        }
        writeln!(
            out,
            r#"        <size value="{:.2}"/>"#,
            svg::radius(map, node)
        )?;
        writeln!(out, "      </node>")?;
    }
    writeln!(out, "    </nodes>")?;
    writeln!(out, r#"    <edges count="{}">"#, map.edges.len())?;
    for (i, edge) in map.edges.iter().enumerate() {
        writeln!(
            out,
            r#"      <edge id="{i}" source="{}" target="{}" weight="{}"><attvalues><attvalue for="label" value="{}"/></attvalues></edge>"#,
            xml(&map.nodes[edge.source].key),
            xml(&map.nodes[edge.target].key),
            edge.weight,
            xml(&edge.label)
        )?;
    }
    writeln!(out, "    </edges>")?;
    writeln!(out, "  </graph>")?;
    writeln!(out, "</gexf>")
}

fn graphml(map: &Map, out: &mut impl Write) -> io::Result<()> {
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
    writeln!(
        out,
        r#"  <key id="x" for="node" attr.name="x" attr.type="double"/>"#
    )?;
    writeln!(
        out,
        r#"  <key id="y" for="node" attr.name="y" attr.type="double"/>"#
    )?;
    writeln!(
        out,
        r#"  <key id="weight" for="edge" attr.name="weight" attr.type="double"/>"#
    )?;
    writeln!(
        out,
        r#"  <key id="relation" for="edge" attr.name="relation" attr.type="string"/>"#
    )?;
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
        if map.has_positions {
            write!(
                out,
                r#"<data key="x">{:.2}</data><data key="y">{:.2}</data>"#,
                node.x, node.y
            )?;
        }
        writeln!(out, "</node>")?;
    }
    for (i, edge) in map.edges.iter().enumerate() {
        writeln!(
            out,
            r#"    <edge id="e{i}" source="{}" target="{}"><data key="weight">{}</data><data key="relation">{}</data></edge>"#,
            xml(&map.nodes[edge.source].key),
            xml(&map.nodes[edge.target].key),
            edge.weight,
            xml(&edge.label)
        )?;
    }
    writeln!(out, "  </graph>")?;
    writeln!(out, "</graphml>")
}

fn cyjs(map: &Map, out: &mut impl Write) -> io::Result<()> {
    let palette = svg::Palette::new(map);
    writeln!(out, "{{")?;
    writeln!(out, r#"  "data": {{ "name": {} }},"#, json(&map.title))?;
    writeln!(out, r#"  "elements": {{"#)?;
    writeln!(out, r#"    "nodes": ["#)?;
    for (i, node) in map.nodes.iter().enumerate() {
        let mut data = format!(
            r#""id": {}, "label": {}"#,
            json(&node.key),
            json(&node.label)
        );
        for (key, _, ty, value) in attributes(node) {
            let value = if ty == "string" { json(&value) } else { value };
            data.push_str(&format!(r#", "{key}": {value}"#));
        }
        data.push_str(&format!(
            r#", "color": {}, "size": {:.2}"#,
            json(&palette.hex(node)),
            svg::radius(map, node)
        ));
        let position = if map.has_positions {
            format!(
                r#", "position": {{ "x": {:.2}, "y": {:.2} }}"#,
                node.x, node.y
            )
        } else {
            String::new()
        };
        let comma = if i + 1 < map.nodes.len() { "," } else { "" };
        writeln!(out, r#"      {{ "data": {{ {data} }}{position} }}{comma}"#)?;
    }
    writeln!(out, "    ],")?;
    writeln!(out, r#"    "edges": ["#)?;
    for (i, edge) in map.edges.iter().enumerate() {
        let comma = if i + 1 < map.edges.len() { "," } else { "" };
        writeln!(
            out,
            r#"      {{ "data": {{ "id": "e{i}", "source": {}, "target": {}, "weight": {}, "relation": {} }} }}{comma}"#,
            json(&map.nodes[edge.source].key),
            json(&map.nodes[edge.target].key),
            edge.weight,
            json(&edge.label)
        )?;
    }
    writeln!(out, "    ]")?;
    writeln!(out, "  }}")?;
    writeln!(out, "}}")
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
    writeln!(
        out,
        r#"  node [shape=circle, style=filled, fontname="Helvetica", fontsize=10, fixedsize=false];"#
    )?;
    writeln!(out, r##"  edge [color="#99999988"];"##)?;
    for node in &map.nodes {
        let position = if map.has_positions {
            // Points, for neato -n; dot ignores it.
            format!(", pos=\"{:.1},{:.1}\"", node.x, 1000.0 - node.y)
        } else {
            String::new()
        };
        writeln!(
            out,
            "  {} [label={}, fillcolor={}, width={:.2}, type={}, cluster={}{position}];",
            dot_id(&node.key),
            dot_id(&node.label),
            dot_id(&palette.hex(node)),
            svg::radius(map, node) / 36.0,
            dot_id(node.table.type_name()),
            dot_id(node.main_cluster.as_deref().unwrap_or("")),
        )?;
    }
    for edge in &map.edges {
        writeln!(
            out,
            "  {} -- {} [weight={}, penwidth={:.2}, label={}];",
            dot_id(&map.nodes[edge.source].key),
            dot_id(&map.nodes[edge.target].key),
            edge.weight,
            0.5 + 3.5 * edge.weight / max_weight,
            dot_id(if edge.label == "collaborates" {
                ""
            } else {
                &edge.label
            }),
        )?;
    }
    writeln!(out, "}}")
}

fn nodes_csv(map: &Map, out: &mut impl Write) -> io::Result<()> {
    write!(out, "Id,Label")?;
    if let Some(first) = map.nodes.first() {
        for (_, title, _, _) in attributes(first) {
            write!(out, ",{}", csv(title))?;
        }
    }
    writeln!(out, ",x,y")?;
    for node in &map.nodes {
        write!(out, "{},{}", csv(&node.key), csv(&node.label))?;
        for (_, _, _, value) in attributes(node) {
            write!(out, ",{}", csv(&value))?;
        }
        writeln!(out, ",{:.2},{:.2}", node.x, node.y)?;
    }
    Ok(())
}

fn edges_csv(map: &Map, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "From,To,Weight,Type")?;
    for edge in &map.edges {
        writeln!(
            out,
            "{},{},{},{}",
            csv(&map.nodes[edge.source].key),
            csv(&map.nodes[edge.target].key),
            edge.weight,
            csv(&edge.label)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            xml(r#"Wonen & Werk "<b>" 'x'"#),
            "Wonen &amp; Werk &quot;&lt;b&gt;&quot; &apos;x&apos;"
        );
        assert_eq!(xml("a\u{1}b\nc\u{fffe}"), "a\u{fffd}b c\u{fffd}");
        assert_eq!(dot_id("a\u{0}b"), "\"a\u{fffd}b\"");
        assert_eq!(json("a\u{0}\u{fdd0}"), "\"a\u{fffd}\u{fffd}\"");
        assert_eq!(csv("=\u{0}"), "'=\u{fffd}");
        assert_eq!(dot_id(r#"a "b" \ c"#), r#""a \"b\" \\ c""#);
        assert_eq!(csv(r#"Wonen, "Werk""#), r#""Wonen, ""Werk""""#);
        assert_eq!(csv("Bestaanszekerheid"), "Bestaanszekerheid");
        assert_eq!(csv("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv("-0.25"), "-0.25");
        assert_eq!(json("<b>\"é\""), r#""<b>\"é\"""#);
    }
}
