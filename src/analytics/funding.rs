//! Funding scenarios: what happens to a programme's interventions, partners and clusters when
//! funding streams stop or end, year by year. A scenario stops some streams outright and
//! assumes an end year for others (the documents often give none); every other stream keeps
//! the period the document gives. Whether a stream pays in a year is [`Period::covers`], so
//! "the document does not say" stays unknown instead of becoming "always".

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::network::scope_key;
use super::{Cancel, Cancelled, questions};
use crate::domain::{Id, Known, Period, Table};
use crate::error::Error;
use crate::graph::{CacheKey, EdgeKind, Filter, Snapshot};

/// The longest scenario, in years.
pub const MAX_SCENARIO_YEARS: i32 = 50;

/// The years a scenario may cover (as the dates of measurements).
const YEARS: std::ops::RangeInclusive<i32> = crate::domain::DATE_YEARS;

/// A funding scenario for one area: its streams to stop, the end years to assume, and the
/// years to look at. It is also the cache key of its answer.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Scenario {
    pub area: Id,
    /// Streams that pay nothing in any year of the scenario.
    pub stop: BTreeSet<Id>,
    /// End years assumed for streams, in place of the document's (often absent) one.
    pub assume_end: BTreeMap<Id, i32>,
    /// The first and last year of the timeline (inclusive).
    pub from: i32,
    pub to: i32,
}

impl CacheKey for Scenario {
    type Value = ScenarioResult;
}

impl Scenario {
    /// A scenario, checked: the streams belong to the area, a stream is not both stopped and
    /// given an end year, and the years run forward over at most [`MAX_SCENARIO_YEARS`].
    pub fn new(
        s: &Snapshot,
        area: Id,
        stop: Vec<Id>,
        assume_end: Vec<(Id, i32)>,
        from: i32,
        to: i32,
    ) -> Result<Scenario, Error> {
        if to < from {
            return Err(Error::invalid("to", "must not be before `from`"));
        }
        if !(YEARS.contains(&from) && YEARS.contains(&to)) {
            return Err(Error::invalid(
                "from",
                format!("years run from {} to {}", YEARS.start(), YEARS.end()),
            ));
        }
        if to - from >= MAX_SCENARIO_YEARS {
            return Err(Error::invalid(
                "to",
                format!("a scenario covers at most {MAX_SCENARIO_YEARS} years"),
            ));
        }
        let in_area =
            |id: &Id| s.table_of(*id) == Some(Table::FundingStream) && s.area_of(*id) == Some(area);
        if !stop.iter().all(in_area) {
            return Err(Error::invalid(
                "stop",
                "every stream must belong to the area",
            ));
        }
        let stop: BTreeSet<Id> = stop.into_iter().collect();
        let mut assumed = BTreeMap::new();
        for (stream, year) in assume_end {
            if !in_area(&stream) {
                return Err(Error::invalid(
                    "assumeEnd",
                    "every stream must belong to the area",
                ));
            }
            if stop.contains(&stream) {
                return Err(Error::invalid(
                    "assumeEnd",
                    "a stopped stream cannot also be given an end year",
                ));
            }
            if assumed.insert(stream, year).is_some() {
                return Err(Error::invalid(
                    "assumeEnd",
                    "each stream may be given one end year",
                ));
            }
        }
        Ok(Scenario {
            area,
            stop,
            assume_end: assumed,
            from,
            to,
        })
    }

    /// Whether a stream pays in a year under this scenario.
    fn pays(&self, s: &Snapshot, stream: Id, year: i32) -> Known {
        if self.stop.contains(&stream) {
            return Known::No;
        }
        self.period(s, stream)
            .map_or(Known::Unknown, |p| p.covers(year))
    }

    /// A stream's period under this scenario: the document's, with the assumed end year.
    fn period(&self, s: &Snapshot, stream: Id) -> Option<Period> {
        let f = s.data.funding_streams.get(&stream)?;
        let end = self.assume_end.get(&stream).copied().or(f.end_year);
        Some(Period::new(f.start_year, end))
    }
}

/// A stream as the scenario treats it.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioStream {
    pub stream: Id,
    pub stopped: bool,
    /// The end year the scenario uses: the assumed one, else the document's.
    pub end_year: Option<i32>,
    pub end_assumed: bool,
}

/// Whether an intervention loses all or part of its funding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loss {
    All,
    Part,
}

/// What one intervention loses.
#[derive(Clone, Debug, PartialEq)]
pub struct InterventionLoss {
    pub intervention: Id,
    pub loss: Loss,
    /// Its streams that pay nothing in `last_year`.
    pub lost: Vec<Id>,
    /// Its streams that pay, or may pay (the document gives no end), in `last_year`.
    pub kept: Vec<Id>,
    /// The last year of the scenario in which it runs or may run (its own period allowing).
    pub last_year: i32,
    /// The sum of the amounts the document gives for the lost streams; `None` when it gives
    /// none.
    pub amount_lost_eur: Option<i64>,
    /// Lost streams for which the document gives no amount.
    pub amounts_unknown: usize,
}

