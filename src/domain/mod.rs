//! The domain model of an area-based programme: the records of every node and link type, the
//! enums that classify them, and [`Dataset`], one complete copy of all records.
//!
//! Records mirror the database rows one to one; the GraphQL API and the data file are views on
//! them. Nothing here knows about storage or HTTP.

mod enums;
mod indicator;
mod period;
mod progress;
mod records;
mod text;

pub use enums::{
    Direction, FundingKind, GoalLevel, GoalRelationKind, Measure, PartnerKind, PartnerRole,
    QualitativeStatus, RelationKind, TargetNote, WijkScope,
};
pub use indicator::{DATE_YEARS, Indicator, IndicatorTarget, Measurement, Quantity, iso_date};
pub use period::{Known, Period, Undated};
pub use progress::{Plan, Progress, ProgressStatus, Reading, Rollup, TargetSpan};
pub use records::*;
pub use text::{
    describe_unstorable, fold, is_storable, is_valid_slug, replace_unstorable, unstorable_problem,
};

/// One change to one row, in the order it must be applied: what a write commits to the
/// database and what turns one snapshot into the next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    Insert(Row),
    /// A row's new content; for a node, with its new version.
    Update(Row, Option<i64>),
    Delete(Table, Id),
}

/// The identity of a record. Ids are assigned by the application from one sequence shared by
/// all tables, so an id alone names a record; its table says what it is.
pub type Id = i64;
