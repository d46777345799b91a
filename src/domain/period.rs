//! When something runs: a period of whole years that the source document may give in full, in
//! part or not at all, and the one rule for whether it covers a year.
//!
//! The rule answers in three values, because "the document does not say" is not "no" and not
//! "always": a period covers a year when both bounds are known and enclose it, does not when a
//! known bound excludes it, and is unknown otherwise.

use async_graphql::Enum;

/// A three-valued answer: known to hold, known not to hold, or not known from the document.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Known {
    /// The document says so.
    Yes,
    /// The document rules it out.
    No,
    /// The document does not say enough to tell.
    Unknown,
}

/// What a year filter does with what is not known to be active in its year (a period the
/// document does not give, or gives only in part, so that [`Period::covers`] is `Unknown`).
#[derive(Enum, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Undated {
    /// Keep only what is known to be active in the year (the default).
    #[default]
    Exclude,
    /// Keep what is known to be active and what may be: everything not known to be inactive.
    Include,
    /// Keep only what may be active but is not known to be: the undated part alone.
    Only,
}

impl Undated {
    /// Whether an answer of [`Period::covers`] (or of a whole filter) is kept.
    pub fn keeps(self, known: Known) -> bool {
        match self {
            Undated::Exclude => known == Known::Yes,
            Undated::Include => known != Known::No,
            Undated::Only => known == Known::Unknown,
        }
    }
}

/// A period of whole years, either bound possibly unknown (inclusive at both ends).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Period {
    pub start: Option<i32>,
    pub end: Option<i32>,
}

impl Period {
    /// A period from its bounds as the records hold them.
    pub fn new(start: Option<i32>, end: Option<i32>) -> Self {
        Self { start, end }
    }

    /// Whether the document gives neither bound.
    pub fn is_undated(&self) -> bool {
        self.start.is_none() && self.end.is_none()
    }

    /// Whether the period covers `year`: `Yes` when both bounds are known and enclose it, `No`
    /// when a known bound excludes it, `Unknown` when the document does not say enough.
    ///
    /// ```
    /// use samenhang::domain::{Known, Period};
    /// let spuk = Period::new(Some(2024), Some(2026));
    /// assert_eq!(spuk.covers(2025), Known::Yes);
    /// assert_eq!(spuk.covers(2027), Known::No);
    /// let open_ended = Period::new(Some(2021), None);
    /// assert_eq!(open_ended.covers(2020), Known::No);
    /// assert_eq!(open_ended.covers(2030), Known::Unknown);
    /// assert_eq!(Period::default().covers(2025), Known::Unknown);
    /// ```
    pub fn covers(&self, year: i32) -> Known {
        let before_start = self.start.is_some_and(|s| year < s);
        let after_end = self.end.is_some_and(|e| year > e);
        if before_start || after_end {
            Known::No
        } else if self.start.is_some() && self.end.is_some() {
            Known::Yes
        } else {
            Known::Unknown
        }
    }
}

impl super::Intervention {
    /// The intervention's own running period (not its funding's).
    pub fn years(&self) -> Period {
        Period::new(self.start_year, self.end_year)
    }
}

impl super::FundingStream {
    /// The years the stream runs.
    pub fn years(&self) -> Period {
        Period::new(self.start_year, self.end_year)
    }
}
