//! Partners: the organisations working on interventions.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};

use super::{Area, FundingStream, Intervention, Programme, Wijk, required};
use super::{
    DeletedNode, by_slug, create, delete, list, loaded, node_object, page_of, patch, patch_opt,
    reference, scoped, update, wrong_row,
};
use crate::api::connection::Connection;
use crate::api::connection::{OrderBy, PageArgs, detailed_connection};
use crate::api::filters::*;
use crate::api::time::DateTime;
use crate::api::{OrGql, ids, snapshot};
use crate::domain::{self, PartnerKind, PartnerRole, Row, Table, fold};
use crate::service::Draft;

node_object!(Partner, partners);

/// An intervention of a partner, with the partner's role in it.
#[derive(SimpleObject)]
pub struct PartnerInterventionEdge {
    /// Pass this as `after` or `before` to page from this item.
    pub cursor: String,
    /// The partner's role in the intervention.
    pub role: PartnerRole,
    /// The intervention.
    pub node: Intervention,
}

detailed_connection!(
    PartnerInterventionConnection,
    PartnerInterventionEdge,
    Intervention,
    "One page of a partner's interventions, with the partner's role in each."
);

/// An organisation, or a named group of parties, that works on interventions.
#[Object]
impl Partner {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(Table::Partner, self.r.id)
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
    /// Short name, unique among the area's partners (e.g. `welzijn-lelystad`).
    async fn slug(&self) -> &str {
        &self.r.slug
    }
    /// The partner's name.
    async fn name(&self) -> &str {
        &self.r.name
    }
    /// What kind of organisation it is.
    async fn kind(&self) -> PartnerKind {
        self.r.kind
    }
    /// Description.
    async fn description(&self) -> Option<&str> {
        self.r.description.as_deref()
    }
    /// Other names the sources use for the partner (e.g. "Gemeente" for Gemeente Lelystad).
    async fn aliases(&self) -> &[String] {
        &self.r.aliases
    }
    /// The key of the real organisation this partner record stands for, shared by the
    /// organisation's partner records in other areas (see `organisations`); null when no other
    /// programme's document names it.
    async fn organisation(&self) -> Option<&str> {
        self.r.organisation.as_deref()
    }
    /// The area the partner belongs to.
    async fn area(&self) -> Result<Area> {
        required(Area::load(&self.s, self.r.area_id), "area")
    }
    /// The programme clusters the partner works in, through its interventions.
    #[graphql(deprecation = "Use `clusters` instead.")]
    async fn programmes(&self, ctx: &Context<'_>) -> Result<Vec<Programme>> {
        self.clusters(ctx).await
    }
    /// The programme clusters the partner works in, through its interventions.
    async fn clusters(&self) -> Vec<Programme> {
        loaded(
            &self.s,
            self.s
                .reached_through_interventions(self.r.id, Table::Programme),
            Programme::load,
        )
    }

    /// The interventions the partner works on, with its role in each.
    #[allow(clippy::too_many_arguments)]
    async fn interventions(
        &self,
        #[graphql(desc = "Only interventions where the partner has this role.")] role: Option<
            PartnerRole,
        >,
        #[graphql(desc = "Conditions on the interventions.")] filter: Option<InterventionFilter>,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<PartnerInterventionConnection> {
        let f = filter.to_filter(&self.s).gql()?;
        let ids = self.s.partner_interventions(self.r.id, role);
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let page = page_of(&self.s, Table::Intervention, ids, &f, order_by, &args).gql()?;
        Ok(PartnerInterventionConnection::of(page, |cursor, id| {
            Some(PartnerInterventionEdge {
                cursor,
                role: self.s.role_in(self.r.id, id)?,
                node: Intervention::load(&self.s, id)?,
            })
        }))
    }

