//! Funding streams: grants, budgets and partners' own means.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};

use super::{Area, Intervention, Line, Partner, Programme, required};
use super::{
    DeletedNode, by_slug, create, delete, list, loaded, node_object, page_of, patch, patch_opt,
    reference, scoped, update, wrong_row,
};
use crate::api::connection::{Connection, OrderBy, PageArgs, detailed_connection};
use crate::api::filters::*;
use crate::api::time::DateTime;
use crate::api::{OrGql, ids, snapshot};
use crate::domain::{self, FundingKind, Known, Row, Table};
use crate::graph::EdgeKind;
use crate::service::Draft;

node_object!(FundingStream, funding_streams);

/// An intervention paid by a funding stream, with what the source says about the share.
#[derive(SimpleObject)]
pub struct FundingInterventionEdge {
    /// Pass this as `after` or `before` to page from this item.
    pub cursor: String,
    /// The amount in whole euros for this intervention, where the source gives one.
    pub amount_eur: Option<i64>,
    /// A note on this funding.
    pub note: Option<String>,
    /// The intervention.
    pub node: Intervention,
}

detailed_connection!(
    FundingInterventionConnection,
    FundingInterventionEdge,
    Intervention,
    "One page of the interventions a funding stream pays, with what it pays for each."
);

/// A source of money: a national grant (SPUK), a municipal budget or a partner's own means,
/// with its running years where known.
#[Object]
impl FundingStream {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(Table::FundingStream, self.r.id)
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
    /// Short name, unique among the area's streams (e.g. `vhf-1`).
    async fn slug(&self) -> &str {
        &self.r.slug
    }
    /// The stream's name.
    async fn name(&self) -> &str {
        &self.r.name
    }
    /// The progress of the indicators that speak for this funding stream (see `progressSummary` on
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
    /// Where the money comes from.
    async fn kind(&self) -> FundingKind {
        self.r.kind
    }
    /// The first year the stream runs.
    async fn start_year(&self) -> Option<i32> {
        self.r.start_year
    }
    /// The last year the stream runs.
    async fn end_year(&self) -> Option<i32> {
        self.r.end_year
    }
    /// The total amount in whole euros, where known.
    async fn amount_eur(&self) -> Option<i64> {
        self.r.amount_eur
    }
    /// Description.
    async fn description(&self) -> Option<&str> {
        self.r.description.as_deref()
    }
    /// Other names the sources use for the stream.
    async fn aliases(&self) -> &[String] {
        &self.r.aliases
    }
    /// Whether the stream is not known NOT to run in the year: an unknown start or end
    /// leaves that side open, so a stream without years is "active" in every year. Kept for
    /// existing clients; `coversYear` tells known from unknown.
    #[graphql(
        deprecation = "An unknown period reads as true here; use `coversYear`, which answers YES, NO or UNKNOWN."
    )]
    async fn active_in(&self, #[graphql(desc = "The year.")] year: i32) -> bool {
        self.r.years().covers(year) != Known::No
    }
    /// Whether the stream runs in the year: YES when its known years enclose it, NO when a
    /// known start or end excludes it, UNKNOWN when the document does not give enough years.
    async fn covers_year(&self, #[graphql(desc = "The year.")] year: i32) -> Known {
        self.r.years().covers(year)
    }
    /// The area the stream belongs to.
    async fn area(&self) -> Result<Area> {
        required(Area::load(&self.s, self.r.area_id), "area")
    }
    /// The lines the source names this stream for as a whole.
    async fn lines(&self) -> Vec<Line> {
        loaded(
            &self.s,
            self.s.sources(self.r.id, EdgeKind::LineFunding),
            Line::load,
        )
    }
    /// The programme clusters whose interventions the stream pays.
    #[graphql(deprecation = "Use `clusters` instead.")]
    async fn programmes(&self, ctx: &Context<'_>) -> Result<Vec<Programme>> {
        self.clusters(ctx).await
    }
    /// The programme clusters whose interventions the stream pays.
    async fn clusters(&self) -> Vec<Programme> {
        loaded(
            &self.s,
            self.s
                .reached_through_interventions(self.r.id, Table::Programme),
            Programme::load,
        )
    }

    /// The interventions the stream pays, with the amount and note per intervention.
    #[allow(clippy::too_many_arguments)]
    async fn interventions(
        &self,
        #[graphql(desc = "Conditions on the interventions.")] filter: Option<InterventionFilter>,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<FundingInterventionConnection> {
        let f = filter.to_filter(&self.s).gql()?;
        let ids = self.s.stream_interventions(self.r.id);
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let page = page_of(&self.s, Table::Intervention, ids, &f, order_by, &args).gql()?;
        Ok(FundingInterventionConnection::of(page, |cursor, id| {
            let link = self.s.funding_of(self.r.id, id)?;
            Some(FundingInterventionEdge {
                cursor,
                amount_eur: link.amount_eur,
                note: link.note.clone(),
                node: Intervention::load(&self.s, id)?,
            })
        }))
    }

    /// The partners working on interventions the stream pays.
    #[allow(clippy::too_many_arguments)]
    async fn partners(
        &self,
        #[graphql(desc = "Conditions on the partners; `fundingStream` is this stream.")]
        filter: Option<PartnerFilter>,
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
            |f| f.funding_stream = Some(id),
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

/// Lookups and lists of funding streams.
#[derive(Default)]
pub struct FundingStreamQuery;

#[Object(guard = "crate::api::Need(crate::auth::Role::Viewer)")]
impl FundingStreamQuery {
    /// The funding stream with this slug, or null.
    async fn funding_stream(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The stream's slug, e.g. `vhf-1`.")] slug: String,
        #[graphql(desc = "The area's slug; needed only when several areas use the slug.")]
        area: Option<String>,
    ) -> Result<Option<FundingStream>> {
        let s = snapshot(ctx)?;
        Ok(by_slug(&s, Table::FundingStream, area.as_deref(), &slug)
            .gql()?
            .and_then(|id| FundingStream::load(&s, id)))
    }

    /// Funding streams of all areas.
    #[allow(clippy::too_many_arguments)]
    async fn funding_streams(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions on the streams.")] filter: Option<FundingStreamFilter>,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<FundingStream>> {
        let s = snapshot(ctx)?;
        let f = filter.to_filter(&s).gql()?;
        list(
            &s,
            Table::FundingStream,
            f,
            order_by,
            PageArgs {
                first,
                after,
                last,
                before,
            },
            FundingStream::load,
        )
        .gql()
    }
}

/// A new funding stream.
#[derive(InputObject)]
pub struct CreateFundingStreamInput {
    /// The area it belongs to.
    pub area_id: ID,
    /// Short name, unique among the area's streams.
    pub slug: String,
    /// The stream's name.
    pub name: String,
    /// Where the money comes from.
    pub kind: FundingKind,
    /// First year (1900–2100).
    pub start_year: Option<i32>,
    /// Last year (1900–2100, not before the first).
    pub end_year: Option<i32>,
    /// Total amount in whole euros (not negative).
    pub amount_eur: Option<i64>,
    /// Description.
    pub description: Option<String>,
    /// Other names for the stream.
    #[graphql(default)]
    pub aliases: Vec<String>,
}

/// Changes to a funding stream: absent fields stay, `null` clears an optional field.
#[derive(InputObject)]
pub struct UpdateFundingStreamInput {
    /// New slug.
    pub slug: Option<String>,
    /// New name.
    pub name: Option<String>,
    /// New kind.
    pub kind: Option<FundingKind>,
    /// New first year.
    pub start_year: MaybeUndefined<i32>,
    /// New last year.
    pub end_year: MaybeUndefined<i32>,
    /// New amount.
    pub amount_eur: MaybeUndefined<i64>,
    /// New description.
    pub description: MaybeUndefined<String>,
    /// New aliases (replaces the list).
    pub aliases: Option<Vec<String>>,
}

/// Creating, changing and deleting funding streams.
#[derive(Default)]
pub struct FundingStreamMutation;

#[Object(guard = "crate::api::Need(crate::auth::Role::Editor)")]
impl FundingStreamMutation {
    /// Creates a funding stream.
    async fn create_funding_stream(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new stream.")] input: CreateFundingStreamInput,
    ) -> Result<FundingStream> {
        let area_id = reference(&input.area_id, Table::Area, "areaId")?;
        let row = move |_: &Draft| {
            Row::FundingStream(domain::FundingStream {
                id: 0,
                area_id,
                slug: input.slug,
                name: input.name,
                description: input.description,
                kind: input.kind,
                start_year: input.start_year,
                end_year: input.end_year,
                amount_eur: input.amount_eur,
                aliases: input.aliases,
            })
        };
        create(ctx, row, FundingStream::load).await
    }

    /// Changes a funding stream.
    async fn update_funding_stream(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The stream to change.")] id: ID,
        #[graphql(desc = "The changes.")] input: UpdateFundingStreamInput,
        #[graphql(
            desc = "The version the change was made on (see `version`); when given and the node has changed since, the update is refused with `CONFLICT`."
        )]
        version: Option<i64>,
    ) -> Result<FundingStream> {
        update(
            ctx,
            &id,
            Table::FundingStream,
            version,
            move |row| {
                let Row::FundingStream(r) = row else {
                    return Err(wrong_row());
                };
                patch(&mut r.slug, input.slug);
                patch(&mut r.name, input.name);
                patch(&mut r.kind, input.kind);
                patch_opt(&mut r.start_year, input.start_year);
                patch_opt(&mut r.end_year, input.end_year);
                patch_opt(&mut r.amount_eur, input.amount_eur);
                patch_opt(&mut r.description, input.description);
                patch(&mut r.aliases, input.aliases);
                Ok(())
            },
            FundingStream::load,
        )
        .await
    }

    /// Deletes a funding stream; it is removed from every intervention and line.
    async fn delete_funding_stream(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The stream to delete.")] id: ID,
        #[graphql(
            desc = "The version the deletion was decided on (see `version`); when given and the node has changed since, the deletion is refused with `CONFLICT`."
        )]
        version: Option<i64>,
    ) -> Result<DeletedNode> {
        delete(ctx, id, Table::FundingStream, false, version).await
    }
}
