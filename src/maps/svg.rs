//! The picture of a map: an SVG with the layout, node size by a centrality, a fixed colour per
//! cluster (nodes in several clusters cut in slices), shapes by node type, the ego centre
//! ringed, links that name their interventions on hover, labels placed without overlap, a
//! legend and a title; on screen or on A4/A3 paper.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use super::colour::{GREY, community_colour};
use super::formats::xml;
use super::{
    ColorBy, Map, MapNode, NO_CLUSTER, Paper, ProgressBand, Rgb, Shape, SizeBy, category_colour,
    cluster_colour,
};

const WIDTH: f64 = 1400.0;
const HEIGHT: f64 = 1000.0;
/// The square the layout is drawn in.
const PLOT: (f64, f64, f64) = (40.0, 90.0, 880.0);
/// Paper margins in millimetres.
const MARGIN_MM: f64 = 10.0;
/// Above this many nodes, the labels of small nodes are smaller and shorter.
const CROWDED: usize = 60;
/// Above this many links, links get no tooltip (the file would grow by their names).
const EDGE_TITLES: usize = 20_000;

/// The colours of a map's nodes: a fixed colour per cluster (see [`cluster_colour`]) or kind,
/// numbered colours for communities, and the legend.
pub struct Palette {
    by: ColorBy,
    /// Categories in legend order with their colours and how many nodes have them.
    pub legend: Vec<(String, Rgb, usize)>,
}

impl Palette {
    pub fn new(map: &Map) -> Palette {
        // Category name -> (colour, count); sorted by name, communities by number, the
        // nodes without a cluster last.
        let mut counts: BTreeMap<(bool, u32, String), (Rgb, usize)> = BTreeMap::new();
        let mut count = |key: (bool, u32, String), colour: Rgb| {
            counts.entry(key).or_insert((colour, 0)).1 += 1;
        };
        for node in &map.nodes {
            match map.color_by {
                ColorBy::Cluster if node.clusters.is_empty() => {
                    count((true, 0, NO_CLUSTER.to_owned()), GREY);
                }
                ColorBy::Cluster => {
                    for c in &node.clusters {
                        count((false, 0, c.name.clone()), cluster_colour(&c.slug));
                    }
                }
                ColorBy::Kind => {
                    let key = node.color_key(ColorBy::Kind);
                    let colour = category_colour(&key);
                    count((false, 0, key), colour);
                }
                ColorBy::Community => count(
                    (false, node.community, node.color_key(ColorBy::Community)),
                    community_colour(node.community),
                ),
                ColorBy::Progress => {
                    if let Some(band) = node.progress {
                        count((false, band as u32, band.label().to_owned()), band.colour());
                    }
                }
            }
        }
        Palette {
            by: map.color_by,
            legend: counts
                .into_iter()
                .map(|((_, _, name), (colour, n))| (name, colour, n))
                .collect(),
        }
    }

    /// The node's colour: its main cluster's, its kind's or its community's.
    pub fn colour(&self, node: &MapNode) -> Rgb {
        match self.by {
            ColorBy::Cluster => node.main_share().map_or(GREY, |c| cluster_colour(&c.slug)),
            ColorBy::Kind => category_colour(&node.color_key(ColorBy::Kind)),
            ColorBy::Community => community_colour(node.community),
            ColorBy::Progress => node.progress.map_or(GREY, ProgressBand::colour),
        }
    }

    /// A node in several clusters, coloured by cluster: each cluster's colour with its share
    /// of the node's interventions, in cluster name order.
    pub fn segments(&self, node: &MapNode) -> Option<Vec<(Rgb, f64)>> {
        if self.by != ColorBy::Cluster || node.clusters.len() < 2 {
            return None;
        }
        let total: usize = node.clusters.iter().map(|c| c.interventions.max(1)).sum();
        let mut shares: Vec<(&str, Rgb, f64)> = node
            .clusters
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    cluster_colour(&c.slug),
                    c.interventions.max(1) as f64 / total as f64,
                )
            })
            .collect();
        shares.sort_by(|a, b| a.0.cmp(b.0));
        Some(shares.into_iter().map(|(_, c, s)| (c, s)).collect())
    }

    /// Graphviz's `fillcolor` for a wedged node: `#aaaaaa;0.25:#bbbbbb;0.75`.
    pub fn wedges(&self, node: &MapNode) -> Option<String> {
        let segments = self.segments(node)?;
        let parts: Vec<String> = segments
            .iter()
            .map(|(c, share)| format!("{};{share:.3}", c.hex()))
            .collect();
        Some(parts.join(":"))
    }
}

