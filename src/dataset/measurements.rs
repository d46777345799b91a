//! The half-yearly results spreadsheet: measurements as CSV (see `docs/data-format.md`), read
//! into rows and recorded into a draft all or nothing. Every problem names its row (the file's
//! line numbering: the header is row 1) and column, and every problem of every row is listed;
//! a row for an (indicator, period, wijk) that is recorded already replaces that measurement,
//! so importing the same file twice changes nothing the second time. Export writes the
//! recorded measurements back in the same format, so an export imports as "all unchanged".

use std::collections::HashMap;
use std::collections::hash_map::Entry;

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
/// Most problems one refused import lists; the rest are counted.
const MAX_PROBLEMS: usize = 100;

/// One row of the file: its line and each column's text (empty cells are `None`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MeasurementRow {
    /// The row's number in the file (the header is row 1, the first data row is row 2).
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
    /// The value is written with a decimal comma and may group thousands with points
    /// (`1.000,5`), as in a `;`-separated file from a Dutch spreadsheet.
    pub decimal_comma: bool,
}

/// A CSV file as read: its rows, and the problems of the header and of the rows that could
/// not be read into cells (reported with the problems [`import_measurements`] finds).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MeasurementFile {
    pub rows: Vec<MeasurementRow>,
    pub problems: Vec<Problem>,
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

/// A record of the file: the row it starts on, and its fields.
type Record = (usize, Vec<String>);

