//! The data file: parsing (with line and column for every problem, and the check that the file
//! is whole: its closing `end` record), importing into a draft as one all-or-nothing write,
//! and exporting the stored data back into the same format. The bundled datasets, transcribed
//! by hand from the source documents, live in `data/`.

mod file;
mod measurements;

use std::collections::{HashMap, HashSet};

pub use file::*;
pub use measurements::{
    MAX_ROWS as MAX_MEASUREMENT_ROWS, MeasurementFile, MeasurementImport, MeasurementRow,
    export_csv, import_measurements, parse_csv,
};
use serde_saphyr::Spanned;

use crate::domain::*;
use crate::error::{Error, Problem, Result};
use crate::service::{Draft, check_funding_link, check_relation, check_target};

/// The datasets compiled into the binary, by area slug, in the order a new database receives
/// them.
pub const BUNDLED: &[(&str, &str)] = &[
    (
        "lelystad-oost",
        include_str!("../../data/lelystad-oost.yaml"),
    ),
    ("dronten", include_str!("../../data/dronten.yaml")),
    (
        "samen-aan-de-slag",
        include_str!("../../data/samen-aan-de-slag.yaml"),
    ),
    ("zutphen", include_str!("../../data/zutphen.yaml")),
];

/// The programme examples and single-programme tests use; loaded first.
pub const DEFAULT_DATASET: &str = "lelystad-oost";

/// The format version this build reads and writes. Version 2 added the closing `end` record;
/// version 1 files are refused with the record to add (see [`parse`]).
pub const FORMAT_VERSION: u32 = 2;

/// Most problems reported for one file; the rest are counted.
const MAX_PROBLEMS: usize = 50;

/// The text of a bundled dataset.
pub fn bundled(slug: &str) -> Option<&'static str> {
    BUNDLED
        .iter()
        .find(|(s, _)| *s == slug)
        .map(|(_, text)| *text)
}

/// Parses a data file and makes sure it is whole. Syntax and type errors carry their line and
/// column; so do characters samenhang cannot store. A file of another format version, without
/// its closing `end` record, or whose records do not add up to the counts in `end` (a file
/// that was cut off) is refused, with the `end` record to write when the file is whole.
pub fn parse(text: &str) -> Result<DataFile> {
    check_characters(text)?;
    let file = deserialize(text).map_err(|err| match err {
        Error::Invalid(mut problems) if !has_end_key(text) => {
            problems.push(Problem {
                field: "end".into(),
                position: Some(last_line(text)),
                message: "the file has no `end` record either: it may have been cut off".into(),
            });
            Error::Invalid(problems)
        }
        other => other,
    })?;
    check_whole(text, &file)?;
    Ok(file)
}

/// Refuses text with characters no database or export format can carry, each with its line
/// and column. Checked before parsing: the parser would refuse some of them with a message
/// of its own and let others (the non-characters) through.
fn check_characters(text: &str) -> Result<()> {
    let mut problems = Problems::default();
    for (l, line) in text.split('\n').enumerate() {
        for (column, c) in line.chars().enumerate() {
            if !is_storable(c) {
                problems.add_at(
                    "",
                    Some((l as u64 + 1, column as u64 + 1)),
                    format!(
                        "the file holds {}, which samenhang cannot store and export faithfully: remove it",
                        describe_unstorable(c)
                    ),
                );
            }
        }
    }
    problems.finish()
}

/// Whether the text has a top-level `end:` key (to tell a cut-off file from a broken one).
fn has_end_key(text: &str) -> bool {
    text.lines().any(|line| {
        line.strip_prefix("end")
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    })
}

/// The position of the last line of a text, where a cut-off file ends.
fn last_line(text: &str) -> (u64, u64) {
    (text.lines().count().max(1) as u64, 1)
}

/// Checks the version and that the file holds what its `end` record counts.
fn check_whole(text: &str, file: &DataFile) -> Result<()> {
    let found = Counts::of(&file.areas);
    let version = &file.version;
    if version.value != FORMAT_VERSION {
        let message = if version.value == 1 {
            format!(
                "this is a format version 1 file, which has no `end` record: a copy that was cut off \
                 cannot be told from a whole one, so this samenhang reads version {FORMAT_VERSION} only. \
                 If the file is whole, upgrade it: set `version: {FORMAT_VERSION}` and add at its end\n{}",
                found.to_block().trim_end()
            )
        } else {
            format!("this samenhang reads format version {FORMAT_VERSION}")
        };
        return refused("version", position(version), message);
    }
    let Some(end) = &file.end else {
        return refused(
            "end",
            Some(last_line(text)),
            format!(
                "the file ends early or has no `end` record: it may have been cut off. \
                 If it is whole (written or edited by hand), add at its end\n{}",
                found.to_block().trim_end()
            ),
        );
    };
    if let Some(key) = &file.after_end {
        return refused(
            &key.value,
            position(key),
            format!(
                "`{}` comes after the `end` record; `end` must be the last key of the file",
                key.value
            ),
        );
    }
    let said = end.value.kinds();
    let missing: Vec<&str> = said
        .iter()
        .filter(|(_, n)| n.is_none())
        .map(|(key, _)| *key)
        .collect();
    if !missing.is_empty() {
        return refused(
            "end",
            position(end),
            format!(
                "the `end` record has no count of {}: the file may have been cut off inside it. \
                 If the file is whole, its `end` record is\n{}",
                missing.join(", "),
                found.to_block().trim_end()
            ),
        );
    }
    let mut problems = Problems::default();
    for ((key, said), (_, holds)) in said.into_iter().zip(found.kinds()) {
        if said != holds {
            problems.add(
                &format!("end.{key}"),
                Some(end),
                format!(
                    "the `end` record counts {} {key}, but the file holds {}: records were lost \
                     (the file may have been cut off) or added or removed by hand; if the file is \
                     as it should be, set `{key}: {}`",
                    said.unwrap_or_default(),
                    holds.unwrap_or_default(),
                    holds.unwrap_or_default()
                ),
            );
        }
    }
    problems.finish()
}