    /// The partners that share at least one intervention with this one.
    #[allow(clippy::too_many_arguments)]
    async fn collaborators(
        &self,
        #[graphql(desc = "Conditions on the partners (and the shared interventions).")]
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
            |f| f.partner = Some(id),
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

    /// The funding streams paying the partner's interventions.
    #[allow(clippy::too_many_arguments)]
    async fn funding_streams(
        &self,
        #[graphql(desc = "Conditions on the streams; `partner` is this partner.")] filter: Option<
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
            |f| f.partner = Some(id),
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

    /// The wijken the partner works in, through its interventions.
    #[allow(clippy::too_many_arguments)]
    async fn wijken(
        &self,
        #[graphql(desc = "Conditions on the wijken; `partner` is this partner.")] filter: Option<
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
            |f| f.partner = Some(id),
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

/// Lookups and lists of partners.
#[derive(Default)]
pub struct PartnerQuery;

#[Object(guard = "crate::api::Need(crate::auth::Role::Viewer)")]
impl PartnerQuery {
    /// The partner with this slug, or null.
    async fn partner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partner's slug, e.g. `welzijn-lelystad`.")] slug: String,
        #[graphql(desc = "The area's slug; needed only when several areas use the slug.")]
        area: Option<String>,
    ) -> Result<Option<Partner>> {
        let s = snapshot(ctx)?;
        Ok(by_slug(&s, Table::Partner, area.as_deref(), &slug)
            .gql()?
            .and_then(|id| Partner::load(&s, id)))
    }

    /// The partners whose name or alias is this name, ignoring case and accents: how to find
    /// the partner behind a name variant ("gemeente" finds Gemeente Lelystad).
    async fn partners_named(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The name or alias to look for.")] name: String,
        #[graphql(desc = "Only in this area (slug).")] area: Option<String>,
    ) -> Result<Vec<Partner>> {
        let s = snapshot(ctx)?;
        let area = match area {
            Some(slug) => Some(s.area_by_slug(&slug).ok_or_else(|| {
                crate::api::gql_error(crate::error::Error::not_found("area", &slug, Some("area")))
            })?),
            None => None,
        };
        let wanted = fold(name.trim());
        let matches = s
            .data
            .partners
            .values()
            .filter(|p| area.is_none_or(|a| p.area_id == a))
            .filter(|p| {
                fold(&p.name) == wanted || p.aliases.iter().any(|alias| fold(alias) == wanted)
            })
            .map(|p| p.id);
        Ok(loaded(&s, matches, Partner::load))
    }

    /// Partners of all areas.
    #[allow(clippy::too_many_arguments)]
    async fn partners(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions on the partners.")] filter: Option<PartnerFilter>,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Partner>> {
        let s = snapshot(ctx)?;
        let f = filter.to_filter(&s).gql()?;
        list(
            &s,
            Table::Partner,
            f,
            order_by,
            PageArgs {
                first,
                after,
                last,
                before,
            },
            Partner::load,
        )
        .gql()
    }
}

/// A new partner.
#[derive(InputObject)]
pub struct CreatePartnerInput {
    /// The area it belongs to.
    pub area_id: ID,
    /// Short name, unique among the area's partners.
    pub slug: String,
    /// The partner's name.
    pub name: String,
    /// What kind of organisation it is.
    pub kind: PartnerKind,
    /// Description.
    pub description: Option<String>,
    /// Other names for the partner.
    #[graphql(default)]
    pub aliases: Vec<String>,
    /// The key of the real organisation, shared with its partner records in other areas.
    pub organisation: Option<String>,
}

/// Changes to a partner: absent fields stay, `null` clears an optional field.
#[derive(InputObject)]
pub struct UpdatePartnerInput {
    /// New slug.
    pub slug: Option<String>,
    /// New name.
    pub name: Option<String>,
    /// New kind.
    pub kind: Option<PartnerKind>,
    /// New description.
    pub description: MaybeUndefined<String>,
    /// New aliases (replaces the list).
    pub aliases: Option<Vec<String>>,
    /// New organisation key; `null` clears it.
    pub organisation: MaybeUndefined<String>,
}

/// Creating, changing and deleting partners.
#[derive(Default)]
pub struct PartnerMutation;

#[Object(guard = "crate::api::Need(crate::auth::Role::Editor)")]
impl PartnerMutation {
    /// Creates a partner.
    async fn create_partner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new partner.")] input: CreatePartnerInput,
    ) -> Result<Partner> {
        let area_id = reference(&input.area_id, Table::Area, "areaId")?;
        let row = move |_: &Draft| {
            Row::Partner(domain::Partner {
                id: 0,
                area_id,
                slug: input.slug,
                name: input.name,
                description: input.description,
                kind: input.kind,
                aliases: input.aliases,
                organisation: input.organisation,
            })
        };
        create(ctx, row, Partner::load).await
    }

    /// Changes a partner.
    async fn update_partner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partner to change.")] id: ID,
        #[graphql(desc = "The changes.")] input: UpdatePartnerInput,
        #[graphql(
            desc = "The version the change was made on (see `version`); when given and the node has changed since, the update is refused with `CONFLICT`."
        )]
        version: Option<i64>,
    ) -> Result<Partner> {
        update(
            ctx,
            &id,
            Table::Partner,
            version,
            move |row| {
                let Row::Partner(r) = row else {
                    return Err(wrong_row());
                };
                patch(&mut r.slug, input.slug);
                patch(&mut r.name, input.name);
                patch(&mut r.kind, input.kind);
                patch_opt(&mut r.description, input.description);
                patch(&mut r.aliases, input.aliases);
                patch_opt(&mut r.organisation, input.organisation);
                Ok(())
            },
            Partner::load,
        )
        .await
    }

    /// Deletes a partner; it is taken off every intervention.
    async fn delete_partner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partner to delete.")] id: ID,
        #[graphql(
            desc = "The version the deletion was decided on (see `version`); when given and the node has changed since, the deletion is refused with `CONFLICT`."
        )]
        version: Option<i64>,
    ) -> Result<DeletedNode> {
        delete(ctx, id, Table::Partner, false, version).await
    }
}
