//! Wijken: the neighbourhoods interventions take place in.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};

use super::{Area, Intervention, Partner, Programme, required};
use super::{
    DeletedNode, by_slug, create, delete, list, loaded, node_object, patch, patch_opt, reference,
    scoped, update, wrong_row,
};
use crate::api::connection::{Connection, OrderBy, PageArgs};
use crate::api::filters::*;
use crate::api::time::DateTime;
use crate::api::{OrGql, ids, snapshot};
use crate::domain::{self, Row, Table};
use crate::service::Draft;

node_object!(Wijk, wijken);

/// A neighbourhood (wijk) of the area.
#[Object]
impl Wijk {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(Table::Wijk, self.r.id)
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
    /// Short name, unique among the area's wijken (e.g. `atolwijk`).
    async fn slug(&self) -> &str {
        &self.r.slug
    }
    /// The wijk's name.
    async fn name(&self) -> &str {
        &self.r.name
    }
    /// The progress of the indicators that speak for this wijk (see `progressSummary` on
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
    /// The municipality the wijk lies in.
    async fn municipality(&self) -> Option<&str> {
        self.r.municipality.as_deref()
    }
    /// The wijk code of Statistics Netherlands (CBS), e.g. `WK099502`.
    async fn cbs_code(&self) -> Option<&str> {
        self.r.cbs_code.as_deref()
    }
    /// Description.
    async fn description(&self) -> Option<&str> {
        self.r.description.as_deref()
    }
    /// Other names for the wijk.
    async fn aliases(&self) -> &[String] {
        &self.r.aliases
    }
    /// The area the wijk belongs to.
    async fn area(&self) -> Result<Area> {
        required(Area::load(&self.s, self.r.area_id), "area")
    }
    /// The programme clusters with interventions in the wijk.
    #[graphql(deprecation = "Use `clusters` instead.")]
    async fn programmes(&self, ctx: &Context<'_>) -> Result<Vec<Programme>> {
        self.clusters(ctx).await
    }
    /// The programme clusters with interventions in the wijk.
    async fn clusters(&self) -> Vec<Programme> {
        loaded(
            &self.s,
            self.s
                .reached_through_interventions(self.r.id, Table::Programme),
            Programme::load,
        )
    }

    /// The interventions taking place in the wijk.
    #[allow(clippy::too_many_arguments)]
    async fn interventions(
        &self,
        #[graphql(desc = "Conditions on the interventions; `wijk` is this wijk.")] filter: Option<
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
            |f| f.wijk = Some(id),
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

    /// The partners working in the wijk.
    #[allow(clippy::too_many_arguments)]
    async fn partners(
        &self,
        #[graphql(desc = "Conditions on the partners; `wijk` is this wijk.")] filter: Option<
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
            |f| f.wijk = Some(id),
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

/// Lookups and lists of wijken.
#[derive(Default)]
pub struct WijkQuery;

#[Object(guard = "crate::api::Need(crate::auth::Role::Viewer)")]
impl WijkQuery {
    /// The wijk with this slug, or null.
    async fn wijk(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The wijk's slug, e.g. `atolwijk`.")] slug: String,
        #[graphql(desc = "The area's slug; needed only when several areas use the slug.")]
        area: Option<String>,
    ) -> Result<Option<Wijk>> {
        let s = snapshot(ctx)?;
        Ok(by_slug(&s, Table::Wijk, area.as_deref(), &slug)
            .gql()?
            .and_then(|id| Wijk::load(&s, id)))
    }

    /// Wijken of all areas.
    #[allow(clippy::too_many_arguments)]
    async fn wijken(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions on the wijken.")] filter: Option<WijkFilter>,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Wijk>> {
        let s = snapshot(ctx)?;
        let f = filter.to_filter(&s).gql()?;
        list(
            &s,
            Table::Wijk,
            f,
            order_by,
            PageArgs {
                first,
                after,
                last,
                before,
            },
            Wijk::load,
        )
        .gql()
    }
}

/// A new wijk.
#[derive(InputObject)]
pub struct CreateWijkInput {
    /// The area it belongs to.
    pub area_id: ID,
    /// Short name, unique among the area's wijken.
    pub slug: String,
    /// The wijk's name.
    pub name: String,
    /// The municipality.
    pub municipality: Option<String>,
    /// CBS wijk code.
    pub cbs_code: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Other names.
    #[graphql(default)]
    pub aliases: Vec<String>,
}

/// Changes to a wijk: absent fields stay, `null` clears an optional field.
#[derive(InputObject)]
pub struct UpdateWijkInput {
    /// New slug.
    pub slug: Option<String>,
    /// New name.
    pub name: Option<String>,
    /// New municipality.
    pub municipality: MaybeUndefined<String>,
    /// New CBS code.
    pub cbs_code: MaybeUndefined<String>,
    /// New description.
    pub description: MaybeUndefined<String>,
    /// New aliases (replaces the list).
    pub aliases: Option<Vec<String>>,
}

/// Creating, changing and deleting wijken.
#[derive(Default)]
pub struct WijkMutation;

#[Object(guard = "crate::api::Need(crate::auth::Role::Editor)")]
impl WijkMutation {
    /// Creates a wijk.
    async fn create_wijk(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new wijk.")] input: CreateWijkInput,
    ) -> Result<Wijk> {
        let area_id = reference(&input.area_id, Table::Area, "areaId")?;
        let row = move |_: &Draft| {
            Row::Wijk(domain::Wijk {
                id: 0,
                area_id,
                slug: input.slug,
                name: input.name,
                description: input.description,
                municipality: input.municipality,
                cbs_code: input.cbs_code,
                aliases: input.aliases,
            })
        };
        create(ctx, row, Wijk::load).await
    }

    /// Changes a wijk.
    async fn update_wijk(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The wijk to change.")] id: ID,
        #[graphql(desc = "The changes.")] input: UpdateWijkInput,
        #[graphql(
            desc = "The version the change was made on (see `version`); when given and the node has changed since, the update is refused with `CONFLICT`."
        )]
        version: Option<i64>,
    ) -> Result<Wijk> {
        update(
            ctx,
            &id,
            Table::Wijk,
            version,
            move |row| {
                let Row::Wijk(r) = row else {
                    return Err(wrong_row());
                };
                patch(&mut r.slug, input.slug);
                patch(&mut r.name, input.name);
                patch_opt(&mut r.municipality, input.municipality);
                patch_opt(&mut r.cbs_code, input.cbs_code);
                patch_opt(&mut r.description, input.description);
                patch(&mut r.aliases, input.aliases);
                Ok(())
            },
            Wijk::load,
        )
        .await
    }

    /// Deletes a wijk; interventions no longer take place in it.
    async fn delete_wijk(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The wijk to delete.")] id: ID,
        #[graphql(
            desc = "The version the deletion was decided on (see `version`); when given and the node has changed since, the deletion is refused with `CONFLICT`."
        )]
        version: Option<i64>,
    ) -> Result<DeletedNode> {
        delete(ctx, id, Table::Wijk, false, version).await
    }
}
