//! Writing indicators and measurements: an indicator with its target rows as one node (a
//! change of targets is a new version of the indicator), and measurements keyed by
//! (indicator, period, wijk), so recording the same period again replaces the value instead of
//! adding a second one.

use super::Draft;
use super::checks::check_target;
use crate::domain::*;
use crate::error::{Error, Result};

impl Draft {
    /// Creates an indicator with its targets; returns its id.
    pub fn create_indicator(
        &mut self,
        indicator: Indicator,
        targets: Vec<IndicatorTarget>,
    ) -> Result<Id> {
        let id = self.create(Row::Indicator(indicator))?;
        self.put_targets(id, targets)?;
        Ok(id)
    }

    /// Replaces an indicator's record and, when `targets` is given, its targets. A change of
    /// targets alone still makes a new version of the indicator.
    pub fn update_indicator(
        &mut self,
        indicator: Indicator,
        targets: Option<Vec<IndicatorTarget>>,
    ) -> Result<()> {
        let id = indicator.id;
        let before = self.work.data.version_of(id);
        self.update(Row::Indicator(indicator))?;
        let Some(targets) = targets else {
            return Ok(());
        };
        let old = self.work.targets_of(id);
        let same = old.len() == targets.len()
            && old.iter().zip(&targets).all(|(a, b)| {
                (a.value, &a.qualifier, a.start_year, a.end_year)
                    == (b.value, &b.qualifier, b.start_year, b.end_year)
            });
        if same {
            return Ok(());
        }
        for t in old {
            self.remove(Table::IndicatorTarget, t.id);
        }
        self.put_targets(id, targets)?;
        if self.work.data.version_of(id) == before {
            let row = self.current_row(Table::Indicator, id)?;
            self.put(Op::Update(row, Some(before + 1)));
        }
        Ok(())
    }

    /// Adds target rows to an indicator, each checked against its measure.
    fn put_targets(&mut self, indicator: Id, targets: Vec<IndicatorTarget>) -> Result<()> {
        let Some(record) = self.work.data.indicators.get(&indicator).cloned() else {
            return Err(Error::not_found("indicator", indicator, Some("id")));
        };
        let mut problems = Vec::new();
        for (n, mut target) in targets.into_iter().enumerate() {
            target.indicator_id = indicator;
            match check_target(&record, &target) {
                Ok(()) => {
                    target.id = self.allocate_id()?;
                    self.put(Op::Insert(Row::IndicatorTarget(target)));
                }
                Err(Error::Invalid(list)) => {
                    problems.extend(list.into_iter().map(|mut p| {
                        p.field = format!("targets[{n}].{}", p.field);
                        p
                    }));
                }
                Err(other) => return Err(other),
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(problems))
        }
    }

    /// Records a measurement. One already recorded for the same indicator, period and wijk is
    /// replaced (a new version of it, or nothing when it is the same); returns the id and
    /// whether anything changed.
    pub fn record_measurement(&mut self, mut m: Measurement) -> Result<(Id, bool)> {
        // A result for an indicator that is not there is bad input, not a missing node to
        // look up: the whole result is refused.
        if self.table_of(m.indicator_id) != Some(Table::Indicator) {
            return Err(Error::invalid(
                "indicator_id",
                format!("there is no indicator {}", m.indicator_id),
            ));
        }
        match self.find_measurement(&m) {
            Some(id) => {
                m.id = id;
                // The same result recorded by someone else is still the same result.
                if let Some(old) = self.work.data.measurements.get(&id)
                    && (old.value, old.status, &old.comment) == (m.value, m.status, &m.comment)
                {
                    m.recorded_by = old.recorded_by.clone();
                }
                let before = self.work.data.version_of(id);
                self.update(Row::Measurement(m))?;
                Ok((id, self.work.data.version_of(id) != before))
            }
            None => Ok((self.create(Row::Measurement(m))?, true)),
        }
    }

    /// Checks a measurement as recording it would, without recording it.
    pub fn check_measurement(&self, m: &Measurement) -> Result<()> {
        self.check_node(&Row::Measurement(m.clone()), None)
    }

    /// The measurement recorded for the same indicator, period and wijk as `m`, if any.
    pub fn find_measurement(&self, m: &Measurement) -> Option<Id> {
        self.work
            .measurement_for(m.indicator_id, m.period_start, m.period_end, m.wijk_id)
    }

    /// Changes a measurement; refused when another measurement of its indicator already has
    /// the new period and wijk.
    pub fn update_measurement(&mut self, m: Measurement) -> Result<()> {
        let clash = self
            .work
            .measurement_for(m.indicator_id, m.period_start, m.period_end, m.wijk_id)
            .filter(|&other| other != m.id);
        if clash.is_some() {
            return Err(Error::conflict(
                "another measurement of the indicator has this period and wijk; change or delete that one",
                Some("periodStart"),
            ));
        }
        self.update(Row::Measurement(m))
    }
}
