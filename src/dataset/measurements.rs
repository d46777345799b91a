//! The half-yearly results spreadsheet: measurements as CSV (see `docs/data-format.md`), read
//! into rows and recorded into a draft all or nothing. Every problem names its row and column;
//! a row for an (indicator, period, wijk) that is recorded already replaces that measurement,
//! so importing the same file twice changes nothing the second time. Export writes the
//! recorded measurements back in the same format, so an export imports as "all unchanged".

use std::collections::HashSet;

use crate::domain::*;
use crate::error::{Error, Problem, Result};
use crate::graph::Snapshot;
use crate::service::Draft;

/// The columns of the file, in the order export would write them.
pub const COLUMNS: [&str; 7] = [
    "indicator",
    "period_start",
    "period_end",
    "value",
    "status",
    "wijk",
    "comment",
];
/// Columns every file must have.
const REQUIRED: [&str; 3] = ["indicator", "period_start", "period_end"];
/// Most rows one file may hold.
pub const MAX_ROWS: usize = 50_000;

/// One row of the file: its line and each column's text (empty cells are `None`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MeasurementRow {
    /// The row's number in the file (the header is row 1).
    pub row: usize,
    /// The indicator's slug, or a name for it in messages when `indicator_id` is given.
    pub indicator: String,
    /// The indicator, when the caller resolved it already (a global ID).
    pub indicator_id: Option<Id>,
    pub period_start: String,
    pub period_end: String,
    pub value: Option<String>,
    pub status: Option<String>,
    pub wijk: Option<String>,
    pub comment: Option<String>,
}

/// What an import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MeasurementImport {
    /// Rows that became new measurements.
    pub added: usize,
    /// Rows that replaced the value of a measurement recorded before.
    pub replaced: usize,
    /// Rows equal to what was recorded already.
    pub unchanged: usize,
}

/// A problem of one cell, named by its row and its column's name (columns come in any order).
fn problem(row: usize, column: &str, message: impl Into<String>) -> Problem {
    Problem::new(format!("row {row}, column {column}"), message)
}

/// The separator of a file: `;` (as a Dutch spreadsheet saves CSV) or a tab when the header
/// row holds more of them than commas, else `,`.
fn separator(text: &str) -> char {
    let header = text.lines().next().unwrap_or_default();
    let count = |c: char| header.matches(c).count();
    let commas = count(',');
    [';', '\t']
        .into_iter()
        .filter(|&c| count(c) > commas)
        .max_by_key(|&c| count(c))
        .unwrap_or(',')
}

/// Splits CSV text (RFC 4180: fields in double quotes may hold separators, quotes doubled and
/// line breaks; comma separated, or `;` or tab as [`separator`] finds) into records, each
/// with the row it starts on.
fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>> {
    let text = text.trim_start_matches('\u{feff}');
    let separator = separator(text);
    let mut out = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut row = 1;
    let mut start = 1;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    row += 1;
                }
                field.push(c);
            }
            (false, '"') if field.is_empty() => quoted = true,
            (false, c) if c == separator => record.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                out.push((start, std::mem::take(&mut record)));
                row += 1;
                start = row;
                any = false;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(Error::invalid(
            format!("row {start}"),
            "a quoted field is not closed",
        ));
    }
    if any {
        record.push(field);
        out.push((start, record));
    }
    Ok(out)
}

/// Where a problem of this module is, for listing them in the file's order: its row, then its
/// column in the order of [`COLUMNS`] (a problem of the whole row first).
fn place(problem: &Problem) -> (usize, usize) {
    let mut parts = problem.field.split(", column ");
    let row = parts
        .next()
        .and_then(|r| r.strip_prefix("row "))
        .and_then(|r| r.parse().ok())
        .unwrap_or(0);
    let column = parts.next().map_or(0, |name| {
        COLUMNS
            .iter()
            .position(|c| *c == name)
            .map_or(COLUMNS.len() + 1, |i| i + 1)
    });
    (row, column)
}

