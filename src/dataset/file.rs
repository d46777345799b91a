//! The shape of the data file (see `docs/data-format.md`). Slugs and references keep their
//! position in the file, so problems found after parsing can still point at a line.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_saphyr::{Location, Spanned};

use crate::domain::{
    Direction, FundingKind, GoalLevel, GoalRelationKind, Measure, PartnerKind, RelationKind,
    TargetNote,
};

/// A string with its place in the file.
pub type At = Spanned<String>;

/// Wraps a value that did not come from a file.
pub fn unplaced<T>(value: T) -> Spanned<T> {
    Spanned::new(value, Location::UNKNOWN, Location::UNKNOWN)
}

/// Wraps a string that did not come from a file.
pub fn at(value: &str) -> At {
    unplaced(value.to_owned())
}

fn is_empty<T>(v: &[T]) -> bool {
    v.is_empty()
}

/// The whole file: its format version, the areas, and the closing `end` record.
#[derive(Debug, Serialize)]
pub struct DataFile {
    pub version: Spanned<u32>,
    pub areas: Vec<AreaFile>,
    /// How many records and links the file holds; `None` when the file has no `end` (it was
    /// cut off, or is of format version 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<Spanned<Counts>>,
    /// The first key found after `end`, which must be the last key (see [`parse`]).
    ///
    /// [`parse`]: super::parse
    #[serde(skip)]
    pub after_end: Option<At>,
}

/// The top-level keys of a data file, in the order export writes them.
const KEYS: &[&str] = &["version", "areas", "end"];

impl<'de> Deserialize<'de> for DataFile {
    /// Reads the three top-level keys, refusing unknown and repeated ones, and noting a key
    /// after `end`: a file cut off after an early `end` would otherwise still look whole.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<DataFile, D::Error> {
        struct Keys;

        impl<'de> Visitor<'de> for Keys {
            type Value = DataFile;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a samenhang data file: a mapping with version, areas and end")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DataFile, A::Error> {
                let mut version = None;
                let mut areas = None;
                let mut end = None;
                let mut after_end = None;
                while let Some(key) = map.next_key::<At>()? {
                    if end.is_some() && after_end.is_none() {
                        after_end = Some(key.clone());
                    }
                    match key.value.as_str() {
                        "version" if version.is_none() => version = Some(map.next_value()?),
                        "areas" if areas.is_none() => areas = Some(map.next_value()?),
                        "end" if end.is_none() => {
                            // `end:` with nothing after it (cut off right there) is a record
                            // without counts, reported as such.
                            let record: Spanned<Option<Counts>> = map.next_value()?;
                            end = Some(Spanned::new(
                                record.value.unwrap_or_default(),
                                record.referenced,
                                record.defined,
                            ));
                        }
                        "version" => return Err(de::Error::duplicate_field("version")),
                        "areas" => return Err(de::Error::duplicate_field("areas")),
                        "end" => return Err(de::Error::duplicate_field("end")),
                        other => return Err(de::Error::unknown_field(other, KEYS)),
                    }
                }
                Ok(DataFile {
                    version: version.ok_or_else(|| de::Error::missing_field("version"))?,
                    areas: areas.unwrap_or_default(),
                    end,
                    after_end,
                })
            }
        }

        deserializer.deserialize_struct("DataFile", KEYS, Keys)
    }
}

/// The closing `end` record: how many records of each kind, and how many links, the file
/// holds. A file that lost anything at its end lost this record or changed a count, so a
/// cut-off file is refused instead of imported in part. Every count is required; `None` is a
/// count the file does not give.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Counts {
    pub areas: Option<u64>,
    pub wijken: Option<u64>,
    pub partners: Option<u64>,
    pub funding_streams: Option<u64>,
    /// Every goal: area-wide, of lines, and sub-goals at any depth.
    pub goals: Option<u64>,
    pub programmes: Option<u64>,
    pub lines: Option<u64>,
    pub interventions: Option<u64>,
    /// The slugs listed under the lines' `funding_streams`.
    pub line_funding_streams: Option<u64>,
    /// The slugs listed under the interventions' `goals`.
    pub intervention_goals: Option<u64>,
    /// The slugs listed under the interventions' `partners`, all roles together.
    pub intervention_partners: Option<u64>,
    /// The entries of the interventions' `funding`.
    pub intervention_funding: Option<u64>,
    /// The slugs listed under the interventions' `wijken`.
    pub intervention_wijken: Option<u64>,
    /// The entries of the interventions' `related`.
    pub intervention_related: Option<u64>,
    /// The entries of the goals' `related`. A file without ties between goals leaves the count
    /// out (files written before they existed do too); `goal_related:` without a number is a
    /// cut-off count.
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub goal_related: Option<Option<u64>>,
    /// The areas' `indicators`. A file without indicators leaves the count out (export does;
    /// files written before indicators existed do too); `indicators:` without a number is a
    /// cut-off count.
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub indicators: Option<Option<u64>>,
}

/// Tells a key given without a value (`Some(None)`) from a key left out (`None`, the default).
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<u64>>, D::Error> {
    Option::<u64>::deserialize(deserializer).map(Some)
}

