//! Filter inputs of the list fields. Each node type has its own input with the conditions that
//! make sense for it; references take an ID or a slug. All of them become one
//! [`crate::graph::Filter`].

use async_graphql::InputObject;

use super::ids;
use crate::domain::{FundingKind, GoalLevel, Id, PartnerKind, PartnerRole, Table, fold};
use crate::error::Result;
use crate::graph::{Filter, Snapshot};

/// Turns a filter input into a graph filter.
pub trait ToFilter {
    fn to_filter(&self, snapshot: &Snapshot) -> Result<Filter>;
}

impl<T: ToFilter> ToFilter for Option<T> {
    fn to_filter(&self, snapshot: &Snapshot) -> Result<Filter> {
        self.as_ref()
            .map_or_else(|| Ok(Filter::default()), |f| f.to_filter(snapshot))
    }
}

/// Resolves the references of one filter; slugs resolve within the filter's area.
struct Refs<'a> {
    snapshot: &'a Snapshot,
    area: Option<Id>,
}

impl<'a> Refs<'a> {
    fn new(snapshot: &'a Snapshot, area: &Option<String>) -> Result<Self> {
        let area = area
            .as_deref()
            .map(|a| ids::resolve(snapshot, a, Table::Area, None, "area"))
            .transpose()?;
        Ok(Refs { snapshot, area })
    }

    fn get(&self, value: &Option<String>, table: Table, field: &str) -> Result<Option<Id>> {
        value
            .as_deref()
            .map(|v| ids::resolve(self.snapshot, v, table, self.area, field))
            .transpose()
    }
}

fn search(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(fold)
}

/// Which areas to list.
#[derive(InputObject, Default)]
pub struct AreaFilter {
    /// Text in the name or slug (case and accents ignored).
    pub search: Option<String>,
}

impl ToFilter for AreaFilter {
    fn to_filter(&self, _: &Snapshot) -> Result<Filter> {
        Ok(Filter {
            search: search(&self.search),
            ..Filter::default()
        })
    }
}

/// Which programme clusters to list.
#[derive(InputObject, Default)]
pub struct ProgrammeFilter {
    /// Only this area (ID or slug).
    pub area: Option<String>,
    /// Only clusters a partner works in (ID or slug).
    pub partner: Option<String>,
    /// Only clusters with interventions paid by this funding stream (ID or slug).
    pub funding_stream: Option<String>,
    /// Only clusters with interventions in this wijk (ID or slug).
    pub wijk: Option<String>,
    /// Only clusters with interventions active in this year.
    pub year: Option<i32>,
    /// Text in the name or slug (case and accents ignored).
    pub search: Option<String>,
}

impl ToFilter for ProgrammeFilter {
    fn to_filter(&self, s: &Snapshot) -> Result<Filter> {
        let r = Refs::new(s, &self.area)?;
        Ok(Filter {
            area: r.area,
            partner: r.get(&self.partner, Table::Partner, "partner")?,
            funding_stream: r.get(&self.funding_stream, Table::FundingStream, "fundingStream")?,
            wijk: r.get(&self.wijk, Table::Wijk, "wijk")?,
            year: self.year,
            search: search(&self.search),
            ..Filter::default()
        })
    }
}

/// Which lines (lijnen / pijlers) to list.
#[derive(InputObject, Default)]
pub struct LineFilter {
    /// Only this area (ID or slug).
    pub area: Option<String>,
    /// Only lines of this programme cluster (ID or slug).
    pub programme: Option<String>,
    /// Only lines a partner works in (ID or slug).
    pub partner: Option<String>,
    /// Only lines with interventions paid by this funding stream (ID or slug).
    pub funding_stream: Option<String>,
    /// Only lines with interventions in this wijk (ID or slug).
    pub wijk: Option<String>,
    /// Only lines with interventions active in this year.
    pub year: Option<i32>,
    /// Text in the name or slug (case and accents ignored).
    pub search: Option<String>,
}

impl ToFilter for LineFilter {
    fn to_filter(&self, s: &Snapshot) -> Result<Filter> {
        let r = Refs::new(s, &self.area)?;
        Ok(Filter {
            area: r.area,
            programme: r.get(&self.programme, Table::Programme, "programme")?,
            partner: r.get(&self.partner, Table::Partner, "partner")?,
            funding_stream: r.get(&self.funding_stream, Table::FundingStream, "fundingStream")?,
            wijk: r.get(&self.wijk, Table::Wijk, "wijk")?,
            year: self.year,
            search: search(&self.search),
            ..Filter::default()
        })
    }
}

