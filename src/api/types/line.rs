//! Lines (lijnen / pijlers) of programme clusters.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};

use super::{Area, FundingStream, Goal, Intervention, Partner, Programme, required};
use super::{
    DeletedNode, by_slug, create, delete, link, list, loaded, node_object, patch, patch_opt,
    reference, scoped, update, wrong_row,
};
use crate::api::connection::{Connection, OrderBy, PageArgs};
use crate::api::filters::*;
use crate::api::time::DateTime;
use crate::api::{OrGql, ids, renamed, snapshot};
use crate::domain::{self, Row, Table};
use crate::error::Error;
use crate::graph::EdgeKind;
use crate::service::Draft;

node_object!(Line, lines);

/// A line or pillar (lijn / pijler) of a programme cluster, with its goal tree.
#[Object]
impl Line {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(Table::Line, self.r.id)
    }
    /// 1 when the node was created, one more with every change. Send it with an update to be
    /// refused (`CONFLICT`) when someone else changed the node in between.
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
    /// Short name, unique among the area's lines (e.g. `preventie-met-gezag`).
    async fn slug(&self) -> &str {
        &self.r.slug
    }
    /// The name of the line.
    async fn name(&self) -> &str {
        &self.r.name
    }
    /// The indicators of progress on this line itself (with targets, measurements and
    /// progress).
    async fn progress_indicators(
        &self,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<
            crate::api::connection::OrderBy,
        >,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<crate::api::connection::Connection<super::Indicator>> {
        super::indicator::indicator_page(
            &self.s,
            self.s.indicators_on(self.r.id),
            order_by,
            crate::api::connection::PageArgs {
                first,
                after,
                last,
                before,
            },
        )
    }
    /// The progress of the indicators that speak for this line (see `progressSummary` on
    /// the query root).
    async fn progress_summary(
        &self,
        #[graphql(
            desc = "An indicator without a measurement ending in this many months (1 to 120) counts as not followed.",
            default = 6
        )]
        stale_after_months: i32,
    ) -> async_graphql::Result<super::indicator::ProgressSummary> {
        use crate::api::OrGql;
        super::indicator::summary_of(&self.s, self.r.id, stale_after_months).gql()
    }
    /// The number the source gives the line within its cluster.
    async fn number(&self) -> Option<i32> {
        self.r.number
    }
    /// Description of the line.
    async fn description(&self) -> Option<&str> {
        self.r.description.as_deref()
    }
    /// The NPLV action line (Nationaal Programma Leefbaarheid en Veiligheid) it serves.
    async fn nplv_action_line(&self) -> Option<&str> {
        self.r.nplv_action_line.as_deref()
    }
    /// Target groups (doelgroep) of the line.
    async fn target_groups(&self) -> &[String] {
        &self.r.target_groups
    }
    /// Principles (uitgangspunten) of the line.
    async fn principles(&self) -> &[String] {
        &self.r.principles
    }
    /// What the line focuses on ("we zetten in op").
    async fn focus(&self) -> &[String] {
        &self.r.focus
    }
    /// The programme cluster the line belongs to.
    #[graphql(deprecation = "Use `cluster` instead.")]
    async fn programme(&self, ctx: &Context<'_>) -> Result<Programme> {
        self.cluster(ctx).await
    }
    /// The programme cluster the line belongs to.
    async fn cluster(&self) -> Result<Programme> {
        required(Programme::load(&self.s, self.r.programme_id), "cluster")
    }
    /// The area the line belongs to.
    async fn area(&self) -> Result<Area> {
        required(Area::load(&self.s, self.r.area_id), "area")
    }
    /// The top goals of the line (usually its main goal); their sub-goals hang below them.
    #[allow(clippy::too_many_arguments)]
    async fn goals(
        &self,
        #[graphql(desc = "Conditions on the goals; `line` is this line.")] filter: Option<
            GoalFilter,
        >,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Goal>> {
        let id = self.r.id;
        let top = self.s.sources(id, EdgeKind::GoalOf);
        scoped(
            &self.s,
            &filter,
            |f| {
                f.line = Some(id);
                f.only(top);
            },
            Table::Goal,
            order_by,
            PageArgs {
                first,
                after,
                last,
                before,
            },
            Goal::load,
        )
    }
    /// The funding streams the source names for the whole line (e.g. the line's SPUKs).
    async fn funding_streams(&self) -> Vec<FundingStream> {
        loaded(
            &self.s,
            self.s.targets(self.r.id, EdgeKind::LineFunding),
            FundingStream::load,
        )
    }

    /// The interventions working for the line's goals.
    #[allow(clippy::too_many_arguments)]
    async fn interventions(
        &self,
        #[graphql(desc = "Conditions on the interventions; `line` is this line.")] filter: Option<
            InterventionFilter,
        >,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Intervention>> {
        let id = self.r.id;
        scoped(
            &self.s,
            &filter,
            |f| f.line = Some(id),
            Table::Intervention,
            order_by,
            PageArgs {
                first,
                after,
                last,
                before,
            },
            Intervention::load,
        )
    }

    /// The partners working on the line's interventions.
    #[allow(clippy::too_many_arguments)]
    async fn partners(
        &self,
        #[graphql(desc = "Conditions on the partners; `line` is this line.")] filter: Option<
            PartnerFilter,
        >,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Partner>> {
        let id = self.r.id;
        scoped(
            &self.s,
            &filter,
            |f| f.line = Some(id),
            Table::Partner,
            order_by,
            PageArgs {
                first,
                after,
                last,
                before,
            },
            Partner::load,
        )
    }
}

/// The cluster an input names as `clusterId` or as the deprecated `programmeId`, if any.
fn cluster_ref(cluster_id: &Option<ID>, programme_id: &Option<ID>) -> Result<Option<domain::Id>> {
    let get = |id: &Option<ID>, field| {
        id.as_ref()
            .map(|id| reference(id, Table::Programme, field))
            .transpose()
    };
    renamed(
        get(cluster_id, "clusterId")?,
        get(programme_id, "programmeId")?,
        "clusterId",
        "programmeId",
    )
    .gql()
}

/// Lookups and lists of lines.
#[derive(Default)]
pub struct LineQuery;

#[Object(guard = "crate::api::Need(crate::auth::Role::Viewer)")]
impl LineQuery {
    /// The line with this slug, or null.
    async fn line(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The line's slug.")] slug: String,
        #[graphql(desc = "The area's slug; needed only when several areas use the slug.")]
        area: Option<String>,
    ) -> Result<Option<Line>> {
        let s = snapshot(ctx)?;
        Ok(by_slug(&s, Table::Line, area.as_deref(), &slug)
            .gql()?
            .and_then(|id| Line::load(&s, id)))
    }

    /// Lines of all areas.
    #[allow(clippy::too_many_arguments)]
    async fn lines(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions on the lines.")] filter: Option<LineFilter>,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Line>> {
        let s = snapshot(ctx)?;
        let f = filter.to_filter(&s).gql()?;
        list(
            &s,
            Table::Line,
            f,
            order_by,
            PageArgs {
                first,
                after,
                last,
                before,
            },
            Line::load,
        )
        .gql()
    }
}

/// A new line.
#[derive(InputObject)]
pub struct CreateLineInput {
    /// The programme cluster it belongs to (the line takes the cluster's area). Required (or
    /// the deprecated `programmeId`).
    pub cluster_id: Option<ID>,
    /// The programme cluster it belongs to (the line takes the cluster's area).
    #[graphql(deprecation = "Use `clusterId` instead.")]
    pub programme_id: Option<ID>,
    /// Short name, unique among the area's lines.
    pub slug: String,
    /// The name of the line.
    pub name: String,
    /// The number the source gives the line.
    pub number: Option<i32>,
    /// Description.
    pub description: Option<String>,
    /// The NPLV action line it serves.
    pub nplv_action_line: Option<String>,
    /// Target groups.
    #[graphql(default)]
    pub target_groups: Vec<String>,
    /// Principles.
    #[graphql(default)]
    pub principles: Vec<String>,
    /// Focus points.
    #[graphql(default)]
    pub focus: Vec<String>,
}

/// Changes to a line: absent fields stay, `null` clears an optional field.
#[derive(InputObject)]
pub struct UpdateLineInput {
    /// Move the line to another cluster of the same area.
    pub cluster_id: Option<ID>,
    /// Move the line to another cluster of the same area.
    #[graphql(deprecation = "Use `clusterId` instead.")]
    pub programme_id: Option<ID>,
    /// New slug.
    pub slug: Option<String>,
    /// New name.
    pub name: Option<String>,
    /// New number.
    pub number: MaybeUndefined<i32>,
    /// New description.
    pub description: MaybeUndefined<String>,
    /// New NPLV action line.
    pub nplv_action_line: MaybeUndefined<String>,
    /// New target groups (replaces the list).
    pub target_groups: Option<Vec<String>>,
    /// New principles (replaces the list).
    pub principles: Option<Vec<String>>,
    /// New focus points (replaces the list).
    pub focus: Option<Vec<String>>,
}

/// Creating, changing and deleting lines, and the funding streams named for them.
#[derive(Default)]
pub struct LineMutation;

#[Object(guard = "crate::api::Need(crate::auth::Role::Editor)")]
impl LineMutation {
    /// Creates a line in a programme cluster.
    async fn create_line(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new line.")] input: CreateLineInput,
    ) -> Result<Line> {
        let programme_id = cluster_ref(&input.cluster_id, &input.programme_id)?
            .ok_or_else(|| Error::invalid("clusterId", "give the cluster the line belongs to"))
            .gql()?;
        let row = move |d: &Draft| {
            Row::Line(domain::Line {
                id: 0,
                area_id: d.area_of(programme_id).unwrap_or_default(),
                slug: input.slug,
                name: input.name,
                description: input.description,
                programme_id,
                number: input.number,
                nplv_action_line: input.nplv_action_line,
                target_groups: input.target_groups,
                principles: input.principles,
                focus: input.focus,
            })
        };
        create(ctx, row, Line::load).await
    }

    /// Changes a line.
    async fn update_line(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The line to change.")] id: ID,
        #[graphql(desc = "The changes.")] input: UpdateLineInput,
        #[graphql(
            desc = "The version the change was made on (see `version`); when given and the node has changed since, the update is refused with `CONFLICT`."
        )]
        version: Option<i64>,
    ) -> Result<Line> {
        let programme = cluster_ref(&input.cluster_id, &input.programme_id)?;
        update(
            ctx,
            &id,
            Table::Line,
            version,
            move |row| {
                let Row::Line(r) = row else {
                    return Err(wrong_row());
                };
                patch(&mut r.programme_id, programme);
                patch(&mut r.slug, input.slug);
                patch(&mut r.name, input.name);
                patch_opt(&mut r.number, input.number);
                patch_opt(&mut r.description, input.description);
                patch_opt(&mut r.nplv_action_line, input.nplv_action_line);
                patch(&mut r.target_groups, input.target_groups);
                patch(&mut r.principles, input.principles);
                patch(&mut r.focus, input.focus);
                Ok(())
            },
            Line::load,
        )
        .await
    }

    /// Deletes a line. A line that still has goals is refused.
    async fn delete_line(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The line to delete.")] id: ID,
        #[graphql(
            desc = "The version the deletion was decided on (see `version`); when given and the node has changed since, the deletion is refused with `CONFLICT`."
        )]
        version: Option<i64>,
    ) -> Result<DeletedNode> {
        delete(ctx, id, Table::Line, false, version).await
    }

    /// Names a funding stream for a whole line (nothing changes if it is named already).
    #[graphql(
        deprecation = "Use `linkFundingStreamToLine`: its payload holds both ends and the link."
    )]
    async fn link_line_funding(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The line.")] line_id: ID,
        #[graphql(desc = "The funding stream.")] funding_stream_id: ID,
    ) -> Result<Line> {
        link(
            ctx,
            (&line_id, Table::Line, "lineId"),
            (&funding_stream_id, Table::FundingStream, "fundingStreamId"),
            |d, line, stream| d.link_line_funding(line, stream),
            Line::load,
        )
        .await
    }

    /// Removes a funding stream from a line.
    #[graphql(
        deprecation = "Use `unlinkFundingStreamFromLine`: its payload holds both ends and the link."
    )]
    async fn unlink_line_funding(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The line.")] line_id: ID,
        #[graphql(desc = "The funding stream.")] funding_stream_id: ID,
    ) -> Result<Line> {
        link(
            ctx,
            (&line_id, Table::Line, "lineId"),
            (&funding_stream_id, Table::FundingStream, "fundingStreamId"),
            |d, line, stream| d.unlink_line_funding(line, stream),
            Line::load,
        )
        .await
    }
}
