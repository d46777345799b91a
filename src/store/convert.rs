//! Conversions between domain records and database models. Enum columns hold the `snake_case`
//! names; a value the enum does not know is a corrupt row and fails loudly. Node models are
//! made at version 1, as a new row starts, and without times; a write sets the node's next
//! version and its times ([`super::entities::Versioned`]).

use super::entities::{self as e, StringList};
use crate::domain::*;
use crate::error::{Error, Result};

/// A record that is stored in one table.
pub trait Stored: Sized {
    type Model;
    fn from_model(model: Self::Model) -> Result<Self>;
    fn to_model(&self) -> Self::Model;
}

fn parse<T>(table: &str, column: &str, value: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    parse(value)
        .ok_or_else(|| Error::Internal(format!("{table}.{column} holds unknown value {value:?}")))
}

fn list(values: &[String]) -> StringList {
    StringList(values.to_vec())
}

impl Stored for Area {
    type Model = e::area::Model;
    fn from_model(m: Self::Model) -> Result<Self> {
        Ok(Area {
            id: m.id,
            slug: m.slug,
            name: m.name,
            municipality: m.municipality,
            description: m.description,
            source: m.source,
        })
    }
    fn to_model(&self) -> Self::Model {
        e::area::Model {
            id: self.id,
            version: 1,
            created_at: 0,
            updated_at: 0,
            slug: self.slug.clone(),
            name: self.name.clone(),
            municipality: self.municipality.clone(),
            description: self.description.clone(),
            source: self.source.clone(),
        }
    }
}

impl Stored for Programme {
    type Model = e::programme::Model;
    fn from_model(m: Self::Model) -> Result<Self> {
        Ok(Programme {
            id: m.id,
            area_id: m.area_id,
            slug: m.slug,
            name: m.name,
            description: m.description,
            chair: m.chair,
            ambition: m.ambition,
        })
    }
    fn to_model(&self) -> Self::Model {
        e::programme::Model {
            id: self.id,
            version: 1,
            created_at: 0,
            updated_at: 0,
            area_id: self.area_id,
            slug: self.slug.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            chair: self.chair.clone(),
            ambition: self.ambition.clone(),
        }
    }
}

impl Stored for Line {
    type Model = e::line::Model;
    fn from_model(m: Self::Model) -> Result<Self> {
        Ok(Line {
            id: m.id,
            area_id: m.area_id,
            slug: m.slug,
            name: m.name,
            description: m.description,
            programme_id: m.programme_id,
            number: m.number,
            nplv_action_line: m.nplv_action_line,
            target_groups: m.target_groups.0,
            principles: m.principles.0,
            focus: m.focus.0,
        })
    }
    fn to_model(&self) -> Self::Model {
        e::line::Model {
            id: self.id,
            version: 1,
            created_at: 0,
            updated_at: 0,
            area_id: self.area_id,
            slug: self.slug.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            programme_id: self.programme_id,
            number: self.number,
            nplv_action_line: self.nplv_action_line.clone(),
            target_groups: list(&self.target_groups),
            principles: list(&self.principles),
            focus: list(&self.focus),
        }
    }
}

impl Stored for Goal {
    type Model = e::goal::Model;
    fn from_model(m: Self::Model) -> Result<Self> {
        Ok(Goal {
            level: parse("goal", "level", &m.level, GoalLevel::parse)?,
            id: m.id,
            area_id: m.area_id,
            slug: m.slug,
            name: m.name,
            description: m.description,
            line_id: m.line_id,
            parent_id: m.parent_id,
            number: m.number,
        })
    }
    fn to_model(&self) -> Self::Model {
        e::goal::Model {
            id: self.id,
            version: 1,
            created_at: 0,
            updated_at: 0,
            area_id: self.area_id,
            slug: self.slug.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            line_id: self.line_id,
            parent_id: self.parent_id,
            level: self.level.as_str().to_owned(),
            number: self.number.clone(),
        }
    }
}

