//! How long the lists of a snapshot can be: for each list a node hands out without paging
//! (the sub-goals of a goal, the partners of an intervention, a partner's aliases, …) the
//! longest such list in the data, and the number of records per table. The query cost check
//! prices an unpaged list by these, so a nested chain of lists is priced as the product it can
//! really be.

use petgraph::Direction;
use petgraph::graph::DiGraph;

use super::{EdgeKind, NodeRef};
use crate::domain::{Dataset, Table};

/// The longest list of each kind in one snapshot, and the size of each table. Every figure is
/// an upper bound: a list of that kind in the snapshot is never longer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListSizes {
    /// Goals directly below one goal.
    pub sub_goals: u64,
    /// Goals above one goal (its depth in the tree).
    pub ancestors: u64,
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
    /// Relations between interventions, in all.
    pub relations: u64,
    /// Edges of the whole graph.
    pub links: u64,
    /// Links of the collaboration network at most: the pairs of partners of each
    /// intervention, summed.
    pub collaboration_links: u64,
}

impl ListSizes {
    /// The sizes of a dataset and its graph, in one pass over nodes and edges.
    pub(super) fn of(
        data: &Dataset,
        graph: &DiGraph<NodeRef, super::EdgeData>,
        intervention_lines: u64,
        intervention_programmes: u64,
    ) -> ListSizes {
        let mut s = ListSizes {
            intervention_lines,
            intervention_programmes,
            areas: len(data.areas.len()),
            programmes: len(data.programmes.len()),
            lines: len(data.lines.len()),
            goals: len(data.goals.len()),
            interventions: len(data.interventions.len()),
            partners: len(data.partners.len()),
            funding_streams: len(data.funding_streams.len()),
            wijken: len(data.wijken.len()),
            relations: len(data.intervention_relations.len()),
            links: len(graph.edge_count()),
            ..ListSizes::default()
        };
        for node in graph.node_indices() {
            let count = |kind: EdgeKind, direction: Direction| {
                len(graph
                    .edges_directed(node, direction)
                    .filter(|e| e.weight().kind == kind)
                    .count())
            };
            let max = |slot: &mut u64, value: u64| *slot = (*slot).max(value);
            use Direction::{Incoming, Outgoing};
            match graph[node].table {
                Table::Goal => max(&mut s.sub_goals, count(EdgeKind::SubGoalOf, Incoming)),
                Table::Line => {
                    max(&mut s.line_goals, count(EdgeKind::GoalOf, Incoming));
                    max(&mut s.line_streams, count(EdgeKind::LineFunding, Outgoing));
                }
                Table::Programme => max(&mut s.programme_lines, count(EdgeKind::LineOf, Incoming)),
                Table::Intervention => {
                    max(
                        &mut s.intervention_goals,
                        count(EdgeKind::Contributes, Outgoing),
                    );
                    let partners = count(EdgeKind::Partner, Outgoing);
                    max(&mut s.intervention_partners, partners);
                    let pairs = partners.saturating_mul(partners.saturating_sub(1)) / 2;
                    s.collaboration_links = s.collaboration_links.saturating_add(pairs);
                    max(
                        &mut s.intervention_streams,
                        count(EdgeKind::Funding, Outgoing),
                    );
                    max(
                        &mut s.intervention_wijken,
                        count(EdgeKind::InWijk, Outgoing),
                    );
                    let relations = count(EdgeKind::Relation, Outgoing)
                        .saturating_add(count(EdgeKind::Relation, Incoming));
                    max(&mut s.intervention_relations, relations);
                }
                Table::Partner => max(
                    &mut s.partner_interventions,
                    count(EdgeKind::Partner, Incoming),
                ),
                Table::FundingStream => {
                    max(
                        &mut s.stream_interventions,
                        count(EdgeKind::Funding, Incoming),
                    );
                }
                Table::Wijk => max(&mut s.wijk_interventions, count(EdgeKind::InWijk, Incoming)),
                _ => {}
            }
        }
        s.ancestors = data
            .goals
            .values()
            .map(|goal| {
                // Bounded by the number of goals, so a corrupt cycle cannot hang us.
                let mut depth = 0_u64;
                let mut parent = goal.parent_id;
                while let Some(id) = parent
                    && depth < s.goals
                {
                    depth += 1;
                    parent = data.goals.get(&id).and_then(|g| g.parent_id);
                }
                depth
            })
            .max()
            .unwrap_or(0);
        let texts = data
            .lines
            .values()
            .flat_map(|l| [&l.target_groups, &l.principles, &l.focus])
            .chain(
                data.interventions
                    .values()
                    .flat_map(|i| [&i.targets, &i.indicators, &i.target_groups]),
            )
            .chain(data.partners.values().map(|p| &p.aliases))
            .chain(data.funding_streams.values().map(|f| &f.aliases))
            .chain(data.wijken.values().map(|w| &w.aliases))
            .map(Vec::len)
            .max()
            .unwrap_or(0);
        s.texts = len(texts);
        s
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
