//! Programme clusters (e.g. Veilige Wijken) and their lines: `Cluster` in the schema. The Rust
//! types keep the domain's name `Programme`, as the table and global IDs do.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};

use super::{Area, FundingStream, Goal, Intervention, Line, Partner, Wijk, required};
use super::{
    DeletedNode, by_slug, create, delete, list, loaded, node_object, patch, patch_opt, reference,
    scoped, update, wrong_row,
};
use crate::api::connection::{Connection, OrderBy, PageArgs};
use crate::api::filters::*;
use crate::api::time::DateTime;
use crate::api::{OrGql, ids, snapshot};
use crate::domain::{self, Row, Table};
use crate::graph::EdgeKind;
use crate::service::Draft;

node_object!(Programme, programmes);

/// A programme cluster of an area (e.g. *Veilige Wijken*), split into lines with goals.
#[Object(name = "Cluster")]
impl Programme {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(Table::Programme, self.r.id)
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
    /// Short name, unique among the area's programme clusters (e.g. `veilige-wijken`).
    async fn slug(&self) -> &str {
        &self.r.slug
    }
    /// The name of the cluster.
    async fn name(&self) -> &str {
        &self.r.name
    }
    /// The progress of the indicators that speak for this cluster (see `progressSummary` on the
    /// query root).
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
    /// Description of the cluster.
    async fn description(&self) -> Option<&str> {
        self.r.description.as_deref()
    }
    /// Who chairs the cluster (bestuurlijk voorzitter), as the source names them.
    async fn chair(&self) -> Option<&str> {
        self.r.chair.as_deref()
    }
    /// The cluster's ambition, as the source words it.
    async fn ambition(&self) -> Option<&str> {
        self.r.ambition.as_deref()
    }
    /// The area the cluster belongs to.
    async fn area(&self) -> Result<Area> {
        required(Area::load(&self.s, self.r.area_id), "area")
    }
    /// The lines (lijnen / pijlers) of the cluster, in creation order.
    async fn lines(&self) -> Vec<Line> {
        loaded(
            &self.s,
            self.s.sources(self.r.id, EdgeKind::LineOf),
            Line::load,
        )
    }

