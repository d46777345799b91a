//! Filter inputs of the list fields. Each node type has its own input with the conditions that
//! make sense for it; references take an ID or a slug. Every input also takes lists of IDs and
//! slugs, ranges on its numbers ([`IntRange`]) and nested `and`/`or`/`not` filters, bounded in
//! depth and size. All of them become one [`crate::graph::Filter`], compiled once per list.

use async_graphql::{ID, InputObject};

use super::connection::MAX_PAGE_SIZE;
use super::{ids, renamed};
use crate::domain::{FundingKind, GoalLevel, Id, PartnerKind, PartnerRole, Table, Undated, fold};
use crate::error::{Error, Result};
use crate::graph::{Filter, Range, Snapshot};

/// How deep `and`, `or` and `not` may nest in one filter argument.
pub const MAX_FILTER_DEPTH: usize = 8;
/// How many filters (nested ones included) one filter argument may hold.
pub const MAX_FILTER_PARTS: usize = 100;
/// How many values one list condition (`idIn`, `slugIn`, `kindIn`, …) may hold.
pub const MAX_FILTER_VALUES: usize = MAX_PAGE_SIZE;
/// The longest text a `search` takes (no name is longer).
pub const MAX_SEARCH_CHARS: usize = 200;

/// Turns a filter input into a graph filter.
pub trait ToFilter {
    /// The graph filter of this input, with its references resolved on the snapshot.
    fn to_filter(&self, snapshot: &Snapshot) -> Result<Filter> {
        self.compile(&mut Compile {
            snapshot,
            area: None,
            depth: 0,
            parts: 0,
        })
    }

    /// The graph filter of this input, nested as `compile` says.
    fn compile(&self, compile: &mut Compile<'_>) -> Result<Filter>;
}

impl<T: ToFilter> ToFilter for Option<T> {
    fn compile(&self, compile: &mut Compile<'_>) -> Result<Filter> {
        self.as_ref()
            .map_or_else(|| Ok(Filter::default()), |f| f.compile(compile))
    }
}

/// The state of compiling one filter argument: the snapshot references resolve on, the area
/// slugs resolve in (a nested filter inherits its parent's), how deep the filter nests here and
/// how many filters it held so far.
pub struct Compile<'a> {
    snapshot: &'a Snapshot,
    area: Option<Id>,
    depth: usize,
    parts: usize,
}

/// The conditions every filter input has besides its own.
struct Common<'x, T> {
    table: Table,
    id_in: &'x Option<Vec<ID>>,
    slug_in: &'x Option<Vec<String>>,
    and: &'x Option<Vec<T>>,
    or: &'x Option<Vec<T>>,
    not: &'x Option<Box<T>>,
}

fn too_many<T>(values: &Option<Vec<T>>, field: &str) -> Result<()> {
    match values {
        Some(values) if values.len() > MAX_FILTER_VALUES => Err(Error::invalid(
            field,
            format!("at most {MAX_FILTER_VALUES} values"),
        )),
        _ => Ok(()),
    }
}

fn list<T: Copy>(values: &Option<Vec<T>>, field: &str) -> Result<Option<Vec<T>>> {
    too_many(values, field)?;
    Ok(values.clone())
}

