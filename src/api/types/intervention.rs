//! Interventions: the activities of the plan, and their links to goals, partners, funding,
//! wijken and each other.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use petgraph::Direction;

use super::{Area, FundingStream, Goal, Line, Partner, Programme, Wijk, required};
use super::{
    DeletedNode, by_slug, delete, link, list, loaded, loaded_one, node_object, page_of, patch,
    patch_opt, reference, update, wrong_row,
};
use crate::api::connection::{Connection, OrderBy, PageArgs, detailed_connection};
use crate::api::filters::*;
use crate::api::time::DateTime;
use crate::api::{OrGql, ids, snapshot};
use std::collections::HashSet;

use crate::domain::{self, Id, Known, PartnerRole, RelationKind, Row, Table, WijkScope};
use crate::error::Error;
use crate::graph::EdgeKind;
use crate::service::Draft;

node_object!(Intervention, interventions);

/// A partner of an intervention, with its role in it.
#[derive(SimpleObject)]
pub struct InterventionPartnerEdge {
    /// Pass this as `after` or `before` to page from this item.
    pub cursor: String,
    /// The role the partner plays in the intervention.
    pub role: PartnerRole,
    /// The partner.
    pub node: Partner,
}

detailed_connection!(
    InterventionPartnerConnection,
    InterventionPartnerEdge,
    Partner,
    "One page of an intervention's partners, with each partner's role."
);

/// A funding stream of an intervention, with what the source says about its share.
#[derive(SimpleObject)]
pub struct InterventionFunding {
    /// The amount in whole euros, where the source gives one.
    pub amount_eur: Option<i64>,
    /// A note on this funding (e.g. "particulier bezit").
    pub note: Option<String>,
    /// The funding stream.
    pub funding_stream: FundingStream,
}

/// Which way a relation between two interventions, or a tie between two goals, points.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum RelationDirection {
    /// This intervention refers to (or is the same as) the other one; this goal is served by
    /// the other one.
    Outgoing,
    /// The other intervention refers to (or is the same as) this one; the other goal is served
    /// by this one.
    Incoming,
}

/// A relation between this intervention and another one.
#[derive(SimpleObject)]
pub struct InterventionRelation {
    /// What the relation means.
    pub kind: RelationKind,
    /// Which way it points.
    pub direction: RelationDirection,
    /// A note, e.g. the source's "zie pijler 5 ..." reference.
    pub note: Option<String>,
    /// The other intervention.
    pub intervention: Intervention,
}

