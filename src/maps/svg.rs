//! The picture of a map: an SVG with the layout, node size by a centrality, colour by
//! cluster, kind or community, edge width by weight, readable labels, a legend and a title.

use std::collections::HashMap;
use std::io::{self, Write};

use super::formats::xml;
use super::{ColorBy, Map, MapNode, SizeBy};

const WIDTH: f64 = 1400.0;
const HEIGHT: f64 = 1000.0;
/// The square the layout is drawn in.
const PLOT: (f64, f64, f64) = (40.0, 90.0, 880.0);
/// Colours for categories, most frequent first (Tableau 10 and two more).
const COLOURS: [&str; 12] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#86bcb6", "#d37295", "#a0cbe8",
];
const NO_CATEGORY: &str = "#b9b9b9";
/// Beyond this many nodes, only the largest get a label.
const LABEL_ALL: usize = 80;
const LABELS: usize = 40;

/// Colour per category of a map. Categories take colours in name order (communities in
/// number order), so a cluster has the same colour on every map of the programme.
pub struct Palette {
    by: ColorBy,
    colour: HashMap<String, &'static str>,
    /// Categories in legend order with their counts.
    pub legend: Vec<(String, &'static str, usize)>,
}

impl Palette {
    pub fn new(map: &Map) -> Palette {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for node in &map.nodes {
            *counts.entry(node.color_key(map.color_by)).or_default() += 1;
        }
        let mut order: Vec<(String, usize)> = counts.into_iter().collect();
        let community = |key: &str| {
            key.strip_prefix("community ")
                .and_then(|n| n.parse::<u32>().ok())
        };
        order.sort_by(|a, b| {
            (a.0 == "(no cluster)", community(&a.0), &a.0).cmp(&(
                b.0 == "(no cluster)",
                community(&b.0),
                &b.0,
            ))
        });
        let mut colour = HashMap::new();
        let mut legend = Vec::new();
        let mut next = 0;
        for (key, count) in order {
            let c = if key == "(no cluster)" || next >= COLOURS.len() {
                NO_CATEGORY
            } else {
                next += 1;
                COLOURS[next - 1]
            };
            colour.insert(key.clone(), c);
            legend.push((key, c, count));
        }
        Palette {
            by: map.color_by,
            colour,
            legend,
        }
    }

    pub fn hex(&self, node: &MapNode) -> String {
        self.colour
            .get(&node.color_key(self.by))
            .copied()
            .unwrap_or(NO_CATEGORY)
            .to_owned()
    }

    pub fn rgb(&self, node: &MapNode) -> (u8, u8, u8) {
        let hex = self.hex(node);
        let channel =
            |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("b9"), 16).unwrap_or(0xb9);
        (channel(1), channel(3), channel(5))
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
    }
}

fn short(label: &str) -> String {
    let chars: Vec<char> = label.chars().collect();
    if chars.len() > 34 {
        format!("{}…", chars[..33].iter().collect::<String>())
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

/// Draws the map.
pub fn render(map: &Map, out: &mut impl Write) -> io::Result<()> {
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
    writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="Helvetica, Arial, sans-serif">"#
    )?;
    writeln!(out, "<title>{}</title>", xml(&map.title))?;
    writeln!(
        out,
        r##"<rect width="100%" height="100%" fill="#ffffff"/>"##
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

    // Edges, light to heavy.
    let mut edges: Vec<&super::MapEdge> = map.edges.iter().collect();
    edges.sort_by(|a, b| a.weight.total_cmp(&b.weight));
    let opacity: f64 = if map.edges.len() > 2_000 { 0.12 } else { 0.35 };
    writeln!(out, r##"<g stroke="#7a7a7a" stroke-linecap="round">"##)?;
    for e in edges {
        let (a, b) = (at(&map.nodes[e.source]), at(&map.nodes[e.target]));
        let share = if weighted { e.weight / max_weight } else { 0.0 };
        writeln!(
            out,
            r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke-width="{:.2}" stroke-opacity="{:.2}"/>"#,
            a.0,
            a.1,
            b.0,
            b.1,
            width(e.weight),
            opacity + (0.5 - opacity).max(0.0) * share
        )?;
    }
    writeln!(out, "</g>")?;

    // Nodes, small to large, so large ones stay visible.
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
        writeln!(
            out,
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="{:.1}" fill="{}"><title>{}</title></circle>"#,
            radius_for(node.size_value(map.size_by), max),
            palette.hex(node),
            xml(&format!("{} ({})", node.label, node.table.type_name()))
        )?;
    }
    writeln!(out, "</g>")?;

    // Labels for all nodes of a small map, or the largest of a big one; largest first, each
    // in the first free spot around its node.
    let labelled: Vec<usize> = if map.nodes.len() <= LABEL_ALL {
        order.clone()
    } else {
        order.iter().rev().take(LABELS).rev().copied().collect()
    };
    let mut taken: Vec<Box2> = map
        .nodes
        .iter()
        .map(|n| {
            let (x, y) = at(n);
            let r = radius_for(n.size_value(map.size_by), max);
            Box2(x - r, y - r, x + r, y + r)
        })
        .collect();
    let obstacles = taken.len();
    writeln!(
        out,
        r##"<g font-size="12" fill="#1f1f1f" stroke="#ffffff" stroke-width="3.2" stroke-linejoin="round" paint-order="stroke">"##
    )?;
    for (rank, &v) in labelled.iter().rev().enumerate() {
        let node = &map.nodes[v];
        let (x, y) = at(node);
        let r = radius_for(node.size_value(map.size_by), max);
        let size = if r > 14.0 { 14.0 } else { 12.0 };
        let text = short(&node.label);
        let width = text.chars().count() as f64 * size * 0.56;
        // Right, left, above and below the circle, then right and left nudged up and down.
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
                Box2(left, ty - size, left + width + 2.0, ty + size * 0.1),
            )
        };
        let centred = |ty: f64| {
            let b = Box2(x - width / 2.0, ty - size, x + width / 2.0, ty + size * 0.1);
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
        // Its own circle is not in the way.
        let free = |b: &Box2| {
            inside(b)
                && !taken
                    .iter()
                    .enumerate()
                    .any(|(i, t)| !(i < obstacles && i == v) && t.overlaps(b))
        };
        let choice = spots
            .iter()
            .find(|s| free(&s.3))
            .or_else(|| (rank < 3).then_some(&spots[0]));
        if let Some((tx, ty, anchor, b)) = choice {
            taken.push(*b);
            writeln!(
                out,
                r#"<text x="{tx:.1}" y="{ty:.1}" font-size="{size}" text-anchor="{anchor}">{}</text>"#,
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
            r#"<circle cx="{}" cy="{}" r="7" fill="{colour}"/>"#,
            lx + 8.0,
            ly - 4.0
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