impl Compile<'_> {
    /// Compiles one filter input: its area, its own conditions (`own`, given the references
    /// resolver), its ID and slug lists and its nested filters.
    fn node<T: ToFilter>(
        &mut self,
        area: &Option<String>,
        common: Common<'_, T>,
        own: impl FnOnce(&Refs<'_>) -> Result<Filter>,
    ) -> Result<Filter> {
        self.parts += 1;
        if self.parts > MAX_FILTER_PARTS {
            return Err(Error::invalid(
                "filter",
                format!("a filter may hold at most {MAX_FILTER_PARTS} filters in and/or/not"),
            ));
        }
        let refs = Refs::new(self.snapshot, area, self.area)?;
        let mut filter = own(&refs)?;
        filter.ids = self.ids(&refs, &common)?;
        let (and, or, not) = (common.and, common.or, common.not);
        if and.is_some() || or.is_some() || not.is_some() {
            if self.depth >= MAX_FILTER_DEPTH {
                return Err(Error::invalid(
                    "filter",
                    format!("and/or/not may nest at most {MAX_FILTER_DEPTH} levels deep"),
                ));
            }
            let outer = self.area;
            self.area = refs.scope;
            self.depth += 1;
            let nested = self.nested(and, or, not);
            self.depth -= 1;
            self.area = outer;
            let (all, any, not) = nested?;
            filter.all = all;
            filter.any = any;
            filter.not = not;
        }
        Ok(filter)
    }

    #[allow(clippy::type_complexity)]
    fn nested<T: ToFilter>(
        &mut self,
        and: &Option<Vec<T>>,
        or: &Option<Vec<T>>,
        not: &Option<Box<T>>,
    ) -> Result<(Vec<Filter>, Option<Vec<Filter>>, Option<Box<Filter>>)> {
        let all = and
            .iter()
            .flatten()
            .map(|f| f.compile(self))
            .collect::<Result<Vec<_>>>()?;
        let any = or
            .as_ref()
            .map(|or| {
                or.iter()
                    .map(|f| f.compile(self))
                    .collect::<Result<Vec<_>>>()
            })
            .transpose()?;
        let not = not
            .as_ref()
            .map(|f| f.compile(self).map(Box::new))
            .transpose()?;
        Ok((all, any, not))
    }

    /// The `undated` mode of a filter input: its own on the outermost filter (EXCLUDE when
    /// not given), refused on a nested one, where it would contradict the outer mode.
    fn undated(&self, undated: Option<Undated>) -> Result<Undated> {
        match undated {
            Some(_) if self.depth > 0 => Err(Error::invalid(
                "undated",
                "set undated on the outermost filter only; it governs the nested filters' years too",
            )),
            mode => Ok(mode.unwrap_or_default()),
        }
    }

    /// The nodes `idIn` and `slugIn` allow (both when both are given), sorted.
    fn ids<T>(&self, refs: &Refs<'_>, common: &Common<'_, T>) -> Result<Option<Vec<Id>>> {
        too_many(common.id_in, "idIn")?;
        too_many(common.slug_in, "slugIn")?;
        let by_id: Option<Vec<Id>> = common
            .id_in
            .as_ref()
            .map(|ids| {
                ids.iter()
                    .map(|id| ids::expect(id, common.table, "idIn"))
                    .collect::<Result<_>>()
            })
            .transpose()?;
        // A slug names a node in each area that uses it; an unknown slug matches nothing.
        let by_slug: Option<Vec<Id>> = common.slug_in.as_ref().map(|slugs| {
            let s = self.snapshot;
            let areas: Vec<Id> = match refs.scope {
                Some(area) => vec![area],
                None => s.data.areas.keys().copied().collect(),
            };
            slugs
                .iter()
                .flat_map(|slug| {
                    areas
                        .iter()
                        .filter_map(|&area| s.by_slug(common.table, area, slug))
                })
                .collect()
        });
        let sorted = |mut ids: Vec<Id>| {
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        Ok(match (by_id.map(sorted), by_slug.map(sorted)) {
            (Some(a), Some(b)) => Some(a.into_iter().filter(|id| b.contains(id)).collect()),
            (a, b) => a.or(b),
        })
    }
}

/// Resolves the references of one filter; slugs resolve within the filter's area, or the
/// area of the filter it is nested in.
struct Refs<'a> {
    snapshot: &'a Snapshot,
    /// The filter's own area.
    area: Option<Id>,
    /// The area slugs resolve in.
    scope: Option<Id>,
}

impl<'a> Refs<'a> {
    fn new(snapshot: &'a Snapshot, area: &Option<String>, outer: Option<Id>) -> Result<Self> {
        let area = area
            .as_deref()
            .map(|a| ids::resolve(snapshot, a, Table::Area, None, "area"))
            .transpose()?;
        Ok(Refs {
            snapshot,
            area,
            scope: area.or(outer),
        })
    }

    /// The cluster given as `cluster` or as the deprecated `programme` (see [`renamed`]).
    fn cluster(&self, cluster: &Option<String>, programme: &Option<String>) -> Result<Option<Id>> {
        renamed(
            self.get(cluster, Table::Programme, "cluster")?,
            self.get(programme, Table::Programme, "programme")?,
            "cluster",
            "programme",
        )
    }

    fn get(&self, value: &Option<String>, table: Table, field: &str) -> Result<Option<Id>> {
        value
            .as_deref()
            .map(|v| ids::resolve(self.snapshot, v, table, self.scope, field))
            .transpose()
    }
}