impl Stored for Intervention {
    type Model = e::intervention::Model;
    fn from_model(m: Self::Model) -> Result<Self> {
        Ok(Intervention {
            id: m.id,
            area_id: m.area_id,
            slug: m.slug,
            name: m.name,
            description: m.description,
            period: m.period,
            start_year: m.start_year,
            end_year: m.end_year,
            targets: m.targets.0,
            indicators: m.indicators.0,
            target_groups: m.target_groups.0,
            notes: m.notes,
        })
    }
    fn to_model(&self) -> Self::Model {
        e::intervention::Model {
            id: self.id,
            version: 1,
            created_at: 0,
            updated_at: 0,
            area_id: self.area_id,
            slug: self.slug.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            period: self.period.clone(),
            start_year: self.start_year,
            end_year: self.end_year,
            targets: list(&self.targets),
            indicators: list(&self.indicators),
            target_groups: list(&self.target_groups),
            notes: self.notes.clone(),
        }
    }
}

impl Stored for Partner {
    type Model = e::partner::Model;
    fn from_model(m: Self::Model) -> Result<Self> {
        Ok(Partner {
            kind: parse("partner", "kind", &m.kind, PartnerKind::parse)?,
            id: m.id,
            area_id: m.area_id,
            slug: m.slug,
            name: m.name,
            description: m.description,
            aliases: m.aliases.0,
            organisation: m.organisation,
        })
    }
    fn to_model(&self) -> Self::Model {
        e::partner::Model {
            organisation: self.organisation.clone(),
            id: self.id,
            version: 1,
            created_at: 0,
            updated_at: 0,
            area_id: self.area_id,
            slug: self.slug.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            kind: self.kind.as_str().to_owned(),
            aliases: list(&self.aliases),
        }
    }
}

impl Stored for FundingStream {
    type Model = e::funding_stream::Model;
    fn from_model(m: Self::Model) -> Result<Self> {
        Ok(FundingStream {
            kind: parse("funding_stream", "kind", &m.kind, FundingKind::parse)?,
            id: m.id,
            area_id: m.area_id,
            slug: m.slug,
            name: m.name,
            description: m.description,
            start_year: m.start_year,
            end_year: m.end_year,
            amount_eur: m.amount_eur,
            aliases: m.aliases.0,
        })
    }
    fn to_model(&self) -> Self::Model {
        e::funding_stream::Model {
            id: self.id,
            version: 1,
            created_at: 0,
            updated_at: 0,
            area_id: self.area_id,
            slug: self.slug.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            kind: self.kind.as_str().to_owned(),
            start_year: self.start_year,
            end_year: self.end_year,
            amount_eur: self.amount_eur,
            aliases: list(&self.aliases),
        }
    }
}

impl Stored for Wijk {
    type Model = e::wijk::Model;
    fn from_model(m: Self::Model) -> Result<Self> {
        Ok(Wijk {
            id: m.id,
            area_id: m.area_id,
            slug: m.slug,
            name: m.name,
            description: m.description,
            municipality: m.municipality,
            cbs_code: m.cbs_code,
            aliases: m.aliases.0,
        })
    }
    fn to_model(&self) -> Self::Model {
        e::wijk::Model {
            id: self.id,
            version: 1,
            created_at: 0,
            updated_at: 0,
            area_id: self.area_id,
            slug: self.slug.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            municipality: self.municipality.clone(),
            cbs_code: self.cbs_code.clone(),
            aliases: list(&self.aliases),
        }
    }
}

impl Stored for LineFunding {
    type Model = e::line_funding::Model;
    fn from_model(m: Self::Model) -> Result<Self> {
        Ok(LineFunding {
            id: m.id,
            line_id: m.line_id,
            funding_stream_id: m.funding_stream_id,
        })
    }
    fn to_model(&self) -> Self::Model {
        e::line_funding::Model {
            id: self.id,
            line_id: self.line_id,
            funding_stream_id: self.funding_stream_id,
        }
    }
}

