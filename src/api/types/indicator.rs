//! Indicators and measurements: what the plan aims for, what was achieved, and the progress
//! between the two — per indicator, rolled up for any node, and per funding stream.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use chrono::NaiveDate;

use super::{Area, Goal, Intervention, Line, Wijk, required};
use super::{DeletedNode, by_slug, delete, loaded_one, node_object, reference};
use crate::api::connection::{Connection, OrderBy, PageArgs, order_of, paginate};
use crate::api::time::DateTime;
use crate::api::{OrGql, ids, snapshot};
use crate::domain::{
    self, Direction, Id, Measure, ProgressStatus, QualitativeStatus, Quantity, Row, Table,
    TargetNote, fold,
};
use crate::error::{Error, Problem};
use crate::graph::{Filter, Snapshot, today};

node_object!(Indicator, indicators);
node_object!(Measurement, measurements);

/// An indicator's starting value.
#[derive(SimpleObject)]
pub struct Baseline {
    /// The value.
    pub value: f64,
    /// The year it was measured, where the document gives one.
    pub year: Option<i32>,
}

/// A target value for a period of years; as an input, `TargetInput`.
#[derive(SimpleObject, InputObject)]
#[graphql(input_name = "TargetInput")]
pub struct IndicatorTarget {
    /// The value aimed for.
    pub value: f64,
    /// How the document words it: circa, minimaal, maximaal …
    pub qualifier: Option<String>,
    /// The first year of the period (the indicator's own when left out).
    pub start_year: Option<i32>,
    /// The last year of the period (the indicator's own when left out).
    pub end_year: Option<i32>,
}

/// Where an indicator stands: its latest result against the target of its period and the
/// linear path from the baseline to that target.
#[derive(SimpleObject)]
pub struct IndicatorProgress {
    /// The latest measured value for the indicator as a whole (the area, or the indicator's
    /// own wijk); null when there is none or the indicator is qualitative.
    pub latest_value: Option<f64>,
    /// The latest reported status of a qualitative indicator.
    pub latest_status: Option<QualitativeStatus>,
    /// The last day of the latest measured period (ISO date).
    pub latest_period_end: Option<String>,
    /// The target the latest value is held to: that of the period it falls in, else that of
    /// the last period before it.
    pub target: Option<f64>,
    /// The share of the way from the baseline (0 for a count without one) to the target that
    /// the latest value has come: 1 is the target reached. Null without a value or target, or
    /// when the target equals the baseline.
    pub ratio: Option<f64>,
    /// The value a linear path from the baseline at the start of the target's period to the
    /// target at its end expects today; null without a period or starting point.
    pub expected: Option<f64>,
    /// The value the same path expects at the end of the latest measured period: what the
    /// status holds the latest value to.
    pub expected_at_latest: Option<f64>,
    /// Which way is better: the indicator's own direction, else lower when the target lies
    /// below the baseline, else higher.
    pub direction: Direction,
    /// On track, behind, achieved — or why that cannot be said (no data, no target, undated).
    pub status: ProgressStatus,
}

