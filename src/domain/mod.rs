//! The domain model of an area-based programme: the records of every node and link type, the
//! enums that classify them, and [`Dataset`], one complete copy of all records.
//!
//! Records mirror the database rows one to one; the GraphQL API and the data file are views on
//! them. Nothing here knows about storage or HTTP.

mod enums;
mod records;
mod text;

pub use enums::{FundingKind, GoalLevel, PartnerKind, PartnerRole, RelationKind};
pub use records::*;
pub use text::{
    describe_unstorable, fold, is_storable, is_valid_slug, replace_unstorable, unstorable_problem,
};

/// The identity of a record. Ids are assigned by the application from one sequence shared by
/// all tables, so an id alone names a record; its table says what it is.
pub type Id = i64;
