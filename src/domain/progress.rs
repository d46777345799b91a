//! Progress of an indicator, as plain arithmetic: which target applies when, what value a
//! linear path from the baseline to that target expects at a date, how far the latest value
//! has come, and the status that follows — with the cases the data cannot answer (no target,
//! no measurement, no period) said as such rather than guessed.
//!
//! The rules, in one place:
//! - A target's period is its own years, else the indicator's; it runs from 1 January of its
//!   first year to 31 December of its last.
//! - The target *at* a year is the one whose period covers it, else the last one that ended
//!   before it, else the first one still to come; an undated target applies to every year.
//! - The direction is the indicator's; where it gives none, lower is better when the target
//!   lies below the baseline, and higher otherwise.
//! - The path starts at the baseline (a count or yes/no without baseline starts at 0; a
//!   percentage without baseline has no path) at the start of the target's period and reaches
//!   the target at its end.
//! - The ratio is the share of the way from the path's start to the target that the latest
//!   value has come (1 = target reached); none when start and target are equal.
//! - A quantitative indicator is ACHIEVED when its latest value meets the target, ON_TRACK
//!   when it meets the path's value at the end of the measured period, BEHIND otherwise, and
//!   UNDATED when there is no path to hold it to. A yes/no indicator is due at the end of its
//!   period: "no" before then is ON_TRACK. A qualitative indicator takes the status of its
//!   latest measurement.

use async_graphql::Enum;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{Direction, Measure, QualitativeStatus};

/// Where an indicator stands.
#[derive(
    Enum, Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub enum ProgressStatus {
    /// The latest value meets the target (or a qualitative result was reported achieved).
    Achieved,
    /// The latest value meets what the path from baseline to target expects by then.
    OnTrack,
    /// The latest value falls short of what the path expects by then.
    Behind,
    /// A qualitative indicator reported as not started.
    NotStarted,
    /// There is a target but no measurement yet.
    NoData,
    /// There is no target value (the document gives none, says "Ntb" or "Geen").
    NoTarget,
    /// There is a target and a value, but no period or starting point to set a path by, and
    /// the target is not reached yet.
    Undated,
}

impl ProgressStatus {
    /// Whether the status counts as on track in a roll-up.
    pub fn on_track(self) -> bool {
        matches!(self, ProgressStatus::Achieved | ProgressStatus::OnTrack)
    }

    /// Whether a measured result was judged (on track, achieved, behind, not started).
    pub fn assessed(self) -> bool {
        matches!(
            self,
            ProgressStatus::Achieved
                | ProgressStatus::OnTrack
                | ProgressStatus::Behind
                | ProgressStatus::NotStarted
        )
    }
}

/// A target value over a period of years (either bound possibly unknown).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TargetSpan {
    pub value: f64,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
}

/// What the arithmetic needs of an indicator.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub measure: Measure,
    pub direction: Option<Direction>,
    pub baseline: Option<f64>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    /// Its targets, in any order; bounds left open take the indicator's period.
    pub targets: Vec<TargetSpan>,
}

/// A measured result: a value or a qualitative status, and the last day it covers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reading {
    pub value: Option<f64>,
    pub status: Option<QualitativeStatus>,
    pub period_end: NaiveDate,
}

/// An indicator's progress.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    pub latest: Option<Reading>,
    /// The target the latest value is held to (or today's, without a value).
    pub target: Option<TargetSpan>,
    /// The way that is better.
    pub direction: Direction,
    /// Share of the way from the path's start to the target.
    pub ratio: Option<f64>,
    /// The path's value today.
    pub expected: Option<f64>,
    /// The path's value at the end of the latest measured period.
    pub expected_at_latest: Option<f64>,
    pub status: ProgressStatus,
}

impl Plan {
    /// A target with the indicator's period filled in where its own is open.
    fn dated(&self, t: &TargetSpan) -> TargetSpan {
        TargetSpan {
            value: t.value,
            start_year: t.start_year.or(self.start_year),
            end_year: t.end_year.or(self.end_year),
        }
    }

    /// The target that applies in `year`: the one covering it, else the last one ended
    /// before it, else the first one to come. An undated target covers every year.
    pub fn target_at(&self, year: i32) -> Option<TargetSpan> {
        let targets: Vec<TargetSpan> = self.targets.iter().map(|t| self.dated(t)).collect();
        let covering = targets.iter().rev().find(|t| {
            t.start_year.is_none_or(|s| s <= year) && t.end_year.is_none_or(|e| year <= e)
        });
        let ended = targets
            .iter()
            .filter(|t| t.end_year.is_some_and(|e| e < year))
            .max_by_key(|t| t.end_year);
        let coming = targets
            .iter()
            .filter(|t| t.start_year.is_some_and(|s| s > year))
            .min_by_key(|t| t.start_year);
        covering.or(ended).or(coming).copied()
    }

