//! Colours of a map: one fixed colour per programme cluster, derived from the cluster's slug
//! alone, so a cluster looks the same on every view, in every format and on the page. Kinds
//! get colours the same way; communities (numbers that mean nothing across maps) take a
//! qualitative palette in number order.

/// A colour.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb`.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// Nodes without a category: grey.
pub const GREY: Rgb = Rgb(0xb9, 0xb9, 0xb9);

/// Communities, in number order (Tableau 10 and two more).
const PALETTE: [Rgb; 12] = [
    Rgb(0x4e, 0x79, 0xa7),
    Rgb(0xf2, 0x8e, 0x2b),
    Rgb(0xe1, 0x57, 0x59),
    Rgb(0x76, 0xb7, 0xb2),
    Rgb(0x59, 0xa1, 0x4f),
    Rgb(0xed, 0xc9, 0x48),
    Rgb(0xb0, 0x7a, 0xa1),
    Rgb(0xff, 0x9d, 0xa7),
    Rgb(0x9c, 0x75, 0x5f),
    Rgb(0x86, 0xbc, 0xb6),
    Rgb(0xd3, 0x72, 0x95),
    Rgb(0xa0, 0xcb, 0xe8),
];

/// The colour of a programme cluster, from its slug: the hue from a hash of the slug
/// (FNV-1a), the lightness from one of three steps so near hues still differ. The same slug
/// gives the same colour on every map, whatever else the map holds.
///
/// ```
/// use samenhang::maps::cluster_colour;
/// assert_eq!(cluster_colour("veilige-wijken"), cluster_colour("veilige-wijken"));
/// assert_ne!(cluster_colour("veilige-wijken"), cluster_colour("wonen-en-werk"));
/// ```
pub fn cluster_colour(slug: &str) -> Rgb {
    category_colour(slug)
}

/// The colour of any named category (a cluster slug, a partner kind), as [`cluster_colour`].
pub fn category_colour(key: &str) -> Rgb {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let hue = (hash % 360) as f64;
    let lightness = [0.40, 0.50, 0.60][((hash >> 32) % 3) as usize];
    hsl(hue, 0.65, lightness)
}

/// The colour of community `n` (numbered from 0); grey past the palette.
pub fn community_colour(n: u32) -> Rgb {
    PALETTE.get(n as usize).copied().unwrap_or(GREY)
}

/// HSL (hue in degrees, saturation and lightness from 0 to 1) to RGB.
fn hsl(hue: f64, saturation: f64, lightness: f64) -> Rgb {
    let c = (1.0 - (2.0 * lightness - 1.0).abs()) * saturation;
    let h = hue / 60.0;
    let x = c * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = lightness - c / 2.0;
    let channel = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    Rgb(channel(r), channel(g), channel(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hsl_corners() {
        assert_eq!(hsl(0.0, 1.0, 0.5), Rgb(255, 0, 0));
        assert_eq!(hsl(120.0, 1.0, 0.5), Rgb(0, 255, 0));
        assert_eq!(hsl(240.0, 1.0, 0.5), Rgb(0, 0, 255));
        assert_eq!(Rgb(255, 0, 16).hex(), "#ff0010");
    }

    #[test]
    fn the_lelystad_clusters_differ_in_hue() {
        let hues: Vec<Rgb> = [
            "veilige-wijken",
            "jongeren-met-perspectief",
            "wonen-en-werk",
        ]
        .map(cluster_colour)
        .to_vec();
        assert!(hues[0] != hues[1] && hues[1] != hues[2] && hues[0] != hues[2]);
    }
}