/// The progress of the indicators that speak for a node, counted by status.
#[derive(SimpleObject)]
pub struct ProgressSummary {
    /// How many indicators speak for the node.
    pub indicators: i32,
    /// Indicators whose latest value meets the target.
    pub achieved: i32,
    /// Indicators on the path to their target.
    pub on_track: i32,
    /// Indicators behind the path to their target.
    pub behind: i32,
    /// Qualitative indicators reported as not started.
    pub not_started: i32,
    /// Indicators with a target but no measurement.
    pub no_data: i32,
    /// Indicators without a target value.
    pub no_target: i32,
    /// Indicators with a value and a target but no period or baseline to judge by.
    pub undated: i32,
    /// The share of the judged indicators (achieved, on track, behind, not started) that are
    /// achieved or on track; null when none was judged.
    pub share_on_track: Option<f64>,
    /// Indicators without a measurement whose period ended in the last `staleAfterMonths`
    /// months.
    pub without_recent_measurement: i32,
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl ProgressSummary {
    fn of(r: &domain::Rollup) -> ProgressSummary {
        ProgressSummary {
            indicators: count(r.indicators),
            achieved: count(r.achieved),
            on_track: count(r.on_track),
            behind: count(r.behind),
            not_started: count(r.not_started),
            no_data: count(r.no_data),
            no_target: count(r.no_target),
            undated: count(r.undated),
            share_on_track: r.share_on_track(),
            without_recent_measurement: count(r.stale),
        }
    }
}

/// The progress summary of a node, with `months` checked.
pub fn summary_of(s: &Snapshot, node: Id, months: i32) -> crate::error::Result<ProgressSummary> {
    let months = u32::try_from(months)
        .ok()
        .filter(|m| (1..=120).contains(m))
        .ok_or_else(|| Error::invalid("staleAfterMonths", "must be from 1 to 120"))?;
    Ok(ProgressSummary::of(&s.rollup(node, today(), months)))
}

/// An indicator: what the plan aims for on an intervention, goal or line, and how it is
/// followed.
#[Object]
impl Indicator {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(Table::Indicator, self.r.id)
    }
    /// 1 when the node was created, one more with every change (its targets included).
    pub async fn version(&self) -> i64 {
        self.s.data.version_of(self.r.id)
    }
    /// When the node was created (RFC 3339, UTC). For records older than this release, when
    /// the database was upgraded.
    pub async fn created_at(&self) -> Result<DateTime> {
        Ok(DateTime(self.stamps()?.created))
    }
    /// When the node's own record last changed: when `version` last rose (links to and from
    /// it do not count). Equal to `createdAt` until the first change.
    pub async fn updated_at(&self) -> Result<DateTime> {
        Ok(DateTime(self.stamps()?.updated))
    }
    /// Short name, unique among the area's indicators.
    async fn slug(&self) -> &str {
        &self.r.slug
    }
    /// The indicator's name, in the document's language.
    async fn name(&self) -> &str {
        &self.r.name
    }
    /// The unit as the document words it (e.g. "particuliere woningen").
    async fn unit(&self) -> Option<&str> {
        self.r.unit.as_deref()
    }
    /// What is counted: a count, a percentage, yes/no, or qualitative.
    async fn measure(&self) -> Measure {
        self.r.measure
    }
    /// Which way is better, where the document says or clearly implies it.
    async fn direction(&self) -> Option<Direction> {
        self.r.direction
    }
    /// The starting value, only where the document gives one.
    async fn baseline(&self) -> Option<Baseline> {
        self.r.baseline_value.map(|v| Baseline {
            value: v.get(),
            year: self.r.baseline_year,
        })
    }
    /// The first year the indicator is followed over (the block's looptijd).
    async fn start_year(&self) -> Option<i32> {
        self.r.start_year
    }
    /// The last year the indicator is followed over.
    async fn end_year(&self) -> Option<i32> {
        self.r.end_year
    }
    /// The target values per period, in the document's order.
    async fn targets(&self) -> Vec<IndicatorTarget> {
        let plan = self.s.plan_of(&self.r);
        plan.targets
            .iter()
            .zip(self.s.targets_of(self.r.id))
            .map(|(t, row)| IndicatorTarget {
                value: t.value,
                qualifier: row.qualifier.clone(),
                start_year: t.start_year.or(self.r.start_year),
                end_year: t.end_year.or(self.r.end_year),
            })
            .collect()
    }
    /// The target of the current period, else of the last period before now (else of the
    /// first to come); null when there is no target value.
    async fn target(&self) -> Option<f64> {
        use chrono::Datelike;
        self.s
            .plan_of(&self.r)
            .target_at(today().year())
            .map(|t| t.value)
    }
    /// Why there is no target value: the document says "Ntb" (to be decided) or "Geen".
    async fn target_note(&self) -> Option<TargetNote> {
        self.r.target_note
    }
    /// The document's words the indicator was derived from.
    async fn source_text(&self) -> &str {
        &self.r.source
    }
    /// The wijk the document names for the indicator.
    async fn wijk(&self) -> Option<Wijk> {
        self.r.wijk_id.and_then(|id| Wijk::load(&self.s, id))
    }
    /// The target group the document names (e.g. "jongeren 12-18").
    async fn target_group(&self) -> Option<&str> {
        self.r.target_group.as_deref()
    }
    /// The area the indicator belongs to.
    async fn area(&self) -> Result<Area> {
        required(Area::load(&self.s, self.r.area_id), "area")
    }
    /// The intervention the indicator is on, if it is on one.
    async fn intervention(&self) -> Option<Intervention> {
        self.r
            .intervention_id
            .and_then(|id| Intervention::load(&self.s, id))
    }
    /// The goal the indicator is on, if it is on one.
    async fn goal(&self) -> Option<Goal> {
        self.r.goal_id.and_then(|id| Goal::load(&self.s, id))
    }
    /// The line the indicator is on, if it is on one.
    async fn line(&self) -> Option<Line> {
        self.r.line_id.and_then(|id| Line::load(&self.s, id))
    }
    /// The measurements recorded, by period (oldest first).
    async fn measurements(
        &self,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Measurement>> {
        // In period order: keyed by the period's start (ISO dates sort as text), then id, so
        // that a key names its measurement and cursors hold across pages.
        let mut sorted: Vec<(crate::graph::SortKey, Id)> = self
            .s
            .measurements_of(self.r.id)
            .into_iter()
            .filter_map(|id| {
                let m = self.s.data.measurements.get(&id)?;
                Some((
                    crate::graph::SortKey::Text(m.period_start.to_string(), id),
                    id,
                ))
            })
            .collect();
        sorted.sort();
        let order = crate::graph::Order {
            field: crate::graph::OrderField::Name,
            descending: false,
        };
        let page = PageArgs {
            first,
            after,
            last,
            before,
        };
        Ok(
            <Connection<Measurement> as crate::api::connection::Paged>::from_page(
                paginate(sorted, order, &page).gql()?,
                |id| Measurement::load(&self.s, id),
            ),
        )
    }
    /// Where the indicator stands now.
    async fn progress(&self) -> IndicatorProgress {
        progress(&self.s, &self.r)
    }
}

/// An indicator's progress as the API shows it.
fn progress(s: &Snapshot, indicator: &domain::Indicator) -> IndicatorProgress {
    let p = s.progress_of(indicator, today());
    IndicatorProgress {
        latest_value: p.latest.and_then(|r| r.value),
        latest_status: p.latest.and_then(|r| r.status),
        latest_period_end: p.latest.map(|r| r.period_end.to_string()),
        target: p.target.map(|t| t.value),
        ratio: p.ratio,
        expected: p.expected,
        expected_at_latest: p.expected_at_latest,
        direction: p.direction,
        status: p.status,
    }
}

/// A measured result of an indicator over a period.
#[Object]
impl Measurement {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(Table::Measurement, self.r.id)
    }
    /// 1 when the measurement was recorded, one more with every change.
    pub async fn version(&self) -> i64 {
        self.s.data.version_of(self.r.id)
    }
    /// When the node was created (RFC 3339, UTC). For records older than this release, when
    /// the database was upgraded.
    pub async fn created_at(&self) -> Result<DateTime> {
        Ok(DateTime(self.stamps()?.created))
    }
    /// When the node's own record last changed: when `version` last rose (links to and from
    /// it do not count). Equal to `createdAt` until the first change.
    pub async fn updated_at(&self) -> Result<DateTime> {
        Ok(DateTime(self.stamps()?.updated))
    }
    /// The indicator measured.
    async fn indicator(&self) -> Result<Indicator> {
        required(Indicator::load(&self.s, self.r.indicator_id), "indicator")
    }
    /// The value measured (quantitative indicators).
    async fn value(&self) -> Option<f64> {
        self.r.value.map(Quantity::get)
    }
    /// The status reported (qualitative indicators).
    async fn status(&self) -> Option<QualitativeStatus> {
        self.r.status
    }
    /// The first day of the period measured (ISO date).
    async fn period_start(&self) -> String {
        self.r.period_start.to_string()
    }
    /// The last day of the period measured (ISO date).
    async fn period_end(&self) -> String {
        self.r.period_end.to_string()
    }
    /// The wijk the value is for; null for the whole area.
    async fn wijk(&self) -> Option<Wijk> {
        self.r.wijk_id.and_then(|id| Wijk::load(&self.s, id))
    }
    /// Where the value comes from, or a remark.
    async fn comment(&self) -> Option<&str> {
        self.r.comment.as_deref()
    }
    /// Who recorded it (the name of the API token that wrote it; the audit trail has every
    /// change).
    async fn recorded_by(&self) -> Option<&str> {
        self.r.recorded_by.as_deref()
    }
}