/// An intervention: a concrete activity, project or measure of the plan, with its goals,
/// partners, funding, wijken and running period.
#[Object]
impl Intervention {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(Table::Intervention, self.r.id)
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
    /// Short name, unique among the area's interventions.
    async fn slug(&self) -> &str {
        &self.r.slug
    }
    /// The name of the intervention.
    async fn name(&self) -> &str {
        &self.r.name
    }
    /// The indicators of progress on this intervention itself (with targets, measurements and
    /// progress). Not to be confused
    /// with `indicators`, the plan's monitoring items as text.
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
    /// The progress of the indicators that speak for this intervention (see `progressSummary` on
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
    /// What the intervention does, in the source's words.
    async fn description(&self) -> Option<&str> {
        self.r.description.as_deref()
    }
    /// The running period (looptijd) as the source words it.
    async fn period(&self) -> Option<&str> {
        self.r.period.as_deref()
    }
    /// The first year of the running period.
    async fn start_year(&self) -> Option<i32> {
        self.r.start_year
    }
    /// The last year of the running period.
    async fn end_year(&self) -> Option<i32> {
        self.r.end_year
    }
    /// Targets (aantal / streven), one per item.
    async fn targets(&self) -> &[String] {
        &self.r.targets
    }
    /// Monitoring indicators, one per item.
    async fn indicators(&self) -> &[String] {
        &self.r.indicators
    }
    /// Target groups (doelgroep).
    async fn target_groups(&self) -> &[String] {
        &self.r.target_groups
    }
    /// Remarks from the source that have no field of their own.
    async fn notes(&self) -> Option<&str> {
        self.r.notes.as_deref()
    }
    /// Whether the running period is not known NOT to cover the year: an unknown start or end
    /// leaves that side open, so an intervention without a period is "active" in every year.
    /// Kept for existing clients; `coversYear` tells known from unknown.
    #[graphql(
        deprecation = "An unknown period reads as true here; use `coversYear`, which answers YES, NO or UNKNOWN."
    )]
    async fn active_in(&self, #[graphql(desc = "The year.")] year: i32) -> bool {
        self.r.years().covers(year) != Known::No
    }
    /// Whether the running period covers the year: YES when its known years enclose it, NO
    /// when a known start or end excludes it, UNKNOWN when the document gives no period or
    /// only part of one (as for the Veilige Wijken interventions, which have no looptijd).
    async fn covers_year(&self, #[graphql(desc = "The year.")] year: i32) -> Known {
        self.r.years().covers(year)
    }
    /// Where the intervention works as far as the document says: in the listed wijken, in
    /// every wijk of its area (WHOLE_AREA), or UNKNOWN when it names no wijk.
    async fn wijk_scope(&self) -> WijkScope {
        self.s.wijk_scope(self.r.id)
    }
    /// The area the intervention belongs to.
    async fn area(&self) -> Result<Area> {
        required(Area::load(&self.s, self.r.area_id), "area")
    }
    /// The goals the intervention contributes to.
    async fn goals(&self) -> Vec<Goal> {
        loaded(
            &self.s,
            self.s.targets(self.r.id, EdgeKind::Contributes),
            Goal::load,
        )
    }
    /// The lines the intervention works for, through its goals.
    async fn lines(&self) -> Vec<Line> {
        loaded(
            &self.s,
            self.s.intervention_lines(self.r.id).to_vec(),
            Line::load,
        )
    }
    /// The programme clusters the intervention works for, through its goals.
    #[graphql(deprecation = "Use `clusters` instead.")]
    async fn programmes(&self, ctx: &Context<'_>) -> Result<Vec<Programme>> {
        self.clusters(ctx).await
    }
    /// The programme clusters the intervention works for, through its goals.
    async fn clusters(&self) -> Vec<Programme> {
        loaded(
            &self.s,
            self.s.intervention_programmes(self.r.id).to_vec(),
            Programme::load,
        )
    }
    /// The partners working on the intervention, with their roles.
    #[allow(clippy::too_many_arguments)]
    async fn partners(
        &self,
        #[graphql(desc = "Only partners in this role.")] role: Option<PartnerRole>,
        #[graphql(desc = "Conditions on the partners.")] filter: Option<PartnerFilter>,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<InterventionPartnerConnection> {
        let f = filter.to_filter(&self.s).gql()?;
        let ids = self.s.intervention_partners(self.r.id, role);
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let page = page_of(&self.s, Table::Partner, ids, &f, order_by, &args).gql()?;
        Ok(InterventionPartnerConnection::of(page, |cursor, id| {
            Some(InterventionPartnerEdge {
                cursor,
                role: self.s.role_in(id, self.r.id)?,
                node: Partner::load(&self.s, id)?,
            })
        }))
    }
    /// The funding of the intervention, stream by stream.
    async fn funding(&self) -> Vec<InterventionFunding> {
        self.s
            .edges(self.r.id, EdgeKind::Funding, Direction::Outgoing)
            .into_iter()
            .filter_map(|(link, stream)| {
                let l = self.s.data.intervention_funding.get(&link)?;
                Some(InterventionFunding {
                    amount_eur: l.amount_eur,
                    note: l.note.clone(),
                    funding_stream: FundingStream::load(&self.s, stream)?,
                })
            })
            .collect()
    }
    /// The wijken the intervention takes place in, where the source says so.
    async fn wijken(&self) -> Vec<Wijk> {
        loaded(
            &self.s,
            self.s.targets(self.r.id, EdgeKind::InWijk),
            Wijk::load,
        )
    }
    /// Interventions this one refers to or is the same as, and those that refer to it.
    async fn related(&self) -> Vec<InterventionRelation> {
        let directions = [
            (Direction::Outgoing, RelationDirection::Outgoing),
            (Direction::Incoming, RelationDirection::Incoming),
        ];
        directions
            .into_iter()
            .flat_map(|(d, direction)| {
                self.s
                    .edges(self.r.id, EdgeKind::Relation, d)
                    .into_iter()
                    .map(move |(link, other)| (link, other, direction))
            })
            .filter_map(|(link, other, direction)| {
                let l = self.s.data.intervention_relations.get(&link)?;
                Some(InterventionRelation {
                    kind: l.kind,
                    direction,
                    note: l.note.clone(),
                    intervention: Intervention::load(&self.s, other)?,
                })
            })
            .collect()
    }
}