impl Counts {
    /// What the areas of a file hold.
    pub fn of(areas: &[AreaFile]) -> Counts {
        fn goals(list: &[GoalFile]) -> usize {
            list.iter().map(|g| 1 + goals(&g.sub_goals)).sum()
        }
        fn ties(list: &[GoalFile]) -> usize {
            list.iter()
                .map(|g| g.related.len() + ties(&g.sub_goals))
                .sum()
        }
        let sum = |count: &dyn Fn(&AreaFile) -> usize| -> Option<u64> {
            Some(areas.iter().map(count).sum::<usize>() as u64)
        };
        let lines = || {
            areas
                .iter()
                .flat_map(|a| &a.programmes)
                .flat_map(|p| &p.lines)
        };
        let interventions = |count: &dyn Fn(&InterventionFile) -> usize| -> Option<u64> {
            Some(
                areas
                    .iter()
                    .flat_map(|a| &a.interventions)
                    .map(count)
                    .sum::<usize>() as u64,
            )
        };
        Counts {
            areas: Some(areas.len() as u64),
            wijken: sum(&|a| a.wijken.len()),
            partners: sum(&|a| a.partners.len()),
            funding_streams: sum(&|a| a.funding_streams.len()),
            goals: sum(&|a| {
                goals(&a.goals)
                    + a.programmes
                        .iter()
                        .flat_map(|p| &p.lines)
                        .map(|l| goals(&l.goals))
                        .sum::<usize>()
            }),
            programmes: sum(&|a| a.programmes.len()),
            lines: Some(lines().count() as u64),
            interventions: sum(&|a| a.interventions.len()),
            line_funding_streams: Some(lines().map(|l| l.funding_streams.len() as u64).sum()),
            intervention_goals: interventions(&|i| i.goals.len()),
            intervention_partners: interventions(&|i| {
                let p = &i.partners;
                p.lead.len() + p.penvoerder.len() + p.core.len() + p.executing.len()
            }),
            intervention_funding: interventions(&|i| i.funding.len()),
            intervention_wijken: interventions(&|i| i.wijken.len()),
            intervention_related: interventions(&|i| i.related.len()),
            goal_related: sum(&|a| {
                ties(&a.goals)
                    + a.programmes
                        .iter()
                        .flat_map(|p| &p.lines)
                        .map(|l| ties(&l.goals))
                        .sum::<usize>()
            })
            .filter(|&n| n > 0)
            .map(Some),
            // Left out when there are none, so that the last count of such a file is still
            // one whose loss is noticed.
            indicators: sum(&|a| a.indicators.len()).filter(|&n| n > 0).map(Some),
        }
    }

    /// Every count with its key, in file order.
    pub fn kinds(&self) -> [(&'static str, Option<u64>); 16] {
        [
            ("areas", self.areas),
            ("wijken", self.wijken),
            ("partners", self.partners),
            ("funding_streams", self.funding_streams),
            ("goals", self.goals),
            ("programmes", self.programmes),
            ("lines", self.lines),
            ("interventions", self.interventions),
            ("line_funding_streams", self.line_funding_streams),
            ("intervention_goals", self.intervention_goals),
            ("intervention_partners", self.intervention_partners),
            ("intervention_funding", self.intervention_funding),
            ("intervention_wijken", self.intervention_wijken),
            ("intervention_related", self.intervention_related),
            ("goal_related", self.goal_related.unwrap_or(Some(0))),
            ("indicators", self.indicators.unwrap_or(Some(0))),
        ]
    }

    /// Every record and link counted, all kinds together.
    pub fn total(&self) -> u64 {
        self.kinds()
            .iter()
            .fold(0_u64, |sum, (_, n)| sum.saturating_add(n.unwrap_or(0)))
    }

    /// The record as YAML, to paste at the end of a file.
    pub fn to_block(&self) -> String {
        let mut out = String::from("end:\n");
        for (key, n) in self.kinds() {
            let left_out = match key {
                "indicators" => self.indicators.is_none(),
                "goal_related" => self.goal_related.is_none(),
                _ => false,
            };
            if left_out {
                continue;
            }
            out.push_str(&format!("  {key}: {}\n", n.unwrap_or_default()));
        }
        out
    }
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
    #[serde(default, skip_serializing_if = "is_empty")]
    pub indicators: Vec<IndicatorFile>,
}

/// An indicator of progress, on exactly one of an intervention, a goal or a line (by slug).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorFile {
    pub slug: At,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intervention: Option<At>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<At>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<At>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub measure: Measure,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_year: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_year: Option<i32>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub targets: Vec<TargetFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_note: Option<TargetNote>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wijk: Option<At>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_group: Option<String>,
    pub source: String,
}

/// An indicator's starting value, and the year it was measured.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    pub value: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
}

/// A target value for a period (the indicator's own period when the years are left out).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetFile {
    pub value: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_year: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_year: Option<i32>,
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
    /// The real organisation, shared with partners of other areas (see docs/data-format.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
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
    /// Ties to other goals of the area, this goal being the `from` end.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub related: Vec<GoalRelatedRef>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub sub_goals: Vec<GoalFile>,
}

/// A tie from a goal to another goal of the area (by slug).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalRelatedRef {
    pub goal: At,
    pub kind: GoalRelationKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
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
