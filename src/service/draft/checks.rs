//! Validation of what a write puts in: the fields of every record (names, texts, lists,
//! slugs, years, amounts, storable text) and a node's place among the others (its area, the
//! nodes it refers to, its slug, the goal tree's shape).

use super::{Draft, slug_key};
use crate::domain::*;
use crate::error::{Error, Problem, Result};

/// Longest name, in characters.
const MAX_NAME: usize = 300;
/// Longest free text (descriptions, ambitions, notes), in characters.
const MAX_TEXT: usize = 20_000;
/// Most items in a list field, and the longest item.
const MAX_ITEMS: usize = 200;
const MAX_ITEM: usize = 2_000;
/// Most levels of one goal tree (top goal and the goals below it): the data file holds every
/// level nested in the one above, and the parser follows 65 levels of nesting.
pub(super) const MAX_GOAL_LEVELS: usize = 25;
/// Valid years.
const YEARS: std::ops::RangeInclusive<i32> = crate::domain::DATE_YEARS;

/// Checks collected for one record, reported together.
#[derive(Default)]
pub(super) struct Checks(Vec<Problem>);

impl Checks {
    pub(super) fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(Problem::new(field, message));
    }

    /// Text holds only characters every database and export format can carry.
    fn storable(&mut self, field: &str, value: &str) {
        if let Some(problem) = unstorable_problem(value) {
            self.fail(field, problem);
        }
    }

    fn name(&mut self, field: &str, value: &str) {
        if value.trim().is_empty() {
            self.fail(field, "must not be empty");
        } else if value.chars().count() > MAX_NAME {
            self.fail(field, format!("must be at most {MAX_NAME} characters"));
        }
        self.storable(field, value);
    }

    pub(super) fn text(&mut self, field: &str, value: &Option<String>) {
        if let Some(v) = value {
            if v.chars().count() > MAX_TEXT {
                self.fail(field, format!("must be at most {MAX_TEXT} characters"));
            }
            self.storable(field, v);
        }
    }

    pub(super) fn short(&mut self, field: &str, value: &Option<String>) {
        if let Some(v) = value {
            if v.chars().count() > MAX_NAME {
                self.fail(field, format!("must be at most {MAX_NAME} characters"));
            }
            self.storable(field, v);
        }
    }

    fn list(&mut self, field: &str, items: &[String]) {
        if items.len() > MAX_ITEMS {
            self.fail(field, format!("must have at most {MAX_ITEMS} items"));
        }
        if items.iter().any(|i| i.trim().is_empty()) {
            self.fail(field, "items must not be empty");
        }
        if items.iter().any(|i| i.chars().count() > MAX_ITEM) {
            self.fail(
                field,
                format!("items must be at most {MAX_ITEM} characters"),
            );
        }
        if let Some((i, problem)) = items
            .iter()
            .enumerate()
            .find_map(|(i, item)| Some((i, unstorable_problem(item)?)))
        {
            self.fail(&format!("{field}[{i}]"), problem);
        }
    }

    fn slug(&mut self, value: &str) {
        if !is_valid_slug(value) {
            self.fail(
                "slug",
                "must be lowercase letters and digits in groups joined by single hyphens (e.g. welzijn-lelystad), at most 100 characters",
            );
        }
    }

    fn years(&mut self, start: Option<i32>, end: Option<i32>) {
        for (field, year) in [("start_year", start), ("end_year", end)] {
            if let Some(y) = year
                && !YEARS.contains(&y)
            {
                self.fail(
                    field,
                    format!("must be a year from {} to {}", YEARS.start(), YEARS.end()),
                );
            }
        }
        if let (Some(s), Some(e)) = (start, end)
            && s > e
        {
            self.fail("end_year", format!("must not be before start_year ({s})"));
        }
    }

    fn year(&mut self, field: &str, year: Option<i32>) {
        if year.is_some_and(|y| !YEARS.contains(&y)) {
            self.fail(
                field,
                format!("must be a year from {} to {}", YEARS.start(), YEARS.end()),
            );
        }
    }

    /// A value as the indicator's measure allows: a count is not negative, a percentage lies
    /// from 0 to 100, yes/no is 1 or 0; a qualitative indicator has no values.
    fn value(&mut self, field: &str, measure: Measure, value: Quantity) {
        let v = value.get();
        match measure {
            Measure::Count if v < 0.0 => self.fail(field, "a count must not be negative"),
            Measure::Percentage if !(0.0..=100.0).contains(&v) => {
                self.fail(field, "a percentage must be from 0 to 100")
            }
            Measure::YesNo if v != 0.0 && v != 1.0 => {
                self.fail(field, "a yes/no value is 1 (yes) or 0 (no)")
            }
            Measure::Qualitative => self.fail(
                field,
                "the indicator is qualitative: it takes a status, not a value",
            ),
            _ => {}
        }
    }

    pub(super) fn amount(&mut self, field: &str, amount: Option<i64>) {
        if amount.is_some_and(|a| a < 0) {
            self.fail(field, "must not be negative");
        }
    }

    pub(super) fn finish(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(self.0))
        }
    }
}