fn largest(map: &Map) -> f64 {
    map.nodes
        .iter()
        .map(|n| n.size_value(map.size_by))
        .fold(0.0, f64::max)
}

/// A node's radius in picture units (4 to 22, by the square root of its share of the largest).
pub fn radius(map: &Map, node: &MapNode) -> f64 {
    radius_for(node.size_value(map.size_by), largest(map))
}

fn radius_for(value: f64, max: f64) -> f64 {
    if max <= 0.0 {
        6.0
    } else {
        4.0 + 18.0 * (value / max).max(0.0).sqrt()
    }
}

fn size_name(by: SizeBy) -> &'static str {
    match by {
        SizeBy::Degree => "degree (links)",
        SizeBy::WeightedDegree => "weighted degree",
        SizeBy::Betweenness => "betweenness",
        SizeBy::Pagerank => "PageRank",
    }
}

fn colour_name(by: ColorBy) -> &'static str {
    match by {
        ColorBy::Cluster => "programme cluster",
        ColorBy::Kind => "kind",
        ColorBy::Community => "community (Louvain)",
        ColorBy::Progress => "progress of its indicators",
    }
}

fn short(label: &str) -> String {
    shorten(label, 34)
}

/// The label cut to at most `most` characters, with an ellipsis when cut.
fn shorten(label: &str, most: usize) -> String {
    let chars: Vec<char> = label.chars().collect();
    if chars.len() > most {
        format!("{}…", chars[..most - 1].iter().collect::<String>())
    } else {
        label.to_owned()
    }
}

/// A legend number: whole numbers as they are, others with three significant digits.
fn number(value: f64) -> String {
    // Adding zero turns -0 into 0.
    let value = value + 0.0;
    if value >= 100.0 || value == value.trunc() {
        format!("{value:.0}")
    } else {
        let decimals = (2 - value.abs().log10().floor() as i32).clamp(0, 6) as usize;
        format!("{value:.decimals$}")
    }
}

/// A box on the picture: left, top, right, bottom.
#[derive(Copy, Clone, Debug)]
struct Box2(f64, f64, f64, f64);

impl Box2 {
    fn overlaps(&self, other: &Box2) -> bool {
        self.0 < other.2 && other.0 < self.2 && self.1 < other.3 && other.1 < self.3
    }
}

/// Boxes already on the picture, in a grid of cells so a new box is checked only against its
/// neighbours (labels of a large map stay linear).
struct Taken {
    cell: f64,
    boxes: Vec<Box2>,
    /// Cell -> the boxes that reach into it.
    grid: HashMap<(i64, i64), Vec<usize>>,
}

impl Taken {
    fn new(cell: f64) -> Taken {
        Taken {
            cell,
            boxes: Vec::new(),
            grid: HashMap::new(),
        }
    }

    fn cells(&self, b: &Box2) -> impl Iterator<Item = (i64, i64)> + use<> {
        let c = self.cell;
        let (x0, x1) = ((b.0 / c).floor() as i64, (b.2 / c).floor() as i64);
        let (y0, y1) = ((b.1 / c).floor() as i64, (b.3 / c).floor() as i64);
        (x0..=x1).flat_map(move |x| (y0..=y1).map(move |y| (x, y)))
    }

    fn add(&mut self, b: Box2) -> usize {
        let i = self.boxes.len();
        self.boxes.push(b);
        for cell in self.cells(&b).collect::<Vec<_>>() {
            self.grid.entry(cell).or_default().push(i);
        }
        i
    }

    /// Whether `b` overlaps a box other than `except`.
    fn hits(&self, b: &Box2, except: usize) -> bool {
        self.cells(b).any(|cell| {
            self.grid.get(&cell).is_some_and(|list| {
                list.iter()
                    .any(|&i| i != except && self.boxes[i].overlaps(b))
            })
        })
    }
}

