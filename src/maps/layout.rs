//! A deterministic force-directed layout. Each connected component is laid out on its own
//! with ForceAtlas2's forces (Jacomy et al., "ForceAtlas2, a continuous graph layout
//! algorithm", PLoS ONE 2014): nodes repel in proportion to their degrees, links pull in
//! proportion to their length and weight, and gravity holds the component together. The
//! components are then packed in rows, largest first, each taking room in proportion to its
//! size, so a small component never squeezes the large one into a corner. On large
//! components repulsion only counts nearby nodes (a grid), which keeps each round linear.
//! The same graph and seed always give the same picture.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use crate::analytics::{Cancel, Cancelled, Csr};
use crate::synth::Rng;

/// Up to this many nodes, every pair repels; above, only nodes in neighbouring grid cells.
const EXACT_REPULSION: usize = 1_500;
/// ForceAtlas2's scaling (repulsion strength) and gravity.
const SCALING: f64 = 2.0;
const GRAVITY: f64 = 1.0;

/// Positions in a 1000 × 1000 box, one per node. Stops when `cancel` is set.
pub fn layout(
    graph: &Csr,
    seed: u64,
    cancel: Option<&Cancel>,
) -> Result<Vec<(f64, f64)>, Cancelled> {
    let n = graph.node_count();
    let mut rng = Rng::new(seed);
    let mut placed: Vec<(f64, f64)> = vec![(0.0, 0.0); n];
    // Components, largest first (ties: lowest node first).
    let mut components = components(graph);
    components.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    // Lay each out in a disc of area proportional to its size, then pack the discs in rows.
    let total: f64 = components.iter().map(|c| c.len() as f64).sum();
    // Rows wide enough to hold the largest component and some small ones beside it.
    let largest = components
        .first()
        .map_or(1.0, |c| 2.0 * (c.len() as f64).sqrt() + 1.0);
    let row_width = (total.sqrt() * 2.2).max(largest * 1.35);
    // Shelf packing: the first component of a row sets its height; the smaller ones after it
    // stack in columns beside it, so isolated nodes sit next to the big component, not far
    // below it.
    let (mut x, mut y, mut row_height) = (0.0f64, 0.0f64, 0.0f64);
    let (mut column_y, mut column_width) = (0.0f64, 0.0f64);
    for component in &components {
        let radius = (component.len() as f64).sqrt();
        let local = component_layout(graph, component, &mut rng, cancel)?;
        let cell = 2.0 * radius + 1.0;
        if row_height == 0.0 {
            row_height = cell;
        } else if column_y + cell > row_height {
            x += column_width;
            (column_y, column_width) = (0.0, 0.0);
            if x + cell > row_width {
                (x, y, row_height) = (0.0, y + row_height, cell);
            }
        }
        for (&v, &(lx, ly)) in component.iter().zip(&local) {
            placed[v] = (
                x + 0.5 + radius + lx * radius,
                y + column_y + 0.5 + radius + ly * radius,
            );
        }
        column_y += cell;
        column_width = column_width.max(cell);
    }
    Ok(fit(&placed))
}

/// The connected components, each as ascending node positions.
fn components(graph: &Csr) -> Vec<Vec<usize>> {
    let n = graph.node_count();
    let mut seen = vec![false; n];
    let mut out = Vec::new();
    for start in 0..n {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut members = vec![start];
        let mut i = 0;
        while i < members.len() {
            for &u in graph.neighbors(members[i] as u32) {
                if !seen[u as usize] {
                    seen[u as usize] = true;
                    members.push(u as usize);
                }
            }
            i += 1;
        }
        members.sort_unstable();
        out.push(members);
    }
    out
}