/// Which goals to list.
#[derive(InputObject, Default)]
pub struct GoalFilter {
    /// Only this area (ID or slug).
    pub area: Option<String>,
    /// Only goals of this programme cluster (ID or slug).
    pub programme: Option<String>,
    /// Only goals of this line (ID or slug).
    pub line: Option<String>,
    /// Only this goal and the goals below it (ID or slug).
    pub under: Option<String>,
    /// Only goals of this level.
    pub level: Option<GoalLevel>,
    /// Only goals a partner works for (ID or slug).
    pub partner: Option<String>,
    /// Only goals with interventions paid by this funding stream (ID or slug).
    pub funding_stream: Option<String>,
    /// Only goals with interventions in this wijk (ID or slug).
    pub wijk: Option<String>,
    /// Only goals with interventions active in this year.
    pub year: Option<i32>,
    /// Text in the name or slug (case and accents ignored).
    pub search: Option<String>,
}

impl ToFilter for GoalFilter {
    fn to_filter(&self, s: &Snapshot) -> Result<Filter> {
        let r = Refs::new(s, &self.area)?;
        Ok(Filter {
            area: r.area,
            programme: r.get(&self.programme, Table::Programme, "programme")?,
            line: r.get(&self.line, Table::Line, "line")?,
            goal: r.get(&self.under, Table::Goal, "under")?,
            goal_level: self.level,
            partner: r.get(&self.partner, Table::Partner, "partner")?,
            funding_stream: r.get(&self.funding_stream, Table::FundingStream, "fundingStream")?,
            wijk: r.get(&self.wijk, Table::Wijk, "wijk")?,
            year: self.year,
            search: search(&self.search),
            ..Filter::default()
        })
    }
}

/// Which interventions to list.
#[derive(InputObject, Default)]
pub struct InterventionFilter {
    /// Only this area (ID or slug).
    pub area: Option<String>,
    /// Only interventions of this programme cluster (ID or slug).
    pub programme: Option<String>,
    /// Only interventions of this line (ID or slug).
    pub line: Option<String>,
    /// Only interventions contributing to this goal or a goal below it (ID or slug).
    pub goal: Option<String>,
    /// Only interventions this partner works on (ID or slug).
    pub partner: Option<String>,
    /// Only interventions with a partner in this role (with `partner`: that partner in it).
    pub role: Option<PartnerRole>,
    /// Only interventions paid (partly) by this funding stream (ID or slug).
    pub funding_stream: Option<String>,
    /// Only interventions in this wijk (ID or slug).
    pub wijk: Option<String>,
    /// Only interventions whose period covers this year; an unknown start or end leaves that
    /// side open.
    pub year: Option<i32>,
    /// Text in the name, slug or aliases (case and accents ignored).
    pub search: Option<String>,
}

impl ToFilter for InterventionFilter {
    fn to_filter(&self, s: &Snapshot) -> Result<Filter> {
        let r = Refs::new(s, &self.area)?;
        Ok(Filter {
            area: r.area,
            programme: r.get(&self.programme, Table::Programme, "programme")?,
            line: r.get(&self.line, Table::Line, "line")?,
            goal: r.get(&self.goal, Table::Goal, "goal")?,
            partner: r.get(&self.partner, Table::Partner, "partner")?,
            role: self.role,
            funding_stream: r.get(&self.funding_stream, Table::FundingStream, "fundingStream")?,
            wijk: r.get(&self.wijk, Table::Wijk, "wijk")?,
            year: self.year,
            search: search(&self.search),
            ..Filter::default()
        })
    }
}

/// Which partners to list.
#[derive(InputObject, Default)]
pub struct PartnerFilter {
    /// Only this area (ID or slug).
    pub area: Option<String>,
    /// Only partners of this kind.
    pub kind: Option<PartnerKind>,
    /// Only partners working in this programme cluster (ID or slug).
    pub programme: Option<String>,
    /// Only partners working in this line (ID or slug).
    pub line: Option<String>,
    /// Only partners working for this goal or a goal below it (ID or slug).
    pub goal: Option<String>,
    /// Only partners sharing an intervention with this partner (ID or slug).
    pub collaborates_with: Option<String>,
    /// Only partners that have this role in some intervention.
    pub role: Option<PartnerRole>,
    /// Only partners on interventions paid by this funding stream (ID or slug).
    pub funding_stream: Option<String>,
    /// Only partners working in this wijk (ID or slug).
    pub wijk: Option<String>,
    /// Only partners with interventions active in this year.
    pub year: Option<i32>,
    /// Text in the name, slug or aliases (case and accents ignored).
    pub search: Option<String>,
}