/// An SVG pie slice from angle `a0` to `a1` (radians, clockwise from the top).
fn slice(x: f64, y: f64, r: f64, a0: f64, a1: f64) -> String {
    let point = |a: f64| (x + r * a.sin(), y - r * a.cos());
    let (p0, p1) = (point(a0), point(a1));
    let large = if a1 - a0 > std::f64::consts::PI { 1 } else { 0 };
    format!(
        "M{x:.1},{y:.1}L{:.1},{:.1}A{r:.1},{r:.1} 0 {large} 1 {:.1},{:.1}Z",
        p0.0, p0.1, p1.0, p1.1
    )
}

/// A node's hover text: name, type, kind and the clusters with their interventions.
fn node_title(node: &MapNode) -> String {
    let mut out = format!("{} ({}", node.label, node.table.type_name());
    if let Some(kind) = &node.kind {
        out.push_str(&format!(", {}", kind.replace('_', " ")));
    }
    out.push(')');
    if node.center {
        out.push_str(", the centre of this map");
    }
    let shares: Vec<String> = node
        .clusters
        .iter()
        .map(|c| format!("{} ({})", c.name, c.interventions))
        .collect();
    if !shares.is_empty() {
        out.push_str(&format!(": {}", shares.join(", ")));
    }
    out
}

/// The opening `<svg>` tag: on screen 1400 × 1000, or on paper in millimetres with margins.
fn svg_open(paper: Option<Paper>) -> String {
    let Some(paper) = paper else {
        return format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="Helvetica, Arial, sans-serif">"#
        );
    };
    let (w, h) = paper.size_mm();
    // Millimetres per picture unit, so the picture fits inside the margins.
    let scale = ((w - 2.0 * MARGIN_MM) / WIDTH).min((h - 2.0 * MARGIN_MM) / HEIGHT);
    let (vw, vh) = (w / scale, h / scale);
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h}mm" viewBox="{:.1} {:.1} {vw:.1} {vh:.1}" font-family="Helvetica, Arial, sans-serif">"#,
        -(vw - WIDTH) / 2.0,
        -(vh - HEIGHT) / 2.0,
    )
}

