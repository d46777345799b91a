//! The link mutations whose payloads hold both ends and the link: after linking a partner to
//! an intervention, the payload's `partner` and `intervention` are read after the change, so a
//! client cache can update both lists (and their `totalCount`) without asking again. One pair
//! of mutations per kind of link, named `link<End>To<Node>` / `unlink<End>From<Node>`; the
//! older `linkIntervention*` mutations, which return one end only, stay (deprecated).

use std::sync::Arc;

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use petgraph::Direction;

use super::{FundingStream, Goal, Intervention, Line, Partner, Wijk};
use super::{link_ends, loaded_one};
use crate::domain::{GoalRelationKind, Id, PartnerRole, RelationKind, Table};
use crate::graph::{EdgeKind, Snapshot};

/// The link row of a kind between two nodes, if they are linked.
fn link_row(s: &Snapshot, from: Id, to: Id, kind: EdgeKind) -> Option<Id> {
    s.edges(from, kind, Direction::Outgoing)
        .into_iter()
        .find(|&(_, other)| other == to)
        .map(|(record, _)| record)
}

/// A goal and an intervention after linking or unlinking them.
#[derive(SimpleObject)]
pub struct InterventionGoalPayload {
    /// The intervention, as it is now (its `goals` include the goal when linked).
    pub intervention: Intervention,
    /// The goal, as it is now (its `interventions` include the intervention when linked).
    pub goal: Goal,
    /// Whether the intervention contributes to the goal now (false after an unlink).
    pub linked: bool,
}

impl InterventionGoalPayload {
    fn read(s: &Arc<Snapshot>, intervention: Id, goal: Id) -> Result<Self> {
        Ok(Self {
            intervention: loaded_one(s, intervention, Intervention::load)?,
            goal: loaded_one(s, goal, Goal::load)?,
            linked: link_row(s, intervention, goal, EdgeKind::Contributes).is_some(),
        })
    }
}

/// A partner and an intervention after linking or unlinking them.
#[derive(SimpleObject)]
pub struct InterventionPartnerPayload {
    /// The intervention, as it is now (its `partners` include the partner when linked).
    pub intervention: Intervention,
    /// The partner, as it is now (its `interventions` include the intervention when linked).
    pub partner: Partner,
    /// Whether the partner works on the intervention now (false after an unlink).
    pub linked: bool,
    /// The partner's role in the intervention; null when not linked.
    pub role: Option<PartnerRole>,
}

impl InterventionPartnerPayload {
    fn read(s: &Arc<Snapshot>, intervention: Id, partner: Id) -> Result<Self> {
        let link = link_row(s, intervention, partner, EdgeKind::Partner)
            .and_then(|l| s.data.intervention_partners.get(&l).cloned());
        Ok(Self {
            intervention: loaded_one(s, intervention, Intervention::load)?,
            partner: loaded_one(s, partner, Partner::load)?,
            linked: link.is_some(),
            role: link.map(|l| l.role),
        })
    }
}

/// A funding stream and an intervention after linking or unlinking them.
#[derive(SimpleObject)]
pub struct InterventionFundingPayload {
    /// The intervention, as it is now (its `funding` includes the stream when linked).
    pub intervention: Intervention,
    /// The funding stream, as it is now (its `interventions` include the intervention when
    /// linked).
    pub funding_stream: FundingStream,
    /// Whether the stream pays the intervention now (false after an unlink).
    pub linked: bool,
    /// The amount in whole euros the link records; null when unknown or not linked.
    pub amount_eur: Option<i64>,
    /// The link's note; null when none or not linked.
    pub note: Option<String>,
}

impl InterventionFundingPayload {
    fn read(s: &Arc<Snapshot>, intervention: Id, stream: Id) -> Result<Self> {
        let link = link_row(s, intervention, stream, EdgeKind::Funding)
            .and_then(|l| s.data.intervention_funding.get(&l).cloned());
        Ok(Self {
            intervention: loaded_one(s, intervention, Intervention::load)?,
            funding_stream: loaded_one(s, stream, FundingStream::load)?,
            linked: link.is_some(),
            amount_eur: link.as_ref().and_then(|l| l.amount_eur),
            note: link.and_then(|l| l.note.clone()),
        })
    }
}