    /// The way that is better for a target (see the module's rules).
    pub fn direction(&self, target: Option<&TargetSpan>) -> Direction {
        match (self.direction, self.baseline, target) {
            (Some(d), _, _) => d,
            (None, Some(b), Some(t)) if t.value < b => Direction::Lower,
            _ => Direction::Higher,
        }
    }

    /// Where the path to a target starts.
    fn path_start(&self) -> Option<f64> {
        match (self.baseline, self.measure) {
            (Some(b), _) => Some(b),
            (None, Measure::Count | Measure::YesNo) => Some(0.0),
            _ => None,
        }
    }

    /// The value the linear path from the baseline expects at `date` for a target, when it
    /// has a period and a starting point. Before the period it is the start, after it the
    /// target.
    pub fn expected(&self, target: &TargetSpan, date: NaiveDate) -> Option<f64> {
        let start = self.path_start()?;
        let from = NaiveDate::from_ymd_opt(target.start_year?, 1, 1)?;
        let to = NaiveDate::from_ymd_opt(target.end_year?, 12, 31)?;
        let total = (to - from).num_days() as f64;
        let done = (date - from).num_days() as f64;
        let share = if total <= 0.0 {
            1.0
        } else {
            (done / total).clamp(0.0, 1.0)
        };
        Some(start + share * (target.value - start))
    }

    /// The share of the way from the path's start to the target that `value` has come.
    pub fn ratio(&self, target: &TargetSpan, value: f64) -> Option<f64> {
        let start = self.path_start().unwrap_or(0.0);
        let way = target.value - start;
        (way != 0.0).then(|| (value - start) / way)
    }

    /// The progress given the latest reading and today's date.
    pub fn progress(&self, latest: Option<Reading>, today: NaiveDate) -> Progress {
        let at = latest.map_or(today, |r| r.period_end);
        let target = self.target_at(at.year());
        let direction = self.direction(target.as_ref());
        let expected = target.and_then(|t| self.expected(&t, today));
        let expected_at_latest = match (target, latest) {
            (Some(t), Some(r)) => self.expected(&t, r.period_end),
            _ => None,
        };
        let ratio = match (target, latest.and_then(|r| r.value)) {
            (Some(t), Some(v)) => self.ratio(&t, v),
            _ => None,
        };
        let status = self.status(latest, target, direction, expected_at_latest);
        Progress {
            latest,
            target,
            direction,
            ratio,
            expected,
            expected_at_latest,
            status,
        }
    }

    fn status(
        &self,
        latest: Option<Reading>,
        target: Option<TargetSpan>,
        direction: Direction,
        expected: Option<f64>,
    ) -> ProgressStatus {
        if self.measure == Measure::Qualitative {
            return match latest.and_then(|r| r.status) {
                None => ProgressStatus::NoData,
                Some(QualitativeStatus::Achieved) => ProgressStatus::Achieved,
                Some(QualitativeStatus::OnTrack) => ProgressStatus::OnTrack,
                Some(QualitativeStatus::Behind) => ProgressStatus::Behind,
                Some(QualitativeStatus::NotStarted) => ProgressStatus::NotStarted,
            };
        }
        let Some(target) = target else {
            return ProgressStatus::NoTarget;
        };
        let Some((value, end)) = latest.and_then(|r| Some((r.value?, r.period_end))) else {
            return ProgressStatus::NoData;
        };
        let meets = |goal: f64| match direction {
            Direction::Higher => value >= goal,
            Direction::Lower => value <= goal,
        };
        if meets(target.value) {
            return ProgressStatus::Achieved;
        }
        if self.measure == Measure::YesNo {
            let due = target.end_year.is_some_and(|e| end.year() >= e);
            return match (target.end_year, due) {
                (None, _) => ProgressStatus::Undated,
                (Some(_), false) => ProgressStatus::OnTrack,
                (Some(_), true) => ProgressStatus::Behind,
            };
        }
        match expected {
            None => ProgressStatus::Undated,
            Some(e) if meets(e) => ProgressStatus::OnTrack,
            Some(_) => ProgressStatus::Behind,
        }
    }
}