/// Lays out one component; positions fill the unit disc.
fn component_layout(
    graph: &Csr,
    members: &[usize],
    rng: &mut Rng,
    cancel: Option<&Cancel>,
) -> Result<Vec<(f64, f64)>, Cancelled> {
    let n = members.len();
    if n == 1 {
        return Ok(vec![(0.0, 0.0)]);
    }
    let local: HashMap<usize, usize> = members.iter().enumerate().map(|(i, &v)| (v, i)).collect();
    let mut edges: Vec<(usize, usize, f64)> = Vec::new();
    for (i, &v) in members.iter().enumerate() {
        for (&u, &w) in graph
            .neighbors(v as u32)
            .iter()
            .zip(graph.weights(v as u32))
        {
            if let Some(&j) = local.get(&(u as usize))
                && i < j
            {
                edges.push((i, j, w));
            }
        }
    }
    let mass: Vec<f64> = members
        .iter()
        .map(|&v| graph.degree(v as u32) as f64 + 1.0)
        .collect();
    let side = (n as f64).sqrt() * 3.0;
    let mut pos: Vec<(f64, f64)> = (0..n)
        .map(|_| ((rng.unit() - 0.5) * side, (rng.unit() - 0.5) * side))
        .collect();
    let iterations = if n <= 500 {
        500
    } else if n <= 5_000 {
        200
    } else {
        80
    };
    let mut temperature = side / 4.0;
    let cooling = (temperature - side / 400.0) / iterations as f64;
    let mut shift = vec![(0.0f64, 0.0f64); n];
    for _ in 0..iterations {
        if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(Cancelled);
        }
        shift.iter_mut().for_each(|d| *d = (0.0, 0.0));
        repel(&pos, &mass, &mut shift);
        for &(a, b, w) in &edges {
            let (dx, dy) = (pos[a].0 - pos[b].0, pos[a].1 - pos[b].1);
            let pull = w.sqrt();
            shift[a].0 -= dx * pull;
            shift[a].1 -= dy * pull;
            shift[b].0 += dx * pull;
            shift[b].1 += dy * pull;
        }
        for (v, p) in pos.iter_mut().enumerate() {
            let d = (p.0 * p.0 + p.1 * p.1).sqrt().max(1e-9);
            let (mut dx, mut dy) = (
                shift[v].0 - GRAVITY * mass[v] * p.0 / d,
                shift[v].1 - GRAVITY * mass[v] * p.1 / d,
            );
            // Heavier nodes move less (ForceAtlas2 divides the speed by the mass).
            dx /= mass[v];
            dy /= mass[v];
            let length = (dx * dx + dy * dy).sqrt();
            if length > temperature {
                dx *= temperature / length;
                dy *= temperature / length;
            }
            p.0 += dx;
            p.1 += dy;
        }
        temperature = (temperature - cooling).max(side / 400.0);
    }
    // Centre and scale into the unit disc.
    let (cx, cy) = (
        pos.iter().map(|p| p.0).sum::<f64>() / n as f64,
        pos.iter().map(|p| p.1).sum::<f64>() / n as f64,
    );
    let reach = pos
        .iter()
        .map(|p| ((p.0 - cx).powi(2) + (p.1 - cy).powi(2)).sqrt())
        .fold(1e-9, f64::max);
    Ok(pos
        .iter()
        .map(|p| ((p.0 - cx) / reach, (p.1 - cy) / reach))
        .collect())
}

/// ForceAtlas2 repulsion `k (m_i)(m_j) / d`, exact or over a grid of cells.
fn repel(pos: &[(f64, f64)], mass: &[f64], shift: &mut [(f64, f64)]) {
    let n = pos.len();
    let mut push = |i: usize, j: usize| {
        let (dx, dy) = (pos[i].0 - pos[j].0, pos[i].1 - pos[j].1);
        let d2 = (dx * dx + dy * dy).max(1e-6);
        // Force k·mi·mj/d along the unit vector: (dx, dy)·k·mi·mj / d².
        let f = SCALING * mass[i] * mass[j] / d2;
        shift[i].0 += dx * f;
        shift[i].1 += dy * f;
        shift[j].0 -= dx * f;
        shift[j].1 -= dy * f;
    };
    if n <= EXACT_REPULSION {
        for i in 0..n {
            for j in i + 1..n {
                push(i, j);
            }
        }
        return;
    }
    let extent = pos
        .iter()
        .fold(0.0f64, |m, p| m.max(p.0.abs()).max(p.1.abs()));
    let cell_size = (extent * 2.0 / (n as f64).sqrt()).max(1.0) * 2.0;
    let cell = |p: (f64, f64)| {
        (
            (p.0 / cell_size).floor() as i64,
            (p.1 / cell_size).floor() as i64,
        )
    };
    let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (v, &p) in pos.iter().enumerate() {
        grid.entry(cell(p)).or_default().push(v);
    }
    let mut keys: Vec<(i64, i64)> = grid.keys().copied().collect();
    keys.sort_unstable();
    for &(cx, cy) in &keys {
        let here = &grid[&(cx, cy)];
        for (x, &i) in here.iter().enumerate() {
            for &j in &here[x + 1..] {
                push(i, j);
            }
        }
        // Each neighbouring pair of cells once: the four cells "after" this one.
        for (ox, oy) in [(1, -1), (1, 0), (1, 1), (0, 1)] {
            if let Some(there) = grid.get(&(cx + ox, cy + oy)) {
                for &i in here {
                    for &j in there {
                        push(i, j);
                    }
                }
            }
        }
    }
}