/// How hard a partner or cluster is hit.
#[derive(Clone, Debug, PartialEq)]
pub struct Impact {
    pub node: Id,
    /// Its interventions that lose all their funding.
    pub losing_all: usize,
    /// Its interventions that lose part of it.
    pub losing_part: usize,
    /// Its funded interventions that run (or may run) in the scenario's years.
    pub interventions: usize,
    /// The amounts the document gives for what its interventions lose; `None` when none.
    pub amount_lost_eur: Option<i64>,
}

/// One year of a scenario.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ScenarioYear {
    pub year: i32,
    /// Streams known to pay in the year.
    pub streams_paying: Vec<Id>,
    /// Streams whose last year (document or assumed) this is.
    pub streams_ending: Vec<Id>,
    /// Funded interventions known to run in the year (both period bounds known).
    pub running: usize,
    /// Of those: a stream is known to pay.
    pub funded: usize,
    /// Of those: no stream is known to pay, but one may (the document gives it no end).
    pub funding_unknown: usize,
    /// Of those: every stream is known not to pay.
    pub unfunded: usize,
    /// Funded interventions that may run in the year: the document leaves their period (or
    /// part of it) open, undated ones included.
    pub may_run: usize,
    /// Of those: every stream is known not to pay.
    pub may_run_unfunded: usize,
}

/// The answer to a funding scenario.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ScenarioResult {
    /// The streams stopped or given an end year, then the others, in id order.
    pub streams: Vec<ScenarioStream>,
    pub timeline: Vec<ScenarioYear>,
    /// Interventions with a period that lose funding, hardest hit first.
    pub interventions: Vec<InterventionLoss>,
    /// Interventions without any period that lose funding, listed apart.
    pub undated: Vec<InterventionLoss>,
    /// Interventions left with no funding at the end (their last year in the scenario).
    pub unfunded: Vec<Id>,
    pub partners: Vec<Impact>,
    pub clusters: Vec<Impact>,
    /// Interventions of the area for which the document names no funding at all.
    pub without_funding: usize,
}

/// Runs a scenario: for every intervention of the area that the document gives funding, which
/// of its streams pay in each year, and what it has lost by the last year it runs in the
/// scenario. Stops when `cancel` is set.
pub fn scenario(
    s: &Snapshot,
    sc: &Scenario,
    cancel: Option<&Cancel>,
) -> Result<ScenarioResult, Cancelled> {
    let mut out = ScenarioResult {
        timeline: (sc.from..=sc.to)
            .map(|year| ScenarioYear {
                year,
                ..ScenarioYear::default()
            })
            .collect(),
        ..ScenarioResult::default()
    };
    let mut streams: Vec<Id> = s.in_area(Table::FundingStream, sc.area).collect();
    streams.sort_by_key(|f| {
        let named = sc.stop.contains(f) || sc.assume_end.contains_key(f);
        (!named, *f)
    });
    for &f in &streams {
        let period = sc.period(s, f);
        out.streams.push(ScenarioStream {
            stream: f,
            stopped: sc.stop.contains(&f),
            end_year: period.and_then(|p| p.end),
            end_assumed: sc.assume_end.contains_key(&f),
        });
        for y in &mut out.timeline {
            if sc.pays(s, f, y.year) == Known::Yes {
                y.streams_paying.push(f);
            }
            if !sc.stop.contains(&f) && period.and_then(|p| p.end) == Some(y.year) {
                y.streams_ending.push(f);
            }
        }
    }
    let mut partners: BTreeMap<Id, Impact> = BTreeMap::new();
    let mut clusters: BTreeMap<Id, Impact> = BTreeMap::new();
    let mut interventions: Vec<Id> = s.in_area(Table::Intervention, sc.area).collect();
    interventions.sort_unstable();
    for i in interventions {
        if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(Cancelled);
        }
        let Some(record) = s.data.interventions.get(&i) else {
            continue;
        };
        let funding = s.targets(i, EdgeKind::Funding);
        if funding.is_empty() {
            out.without_funding += 1;
            continue;
        }
        let period = Period::new(record.start_year, record.end_year);
        let mut last_year = None;
        for y in &mut out.timeline {
            let runs = period.covers(y.year);
            if runs == Known::No {
                continue;
            }
            last_year = Some(y.year);
            let pays: Vec<Known> = funding.iter().map(|&f| sc.pays(s, f, y.year)).collect();
            let none_pays = pays.iter().all(|&k| k == Known::No);
            if runs == Known::Yes {
                y.running += 1;
                if pays.contains(&Known::Yes) {
                    y.funded += 1;
                } else if none_pays {
                    y.unfunded += 1;
                } else {
                    y.funding_unknown += 1;
                }
            } else {
                y.may_run += 1;
                y.may_run_unfunded += usize::from(none_pays);
            }
        }
        // Not running in any year of the scenario: nothing to lose.
        let Some(last_year) = last_year else {
            continue;
        };
        let (lost, kept): (Vec<Id>, Vec<Id>) = funding
            .iter()
            .copied()
            .partition(|&f| sc.pays(s, f, last_year) == Known::No);
        let loss = match (lost.is_empty(), kept.is_empty()) {
            (true, _) => None,
            (false, true) => Some(Loss::All),
            (false, false) => Some(Loss::Part),
        };
        let amounts: Vec<Option<i64>> = lost
            .iter()
            .map(|&f| s.funding_of(f, i).and_then(|link| link.amount_eur))
            .collect();
        let amount_lost_eur = amounts
            .iter()
            .flatten()
            .copied()
            .reduce(|a, b| a.saturating_add(b));
        let count = |map: &mut BTreeMap<Id, Impact>, node: Id| {
            let e = map.entry(node).or_insert(Impact {
                node,
                losing_all: 0,
                losing_part: 0,
                interventions: 0,
                amount_lost_eur: None,
            });
            e.interventions += 1;
            e.losing_all += usize::from(loss == Some(Loss::All));
            e.losing_part += usize::from(loss == Some(Loss::Part));
            if let Some(a) = amount_lost_eur {
                e.amount_lost_eur = Some(e.amount_lost_eur.unwrap_or(0).saturating_add(a));
            }
        };
        for p in s.targets(i, EdgeKind::Partner) {
            count(&mut partners, p);
        }
        for &c in s.intervention_programmes(i) {
            count(&mut clusters, c);
        }
        let Some(loss) = loss else {
            continue;
        };
        if loss == Loss::All {
            out.unfunded.push(i);
        }
        let item = InterventionLoss {
            intervention: i,
            loss,
            amounts_unknown: amounts.iter().filter(|a| a.is_none()).count(),
            amount_lost_eur,
            lost,
            kept,
            last_year,
        };
        if period.is_undated() {
            out.undated.push(item);
        } else {
            out.interventions.push(item);
        }
    }
    let hardest_first = |a: &InterventionLoss, b: &InterventionLoss| {
        (a.loss == Loss::Part)
            .cmp(&(b.loss == Loss::Part))
            .then(a.last_year.cmp(&b.last_year))
            .then(a.intervention.cmp(&b.intervention))
    };
    out.interventions.sort_by(hardest_first);
    out.undated.sort_by(hardest_first);
    out.partners = impacts(partners);
    out.clusters = impacts(clusters);
    Ok(out)
}