/// Lookups and lists of interventions.
#[derive(Default)]
pub struct InterventionQuery;

#[Object(guard = "crate::api::Need(crate::auth::Role::Viewer)")]
impl InterventionQuery {
    /// The intervention with this slug, or null.
    async fn intervention(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intervention's slug.")] slug: String,
        #[graphql(desc = "The area's slug; needed only when several areas use the slug.")]
        area: Option<String>,
    ) -> Result<Option<Intervention>> {
        let s = snapshot(ctx)?;
        Ok(by_slug(&s, Table::Intervention, area.as_deref(), &slug)
            .gql()?
            .and_then(|id| Intervention::load(&s, id)))
    }

    /// Interventions of all areas.
    #[allow(clippy::too_many_arguments)]
    async fn interventions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions on the interventions.")] filter: Option<InterventionFilter>,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Intervention>> {
        let s = snapshot(ctx)?;
        let f = filter.to_filter(&s).gql()?;
        list(
            &s,
            Table::Intervention,
            f,
            order_by,
            PageArgs {
                first,
                after,
                last,
                before,
            },
            Intervention::load,
        )
        .gql()
    }
}

/// A partner of a new intervention, with its role.
#[derive(InputObject)]
pub struct InterventionPartnerInput {
    /// The partner.
    pub partner_id: ID,
    /// The partner's role.
    #[graphql(default_with = "PartnerRole::Executing")]
    pub role: PartnerRole,
}

/// A funding stream of a new intervention, with what is known of its share.
#[derive(InputObject)]
pub struct InterventionFundingInput {
    /// The funding stream.
    pub funding_stream_id: ID,
    /// The amount in whole euros, if known.
    pub amount_eur: Option<i64>,
    /// A note on this funding.
    pub note: Option<String>,
}

/// A new intervention, with its links if you like: the partners (with their roles), goals,
/// funding streams and wijken are linked in the same write, and each must be of the same
/// area and given once.
#[derive(InputObject)]
pub struct CreateInterventionInput {
    /// The area it belongs to.
    pub area_id: ID,
    /// Short name, unique among the area's interventions.
    pub slug: String,
    /// The name.
    pub name: String,
    /// What it does.
    pub description: Option<String>,
    /// The running period as words.
    pub period: Option<String>,
    /// First year (1900–2100).
    pub start_year: Option<i32>,
    /// Last year (1900–2100, not before the first).
    pub end_year: Option<i32>,
    /// Targets.
    #[graphql(default)]
    pub targets: Vec<String>,
    /// Monitoring indicators.
    #[graphql(default)]
    pub indicators: Vec<String>,
    /// Target groups.
    #[graphql(default)]
    pub target_groups: Vec<String>,
    /// Remarks.
    pub notes: Option<String>,
    /// The partners working on it, each with a role.
    #[graphql(default)]
    pub partners: Vec<InterventionPartnerInput>,
    /// The goals it contributes to.
    #[graphql(default)]
    pub goal_ids: Vec<ID>,
    /// The funding streams that pay it.
    #[graphql(default)]
    pub funding: Vec<InterventionFundingInput>,
    /// The wijken it takes place in.
    #[graphql(default)]
    pub wijk_ids: Vec<ID>,
}

/// The links a new intervention is created with, read from its input.
struct NewLinks {
    partners: Vec<(Id, PartnerRole)>,
    goals: Vec<Id>,
    funding: Vec<(Id, Option<i64>, Option<String>)>,
    wijken: Vec<Id>,
}

