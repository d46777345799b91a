//! Goals: ambitions, main goals and sub-goals, as a tree below lines or the area.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use petgraph::Direction;

use super::intervention::RelationDirection;
use super::{Area, Intervention, Line, Partner, Programme, required};
use super::{
    DeletedNode, by_slug, create, delete, list, list_of, loaded, node_object, patch, patch_opt,
    reference, scoped, update, wrong_row,
};
use crate::api::connection::{Connection, OrderBy, PageArgs};
use crate::api::filters::*;
use crate::api::time::DateTime;
use crate::api::{OrGql, ids, snapshot};
use crate::domain::{self, GoalLevel, GoalRelationKind, Row, Table};
use crate::graph::EdgeKind;
use crate::service::Draft;

node_object!(Goal, goals);

/// A tie between this goal and another goal of the area, as the plan makes it.
#[derive(SimpleObject)]
pub struct GoalRelation {
    /// What the tie means.
    pub kind: GoalRelationKind,
    /// Which way it points: `OUTGOING` when this goal is served by the other one, `INCOMING`
    /// when this goal serves the other one.
    pub direction: RelationDirection,
    /// A note, e.g. the words the two goals share in the source.
    pub note: Option<String>,
    /// The other goal.
    pub goal: Goal,
}

/// A goal: an ambition, a main goal (hoofddoel) or a sub-goal (subdoel). Top goals hang on a
/// line, or on the area as a whole; the others hang on a parent goal and share its line.
#[Object]
impl Goal {
    /// The opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(Table::Goal, self.r.id)
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
    /// Short name, unique among the area's goals.
    async fn slug(&self) -> &str {
        &self.r.slug
    }
    /// The goal as the source states it (or its heading, with the statement in `description`).
    async fn name(&self) -> &str {
        &self.r.name
    }
    /// The indicators of progress on this goal itself (with targets, measurements and
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
    /// The progress of the indicators that speak for this goal (see `progressSummary` on
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
    /// The longer statement of the goal.
    async fn description(&self) -> Option<&str> {
        self.r.description.as_deref()
    }
    /// Ambition, main goal or sub-goal.
    async fn level(&self) -> GoalLevel {
        self.r.level
    }
    /// The numbering the source gives the goal.
    async fn number(&self) -> Option<&str> {
        self.r.number.as_deref()
    }
    /// The area the goal belongs to.
    async fn area(&self) -> Result<Area> {
        required(Area::load(&self.s, self.r.area_id), "area")
    }
    /// The line the goal belongs to (its own, or its top goal's); null for area-wide goals.
    async fn line(&self) -> Option<Line> {
        self.s
            .goal_line(self.r.id)
            .and_then(|l| Line::load(&self.s, l))
    }
    /// The programme cluster of the goal's line.
    #[graphql(deprecation = "Use `cluster` instead.")]
    async fn programme(&self, ctx: &Context<'_>) -> Result<Option<Programme>> {
        self.cluster(ctx).await
    }
    /// The programme cluster of the goal's line.
    async fn cluster(&self) -> Option<Programme> {
        let line = self.s.goal_line(self.r.id)?;
        let programme = self.s.data.lines.get(&line)?.programme_id;
        Programme::load(&self.s, programme)
    }
    /// The goal this one is a sub-goal of.
    async fn parent(&self) -> Option<Goal> {
        self.r.parent_id.and_then(|p| Goal::load(&self.s, p))
    }
    /// The goals directly below this one.
    #[allow(clippy::too_many_arguments)]
    async fn sub_goals(
        &self,
        #[graphql(desc = "Conditions on the goals below this one.")] filter: Option<GoalFilter>,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Goal>> {
        let below = self.s.sources(self.r.id, EdgeKind::SubGoalOf);
        scoped(
            &self.s,
            &filter,
            |f| f.only(below),
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
    /// Goals this one is tied to, both ways: a shared *Doel* of the area is served by the
    /// cluster goal that repeats it (`OUTGOING` on the shared goal, `INCOMING` on the cluster
    /// goal).
    async fn related_goals(&self) -> Vec<GoalRelation> {
        let directions = [
            (Direction::Outgoing, RelationDirection::Outgoing),
            (Direction::Incoming, RelationDirection::Incoming),
        ];
        directions
            .into_iter()
            .flat_map(|(d, direction)| {
                self.s
                    .edges(self.r.id, EdgeKind::GoalRelation, d)
                    .into_iter()
                    .map(move |(link, other)| (link, other, direction))
            })
            .filter_map(|(link, other, direction)| {
                let l = self.s.data.goal_relations.get(&link)?;
                Some(GoalRelation {
                    kind: l.kind,
                    direction,
                    note: l.note.clone(),
                    goal: Goal::load(&self.s, other)?,
                })
            })
            .collect()
    }
    /// The goals above this one, the top goal first.
    async fn ancestors(&self) -> Vec<Goal> {
        let mut chain = Vec::new();
        let mut current = self.r.parent_id;
        while let Some(id) = current {
            if chain.contains(&id) {
                break;
            }
            chain.push(id);
            current = self.s.data.goals.get(&id).and_then(|g| g.parent_id);
        }
        chain.reverse();
        loaded(&self.s, chain, Goal::load)
    }

    /// The interventions contributing to this goal.
    #[allow(clippy::too_many_arguments)]
    async fn interventions(
        &self,
        #[graphql(
            desc = "Also the interventions of the goals below this one.",
            default = false
        )]
        deep: bool,
        #[graphql(desc = "Conditions on the interventions.")] filter: Option<InterventionFilter>,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Intervention>> {
        let ids = if deep {
            self.s.interventions_of(self.r.id)
        } else {
            self.s.sources(self.r.id, EdgeKind::Contributes)
        };
        let f = filter.to_filter(&self.s).gql()?;
        list_of(
            &self.s,
            Table::Intervention,
            ids,
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

    /// The partners working for this goal or a goal below it.
    #[allow(clippy::too_many_arguments)]
    async fn partners(
        &self,
        #[graphql(desc = "Conditions on the partners; `goal` is this goal.")] filter: Option<
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
            |f| f.goal = Some(id),
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

/// Lookups and lists of goals.
#[derive(Default)]
pub struct GoalQuery;

#[Object(guard = "crate::api::Need(crate::auth::Role::Viewer)")]
impl GoalQuery {
    /// The goal with this slug, or null.
    async fn goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The goal's slug.")] slug: String,
        #[graphql(desc = "The area's slug; needed only when several areas use the slug.")]
        area: Option<String>,
    ) -> Result<Option<Goal>> {
        let s = snapshot(ctx)?;
        Ok(by_slug(&s, Table::Goal, area.as_deref(), &slug)
            .gql()?
            .and_then(|id| Goal::load(&s, id)))
    }

    /// Goals of all areas, at every level.
    #[allow(clippy::too_many_arguments)]
    async fn goals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Conditions on the goals.")] filter: Option<GoalFilter>,
        #[graphql(desc = "Sort order (default: creation order).")] order_by: Option<OrderBy>,
        #[graphql(desc = "Return the first n items (at most 500).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 500).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<Connection<Goal>> {
        let s = snapshot(ctx)?;
        let f = filter.to_filter(&s).gql()?;
        list(
            &s,
            Table::Goal,
            f,
            order_by,
            PageArgs {
                first,
                after,
                last,
                before,
            },
            Goal::load,
        )
        .gql()
    }
}

/// A new goal. Give a `parentId` for a sub-goal, a `lineId` for a line's top goal, or only an
/// `areaId` for an area-wide goal.
#[derive(InputObject)]
pub struct CreateGoalInput {
    /// The area; may be left out when a line or parent is given.
    pub area_id: Option<ID>,
    /// The line of a top goal.
    pub line_id: Option<ID>,
    /// The goal this one is a sub-goal of.
    pub parent_id: Option<ID>,
    /// Short name, unique among the area's goals.
    pub slug: String,
    /// Ambition, main goal or sub-goal.
    pub level: GoalLevel,
    /// The numbering the source gives.
    pub number: Option<String>,
    /// The goal as stated (or its heading).
    pub name: String,
    /// The longer statement.
    pub description: Option<String>,
}

/// Changes to a goal: absent fields stay, `null` clears an optional field. A new parent
/// detaches the goal from its line and a new line from its parent (a goal hangs on one of
/// them); a `null` parent makes a top goal.
#[derive(InputObject)]
pub struct UpdateGoalInput {
    /// New line; the goal becomes a top goal of it.
    pub line_id: MaybeUndefined<ID>,
    /// New parent goal; the goal becomes its sub-goal.
    pub parent_id: MaybeUndefined<ID>,
    /// New slug.
    pub slug: Option<String>,
    /// New level.
    pub level: Option<GoalLevel>,
    /// New numbering.
    pub number: MaybeUndefined<String>,
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: MaybeUndefined<String>,
}

fn optional_ref(
    value: MaybeUndefined<ID>,
    table: Table,
    field: &str,
) -> Result<MaybeUndefined<domain::Id>> {
    Ok(match value {
        MaybeUndefined::Undefined => MaybeUndefined::Undefined,
        MaybeUndefined::Null => MaybeUndefined::Null,
        MaybeUndefined::Value(id) => MaybeUndefined::Value(reference(&id, table, field)?),
    })
}

/// Creating, changing and deleting goals.
#[derive(Default)]
pub struct GoalMutation;

#[Object(guard = "crate::api::Need(crate::auth::Role::Editor)")]
impl GoalMutation {
    /// Creates a goal.
    async fn create_goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new goal.")] input: CreateGoalInput,
    ) -> Result<Goal> {
        let line_id = input
            .line_id
            .as_ref()
            .map(|l| reference(l, Table::Line, "lineId"))
            .transpose()?;
        let parent_id = input
            .parent_id
            .as_ref()
            .map(|p| reference(p, Table::Goal, "parentId"))
            .transpose()?;
        let area = input
            .area_id
            .as_ref()
            .map(|a| reference(a, Table::Area, "areaId"))
            .transpose()?;
        if area.is_none() && line_id.is_none() && parent_id.is_none() {
            return Err(crate::api::gql_error(crate::error::Error::invalid(
                "areaId",
                "give an areaId, a lineId or a parentId",
            )));
        }
        let row = move |d: &Draft| {
            Row::Goal(domain::Goal {
                id: 0,
                area_id: area
                    .or_else(|| line_id.and_then(|l| d.area_of(l)))
                    .or_else(|| parent_id.and_then(|p| d.area_of(p)))
                    .unwrap_or_default(),
                slug: input.slug,
                name: input.name,
                description: input.description,
                line_id,
                parent_id,
                level: input.level,
                number: input.number,
            })
        };
        create(ctx, row, Goal::load).await
    }

    /// Changes a goal.
    async fn update_goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The goal to change.")] id: ID,
        #[graphql(desc = "The changes.")] input: UpdateGoalInput,
        #[graphql(
            desc = "The version the change was made on (see `version`); when given and the node has changed since, the update is refused with `CONFLICT`."
        )]
        version: Option<i64>,
    ) -> Result<Goal> {
        let line = optional_ref(input.line_id, Table::Line, "lineId")?;
        let parent = optional_ref(input.parent_id, Table::Goal, "parentId")?;
        update(
            ctx,
            &id,
            Table::Goal,
            version,
            move |row| {
                let Row::Goal(r) = row else {
                    return Err(wrong_row());
                };
                // Moving a goal is one step: a new parent detaches it from its line, a new
                // line from its parent, unless both are given.
                match (&line, &parent) {
                    (MaybeUndefined::Undefined, MaybeUndefined::Value(_)) => r.line_id = None,
                    (MaybeUndefined::Value(_), MaybeUndefined::Undefined) => r.parent_id = None,
                    _ => {}
                }
                patch_opt(&mut r.line_id, line);
                patch_opt(&mut r.parent_id, parent);
                patch(&mut r.slug, input.slug);
                patch(&mut r.level, input.level);
                patch_opt(&mut r.number, input.number);
                patch(&mut r.name, input.name);
                patch_opt(&mut r.description, input.description);
                Ok(())
            },
            Goal::load,
        )
        .await
    }

    /// Deletes a goal; interventions no longer contribute to it. A goal with sub-goals is
    /// refused.
    async fn delete_goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The goal to delete.")] id: ID,
        #[graphql(
            desc = "The version the deletion was decided on (see `version`); when given and the node has changed since, the deletion is refused with `CONFLICT`."
        )]
        version: Option<i64>,
    ) -> Result<DeletedNode> {
        delete(ctx, id, Table::Goal, false, version).await
    }
}
