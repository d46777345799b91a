//! What a delete takes with it: a node's links always, an intervention's, goal's or line's
//! indicators with their targets and measurements; an area's whole content when asked; and
//! what it refuses, a node that still contains others (or a wijk that records name). Everything is found through the
//! draft's indexes (a node's edges, an area's nodes), so a delete costs what it removes.

use petgraph::Direction;

use super::Draft;
use super::checks::MAX_GOAL_LEVELS;
use crate::domain::*;
use crate::error::{Error, Result};
use crate::graph::EdgeKind;

/// The node tables an area holds, and their names in messages.
const HELD: [(Table, &str); 8] = [
    (Table::Indicator, "indicators"),
    (Table::Programme, "programmes"),
    (Table::Line, "lines"),
    (Table::Goal, "goals"),
    (Table::Intervention, "interventions"),
    (Table::Partner, "partners"),
    (Table::FundingStream, "funding streams"),
    (Table::Wijk, "wijken"),
];

impl Draft {
    /// Deletes a node. Links to it go with it; a node that still contains others (an area
    /// with nodes, a programme with lines, a line or goal with goals below it) is refused,
    /// unless `cascade` is set for an area.
    pub fn delete(&mut self, table: Table, id: Id, cascade: bool) -> Result<()> {
        self.expect(table, id, "id")?;
        let below = |kind: EdgeKind| self.work.degree(id, kind, Direction::Incoming);
        match table {
            Table::Area => {
                let held: Vec<String> = HELD
                    .iter()
                    .map(|&(t, what)| (self.work.in_area(t, id).count(), what))
                    .filter(|(n, _)| *n > 0)
                    .map(|(n, what)| format!("{n} {what}"))
                    .collect();
                if !held.is_empty() {
                    if !cascade {
                        return Err(Error::conflict(
                            format!(
                                "the area still holds {}; delete those first or ask for a cascading delete",
                                held.join(", ")
                            ),
                            Some("id"),
                        ));
                    }
                    self.clear_area(id);
                }
            }
            Table::Programme => refuse_if_holding(below(EdgeKind::LineOf), "programme", "lines")?,
            Table::Line => refuse_if_holding(below(EdgeKind::GoalOf), "line", "goals")?,
            Table::Goal => refuse_if_holding(below(EdgeKind::SubGoalOf), "goal", "sub-goals")?,
            Table::Wijk => {
                let named = self.work.records_naming_wijk(id).len();
                refuse_if_holding(named, "wijk", "indicators or measurements naming it")?;
            }
            _ => {}
        }
        if table == Table::Indicator {
            self.remove_indicator_children(id);
        }
        for indicator in self.work.indicators_on(id) {
            self.remove_indicator_children(indicator);
            self.remove(Table::Indicator, indicator);
        }
        self.remove_links_of(&[id]);
        self.remove(table, id);
        Ok(())
    }

    /// Removes everything an area holds, children before parents.
    fn clear_area(&mut self, area: Id) {
        let of =
            |draft: &Draft, table: Table| -> Vec<Id> { draft.work.in_area(table, area).collect() };
        let interventions = of(self, Table::Intervention);
        let lines = of(self, Table::Line);
        // Goals deepest first, so no goal is removed before its sub-goals.
        let mut goals: Vec<(usize, Id)> = of(self, Table::Goal)
            .into_iter()
            .map(|g| (self.goal_depth(g), g))
            .collect();
        goals.sort_unstable_by(|a, b| b.cmp(a));
        for id in of(self, Table::Indicator) {
            self.remove_indicator_children(id);
            self.remove(Table::Indicator, id);
        }
        let all: Vec<Id> = interventions.iter().chain(&lines).copied().collect();
        self.remove_links_of(&all);
        for id in interventions {
            self.remove(Table::Intervention, id);
        }
        for table in [Table::Partner, Table::FundingStream, Table::Wijk] {
            for id in of(self, table) {
                self.remove(table, id);
            }
        }
        for (_, id) in goals {
            self.remove(Table::Goal, id);
        }
        for id in lines {
            self.remove(Table::Line, id);
        }
        for id in of(self, Table::Programme) {
            self.remove(Table::Programme, id);
        }
    }

    /// Removes an indicator's targets and measurements.
    pub(super) fn remove_indicator_children(&mut self, indicator: Id) {
        for target in self.work.targets_of(indicator) {
            self.remove(Table::IndicatorTarget, target.id);
        }
        for measurement in self.work.measurements_of(indicator) {
            self.remove(Table::Measurement, measurement);
        }
    }

    /// Removes every link row that touches one of the nodes.
    fn remove_links_of(&mut self, nodes: &[Id]) {
        let mut doomed: Vec<(Table, Id)> = Vec::new();
        for &node in nodes {
            for kind in super::links::ALL {
                for direction in [Direction::Outgoing, Direction::Incoming] {
                    doomed.extend(
                        self.work
                            .edges(node, kind.edge, direction)
                            .into_iter()
                            .map(|(record, _)| (kind.table, record)),
                    );
                }
            }
        }
        doomed.sort_unstable();
        doomed.dedup();
        for (table, id) in doomed {
            self.remove(table, id);
        }
    }

    /// How many levels of goals hang below a goal (0 for a leaf, or a goal this write creates).
    pub(super) fn levels_below(&self, goal: Id) -> usize {
        let mut levels = 0;
        let mut layer = vec![goal];
        while levels <= MAX_GOAL_LEVELS {
            layer = layer
                .into_iter()
                .flat_map(|g| self.work.sources(g, EdgeKind::SubGoalOf))
                .collect();
            if layer.is_empty() {
                break;
            }
            levels += 1;
        }
        levels
    }

    /// How many goals stand above a goal.
    pub(super) fn goal_depth(&self, goal: Id) -> usize {
        let goals = &self.work.data.goals;
        let mut depth = 0;
        let mut current = goals.get(&goal).and_then(|g| g.parent_id);
        while let Some(parent) = current {
            depth += 1;
            if depth > goals.len() {
                break;
            }
            current = goals.get(&parent).and_then(|g| g.parent_id);
        }
        depth
    }
}

/// Refuses to delete a node that still holds `count` nodes below it.
fn refuse_if_holding(count: usize, what: &str, holds: &str) -> Result<()> {
    if count == 0 {
        return Ok(());
    }
    Err(Error::conflict(
        format!("the {what} still has {count} {holds}; delete or move them first"),
        Some("id"),
    ))
}