/// A wijk and an intervention after placing the intervention there or taking it away.
#[derive(SimpleObject)]
pub struct InterventionWijkPayload {
    /// The intervention, as it is now (its `wijken` include the wijk when linked).
    pub intervention: Intervention,
    /// The wijk, as it is now (its `interventions` include the intervention when linked).
    pub wijk: Wijk,
    /// Whether the intervention takes place in the wijk now (false after an unlink).
    pub linked: bool,
}

impl InterventionWijkPayload {
    fn read(s: &Arc<Snapshot>, intervention: Id, wijk: Id) -> Result<Self> {
        Ok(Self {
            intervention: loaded_one(s, intervention, Intervention::load)?,
            wijk: loaded_one(s, wijk, Wijk::load)?,
            linked: link_row(s, intervention, wijk, EdgeKind::InWijk).is_some(),
        })
    }
}

/// Two interventions after relating them or removing their relation.
#[derive(SimpleObject)]
pub struct InterventionRelationPayload {
    /// The intervention that refers, as it is now (its `related` list the other one as
    /// `OUTGOING` when linked).
    pub from: Intervention,
    /// The intervention referred to, as it is now (its `related` list the first as `INCOMING`
    /// when linked).
    pub to: Intervention,
    /// Whether the relation exists now (false after an unlink).
    pub linked: bool,
    /// What the relation means; null when not linked.
    pub kind: Option<RelationKind>,
    /// The relation's note; null when none or not linked.
    pub note: Option<String>,
}

impl InterventionRelationPayload {
    fn read(s: &Arc<Snapshot>, from: Id, to: Id) -> Result<Self> {
        let link = link_row(s, from, to, EdgeKind::Relation)
            .and_then(|l| s.data.intervention_relations.get(&l).cloned());
        Ok(Self {
            from: loaded_one(s, from, Intervention::load)?,
            to: loaded_one(s, to, Intervention::load)?,
            linked: link.is_some(),
            kind: link.as_ref().map(|l| l.kind),
            note: link.and_then(|l| l.note.clone()),
        })
    }
}

/// Two goals after tying them or removing their tie.
#[derive(SimpleObject)]
pub struct GoalRelationPayload {
    /// The goal that is served, as it is now (its `relatedGoals` list the other one as
    /// `OUTGOING` when linked).
    pub from: Goal,
    /// The goal that serves it, as it is now (its `relatedGoals` list the first as `INCOMING`
    /// when linked).
    pub to: Goal,
    /// Whether the tie exists now (false after an unlink).
    pub linked: bool,
    /// What the tie means; null when not linked.
    pub kind: Option<GoalRelationKind>,
    /// The tie's note; null when none or not linked.
    pub note: Option<String>,
}

impl GoalRelationPayload {
    fn read(s: &Arc<Snapshot>, from: Id, to: Id) -> Result<Self> {
        let link = link_row(s, from, to, EdgeKind::GoalRelation)
            .and_then(|l| s.data.goal_relations.get(&l).cloned());
        Ok(Self {
            from: loaded_one(s, from, Goal::load)?,
            to: loaded_one(s, to, Goal::load)?,
            linked: link.is_some(),
            kind: link.as_ref().map(|l| l.kind),
            note: link.and_then(|l| l.note.clone()),
        })
    }
}

/// A funding stream and a line after naming the stream for the line or removing it.
#[derive(SimpleObject)]
pub struct LineFundingPayload {
    /// The line, as it is now (its `funding` includes the stream when linked).
    pub line: Line,
    /// The funding stream, as it is now.
    pub funding_stream: FundingStream,
    /// Whether the stream is named for the line now (false after an unlink).
    pub linked: bool,
}

impl LineFundingPayload {
    fn read(s: &Arc<Snapshot>, line: Id, stream: Id) -> Result<Self> {
        Ok(Self {
            line: loaded_one(s, line, Line::load)?,
            funding_stream: loaded_one(s, stream, FundingStream::load)?,
            linked: link_row(s, line, stream, EdgeKind::LineFunding).is_some(),
        })
    }
}

/// Linking and unlinking nodes, with payloads that hold both ends and the link.
#[derive(Default)]
pub struct LinkMutation;

#[Object(guard = "crate::api::Need(crate::auth::Role::Editor)")]
impl LinkMutation {
    /// Records that an intervention contributes to a goal (nothing changes if it does already).
    async fn link_goal_to_intervention(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intervention.")] intervention_id: ID,
        #[graphql(desc = "The goal.")] goal_id: ID,
    ) -> Result<InterventionGoalPayload> {
        let (s, i, g) = link_ends(
            ctx,
            (&intervention_id, Table::Intervention, "interventionId"),
            (&goal_id, Table::Goal, "goalId"),
            |d, i, g| d.link_goal(i, g),
        )
        .await?;
        InterventionGoalPayload::read(&s, i, g)
    }

