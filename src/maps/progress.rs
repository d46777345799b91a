//! Colouring a map by progress: each node's indicators (its own and those below it, as
//! [`Snapshot::indicators_reached`] says) rolled up into one of five bands with a fixed
//! colour, keeping "no indicators" apart from "indicators, but nothing to judge yet".

use std::collections::HashMap;

use chrono::NaiveDate;

use super::colour::{GREY, Rgb};
use crate::domain::{Id, ProgressStatus, Rollup};
use crate::graph::Snapshot;

/// Where the indicators of a node stand, taken together.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProgressBand {
    /// More than half of the judged indicators are achieved or on track.
    OnTrack,
    /// Exactly half of the judged indicators are achieved or on track.
    Half,
    /// Fewer than half of the judged indicators are achieved or on track.
    Behind,
    /// It has indicators, but none could be judged yet (no measurement, or no target or
    /// period to hold a value to).
    NoData,
    /// No indicator speaks for it.
    NoIndicators,
}

impl ProgressBand {
    /// The band of a roll-up.
    pub fn of(rollup: &Rollup) -> ProgressBand {
        if rollup.indicators == 0 {
            return ProgressBand::NoIndicators;
        }
        match rollup.share_on_track() {
            None => ProgressBand::NoData,
            Some(share) if share > 0.5 => ProgressBand::OnTrack,
            Some(share) if share < 0.5 => ProgressBand::Behind,
            Some(_) => ProgressBand::Half,
        }
    }

    /// The band's name in the legend and the colour key.
    pub fn label(self) -> &'static str {
        match self {
            ProgressBand::OnTrack => "mostly on track",
            ProgressBand::Half => "half on track",
            ProgressBand::Behind => "mostly behind",
            ProgressBand::NoData => "no data yet",
            ProgressBand::NoIndicators => "no indicators",
        }
    }

    /// The band's fixed colour: green, amber, red, dark grey, light grey.
    pub fn colour(self) -> Rgb {
        match self {
            ProgressBand::OnTrack => Rgb(0x59, 0xa1, 0x4f),
            ProgressBand::Half => Rgb(0xed, 0xc9, 0x48),
            ProgressBand::Behind => Rgb(0xe1, 0x57, 0x59),
            ProgressBand::NoData => Rgb(0x79, 0x70, 0x6e),
            ProgressBand::NoIndicators => GREY,
        }
    }
}

/// The band of each node on `today`. Each indicator's progress is worked out once for the
/// whole map, however many nodes it speaks for.
pub fn bands(s: &Snapshot, nodes: &[Id], today: NaiveDate) -> Vec<ProgressBand> {
    let mut statuses: HashMap<Id, Option<ProgressStatus>> = HashMap::new();
    nodes
        .iter()
        .map(|&node| {
            let mut rollup = Rollup::default();
            for id in s.indicators_reached(node) {
                let status = *statuses.entry(id).or_insert_with(|| {
                    s.data
                        .indicators
                        .get(&id)
                        .map(|indicator| s.progress_of(indicator, today).status)
                });
                if let Some(status) = status {
                    // Whether a measurement is recent does not change the band.
                    rollup.add(status, true);
                }
            }
            ProgressBand::of(&rollup)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rollup(statuses: &[ProgressStatus]) -> Rollup {
        let mut r = Rollup::default();
        for &s in statuses {
            r.add(s, true);
        }
        r
    }

    #[test]
    fn bands_follow_the_share_of_judged_indicators() {
        use ProgressStatus::*;
        assert_eq!(ProgressBand::of(&rollup(&[])), ProgressBand::NoIndicators);
        assert_eq!(
            ProgressBand::of(&rollup(&[NoData, NoTarget])),
            ProgressBand::NoData
        );
        assert_eq!(
            ProgressBand::of(&rollup(&[OnTrack, Achieved, Behind, NoData])),
            ProgressBand::OnTrack
        );
        assert_eq!(
            ProgressBand::of(&rollup(&[OnTrack, NotStarted])),
            ProgressBand::Half
        );
        assert_eq!(
            ProgressBand::of(&rollup(&[Behind, OnTrack, NotStarted])),
            ProgressBand::Behind
        );
    }

    #[test]
    fn every_band_has_its_own_colour_and_label() {
        let all = [
            ProgressBand::OnTrack,
            ProgressBand::Half,
            ProgressBand::Behind,
            ProgressBand::NoData,
            ProgressBand::NoIndicators,
        ];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a.colour(), b.colour());
                assert_ne!(a.label(), b.label());
            }
        }
    }
}
