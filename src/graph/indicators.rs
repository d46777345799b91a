//! The snapshot's indexes for progress monitoring: the indicators on each intervention, goal
//! and line (and naming each wijk), the targets of each indicator, and its measurements in
//! period order. Kept by [`Snapshot::apply`] like every other index, so reading the
//! indicators of a node or the latest measurement of an indicator is a lookup.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::NaiveDate;
use imbl::{OrdMap, OrdSet};

use super::{CacheKey, Snapshot};
use crate::domain::*;

/// A measurement's place in its indicator's list: period start, period end, id.
pub(super) type ByPeriod = (NaiveDate, NaiveDate, Id);

/// Adds `member` to (or removes it from) the set under `key`.
fn keep<K: Ord + Clone, V: Ord + Clone>(
    map: &mut OrdMap<K, OrdSet<V>>,
    key: K,
    member: V,
    add: bool,
) {
    let mut set = map.get(&key).cloned().unwrap_or_default();
    if add {
        set.insert(member);
    } else {
        set.remove(&member);
    }
    if set.is_empty() {
        map.remove(&key);
    } else {
        map.insert(key, set);
    }
}

impl Snapshot {
    /// Puts in (or takes out) what an indicator, target or measurement row brings to the
    /// indexes; `touched` gets the nodes whose lists changed.
    pub(super) fn index_progress(&mut self, row: &Row, add: bool, touched: &mut BTreeSet<Id>) {
        match row {
            Row::Indicator(r) => {
                if let Some(owner) = r.owner() {
                    keep(&mut self.owner_indicators, owner, r.id, add);
                    touched.insert(owner);
                }
                if let Some(wijk) = r.wijk_id {
                    keep(&mut self.wijk_records, wijk, r.id, add);
                }
            }
            Row::IndicatorTarget(r) => {
                keep(&mut self.indicator_targets, r.indicator_id, r.id, add);
                touched.insert(r.indicator_id);
            }
            Row::Measurement(r) => {
                if add {
                    self.tables.insert(r.id, Table::Measurement);
                } else {
                    self.tables.remove(&r.id);
                }
                if let Some(wijk) = r.wijk_id {
                    keep(&mut self.wijk_records, wijk, r.id, add);
                }
                let key = (r.period_start, r.period_end, r.id);
                keep(&mut self.indicator_measurements, r.indicator_id, key, add);
            }
            _ => {}
        }
    }

    /// The indicators on an intervention, goal or line, in creation order.
    pub fn indicators_on(&self, owner: Id) -> Vec<Id> {
        self.owner_indicators
            .get(&owner)
            .map(|ids| ids.iter().copied().collect())
            .unwrap_or_default()
    }

    /// The indicators and measurements that name a wijk, in creation order.
    pub fn records_naming_wijk(&self, wijk: Id) -> Vec<Id> {
        self.wijk_records
            .get(&wijk)
            .map(|ids| ids.iter().copied().collect())
            .unwrap_or_default()
    }

    /// The target rows of an indicator, in creation order.
    pub fn targets_of(&self, indicator: Id) -> Vec<Arc<IndicatorTarget>> {
        self.indicator_targets
            .get(&indicator)
            .into_iter()
            .flat_map(|ids| ids.iter())
            .filter_map(|id| self.data.indicator_targets.get(id).cloned())
            .collect()
    }

    /// The measurements of an indicator, by period (start, then end, then id).
    pub fn measurements_of(&self, indicator: Id) -> Vec<Id> {
        self.indicator_measurements
            .get(&indicator)
            .map(|ids| ids.iter().map(|&(_, _, id)| id).collect())
            .unwrap_or_default()
    }

    /// The measurement of an indicator with this period and wijk, if one is recorded: the key
    /// a re-recorded or re-imported result replaces.
    pub fn measurement_for(
        &self,
        indicator: Id,
        start: NaiveDate,
        end: NaiveDate,
        wijk: Option<Id>,
    ) -> Option<Id> {
        let set = self.indicator_measurements.get(&indicator)?;
        set.range((start, end, Id::MIN)..=(start, end, Id::MAX))
            .map(|&(_, _, id)| id)
            .find(|id| {
                self.data
                    .measurements
                    .get(id)
                    .is_some_and(|m| m.wijk_id == wijk)
            })
    }
}

/// Today's date (UTC), for progress "by now".
pub fn today() -> NaiveDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    chrono::DateTime::from_timestamp(i64::try_from(secs).unwrap_or(0), 0)
        .map_or(NaiveDate::MIN, |t| t.date_naive())
}

/// The day `months` whole months before `date` (clamped to the month's last day).
fn months_before(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_sub_months(chrono::Months::new(months))
        .unwrap_or(NaiveDate::MIN)
}