/// The nodes hit, most interventions losing all first, then part, then id.
fn impacts(map: BTreeMap<Id, Impact>) -> Vec<Impact> {
    let mut out: Vec<Impact> = map
        .into_values()
        .filter(|x| x.losing_all + x.losing_part > 0)
        .collect();
    out.sort_by(|a, b| {
        b.losing_all
            .cmp(&a.losing_all)
            .then(b.losing_part.cmp(&a.losing_part))
            .then(a.node.cmp(&b.node))
    });
    out
}

/// A scenario's answer, computed once per snapshot and scenario.
pub fn cached_scenario(
    s: &Snapshot,
    sc: &Scenario,
    cancel: Option<&Cancel>,
) -> Result<Arc<ScenarioResult>, Cancelled> {
    s.cached_try(sc.clone(), || scenario(s, sc, cancel))
}

/// The cache key of [`questions::funding_at_risk`].
#[derive(Debug, PartialEq, Eq, Hash)]
struct AtRiskKey {
    scope: String,
    ending_by: i32,
}

impl CacheKey for AtRiskKey {
    type Value = Vec<questions::AtRisk>;
}

/// The cache key of [`questions::funding_exposure`].
#[derive(Debug, PartialEq, Eq, Hash)]
struct ExposureKey {
    scope: String,
    ending_by: i32,
}

impl CacheKey for ExposureKey {
    type Value = questions::FundingExposure;
}

/// The cache key of [`questions::stream_stops`].
#[derive(Debug, PartialEq, Eq, Hash)]
struct StreamStopKey {
    scope: String,
    stream: Id,
}

impl CacheKey for StreamStopKey {
    type Value = questions::StreamStop;
}

/// [`questions::funding_at_risk`], once per snapshot, scope and year.
pub fn at_risk(s: &Snapshot, scope: &Filter, ending_by: i32) -> Arc<Vec<questions::AtRisk>> {
    let key = AtRiskKey {
        scope: scope_key(scope),
        ending_by,
    };
    s.cached(key, || questions::funding_at_risk(s, scope, ending_by))
}

/// [`questions::funding_exposure`], once per snapshot, scope and year.
pub fn exposure(s: &Snapshot, scope: &Filter, ending_by: i32) -> Arc<questions::FundingExposure> {
    let key = ExposureKey {
        scope: scope_key(scope),
        ending_by,
    };
    s.cached(key, || questions::funding_exposure(s, scope, ending_by))
}

/// [`questions::stream_stops`], once per snapshot, scope and stream.
pub fn stream_stops(s: &Snapshot, scope: &Filter, stream: Id) -> Arc<questions::StreamStop> {
    let key = StreamStopKey {
        scope: scope_key(scope),
        stream,
    };
    s.cached(key, || questions::stream_stops(s, scope, stream))
}