/// The progress of a set of indicators, counted by status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rollup {
    pub indicators: usize,
    pub achieved: usize,
    pub on_track: usize,
    pub behind: usize,
    pub not_started: usize,
    pub no_data: usize,
    pub no_target: usize,
    pub undated: usize,
    /// Indicators without a measurement whose period ended in the window looked at.
    pub stale: usize,
}

impl Rollup {
    /// Counts one indicator's status, and whether its latest measurement is recent.
    pub fn add(&mut self, status: ProgressStatus, recent: bool) {
        self.indicators += 1;
        let slot = match status {
            ProgressStatus::Achieved => &mut self.achieved,
            ProgressStatus::OnTrack => &mut self.on_track,
            ProgressStatus::Behind => &mut self.behind,
            ProgressStatus::NotStarted => &mut self.not_started,
            ProgressStatus::NoData => &mut self.no_data,
            ProgressStatus::NoTarget => &mut self.no_target,
            ProgressStatus::Undated => &mut self.undated,
        };
        *slot += 1;
        if !recent {
            self.stale += 1;
        }
    }

    /// The share of the judged indicators (achieved, on track, behind, not started) that are
    /// achieved or on track; none when none was judged.
    pub fn share_on_track(&self) -> Option<f64> {
        let judged = self.achieved + self.on_track + self.behind + self.not_started;
        (judged > 0).then(|| (self.achieved + self.on_track) as f64 / judged as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn count(baseline: Option<f64>, target: f64, years: (i32, i32)) -> Plan {
        Plan {
            measure: Measure::Count,
            direction: None,
            baseline,
            start_year: Some(years.0),
            end_year: Some(years.1),
            targets: vec![TargetSpan {
                value: target,
                start_year: None,
                end_year: None,
            }],
        }
    }

    fn value(v: f64, end: NaiveDate) -> Option<Reading> {
        Some(Reading {
            value: Some(v),
            status: None,
            period_end: end,
        })
    }

    #[test]
    fn a_rollup_shares_only_judged_indicators() {
        let mut r = Rollup::default();
        assert_eq!(r.share_on_track(), None);
        r.add(ProgressStatus::OnTrack, true);
        r.add(ProgressStatus::Achieved, true);
        r.add(ProgressStatus::Behind, false);
        r.add(ProgressStatus::NoData, false);
        r.add(ProgressStatus::NoTarget, false);
        assert_eq!(r.indicators, 5);
        assert_eq!(r.stale, 3);
        assert!((r.share_on_track().unwrap() - 2.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn the_path_runs_linearly_from_baseline_to_target() {
        // 750 woningen over 2024–2033 (ten years): by the end of 2028, half the way.
        let plan = count(None, 750.0, (2024, 2033));
        let t = plan.target_at(2028).unwrap();
        let halfway = plan.expected(&t, day(2028, 12, 31)).unwrap();
        assert!((halfway - 375.0).abs() < 1.0, "{halfway}");
        assert_eq!(plan.expected(&t, day(2020, 1, 1)), Some(0.0));
        assert_eq!(plan.expected(&t, day(2040, 1, 1)), Some(750.0));
        let p = plan.progress(value(400.0, day(2028, 12, 31)), day(2029, 3, 1));
        assert_eq!(p.status, ProgressStatus::OnTrack);
        assert!((p.ratio.unwrap() - 400.0 / 750.0).abs() < 1e-9);
        let p = plan.progress(value(300.0, day(2028, 12, 31)), day(2029, 3, 1));
        assert_eq!(p.status, ProgressStatus::Behind);
        let p = plan.progress(value(750.0, day(2026, 6, 30)), day(2029, 3, 1));
        assert_eq!(p.status, ProgressStatus::Achieved);
    }

    #[test]
    fn lower_is_better_when_the_baseline_lies_above_the_target() {
        // From 40 % down to 20 % over 2024–2027.
        let mut plan = count(Some(40.0), 20.0, (2024, 2027));
        plan.measure = Measure::Percentage;
        let t = plan.target_at(2025).unwrap();
        assert_eq!(plan.direction(Some(&t)), Direction::Lower);
        let p = plan.progress(value(35.0, day(2025, 12, 31)), day(2026, 1, 10));
        // Halfway in time expects 30: 35 is behind, and 25 % of the way.
        assert_eq!(p.status, ProgressStatus::Behind);
        assert!((p.ratio.unwrap() - 0.25).abs() < 1e-9);
        let p = plan.progress(value(28.0, day(2025, 12, 31)), day(2026, 1, 10));
        assert_eq!(p.status, ProgressStatus::OnTrack);
        let p = plan.progress(value(19.0, day(2025, 12, 31)), day(2026, 1, 10));
        assert_eq!(p.status, ProgressStatus::Achieved);
    }

    #[test]
    fn a_target_of_zero_has_no_ratio_but_a_status() {
        let mut plan = count(None, 0.0, (2024, 2026));
        plan.direction = Some(Direction::Lower);
        let p = plan.progress(value(0.0, day(2025, 6, 30)), day(2025, 7, 1));
        assert_eq!(p.ratio, None);
        assert_eq!(p.status, ProgressStatus::Achieved);
        let p = plan.progress(value(3.0, day(2025, 6, 30)), day(2025, 7, 1));
        assert_eq!(p.status, ProgressStatus::Behind);
        // From a baseline of 12 incidents down to none: 9 is a quarter of the way.
        plan.baseline = Some(12.0);
        let p = plan.progress(value(9.0, day(2024, 12, 31)), day(2025, 1, 5));
        assert!((p.ratio.unwrap() - 0.25).abs() < 1e-9);
    }

    #[test]
    fn missing_targets_data_and_periods_are_said_as_such() {
        let mut plan = count(None, 40.0, (2024, 2026));
        assert_eq!(
            plan.progress(None, day(2025, 1, 1)).status,
            ProgressStatus::NoData
        );
        plan.targets.clear();
        let p = plan.progress(value(10.0, day(2025, 1, 1)), day(2025, 1, 1));
        assert_eq!(p.status, ProgressStatus::NoTarget);
        assert_eq!(p.ratio, None);
        let undated = Plan {
            start_year: None,
            end_year: None,
            ..count(None, 40.0, (2024, 2026))
        };
        let p = undated.progress(value(10.0, day(2025, 1, 1)), day(2025, 1, 1));
        assert_eq!(p.status, ProgressStatus::Undated);
        assert_eq!(p.expected, None);
        assert!((p.ratio.unwrap() - 0.25).abs() < 1e-9);
        // A percentage without a baseline has no path either.
        let mut pct = count(None, 80.0, (2024, 2026));
        pct.measure = Measure::Percentage;
        let p = pct.progress(value(50.0, day(2025, 1, 1)), day(2025, 1, 1));
        assert_eq!(p.status, ProgressStatus::Undated);
    }

    #[test]
    fn the_target_of_the_period_is_chosen_by_year() {
        let plan = Plan {
            targets: vec![
                TargetSpan {
                    value: 10.0,
                    start_year: Some(2024),
                    end_year: Some(2025),
                },
                TargetSpan {
                    value: 30.0,
                    start_year: Some(2026),
                    end_year: Some(2027),
                },
            ],
            ..count(None, 0.0, (2024, 2027))
        };
        assert_eq!(plan.target_at(2025).unwrap().value, 10.0);
        assert_eq!(plan.target_at(2026).unwrap().value, 30.0);
        assert_eq!(plan.target_at(2030).unwrap().value, 30.0, "the last period");
        assert_eq!(
            plan.target_at(2020).unwrap().value,
            10.0,
            "the first to come"
        );
    }

    #[test]
    fn yes_no_is_due_at_the_end_and_qualitative_takes_the_reported_status() {
        let mut plan = count(None, 1.0, (2024, 2026));
        plan.measure = Measure::YesNo;
        let early = plan.progress(value(0.0, day(2025, 6, 30)), day(2025, 7, 1));
        assert_eq!(early.status, ProgressStatus::OnTrack);
        let late = plan.progress(value(0.0, day(2026, 12, 31)), day(2027, 1, 5));
        assert_eq!(late.status, ProgressStatus::Behind);
        let done = plan.progress(value(1.0, day(2025, 6, 30)), day(2025, 7, 1));
        assert_eq!(done.status, ProgressStatus::Achieved);

        let q = Plan {
            measure: Measure::Qualitative,
            targets: Vec::new(),
            ..plan
        };
        assert_eq!(
            q.progress(None, day(2025, 1, 1)).status,
            ProgressStatus::NoData
        );
        let reported = Reading {
            value: None,
            status: Some(QualitativeStatus::Behind),
            period_end: day(2025, 6, 30),
        };
        assert_eq!(
            q.progress(Some(reported), day(2025, 7, 1)).status,
            ProgressStatus::Behind
        );
    }
}