/// Splits CSV text (RFC 4180: fields in double quotes may hold separators, quotes doubled and
/// line breaks; comma separated, or `;` or tab as [`separator`] finds) into records, each
/// with the row it starts on.
fn records(text: &str) -> Result<(char, Vec<Record>)> {
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
    Ok((separator, out))
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
/// skipped. A missing or doubled column refuses the file at once; an unknown column (its
/// cells are left out) and a row with the wrong number of cells are problems the file
/// carries to the import, which lists them with all others.
pub fn parse_csv(text: &str) -> Result<MeasurementFile> {
    let (separator, records) = records(text)?;
    let mut records = records.into_iter();
    let Some((_, header)) = records.next() else {
        return Err(Error::invalid(
            "row 1",
            "the file is empty: it needs a header row",
        ));
    };
    let mut problems = Vec::new();
    let mut unknown = Vec::new();
    let mut columns = Vec::new();
    for (n, name) in header.iter().enumerate() {
        let name = name.trim().to_lowercase();
        if !COLUMNS.contains(&name.as_str()) {
            unknown.push(Problem::new(
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
        unknown.extend(problems);
        return Err(Error::Invalid(unknown));
    }
    let mut problems = unknown;
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
            decimal_comma: separator == ';',
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
                "comment" => r.comment = optional,
                _ => {}
            }
        }
        rows.push(r);
    }
    Ok(MeasurementFile { rows, problems })
}

/// A value cell as a number. With a decimal comma (a `;` file) points group thousands:
/// `1.000` and `12.345.678,5` read as grouped, while a point that is not a grouping of three
/// digits (`1.5`, `1.00`) is refused as ambiguous rather than read as a decimal point.
fn number(text: &str, decimal_comma: bool) -> std::result::Result<Quantity, String> {
    let not_a_number = || format!("{text:?} is not a number");
    let plain = if decimal_comma && text.contains('.') {
        let (whole, fraction) = text.split_once(',').unwrap_or((text, ""));
        let digits = whole.trim_start_matches(['-', '+']);
        let mut groups = digits.split('.');
        let first = groups.next().unwrap_or_default();
        let grouped = (1..=3).contains(&first.len())
            && groups.all(|g| g.len() == 3)
            && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        if !grouped {
            return Err(format!(
                "{text:?} is ambiguous: in a file separated by semicolons the decimal mark is \
                 a comma (1,5) and a point groups thousands (1.000); write the number without \
                 points or with a decimal comma"
            ));
        }
        format!("{}.{fraction}", whole.replace('.', ""))
    } else {
        text.replace(',', ".")
    };
    plain
        .parse::<f64>()
        .ok()
        .and_then(Quantity::new)
        .ok_or_else(not_a_number)
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
    file: &MeasurementFile,
    area: Option<Id>,
    by: &str,
) -> Result<MeasurementImport> {
    let mut problems = file.problems.clone();
    let mut measurements = Vec::new();
    let mut seen = HashMap::new();
    for r in &file.rows {
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
            Some(text) => match number(text, r.decimal_comma) {
                Ok(parsed) => Some(parsed),
                Err(message) => {
                    problems.push(problem(row, "value", message));
                    None
                }
            },
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
        let (Some(indicator_id), Some(period_start), Some(period_end)) = (indicator, start, end)
        else {
            continue;
        };
        // A cell that could not be read leaves nothing to check the domain rules on.
        let unread = |cell: &Option<String>, parsed: bool| cell.is_some() && !parsed;
        if unread(&r.value, value.is_some()) || unread(&r.status, status.is_some()) {
            continue;
        }
        // A wijk that could not be read makes no key to compare.
        if !unread(&r.wijk, wijk.is_some()) {
            match seen.entry((indicator_id, period_start, period_end, wijk)) {
                Entry::Occupied(first) => problems.push(problem(
                    row,
                    "indicator",
                    format!("same indicator, period and wijk as row {}", first.get()),
                )),
                Entry::Vacant(slot) => {
                    slot.insert(row);
                }
            }
        }
        // A row with a problem of its own is still checked against the domain rules (not
        // recorded), so that all its problems are listed at once.
        let fine = problems.len() == before;
        measurements.push((
            fine,
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
    for (fine, row, m) in measurements {
        let existed = draft.find_measurement(&m).is_some();
        let checked = if fine {
            draft
                .record_measurement(m)
                .map(|(_, changed)| match (changed, existed) {
                    (false, _) => done.unchanged += 1,
                    (true, true) => done.replaced += 1,
                    (true, false) => done.added += 1,
                })
        } else {
            draft.check_measurement(&m)
        };
        match checked {
            Ok(()) => {}
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
    if problems.is_empty() {
        Ok(done)
    } else {
        Err(Error::Invalid(listed(problems)))
    }
}

/// The problems in the file's order (the checks run in rounds), at most [`MAX_PROBLEMS`] of
/// them and a last one counting the rest.
fn listed(mut problems: Vec<Problem>) -> Vec<Problem> {
    problems.sort_by_key(place);
    let more = problems.len().saturating_sub(MAX_PROBLEMS);
    if more > 0 {
        problems.truncate(MAX_PROBLEMS);
        problems.push(Problem::new(
            "",
            format!("and {more} more problems not listed; fix these and import again"),
        ));
    }
    problems
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
        let rows = parse_csv(comma).expect("comma").rows;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].value.as_deref(), Some("12,5"));
        assert_eq!(rows[0].comment.as_deref(), Some("a; b"));
        assert!(!rows[0].decimal_comma);
        let semicolon = parse_csv(semicolon).expect("semicolon").rows;
        assert!(semicolon[0].decimal_comma, "a ; file writes decimal commas");
        assert_eq!(semicolon[0].value, rows[0].value);
        assert_eq!(parse_csv(tab).expect("tab").rows, rows);
    }

    #[test]
    fn header_problems_name_their_place_once() {
        let Err(Error::Invalid(problems)) = parse_csv("indicator|period_start|period_end\n") else {
            panic!("a missing column is refused");
        };
        let text = problems[0].to_string();
        assert!(
            text.starts_with("row 1, column 1: unknown column"),
            "{text}"
        );
        assert_eq!(text.matches("row 1").count(), 1, "{text}");
    }

    #[test]
    fn points_group_thousands_only_beside_a_decimal_comma() {
        let read = |text: &str, comma: bool| number(text, comma).map(Quantity::get);
        assert_eq!(read("1.000", true), Ok(1000.0));
        assert_eq!(read("12.345.678", true), Ok(12_345_678.0));
        assert_eq!(read("1.000,5", true), Ok(1000.5));
        assert_eq!(read("-1.000", true), Ok(-1000.0));
        assert_eq!(read("1,5", true), Ok(1.5));
        assert_eq!(read("1.5", false), Ok(1.5));
        for ambiguous in [
            "1.5", "1.00", "1.0000", ".500", "1000.000", "1..000", "1.000.5",
        ] {
            let said = read(ambiguous, true).expect_err(ambiguous);
            assert!(said.contains("ambiguous"), "{ambiguous}: {said}");
        }
        assert!(read("x", true).is_err());
    }

    #[test]
    fn long_lists_of_problems_are_cut_and_counted() {
        let problems = (0..150)
            .rev()
            .map(|n| problem(n + 2, "value", "wrong"))
            .collect();
        let listed = listed(problems);
        assert_eq!(listed.len(), MAX_PROBLEMS + 1);
        assert_eq!(listed[0].field, "row 2, column value");
        assert!(
            listed[MAX_PROBLEMS]
                .message
                .starts_with("and 50 more problems")
        );
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
