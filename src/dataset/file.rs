//! The shape of the data file (see `docs/data-format.md`). Slugs and references keep their
//! position in the file, so problems found after parsing can still point at a line.

use serde::{Deserialize, Serialize};
use serde_saphyr::{Location, Spanned};

use crate::domain::{FundingKind, GoalLevel, PartnerKind, RelationKind};

/// A string with its place in the file.
pub type At = Spanned<String>;

/// Wraps a value that did not come from a file.
pub fn at(value: &str) -> At {
    Spanned::new(value.to_owned(), Location::UNKNOWN, Location::UNKNOWN)
}

fn is_empty<T>(v: &[T]) -> bool {
    v.is_empty()
}

/// The whole file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataFile {
    pub version: Spanned<u32>,
    #[serde(default)]
    pub areas: Vec<AreaFile>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaFile {
    pub slug: At,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub wijken: Vec<WijkFile>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub partners: Vec<PartnerFile>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub funding_streams: Vec<FundingStreamFile>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub goals: Vec<GoalFile>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub programmes: Vec<ProgrammeFile>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub interventions: Vec<InterventionFile>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WijkFile {
    pub slug: At,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cbs_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub aliases: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerFile {
    pub slug: At,
    pub name: String,
    pub kind: PartnerKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub aliases: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundingStreamFile {
    pub slug: At,
    pub name: String,
    pub kind: FundingKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_year: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_year: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_eur: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub aliases: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalFile {
    pub slug: At,
    pub level: GoalLevel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub sub_goals: Vec<GoalFile>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeFile {
    pub slug: At,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chair: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ambition: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub lines: Vec<LineFile>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineFile {
    pub slug: At,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<i32>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nplv_action_line: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub target_groups: Vec<String>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub principles: Vec<String>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub focus: Vec<String>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub funding_streams: Vec<At>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub goals: Vec<GoalFile>,
}

/// Partner slugs by role.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnersByRole {
    #[serde(default, skip_serializing_if = "is_empty")]
    pub lead: Vec<At>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub penvoerder: Vec<At>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub core: Vec<At>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub executing: Vec<At>,
}

impl PartnersByRole {
    fn is_empty(&self) -> bool {
        self.lead.is_empty()
            && self.penvoerder.is_empty()
            && self.core.is_empty()
            && self.executing.is_empty()
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundingRef {
    pub stream: At,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_eur: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelatedRef {
    pub intervention: At,
    pub kind: RelationKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterventionFile {
    pub slug: At,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub goals: Vec<At>,
    #[serde(default, skip_serializing_if = "PartnersByRole::is_empty")]
    pub partners: PartnersByRole,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub funding: Vec<FundingRef>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub wijken: Vec<At>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_year: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_year: Option<i32>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub targets: Vec<String>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub indicators: Vec<String>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub target_groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub related: Vec<RelatedRef>,
}
