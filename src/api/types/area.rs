//! Areas: an area-based programme as a whole, the container of all other nodes.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};

use super::{
    DeletedNode, create, delete, list, node_object, patch, patch_opt, scoped, update, wrong_row,
};
use super::{FundingStream, Goal, Intervention, Line, Partner, Programme, Wijk};
use crate::api::connection::{Connection, OrderBy, PageArgs};
use crate::api::filters::*;
use crate::api::time::DateTime;
use crate::api::{OrGql, ids, snapshot};
use crate::domain::{self, Row, Table};
use crate::service::Draft;

node_object!(Area, areas);

/// An area-based programme as a whole (e.g. *Samen Lelystad Oost*), with its clusters,
/// goals, interventions, partners, funding streams and wijken. Every other node
/// belongs to exactly one area.
#[Object]
impl Area {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(Table::Area, self.r.id)
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
    /// Short unique name for URLs and lookups (e.g. `lelystad-oost`).
    async fn slug(&self) -> &str {
        &self.r.slug
    }
    /// The name of the area's programme as a whole (e.g. *Samen Lelystad Oost*).
    async fn name(&self) -> &str {
        &self.r.name
    }
    /// The municipality the area lies in.
    async fn municipality(&self) -> Option<&str> {
        self.r.municipality.as_deref()
    }
    /// Description of the area and its programme as a whole.
    async fn description(&self) -> Option<&str> {
        self.r.description.as_deref()
    }
    /// The source document the area's data was transcribed from.
    async fn source(&self) -> Option<&str> {
        self.r.source.as_deref()
    }