/// A file refused for one problem.
fn refused(field: &str, position: Option<(u64, u64)>, message: String) -> Result<()> {
    Err(Error::Invalid(vec![Problem {
        field: field.into(),
        position,
        message,
    }]))
}

/// Reads the YAML into a [`DataFile`].
///
/// The parser's resource budget grows with the text: a document cannot hold more nodes or
/// events than it has bytes, so a large dataset (a national-scale export) parses, while the
/// limits on anchors and aliases that stop expansion attacks keep their defaults.
fn deserialize(text: &str) -> Result<DataFile> {
    let mut budget = serde_saphyr::budget::Budget::default();
    budget.max_nodes = budget.max_nodes.max(text.len());
    budget.max_events = budget.max_events.max(2 * text.len());
    budget.max_total_scalar_bytes = budget.max_total_scalar_bytes.max(text.len());
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    serde_saphyr::from_str_with_options::<DataFile>(text, options).map_err(|err| {
        let position = err
            .location()
            .filter(|l| l.line() > 0)
            .map(|l| (l.line(), l.column()));
        Error::Invalid(vec![Problem {
            field: String::new(),
            position,
            message: message_of(&err.to_string()),
        }])
    })
}

/// The parser's message without its own "error: line L column C:" prefix (the position is
/// reported separately).
fn message_of(text: &str) -> String {
    let line = text.lines().next().unwrap_or(text).trim();
    let line = line.strip_prefix("error:").unwrap_or(line).trim_start();
    let message = match line
        .strip_prefix("line ")
        .and_then(|rest| rest.split_once(": "))
    {
        Some((position, message)) if position.contains("column") => message,
        _ => line,
    };
    plain(message)
}

/// The parser's own words for its limits, in the words of the data file.
fn plain(message: &str) -> String {
    if message.contains("budget breached") {
        let what = if message.contains("Depth") {
            "nests deeper than 65 levels (a goal tree is at most 25 levels deep)"
        } else if message.contains("ScalarBytes") {
            "holds more text than it is long (anchors and aliases may not repeat text)"
        } else if message.contains("Alias") {
            "uses too many anchors and aliases"
        } else {
            "holds more values than it is long"
        };
        return format!("the file {what}");
    }
    if message.contains("DuplicateKeyPolicy") || message.contains("duplicate key") {
        return "a key appears twice in one mapping".to_owned();
    }
    if message.contains("from_str_multiple") {
        return "the file holds more than one YAML document".to_owned();
    }
    message.to_owned()
}

/// What an import added.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Per imported area: its slug and the number of rows per table.
    pub areas: Vec<(String, Vec<(Table, usize)>)>,
}

/// Collects problems with their place in the file.
#[derive(Default)]
struct Problems(Vec<Problem>, usize);

impl Problems {
    fn add<T>(&mut self, path: &str, at: Option<&Spanned<T>>, message: impl Into<String>) {
        self.add_at(path, at.and_then(position), message);
    }

    fn add_at(&mut self, path: &str, position: Option<(u64, u64)>, message: impl Into<String>) {
        if self.0.len() >= MAX_PROBLEMS {
            self.1 += 1;
            return;
        }
        self.0.push(Problem {
            field: path.to_owned(),
            position,
            message: message.into(),
        });
    }

    /// Records a draft's refusal of a record as problems at the record's place.
    fn refused(&mut self, path: &str, at: &At, err: Error) -> Result<()> {
        match err {
            Error::Invalid(list) => {
                for p in list {
                    self.add(&format!("{path}.{}", p.field), Some(at), p.message);
                }
            }
            Error::Conflict { message, field } => {
                let field = field.map_or(path.to_owned(), |f| format!("{path}.{f}"));
                self.add(&field, Some(at), message);
            }
            Error::NotFound { what, key, field } => {
                let field = field.map_or(path.to_owned(), |f| format!("{path}.{f}"));
                self.add(&field, Some(at), format!("{what} not found: {key}"));
            }
            other => return Err(other),
        }
        Ok(())
    }

    fn finish(mut self) -> Result<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        if self.1 > 0 {
            self.0
                .push(Problem::new("", format!("and {} more problems", self.1)));
        }
        Err(Error::Invalid(self.0))
    }
}

fn position<T>(at: &Spanned<T>) -> Option<(u64, u64)> {
    let l = at.referenced;
    (l.line() > 0).then(|| (l.line(), l.column()))
}

/// How many rows importing the file may create (the ids to reserve for it).
pub fn rows_of(file: &DataFile) -> u64 {
    let targets: usize = file
        .areas
        .iter()
        .flat_map(|a| &a.indicators)
        .map(|i| i.targets.len())
        .sum();
    file::Counts::of(&file.areas)
        .total()
        .saturating_add(targets as u64)
}

/// Imports a parsed file (whose version and `end` record [`parse`] has checked) into a draft:
/// every area with everything in it. Existing areas with the same slug are refused, or
/// replaced when `replace` is set. Every problem found is reported; on any problem the draft
/// must be dropped.
pub fn import(draft: &mut Draft, file: &DataFile, replace: bool) -> Result<ImportSummary> {
    let mut problems = Problems::default();
    let mut summary = ImportSummary::default();
    let mut seen = HashSet::new();
    for (a, area) in file.areas.iter().enumerate() {
        let path = format!("areas[{a}]");
        if !seen.insert(area.slug.value.as_str()) {
            problems.add(
                &format!("{path}.slug"),
                Some(&area.slug),
                "the file holds this area twice",
            );
            continue;
        }
        if let Some(existing) = draft.find_slug(Table::Area, 0, &area.slug.value) {
            if replace {
                draft.delete(Table::Area, existing, true)?;
            } else {
                problems.add(
                    &format!("{path}.slug"),
                    Some(&area.slug),
                    format!(
                        "the area {:?} exists already; import with --replace to replace it",
                        area.slug.value
                    ),
                );
                continue;
            }
        }
        let before = draft.data().counts();
        let mut import = AreaImport {
            draft: &mut *draft,
            problems: &mut problems,
            area: 0,
            ids: HashMap::new(),
        };
        import.area(&path, area)?;
        let after = draft.data().counts();
        let added = after
            .iter()
            .zip(before)
            .map(|((table, n), (_, m))| (*table, n - m))
            .filter(|(_, n)| *n > 0)
            .collect();
        summary.areas.push((area.slug.value.clone(), added));
    }
    problems.finish()?;
    Ok(summary)
}