/// Which indicators to list; every condition given must hold.
#[derive(InputObject, Default)]
pub struct IndicatorFilter {
    /// Only this area (ID or slug).
    pub area: Option<String>,
    /// Only indicators on this intervention (ID or slug).
    pub intervention: Option<String>,
    /// Only indicators on this goal (ID or slug).
    pub goal: Option<String>,
    /// Only indicators on this line (ID or slug).
    pub line: Option<String>,
    /// Only indicators naming this wijk (ID or slug).
    pub wijk: Option<String>,
    /// Only indicators measured this way.
    pub measure: Option<Measure>,
    /// Only indicators with this progress status now.
    pub status: Option<ProgressStatus>,
    /// Text in the name or slug (case and accents ignored).
    pub search: Option<String>,
}

/// The ids of the indicators passing a filter, in creation order.
fn select(s: &Snapshot, f: &IndicatorFilter) -> crate::error::Result<Vec<Id>> {
    let area = match &f.area {
        Some(a) => Some(ids::resolve(s, a, Table::Area, None, "area")?),
        None => None,
    };
    let owner = |value: &Option<String>, table: Table, field: &str| {
        value
            .as_ref()
            .map(|v| ids::resolve(s, v, table, area, field))
            .transpose()
    };
    let owners = [
        owner(&f.intervention, Table::Intervention, "intervention")?,
        owner(&f.goal, Table::Goal, "goal")?,
        owner(&f.line, Table::Line, "line")?,
    ];
    let wijk = owner(&f.wijk, Table::Wijk, "wijk")?;
    let mut candidates: Vec<Id> = match (owners.iter().flatten().next(), wijk, area) {
        (Some(&o), _, _) => s.indicators_on(o),
        (None, Some(w), _) => s.records_naming_wijk(w),
        (None, None, Some(a)) => s.in_area(Table::Indicator, a).collect(),
        (None, None, None) => s.data.indicators.keys().copied().collect(),
    };
    let needle = f.search.as_deref().map(fold);
    let now = today();
    candidates.retain(|id| {
        let Some(i) = s.data.indicators.get(id) else {
            return false;
        };
        area.is_none_or(|a| i.area_id == a)
            && owners[0].is_none_or(|o| i.intervention_id == Some(o))
            && owners[1].is_none_or(|o| i.goal_id == Some(o))
            && owners[2].is_none_or(|o| i.line_id == Some(o))
            && wijk.is_none_or(|w| i.wijk_id == Some(w))
            && f.measure.is_none_or(|m| i.measure == m)
            && needle
                .as_deref()
                .is_none_or(|n| s.matches_search(i.id, &i.slug, n))
            && f.status.is_none_or(|st| s.progress_of(i, now).status == st)
    });
    Ok(candidates)
}