impl Draft {
    /// Checks that a referenced node exists, is of the right table and lies in `area`.
    fn reference(
        &self,
        checks: &mut Checks,
        field: &str,
        table: Table,
        id: Id,
        area: Id,
    ) -> Result<()> {
        self.expect(table, id, field)?;
        if self.area_of(id) != Some(area) {
            checks.fail(
                field,
                format!("{} {id} belongs to another area", table.noun()),
            );
        }
        Ok(())
    }

    /// Validates a node record as it would be after the write. `previous` is the stored
    /// version for updates.
    pub(super) fn check_node(&self, row: &Row, previous: Option<&Row>) -> Result<()> {
        let mut c = Checks::default();
        let area = match row {
            Row::Area(r) => {
                c.slug(&r.slug);
                c.name("name", &r.name);
                c.short("municipality", &r.municipality);
                c.text("description", &r.description);
                c.text("source", &r.source);
                None
            }
            Row::Programme(r) => {
                c.slug(&r.slug);
                c.name("name", &r.name);
                c.text("description", &r.description);
                c.text("chair", &r.chair);
                c.text("ambition", &r.ambition);
                Some(r.area_id)
            }
            Row::Line(r) => {
                c.slug(&r.slug);
                c.name("name", &r.name);
                c.text("description", &r.description);
                c.short("nplv_action_line", &r.nplv_action_line);
                c.list("target_groups", &r.target_groups);
                c.list("principles", &r.principles);
                c.list("focus", &r.focus);
                if r.number.is_some_and(|n| !(0..=10_000).contains(&n)) {
                    c.fail("number", "must be from 0 to 10000");
                }
                self.reference(
                    &mut c,
                    "programme_id",
                    Table::Programme,
                    r.programme_id,
                    r.area_id,
                )?;
                Some(r.area_id)
            }
            Row::Goal(r) => {
                c.slug(&r.slug);
                c.name("name", &r.name);
                c.text("description", &r.description);
                c.short("number", &r.number);
                if let Some(line) = r.line_id {
                    self.reference(&mut c, "line_id", Table::Line, line, r.area_id)?;
                }
                if let Some(parent) = r.parent_id {
                    self.reference(&mut c, "parent_id", Table::Goal, parent, r.area_id)?;
                    if r.line_id.is_some() {
                        c.fail(
                            "line_id",
                            "a goal with a parent takes its parent's line; give one or the other",
                        );
                    }
                    if self.creates_cycle(r.id, parent) {
                        c.fail("parent_id", "would make the goal its own ancestor");
                    } else if self.goal_depth(parent) + 1 + self.levels_below(r.id)
                        >= MAX_GOAL_LEVELS
                    {
                        c.fail(
                            "parent_id",
                            format!("a goal tree is at most {MAX_GOAL_LEVELS} levels deep"),
                        );
                    }
                }
                Some(r.area_id)
            }
            Row::Intervention(r) => {
                c.slug(&r.slug);
                c.name("name", &r.name);
                c.text("description", &r.description);
                c.short("period", &r.period);
                c.years(r.start_year, r.end_year);
                c.list("targets", &r.targets);
                c.list("indicators", &r.indicators);
                c.list("target_groups", &r.target_groups);
                c.text("notes", &r.notes);
                Some(r.area_id)
            }
            Row::Partner(r) => {
                c.slug(&r.slug);
                c.name("name", &r.name);
                c.text("description", &r.description);
                c.list("aliases", &r.aliases);
                if let Some(key) = &r.organisation
                    && !is_valid_slug(key)
                {
                    c.fail(
                        "organisation",
                        "must be lowercase letters and digits in groups joined by single hyphens (e.g. politie), at most 100 characters",
                    );
                }
                Some(r.area_id)
            }
            Row::FundingStream(r) => {
                c.slug(&r.slug);
                c.name("name", &r.name);
                c.text("description", &r.description);
                c.years(r.start_year, r.end_year);
                c.amount("amount_eur", r.amount_eur);
                c.list("aliases", &r.aliases);
                Some(r.area_id)
            }
            Row::Wijk(r) => {
                c.slug(&r.slug);
                c.name("name", &r.name);
                c.text("description", &r.description);
                c.short("municipality", &r.municipality);
                c.short("cbs_code", &r.cbs_code);
                c.list("aliases", &r.aliases);
                Some(r.area_id)
            }
            Row::Indicator(r) => {
                c.slug(&r.slug);
                c.name("name", &r.name);
                c.short("unit", &r.unit);
                c.short("target_group", &r.target_group);
                c.name("source", &r.source);
                c.years(r.start_year, r.end_year);
                c.year("baseline_year", r.baseline_year);
                let owners = [
                    ("intervention_id", Table::Intervention, r.intervention_id),
                    ("goal_id", Table::Goal, r.goal_id),
                    ("line_id", Table::Line, r.line_id),
                ];
                let given: Vec<_> = owners.iter().filter(|(_, _, id)| id.is_some()).collect();
                if given.len() != 1 {
                    c.fail(
                        "intervention_id",
                        "an indicator is on exactly one intervention, goal or line",
                    );
                }
                for &&(field, table, id) in &given {
                    if let Some(id) = id {
                        self.reference(&mut c, field, table, id, r.area_id)?;
                    }
                }
                if let Some(wijk) = r.wijk_id {
                    self.reference(&mut c, "wijk_id", Table::Wijk, wijk, r.area_id)?;
                }
                if let Some(value) = r.baseline_value {
                    c.value("baseline_value", r.measure, value);
                }
                Some(r.area_id)
            }
            Row::Measurement(r) => {
                self.expect(Table::Indicator, r.indicator_id, "indicator_id")?;
                let indicator = self.work.data.indicators.get(&r.indicator_id).cloned();
                if let Some(indicator) = indicator {
                    check_measurement(&mut c, &indicator, r);
                    if let Some(wijk) = r.wijk_id {
                        self.reference(&mut c, "wijk_id", Table::Wijk, wijk, indicator.area_id)?;
                    }
                }
                c.text("comment", &r.comment);
                c.short("recorded_by", &r.recorded_by);
                if let Some(Row::Measurement(prev)) = previous
                    && prev.indicator_id != r.indicator_id
                {
                    c.fail(
                        "indicator_id",
                        "a measurement cannot move to another indicator",
                    );
                }
                None
            }
            _ => return Err(Error::Internal("check_node called with a link row".into())),
        };
        if let Some(area) = area {
            self.expect(Table::Area, area, "area_id")?;
            if let Some(prev) = previous
                && slug_key(prev).map(|k| k.1) != Some(area)
            {
                c.fail("area_id", "a node cannot move to another area");
            }
        }
        c.finish()?;
        if let Some(key) = slug_key(row)
            && let Some(owner) = self.slug_owner(&key)
            && owner != row.id()
        {
            return Err(Error::conflict(
                format!(
                    "the slug {:?} is already used by another {} of this area",
                    key.2,
                    key.0.noun()
                ),
                Some("slug"),
            ));
        }
        Ok(())
    }