    /// Removes a goal from an intervention (`NOT_FOUND` when it is not linked).
    async fn unlink_goal_from_intervention(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intervention.")] intervention_id: ID,
        #[graphql(desc = "The goal.")] goal_id: ID,
    ) -> Result<InterventionGoalPayload> {
        let (s, i, g) = link_ends(
            ctx,
            (&intervention_id, Table::Intervention, "interventionId"),
            (&goal_id, Table::Goal, "goalId"),
            |d, i, g| d.unlink_goal(i, g),
        )
        .await?;
        InterventionGoalPayload::read(&s, i, g)
    }

    /// Puts a partner on an intervention in a role; a partner already on it takes the new role.
    async fn link_partner_to_intervention(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intervention.")] intervention_id: ID,
        #[graphql(desc = "The partner.")] partner_id: ID,
        #[graphql(desc = "The partner's role.", default_with = "PartnerRole::Executing")]
        role: PartnerRole,
    ) -> Result<InterventionPartnerPayload> {
        let (s, i, p) = link_ends(
            ctx,
            (&intervention_id, Table::Intervention, "interventionId"),
            (&partner_id, Table::Partner, "partnerId"),
            move |d, i, p| d.link_partner(i, p, role),
        )
        .await?;
        InterventionPartnerPayload::read(&s, i, p)
    }

    /// Takes a partner off an intervention (`NOT_FOUND` when it is not on it).
    async fn unlink_partner_from_intervention(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intervention.")] intervention_id: ID,
        #[graphql(desc = "The partner.")] partner_id: ID,
    ) -> Result<InterventionPartnerPayload> {
        let (s, i, p) = link_ends(
            ctx,
            (&intervention_id, Table::Intervention, "interventionId"),
            (&partner_id, Table::Partner, "partnerId"),
            |d, i, p| d.unlink_partner(i, p),
        )
        .await?;
        InterventionPartnerPayload::read(&s, i, p)
    }

    /// Records that a funding stream pays an intervention; an existing link takes the new
    /// amount and note.
    async fn link_funding_stream_to_intervention(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intervention.")] intervention_id: ID,
        #[graphql(desc = "The funding stream.")] funding_stream_id: ID,
        #[graphql(desc = "The amount in whole euros, if known.")] amount_eur: Option<i64>,
        #[graphql(desc = "A note on this funding.")] note: Option<String>,
    ) -> Result<InterventionFundingPayload> {
        let (s, i, f) = link_ends(
            ctx,
            (&intervention_id, Table::Intervention, "interventionId"),
            (&funding_stream_id, Table::FundingStream, "fundingStreamId"),
            move |d, i, f| d.link_funding(i, f, amount_eur, note),
        )
        .await?;
        InterventionFundingPayload::read(&s, i, f)
    }

    /// Removes a funding stream from an intervention (`NOT_FOUND` when it does not pay it).
    async fn unlink_funding_stream_from_intervention(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intervention.")] intervention_id: ID,
        #[graphql(desc = "The funding stream.")] funding_stream_id: ID,
    ) -> Result<InterventionFundingPayload> {
        let (s, i, f) = link_ends(
            ctx,
            (&intervention_id, Table::Intervention, "interventionId"),
            (&funding_stream_id, Table::FundingStream, "fundingStreamId"),
            |d, i, f| d.unlink_funding(i, f),
        )
        .await?;
        InterventionFundingPayload::read(&s, i, f)
    }

    /// Places an intervention in a wijk (nothing changes if it is there already).
    async fn link_wijk_to_intervention(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intervention.")] intervention_id: ID,
        #[graphql(desc = "The wijk.")] wijk_id: ID,
    ) -> Result<InterventionWijkPayload> {
        let (s, i, w) = link_ends(
            ctx,
            (&intervention_id, Table::Intervention, "interventionId"),
            (&wijk_id, Table::Wijk, "wijkId"),
            |d, i, w| d.link_wijk(i, w),
        )
        .await?;
        InterventionWijkPayload::read(&s, i, w)
    }