/// The import of one area: slugs resolve within it.
struct AreaImport<'a> {
    draft: &'a mut Draft,
    problems: &'a mut Problems,
    area: Id,
    ids: HashMap<(Table, String), Id>,
}

impl AreaImport<'_> {
    fn node(&mut self, path: &str, slug: &At, row: Row) -> Result<Option<Id>> {
        let table = row.table();
        match self.draft.create(row) {
            Ok(id) => {
                self.ids.insert((table, slug.value.clone()), id);
                Ok(Some(id))
            }
            Err(err) => {
                self.problems.refused(path, slug, err)?;
                Ok(None)
            }
        }
    }

    fn resolve(&mut self, path: &str, table: Table, slug: &At) -> Option<Id> {
        let id = self.ids.get(&(table, slug.value.clone())).copied();
        if id.is_none() {
            self.problems.add(
                path,
                Some(slug),
                format!(
                    "no {} with slug {:?} in this area",
                    table.noun(),
                    slug.value
                ),
            );
        }
        id
    }

    fn link(&mut self, row: Row) -> Result<()> {
        let mut row = row;
        row.set_id(self.draft.allocate_id()?);
        self.draft.insert_validated(row);
        Ok(())
    }

    fn area(&mut self, path: &str, a: &AreaFile) -> Result<()> {
        let row = Row::Area(Area {
            id: 0,
            slug: a.slug.value.clone(),
            name: a.name.clone(),
            municipality: a.municipality.clone(),
            description: a.description.clone(),
            source: a.source.clone(),
        });
        let Some(area) = self.node(path, &a.slug, row)? else {
            return Ok(());
        };
        self.area = area;
        for (i, w) in a.wijken.iter().enumerate() {
            let row = Row::Wijk(Wijk {
                id: 0,
                area_id: area,
                slug: w.slug.value.clone(),
                name: w.name.clone(),
                description: w.description.clone(),
                municipality: w.municipality.clone(),
                cbs_code: w.cbs_code.clone(),
                aliases: w.aliases.clone(),
            });
            self.node(&format!("{path}.wijken[{i}]"), &w.slug, row)?;
        }
        for (i, p) in a.partners.iter().enumerate() {
            let row = Row::Partner(Partner {
                id: 0,
                area_id: area,
                slug: p.slug.value.clone(),
                name: p.name.clone(),
                description: p.description.clone(),
                kind: p.kind,
                aliases: p.aliases.clone(),
                organisation: p.organisation.clone(),
            });
            self.node(&format!("{path}.partners[{i}]"), &p.slug, row)?;
        }
        for (i, f) in a.funding_streams.iter().enumerate() {
            let row = Row::FundingStream(FundingStream {
                id: 0,
                area_id: area,
                slug: f.slug.value.clone(),
                name: f.name.clone(),
                description: f.description.clone(),
                kind: f.kind,
                start_year: f.start_year,
                end_year: f.end_year,
                amount_eur: f.amount_eur,
                aliases: f.aliases.clone(),
            });
            self.node(&format!("{path}.funding_streams[{i}]"), &f.slug, row)?;
        }
        for (i, g) in a.goals.iter().enumerate() {
            self.goal(&format!("{path}.goals[{i}]"), g, None, None)?;
        }
        for (i, p) in a.programmes.iter().enumerate() {
            self.programme(&format!("{path}.programmes[{i}]"), p)?;
        }
        for (i, intervention) in a.interventions.iter().enumerate() {
            let row = Row::Intervention(Intervention {
                id: 0,
                area_id: area,
                slug: intervention.slug.value.clone(),
                name: intervention.name.clone(),
                description: intervention.description.clone(),
                period: intervention.period.clone(),
                start_year: intervention.start_year,
                end_year: intervention.end_year,
                targets: intervention.targets.clone(),
                indicators: intervention.indicators.clone(),
                target_groups: intervention.target_groups.clone(),
                notes: intervention.notes.clone(),
            });
            self.node(
                &format!("{path}.interventions[{i}]"),
                &intervention.slug,
                row,
            )?;
        }
        for (i, g) in a.goals.iter().enumerate() {
            self.goal_links(&format!("{path}.goals[{i}]"), g)?;
        }
        for (i, p) in a.programmes.iter().enumerate() {
            for (j, l) in p.lines.iter().enumerate() {
                for (k, g) in l.goals.iter().enumerate() {
                    let path = format!("{path}.programmes[{i}].lines[{j}].goals[{k}]");
                    self.goal_links(&path, g)?;
                }
            }
        }
        for (i, intervention) in a.interventions.iter().enumerate() {
            self.intervention_links(&format!("{path}.interventions[{i}]"), intervention)?;
        }
        for (i, indicator) in a.indicators.iter().enumerate() {
            self.indicator(&format!("{path}.indicators[{i}]"), indicator)?;
        }
        Ok(())
    }

    /// A number of the file as a quantity, or a problem at `at`.
    fn quantity<T>(&mut self, path: &str, at: &Spanned<T>, value: f64) -> Option<Quantity> {
        let q = Quantity::new(value);
        if q.is_none() {
            self.problems.add(path, Some(at), "must be a finite number");
        }
        q
    }

    fn indicator(&mut self, path: &str, f: &IndicatorFile) -> Result<()> {
        let owners = [
            ("intervention", Table::Intervention, &f.intervention),
            ("goal", Table::Goal, &f.goal),
            ("line", Table::Line, &f.line),
        ];
        let mut ids = [None, None, None];
        let mut given = 0;
        for (n, (key, table, slug)) in owners.into_iter().enumerate() {
            if let Some(slug) = slug {
                given += 1;
                ids[n] = self.resolve(&format!("{path}.{key}"), table, slug);
            }
        }
        if given != 1 {
            self.problems.add(
                path,
                Some(&f.slug),
                "give exactly one of intervention, goal or line",
            );
            return Ok(());
        }
        if ids.iter().all(Option::is_none) {
            return Ok(());
        }
        let wijk = match &f.wijk {
            Some(slug) => match self.resolve(&format!("{path}.wijk"), Table::Wijk, slug) {
                Some(w) => Some(w),
                None => return Ok(()),
            },
            None => None,
        };
        let baseline_value = match &f.baseline {
            Some(b) => match self.quantity(&format!("{path}.baseline.value"), &f.slug, b.value) {
                Some(q) => Some(q),
                None => return Ok(()),
            },
            None => None,
        };
        let indicator = Indicator {
            id: 0,
            area_id: self.area,
            slug: f.slug.value.clone(),
            name: f.name.clone(),
            intervention_id: ids[0],
            goal_id: ids[1],
            line_id: ids[2],
            unit: f.unit.clone(),
            measure: f.measure,
            direction: f.direction,
            baseline_value,
            baseline_year: f.baseline.as_ref().and_then(|b| b.year),
            start_year: f.start_year,
            end_year: f.end_year,
            target_note: f.target_note,
            wijk_id: wijk,
            target_group: f.target_group.clone(),
            source: f.source.clone(),
        };
        let Some(id) = self.node(path, &f.slug, Row::Indicator(indicator.clone()))? else {
            return Ok(());
        };
        for (j, t) in f.targets.iter().enumerate() {
            let path = format!("{path}.targets[{j}]");
            let Some(value) = self.quantity(&format!("{path}.value"), &f.slug, t.value) else {
                continue;
            };
            let target = IndicatorTarget {
                id: 0,
                indicator_id: id,
                value,
                qualifier: t.qualifier.clone(),
                start_year: t.start_year,
                end_year: t.end_year,
            };
            match check_target(&indicator, &target) {
                Ok(()) => self.link(Row::IndicatorTarget(target))?,
                Err(err) => self.problems.refused(&path, &f.slug, err)?,
            }
        }
        Ok(())
    }

    fn programme(&mut self, path: &str, p: &ProgrammeFile) -> Result<()> {
        let row = Row::Programme(Programme {
            id: 0,
            area_id: self.area,
            slug: p.slug.value.clone(),
            name: p.name.clone(),
            description: p.description.clone(),
            chair: p.chair.clone(),
            ambition: p.ambition.clone(),
        });
        let Some(programme) = self.node(path, &p.slug, row)? else {
            return Ok(());
        };
        for (i, l) in p.lines.iter().enumerate() {
            let path = format!("{path}.lines[{i}]");
            let row = Row::Line(Line {
                id: 0,
                area_id: self.area,
                slug: l.slug.value.clone(),
                name: l.name.clone(),
                description: l.description.clone(),
                programme_id: programme,
                number: l.number,
                nplv_action_line: l.nplv_action_line.clone(),
                target_groups: l.target_groups.clone(),
                principles: l.principles.clone(),
                focus: l.focus.clone(),
            });
            let Some(line) = self.node(&path, &l.slug, row)? else {
                continue;
            };
            let mut streams = HashSet::new();
            for (j, s) in l.funding_streams.iter().enumerate() {
                let path = format!("{path}.funding_streams[{j}]");
                if let Some(stream) = self.resolve(&path, Table::FundingStream, s) {
                    if streams.insert(stream) {
                        self.link(Row::LineFunding(LineFunding {
                            id: 0,
                            line_id: line,
                            funding_stream_id: stream,
                        }))?;
                    } else {
                        self.problems.add(&path, Some(s), "listed twice");
                    }
                }
            }
            for (j, g) in l.goals.iter().enumerate() {
                self.goal(&format!("{path}.goals[{j}]"), g, Some(line), None)?;
            }
        }
        Ok(())
    }

    fn goal(
        &mut self,
        path: &str,
        g: &GoalFile,
        line: Option<Id>,
        parent: Option<Id>,
    ) -> Result<()> {
        let row = Row::Goal(Goal {
            id: 0,
            area_id: self.area,
            slug: g.slug.value.clone(),
            name: g.name.clone(),
            description: g.description.clone(),
            line_id: line,
            parent_id: parent,
            level: g.level,
            number: g.number.clone(),
        });
        let Some(goal) = self.node(path, &g.slug, row)? else {
            return Ok(());
        };
        for (i, sub) in g.sub_goals.iter().enumerate() {
            self.goal(&format!("{path}.sub_goals[{i}]"), sub, None, Some(goal))?;
        }
        Ok(())
    }

    /// The ties of a goal and of its sub-goals, once every goal of the area is there.
    fn goal_links(&mut self, path: &str, g: &GoalFile) -> Result<()> {
        if let Some(&goal) = self.ids.get(&(Table::Goal, g.slug.value.clone())) {
            let mut related = HashSet::new();
            for (i, r) in g.related.iter().enumerate() {
                let path = format!("{path}.related[{i}]");
                let Some(to) = self.resolve(&format!("{path}.goal"), Table::Goal, &r.goal) else {
                    continue;
                };
                if let Err(Error::Invalid(list)) = check_relation(goal, to, &r.note) {
                    for p in list {
                        self.problems.add(&path, Some(&r.goal), p.message);
                    }
                } else if related.insert(to) {
                    self.link(Row::GoalRelation(GoalRelation {
                        id: 0,
                        from_id: goal,
                        to_id: to,
                        kind: r.kind,
                        note: r.note.clone(),
                    }))?;
                } else {
                    self.problems.add(&path, Some(&r.goal), "listed twice");
                }
            }
        }
        for (i, sub) in g.sub_goals.iter().enumerate() {
            self.goal_links(&format!("{path}.sub_goals[{i}]"), sub)?;
        }
        Ok(())
    }

    fn intervention_links(&mut self, path: &str, f: &InterventionFile) -> Result<()> {
        let Some(&intervention) = self.ids.get(&(Table::Intervention, f.slug.value.clone())) else {
            return Ok(());
        };
        let mut goals = HashSet::new();
        for (i, slug) in f.goals.iter().enumerate() {
            let path = format!("{path}.goals[{i}]");
            if let Some(goal) = self.resolve(&path, Table::Goal, slug) {
                if goals.insert(goal) {
                    self.link(Row::InterventionGoal(InterventionGoal {
                        id: 0,
                        intervention_id: intervention,
                        goal_id: goal,
                    }))?;
                } else {
                    self.problems.add(&path, Some(slug), "listed twice");
                }
            }
        }
        let mut partners = HashSet::new();
        let roles = [
            (PartnerRole::Lead, "lead", &f.partners.lead),
            (
                PartnerRole::Penvoerder,
                "penvoerder",
                &f.partners.penvoerder,
            ),
            (PartnerRole::Core, "core", &f.partners.core),
            (PartnerRole::Executing, "executing", &f.partners.executing),
        ];
        for (role, key, slugs) in roles {
            for (i, slug) in slugs.iter().enumerate() {
                let path = format!("{path}.partners.{key}[{i}]");
                if let Some(partner) = self.resolve(&path, Table::Partner, slug) {
                    if partners.insert(partner) {
                        self.link(Row::InterventionPartner(InterventionPartner {
                            id: 0,
                            intervention_id: intervention,
                            partner_id: partner,
                            role,
                        }))?;
                    } else {
                        self.problems.add(
                            &path,
                            Some(slug),
                            "the partner is listed twice; give it one role per intervention",
                        );
                    }
                }
            }
        }
        let mut streams = HashSet::new();
        for (i, funding) in f.funding.iter().enumerate() {
            let path = format!("{path}.funding[{i}]");
            if let Some(stream) = self.resolve(
                &format!("{path}.stream"),
                Table::FundingStream,
                &funding.stream,
            ) {
                if let Err(Error::Invalid(list)) =
                    check_funding_link(funding.amount_eur, &funding.note)
                {
                    for p in list {
                        self.problems.add(
                            &format!("{path}.{}", p.field),
                            Some(&funding.stream),
                            p.message,
                        );
                    }
                } else if streams.insert(stream) {
                    self.link(Row::InterventionFunding(InterventionFunding {
                        id: 0,
                        intervention_id: intervention,
                        funding_stream_id: stream,
                        amount_eur: funding.amount_eur,
                        note: funding.note.clone(),
                    }))?;
                } else {
                    self.problems
                        .add(&path, Some(&funding.stream), "listed twice");
                }
            }
        }
        let mut wijken = HashSet::new();
        for (i, slug) in f.wijken.iter().enumerate() {
            let path = format!("{path}.wijken[{i}]");
            if let Some(wijk) = self.resolve(&path, Table::Wijk, slug) {
                if wijken.insert(wijk) {
                    self.link(Row::InterventionWijk(InterventionWijk {
                        id: 0,
                        intervention_id: intervention,
                        wijk_id: wijk,
                    }))?;
                } else {
                    self.problems.add(&path, Some(slug), "listed twice");
                }
            }
        }
        let mut related = HashSet::new();
        for (i, r) in f.related.iter().enumerate() {
            let path = format!("{path}.related[{i}]");
            if let Some(to) = self.resolve(
                &format!("{path}.intervention"),
                Table::Intervention,
                &r.intervention,
            ) {
                if let Err(Error::Invalid(list)) = check_relation(intervention, to, &r.note) {
                    for p in list {
                        self.problems.add(&path, Some(&r.intervention), p.message);
                    }
                } else if related.insert(to) {
                    self.link(Row::InterventionRelation(InterventionRelation {
                        id: 0,
                        from_id: intervention,
                        to_id: to,
                        kind: r.kind,
                        note: r.note.clone(),
                    }))?;
                } else {
                    self.problems
                        .add(&path, Some(&r.intervention), "listed twice");
                }
            }
        }
        Ok(())
    }
}