impl Stored for InterventionGoal {
    type Model = e::intervention_goal::Model;
    fn from_model(m: Self::Model) -> Result<Self> {
        Ok(InterventionGoal {
            id: m.id,
            intervention_id: m.intervention_id,
            goal_id: m.goal_id,
        })
    }
    fn to_model(&self) -> Self::Model {
        e::intervention_goal::Model {
            id: self.id,
            intervention_id: self.intervention_id,
            goal_id: self.goal_id,
        }
    }
}

impl Stored for InterventionPartner {
    type Model = e::intervention_partner::Model;
    fn from_model(m: Self::Model) -> Result<Self> {
        Ok(InterventionPartner {
            role: parse("intervention_partner", "role", &m.role, PartnerRole::parse)?,
            id: m.id,
            intervention_id: m.intervention_id,
            partner_id: m.partner_id,
        })
    }
    fn to_model(&self) -> Self::Model {
        e::intervention_partner::Model {
            id: self.id,
            intervention_id: self.intervention_id,
            partner_id: self.partner_id,
            role: self.role.as_str().to_owned(),
        }
    }
}

impl Stored for InterventionFunding {
    type Model = e::intervention_funding::Model;
    fn from_model(m: Self::Model) -> Result<Self> {
        Ok(InterventionFunding {
            id: m.id,
            intervention_id: m.intervention_id,
            funding_stream_id: m.funding_stream_id,
            amount_eur: m.amount_eur,
            note: m.note,
        })
    }
    fn to_model(&self) -> Self::Model {
        e::intervention_funding::Model {
            id: self.id,
            intervention_id: self.intervention_id,
            funding_stream_id: self.funding_stream_id,
            amount_eur: self.amount_eur,
            note: self.note.clone(),
        }
    }
}

impl Stored for InterventionWijk {
    type Model = e::intervention_wijk::Model;
    fn from_model(m: Self::Model) -> Result<Self> {
        Ok(InterventionWijk {
            id: m.id,
            intervention_id: m.intervention_id,
            wijk_id: m.wijk_id,
        })
    }
    fn to_model(&self) -> Self::Model {
        e::intervention_wijk::Model {
            id: self.id,
            intervention_id: self.intervention_id,
            wijk_id: self.wijk_id,
        }
    }
}

impl Stored for InterventionRelation {
    type Model = e::intervention_relation::Model;
    fn from_model(m: Self::Model) -> Result<Self> {
        Ok(InterventionRelation {
            kind: parse(
                "intervention_relation",
                "kind",
                &m.kind,
                RelationKind::parse,
            )?,
            id: m.id,
            from_id: m.from_id,
            to_id: m.to_id,
            note: m.note,
        })
    }
    fn to_model(&self) -> Self::Model {
        e::intervention_relation::Model {
            id: self.id,
            from_id: self.from_id,
            to_id: self.to_id,
            note: self.note.clone(),
            kind: self.kind.as_str().to_owned(),
        }
    }
}

impl Stored for GoalRelation {
    type Model = e::goal_relation::Model;
    fn from_model(m: Self::Model) -> Result<Self> {
        Ok(GoalRelation {
            kind: parse("goal_relation", "kind", &m.kind, GoalRelationKind::parse)?,
            id: m.id,
            from_id: m.from_id,
            to_id: m.to_id,
            note: m.note,
        })
    }
    fn to_model(&self) -> Self::Model {
        e::goal_relation::Model {
            id: self.id,
            from_id: self.from_id,
            to_id: self.to_id,
            note: self.note.clone(),
            kind: self.kind.as_str().to_owned(),
        }
    }
}

/// A finite number read from a `double` column.
fn quantity(table: &str, column: &str, value: f64) -> Result<Quantity> {
    Quantity::new(value)
        .ok_or_else(|| Error::Internal(format!("{table}.{column} holds {value}, not a number")))
}

/// An ISO date (`YYYY-MM-DD`) read from a text column.
fn date(table: &str, column: &str, value: &str) -> Result<chrono::NaiveDate> {
    parse(table, column, value, |v| {
        chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()
    })
}