impl ToFilter for PartnerFilter {
    fn to_filter(&self, s: &Snapshot) -> Result<Filter> {
        let r = Refs::new(s, &self.area)?;
        Ok(Filter {
            area: r.area,
            partner_kind: self.kind,
            programme: r.get(&self.programme, Table::Programme, "programme")?,
            line: r.get(&self.line, Table::Line, "line")?,
            goal: r.get(&self.goal, Table::Goal, "goal")?,
            partner: r.get(&self.collaborates_with, Table::Partner, "collaboratesWith")?,
            role: self.role,
            funding_stream: r.get(&self.funding_stream, Table::FundingStream, "fundingStream")?,
            wijk: r.get(&self.wijk, Table::Wijk, "wijk")?,
            year: self.year,
            search: search(&self.search),
            ..Filter::default()
        })
    }
}

/// Which funding streams to list.
#[derive(InputObject, Default)]
pub struct FundingStreamFilter {
    /// Only this area (ID or slug).
    pub area: Option<String>,
    /// Only streams of this kind.
    pub kind: Option<FundingKind>,
    /// Only streams paying for this programme cluster (ID or slug).
    pub programme: Option<String>,
    /// Only streams paying for this line (ID or slug).
    pub line: Option<String>,
    /// Only streams paying interventions this partner works on (ID or slug).
    pub partner: Option<String>,
    /// Only streams paying interventions in this wijk (ID or slug).
    pub wijk: Option<String>,
    /// Only streams running in this year; an unknown start or end year leaves that side open.
    pub year: Option<i32>,
    /// Text in the name, slug or aliases (case and accents ignored).
    pub search: Option<String>,
}

impl ToFilter for FundingStreamFilter {
    fn to_filter(&self, s: &Snapshot) -> Result<Filter> {
        let r = Refs::new(s, &self.area)?;
        Ok(Filter {
            area: r.area,
            funding_kind: self.kind,
            programme: r.get(&self.programme, Table::Programme, "programme")?,
            line: r.get(&self.line, Table::Line, "line")?,
            partner: r.get(&self.partner, Table::Partner, "partner")?,
            wijk: r.get(&self.wijk, Table::Wijk, "wijk")?,
            year: self.year,
            search: search(&self.search),
            ..Filter::default()
        })
    }
}

/// Which wijken to list.
#[derive(InputObject, Default)]
pub struct WijkFilter {
    /// Only this area (ID or slug).
    pub area: Option<String>,
    /// Only wijken reached by this programme cluster (ID or slug).
    pub programme: Option<String>,
    /// Only wijken a partner works in (ID or slug).
    pub partner: Option<String>,
    /// Only wijken with interventions paid by this funding stream (ID or slug).
    pub funding_stream: Option<String>,
    /// Only wijken with interventions active in this year.
    pub year: Option<i32>,
    /// Text in the name, slug or aliases (case and accents ignored).
    pub search: Option<String>,
}

impl ToFilter for WijkFilter {
    fn to_filter(&self, s: &Snapshot) -> Result<Filter> {
        let r = Refs::new(s, &self.area)?;
        Ok(Filter {
            area: r.area,
            programme: r.get(&self.programme, Table::Programme, "programme")?,
            partner: r.get(&self.partner, Table::Partner, "partner")?,
            funding_stream: r.get(&self.funding_stream, Table::FundingStream, "fundingStream")?,
            year: self.year,
            search: search(&self.search),
            ..Filter::default()
        })
    }
}

/// Narrows an analytic to part of the programme. References take an ID or a slug.
#[derive(InputObject, Default)]
pub struct NetworkFilter {
    /// Only interventions of this programme cluster.
    pub programme: Option<String>,
    /// Only interventions in this wijk.
    pub wijk: Option<String>,
    /// Only interventions paid by this funding stream.
    pub funding_stream: Option<String>,
}

/// The scope of an analytic: an area, a year and optional narrowing.
pub fn analytics_scope(
    snapshot: &Snapshot,
    area: &Option<String>,
    year: Option<i32>,
    filter: Option<&NetworkFilter>,
) -> Result<Filter> {
    let r = Refs::new(snapshot, area)?;
    let empty = NetworkFilter::default();
    let f = filter.unwrap_or(&empty);
    Ok(Filter {
        area: r.area,
        programme: r.get(&f.programme, Table::Programme, "programme")?,
        wijk: r.get(&f.wijk, Table::Wijk, "wijk")?,
        funding_stream: r.get(&f.funding_stream, Table::FundingStream, "fundingStream")?,
        year,
        ..Filter::default()
    })
}