    /// The goals of the cluster's lines, at every level.
    #[allow(clippy::too_many_arguments)]
    async fn goals(
        &self,
        #[graphql(desc = "Conditions on the goals; `cluster` is this cluster.")] filter: Option<
            GoalFilter,
        >,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Goal>> {
        let id = self.r.id;
        scoped(
            &self.s,
            &filter,
            |f| f.programme = Some(id),
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

    /// The interventions working for the cluster's goals.
    #[allow(clippy::too_many_arguments)]
    async fn interventions(
        &self,
        #[graphql(desc = "Conditions on the interventions; `cluster` is this cluster.")]
        filter: Option<InterventionFilter>,
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
            |f| f.programme = Some(id),
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

    /// The partners working on the cluster's interventions.
    #[allow(clippy::too_many_arguments)]
    async fn partners(
        &self,
        #[graphql(desc = "Conditions on the partners; `cluster` is this cluster.")] filter: Option<
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
            |f| f.programme = Some(id),
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

    /// The funding streams paying the cluster's interventions or named for its lines.
    #[allow(clippy::too_many_arguments)]
    async fn funding_streams(
        &self,
        #[graphql(desc = "Conditions on the streams; `cluster` is this cluster.")] filter: Option<
            FundingStreamFilter,
        >,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<FundingStream>> {
        let id = self.r.id;
        scoped(
            &self.s,
            &filter,
            |f| f.programme = Some(id),
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

    /// The wijken the cluster's interventions reach.
    #[allow(clippy::too_many_arguments)]
    async fn wijken(
        &self,
        #[graphql(desc = "Conditions on the wijken; `cluster` is this cluster.")] filter: Option<
            WijkFilter,
        >,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Wijk>> {
        let id = self.r.id;
        scoped(
            &self.s,
            &filter,
            |f| f.programme = Some(id),
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

/// Lookups and lists of programme clusters.
#[derive(Default)]
pub struct ProgrammeQuery;

#[Object(guard = "crate::api::Need(crate::auth::Role::Viewer)")]
impl ProgrammeQuery {
    /// The programme cluster with this slug, or null.
    async fn cluster(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cluster's slug, e.g. `veilige-wijken`.")] slug: String,
        #[graphql(desc = "The area's slug; needed only when several areas use the slug.")]
        area: Option<String>,
    ) -> Result<Option<Programme>> {
        let s = snapshot(ctx)?;
        Ok(by_slug(&s, Table::Programme, area.as_deref(), &slug)
            .gql()?
            .and_then(|id| Programme::load(&s, id)))
    }

    /// The programme cluster with this slug, or null.
    #[graphql(deprecation = "Use `cluster` instead.")]
    async fn programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cluster's slug, e.g. `veilige-wijken`.")] slug: String,
        #[graphql(desc = "The area's slug; needed only when several areas use the slug.")]
        area: Option<String>,
    ) -> Result<Option<Programme>> {
        self.cluster(ctx, slug, area).await
    }

    /// Programme clusters of all areas.
    #[allow(clippy::too_many_arguments)]
    #[graphql(deprecation = "Use `clusters` instead.")]
    async fn programmes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions on the clusters.")] filter: Option<ProgrammeFilter>,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Programme>> {
        self.clusters(ctx, filter, order_by, first, after, last, before)
            .await
    }

    /// Programme clusters of all areas.
    #[allow(clippy::too_many_arguments)]
    async fn clusters(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions on the clusters.")] filter: Option<ProgrammeFilter>,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Programme>> {
        let s = snapshot(ctx)?;
        let f = filter.to_filter(&s).gql()?;
        list(
            &s,
            Table::Programme,
            f,
            order_by,
            PageArgs {
                first,
                after,
                last,
                before,
            },
            Programme::load,
        )
        .gql()
    }
}

/// A new programme cluster.
#[derive(InputObject)]
#[graphql(name = "CreateClusterInput")]
pub struct CreateProgrammeInput {
    /// The area it belongs to.
    pub area_id: ID,
    /// Short name, unique among the area's clusters: lowercase letters and digits joined by hyphens.
    pub slug: String,
    /// The name of the cluster.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Who chairs the cluster.
    pub chair: Option<String>,
    /// The cluster's ambition.
    pub ambition: Option<String>,
}

/// Changes to a programme cluster: absent fields stay, `null` clears an optional field.
#[derive(InputObject)]
#[graphql(name = "UpdateClusterInput")]
pub struct UpdateProgrammeInput {
    /// New slug.
    pub slug: Option<String>,
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: MaybeUndefined<String>,
    /// New chair.
    pub chair: MaybeUndefined<String>,
    /// New ambition.
    pub ambition: MaybeUndefined<String>,
}

/// Creating, changing and deleting programme clusters.
#[derive(Default)]
pub struct ProgrammeMutation;

#[Object(guard = "crate::api::Need(crate::auth::Role::Editor)")]
impl ProgrammeMutation {
    /// Creates a programme cluster.
    #[graphql(deprecation = "Use `createCluster` instead.")]
    async fn create_programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new cluster.")] input: CreateProgrammeInput,
    ) -> Result<Programme> {
        self.create_cluster(ctx, input).await
    }

    /// Creates a programme cluster.
    async fn create_cluster(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new cluster.")] input: CreateProgrammeInput,
    ) -> Result<Programme> {
        let area_id = reference(&input.area_id, Table::Area, "areaId")?;
        let row = move |_: &Draft| {
            Row::Programme(domain::Programme {
                id: 0,
                area_id,
                slug: input.slug,
                name: input.name,
                description: input.description,
                chair: input.chair,
                ambition: input.ambition,
            })
        };
        create(ctx, row, Programme::load).await
    }

    /// Changes a programme cluster.
    #[graphql(deprecation = "Use `updateCluster` instead.")]
    async fn update_programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cluster to change.")] id: ID,
        #[graphql(desc = "The changes.")] input: UpdateProgrammeInput,
        #[graphql(
            desc = "The version the change was made on (see `version`); when given and the node has changed since, the update is refused with `CONFLICT`."
        )]
        version: Option<i64>,
    ) -> Result<Programme> {
        self.update_cluster(ctx, id, input, version).await
    }

    /// Changes a programme cluster.
    async fn update_cluster(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cluster to change.")] id: ID,
        #[graphql(desc = "The changes.")] input: UpdateProgrammeInput,
        #[graphql(
            desc = "The version the change was made on (see `version`); when given and the node has changed since, the update is refused with `CONFLICT`."
        )]
        version: Option<i64>,
    ) -> Result<Programme> {
        update(
            ctx,
            &id,
            Table::Programme,
            version,
            move |row| {
                let Row::Programme(r) = row else {
                    return Err(wrong_row());
                };
                patch(&mut r.slug, input.slug);
                patch(&mut r.name, input.name);
                patch_opt(&mut r.description, input.description);
                patch_opt(&mut r.chair, input.chair);
                patch_opt(&mut r.ambition, input.ambition);
                Ok(())
            },
            Programme::load,
        )
        .await
    }

    /// Deletes a programme cluster. A cluster that still has lines is refused.
    #[graphql(deprecation = "Use `deleteCluster` instead.")]
    async fn delete_programme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cluster to delete.")] id: ID,
        #[graphql(
            desc = "The version the deletion was decided on (see `version`); when given and the node has changed since, the deletion is refused with `CONFLICT`."
        )]
        version: Option<i64>,
    ) -> Result<DeletedNode> {
        self.delete_cluster(ctx, id, version).await
    }

    /// Deletes a programme cluster. A cluster that still has lines is refused.
    async fn delete_cluster(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The cluster to delete.")] id: ID,
        #[graphql(
            desc = "The version the deletion was decided on (see `version`); when given and the node has changed since, the deletion is refused with `CONFLICT`."
        )]
        version: Option<i64>,
    ) -> Result<DeletedNode> {
        delete(ctx, id, Table::Programme, false, version).await
    }
}