impl Stored for Indicator {
    type Model = e::indicator::Model;
    fn from_model(m: Self::Model) -> Result<Self> {
        let t = "indicator";
        Ok(Indicator {
            measure: parse(t, "measure", &m.measure, Measure::parse)?,
            direction: m
                .direction
                .map(|d| parse(t, "direction", &d, Direction::parse))
                .transpose()?,
            target_note: m
                .target_note
                .map(|n| parse(t, "target_note", &n, TargetNote::parse))
                .transpose()?,
            baseline_value: m
                .baseline_value
                .map(|v| quantity(t, "baseline_value", v))
                .transpose()?,
            id: m.id,
            area_id: m.area_id,
            slug: m.slug,
            name: m.name,
            intervention_id: m.intervention_id,
            goal_id: m.goal_id,
            line_id: m.line_id,
            unit: m.unit,
            baseline_year: m.baseline_year,
            start_year: m.start_year,
            end_year: m.end_year,
            wijk_id: m.wijk_id,
            target_group: m.target_group,
            source: m.source,
        })
    }
    fn to_model(&self) -> Self::Model {
        e::indicator::Model {
            id: self.id,
            version: 1,
            created_at: 0,
            updated_at: 0,
            area_id: self.area_id,
            slug: self.slug.clone(),
            name: self.name.clone(),
            intervention_id: self.intervention_id,
            goal_id: self.goal_id,
            line_id: self.line_id,
            unit: self.unit.clone(),
            measure: self.measure.as_str().to_owned(),
            direction: self.direction.map(|d| d.as_str().to_owned()),
            baseline_value: self.baseline_value.map(Quantity::get),
            baseline_year: self.baseline_year,
            start_year: self.start_year,
            end_year: self.end_year,
            target_note: self.target_note.map(|n| n.as_str().to_owned()),
            wijk_id: self.wijk_id,
            target_group: self.target_group.clone(),
            source: self.source.clone(),
        }
    }
}

impl Stored for IndicatorTarget {
    type Model = e::indicator_target::Model;
    fn from_model(m: Self::Model) -> Result<Self> {
        Ok(IndicatorTarget {
            value: quantity("indicator_target", "value", m.value)?,
            id: m.id,
            indicator_id: m.indicator_id,
            qualifier: m.qualifier,
            start_year: m.start_year,
            end_year: m.end_year,
        })
    }
    fn to_model(&self) -> Self::Model {
        e::indicator_target::Model {
            id: self.id,
            indicator_id: self.indicator_id,
            value: self.value.get(),
            qualifier: self.qualifier.clone(),
            start_year: self.start_year,
            end_year: self.end_year,
        }
    }
}

impl Stored for Measurement {
    type Model = e::measurement::Model;
    fn from_model(m: Self::Model) -> Result<Self> {
        let t = "measurement";
        Ok(Measurement {
            value: m.value.map(|v| quantity(t, "value", v)).transpose()?,
            status: m
                .status
                .map(|s| parse(t, "status", &s, QualitativeStatus::parse))
                .transpose()?,
            period_start: date(t, "period_start", &m.period_start)?,
            period_end: date(t, "period_end", &m.period_end)?,
            id: m.id,
            indicator_id: m.indicator_id,
            wijk_id: m.wijk_id,
            comment: m.comment,
            recorded_by: m.recorded_by,
        })
    }
    fn to_model(&self) -> Self::Model {
        e::measurement::Model {
            id: self.id,
            version: 1,
            created_at: 0,
            updated_at: 0,
            indicator_id: self.indicator_id,
            value: self.value.map(Quantity::get),
            status: self.status.map(|s| s.as_str().to_owned()),
            period_start: self.period_start.format("%Y-%m-%d").to_string(),
            period_end: self.period_end.format("%Y-%m-%d").to_string(),
            wijk_id: self.wijk_id,
            comment: self.comment.clone(),
            recorded_by: self.recorded_by.clone(),
        }
    }
}