/// A page of indicators among `ids`, in the requested order.
pub fn indicator_page(
    s: &std::sync::Arc<Snapshot>,
    ids: Vec<Id>,
    order: Option<OrderBy>,
    page: PageArgs,
) -> Result<Connection<Indicator>> {
    let order = order_of(order, Table::Indicator).gql()?;
    let sorted = s.sort_filtered(ids, &Filter::default(), order);
    Ok(
        <Connection<Indicator> as crate::api::connection::Paged>::from_page(
            paginate(sorted, order, &page).gql()?,
            |id| Indicator::load(s, id),
        ),
    )
}

/// Lookups and lists of indicators, and progress roll-ups.
#[derive(Default)]
pub struct IndicatorQuery;

#[Object(guard = "crate::api::Need(crate::auth::Role::Viewer)")]
impl IndicatorQuery {
    /// The indicator with this slug, or null.
    async fn indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The indicator's slug.")] slug: String,
        #[graphql(desc = "The area's slug; needed only when several areas use the slug.")]
        area: Option<String>,
    ) -> Result<Option<Indicator>> {
        let s = snapshot(ctx)?;
        Ok(by_slug(&s, Table::Indicator, area.as_deref(), &slug)
            .gql()?
            .and_then(|id| Indicator::load(&s, id)))
    }

    /// Indicators of all areas.
    #[allow(clippy::too_many_arguments)]
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions on the indicators.")] filter: Option<IndicatorFilter>,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Indicator>> {
        let s = snapshot(ctx)?;
        let ids = select(&s, &filter.unwrap_or_default()).gql()?;
        indicator_page(
            &s,
            ids,
            order_by,
            PageArgs {
                first,
                after,
                last,
                before,
            },
        )
    }

    /// The progress of the indicators that speak for a node: an intervention's own; a goal's
    /// with its sub-goals and the interventions working for them; a line's or programme
    /// cluster's with their goals and interventions; a funding stream's on the interventions
    /// it pays; a partner's on the interventions it works on; a wijk's naming it or on its
    /// interventions; an area's all.
    async fn progress_summary(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The node: a global ID, or type:slug such as `cluster:wonen-en-werk`.")]
        node: String,
        #[graphql(desc = "The area, for a type:slug used in several areas (ID or slug).")]
        area: Option<String>,
        #[graphql(
            desc = "An indicator without a measurement ending in this many months (1 to 120) counts as not followed.",
            default = 6
        )]
        stale_after_months: i32,
    ) -> Result<ProgressSummary> {
        let s = snapshot(ctx)?;
        let area = area
            .map(|a| ids::resolve(&s, &a, Table::Area, None, "area"))
            .transpose()
            .gql()?;
        let node = ids::node_ref(&s, &node, area, "node").gql()?;
        summary_of(&s, node, stale_after_months).gql()
    }

    /// What a funding stream pays for: the indicators of the interventions it funds, each with
    /// its progress.
    #[allow(clippy::too_many_arguments)]
    async fn funded_results(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The funding stream (ID, or slug with `area`).")] funding_stream: String,
        #[graphql(desc = "The area of a slug (ID or slug).")] area: Option<String>,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Indicator>> {
        let s = snapshot(ctx)?;
        let area = area
            .map(|a| ids::resolve(&s, &a, Table::Area, None, "area"))
            .transpose()
            .gql()?;
        let stream = ids::resolve(
            &s,
            &funding_stream,
            Table::FundingStream,
            area,
            "fundingStream",
        )
        .gql()?;
        indicator_page(
            &s,
            s.indicators_reached(stream),
            order_by,
            PageArgs {
                first,
                after,
                last,
                before,
            },
        )
    }
}