impl Snapshot {
    /// What the progress arithmetic needs of an indicator.
    pub fn plan_of(&self, indicator: &Indicator) -> Plan {
        Plan {
            measure: indicator.measure,
            direction: indicator.direction,
            baseline: indicator.baseline_value.map(Quantity::get),
            start_year: indicator.start_year,
            end_year: indicator.end_year,
            targets: self
                .targets_of(indicator.id)
                .iter()
                .map(|t| TargetSpan {
                    value: t.value.get(),
                    start_year: t.start_year,
                    end_year: t.end_year,
                })
                .collect(),
        }
    }

    /// The latest measurement that speaks for the indicator as a whole: the one whose period
    /// ends last among those for the whole area or for the indicator's own wijk (values for
    /// other wijken are parts, not the whole). Ties go to the one recorded last.
    pub fn latest_measurement(&self, indicator: &Indicator) -> Option<Arc<Measurement>> {
        self.measurements_of(indicator.id)
            .into_iter()
            .filter_map(|id| self.data.measurements.get(&id).cloned())
            .filter(|m| m.wijk_id.is_none() || m.wijk_id == indicator.wijk_id)
            .max_by_key(|m| (m.period_end, m.id))
    }

    /// An indicator's progress on `today`.
    pub fn progress_of(&self, indicator: &Indicator, today: NaiveDate) -> Progress {
        let latest = self.latest_measurement(indicator).map(|m| Reading {
            value: m.value.map(Quantity::get),
            status: m.status,
            period_end: m.period_end,
        });
        self.plan_of(indicator).progress(latest, today)
    }

    /// The indicators that speak for a node: its own, and those of everything below it — for
    /// a goal its sub-goals and the interventions working for them; for a line its goals and
    /// interventions; for a programme cluster its lines'; for a funding stream the
    /// interventions it pays (what the funder gets for its money); for a partner those of the
    /// interventions it works on; for a wijk those naming it and those of its interventions;
    /// for an area all of its indicators. Sorted by id.
    pub fn indicators_reached(&self, node: Id) -> Vec<Id> {
        let mut out: BTreeSet<Id> = BTreeSet::new();
        let mut owners: Vec<Id> = Vec::new();
        match self.table_of(node) {
            Some(Table::Area) => {
                out.extend(self.in_area(Table::Indicator, node));
            }
            Some(Table::Indicator) => {
                out.insert(node);
            }
            Some(Table::Goal) => {
                owners.extend(self.goal_subtree(node));
                owners.extend(self.interventions_of(node));
            }
            Some(Table::Line) => {
                owners.push(node);
                owners.extend(self.line_goals(node));
                owners.extend(self.interventions_of(node));
            }
            Some(Table::Programme) => {
                for line in self.sources(node, super::EdgeKind::LineOf) {
                    owners.push(line);
                    owners.extend(self.line_goals(line));
                }
                owners.extend(self.interventions_of(node));
            }
            Some(Table::Wijk) => {
                out.extend(
                    self.records_naming_wijk(node)
                        .into_iter()
                        .filter(|&id| self.table_of(id) == Some(Table::Indicator)),
                );
                owners.extend(self.interventions_of(node));
            }
            Some(Table::Intervention | Table::FundingStream | Table::Partner) => {
                owners.extend(self.interventions_of(node));
            }
            _ => {}
        }
        for owner in owners {
            out.extend(self.indicators_on(owner));
        }
        out.into_iter().collect()
    }

    /// The goals of a line, with every goal below them.
    fn line_goals(&self, line: Id) -> Vec<Id> {
        self.sources(line, super::EdgeKind::GoalOf)
            .into_iter()
            .flat_map(|g| self.goal_subtree(g))
            .collect()
    }

    /// The progress of the indicators that speak for a node (see
    /// [`Snapshot::indicators_reached`]), counted by status; an indicator is stale when no
    /// measurement of it ended within the last `months` months. Cached per snapshot.
    pub fn rollup(&self, node: Id, today: NaiveDate, months: u32) -> Arc<Rollup> {
        self.cached(
            RollupKey {
                node,
                today,
                months,
            },
            || {
                let since = months_before(today, months);
                let mut rollup = Rollup::default();
                for id in self.indicators_reached(node) {
                    let Some(indicator) = self.data.indicators.get(&id) else {
                        continue;
                    };
                    let progress = self.progress_of(indicator, today);
                    let recent = self
                        .measurements_of(id)
                        .into_iter()
                        .filter_map(|m| self.data.measurements.get(&m))
                        .any(|m| m.period_end >= since);
                    rollup.add(progress.status, recent);
                }
                rollup
            },
        )
    }
}

/// The cache key of [`Snapshot::rollup`].
#[derive(Debug, PartialEq, Eq, Hash)]
struct RollupKey {
    node: Id,
    today: NaiveDate,
    months: u32,
}

impl CacheKey for RollupKey {
    type Value = Rollup;
}