/// Writes the given areas (all when `None`) of a dataset in the file format.
pub fn export(data: &Dataset, areas: Option<&[Id]>) -> DataFile {
    let index = ExportIndex::new(data);
    let areas: Vec<AreaFile> = data
        .areas
        .values()
        .filter(|a| areas.is_none_or(|wanted| wanted.contains(&a.id)))
        .map(|a| index.area(a))
        .collect();
    DataFile {
        version: unplaced(FORMAT_VERSION),
        end: Some(unplaced(Counts::of(&areas))),
        after_end: None,
        areas,
    }
}

/// Stored text as the file writes it: characters no database or format can carry (stored
/// before samenhang refused them, or written around it) become U+FFFD, so the file imports.
trait Readable {
    fn readable(&self) -> Self;
}

impl Readable for String {
    fn readable(&self) -> String {
        replace_unstorable(self).into_owned()
    }
}

impl Readable for Option<String> {
    fn readable(&self) -> Option<String> {
        self.as_ref().map(Readable::readable)
    }
}

impl Readable for Vec<String> {
    fn readable(&self) -> Vec<String> {
        self.iter().map(Readable::readable).collect()
    }
}

/// Serialises a data file as YAML.
pub fn to_yaml(file: &DataFile) -> Result<String> {
    let body = serde_saphyr::to_string(file)
        .map_err(|e| Error::Internal(format!("could not write YAML: {e}")))?;
    Ok(format!(
        "# samenhang data file, format version {FORMAT_VERSION} (see docs/data-format.md)\n{body}"
    ))
}