/// A new indicator, on exactly one of an intervention, a goal or a line.
#[derive(InputObject)]
pub struct CreateIndicatorInput {
    /// The intervention it is on.
    pub intervention_id: Option<ID>,
    /// The goal it is on.
    pub goal_id: Option<ID>,
    /// The line it is on.
    pub line_id: Option<ID>,
    /// Short name, unique among the area's indicators.
    pub slug: String,
    /// The name.
    pub name: String,
    /// The unit.
    pub unit: Option<String>,
    /// What is counted.
    pub measure: Measure,
    /// Which way is better.
    pub direction: Option<Direction>,
    /// The starting value.
    pub baseline_value: Option<f64>,
    /// The year of the starting value.
    pub baseline_year: Option<i32>,
    /// The first year it is followed over.
    pub start_year: Option<i32>,
    /// The last year it is followed over.
    pub end_year: Option<i32>,
    /// Target values per period.
    #[graphql(default)]
    pub targets: Vec<IndicatorTarget>,
    /// Why there is no target value.
    pub target_note: Option<TargetNote>,
    /// The wijk it is for.
    pub wijk_id: Option<ID>,
    /// The target group.
    pub target_group: Option<String>,
    /// The document's words it was derived from.
    pub source_text: String,
}

/// Changes to an indicator: absent fields stay, `null` clears an optional field.
#[derive(InputObject)]
pub struct UpdateIndicatorInput {
    /// New slug.
    pub slug: Option<String>,
    /// New name.
    pub name: Option<String>,
    /// New unit.
    pub unit: MaybeUndefined<String>,
    /// New measure.
    pub measure: Option<Measure>,
    /// New direction.
    pub direction: MaybeUndefined<Direction>,
    /// New starting value.
    pub baseline_value: MaybeUndefined<f64>,
    /// New year of the starting value.
    pub baseline_year: MaybeUndefined<i32>,
    /// New first year.
    pub start_year: MaybeUndefined<i32>,
    /// New last year.
    pub end_year: MaybeUndefined<i32>,
    /// New targets (replaces the list).
    pub targets: Option<Vec<IndicatorTarget>>,
    /// New reason for having no target value.
    pub target_note: MaybeUndefined<TargetNote>,
    /// New wijk.
    pub wijk_id: MaybeUndefined<ID>,
    /// New target group.
    pub target_group: MaybeUndefined<String>,
    /// New source text.
    pub source_text: Option<String>,
}

/// A result to record. Recording the same indicator, period and wijk again replaces the value
/// recorded before.
#[derive(InputObject)]
pub struct RecordMeasurementInput {
    /// The indicator measured.
    pub indicator_id: ID,
    /// The value (quantitative indicators).
    pub value: Option<f64>,
    /// The status (qualitative indicators).
    pub status: Option<QualitativeStatus>,
    /// The first day of the period (ISO date, e.g. `2025-01-01`).
    pub period_start: String,
    /// The last day of the period (ISO date, e.g. `2025-06-30`).
    pub period_end: String,
    /// The wijk the value is for; left out for the whole area.
    pub wijk_id: Option<ID>,
    /// Where the value comes from, or a remark. Left out, a measurement recorded before for
    /// the same indicator, period and wijk keeps its comment; `null` clears it.
    pub comment: MaybeUndefined<String>,
}

/// Changes to a measurement: absent fields stay, `null` clears an optional field.
#[derive(InputObject)]
pub struct UpdateMeasurementInput {
    /// New value.
    pub value: MaybeUndefined<f64>,
    /// New status.
    pub status: MaybeUndefined<QualitativeStatus>,
    /// New first day (ISO date).
    pub period_start: Option<String>,
    /// New last day (ISO date).
    pub period_end: Option<String>,
    /// New wijk.
    pub wijk_id: MaybeUndefined<ID>,
    /// New comment.
    pub comment: MaybeUndefined<String>,
}

/// One row of a results spreadsheet, as `importMeasurements` takes it.
#[derive(InputObject)]
pub struct MeasurementRowInput {
    /// The indicator: its global ID or slug.
    pub indicator: String,
    /// The first day of the period (ISO date).
    pub period_start: String,
    /// The last day of the period (ISO date).
    pub period_end: String,
    /// The value (quantitative indicators).
    pub value: Option<f64>,
    /// The status (qualitative indicators).
    pub status: Option<QualitativeStatus>,
    /// The wijk the value is for (slug); left out for the whole area.
    pub wijk: Option<String>,
    /// Where the value comes from, or a remark.
    pub comment: Option<String>,
}