    /// Takes an intervention out of a wijk (`NOT_FOUND` when it is not there).
    async fn unlink_wijk_from_intervention(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intervention.")] intervention_id: ID,
        #[graphql(desc = "The wijk.")] wijk_id: ID,
    ) -> Result<InterventionWijkPayload> {
        let (s, i, w) = link_ends(
            ctx,
            (&intervention_id, Table::Intervention, "interventionId"),
            (&wijk_id, Table::Wijk, "wijkId"),
            |d, i, w| d.unlink_wijk(i, w),
        )
        .await?;
        InterventionWijkPayload::read(&s, i, w)
    }

    /// Relates one intervention to another; an existing relation takes the new kind and note.
    async fn link_intervention_to_intervention(
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
    ) -> Result<InterventionRelationPayload> {
        let (s, from, to) = link_ends(
            ctx,
            (&from_id, Table::Intervention, "fromId"),
            (&to_id, Table::Intervention, "toId"),
            move |d, from, to| d.link_interventions(from, to, kind, note),
        )
        .await?;
        InterventionRelationPayload::read(&s, from, to)
    }

    /// Removes the relation from one intervention to another (`NOT_FOUND` when there is none).
    async fn unlink_intervention_from_intervention(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The intervention that refers.")] from_id: ID,
        #[graphql(desc = "The intervention referred to.")] to_id: ID,
    ) -> Result<InterventionRelationPayload> {
        let (s, from, to) = link_ends(
            ctx,
            (&from_id, Table::Intervention, "fromId"),
            (&to_id, Table::Intervention, "toId"),
            |d, from, to| d.unlink_interventions(from, to),
        )
        .await?;
        InterventionRelationPayload::read(&s, from, to)
    }

    /// Ties one goal to another that serves it; an existing tie takes the new kind and note.
    async fn link_goal_to_goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The goal that is served (e.g. a shared Doel of the area).")] from_id: ID,
        #[graphql(desc = "The goal that serves it (e.g. the cluster goal that repeats it).")]
        to_id: ID,
        #[graphql(
            desc = "What the tie means.",
            default_with = "GoalRelationKind::ServedBy"
        )]
        kind: GoalRelationKind,
        #[graphql(desc = "A note, e.g. the words the two goals share in the source.")] note: Option<
            String,
        >,
    ) -> Result<GoalRelationPayload> {
        let (s, from, to) = link_ends(
            ctx,
            (&from_id, Table::Goal, "fromId"),
            (&to_id, Table::Goal, "toId"),
            move |d, from, to| d.link_goals(from, to, kind, note),
        )
        .await?;
        GoalRelationPayload::read(&s, from, to)
    }

    /// Removes the tie from one goal to another (`NOT_FOUND` when there is none).
    async fn unlink_goal_from_goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The goal that is served.")] from_id: ID,
        #[graphql(desc = "The goal that serves it.")] to_id: ID,
    ) -> Result<GoalRelationPayload> {
        let (s, from, to) = link_ends(
            ctx,
            (&from_id, Table::Goal, "fromId"),
            (&to_id, Table::Goal, "toId"),
            |d, from, to| d.unlink_goals(from, to),
        )
        .await?;
        GoalRelationPayload::read(&s, from, to)
    }

    /// Names a funding stream for a whole line (nothing changes if it is named already).
    async fn link_funding_stream_to_line(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The line.")] line_id: ID,
        #[graphql(desc = "The funding stream.")] funding_stream_id: ID,
    ) -> Result<LineFundingPayload> {
        let (s, l, f) = link_ends(
            ctx,
            (&line_id, Table::Line, "lineId"),
            (&funding_stream_id, Table::FundingStream, "fundingStreamId"),
            |d, l, f| d.link_line_funding(l, f),
        )
        .await?;
        LineFundingPayload::read(&s, l, f)
    }

    /// Removes a funding stream from a line (`NOT_FOUND` when it is not named for it).
    async fn unlink_funding_stream_from_line(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The line.")] line_id: ID,
        #[graphql(desc = "The funding stream.")] funding_stream_id: ID,
    ) -> Result<LineFundingPayload> {
        let (s, l, f) = link_ends(
            ctx,
            (&line_id, Table::Line, "lineId"),
            (&funding_stream_id, Table::FundingStream, "fundingStreamId"),
            |d, l, f| d.unlink_line_funding(l, f),
        )
        .await?;
        LineFundingPayload::read(&s, l, f)
    }
}