/// Scales and centres positions into the 1000 × 1000 box.
fn fit(pos: &[(f64, f64)]) -> Vec<(f64, f64)> {
    if pos.len() == 1 {
        return vec![(500.0, 500.0)];
    }
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in pos {
        min_x = min_x.min(x);
        min_y = min_y.min(y);
        max_x = max_x.max(x);
        max_y = max_y.max(y);
    }
    let span = (max_x - min_x).max(max_y - min_y).max(1e-9);
    let (off_x, off_y) = (
        (span - (max_x - min_x)) / 2.0,
        (span - (max_y - min_y)) / 2.0,
    );
    pos.iter()
        .map(|&(x, y)| {
            (
                (x - min_x + off_x) / span * 1000.0,
                (y - min_y + off_y) / span * 1000.0,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
        ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
    }

    #[test]
    fn a_cancelled_layout_stops() {
        let g = crate::analytics::csr::two_triangles();
        let cancel = Cancel::new(true);
        assert_eq!(layout(&g, 7, Some(&cancel)), Err(Cancelled));
    }

    #[test]
    fn same_seed_same_picture_and_linked_nodes_stay_close() {
        let g = crate::analytics::csr::two_triangles();
        let a = layout(&g, 7, None).unwrap();
        assert_eq!(a, layout(&g, 7, None).unwrap());
        assert_ne!(a, layout(&g, 8, None).unwrap());
        assert!(
            a.iter()
                .all(|&(x, y)| (0.0..=1000.0).contains(&x) && (0.0..=1000.0).contains(&y))
        );
        assert!(distance(a[0], a[1]) < distance(a[0], a[5]));
        assert!(distance(a[4], a[5]) < distance(a[1], a[4]));
    }

    #[test]
    fn a_small_component_does_not_squeeze_the_large_one() {
        // A 40-node ring and a separate pair.
        let mut edges: Vec<(u32, u32, f64)> = (0..40).map(|v| (v, (v + 1) % 40, 1.0)).collect();
        edges.push((40, 41, 1.0));
        let g = Csr::from_edges(42, edges);
        let a = layout(&g, 1, None).unwrap();
        let (xs, ys): (Vec<f64>, Vec<f64>) = a[..40].iter().copied().unzip();
        let spread = |v: &[f64]| {
            v.iter().cloned().fold(f64::MIN, f64::max) - v.iter().cloned().fold(f64::MAX, f64::min)
        };
        assert!(
            spread(&xs).max(spread(&ys)) > 500.0,
            "the ring takes most of the picture: {a:?}"
        );
        // The pair sits apart from the ring.
        let nearest = a[..40]
            .iter()
            .map(|&p| distance(p, a[40]))
            .fold(f64::MAX, f64::min);
        assert!(nearest > 20.0);
    }

    #[test]
    fn large_graphs_lay_out_on_the_grid_deterministically() {
        // A ring of 2 000 nodes: more than EXACT_REPULSION, so repulsion runs on the grid.
        let n = 2_000u32;
        let g = Csr::from_edges(n as usize, (0..n).map(|v| (v, (v + 1) % n, 1.0)));
        let a = layout(&g, 1, None).unwrap();
        assert_eq!(a, layout(&g, 1, None).unwrap());
        assert!(a.iter().all(|&(x, y)| x.is_finite() && y.is_finite()));
        let near: f64 = (0..n as usize)
            .map(|v| distance(a[v], a[(v + 1) % n as usize]))
            .sum::<f64>()
            / n as f64;
        let far: f64 = (0..n as usize)
            .map(|v| distance(a[v], a[(v + 1000) % n as usize]))
            .sum::<f64>()
            / n as f64;
        assert!(near * 5.0 < far, "{near} vs {far}");
    }
}
