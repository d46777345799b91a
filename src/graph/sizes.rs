//! How long the lists of a snapshot can be: for each list a node hands out without paging
//! (the sub-goals of a goal, the partners of an intervention, a partner's aliases, …) the
//! longest such list in the data, and the number of records per table. The query cost check
//! prices an unpaged list by these, so a nested chain of lists is priced as the product it can
//! really be.

use petgraph::Direction;

use super::{EdgeKind, Snapshot};
use crate::domain::{Dataset, Id, Table};

/// The longest list of each kind in one snapshot, and the size of each table. Every figure is
/// an upper bound: a list of that kind in the snapshot is never longer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListSizes {
    /// Goals directly below one goal.
    pub sub_goals: u64,
    /// Goals above one goal (its depth in the tree).
    pub ancestors: u64,
    /// Interventions contributing to one goal directly.
    pub goal_interventions: u64,
    /// Top goals of one line.
    pub line_goals: u64,
    /// Lines of one programme cluster.
    pub programme_lines: u64,
    /// Funding streams named for one line.
    pub line_streams: u64,
    /// Goals one intervention contributes to.
    pub intervention_goals: u64,
    /// Partners of one intervention.
    pub intervention_partners: u64,
    /// Funding streams of one intervention.
    pub intervention_streams: u64,
    /// Wijken of one intervention.
    pub intervention_wijken: u64,
    /// Relations to and from one intervention.
    pub intervention_relations: u64,
    /// Ties to and from one goal.
    pub goal_relations: u64,
    /// Lines one intervention works for, through its goals.
    pub intervention_lines: u64,
    /// Programme clusters one intervention works for, through its goals.
    pub intervention_programmes: u64,
    /// Interventions of one partner.
    pub partner_interventions: u64,
    /// Interventions one funding stream pays.
    pub stream_interventions: u64,
    /// Interventions in one wijk.
    pub wijk_interventions: u64,
    /// Indicators on one intervention, goal or line.
    pub owner_indicators: u64,
    /// Target values of one indicator.
    pub indicator_targets: u64,
    /// Items of one list of texts (aliases, targets, indicators, target groups, principles,
    /// focus).
    pub texts: u64,
    /// Records per node table.
    pub areas: u64,
    pub programmes: u64,
    pub lines: u64,
    pub goals: u64,
    pub interventions: u64,
    pub partners: u64,
    pub funding_streams: u64,
    pub wijken: u64,
    pub indicators: u64,
    pub measurements: u64,
    /// Relations between interventions, in all.
    pub relations: u64,
    /// Edges of the whole graph.
    pub links: u64,
    /// Links of the collaboration network at most: the pairs of partners of each
    /// intervention, summed.
    pub collaboration_links: u64,
}

impl ListSizes {
    /// Takes the record counts of the dataset.
    pub(super) fn take_counts(&mut self, data: &Dataset) {
        self.areas = len(data.areas.len());
        self.programmes = len(data.programmes.len());
        self.lines = len(data.lines.len());
        self.goals = len(data.goals.len());
        self.interventions = len(data.interventions.len());
        self.partners = len(data.partners.len());
        self.funding_streams = len(data.funding_streams.len());
        self.wijken = len(data.wijken.len());
        self.indicators = len(data.indicators.len());
        self.measurements = len(data.measurements.len());
        self.relations = len(data.intervention_relations.len());
    }

