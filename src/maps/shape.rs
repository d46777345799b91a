//! The shape of a node by its type, the same in every format that has shapes: partners are
//! circles, interventions squares, goals triangles, funding streams diamonds, wijken hexagons
//! and programmes, lines and areas pentagons.

use std::fmt::Write;

use crate::domain::Table;

/// A node shape.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    Circle,
    Square,
    Triangle,
    Diamond,
    Hexagon,
    Pentagon,
}

impl Shape {
    /// The shape of a node type.
    pub fn of(table: Table) -> Shape {
        match table {
            Table::Partner => Shape::Circle,
            Table::Intervention => Shape::Square,
            Table::Goal => Shape::Triangle,
            Table::FundingStream => Shape::Diamond,
            Table::Wijk => Shape::Hexagon,
            _ => Shape::Pentagon,
        }
    }

    /// The name in the legend.
    pub fn name(self) -> &'static str {
        match self {
            Shape::Circle => "circle",
            Shape::Square => "square",
            Shape::Triangle => "triangle",
            Shape::Diamond => "diamond",
            Shape::Hexagon => "hexagon",
            Shape::Pentagon => "pentagon",
        }
    }

    /// GEXF's `viz:shape` (it knows disc, square, triangle and diamond only).
    pub fn gexf(self) -> &'static str {
        match self {
            Shape::Circle => "disc",
            Shape::Square | Shape::Hexagon => "square",
            Shape::Triangle | Shape::Pentagon => "triangle",
            Shape::Diamond => "diamond",
        }
    }

    /// Graphviz's node shape.
    pub fn dot(self) -> &'static str {
        match self {
            Shape::Circle => "circle",
            Shape::Square => "box",
            Shape::Triangle => "triangle",
            Shape::Diamond => "diamond",
            Shape::Hexagon => "hexagon",
            Shape::Pentagon => "pentagon",
        }
    }

    /// Cytoscape.js's node shape.
    pub fn cytoscape(self) -> &'static str {
        match self {
            Shape::Circle => "ellipse",
            Shape::Square => "rectangle",
            Shape::Triangle => "triangle",
            Shape::Diamond => "diamond",
            Shape::Hexagon => "hexagon",
            Shape::Pentagon => "pentagon",
        }
    }

    /// An SVG path of the shape around `(x, y)` with "radius" `r` (a circle's radius; the
    /// polygons are scaled to about the same area). `None` for the circle, drawn as a circle.
    pub fn path(self, x: f64, y: f64, r: f64) -> Option<String> {
        let (corners, scale, turn): (usize, f64, f64) = match self {
            Shape::Circle => return None,
            Shape::Square => (4, 1.25, 45.0),
            Shape::Diamond => (4, 1.25, 0.0),
            Shape::Triangle => (3, 1.55, 0.0),
            Shape::Pentagon => (5, 1.15, 0.0),
            Shape::Hexagon => (6, 1.1, 30.0),
        };
        let mut d = String::new();
        for k in 0..corners {
            let angle = (turn + 360.0 * k as f64 / corners as f64 - 90.0).to_radians();
            let (px, py) = (x + r * scale * angle.cos(), y + r * scale * angle.sin());
            let _ = write!(d, "{}{px:.1},{py:.1}", if k == 0 { "M" } else { "L" });
        }
        d.push('Z');
        Some(d)
    }
}