impl NewLinks {
    /// Reads the references of the input's links; a node given twice in a list is refused.
    fn read(input: &mut CreateInterventionInput) -> Result<NewLinks> {
        fn ids<T>(
            items: Vec<T>,
            list: &str,
            table: Table,
            field: &str,
            id: impl Fn(&T) -> &ID,
        ) -> Result<Vec<(Id, T)>> {
            let mut seen = HashSet::new();
            items
                .into_iter()
                .enumerate()
                .map(|(n, item)| {
                    let path = format!("{list}[{n}]{field}");
                    let node = reference(id(&item), table, &path)?;
                    if !seen.insert(node) {
                        return Err(crate::api::gql_error(Error::invalid(
                            path,
                            format!("the {} is given twice", table.noun()),
                        )));
                    }
                    Ok((node, item))
                })
                .collect()
        }
        let partners = std::mem::take(&mut input.partners);
        let goals = std::mem::take(&mut input.goal_ids);
        let funding = std::mem::take(&mut input.funding);
        let wijken = std::mem::take(&mut input.wijk_ids);
        Ok(NewLinks {
            partners: ids(partners, "partners", Table::Partner, ".partnerId", |p| {
                &p.partner_id
            })?
            .into_iter()
            .map(|(id, p)| (id, p.role))
            .collect(),
            goals: ids(goals, "goalIds", Table::Goal, "", |g| g)?
                .into_iter()
                .map(|(id, _)| id)
                .collect(),
            funding: ids(
                funding,
                "funding",
                Table::FundingStream,
                ".fundingStreamId",
                |f| &f.funding_stream_id,
            )?
            .into_iter()
            .map(|(id, f)| (id, f.amount_eur, f.note))
            .collect(),
            wijken: ids(wijken, "wijkIds", Table::Wijk, "", |w| w)?
                .into_iter()
                .map(|(id, _)| id)
                .collect(),
        })
    }

    /// Links the new intervention; a refused link names its place in the input.
    fn apply(self, d: &mut Draft, intervention: Id) -> crate::error::Result<()> {
        for (n, (partner, role)) in self.partners.into_iter().enumerate() {
            d.link_partner(intervention, partner, role)
                .map_err(|e| e.within(&format!("partners[{n}]")))?;
        }
        for (n, goal) in self.goals.into_iter().enumerate() {
            d.link_goal(intervention, goal)
                .map_err(|e| e.within(&format!("goalIds[{n}]")))?;
        }
        for (n, (stream, amount, note)) in self.funding.into_iter().enumerate() {
            d.link_funding(intervention, stream, amount, note)
                .map_err(|e| e.within(&format!("funding[{n}]")))?;
        }
        for (n, wijk) in self.wijken.into_iter().enumerate() {
            d.link_wijk(intervention, wijk)
                .map_err(|e| e.within(&format!("wijkIds[{n}]")))?;
        }
        Ok(())
    }
}

/// Changes to an intervention: absent fields stay, `null` clears an optional field, a list
/// replaces the list.
#[derive(InputObject)]
pub struct UpdateInterventionInput {
    /// New slug.
    pub slug: Option<String>,
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: MaybeUndefined<String>,
    /// New period.
    pub period: MaybeUndefined<String>,
    /// New first year.
    pub start_year: MaybeUndefined<i32>,
    /// New last year.
    pub end_year: MaybeUndefined<i32>,
    /// New targets.
    pub targets: Option<Vec<String>>,
    /// New indicators.
    pub indicators: Option<Vec<String>>,
    /// New target groups.
    pub target_groups: Option<Vec<String>>,
    /// New remarks.
    pub notes: MaybeUndefined<String>,
}

/// Creating, changing and deleting interventions, and linking them to goals, partners,
/// funding streams, wijken and each other.
#[derive(Default)]
pub struct InterventionMutation;

#[Object(guard = "crate::api::Need(crate::auth::Role::Editor)")]
impl InterventionMutation {
    /// Creates an intervention, with the partners, goals, funding streams and wijken given in
    /// the input linked to it in the same write.
    async fn create_intervention(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new intervention.")] mut input: CreateInterventionInput,
    ) -> Result<Intervention> {
        let area_id = reference(&input.area_id, Table::Area, "areaId")?;
        let links = NewLinks::read(&mut input)?;
        let row = Row::Intervention(domain::Intervention {
            id: 0,
            area_id,
            slug: input.slug,
            name: input.name,
            description: input.description,
            period: input.period,
            start_year: input.start_year,
            end_year: input.end_year,
            targets: input.targets,
            indicators: input.indicators,
            target_groups: input.target_groups,
            notes: input.notes,
        });
        let (s, id) = crate::api::transaction::write(ctx, move |d| {
            let id = d.create(row)?;
            links.apply(d, id)?;
            Ok(id)
        })
        .await?;
        loaded_one(&s, id, Intervention::load)
    }

