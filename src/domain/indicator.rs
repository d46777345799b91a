//! Progress monitoring records: an [`Indicator`] says what the plan aims for on an
//! intervention, goal or line (with its baseline and [`IndicatorTarget`]s per period), and a
//! [`Measurement`] records what was achieved over a period of dates.

use chrono::NaiveDate;

use super::{Direction, Id, Measure, QualitativeStatus, TargetNote};

/// The years samenhang accepts anywhere: a period, a date of a measurement, a scenario.
pub const DATE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// A date written as ISO 8601's calendar date, `YYYY-MM-DD` (four-digit year, no sign), in
/// [`DATE_YEARS`]; `None` for anything else.
pub fn iso_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let shape = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    (shape && DATE_YEARS.contains(&chrono::Datelike::year(&date))).then_some(date)
}

/// A finite number (a target, baseline or measured value). Never NaN or infinite, and zero is
/// always `+0.0`, so two quantities are equal exactly when their bits are.
#[derive(Clone, Copy, Debug, PartialOrd)]
pub struct Quantity(f64);

impl Quantity {
    /// The quantity of a finite number; `None` for NaN and the infinities.
    pub fn new(value: f64) -> Option<Quantity> {
        // `+ 0.0` turns -0.0 into +0.0.
        value.is_finite().then_some(Quantity(value + 0.0))
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

impl Eq for Quantity {}

/// What the plan aims for, and how it is followed: one indicator on one intervention, goal or
/// line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Indicator {
    pub id: Id,
    pub area_id: Id,
    pub slug: String,
    pub name: String,
    /// Exactly one of the three owners is set.
    pub intervention_id: Option<Id>,
    pub goal_id: Option<Id>,
    pub line_id: Option<Id>,
    /// The unit as the document words it ("particuliere woningen").
    pub unit: Option<String>,
    pub measure: Measure,
    /// Which way is better, where the document says or clearly implies it.
    pub direction: Option<Direction>,
    /// The starting value and its year, only where the document gives them.
    pub baseline_value: Option<Quantity>,
    pub baseline_year: Option<i32>,
    /// The years the indicator is followed over (the block's looptijd).
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    /// Why there is no target value, when there is none.
    pub target_note: Option<TargetNote>,
    /// The wijk the document names for it.
    pub wijk_id: Option<Id>,
    pub target_group: Option<String>,
    /// The document's words the indicator was derived from.
    pub source: String,
}

impl Indicator {
    /// The intervention, goal or line the indicator is on.
    pub fn owner(&self) -> Option<Id> {
        self.intervention_id.or(self.goal_id).or(self.line_id)
    }
}

/// A target value of an indicator for a period of years.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndicatorTarget {
    pub id: Id,
    pub indicator_id: Id,
    pub value: Quantity,
    /// As the document words it: circa, minimaal, maximaal ...
    pub qualifier: Option<String>,
    /// The period; absent bounds are the indicator's own.
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
}

/// What was achieved on an indicator over a period: a value, or for a qualitative indicator a
/// status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Measurement {
    pub id: Id,
    pub indicator_id: Id,
    pub value: Option<Quantity>,
    pub status: Option<QualitativeStatus>,
    /// The period measured, both days included.
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// The wijk the value is for; `None` for the whole area.
    pub wijk_id: Option<Id>,
    pub comment: Option<String>,
    /// Who recorded it (the writing token's name).
    pub recorded_by: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_are_four_digit_years_in_range() {
        assert_eq!(
            iso_date(" 2025-06-30 "),
            NaiveDate::from_ymd_opt(2025, 6, 30)
        );
        for wrong in [
            "+262000-01-01",
            "262000-01-01",
            "1899-12-31",
            "2101-01-01",
            "2025-6-30",
            "2025-02-30",
            "30-06-2025",
            "",
        ] {
            assert_eq!(iso_date(wrong), None, "{wrong}");
        }
    }
}