/// The range given as `clusterCount` or as the deprecated `programmeCount` (see [`renamed`]).
fn cluster_count(new: Option<IntRange>, old: Option<IntRange>) -> Result<Option<Range>> {
    Ok(range(&renamed(new, old, "clusterCount", "programmeCount")?))
}

/// The folded text of a `search`, refused when longer than any name could be.
fn search(text: &Option<String>) -> Result<Option<String>> {
    let Some(text) = text.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > MAX_SEARCH_CHARS {
        return Err(Error::invalid(
            "search",
            format!("at most {MAX_SEARCH_CHARS} characters"),
        ));
    }
    Ok(Some(fold(text)))
}

/// Conditions on a whole number, all of which must hold: `{ lte: 2026 }`, `{ gte: 2, lt: 5 }`.
/// A comparison never holds for an unknown value; `isNull: true` asks for unknown values only,
/// `isNull: false` for known values only. An empty range allows every value.
#[derive(InputObject, Clone, Copy, Debug, Default, PartialEq)]
pub struct IntRange {
    /// Equal to this.
    pub eq: Option<i64>,
    /// Less than this.
    pub lt: Option<i64>,
    /// Less than or equal to this.
    pub lte: Option<i64>,
    /// Greater than this.
    pub gt: Option<i64>,
    /// Greater than or equal to this.
    pub gte: Option<i64>,
    /// Unknown (`true`) or known (`false`).
    pub is_null: Option<bool>,
}

fn range(r: &Option<IntRange>) -> Option<Range> {
    r.map(|r| Range {
        eq: r.eq,
        lt: r.lt,
        lte: r.lte,
        gt: r.gt,
        gte: r.gte,
        is_null: r.is_null,
    })
}

/// The [`Common`] conditions of a filter input.
macro_rules! common {
    ($input:ident, $table:expr) => {
        Common {
            table: $table,
            id_in: &$input.id_in,
            slug_in: &$input.slug_in,
            and: &$input.and,
            or: &$input.or,
            not: &$input.not,
        }
    };
}

/// Which areas to list.
#[derive(InputObject, Default)]
pub struct AreaFilter {
    /// Text in the name or slug (case and accents ignored).
    pub search: Option<String>,
    /// Only these areas (IDs).
    pub id_in: Option<Vec<ID>>,
    /// Only areas with one of these slugs (in the filter's area, else in any area); an
    /// unknown slug matches nothing.
    pub slug_in: Option<Vec<String>>,
    /// Each of these filters holds too.
    pub and: Option<Vec<AreaFilter>>,
    /// At least one of these filters holds too.
    pub or: Option<Vec<AreaFilter>>,
    /// This filter does not hold.
    pub not: Option<Box<AreaFilter>>,
}

impl ToFilter for AreaFilter {
    fn compile(&self, c: &mut Compile<'_>) -> Result<Filter> {
        c.node(&None, common!(self, Table::Area), |_| {
            Ok(Filter {
                search: search(&self.search)?,
                ..Filter::default()
            })
        })
    }
}

/// Which clusters to list.
#[derive(InputObject, Default)]
#[graphql(name = "ClusterFilter")]
pub struct ProgrammeFilter {
    /// Only this area (ID or slug).
    pub area: Option<String>,
    /// Only clusters a partner works in (ID or slug).
    pub partner: Option<String>,
    /// Only clusters with interventions paid by this funding stream (ID or slug).
    pub funding_stream: Option<String>,
    /// Only clusters with interventions in this wijk (ID or slug).
    pub wijk: Option<String>,
    /// Only clusters with interventions known to be active in this year (see `undated`).
    pub year: Option<i32>,
    /// With `year`: what to do with what the document does not date in full, so that it
    /// may be active in the year but is not known to be. EXCLUDE (the default) leaves it out,
    /// INCLUDE keeps it beside what is known to be active, ONLY keeps just it. Governs the
    /// nested filters' years too; set it on the outermost filter only.
    pub undated: Option<Undated>,
    /// Text in the name or slug (case and accents ignored).
    pub search: Option<String>,
    /// Only those with a number of interventions in this range (as `INTERVENTION_COUNT`
    /// counts them).
    pub intervention_count: Option<IntRange>,
    /// Only those with a number of partners in this range (as `PARTNER_COUNT` counts them).
    pub partner_count: Option<IntRange>,
    /// Only these clusters (IDs).
    pub id_in: Option<Vec<ID>>,
    /// Only clusters with one of these slugs (in the filter's area, else in any area); an unknown
    /// slug matches nothing.
    pub slug_in: Option<Vec<String>>,
    /// Each of these filters holds too.
    pub and: Option<Vec<ProgrammeFilter>>,
    /// At least one of these filters holds too.
    pub or: Option<Vec<ProgrammeFilter>>,
    /// This filter does not hold.
    pub not: Option<Box<ProgrammeFilter>>,
}