    /// Raises the bounds to the lists of one node as the snapshot has them now. Bounds only
    /// grow: a list that shrinks leaves its bound where it was, which is still an upper bound.
    pub(super) fn observe(&mut self, s: &Snapshot, id: Id) {
        use Direction::{Incoming, Outgoing};
        let degree = |kind: EdgeKind, direction: Direction| len(s.degree(id, kind, direction));
        let max = |slot: &mut u64, value: u64| *slot = (*slot).max(value);
        let table = s.table_of(id);
        if matches!(table, Some(Table::Intervention | Table::Goal | Table::Line)) {
            max(&mut self.owner_indicators, len(s.indicators_on(id).len()));
        }
        match table {
            Some(Table::Indicator) => {
                max(&mut self.indicator_targets, len(s.targets_of(id).len()));
            }
            Some(Table::Goal) => {
                max(&mut self.sub_goals, degree(EdgeKind::SubGoalOf, Incoming));
                max(
                    &mut self.goal_interventions,
                    degree(EdgeKind::Contributes, Incoming),
                );
                max(&mut self.ancestors, len(s.goal_and_ancestors(id).len() - 1));
                let ties = degree(EdgeKind::GoalRelation, Outgoing)
                    .saturating_add(degree(EdgeKind::GoalRelation, Incoming));
                max(&mut self.goal_relations, ties);
            }
            Some(Table::Line) => {
                max(
                    &mut self.line_streams,
                    degree(EdgeKind::LineFunding, Outgoing),
                );
                max(&mut self.line_goals, degree(EdgeKind::GoalOf, Incoming));
                if let Some(line) = s.data.lines.get(&id) {
                    max(
                        &mut self.texts,
                        texts(&[&line.target_groups, &line.principles, &line.focus]),
                    );
                }
            }
            Some(Table::Programme) => {
                max(
                    &mut self.programme_lines,
                    degree(EdgeKind::LineOf, Incoming),
                );
            }
            Some(Table::Intervention) => {
                max(
                    &mut self.intervention_goals,
                    degree(EdgeKind::Contributes, Outgoing),
                );
                max(
                    &mut self.intervention_partners,
                    degree(EdgeKind::Partner, Outgoing),
                );
                max(
                    &mut self.intervention_streams,
                    degree(EdgeKind::Funding, Outgoing),
                );
                max(
                    &mut self.intervention_wijken,
                    degree(EdgeKind::InWijk, Outgoing),
                );
                let relations = degree(EdgeKind::Relation, Outgoing)
                    .saturating_add(degree(EdgeKind::Relation, Incoming));
                max(&mut self.intervention_relations, relations);
                max(
                    &mut self.intervention_lines,
                    len(s.intervention_lines(id).len()),
                );
                max(
                    &mut self.intervention_programmes,
                    len(s.intervention_programmes(id).len()),
                );
                if let Some(i) = s.data.interventions.get(&id) {
                    max(
                        &mut self.texts,
                        texts(&[&i.targets, &i.indicators, &i.target_groups]),
                    );
                }
            }
            Some(Table::Partner) => {
                max(
                    &mut self.partner_interventions,
                    degree(EdgeKind::Partner, Incoming),
                );
                if let Some(p) = s.data.partners.get(&id) {
                    max(&mut self.texts, texts(&[&p.aliases]));
                }
            }
            Some(Table::FundingStream) => {
                max(
                    &mut self.stream_interventions,
                    degree(EdgeKind::Funding, Incoming),
                );
                if let Some(f) = s.data.funding_streams.get(&id) {
                    max(&mut self.texts, texts(&[&f.aliases]));
                }
            }
            Some(Table::Wijk) => {
                max(
                    &mut self.wijk_interventions,
                    degree(EdgeKind::InWijk, Incoming),
                );
                if let Some(w) = s.data.wijken.get(&id) {
                    max(&mut self.texts, texts(&[&w.aliases]));
                }
            }
            _ => {}
        }
    }

    /// Counts an intervention's partners going from `before` to `after`: the links of the
    /// collaboration network it makes are the pairs among them.
    pub(super) fn partners_changed(&mut self, before: usize, after: usize) {
        let pairs = |n: usize| len(n.saturating_mul(n.saturating_sub(1)) / 2);
        self.collaboration_links = self
            .collaboration_links
            .saturating_sub(pairs(before))
            .saturating_add(pairs(after));
    }

    /// The number of records in a node table.
    pub fn count(&self, table: Table) -> u64 {
        match table {
            Table::Area => self.areas,
            Table::Programme => self.programmes,
            Table::Line => self.lines,
            Table::Goal => self.goals,
            Table::Intervention => self.interventions,
            Table::Partner => self.partners,
            Table::FundingStream => self.funding_streams,
            Table::Wijk => self.wijken,
            Table::Indicator => self.indicators,
            Table::Measurement => self.measurements,
            _ => 0,
        }
    }

    /// All nodes of every table.
    pub fn nodes(&self) -> u64 {
        Table::NODES
            .iter()
            .fold(0_u64, |sum, &t| sum.saturating_add(self.count(t)))
    }
}

fn len(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// The longest of some lists of texts.
fn texts(lists: &[&Vec<String>]) -> u64 {
    len(lists.iter().map(|l| l.len()).max().unwrap_or(0))
}