    /// The programme clusters of this area.
    #[allow(clippy::too_many_arguments)]
    #[graphql(deprecation = "Use `clusters` instead.")]
    async fn programmes(
        &self,
        ctx: &async_graphql::Context<'_>,
        #[graphql(desc = "Conditions on the clusters; `area` is this area.")] filter: Option<
            ProgrammeFilter,
        >,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Programme>> {
        self.clusters(ctx, filter, order_by, first, after, last, before)
            .await
    }

    /// The programme clusters of this area.
    #[allow(clippy::too_many_arguments)]
    async fn clusters(
        &self,
        #[graphql(desc = "Conditions on the clusters; `area` is this area.")] filter: Option<
            ProgrammeFilter,
        >,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Programme>> {
        let area = self.r.id;
        scoped(
            &self.s,
            &filter,
            |f| f.area = Some(area),
            Table::Programme,
            order_by,
            PageArgs {
                first,
                after,
                last,
                before,
            },
            Programme::load,
        )
    }

    /// The lines (lijnen / pijlers) of this area.
    #[allow(clippy::too_many_arguments)]
    async fn lines(
        &self,
        #[graphql(desc = "Conditions on the lines; `area` is this area.")] filter: Option<
            LineFilter,
        >,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Line>> {
        let area = self.r.id;
        scoped(
            &self.s,
            &filter,
            |f| f.area = Some(area),
            Table::Line,
            order_by,
            PageArgs {
                first,
                after,
                last,
                before,
            },
            Line::load,
        )
    }

    /// The goals of this area, at every level.
    #[allow(clippy::too_many_arguments)]
    async fn goals(
        &self,
        #[graphql(desc = "Conditions on the goals; `area` is this area.")] filter: Option<
            GoalFilter,
        >,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Goal>> {
        let area = self.r.id;
        scoped(
            &self.s,
            &filter,
            |f| f.area = Some(area),
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

    /// The interventions of this area.
    #[allow(clippy::too_many_arguments)]
    async fn interventions(
        &self,
        #[graphql(desc = "Conditions on the interventions; `area` is this area.")] filter: Option<
            InterventionFilter,
        >,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Intervention>> {
        let area = self.r.id;
        scoped(
            &self.s,
            &filter,
            |f| f.area = Some(area),
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

    /// The partners of this area.
    #[allow(clippy::too_many_arguments)]
    async fn partners(
        &self,
        #[graphql(desc = "Conditions on the partners; `area` is this area.")] filter: Option<
            PartnerFilter,
        >,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Partner>> {
        let area = self.r.id;
        scoped(
            &self.s,
            &filter,
            |f| f.area = Some(area),
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

    /// The funding streams of this area.
    #[allow(clippy::too_many_arguments)]
    async fn funding_streams(
        &self,
        #[graphql(desc = "Conditions on the streams; `area` is this area.")] filter: Option<
            FundingStreamFilter,
        >,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<FundingStream>> {
        let area = self.r.id;
        scoped(
            &self.s,
            &filter,
            |f| f.area = Some(area),
            Table::FundingStream,
            order_by,
            PageArgs {
                first,
                after,
                last,
                before,
            },
            FundingStream::load,
        )
    }

    /// The wijken of this area.
    #[allow(clippy::too_many_arguments)]
    async fn wijken(
        &self,
        #[graphql(desc = "Conditions on the wijken; `area` is this area.")] filter: Option<
            WijkFilter,
        >,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Wijk>> {
        let area = self.r.id;
        scoped(
            &self.s,
            &filter,
            |f| f.area = Some(area),
            Table::Wijk,
            order_by,
            PageArgs {
                first,
                after,
                last,
                before,
            },
            Wijk::load,
        )
    }
}

/// Lookups and lists of areas.
#[derive(Default)]
pub struct AreaQuery;

#[Object(guard = "crate::api::Need(crate::auth::Role::Viewer)")]
impl AreaQuery {
    /// The area with this slug, or null.
    async fn area(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The area's slug, e.g. `lelystad-oost`.")] slug: String,
    ) -> Result<Option<Area>> {
        let s = snapshot(ctx)?;
        Ok(s.area_by_slug(&slug).and_then(|id| Area::load(&s, id)))
    }

    /// All areas.
    #[allow(clippy::too_many_arguments)]
    async fn areas(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions on the areas.")] filter: Option<AreaFilter>,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Area>> {
        let s = snapshot(ctx)?;
        let f = filter.to_filter(&s).gql()?;
        list(
            &s,
            Table::Area,
            f,
            order_by,
            PageArgs {
                first,
                after,
                last,
                before,
            },
            Area::load,
        )
        .gql()
    }
}

/// A new area.
#[derive(InputObject)]
pub struct CreateAreaInput {
    /// Unique short name: lowercase letters and digits joined by hyphens.
    pub slug: String,
    /// The name of the area's programme as a whole.
    pub name: String,
    /// The municipality the area lies in.
    pub municipality: Option<String>,
    /// Description of the area and its programme as a whole.
    pub description: Option<String>,
    /// The source document the data comes from.
    pub source: Option<String>,
}

/// Changes to an area: absent fields stay, `null` clears an optional field.
#[derive(InputObject)]
pub struct UpdateAreaInput {
    /// New slug.
    pub slug: Option<String>,
    /// New name.
    pub name: Option<String>,
    /// New municipality.
    pub municipality: MaybeUndefined<String>,
    /// New description.
    pub description: MaybeUndefined<String>,
    /// New source.
    pub source: MaybeUndefined<String>,
}

/// Creating, changing and deleting areas.
#[derive(Default)]
pub struct AreaMutation;

#[Object(guard = "crate::api::Need(crate::auth::Role::Editor)")]
impl AreaMutation {
    /// Creates an area.
    async fn create_area(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new area.")] input: CreateAreaInput,
    ) -> Result<Area> {
        let row = move |_: &Draft| {
            Row::Area(domain::Area {
                id: 0,
                slug: input.slug,
                name: input.name,
                municipality: input.municipality,
                description: input.description,
                source: input.source,
            })
        };
        create(ctx, row, Area::load).await
    }

    /// Changes an area.
    async fn update_area(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The area to change.")] id: ID,
        #[graphql(desc = "The changes.")] input: UpdateAreaInput,
        #[graphql(
            desc = "The version the change was made on (see `version`); when given and the node has changed since, the update is refused with `CONFLICT`."
        )]
        version: Option<i64>,
    ) -> Result<Area> {
        update(
            ctx,
            &id,
            Table::Area,
            version,
            move |row| {
                let Row::Area(r) = row else {
                    return Err(wrong_row());
                };
                patch(&mut r.slug, input.slug);
                patch(&mut r.name, input.name);
                patch_opt(&mut r.municipality, input.municipality);
                patch_opt(&mut r.description, input.description);
                patch_opt(&mut r.source, input.source);
                Ok(())
            },
            Area::load,
        )
        .await
    }

    /// Deletes an area. An area that still holds nodes is refused unless `cascade` is true,
    /// which deletes everything in it.
    async fn delete_area(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The area to delete.")] id: ID,
        #[graphql(desc = "Also delete everything the area holds.", default = false)] cascade: bool,
        #[graphql(
            desc = "The version the deletion was decided on (see `version`); when given and the node has changed since, the deletion is refused with `CONFLICT`."
        )]
        version: Option<i64>,
    ) -> Result<DeletedNode> {
        delete(ctx, id, Table::Area, cascade, version).await
    }
}