impl ToFilter for ProgrammeFilter {
    fn compile(&self, c: &mut Compile<'_>) -> Result<Filter> {
        let undated = c.undated(self.undated)?;
        c.node(&self.area, common!(self, Table::Programme), |r| {
            Ok(Filter {
                area: r.area,
                partner: r.get(&self.partner, Table::Partner, "partner")?,
                funding_stream: r.get(
                    &self.funding_stream,
                    Table::FundingStream,
                    "fundingStream",
                )?,
                wijk: r.get(&self.wijk, Table::Wijk, "wijk")?,
                year: self.year,
                undated,
                search: search(&self.search)?,
                intervention_count: range(&self.intervention_count),
                partner_count: range(&self.partner_count),
                ..Filter::default()
            })
        })
    }
}

/// Which lines (lijnen / pijlers) to list.
#[derive(InputObject, Default)]
pub struct LineFilter {
    /// Only this area (ID or slug).
    pub area: Option<String>,
    /// Only lines of this cluster (ID or slug).
    pub cluster: Option<String>,
    /// Only lines of this cluster (ID or slug).
    #[graphql(deprecation = "Use `cluster` instead.")]
    pub programme: Option<String>,
    /// Only lines a partner works in (ID or slug).
    pub partner: Option<String>,
    /// Only lines with interventions paid by this funding stream (ID or slug).
    pub funding_stream: Option<String>,
    /// Only lines with interventions in this wijk (ID or slug).
    pub wijk: Option<String>,
    /// Only lines with interventions known to be active in this year (see `undated`).
    pub year: Option<i32>,
    /// With `year`: what to do with what the document does not date in full, so that it
    /// may be active in the year but is not known to be. EXCLUDE (the default) leaves it out,
    /// INCLUDE keeps it beside what is known to be active, ONLY keeps just it. Governs the
    /// nested filters' years too; set it on the outermost filter only.
    pub undated: Option<Undated>,
    /// Text in the name or slug (case and accents ignored).
    pub search: Option<String>,
    /// Only those with a number of interventions in this range (as `INTERVENTION_COUNT`
    /// counts them).
    pub intervention_count: Option<IntRange>,
    /// Only those with a number of partners in this range (as `PARTNER_COUNT` counts them).
    pub partner_count: Option<IntRange>,
    /// Only these lines (IDs).
    pub id_in: Option<Vec<ID>>,
    /// Only lines with one of these slugs (in the filter's area, else in any area); an
    /// unknown slug matches nothing.
    pub slug_in: Option<Vec<String>>,
    /// Each of these filters holds too.
    pub and: Option<Vec<LineFilter>>,
    /// At least one of these filters holds too.
    pub or: Option<Vec<LineFilter>>,
    /// This filter does not hold.
    pub not: Option<Box<LineFilter>>,
}

impl ToFilter for LineFilter {
    fn compile(&self, c: &mut Compile<'_>) -> Result<Filter> {
        let undated = c.undated(self.undated)?;
        c.node(&self.area, common!(self, Table::Line), |r| {
            Ok(Filter {
                area: r.area,
                programme: r.cluster(&self.cluster, &self.programme)?,
                partner: r.get(&self.partner, Table::Partner, "partner")?,
                funding_stream: r.get(
                    &self.funding_stream,
                    Table::FundingStream,
                    "fundingStream",
                )?,
                wijk: r.get(&self.wijk, Table::Wijk, "wijk")?,
                year: self.year,
                undated,
                search: search(&self.search)?,
                intervention_count: range(&self.intervention_count),
                partner_count: range(&self.partner_count),
                ..Filter::default()
            })
        })
    }
}

