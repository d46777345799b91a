//! The closed vocabularies of the model. Each enum is spelled `snake_case` in the data file and
//! the database, and `SCREAMING_CASE` in GraphQL.

use async_graphql::Enum;
use serde::{Deserialize, Serialize};

/// Declares the `as_str`/`parse` pair that the database and data file use for an enum.
macro_rules! snake_names {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// The `snake_case` spelling used in the data file and the database.
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $name),+ }
            }

            /// Parses the `snake_case` spelling.
            pub fn parse(name: &str) -> Option<Self> {
                match name { $($name => Some($ty::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// What kind of organisation a partner is.
#[derive(
    Enum, Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum PartnerKind {
    /// Municipality, province, ministry or programme office.
    Government,
    /// Police, public prosecutor (Openbaar Ministerie), Halt, youth probation.
    PoliceJustice,
    /// Housing corporation (woningcorporatie).
    Housing,
    /// Welfare, social work, debt counselling, volunteer organisations.
    Welfare,
    /// Schools, school boards and other education.
    Education,
    /// Childcare (kinderopvang) and pre-school playgroups.
    Childcare,
    /// Care and public health (GGD, JGZ, care providers).
    CareHealth,
    /// Knowledge institutes: universities of applied sciences, research groups (lectoraten).
    Knowledge,
    /// Companies, contractors and entrepreneurs (ondernemers).
    Business,
    /// Residents and their representatives (bewoners).
    Residents,
    /// Anything else.
    Other,
}

snake_names!(PartnerKind {
    Government => "government",
    PoliceJustice => "police_justice",
    Housing => "housing",
    Welfare => "welfare",
    Education => "education",
    Childcare => "childcare",
    CareHealth => "care_health",
    Knowledge => "knowledge",
    Business => "business",
    Residents => "residents",
    Other => "other",
});

/// Where the money of a funding stream comes from.
#[derive(
    Enum, Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum FundingKind {
    /// A national specific-purpose grant (SPUK), such as the Volkshuisvestingsfonds (VHF), NIP or
    /// Kansrijke Wijken.
    Spuk,
    /// Other national money, such as the programme Preventie met gezag.
    NationalProgramme,
    /// A municipal budget or subsidy.
    Municipal,
    /// A partner's own or regular budget, or its co-financing.
    Partner,
    /// Anything else, or the source does not say.
    Other,
}

snake_names!(FundingKind {
    Spuk => "spuk",
    NationalProgramme => "national_programme",
    Municipal => "municipal",
    Partner => "partner",
    Other => "other",
});

/// The level of a goal in the goal tree.
#[derive(
    Enum, Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum GoalLevel {
    /// An ambition: the long-term aim above the goals.
    Ambition,
    /// A main goal (hoofddoel).
    Main,
    /// A sub-goal (subdoel).
    Sub,
}

snake_names!(GoalLevel {
    Ambition => "ambition",
    Main => "main",
    Sub => "sub",
});

/// The role a partner plays in an intervention.
#[derive(
    Enum, Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum PartnerRole {
    /// Lead partner that directs the intervention (regievoerder).
    Lead,
    /// Lead applicant that holds the pen and the money (penvoerder, "penvoering").
    Penvoerder,
    /// Core partner ("(professionele) kernpartner").
    Core,
    /// Executing partner ("uitvoerende partner").
    Executing,
}

snake_names!(PartnerRole {
    Lead => "lead",
    Penvoerder => "penvoerder",
    Core => "core",
    Executing => "executing",
});

/// How one intervention relates to another.
#[derive(
    Enum, Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    /// The intervention points to the other one ("zie pijler 5 ...").
    RefersTo,
    /// Both are the same activity, listed in two places of the plan.
    SameAs,
}

snake_names!(RelationKind {
    RefersTo => "refers_to",
    SameAs => "same_as",
});

/// How one goal is tied to another.
#[derive(
    Enum, Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum GoalRelationKind {
    /// The goal is served by the other one: a shared *Doel* of the area that a cluster goal
    /// repeats, so what works for the cluster goal works for the shared one.
    ServedBy,
}

snake_names!(GoalRelationKind {
    ServedBy => "served_by",
});

/// What an indicator counts.
#[derive(
    Enum, Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// A number of things (woningen, jongeren, werkervaringsbanen).
    Count,
    /// A percentage, 0 to 100.
    Percentage,
    /// Done or not: a measured value of 1 is yes, 0 is no.
    YesNo,
    /// Followed in words: a measurement gives a status, not a value.
    Qualitative,
}

snake_names!(Measure {
    Count => "count",
    Percentage => "percentage",
    YesNo => "yes_no",
    Qualitative => "qualitative",
});

/// Which way an indicator should move.
#[derive(
    Enum, Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Higher is better (more woningen renovated).
    Higher,
    /// Lower is better (fewer incidents, less vacancy).
    Lower,
}

snake_names!(Direction {
    Higher => "higher",
    Lower => "lower",
});

/// Why an indicator has no target value.
#[derive(
    Enum, Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum TargetNote {
    /// The document says the target is still to be set ("Ntb", "nader te bepalen").
    Ntb,
    /// The document says there is no target ("Geen").
    None,
}

snake_names!(TargetNote {
    Ntb => "ntb",
    None => "none",
});

/// The status a measurement of a qualitative indicator gives.
#[derive(
    Enum, Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum QualitativeStatus {
    /// Not started yet.
    NotStarted,
    /// Under way and going as planned.
    OnTrack,
    /// Under way but behind plan.
    Behind,
    /// Achieved.
    Achieved,
}

snake_names!(QualitativeStatus {
    NotStarted => "not_started",
    OnTrack => "on_track",
    Behind => "behind",
    Achieved => "achieved",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip_and_match_serde() {
        for kind in [
            PartnerKind::Government,
            PartnerKind::PoliceJustice,
            PartnerKind::CareHealth,
            PartnerKind::Other,
        ] {
            assert_eq!(PartnerKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        for role in [
            PartnerRole::Lead,
            PartnerRole::Penvoerder,
            PartnerRole::Core,
            PartnerRole::Executing,
        ] {
            assert_eq!(PartnerRole::parse(role.as_str()), Some(role));
        }
        assert_eq!(
            FundingKind::parse("national_programme"),
            Some(FundingKind::NationalProgramme)
        );
        assert_eq!(GoalLevel::parse("Main"), None);
        assert_eq!(RelationKind::parse("same_as"), Some(RelationKind::SameAs));
    }
}

/// Where an intervention works, as far as the document says, read from its wijk links: linked
/// to every wijk of its area is area-wide, to none is unknown.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WijkScope {
    /// In the wijken it is linked to, which are some of its area's wijken.
    Listed,
    /// In every wijk of its area: the document gives it to all of them ("in elke wijk 1",
    /// "voor alle 4 wijken"), so it is area-wide rather than a wijk-by-wijk choice.
    WholeArea,
    /// The document does not say where: not "nowhere", just not known.
    Unknown,
}