/// What an import recorded.
#[derive(SimpleObject)]
pub struct MeasurementImportResult {
    /// Rows that became new measurements.
    pub added: i32,
    /// Rows that replaced a measurement of the same indicator, period and wijk.
    pub replaced: i32,
    /// Rows equal to what was recorded already.
    pub unchanged: i32,
}

/// An ISO date (`YYYY-MM-DD`) from an input field.
pub fn iso_date(value: &str, field: &str) -> crate::error::Result<NaiveDate> {
    crate::domain::iso_date(value).ok_or_else(|| {
        Error::invalid(
            field,
            format!(
                "{:?} is not an ISO date (YYYY-MM-DD, e.g. 2025-06-30) in the years {} to {}",
                crate::error::shortened(value),
                crate::domain::DATE_YEARS.start(),
                crate::domain::DATE_YEARS.end()
            ),
        )
    })
}

/// A number from an input field.
fn quantity(value: f64, field: &str) -> crate::error::Result<Quantity> {
    Quantity::new(value).ok_or_else(|| Error::invalid(field, "must be a finite number"))
}

/// Collects the problems of several input fields, reported together.
#[derive(Default)]
struct Inputs(Vec<Problem>);

impl Inputs {
    fn take<T>(&mut self, result: crate::error::Result<T>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(Error::Invalid(list)) => {
                self.0.extend(list);
                None
            }
            Err(other) => {
                self.0.push(Problem::new("", other.to_string()));
                None
            }
        }
    }

    fn finish(self) -> crate::error::Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(self.0))
        }
    }
}

fn targets(list: Vec<IndicatorTarget>) -> crate::error::Result<Vec<domain::IndicatorTarget>> {
    list.into_iter()
        .enumerate()
        .map(|(n, t)| {
            Ok(domain::IndicatorTarget {
                id: 0,
                indicator_id: 0,
                value: quantity(t.value, &format!("targets[{n}].value"))?,
                qualifier: t.qualifier,
                start_year: t.start_year,
                end_year: t.end_year,
            })
        })
        .collect()
}

fn optional_ref(id: &Option<ID>, table: Table, field: &str) -> crate::error::Result<Option<Id>> {
    id.as_ref()
        .map(|id| ids::expect(id, table, field))
        .transpose()
}

/// A measurement from an input: dates parsed, references read.
fn measurement(
    input: RecordMeasurementInput,
    by: &str,
) -> crate::error::Result<domain::Measurement> {
    let mut inputs = Inputs::default();
    let indicator = inputs.take(ids::expect(
        &input.indicator_id,
        Table::Indicator,
        "indicatorId",
    ));
    let start = inputs.take(iso_date(&input.period_start, "periodStart"));
    let end = inputs.take(iso_date(&input.period_end, "periodEnd"));
    let value = match input.value {
        Some(v) => inputs.take(quantity(v, "value")),
        None => None,
    };
    let wijk = inputs.take(optional_ref(&input.wijk_id, Table::Wijk, "wijkId"));
    inputs.finish()?;
    let (Some(indicator_id), Some(period_start), Some(period_end), Some(wijk_id)) =
        (indicator, start, end, wijk)
    else {
        return Err(Error::Internal("an input problem went unreported".into()));
    };
    Ok(domain::Measurement {
        id: 0,
        indicator_id,
        value,
        status: input.status,
        period_start,
        period_end,
        wijk_id,
        comment: input.comment.take(),
        recorded_by: Some(by.to_owned()),
    })
}

/// Creating, changing and deleting indicators, and recording what was achieved.
#[derive(Default)]
pub struct IndicatorMutation;