/// Which goals to list.
#[derive(InputObject, Default)]
pub struct GoalFilter {
    /// Only this area (ID or slug).
    pub area: Option<String>,
    /// Only goals of this cluster (ID or slug).
    pub cluster: Option<String>,
    /// Only goals of this cluster (ID or slug).
    #[graphql(deprecation = "Use `cluster` instead.")]
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
    /// Only goals with interventions known to be active in this year (see `undated`).
    pub year: Option<i32>,
    /// With `year`: what to do with what the document does not date in full, so that it
    /// may be active in the year but is not known to be. EXCLUDE (the default) leaves it out,
    /// INCLUDE keeps it beside what is known to be active, ONLY keeps just it. Governs the
    /// nested filters' years too; set it on the outermost filter only.
    pub undated: Option<Undated>,
    /// Text in the name or slug (case and accents ignored).
    pub search: Option<String>,
    /// Only goals of one of these levels.
    pub level_in: Option<Vec<GoalLevel>>,
    /// Only those with a number of interventions in this range (as `INTERVENTION_COUNT`
    /// counts them).
    pub intervention_count: Option<IntRange>,
    /// Only those with a number of partners in this range (as `PARTNER_COUNT` counts them).
    pub partner_count: Option<IntRange>,
    /// Only these goals (IDs).
    pub id_in: Option<Vec<ID>>,
    /// Only goals with one of these slugs (in the filter's area, else in any area); an
    /// unknown slug matches nothing.
    pub slug_in: Option<Vec<String>>,
    /// Each of these filters holds too.
    pub and: Option<Vec<GoalFilter>>,
    /// At least one of these filters holds too.
    pub or: Option<Vec<GoalFilter>>,
    /// This filter does not hold.
    pub not: Option<Box<GoalFilter>>,
}

impl ToFilter for GoalFilter {
    fn compile(&self, c: &mut Compile<'_>) -> Result<Filter> {
        let undated = c.undated(self.undated)?;
        c.node(&self.area, common!(self, Table::Goal), |r| {
            Ok(Filter {
                area: r.area,
                programme: r.cluster(&self.cluster, &self.programme)?,
                line: r.get(&self.line, Table::Line, "line")?,
                goal: r.get(&self.under, Table::Goal, "under")?,
                goal_level: self.level,
                partner: r.get(&self.partner, Table::Partner, "partner")?,
                funding_stream: r.get(
                    &self.funding_stream,
                    Table::FundingStream,
                    "fundingStream",
                )?,
                wijk: r.get(&self.wijk, Table::Wijk, "wijk")?,
                year: self.year,
                undated,
                search: search(&self.search)?,
                goal_levels: list(&self.level_in, "levelIn")?,
                intervention_count: range(&self.intervention_count),
                partner_count: range(&self.partner_count),
                ..Filter::default()
            })
        })
    }
}

/// Which interventions to list.
#[derive(InputObject, Default)]
pub struct InterventionFilter {
    /// Only this area (ID or slug).
    pub area: Option<String>,
    /// Only interventions of this cluster (ID or slug).
    pub cluster: Option<String>,
    /// Only interventions of this cluster (ID or slug).
    #[graphql(deprecation = "Use `cluster` instead.")]
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
    /// Only interventions whose period is known to cover this year (see `undated` for those
    /// whose period the document does not give in full).
    pub year: Option<i32>,
    /// With `year`: what to do with what the document does not date in full, so that it
    /// may be active in the year but is not known to be. EXCLUDE (the default) leaves it out,
    /// INCLUDE keeps it beside what is known to be active, ONLY keeps just it. Governs the
    /// nested filters' years too; set it on the outermost filter only.
    pub undated: Option<Undated>,
    /// Text in the name, slug or aliases (case and accents ignored).
    pub search: Option<String>,
    /// Only those whose first year is in this range (`{ isNull: true }`: unknown).
    pub start_year: Option<IntRange>,
    /// Only those whose last year is in this range (`{ lte: 2026 }`: ending in 2026 or
    /// before; `{ isNull: true }`: unknown).
    pub end_year: Option<IntRange>,
    /// Only those with a number of partners in this range (as `PARTNER_COUNT` counts them).
    pub partner_count: Option<IntRange>,
    /// Only those reaching a number of clusters in this range (as
    /// `CLUSTER_COUNT` counts them).
    pub cluster_count: Option<IntRange>,
    /// Only those reaching a number of clusters in this range (as
    /// `CLUSTER_COUNT` counts them).
    #[graphql(deprecation = "Use `clusterCount` instead.")]
    pub programme_count: Option<IntRange>,
    /// Only these interventions (IDs).
    pub id_in: Option<Vec<ID>>,
    /// Only interventions with one of these slugs (in the filter's area, else in any area); an
    /// unknown slug matches nothing.
    pub slug_in: Option<Vec<String>>,
    /// Each of these filters holds too.
    pub and: Option<Vec<InterventionFilter>>,
    /// At least one of these filters holds too.
    pub or: Option<Vec<InterventionFilter>>,
    /// This filter does not hold.
    pub not: Option<Box<InterventionFilter>>,
}

