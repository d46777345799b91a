//! The links between nodes, seven kinds of row with one path: both ends are checked (they exist,
//! are of the right tables and share an area), an existing link is found through the edges of
//! its first end (not by scanning the table), linking again updates what the link carries (a
//! role, an amount, a kind), and unlinking what is not linked is `NOT_FOUND`.

use petgraph::Direction;

use super::Draft;
use super::checks::{check_funding_link, check_relation};
use crate::domain::*;
use crate::error::{Error, Result};
use crate::graph::EdgeKind;

/// One kind of link: its table, the edge that stands for it, its two ends (table and field
/// name) and how to say that two nodes are not linked.
pub(super) struct LinkKind {
    pub(super) table: Table,
    pub(super) edge: EdgeKind,
    from: (Table, &'static str),
    to: (Table, &'static str),
    missing: fn(Id, Id) -> String,
}

const GOAL: LinkKind = LinkKind {
    table: Table::InterventionGoal,
    edge: EdgeKind::Contributes,
    from: (Table::Intervention, "intervention_id"),
    to: (Table::Goal, "goal_id"),
    missing: |i, g| format!("intervention {i} does not contribute to goal {g}"),
};
const PARTNER: LinkKind = LinkKind {
    table: Table::InterventionPartner,
    edge: EdgeKind::Partner,
    from: (Table::Intervention, "intervention_id"),
    to: (Table::Partner, "partner_id"),
    missing: |i, p| format!("partner {p} does not work on intervention {i}"),
};
const FUNDING: LinkKind = LinkKind {
    table: Table::InterventionFunding,
    edge: EdgeKind::Funding,
    from: (Table::Intervention, "intervention_id"),
    to: (Table::FundingStream, "funding_stream_id"),
    missing: |i, s| format!("funding stream {s} does not fund intervention {i}"),
};
const WIJK: LinkKind = LinkKind {
    table: Table::InterventionWijk,
    edge: EdgeKind::InWijk,
    from: (Table::Intervention, "intervention_id"),
    to: (Table::Wijk, "wijk_id"),
    missing: |i, w| format!("intervention {i} is not placed in wijk {w}"),
};
const RELATION: LinkKind = LinkKind {
    table: Table::InterventionRelation,
    edge: EdgeKind::Relation,
    from: (Table::Intervention, "from_id"),
    to: (Table::Intervention, "to_id"),
    missing: |a, b| format!("intervention {a} does not relate to intervention {b}"),
};
const GOAL_RELATION: LinkKind = LinkKind {
    table: Table::GoalRelation,
    edge: EdgeKind::GoalRelation,
    from: (Table::Goal, "from_id"),
    to: (Table::Goal, "to_id"),
    missing: |a, b| format!("goal {a} is not tied to goal {b}"),
};
const LINE_FUNDING: LinkKind = LinkKind {
    table: Table::LineFunding,
    edge: EdgeKind::LineFunding,
    from: (Table::Line, "line_id"),
    to: (Table::FundingStream, "funding_stream_id"),
    missing: |l, s| format!("funding stream {s} is not named for line {l}"),
};

/// Every kind of link.
pub(super) const ALL: [&LinkKind; 7] = [
    &GOAL,
    &PARTNER,
    &FUNDING,
    &WIJK,
    &RELATION,
    &GOAL_RELATION,
    &LINE_FUNDING,
];

impl Draft {
    /// Links `from` to `to`; `row` builds the link row with the given id. An existing link
    /// takes the new row's properties; nothing happens when it already has them.
    fn link(
        &mut self,
        kind: &LinkKind,
        from: Id,
        to: Id,
        row: impl FnOnce(Id) -> Row,
    ) -> Result<()> {
        self.link_ends(kind, from, to)?;
        match self.find_link(kind, from, to) {
            Some(id) => {
                let row = row(id);
                if self.work.data.get(kind.table, id).as_ref() != Some(&row) {
                    self.put(Op::Update(row, None));
                }
            }
            None => {
                let row = row(self.allocate_id()?);
                self.put(Op::Insert(row));
            }
        }
        Ok(())
    }

    /// Removes the link from `from` to `to`.
    fn unlink(&mut self, kind: &LinkKind, from: Id, to: Id) -> Result<()> {
        self.link_ends(kind, from, to)?;
        let id = self
            .find_link(kind, from, to)
            .ok_or_else(|| Error::NotFound {
                what: "link",
                key: (kind.missing)(from, to),
                field: None,
            })?;
        self.remove(kind.table, id);
        Ok(())
    }

    /// The link row between two nodes, through the edges of the first.
    fn find_link(&self, kind: &LinkKind, from: Id, to: Id) -> Option<Id> {
        self.work
            .edges(from, kind.edge, Direction::Outgoing)
            .into_iter()
            .find(|&(_, other)| other == to)
            .map(|(record, _)| record)
    }

    /// Checks both ends of a link: they exist with the right tables and share an area.
    fn link_ends(&self, kind: &LinkKind, from: Id, to: Id) -> Result<()> {
        let ((from_table, from_field), (to_table, to_field)) = (kind.from, kind.to);
        self.expect(from_table, from, from_field)?;
        self.expect(to_table, to, to_field)?;
        if self.area_of(from) != self.area_of(to) {
            return Err(Error::invalid(
                to_field,
                format!("{} {to} belongs to another area", to_table.noun()),
            ));
        }
        Ok(())
    }

    /// Links an intervention to a goal it contributes to (nothing happens if it already is).
    pub fn link_goal(&mut self, intervention: Id, goal: Id) -> Result<()> {
        self.link(&GOAL, intervention, goal, |id| {
            Row::InterventionGoal(InterventionGoal {
                id,
                intervention_id: intervention,
                goal_id: goal,
            })
        })
    }

    pub fn unlink_goal(&mut self, intervention: Id, goal: Id) -> Result<()> {
        self.unlink(&GOAL, intervention, goal)
    }

    /// Links a partner to an intervention in a role; an existing link takes the new role.
    pub fn link_partner(&mut self, intervention: Id, partner: Id, role: PartnerRole) -> Result<()> {
        self.link(&PARTNER, intervention, partner, |id| {
            Row::InterventionPartner(InterventionPartner {
                id,
                intervention_id: intervention,
                partner_id: partner,
                role,
            })
        })
    }

    pub fn unlink_partner(&mut self, intervention: Id, partner: Id) -> Result<()> {
        self.unlink(&PARTNER, intervention, partner)
    }

    /// Links a funding stream to an intervention; an existing link takes the new amount and note.
    pub fn link_funding(
        &mut self,
        intervention: Id,
        stream: Id,
        amount_eur: Option<i64>,
        note: Option<String>,
    ) -> Result<()> {
        self.link_ends(&FUNDING, intervention, stream)?;
        check_funding_link(amount_eur, &note)?;
        self.link(&FUNDING, intervention, stream, |id| {
            Row::InterventionFunding(InterventionFunding {
                id,
                intervention_id: intervention,
                funding_stream_id: stream,
                amount_eur,
                note,
            })
        })
    }

    pub fn unlink_funding(&mut self, intervention: Id, stream: Id) -> Result<()> {
        self.unlink(&FUNDING, intervention, stream)
    }

    /// Places an intervention in a wijk (nothing happens if it already is).
    pub fn link_wijk(&mut self, intervention: Id, wijk: Id) -> Result<()> {
        self.link(&WIJK, intervention, wijk, |id| {
            Row::InterventionWijk(InterventionWijk {
                id,
                intervention_id: intervention,
                wijk_id: wijk,
            })
        })
    }

    pub fn unlink_wijk(&mut self, intervention: Id, wijk: Id) -> Result<()> {
        self.unlink(&WIJK, intervention, wijk)
    }

    /// Relates one intervention to another; an existing relation takes the new kind and note.
    pub fn link_interventions(
        &mut self,
        from: Id,
        to: Id,
        kind: RelationKind,
        note: Option<String>,
    ) -> Result<()> {
        self.link_ends(&RELATION, from, to)?;
        check_relation(from, to, &note)?;
        self.link(&RELATION, from, to, |id| {
            Row::InterventionRelation(InterventionRelation {
                id,
                from_id: from,
                to_id: to,
                kind,
                note,
            })
        })
    }

    pub fn unlink_interventions(&mut self, from: Id, to: Id) -> Result<()> {
        self.unlink(&RELATION, from, to)
    }

    /// Ties one goal to another; an existing tie takes the new kind and note.
    pub fn link_goals(
        &mut self,
        from: Id,
        to: Id,
        kind: GoalRelationKind,
        note: Option<String>,
    ) -> Result<()> {
        self.link_ends(&GOAL_RELATION, from, to)?;
        check_relation(from, to, &note)?;
        self.link(&GOAL_RELATION, from, to, |id| {
            Row::GoalRelation(GoalRelation {
                id,
                from_id: from,
                to_id: to,
                kind,
                note,
            })
        })
    }

    pub fn unlink_goals(&mut self, from: Id, to: Id) -> Result<()> {
        self.unlink(&GOAL_RELATION, from, to)
    }

    /// Names a funding stream for a whole line (nothing happens if it already is).
    pub fn link_line_funding(&mut self, line: Id, stream: Id) -> Result<()> {
        self.link(&LINE_FUNDING, line, stream, |id| {
            Row::LineFunding(LineFunding {
                id,
                line_id: line,
                funding_stream_id: stream,
            })
        })
    }

    pub fn unlink_line_funding(&mut self, line: Id, stream: Id) -> Result<()> {
        self.unlink(&LINE_FUNDING, line, stream)
    }
}