    /// Whether hanging `goal` below `parent` would close a loop.
    fn creates_cycle(&self, goal: Id, parent: Id) -> bool {
        let mut current = Some(parent);
        for _ in 0..=self.work.data.goals.len() {
            match current {
                None => return false,
                Some(id) if id == goal => return true,
                Some(id) => current = self.work.data.goals.get(&id).and_then(|g| g.parent_id),
            }
        }
        true
    }
}

/// Checks a measurement against its indicator: a value for a quantitative indicator (within
/// what its measure allows), a status for a qualitative one, and a period that does not end
/// before it starts.
fn check_measurement(c: &mut Checks, indicator: &Indicator, m: &Measurement) {
    if m.period_end < m.period_start {
        c.fail(
            "period_end",
            format!("must not be before the period's start ({})", m.period_start),
        );
    }
    let years = |d: chrono::NaiveDate| chrono::Datelike::year(&d);
    if !YEARS.contains(&years(m.period_start)) || !YEARS.contains(&years(m.period_end)) {
        c.fail(
            "period_start",
            format!(
                "dates must lie in the years {} to {}",
                YEARS.start(),
                YEARS.end()
            ),
        );
    }
    match (indicator.measure, m.value, m.status) {
        (Measure::Qualitative, None, Some(_)) => {}
        (Measure::Qualitative, _, None) => c.fail(
            "status",
            "the indicator is qualitative: give a status (NOT_STARTED, ON_TRACK, BEHIND, ACHIEVED)",
        ),
        (Measure::Qualitative, Some(value), Some(_)) => {
            c.value("value", Measure::Qualitative, value)
        }
        (_, _, Some(_)) => c.fail(
            "status",
            format!(
                "the indicator is measured as a {}: give a value, not a status",
                indicator.measure
            ),
        ),
        (_, None, None) => c.fail("value", "give the measured value"),
        (Measure::Count, Some(value), None) if value.get().fract() != 0.0 => c.fail(
            "value",
            format!(
                "the indicator counts things: {} is not a whole number",
                value.get()
            ),
        ),
        (measure, Some(value), None) => c.value("value", measure, value),
    }
}

/// Checks a target value of an indicator.
pub fn check_target(indicator: &Indicator, target: &IndicatorTarget) -> Result<()> {
    let mut c = Checks::default();
    c.value("value", indicator.measure, target.value);
    c.short("qualifier", &target.qualifier);
    c.years(target.start_year, target.end_year);
    c.finish()
}

/// Checks the properties of a funding link.
pub fn check_funding_link(amount_eur: Option<i64>, note: &Option<String>) -> Result<()> {
    let mut c = Checks::default();
    c.amount("amount_eur", amount_eur);
    c.short("note", note);
    c.finish()
}

/// Checks a relation between two interventions, or a tie between two goals.
pub fn check_relation(from: Id, to: Id, note: &Option<String>) -> Result<()> {
    let mut c = Checks::default();
    if from == to {
        c.fail("to_id", "a node cannot relate to itself");
    }
    c.text("note", note);
    c.finish()
}