    /// Changes an intervention.
    async fn update_intervention(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intervention to change.")] id: ID,
        #[graphql(desc = "The changes.")] input: UpdateInterventionInput,
        #[graphql(
            desc = "The version the change was made on (see `version`); when given and the node has changed since, the update is refused with `CONFLICT`."
        )]
        version: Option<i64>,
    ) -> Result<Intervention> {
        update(
            ctx,
            &id,
            Table::Intervention,
            version,
            move |row| {
                let Row::Intervention(r) = row else {
                    return Err(wrong_row());
                };
                patch(&mut r.slug, input.slug);
                patch(&mut r.name, input.name);
                patch_opt(&mut r.description, input.description);
                patch_opt(&mut r.period, input.period);
                patch_opt(&mut r.start_year, input.start_year);
                patch_opt(&mut r.end_year, input.end_year);
                patch(&mut r.targets, input.targets);
                patch(&mut r.indicators, input.indicators);
                patch(&mut r.target_groups, input.target_groups);
                patch_opt(&mut r.notes, input.notes);
                Ok(())
            },
            Intervention::load,
        )
        .await
    }

    /// Deletes an intervention with all its links.
    async fn delete_intervention(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intervention to delete.")] id: ID,
        #[graphql(
            desc = "The version the deletion was decided on (see `version`); when given and the node has changed since, the deletion is refused with `CONFLICT`."
        )]
        version: Option<i64>,
    ) -> Result<DeletedNode> {
        delete(ctx, id, Table::Intervention, false, version).await
    }

    /// Records that an intervention contributes to a goal (nothing changes if it does already).
    #[graphql(
        deprecation = "Use `linkGoalToIntervention`: its payload holds both ends and the link."
    )]
    async fn link_intervention_goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intervention.")] intervention_id: ID,
        #[graphql(desc = "The goal.")] goal_id: ID,
    ) -> Result<Intervention> {
        link(
            ctx,
            (&intervention_id, Table::Intervention, "interventionId"),
            (&goal_id, Table::Goal, "goalId"),
            move |d, i, g| d.link_goal(i, g),
            Intervention::load,
        )
        .await
    }

    /// Removes a goal from an intervention.
    #[graphql(
        deprecation = "Use `unlinkGoalFromIntervention`: its payload holds both ends and the link."
    )]
    async fn unlink_intervention_goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intervention.")] intervention_id: ID,
        #[graphql(desc = "The goal.")] goal_id: ID,
    ) -> Result<Intervention> {
        link(
            ctx,
            (&intervention_id, Table::Intervention, "interventionId"),
            (&goal_id, Table::Goal, "goalId"),
            move |d, i, g| d.unlink_goal(i, g),
            Intervention::load,
        )
        .await
    }

    /// Puts a partner on an intervention in a role; a partner already on it takes the new role.
    #[graphql(
        deprecation = "Use `linkPartnerToIntervention`: its payload holds both ends and the link."
    )]
    async fn link_intervention_partner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intervention.")] intervention_id: ID,
        #[graphql(desc = "The partner.")] partner_id: ID,
        #[graphql(desc = "The partner's role.", default_with = "PartnerRole::Executing")]
        role: PartnerRole,
    ) -> Result<Intervention> {
        link(
            ctx,
            (&intervention_id, Table::Intervention, "interventionId"),
            (&partner_id, Table::Partner, "partnerId"),
            move |d, i, p| d.link_partner(i, p, role),
            Intervention::load,
        )
        .await
    }

    /// Takes a partner off an intervention.
    #[graphql(
        deprecation = "Use `unlinkPartnerFromIntervention`: its payload holds both ends and the link."
    )]
    async fn unlink_intervention_partner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intervention.")] intervention_id: ID,
        #[graphql(desc = "The partner.")] partner_id: ID,
    ) -> Result<Intervention> {
        link(
            ctx,
            (&intervention_id, Table::Intervention, "interventionId"),
            (&partner_id, Table::Partner, "partnerId"),
            move |d, i, p| d.unlink_partner(i, p),
            Intervention::load,
        )
        .await
    }

    /// Records that a funding stream pays an intervention; an existing link takes the new
    /// amount and note.
    #[graphql(
        deprecation = "Use `linkFundingStreamToIntervention`: its payload holds both ends and the link."
    )]
    async fn link_intervention_funding(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intervention.")] intervention_id: ID,
        #[graphql(desc = "The funding stream.")] funding_stream_id: ID,
        #[graphql(desc = "The amount in whole euros, if known.")] amount_eur: Option<i64>,
        #[graphql(desc = "A note on this funding.")] note: Option<String>,
    ) -> Result<Intervention> {
        link(
            ctx,
            (&intervention_id, Table::Intervention, "interventionId"),
            (&funding_stream_id, Table::FundingStream, "fundingStreamId"),
            move |d, i, f| d.link_funding(i, f, amount_eur, note),
            Intervention::load,
        )
        .await
    }

    /// Removes a funding stream from an intervention.
    #[graphql(
        deprecation = "Use `unlinkFundingStreamFromIntervention`: its payload holds both ends and the link."
    )]
    async fn unlink_intervention_funding(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intervention.")] intervention_id: ID,
        #[graphql(desc = "The funding stream.")] funding_stream_id: ID,
    ) -> Result<Intervention> {
        link(
            ctx,
            (&intervention_id, Table::Intervention, "interventionId"),
            (&funding_stream_id, Table::FundingStream, "fundingStreamId"),
            move |d, i, f| d.unlink_funding(i, f),
            Intervention::load,
        )
        .await
    }

    /// Places an intervention in a wijk (nothing changes if it is there already).
    #[graphql(
        deprecation = "Use `linkWijkToIntervention`: its payload holds both ends and the link."
    )]
    async fn link_intervention_wijk(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intervention.")] intervention_id: ID,
        #[graphql(desc = "The wijk.")] wijk_id: ID,
    ) -> Result<Intervention> {
        link(
            ctx,
            (&intervention_id, Table::Intervention, "interventionId"),
            (&wijk_id, Table::Wijk, "wijkId"),
            move |d, i, w| d.link_wijk(i, w),
            Intervention::load,
        )
        .await
    }

    /// Removes a wijk from an intervention.
    #[graphql(
        deprecation = "Use `unlinkWijkFromIntervention`: its payload holds both ends and the link."
    )]
    async fn unlink_intervention_wijk(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intervention.")] intervention_id: ID,
        #[graphql(desc = "The wijk.")] wijk_id: ID,
    ) -> Result<Intervention> {
        link(
            ctx,
            (&intervention_id, Table::Intervention, "interventionId"),
            (&wijk_id, Table::Wijk, "wijkId"),
            move |d, i, w| d.unlink_wijk(i, w),
            Intervention::load,
        )
        .await
    }

    /// Relates one intervention to another; an existing relation takes the new kind and note.
    #[graphql(
        deprecation = "Use `linkInterventionToIntervention`: its payload holds both ends and the link."
    )]
    async fn link_interventions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intervention that refers.")] from_id: ID,
        #[graphql(desc = "The intervention referred to.")] to_id: ID,
        #[graphql(
            desc = "What the relation means.",
            default_with = "RelationKind::RefersTo"
        )]
        kind: RelationKind,
        #[graphql(desc = "A note, e.g. the source's reference text.")] note: Option<String>,
    ) -> Result<Intervention> {
        link(
            ctx,
            (&from_id, Table::Intervention, "fromId"),
            (&to_id, Table::Intervention, "toId"),
            move |d, from, to| d.link_interventions(from, to, kind, note),
            Intervention::load,
        )
        .await
    }

    /// Removes a relation between two interventions.
    #[graphql(
        deprecation = "Use `unlinkInterventionFromIntervention`: its payload holds both ends and the link."
    )]
    async fn unlink_interventions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intervention that refers.")] from_id: ID,
        #[graphql(desc = "The intervention referred to.")] to_id: ID,
    ) -> Result<Intervention> {
        link(
            ctx,
            (&from_id, Table::Intervention, "fromId"),
            (&to_id, Table::Intervention, "toId"),
            move |d, from, to| d.unlink_interventions(from, to),
            Intervention::load,
        )
        .await
    }
}