impl ToFilter for InterventionFilter {
    fn compile(&self, c: &mut Compile<'_>) -> Result<Filter> {
        let undated = c.undated(self.undated)?;
        c.node(&self.area, common!(self, Table::Intervention), |r| {
            Ok(Filter {
                area: r.area,
                programme: r.cluster(&self.cluster, &self.programme)?,
                line: r.get(&self.line, Table::Line, "line")?,
                goal: r.get(&self.goal, Table::Goal, "goal")?,
                partner: r.get(&self.partner, Table::Partner, "partner")?,
                role: self.role,
                funding_stream: r.get(
                    &self.funding_stream,
                    Table::FundingStream,
                    "fundingStream",
                )?,
                wijk: r.get(&self.wijk, Table::Wijk, "wijk")?,
                year: self.year,
                undated,
                search: search(&self.search)?,
                start_year: range(&self.start_year),
                end_year: range(&self.end_year),
                partner_count: range(&self.partner_count),
                programme_count: cluster_count(self.cluster_count, self.programme_count)?,
                ..Filter::default()
            })
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
    /// Only partners working in this cluster (ID or slug).
    pub cluster: Option<String>,
    /// Only partners working in this cluster (ID or slug).
    #[graphql(deprecation = "Use `cluster` instead.")]
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
    /// Only partners with interventions known to be active in this year (see `undated`).
    pub year: Option<i32>,
    /// With `year`: what to do with what the document does not date in full, so that it
    /// may be active in the year but is not known to be. EXCLUDE (the default) leaves it out,
    /// INCLUDE keeps it beside what is known to be active, ONLY keeps just it. Governs the
    /// nested filters' years too; set it on the outermost filter only.
    pub undated: Option<Undated>,
    /// Text in the name, slug or aliases (case and accents ignored).
    pub search: Option<String>,
    /// Only partners of one of these kinds.
    pub kind_in: Option<Vec<PartnerKind>>,
    /// Only those with a number of interventions in this range (as `INTERVENTION_COUNT`
    /// counts them).
    pub intervention_count: Option<IntRange>,
    /// Only those reaching a number of clusters in this range (as
    /// `CLUSTER_COUNT` counts them).
    pub cluster_count: Option<IntRange>,
    /// Only those reaching a number of clusters in this range (as
    /// `CLUSTER_COUNT` counts them).
    #[graphql(deprecation = "Use `clusterCount` instead.")]
    pub programme_count: Option<IntRange>,
    /// Only these partners (IDs).
    pub id_in: Option<Vec<ID>>,
    /// Only partners with one of these slugs (in the filter's area, else in any area); an
    /// unknown slug matches nothing.
    pub slug_in: Option<Vec<String>>,
    /// Each of these filters holds too.
    pub and: Option<Vec<PartnerFilter>>,
    /// At least one of these filters holds too.
    pub or: Option<Vec<PartnerFilter>>,
    /// This filter does not hold.
    pub not: Option<Box<PartnerFilter>>,
}

impl ToFilter for PartnerFilter {
    fn compile(&self, c: &mut Compile<'_>) -> Result<Filter> {
        let undated = c.undated(self.undated)?;
        c.node(&self.area, common!(self, Table::Partner), |r| {
            Ok(Filter {
                area: r.area,
                partner_kind: self.kind,
                programme: r.cluster(&self.cluster, &self.programme)?,
                line: r.get(&self.line, Table::Line, "line")?,
                goal: r.get(&self.goal, Table::Goal, "goal")?,
                partner: r.get(&self.collaborates_with, Table::Partner, "collaboratesWith")?,
                role: self.role,
                funding_stream: r.get(
                    &self.funding_stream,
                    Table::FundingStream,
                    "fundingStream",
                )?,
                wijk: r.get(&self.wijk, Table::Wijk, "wijk")?,
                year: self.year,
                undated,
                search: search(&self.search)?,
                partner_kinds: list(&self.kind_in, "kindIn")?,
                intervention_count: range(&self.intervention_count),
                programme_count: cluster_count(self.cluster_count, self.programme_count)?,
                ..Filter::default()
            })
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
    /// Only streams paying for this cluster (ID or slug).
    pub cluster: Option<String>,
    /// Only streams paying for this cluster (ID or slug).
    #[graphql(deprecation = "Use `cluster` instead.")]
    pub programme: Option<String>,
    /// Only streams paying for this line (ID or slug).
    pub line: Option<String>,
    /// Only streams paying interventions this partner works on (ID or slug).
    pub partner: Option<String>,
    /// Only streams paying interventions in this wijk (ID or slug).
    pub wijk: Option<String>,
    /// Only streams known to run in this year (see `undated` for those whose years the
    /// document does not give in full).
    pub year: Option<i32>,
    /// With `year`: what to do with what the document does not date in full, so that it
    /// may be active in the year but is not known to be. EXCLUDE (the default) leaves it out,
    /// INCLUDE keeps it beside what is known to be active, ONLY keeps just it. Governs the
    /// nested filters' years too; set it on the outermost filter only.
    pub undated: Option<Undated>,
    /// Text in the name, slug or aliases (case and accents ignored).
    pub search: Option<String>,
    /// Only streams of one of these kinds.
    pub kind_in: Option<Vec<FundingKind>>,
    /// Only those whose first year is in this range (`{ isNull: true }`: unknown).
    pub start_year: Option<IntRange>,
    /// Only those whose last year is in this range (`{ lte: 2026 }`: ending in 2026 or
    /// before; `{ isNull: true }`: unknown).
    pub end_year: Option<IntRange>,
    /// Only streams whose total amount in euros is in this range.
    pub amount_eur: Option<IntRange>,
    /// Only those with a number of interventions in this range (as `INTERVENTION_COUNT`
    /// counts them).
    pub intervention_count: Option<IntRange>,
    /// Only those with a number of partners in this range (as `PARTNER_COUNT` counts them).
    pub partner_count: Option<IntRange>,
    /// Only those reaching a number of clusters in this range (as
    /// `CLUSTER_COUNT` counts them).
    pub cluster_count: Option<IntRange>,
    /// Only those reaching a number of clusters in this range (as
    /// `CLUSTER_COUNT` counts them).
    #[graphql(deprecation = "Use `clusterCount` instead.")]
    pub programme_count: Option<IntRange>,
    /// Only these funding streams (IDs).
    pub id_in: Option<Vec<ID>>,
    /// Only funding streams with one of these slugs (in the filter's area, else in any area); an
    /// unknown slug matches nothing.
    pub slug_in: Option<Vec<String>>,
    /// Each of these filters holds too.
    pub and: Option<Vec<FundingStreamFilter>>,
    /// At least one of these filters holds too.
    pub or: Option<Vec<FundingStreamFilter>>,
    /// This filter does not hold.
    pub not: Option<Box<FundingStreamFilter>>,
}

impl ToFilter for FundingStreamFilter {
    fn compile(&self, c: &mut Compile<'_>) -> Result<Filter> {
        let undated = c.undated(self.undated)?;
        c.node(&self.area, common!(self, Table::FundingStream), |r| {
            Ok(Filter {
                area: r.area,
                funding_kind: self.kind,
                programme: r.cluster(&self.cluster, &self.programme)?,
                line: r.get(&self.line, Table::Line, "line")?,
                partner: r.get(&self.partner, Table::Partner, "partner")?,
                wijk: r.get(&self.wijk, Table::Wijk, "wijk")?,
                year: self.year,
                undated,
                search: search(&self.search)?,
                funding_kinds: list(&self.kind_in, "kindIn")?,
                start_year: range(&self.start_year),
                end_year: range(&self.end_year),
                amount: range(&self.amount_eur),
                intervention_count: range(&self.intervention_count),
                partner_count: range(&self.partner_count),
                programme_count: cluster_count(self.cluster_count, self.programme_count)?,
                ..Filter::default()
            })
        })
    }
}

/// Which wijken to list.
#[derive(InputObject, Default)]
pub struct WijkFilter {
    /// Only this area (ID or slug).
    pub area: Option<String>,
    /// Only wijken reached by this cluster (ID or slug).
    pub cluster: Option<String>,
    /// Only wijken reached by this cluster (ID or slug).
    #[graphql(deprecation = "Use `cluster` instead.")]
    pub programme: Option<String>,
    /// Only wijken a partner works in (ID or slug).
    pub partner: Option<String>,
    /// Only wijken with interventions paid by this funding stream (ID or slug).
    pub funding_stream: Option<String>,
    /// Only wijken with interventions known to be active in this year (see `undated`).
    pub year: Option<i32>,
    /// With `year`: what to do with what the document does not date in full, so that it
    /// may be active in the year but is not known to be. EXCLUDE (the default) leaves it out,
    /// INCLUDE keeps it beside what is known to be active, ONLY keeps just it. Governs the
    /// nested filters' years too; set it on the outermost filter only.
    pub undated: Option<Undated>,
    /// Text in the name, slug or aliases (case and accents ignored).
    pub search: Option<String>,
    /// Only those with a number of interventions in this range (as `INTERVENTION_COUNT`
    /// counts them).
    pub intervention_count: Option<IntRange>,
    /// Only those with a number of partners in this range (as `PARTNER_COUNT` counts them).
    pub partner_count: Option<IntRange>,
    /// Only those reaching a number of clusters in this range (as
    /// `CLUSTER_COUNT` counts them).
    pub cluster_count: Option<IntRange>,
    /// Only those reaching a number of clusters in this range (as
    /// `CLUSTER_COUNT` counts them).
    #[graphql(deprecation = "Use `clusterCount` instead.")]
    pub programme_count: Option<IntRange>,
    /// Only these wijken (IDs).
    pub id_in: Option<Vec<ID>>,
    /// Only wijken with one of these slugs (in the filter's area, else in any area); an
    /// unknown slug matches nothing.
    pub slug_in: Option<Vec<String>>,
    /// Each of these filters holds too.
    pub and: Option<Vec<WijkFilter>>,
    /// At least one of these filters holds too.
    pub or: Option<Vec<WijkFilter>>,
    /// This filter does not hold.
    pub not: Option<Box<WijkFilter>>,
}

impl ToFilter for WijkFilter {
    fn compile(&self, c: &mut Compile<'_>) -> Result<Filter> {
        let undated = c.undated(self.undated)?;
        c.node(&self.area, common!(self, Table::Wijk), |r| {
            Ok(Filter {
                area: r.area,
                programme: r.cluster(&self.cluster, &self.programme)?,
                partner: r.get(&self.partner, Table::Partner, "partner")?,
                funding_stream: r.get(
                    &self.funding_stream,
                    Table::FundingStream,
                    "fundingStream",
                )?,
                year: self.year,
                undated,
                search: search(&self.search)?,
                intervention_count: range(&self.intervention_count),
                partner_count: range(&self.partner_count),
                programme_count: cluster_count(self.cluster_count, self.programme_count)?,
                ..Filter::default()
            })
        })
    }
}

/// Narrows an analytic to part of the programme. References take an ID or a slug.
#[derive(InputObject, Default)]
pub struct NetworkFilter {
    /// Only interventions of this cluster.
    pub cluster: Option<String>,
    /// Only interventions of this cluster.
    #[graphql(deprecation = "Use `cluster` instead.")]
    pub programme: Option<String>,
    /// Only interventions in this wijk.
    pub wijk: Option<String>,
    /// Only interventions paid by this funding stream.
    pub funding_stream: Option<String>,
    /// With `year`: what to do with interventions (and streams) the document does not date in
    /// full. EXCLUDE (the default) leaves them out, INCLUDE keeps them beside what is known to
    /// be active, ONLY keeps just them.
    pub undated: Option<Undated>,
}

/// The scope of an analytic: an area, a year and optional narrowing. Without an area while
/// several are loaded it is refused ([`area_needed`](crate::graph::refs::area_needed)).
pub fn analytics_scope(
    snapshot: &Snapshot,
    area: &Option<String>,
    year: Option<i32>,
    filter: Option<&NetworkFilter>,
) -> Result<Filter> {
    let cluster = renamed(
        filter.and_then(|f| f.cluster.as_deref()),
        filter.and_then(|f| f.programme.as_deref()),
        "cluster",
        "programme",
    )?;
    let scope = crate::graph::refs::scope(
        snapshot,
        &crate::graph::refs::ScopeRefs {
            area: area.as_deref(),
            programme: cluster,
            wijk: filter.and_then(|f| f.wijk.as_deref()),
            funding_stream: filter.and_then(|f| f.funding_stream.as_deref()),
            year,
            undated: filter.and_then(|f| f.undated).unwrap_or_default(),
        },
    )?;
    if scope.area.is_none() && snapshot.data.areas.len() > 1 {
        return Err(crate::graph::refs::area_needed(snapshot));
    }
    Ok(scope)
}