/// Children and links of every node, grouped once for the export.
struct ExportIndex<'a> {
    data: &'a Dataset,
    sub_goals: HashMap<Id, Vec<&'a Goal>>,
    line_goals: HashMap<Id, Vec<&'a Goal>>,
    goals: HashMap<Id, Vec<Id>>,
    partners: HashMap<Id, Vec<&'a InterventionPartner>>,
    funding: HashMap<Id, Vec<&'a InterventionFunding>>,
    wijken: HashMap<Id, Vec<Id>>,
    related: HashMap<Id, Vec<&'a InterventionRelation>>,
    goal_related: HashMap<Id, Vec<&'a GoalRelation>>,
    line_funding: HashMap<Id, Vec<Id>>,
    targets: HashMap<Id, Vec<&'a IndicatorTarget>>,
}

fn group<'a, T: 'a, V>(
    items: impl Iterator<Item = &'a T>,
    key: impl Fn(&T) -> Id,
    value: impl Fn(&'a T) -> V,
) -> HashMap<Id, Vec<V>> {
    let mut out: HashMap<Id, Vec<V>> = HashMap::new();
    for item in items {
        out.entry(key(item)).or_default().push(value(item));
    }
    out
}

impl<'a> ExportIndex<'a> {
    fn new(d: &'a Dataset) -> Self {
        let goals = || d.goals.values().map(|g| g.as_ref());
        ExportIndex {
            data: d,
            sub_goals: group(
                goals().filter(|g| g.parent_id.is_some()),
                |g| g.parent_id.unwrap_or_default(),
                |g| g,
            ),
            line_goals: group(
                goals().filter(|g| g.parent_id.is_none() && g.line_id.is_some()),
                |g| g.line_id.unwrap_or_default(),
                |g| g,
            ),
            goals: group(
                d.intervention_goals.values().map(|l| l.as_ref()),
                |l| l.intervention_id,
                |l| l.goal_id,
            ),
            partners: group(
                d.intervention_partners.values().map(|l| l.as_ref()),
                |l| l.intervention_id,
                |l| l,
            ),
            funding: group(
                d.intervention_funding.values().map(|l| l.as_ref()),
                |l| l.intervention_id,
                |l| l,
            ),
            wijken: group(
                d.intervention_wijken.values().map(|l| l.as_ref()),
                |l| l.intervention_id,
                |l| l.wijk_id,
            ),
            related: group(
                d.intervention_relations.values().map(|l| l.as_ref()),
                |l| l.from_id,
                |l| l,
            ),
            goal_related: group(
                d.goal_relations.values().map(|l| l.as_ref()),
                |l| l.from_id,
                |l| l,
            ),
            line_funding: group(
                d.line_funding.values().map(|l| l.as_ref()),
                |l| l.line_id,
                |l| l.funding_stream_id,
            ),
            targets: group(
                d.indicator_targets.values().map(|t| t.as_ref()),
                |t| t.indicator_id,
                |t| t,
            ),
        }
    }

    fn slug<T: NodeRecord>(map: &imbl::OrdMap<Id, std::sync::Arc<T>>, id: Id) -> At {
        at(map.get(&id).map_or("", |r| r.slug()))
    }

    fn area(&self, a: &Area) -> AreaFile {
        let d = self.data;
        let of_area = |area_id: Id| area_id == a.id;
        AreaFile {
            slug: at(&a.slug),
            name: a.name.readable(),
            municipality: a.municipality.readable(),
            description: a.description.readable(),
            source: a.source.readable(),
            wijken: d
                .wijken
                .values()
                .filter(|w| of_area(w.area_id))
                .map(|w| WijkFile {
                    slug: at(&w.slug),
                    name: w.name.readable(),
                    municipality: w.municipality.readable(),
                    cbs_code: w.cbs_code.readable(),
                    description: w.description.readable(),
                    aliases: w.aliases.readable(),
                })
                .collect(),
            partners: d
                .partners
                .values()
                .filter(|p| of_area(p.area_id))
                .map(|p| PartnerFile {
                    slug: at(&p.slug),
                    name: p.name.readable(),
                    kind: p.kind,
                    description: p.description.readable(),
                    aliases: p.aliases.readable(),
                    organisation: p.organisation.clone(),
                })
                .collect(),
            funding_streams: d
                .funding_streams
                .values()
                .filter(|f| of_area(f.area_id))
                .map(|f| FundingStreamFile {
                    slug: at(&f.slug),
                    name: f.name.readable(),
                    kind: f.kind,
                    start_year: f.start_year,
                    end_year: f.end_year,
                    amount_eur: f.amount_eur,
                    description: f.description.readable(),
                    aliases: f.aliases.readable(),
                })
                .collect(),
            goals: d
                .goals
                .values()
                .filter(|g| of_area(g.area_id) && g.parent_id.is_none() && g.line_id.is_none())
                .map(|g| self.goal(g))
                .collect(),
            programmes: d
                .programmes
                .values()
                .filter(|p| of_area(p.area_id))
                .map(|p| self.programme(p))
                .collect(),
            interventions: d
                .interventions
                .values()
                .filter(|i| of_area(i.area_id))
                .map(|i| self.intervention(i))
                .collect(),
            indicators: d
                .indicators
                .values()
                .filter(|i| of_area(i.area_id))
                .map(|i| self.indicator(i))
                .collect(),
        }
    }

    fn indicator(&self, i: &Indicator) -> IndicatorFile {
        let d = self.data;
        IndicatorFile {
            slug: at(&i.slug),
            name: i.name.readable(),
            intervention: i.intervention_id.map(|id| Self::slug(&d.interventions, id)),
            goal: i.goal_id.map(|id| Self::slug(&d.goals, id)),
            line: i.line_id.map(|id| Self::slug(&d.lines, id)),
            unit: i.unit.readable(),
            measure: i.measure,
            direction: i.direction,
            baseline: i.baseline_value.map(|v| BaselineFile {
                value: v.get(),
                year: i.baseline_year,
            }),
            start_year: i.start_year,
            end_year: i.end_year,
            targets: self
                .targets
                .get(&i.id)
                .into_iter()
                .flatten()
                .map(|t| TargetFile {
                    value: t.value.get(),
                    qualifier: t.qualifier.readable(),
                    start_year: t.start_year,
                    end_year: t.end_year,
                })
                .collect(),
            target_note: i.target_note,
            wijk: i.wijk_id.map(|id| Self::slug(&d.wijken, id)),
            target_group: i.target_group.readable(),
            source: i.source.readable(),
        }
    }

    fn goal(&self, g: &Goal) -> GoalFile {
        GoalFile {
            slug: at(&g.slug),
            level: g.level,
            number: g.number.readable(),
            name: g.name.readable(),
            description: g.description.readable(),
            related: self
                .goal_related
                .get(&g.id)
                .into_iter()
                .flatten()
                .map(|l| GoalRelatedRef {
                    goal: Self::slug(&self.data.goals, l.to_id),
                    kind: l.kind,
                    note: l.note.readable(),
                })
                .collect(),
            sub_goals: self
                .sub_goals
                .get(&g.id)
                .map_or_else(Vec::new, |subs| subs.iter().map(|s| self.goal(s)).collect()),
        }
    }

    fn programme(&self, p: &Programme) -> ProgrammeFile {
        let d = self.data;
        ProgrammeFile {
            slug: at(&p.slug),
            name: p.name.readable(),
            chair: p.chair.readable(),
            ambition: p.ambition.readable(),
            description: p.description.readable(),
            lines: d
                .lines
                .values()
                .filter(|l| l.programme_id == p.id)
                .map(|l| LineFile {
                    slug: at(&l.slug),
                    number: l.number,
                    name: l.name.readable(),
                    nplv_action_line: l.nplv_action_line.readable(),
                    description: l.description.readable(),
                    target_groups: l.target_groups.readable(),
                    principles: l.principles.readable(),
                    focus: l.focus.readable(),
                    funding_streams: self.line_funding.get(&l.id).map_or_else(Vec::new, |ids| {
                        ids.iter()
                            .map(|&s| Self::slug(&d.funding_streams, s))
                            .collect()
                    }),
                    goals: self.line_goals.get(&l.id).map_or_else(Vec::new, |goals| {
                        goals.iter().map(|g| self.goal(g)).collect()
                    }),
                })
                .collect(),
        }
    }

    fn intervention(&self, i: &Intervention) -> InterventionFile {
        let d = self.data;
        let mut partners = PartnersByRole::default();
        for link in self.partners.get(&i.id).into_iter().flatten() {
            let slug = Self::slug(&d.partners, link.partner_id);
            match link.role {
                PartnerRole::Lead => partners.lead.push(slug),
                PartnerRole::Penvoerder => partners.penvoerder.push(slug),
                PartnerRole::Core => partners.core.push(slug),
                PartnerRole::Executing => partners.executing.push(slug),
            }
        }
        InterventionFile {
            slug: at(&i.slug),
            name: i.name.readable(),
            description: i.description.readable(),
            goals: self.goals.get(&i.id).map_or_else(Vec::new, |ids| {
                ids.iter().map(|&g| Self::slug(&d.goals, g)).collect()
            }),
            partners,
            funding: self
                .funding
                .get(&i.id)
                .into_iter()
                .flatten()
                .map(|l| FundingRef {
                    stream: Self::slug(&d.funding_streams, l.funding_stream_id),
                    amount_eur: l.amount_eur,
                    note: l.note.readable(),
                })
                .collect(),
            wijken: self.wijken.get(&i.id).map_or_else(Vec::new, |ids| {
                ids.iter().map(|&w| Self::slug(&d.wijken, w)).collect()
            }),
            period: i.period.readable(),
            start_year: i.start_year,
            end_year: i.end_year,
            targets: i.targets.readable(),
            indicators: i.indicators.readable(),
            target_groups: i.target_groups.readable(),
            notes: i.notes.readable(),
            related: self
                .related
                .get(&i.id)
                .into_iter()
                .flatten()
                .map(|l| RelatedRef {
                    intervention: Self::slug(&d.interventions, l.to_id),
                    kind: l.kind,
                    note: l.note.readable(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::graph::Snapshot;

    fn import_text(text: &str) -> Result<Dataset> {
        let mut draft = Draft::new(Arc::new(Snapshot::empty()));
        import(&mut draft, &parse(text)?, false)?;
        Ok(draft.into_parts().0)
    }

    #[test]
    fn a_generated_dataset_survives_export_and_import() {
        // Large enough to pass the parser's default budget of 250 000 nodes.
        let data = crate::synth::generate(crate::synth::Size::National, 3);
        let yaml = to_yaml(&export(&data, None)).unwrap();
        let again = import_text(&yaml).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.interventions.len(), data.interventions.len());
        assert_eq!(
            again.intervention_partners.len(),
            data.intervention_partners.len()
        );
    }

    /// Regression (issue "Bounded work for every request"): a cut-off file imported what was
    /// left. Cuts of every bundled file are refused: at each of its last 40 line boundaries
    /// and every 25th before them, and at every byte of its `end` record that loses more
    /// than white space.
    #[test]
    fn every_cut_of_a_bundled_file_is_refused() {
        for (slug, text) in BUNDLED {
            let line_ends: Vec<usize> = text.match_indices('\n').map(|(i, _)| i + 1).collect();
            let last = line_ends.len().saturating_sub(41);
            let lines = line_ends[..line_ends.len() - 1]
                .iter()
                .enumerate()
                .filter(|(n, _)| *n >= last || n % 25 == 0)
                .map(|(_, &i)| i);
            let end = text.rfind("\nend:").expect("an end record");
            let tail = (end..text.len())
                .filter(|&i| text.is_char_boundary(i) && text[..i].trim_end() != text.trim_end());
            for cut in lines.chain(tail) {
                let err = parse(&text[..cut])
                    .err()
                    .unwrap_or_else(|| panic!("{slug} cut after byte {cut} parses"));
                assert_eq!(err.code(), "BAD_USER_INPUT", "{slug} at {cut}: {err}");
            }
        }
    }

    #[test]
    fn the_end_record_counts_every_record_and_link() {
        let data = import_text(BUNDLED[0].1).expect("Lelystad Oost imports");
        let file = export(&data, None);
        let counts = file.end.expect("export writes `end`").value;
        let expected = [
            data.areas.len(),
            data.wijken.len(),
            data.partners.len(),
            data.funding_streams.len(),
            data.goals.len(),
            data.programmes.len(),
            data.lines.len(),
            data.interventions.len(),
            data.line_funding.len(),
            data.intervention_goals.len(),
            data.intervention_partners.len(),
            data.intervention_funding.len(),
            data.intervention_wijken.len(),
            data.intervention_relations.len(),
            data.goal_relations.len(),
            data.indicators.len(),
        ];
        for ((kind, n), rows) in counts.kinds().into_iter().zip(expected) {
            assert_eq!(n, Some(rows as u64), "{kind}");
        }
        assert!(counts.kinds().iter().all(|(_, n)| n > &Some(0)));
    }

    /// An area with one intervention, one wijk and the given `indicators:` block.
    fn with_indicators(indicators: &str, count: usize) -> String {
        format!(
            "version: 2
areas:
- slug: oost
  name: Oost
  wijken:
  - slug: atolwijk
    name: Atolwijk
  interventions:
  - slug: renoveren
    name: Renoveren
{indicators}end:
  areas: 1
  wijken: 1
  partners: 0
  funding_streams: 0
  goals: 0
  programmes: 0
  lines: 0
  interventions: 1
  line_funding_streams: 0
  intervention_goals: 0
  intervention_partners: 0
  intervention_funding: 0
  intervention_wijken: 0
  intervention_related: 0
  indicators: {count}
"
        )
    }

    const INDICATOR: &str = "  indicators:
  - slug: particuliere-woningen
    name: Particuliere woningen gerenoveerd
    intervention: renoveren
    unit: particuliere woningen
    measure: count
    direction: higher
    baseline:
      value: 12
      year: 2023
    start_year: 2024
    end_year: 2034
    targets:
    - value: 750
      qualifier: circa
    - value: 300
      start_year: 2024
      end_year: 2027
    wijk: atolwijk
    target_group: eigenaar-bewoners
    source: 750 particuliere woningen
  - slug: monitoring
    name: Monitoring
    intervention: renoveren
    measure: qualitative
    target_note: ntb
    source: Ntb
";

    /// The agreed indicator format (issue 14) reads, writes and reads again unchanged.
    #[test]
    fn indicators_survive_export_and_import() {
        let data = import_text(&with_indicators(INDICATOR, 2)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(data.indicators.len(), 2);
        assert_eq!(data.indicator_targets.len(), 2);
        let woningen = data
            .indicators
            .values()
            .find(|i| i.slug == "particuliere-woningen")
            .unwrap();
        assert_eq!(woningen.baseline_value.map(Quantity::get), Some(12.0));
        assert_eq!(woningen.measure, Measure::Count);
        assert!(woningen.wijk_id.is_some() && woningen.intervention_id.is_some());
        let yaml = to_yaml(&export(&data, None)).unwrap();
        assert!(yaml.contains("indicators: 2"), "{yaml}");
        let again = import_text(&yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
        assert_eq!(to_yaml(&export(&again, None)).unwrap(), yaml);
    }

    #[test]
    fn indicator_problems_are_refused_with_their_place() {
        // A file without indicators may leave their count out; a count cut off is refused.
        let none = with_indicators("", 0).replace("  indicators: 0\n", "");
        assert!(import_text(&none).is_ok());
        let cut = with_indicators("", 0).replace("indicators: 0", "indicators:");
        let err = parse(&cut).unwrap_err().to_string();
        assert!(err.contains("no count of indicators"), "{err}");
        // Counted wrong.
        let err = parse(&with_indicators(INDICATOR, 1))
            .unwrap_err()
            .to_string();
        assert!(err.contains("end.indicators"), "{err}");
        // Two owners, an unknown wijk, a negative count, a value for a qualitative indicator.
        let bad = INDICATOR
            .replace(
                "    unit: particuliere",
                "    goal: x\n    unit: particuliere",
            )
            .replace(
                "target_note: ntb",
                "target_note: ntb\n    targets:\n    - value: 3",
            );
        let err = import_text(&with_indicators(&bad, 2))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("exactly one of intervention, goal or line"),
            "{err}"
        );
        assert!(err.contains("indicators[1].targets[0].value"), "{err}");
        let bad = INDICATOR
            .replace("value: 750", "value: -750")
            .replace("wijk: atolwijk", "wijk: nergens");
        let err = import_text(&with_indicators(&bad, 2))
            .unwrap_err()
            .to_string();
        assert!(err.contains("no wijk with slug \"nergens\""), "{err}");
    }

    #[test]
    fn an_alias_bomb_is_refused() {
        // A 10 kB string aliased 60 000 times would expand to 600 MB.
        let refs = vec!["*s"; 60_000].join(", ");
        let bomb = format!(
            "version: 2\nareas:\n  - slug: x\n    name: X\n    description: &s \"{}\"\n    partners:\n      - slug: p\n        name: P\n        kind: other\n        aliases: [{refs}]\n",
            "x".repeat(10_000)
        );
        let err = parse(&bomb).expect_err("refused").to_string();
        assert!(
            err.contains("anchors and aliases may not repeat text"),
            "{err}"
        );
    }

    #[test]
    fn every_bundled_dataset_imports_and_exports_stably() {
        for (slug, text) in BUNDLED {
            let data = import_text(text).unwrap_or_else(|e| panic!("{slug}: {e}"));
            let first = to_yaml(&export(&data, None)).unwrap();
            let again =
                import_text(&first).unwrap_or_else(|e| panic!("{slug} re-import: {e}\n{first}"));
            assert_eq!(
                to_yaml(&export(&again, None)).unwrap(),
                first,
                "{slug}: export is not stable"
            );
        }
    }
}