/// Draws the map, on screen or on paper.
pub fn render(map: &Map, paper: Option<Paper>, out: &mut impl Write) -> io::Result<()> {
    let palette = Palette::new(map);
    let max = largest(map);
    let max_weight = map.edges.iter().map(|e| e.weight).fold(1.0, f64::max);
    // When every link weighs the same, lines stay thin and the legend has no width scale.
    let weighted = map.edges.iter().any(|e| e.weight != max_weight);
    let width = |w: f64| {
        if weighted {
            0.5 + 5.5 * w / max_weight
        } else {
            0.9
        }
    };
    let (px, py, side) = PLOT;
    let at = |n: &MapNode| {
        (
            px + 20.0 + n.x / 1000.0 * (side - 40.0),
            py + 20.0 + n.y / 1000.0 * (side - 40.0),
        )
    };
    writeln!(out, "{}", svg_open(paper))?;
    writeln!(out, "<title>{}</title>", xml(&map.title))?;
    writeln!(
        out,
        r##"<rect x="-10000" y="-10000" width="30000" height="30000" fill="#ffffff"/>"##
    )?;
    writeln!(
        out,
        r##"<text x="{px}" y="44" font-size="24" font-weight="bold" fill="#222">{}</text>"##,
        xml(&map.title)
    )?;
    let what = match map.view {
        super::View::Collaboration => "partners",
        _ => "nodes",
    };
    writeln!(
        out,
        r##"<text x="{px}" y="70" font-size="14" fill="#666">{} {what} · {} links · size: {} · colour: {}</text>"##,
        map.nodes.len(),
        map.edges.len(),
        size_name(map.size_by),
        colour_name(map.color_by)
    )?;
    writeln!(
        out,
        r##"<rect x="{px}" y="{py}" width="{side}" height="{side}" fill="#fbfbfa" stroke="#e4e4e4"/>"##
    )?;
    if map.nodes.is_empty() {
        writeln!(
            out,
            r##"<text x="{}" y="{}" font-size="18" fill="#888" text-anchor="middle">No nodes in this selection</text>"##,
            px + side / 2.0,
            py + side / 2.0
        )?;
    }

    // Edges, light to heavy, each with the interventions behind it on hover.
    let mut edges: Vec<&super::MapEdge> = map.edges.iter().collect();
    edges.sort_by(|a, b| a.weight.total_cmp(&b.weight));
    let opacity: f64 = if map.edges.len() > 2_000 { 0.12 } else { 0.35 };
    let titles = map.edges.len() <= EDGE_TITLES;
    writeln!(out, r##"<g stroke="#7a7a7a" stroke-linecap="round">"##)?;
    for e in edges {
        let (a, b) = (at(&map.nodes[e.source]), at(&map.nodes[e.target]));
        let share = if weighted { e.weight / max_weight } else { 0.0 };
        let title = if titles {
            let names: Vec<&str> = e
                .interventions
                .iter()
                .filter_map(|i| map.interventions.get(i).map(String::as_str))
                .collect();
            let what = if names.is_empty() {
                e.label.clone()
            } else if e.label == "collaborates" {
                format!("share {}", names.join(", "))
            } else {
                format!("{}: {}", e.label, names.join(", "))
            };
            format!(
                "<title>{} – {}: {}</title>",
                xml(&map.nodes[e.source].label),
                xml(&map.nodes[e.target].label),
                xml(&what)
            )
        } else {
            String::new()
        };
        writeln!(
            out,
            r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke-width="{:.2}" stroke-opacity="{:.2}">{title}</line>"#,
            a.0,
            a.1,
            b.0,
            b.1,
            width(e.weight),
            opacity + (0.5 - opacity).max(0.0) * share
        )?;
    }
    writeln!(out, "</g>")?;

    // Nodes, small to large, so large ones stay visible. A node in several clusters is cut
    // in slices, one per cluster by its share of the node's interventions.
    let mut order: Vec<usize> = (0..map.nodes.len()).collect();
    order.sort_by(|&a, &b| {
        map.nodes[a]
            .size_value(map.size_by)
            .total_cmp(&map.nodes[b].size_value(map.size_by))
            .then(a.cmp(&b))
    });
    writeln!(out, r##"<g stroke="#ffffff" stroke-width="1.2">"##)?;
    for &v in &order {
        let node = &map.nodes[v];
        let (x, y) = at(node);
        let r = radius_for(node.size_value(map.size_by), max);
        let shape = Shape::of(node.table);
        let outline = shape.path(x, y, r);
        let title = format!("<title>{}</title>", xml(&node_title(node)));
        let fill = palette.colour(node).hex();
        let body = match &outline {
            None => format!(r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r:.1}" fill="{fill}"/>"#),
            Some(d) => format!(r#"<path d="{d}" fill="{fill}"/>"#),
        };
        match palette.segments(node) {
            Some(segments) => {
                // The shape, then the slices clipped to it (a circle needs no clip).
                let clip = match &outline {
                    Some(d) => {
                        writeln!(out, r#"<clipPath id="clip-{v}"><path d="{d}"/></clipPath>"#)?;
                        format!(r#" clip-path="url(#clip-{v})""#)
                    }
                    None => String::new(),
                };
                let reach = if outline.is_some() { r * 1.6 } else { r };
                let mut slices = String::new();
                let mut angle = 0.0;
                for (colour, share) in segments {
                    let next = angle + share * std::f64::consts::TAU;
                    slices.push_str(&format!(
                        r#"<path d="{}" fill="{}" stroke-width="0.6"/>"#,
                        slice(x, y, reach, angle, next),
                        colour.hex()
                    ));
                    angle = next;
                }
                writeln!(
                    out,
                    r#"<g class="node several-clusters">{body}<g{clip}>{slices}</g>{title}</g>"#
                )?;
            }
            None => writeln!(out, r#"<g class="node">{body}{title}</g>"#)?,
        }
        if node.center {
            // The centre of an ego map: a dark ring around it.
            writeln!(
                out,
                r##"<circle class="centre" cx="{x:.1}" cy="{y:.1}" r="{:.1}" fill="none" stroke="#222222" stroke-width="3"/>"##,
                r * 1.6 + 4.0
            )?;
        }
    }
    writeln!(out, "</g>")?;

    // Labels, largest node first, each in the first free spot around its node; a node
    // without room keeps its name on hover (its <title>).
    let mut taken = Taken::new(60.0);
    for n in &map.nodes {
        let (x, y) = at(n);
        let r = radius_for(n.size_value(map.size_by), max) * if n.center { 1.6 } else { 1.0 };
        taken.add(Box2(x - r, y - r, x + r, y + r));
    }
    writeln!(
        out,
        r##"<g font-size="11" fill="#1f1f1f" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">"##
    )?;
    for &v in order.iter().rev() {
        let node = &map.nodes[v];
        let (x, y) = at(node);
        let r = radius_for(node.size_value(map.size_by), max) * if node.center { 1.6 } else { 1.0 };
        // On a crowded map the small nodes get smaller, shorter labels, so more of them fit.
        let crowded = map.nodes.len() > CROWDED && r <= 14.0 && !node.center;
        let size = if node.center {
            15.0
        } else if r > 14.0 {
            13.0
        } else if crowded {
            9.0
        } else {
            11.0
        };
        let text = if crowded {
            shorten(&node.label, 24)
        } else {
            short(&node.label)
        };
        let width = text.chars().count() as f64 * size * 0.56;
        // Right, left, above and below the node, then right and left nudged up and down.
        let beside = |right: bool, dy: f64| {
            let (tx, anchor) = if right {
                (x + r + 3.0, "start")
            } else {
                (x - r - 3.0, "end")
            };
            let left = if right { tx - 1.0 } else { tx + 1.0 - width };
            let ty = y + size / 3.0 + dy;
            (
                tx,
                ty,
                anchor,
                Box2(left, ty - size, left + width + 2.0, ty + size * 0.25),
            )
        };
        let centred = |ty: f64| {
            let b = Box2(
                x - width / 2.0,
                ty - size,
                x + width / 2.0,
                ty + size * 0.25,
            );
            (x, ty, "middle", b)
        };
        let spots = [
            beside(true, 0.0),
            beside(false, 0.0),
            centred(y - r - 4.0),
            centred(y + r + size),
            beside(true, -size),
            beside(true, size),
            beside(false, -size),
            beside(false, size),
        ];
        let inside = |b: &Box2| b.0 >= px && b.2 <= px + side && b.1 >= py && b.3 <= py + side;
        // Its own node is not in the way (node boxes come first, in node order).
        let choice = spots.iter().find(|s| inside(&s.3) && !taken.hits(&s.3, v));
        if let Some((tx, ty, anchor, b)) = choice {
            taken.add(*b);
            let weight = if node.center {
                r#" font-weight="bold""#
            } else {
                ""
            };
            writeln!(
                out,
                r#"<text x="{tx:.1}" y="{ty:.1}" font-size="{size}" text-anchor="{anchor}"{weight}>{}</text>"#,
                xml(&text)
            )?;
        }
    }
    writeln!(out, "</g>")?;

    // Legend.
    let lx = px + side + 40.0;
    let mut ly = py + 10.0;
    writeln!(out, r##"<g font-size="13" fill="#333">"##)?;
    writeln!(
        out,
        r#"<text x="{lx}" y="{ly}" font-weight="bold">Colour: {}</text>"#,
        colour_name(map.color_by)
    )?;
    ly += 10.0;
    for (key, colour, count) in palette.legend.iter().take(16) {
        ly += 22.0;
        writeln!(
            out,
            r#"<circle cx="{}" cy="{}" r="7" fill="{}"/>"#,
            lx + 8.0,
            ly - 4.0,
            colour.hex()
        )?;
        writeln!(
            out,
            r#"<text x="{}" y="{ly}">{} ({count})</text>"#,
            lx + 24.0,
            xml(&short(key))
        )?;
    }
    if palette.legend.len() > 16 {
        ly += 22.0;
        writeln!(
            out,
            r##"<text x="{lx}" y="{ly}" fill="#777">+ {} more</text>"##,
            palette.legend.len() - 16
        )?;
    }
    if map.color_by == ColorBy::Cluster && map.nodes.iter().any(|n| n.clusters.len() > 1) {
        ly += 22.0;
        writeln!(
            out,
            r##"<text x="{lx}" y="{ly}" font-size="11" fill="#555">several clusters: a slice each, by share of interventions</text>"##
        )?;
    }
    // Shapes of the node types on the map.
    let mut shapes: Vec<(&str, Shape)> = Vec::new();
    for n in &map.nodes {
        let entry = (n.table.type_name(), Shape::of(n.table));
        if !shapes.contains(&entry) {
            shapes.push(entry);
        }
    }
    if shapes.len() > 1 || map.nodes.iter().any(|n| n.center) {
        ly += 36.0;
        writeln!(
            out,
            r#"<text x="{lx}" y="{ly}" font-weight="bold">Shape</text>"#
        )?;
        for (name, shape) in shapes {
            ly += 22.0;
            let (x, y) = (lx + 8.0, ly - 4.0);
            match shape.path(x, y, 6.0) {
                Some(d) => writeln!(out, r##"<path d="{d}" fill="#9a9a9a"/>"##)?,
                None => writeln!(out, r##"<circle cx="{x}" cy="{y}" r="6" fill="#9a9a9a"/>"##)?,
            }
            writeln!(out, r#"<text x="{}" y="{ly}">{name}</text>"#, lx + 24.0)?;
        }
        if map.nodes.iter().any(|n| n.center) {
            ly += 22.0;
            writeln!(
                out,
                r##"<circle cx="{}" cy="{}" r="7" fill="none" stroke="#222222" stroke-width="3"/>"##,
                lx + 8.0,
                ly - 4.0
            )?;
            writeln!(
                out,
                r#"<text x="{}" y="{ly}">centre of the map</text>"#,
                lx + 24.0
            )?;
        }
    }
    ly += 44.0;
    writeln!(
        out,
        r#"<text x="{lx}" y="{ly}" font-weight="bold">Size: {}</text>"#,
        size_name(map.size_by)
    )?;
    ly += 14.0;
    let mut cx = lx + 10.0;
    // The smallest, the median and the largest value on the map.
    let mut values: Vec<f64> = map
        .nodes
        .iter()
        .map(|n| n.size_value(map.size_by))
        .collect();
    values.sort_by(f64::total_cmp);
    let mut samples: Vec<f64> = [0, values.len() / 2, values.len().saturating_sub(1)]
        .iter()
        .filter_map(|&i| values.get(i).copied())
        .collect();
    samples.dedup();
    for value in samples {
        let r = radius_for(value, max);
        writeln!(
            out,
            r##"<circle cx="{:.1}" cy="{:.1}" r="{r:.1}" fill="#cfcfcf" stroke="#999"/>"##,
            cx + r,
            ly + 24.0
        )?;
        writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="11">{}</text>"#,
            cx + r,
            ly + 62.0,
            number(value)
        )?;
        cx += 2.0 * r + 28.0;
    }
    ly += 100.0;
    let weight_name = if map.view == super::View::Collaboration {
        "Line width: shared interventions"
    } else {
        "Line width: weight"
    };
    let steps: &[f64] = if weighted { &[1.0, max_weight] } else { &[] };
    if weighted {
        writeln!(
            out,
            r#"<text x="{lx}" y="{ly}" font-weight="bold">{weight_name}</text>"#
        )?;
    }
    for (i, w) in steps.iter().enumerate() {
        let y = ly + 22.0 + 20.0 * i as f64;
        writeln!(
            out,
            r##"<line x1="{lx}" y1="{y}" x2="{}" y2="{y}" stroke="#7a7a7a" stroke-width="{:.2}"/>"##,
            lx + 60.0,
            width(*w)
        )?;
        writeln!(
            out,
            r#"<text x="{}" y="{}">{}</text>"#,
            lx + 72.0,
            y + 4.0,
            number(*w)
        )?;
    }
    if let Some(k) = map.sampled_sources {
        writeln!(
            out,
            r##"<text x="{lx}" y="{}" font-size="11" fill="#777">betweenness estimated from {k} sources</text>"##,
            ly + 80.0
        )?;
    }
    writeln!(out, "</g>")?;
    writeln!(
        out,
        r##"<text x="{}" y="{}" font-size="11" fill="#999" text-anchor="end">samenhang · force-directed layout</text>"##,
        WIDTH - 20.0,
        HEIGHT - 16.0
    )?;
    writeln!(out, "</svg>")
}