#[Object(guard = "crate::api::Need(crate::auth::Role::Editor)")]
impl IndicatorMutation {
    /// Creates an indicator with its targets.
    async fn create_indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new indicator.")] input: CreateIndicatorInput,
    ) -> Result<Indicator> {
        let intervention_id = optional_ref(
            &input.intervention_id,
            Table::Intervention,
            "interventionId",
        )
        .gql()?;
        let goal_id = optional_ref(&input.goal_id, Table::Goal, "goalId").gql()?;
        let line_id = optional_ref(&input.line_id, Table::Line, "lineId").gql()?;
        let wijk_id = optional_ref(&input.wijk_id, Table::Wijk, "wijkId").gql()?;
        let baseline_value = input
            .baseline_value
            .map(|v| quantity(v, "baselineValue"))
            .transpose()
            .gql()?;
        let targets = targets(input.targets).gql()?;
        let (s, id) = crate::api::transaction::write(ctx, move |d| {
            let owner = intervention_id.or(goal_id).or(line_id).ok_or_else(|| {
                Error::invalid(
                    "interventionId",
                    "give the intervention, goal or line the indicator is on",
                )
            })?;
            let area_id = d
                .area_of(owner)
                .ok_or_else(|| Error::not_found("intervention, goal or line", owner, None))?;
            let indicator = domain::Indicator {
                id: 0,
                area_id,
                slug: input.slug,
                name: input.name,
                intervention_id,
                goal_id,
                line_id,
                unit: input.unit,
                measure: input.measure,
                direction: input.direction,
                baseline_value,
                baseline_year: input.baseline_year,
                start_year: input.start_year,
                end_year: input.end_year,
                target_note: input.target_note,
                wijk_id,
                target_group: input.target_group,
                source: input.source_text,
            };
            d.create_indicator(indicator, targets)
        })
        .await?;
        loaded_one(&s, id, Indicator::load)
    }

    /// Changes an indicator; `targets`, when given, replaces its targets.
    async fn update_indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The indicator to change.")] id: ID,
        #[graphql(desc = "The changes.")] input: UpdateIndicatorInput,
        #[graphql(
            desc = "The version the change was made on (see `version`); when given and the node has changed since, the update is refused with `CONFLICT`."
        )]
        version: Option<i64>,
    ) -> Result<Indicator> {
        use super::{patch, patch_opt};
        let id = reference(&id, Table::Indicator, "id")?;
        let baseline = match input.baseline_value {
            MaybeUndefined::Value(v) => MaybeUndefined::Value(quantity(v, "baselineValue").gql()?),
            MaybeUndefined::Null => MaybeUndefined::Null,
            MaybeUndefined::Undefined => MaybeUndefined::Undefined,
        };
        let wijk = match &input.wijk_id {
            MaybeUndefined::Value(w) => MaybeUndefined::Value(reference(w, Table::Wijk, "wijkId")?),
            MaybeUndefined::Null => MaybeUndefined::Null,
            MaybeUndefined::Undefined => MaybeUndefined::Undefined,
        };
        let new_targets = input.targets.map(targets).transpose().gql()?;
        let (s, ()) = crate::api::transaction::write(ctx, move |d| {
            d.check_version(id, version)?;
            let Row::Indicator(mut r) = d.current_row(Table::Indicator, id)? else {
                return Err(super::wrong_row());
            };
            patch(&mut r.slug, input.slug);
            patch(&mut r.name, input.name);
            patch_opt(&mut r.unit, input.unit);
            patch(&mut r.measure, input.measure);
            patch_opt(&mut r.direction, input.direction);
            patch_opt(&mut r.baseline_value, baseline);
            patch_opt(&mut r.baseline_year, input.baseline_year);
            patch_opt(&mut r.start_year, input.start_year);
            patch_opt(&mut r.end_year, input.end_year);
            patch_opt(&mut r.target_note, input.target_note);
            patch_opt(&mut r.wijk_id, wijk);
            patch_opt(&mut r.target_group, input.target_group);
            patch(&mut r.source, input.source_text);
            d.update_indicator(r, new_targets)
        })
        .await?;
        loaded_one(&s, id, Indicator::load)
    }

    /// Deletes an indicator with its targets and measurements.
    async fn delete_indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The indicator to delete.")] id: ID,
        #[graphql(
            desc = "The version the deletion was decided on (see `version`); when given and the node has changed since, the deletion is refused with `CONFLICT`."
        )]
        version: Option<i64>,
    ) -> Result<DeletedNode> {
        delete(ctx, id, Table::Indicator, false, version).await
    }

    /// Records a result of an indicator for a period. Dates are ISO (`YYYY-MM-DD`); a
    /// quantitative indicator takes a value, a qualitative one a status. The same indicator,
    /// period and wijk recorded again replaces the earlier value (a new version of that
    /// measurement); a `comment` left out keeps the earlier comment, `null` clears it.
    async fn record_measurement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The result.")] input: RecordMeasurementInput,
    ) -> Result<Measurement> {
        let by = crate::api::author(ctx).actor;
        let keep_comment = input.comment.is_undefined();
        let mut m = measurement(input, &by).gql()?;
        let (s, (id, _)) = crate::api::transaction::write(ctx, move |d| {
            if keep_comment {
                m.comment = d
                    .find_measurement(&m)
                    .and_then(|old| d.data().measurements.get(&old))
                    .and_then(|old| old.comment.clone());
            }
            d.record_measurement(m)
        })
        .await?;
        loaded_one(&s, id, Measurement::load)
    }

    /// Records the rows of a results spreadsheet, as `samenhang measurements import` does: all
    /// of them or, on any problem, none — every problem named by its row and column. Rows are
    /// numbered as the lines of the file they come from, with its header as row 1: the first
    /// item is row 2, as in the CLI's messages. A row for an indicator, period and wijk recorded already replaces
    /// that measurement, so sending the same rows again changes nothing.
    async fn import_measurements(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The area whose slugs the rows use (ID or slug); needed only when a slug is used in several areas."
        )]
        area: Option<String>,
        #[graphql(desc = "The rows (at most 50 000).")] rows: Vec<MeasurementRowInput>,
    ) -> Result<MeasurementImportResult> {
        use crate::dataset::{
            MAX_MEASUREMENT_ROWS, MeasurementFile, MeasurementRow, import_measurements,
        };
        if rows.len() > MAX_MEASUREMENT_ROWS {
            return Err(crate::api::gql_error(Error::invalid(
                "rows",
                format!("at most {MAX_MEASUREMENT_ROWS} rows at once"),
            )));
        }
        let s = snapshot(ctx)?;
        let area = area
            .map(|a| ids::resolve(&s, &a, Table::Area, None, "area"))
            .transpose()
            .gql()?;
        drop(s);
        let rows: Vec<MeasurementRow> = rows
            .into_iter()
            .enumerate()
            .map(|(n, r)| MeasurementRow {
                // As the rows' line in a file with a header: the first item is row 2.
                row: n + 2,
                indicator_id: ids::decode(&r.indicator)
                    .filter(|(t, _)| *t == Table::Indicator)
                    .map(|(_, id)| id),
                indicator: r.indicator,
                period_start: r.period_start,
                period_end: r.period_end,
                value: r.value.map(|v| v.to_string()),
                status: r.status.map(|st| st.as_str().to_owned()),
                wijk: r.wijk,
                comment: r.comment,
                decimal_comma: false,
            })
            .collect();
        let file = MeasurementFile {
            rows,
            problems: Vec::new(),
        };
        let by = crate::api::author(ctx).actor;
        let (_, done) =
            crate::api::transaction::write(ctx, move |d| import_measurements(d, &file, area, &by))
                .await?;
        Ok(MeasurementImportResult {
            added: count(done.added),
            replaced: count(done.replaced),
            unchanged: count(done.unchanged),
        })
    }

    /// Changes a measurement.
    async fn update_measurement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The measurement to change.")] id: ID,
        #[graphql(desc = "The changes.")] input: UpdateMeasurementInput,
        #[graphql(
            desc = "The version the change was made on (see `version`); when given and the node has changed since, the update is refused with `CONFLICT`."
        )]
        version: Option<i64>,
    ) -> Result<Measurement> {
        use super::patch_opt;
        let id = reference(&id, Table::Measurement, "id")?;
        let mut inputs = Inputs::default();
        let start = input
            .period_start
            .as_deref()
            .and_then(|v| inputs.take(iso_date(v, "periodStart")));
        let end = input
            .period_end
            .as_deref()
            .and_then(|v| inputs.take(iso_date(v, "periodEnd")));
        let value = match input.value {
            MaybeUndefined::Value(v) => match inputs.take(quantity(v, "value")) {
                Some(q) => MaybeUndefined::Value(q),
                None => MaybeUndefined::Undefined,
            },
            MaybeUndefined::Null => MaybeUndefined::Null,
            MaybeUndefined::Undefined => MaybeUndefined::Undefined,
        };
        let wijk = match &input.wijk_id {
            MaybeUndefined::Value(w) => match inputs.take(ids::expect(w, Table::Wijk, "wijkId")) {
                Some(w) => MaybeUndefined::Value(w),
                None => MaybeUndefined::Undefined,
            },
            MaybeUndefined::Null => MaybeUndefined::Null,
            MaybeUndefined::Undefined => MaybeUndefined::Undefined,
        };
        inputs.finish().gql()?;
        let by = crate::api::author(ctx).actor;
        let (s, ()) = crate::api::transaction::write(ctx, move |d| {
            d.check_version(id, version)?;
            let Row::Measurement(mut r) = d.current_row(Table::Measurement, id)? else {
                return Err(super::wrong_row());
            };
            patch_opt(&mut r.value, value);
            patch_opt(&mut r.status, input.status);
            if let Some(start) = start {
                r.period_start = start;
            }
            if let Some(end) = end {
                r.period_end = end;
            }
            patch_opt(&mut r.wijk_id, wijk);
            patch_opt(&mut r.comment, input.comment);
            r.recorded_by = Some(by);
            d.update_measurement(r)
        })
        .await?;
        loaded_one(&s, id, Measurement::load)
    }

    /// Deletes a measurement.
    async fn delete_measurement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The measurement to delete.")] id: ID,
        #[graphql(
            desc = "The version the deletion was decided on (see `version`); when given and the node has changed since, the deletion is refused with `CONFLICT`."
        )]
        version: Option<i64>,
    ) -> Result<DeletedNode> {
        delete(ctx, id, Table::Measurement, false, version).await
    }
}