/// Reads the CSV text into rows: a header naming the columns (any order; `indicator`,
/// `period_start` and `period_end` required), then one measurement per row. Blank lines are
/// skipped.
pub fn parse_csv(text: &str) -> Result<Vec<MeasurementRow>> {
    let mut records = records(text)?.into_iter();
    let Some((_, header)) = records.next() else {
        return Err(Error::invalid(
            "row 1",
            "the file is empty: it needs a header row",
        ));
    };
    let mut problems = Vec::new();
    let mut columns = Vec::new();
    for (n, name) in header.iter().enumerate() {
        let name = name.trim().to_lowercase();
        if !COLUMNS.contains(&name.as_str()) {
            problems.push(Problem::new(
                format!("row 1, column {}", n + 1),
                format!(
                    "unknown column {name:?}; the columns are {} (separated by commas, or by \
                     semicolons as a Dutch spreadsheet saves them)",
                    COLUMNS.join(", ")
                ),
            ));
        } else if columns.contains(&name) {
            problems.push(problem(1, &name, "the column is given twice"));
        }
        columns.push(name);
    }
    for required in REQUIRED {
        if !columns.iter().any(|c| c == required) {
            problems.push(Problem::new(
                "row 1",
                format!("the column {required} is missing"),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let mut rows = Vec::new();
    for (row, record) in records {
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if rows.len() >= MAX_ROWS {
            return Err(Error::invalid(
                format!("row {row}"),
                format!("a file holds at most {MAX_ROWS} rows"),
            ));
        }
        if record.len() != columns.len() {
            problems.push(Problem::new(
                format!("row {row}"),
                format!(
                    "the row has {} cells, the header {}",
                    record.len(),
                    columns.len()
                ),
            ));
            continue;
        }
        let mut r = MeasurementRow {
            row,
            ..MeasurementRow::default()
        };
        for (name, cell) in columns.iter().zip(record) {
            let cell = cell.trim().to_owned();
            let optional = (!cell.is_empty()).then(|| cell.clone());
            match name.as_str() {
                "indicator" => r.indicator = cell,
                "period_start" => r.period_start = cell,
                "period_end" => r.period_end = cell,
                "value" => r.value = optional,
                "status" => r.status = optional,
                "wijk" => r.wijk = optional,
                _ => r.comment = optional,
            }
        }
        rows.push(r);
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(Error::Invalid(problems))
    }
}

/// A CSV field, in double quotes (quotes doubled) when it holds a comma, quote or line break.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The recorded measurements of an area (of every area when `None`) as the CSV that
/// [`parse_csv`] reads: a header of [`COLUMNS`], then one row per measurement, by indicator
/// (in creation order) and period. Values are written as the shortest decimal that reads back
/// as the same number, so importing the file changes nothing.
pub fn export_csv(s: &Snapshot, area: Option<Id>) -> String {
    let mut out = COLUMNS.join(",");
    out.push('\n');
    for indicator in s.data.indicators.values() {
        if area.is_some_and(|a| s.area_of(indicator.id) != Some(a)) {
            continue;
        }
        for id in s.measurements_of(indicator.id) {
            let Some(m) = s.data.measurements.get(&id) else {
                continue;
            };
            let wijk = m
                .wijk_id
                .and_then(|w| s.data.wijken.get(&w))
                .map_or("", |w| w.slug.as_str());
            let cells = [
                field(&indicator.slug),
                m.period_start.format("%Y-%m-%d").to_string(),
                m.period_end.format("%Y-%m-%d").to_string(),
                m.value.map(|v| v.get().to_string()).unwrap_or_default(),
                m.status
                    .map(|st| st.as_str().to_owned())
                    .unwrap_or_default(),
                field(wijk),
                field(m.comment.as_deref().unwrap_or("")),
            ];
            out.push_str(&cells.join(","));
            out.push('\n');
        }
    }
    out
}

/// Resolves a node by global ID or slug, in `area` when given, else among all areas where the
/// slug is unique.
fn find(draft: &Draft, table: Table, area: Option<Id>, value: &str) -> Option<Id> {
    let data = draft.data();
    let areas: Vec<Id> = match area {
        Some(a) => vec![a],
        None => data.areas.keys().copied().collect(),
    };
    let found: Vec<Id> = areas
        .into_iter()
        .filter_map(|a| draft.find_slug(table, a, value))
        .collect();
    match found.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// Records the rows into the draft: all of them, or (on any problem) none, with every problem
/// listed by row and column. `area` (an area's id) is where slugs are looked up; without it a
/// slug must be unique among the areas. `by` is who records them.
pub fn import_measurements(
    draft: &mut Draft,
    rows: &[MeasurementRow],
    area: Option<Id>,
    by: &str,
) -> Result<MeasurementImport> {
    let mut problems = Vec::new();
    let mut measurements = Vec::new();
    let mut seen = HashSet::new();
    for r in rows {
        let row = r.row;
        let before = problems.len();
        let indicator = r
            .indicator_id
            .filter(|&id| draft.table_of(id) == Some(Table::Indicator))
            .or_else(|| find(draft, Table::Indicator, area, &r.indicator));
        if indicator.is_none() {
            problems.push(problem(
                row,
                "indicator",
                format!(
                    "no indicator with slug {:?}{}",
                    r.indicator,
                    match area {
                        Some(_) => " in this area",
                        None => " in exactly one area (give the area)",
                    }
                ),
            ));
        }
        let date = |text: &str, column: &str, problems: &mut Vec<Problem>| {
            let parsed = iso_date(text);
            if parsed.is_none() {
                problems.push(problem(
                    row,
                    column,
                    format!(
                        "{text:?} is not an ISO date (YYYY-MM-DD, e.g. 2025-06-30) in the years \
                         {} to {}",
                        DATE_YEARS.start(),
                        DATE_YEARS.end()
                    ),
                ));
            }
            parsed
        };
        let start = date(&r.period_start, "period_start", &mut problems);
        let end = date(&r.period_end, "period_end", &mut problems);
        let value = match &r.value {
            Some(text) => {
                let parsed = text
                    .replace(',', ".")
                    .parse::<f64>()
                    .ok()
                    .and_then(Quantity::new);
                if parsed.is_none() {
                    problems.push(problem(row, "value", format!("{text:?} is not a number")));
                }
                parsed
            }
            None => None,
        };
        let status = match &r.status {
            Some(text) => {
                let parsed = QualitativeStatus::parse(&text.to_lowercase());
                if parsed.is_none() {
                    problems.push(problem(
                        row,
                        "status",
                        format!(
                            "{text:?} is not a status: not_started, on_track, behind or achieved"
                        ),
                    ));
                }
                parsed
            }
            None => None,
        };
        let indicator_area = indicator.and_then(|i| draft.area_of(i));
        let wijk = match (&r.wijk, indicator_area) {
            (Some(slug), Some(a)) => {
                let found = draft.find_slug(Table::Wijk, a, slug);
                if found.is_none() {
                    problems.push(problem(
                        row,
                        "wijk",
                        format!("no wijk with slug {slug:?} in the indicator's area"),
                    ));
                }
                found
            }
            _ => None,
        };
        if problems.len() > before {
            continue;
        }
        let (Some(indicator_id), Some(period_start), Some(period_end)) = (indicator, start, end)
        else {
            continue;
        };
        if !seen.insert((indicator_id, period_start, period_end, wijk)) {
            problems.push(problem(
                row,
                "indicator",
                "the file holds this indicator, period and wijk twice",
            ));
            continue;
        }
        measurements.push((
            row,
            Measurement {
                id: 0,
                indicator_id,
                value,
                status,
                period_start,
                period_end,
                wijk_id: wijk,
                comment: r.comment.clone(),
                recorded_by: Some(by.to_owned()),
            },
        ));
    }
    let mut done = MeasurementImport::default();
    for (row, m) in measurements {
        let existed = draft.find_measurement(&m).is_some();
        match draft.record_measurement(m) {
            Ok((_, false)) => done.unchanged += 1,
            Ok((_, true)) if existed => done.replaced += 1,
            Ok(_) => done.added += 1,
            Err(Error::Invalid(list)) => {
                problems.extend(list.into_iter().map(|p| {
                    let column = match p.field.as_str() {
                        "period_end" | "period_start" | "value" | "status" | "comment" => {
                            p.field.clone()
                        }
                        "wijk_id" => "wijk".into(),
                        _ => "indicator".into(),
                    };
                    problem(row, &column, p.message)
                }));
            }
            Err(other) => return Err(other),
        }
    }
    // In the file's order: the checks above run in two rounds.
    problems.sort_by_key(place);
    if problems.is_empty() {
        Ok(done)
    } else {
        Err(Error::Invalid(problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolons_and_tabs_separate_as_commas_do() {
        let comma = "indicator,period_start,period_end,value,comment\n\
                     woningen,2025-01-01,2025-06-30,\"12,5\",\"a; b\"\n";
        let semicolon = "\u{feff}indicator;period_start;period_end;value;comment\r\n\
                         woningen;2025-01-01;2025-06-30;12,5;\"a; b\"\r\n";
        let tab = "indicator\tperiod_start\tperiod_end\tvalue\tcomment\n\
                   woningen\t2025-01-01\t2025-06-30\t12,5\ta; b\n";
        let rows = parse_csv(comma).expect("comma");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].value.as_deref(), Some("12,5"));
        assert_eq!(rows[0].comment.as_deref(), Some("a; b"));
        assert_eq!(parse_csv(semicolon).expect("semicolon"), rows);
        assert_eq!(parse_csv(tab).expect("tab"), rows);
    }

    #[test]
    fn header_problems_name_their_place_once() {
        let Err(Error::Invalid(problems)) = parse_csv("indicator|period_start|period_end\n") else {
            panic!("an unknown column is refused");
        };
        let text = problems[0].to_string();
        assert!(
            text.starts_with("row 1, column 1: unknown column"),
            "{text}"
        );
        assert_eq!(text.matches("row 1").count(), 1, "{text}");
    }

    #[test]
    fn problems_sort_by_row_then_column() {
        let mut problems = [
            problem(3, "value", "c"),
            problem(2, "wijk", "b"),
            Problem::new("row 2", "a"),
            problem(2, "period_start", "a2"),
            problem(10, "indicator", "d"),
        ];
        problems.sort_by_key(place);
        let order: Vec<_> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(order, ["a", "a2", "b", "c", "d"]);
    }
}
