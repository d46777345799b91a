//! How a snapshot becomes the next one: each row operation takes out what the old row put in
//! (its edges, its slug, its place in each order) and puts in what the new row brings, in
//! persistent maps that share everything else; memberships derived through several rows (a
//! goal's line, an intervention's lines and programmes) are then worked out again for the
//! rows the change reaches, and only for those.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use imbl::OrdSet;

use super::{EdgeKind, Folded, Snapshot};
use crate::domain::*;

/// What a change reaches beyond the rows it touches, worked out once it has been applied.
#[derive(Default)]
struct Reach {
    /// Goals whose line may have changed (with everything below them).
    goals: BTreeSet<Id>,
    /// Lines whose programme may have changed.
    lines: BTreeSet<Id>,
    /// Interventions whose goals may have changed.
    interventions: BTreeSet<Id>,
    /// Nodes whose lists changed, for the size bounds.
    nodes: BTreeSet<Id>,
    /// The partner count of interventions before the change, for the collaboration bound.
    partners_before: HashMap<Id, usize>,
}

impl Snapshot {
    /// The snapshot after `ops`, committed at `at` (milliseconds since the Unix epoch), as
    /// version `version`. A node inserted is created and changed at `at`; a node updated keeps
    /// its creation time and is changed at `at`. Costs what the operations touch: the maps are
    /// shared with this snapshot, except along the paths to what changed.
    pub fn apply(&self, ops: &[Op], version: u64, at: i64) -> Snapshot {
        self.apply_at(ops, version, Some(at))
    }

    /// [`Snapshot::apply`]; with `at` `None` the nodes' times are left as they are (for
    /// [`Snapshot::build`], which takes them from the dataset).
    pub(super) fn apply_at(&self, ops: &[Op], version: u64, at: Option<i64>) -> Snapshot {
        let mut next = Snapshot {
            version,
            data: self.data.clone(),
            tables: self.tables.clone(),
            adjacency: self.adjacency.clone(),
            slugs: self.slugs.clone(),
            area_slugs: self.area_slugs.clone(),
            goal_line: self.goal_line.clone(),
            intervention_lines: self.intervention_lines.clone(),
            intervention_programmes: self.intervention_programmes.clone(),
            line_interventions: self.line_interventions.clone(),
            programme_interventions: self.programme_interventions.clone(),
            folded: self.folded.clone(),
            owner_indicators: self.owner_indicators.clone(),
            wijk_records: self.wijk_records.clone(),
            indicator_targets: self.indicator_targets.clone(),
            indicator_measurements: self.indicator_measurements.clone(),
            orders: self.orders.clone(),
            sizes: self.sizes,
            cache: Mutex::new(HashMap::new()),
        };
        let mut reach = Reach::default();
        for op in ops {
            next.apply_one(op, &mut reach, at);
        }
        next.settle(reach);
        next
    }

    /// A copy of this snapshot that shares every map with it.
    pub fn share(&self) -> Snapshot {
        self.apply_at(&[], self.version, None)
    }

    /// Applies one operation in place, keeping records, edges, slugs and orders current but not
    /// the memberships derived through several rows (a goal's line, an intervention's lines
    /// and programmes) nor the size bounds, nor the nodes' times: for a write's draft, which
    /// reads only the former.
    pub fn stage(&mut self, op: &Op) {
        self.apply_one(op, &mut Reach::default(), None);
    }

    fn apply_one(&mut self, op: &Op, reach: &mut Reach, at: Option<i64>) {
        match op {
            Op::Insert(row) | Op::Update(row, _) => {
                if let Some(old) = self.data.get(row.table(), row.id()) {
                    self.unindex(&old, reach);
                }
                self.data.put(row.clone());
                match op {
                    Op::Update(_, Some(version)) => {
                        self.data.versions.insert(row.id(), *version);
                    }
                    Op::Insert(_) => {
                        self.data.versions.remove(&row.id());
                    }
                    _ => {}
                }
                if let Some(at) = at.filter(|_| row.table().is_node()) {
                    let created = match op {
                        Op::Update(..) => self.data.stamps_of(row.id()).map_or(at, |s| s.created),
                        _ => at,
                    };
                    self.data.stamps.insert(
                        row.id(),
                        Stamps {
                            created,
                            updated: at,
                        },
                    );
                }
                self.index(row, reach);
            }
            Op::Delete(table, id) => {
                if let Some(old) = self.data.remove(*table, *id) {
                    self.unindex(&old, reach);
                }
            }
        }
    }

    /// Puts in what a row brings: its node entries or its edge.
    fn index(&mut self, row: &Row, reach: &mut Reach) {
        if let Some(node) = NodeView::of(row) {
            let table = row.table();
            self.tables.insert(node.id, table);
            if table == Table::Area {
                self.area_slugs.insert(node.slug.to_owned(), node.id);
            } else {
                self.slugs
                    .insert((table, node.area, node.slug.to_owned()), node.id);
            }
            let folded = Folded {
                name: fold(node.name),
                aliases: node.aliases.iter().map(|a| fold(a)).collect(),
            };
            for scope in [None, Some(node.area)] {
                let mut ordered = self
                    .orders
                    .get(&(table, scope))
                    .cloned()
                    .unwrap_or_default();
                ordered.insert(node.id, &folded.name, node.slug);
                self.orders.insert((table, scope), ordered);
            }
            self.folded.insert(node.id, Arc::new(folded));
            reach.nodes.insert(node.id);
            match row {
                Row::Goal(_) => {
                    reach.goals.insert(node.id);
                }
                Row::Line(_) => {
                    reach.lines.insert(node.id);
                }
                _ => {}
            }
        }
        for (from, to, kind, record) in edges_of(row) {
            self.link(from, to, kind, record, true, reach);
        }
        self.index_progress(row, true, &mut reach.nodes);
    }

    /// Takes out what a row put in.
    fn unindex(&mut self, row: &Row, reach: &mut Reach) {
        if let Some(node) = NodeView::of(row) {
            let table = row.table();
            self.tables.remove(&node.id);
            if table == Table::Area {
                self.area_slugs.remove(node.slug);
            } else {
                self.slugs.remove(&(table, node.area, node.slug.to_owned()));
            }
            let name = self
                .folded
                .remove(&node.id)
                .map(|f| f.name.clone())
                .unwrap_or_default();
            for scope in [None, Some(node.area)] {
                let key = (table, scope);
                if let Some(ordered) = self.orders.get_mut(&key) {
                    ordered.remove(node.id, &name, node.slug);
                    if ordered.is_empty() {
                        self.orders.remove(&key);
                    }
                }
            }
            match row {
                Row::Goal(_) => {
                    reach.goals.insert(node.id);
                    self.goal_line.remove(&node.id);
                }
                Row::Line(_) => {
                    reach.lines.insert(node.id);
                }
                Row::Intervention(_) => {
                    reach.interventions.insert(node.id);
                }
                _ => {}
            }
        }
        for (from, to, kind, record) in edges_of(row) {
            self.link(from, to, kind, record, false, reach);
        }
        self.index_progress(row, false, &mut reach.nodes);
    }

    /// Adds (or removes) an edge at both its ends.
    fn link(&mut self, from: Id, to: Id, kind: EdgeKind, record: Id, add: bool, reach: &mut Reach) {
        if kind == EdgeKind::Partner {
            let count = self.degree(from, EdgeKind::Partner, petgraph::Direction::Outgoing);
            reach.partners_before.entry(from).or_insert(count);
        }
        if kind == EdgeKind::Contributes {
            reach.interventions.insert(from);
        }
        for (at, end, outgoing) in [
            (from, (kind, record, to), true),
            (to, (kind, record, from), false),
        ] {
            let mut adjacency = self.adjacency.get(&at).cloned().unwrap_or_default();
            let side = if outgoing {
                &mut adjacency.out
            } else {
                &mut adjacency.inc
            };
            let changed = if add {
                side.insert(end).is_none()
            } else {
                side.remove(&end).is_some()
            };
            if adjacency.out.is_empty() && adjacency.inc.is_empty() {
                self.adjacency.remove(&at);
            } else {
                self.adjacency.insert(at, adjacency);
            }
            if outgoing && changed {
                self.sizes.links = if add {
                    self.sizes.links.saturating_add(1)
                } else {
                    self.sizes.links.saturating_sub(1)
                };
            }
            reach.nodes.insert(at);
        }
    }

    /// Works out again what the change reaches: the lines of the goals below a changed goal,
    /// then the lines and programmes of the interventions working for those goals and lines,
    /// then the size bounds of every node whose lists changed.
    fn settle(&mut self, reach: Reach) {
        let mut interventions = reach.interventions;
        let mut goals_below = BTreeSet::new();
        for &goal in &reach.goals {
            if self.data.goals.contains_key(&goal) {
                goals_below.extend(self.goal_subtree(goal));
            }
        }
        for &goal in &goals_below {
            match self.root_line(goal) {
                Some(line) => {
                    self.goal_line.insert(goal, line);
                }
                None => {
                    self.goal_line.remove(&goal);
                }
            }
            interventions.extend(self.sources(goal, EdgeKind::Contributes));
        }
        for line in &reach.lines {
            if let Some(ids) = self.line_interventions.get(line) {
                interventions.extend(ids.iter().copied());
            }
        }
        for &intervention in &interventions {
            self.settle_intervention(intervention);
        }
        self.sizes.take_counts(&self.data);
        for (intervention, before) in reach.partners_before {
            let after = self.degree(
                intervention,
                EdgeKind::Partner,
                petgraph::Direction::Outgoing,
            );
            let mut sizes = self.sizes;
            sizes.partners_changed(before, after);
            self.sizes = sizes;
        }
        let mut sizes = self.sizes;
        for &id in reach.nodes.iter().chain(&goals_below).chain(&interventions) {
            sizes.observe(self, id);
        }
        self.sizes = sizes;
    }

    /// The line at the root of a goal's ancestry.
    fn root_line(&self, goal: Id) -> Option<Id> {
        let root = *self.goal_and_ancestors(goal).last()?;
        self.data.goals.get(&root)?.line_id
    }

    /// Works out an intervention's lines and programmes again, and the reverse indexes.
    fn settle_intervention(&mut self, intervention: Id) {
        let exists = self.data.interventions.contains_key(&intervention);
        let mut lines: Vec<Id> = if exists {
            self.targets(intervention, EdgeKind::Contributes)
                .into_iter()
                .filter_map(|g| self.goal_line(g))
                .collect()
        } else {
            Vec::new()
        };
        lines.sort_unstable();
        lines.dedup();
        let mut programmes: Vec<Id> = lines
            .iter()
            .filter_map(|l| self.data.lines.get(l).map(|l| l.programme_id))
            .collect();
        programmes.sort_unstable();
        programmes.dedup();
        let old_lines = self.intervention_lines(intervention).to_vec();
        let old_programmes = self.intervention_programmes(intervention).to_vec();
        reverse(
            &mut self.line_interventions,
            intervention,
            &old_lines,
            &lines,
        );
        reverse(
            &mut self.programme_interventions,
            intervention,
            &old_programmes,
            &programmes,
        );
        for (map, ids) in [
            (&mut self.intervention_lines, lines),
            (&mut self.intervention_programmes, programmes),
        ] {
            if ids.is_empty() {
                map.remove(&intervention);
            } else {
                map.insert(intervention, ids.into());
            }
        }
    }
}

/// Moves `member` in a reverse index from the keys `old` to the keys `new`.
fn reverse(map: &mut imbl::OrdMap<Id, OrdSet<Id>>, member: Id, old: &[Id], new: &[Id]) {
    for key in old.iter().filter(|k| !new.contains(k)) {
        if let Some(set) = map.get_mut(key) {
            set.remove(&member);
            if set.is_empty() {
                map.remove(key);
            }
        }
    }
    for key in new.iter().filter(|k| !old.contains(k)) {
        let mut set = map.get(key).cloned().unwrap_or_default();
        set.insert(member);
        map.insert(*key, set);
    }
}

/// The fields every node row shares, borrowed.
struct NodeView<'a> {
    id: Id,
    area: Id,
    slug: &'a str,
    name: &'a str,
    aliases: &'a [String],
}

impl<'a> NodeView<'a> {
    fn of(row: &'a Row) -> Option<NodeView<'a>> {
        fn view<'a, T: NodeRecord>(r: &'a T) -> NodeView<'a> {
            NodeView {
                id: r.id(),
                area: r.area_id(),
                slug: r.slug(),
                name: r.name(),
                aliases: r.aliases(),
            }
        }
        Some(match row {
            Row::Area(r) => view(r),
            Row::Programme(r) => view(r),
            Row::Line(r) => view(r),
            Row::Goal(r) => view(r),
            Row::Intervention(r) => view(r),
            Row::Partner(r) => view(r),
            Row::FundingStream(r) => view(r),
            Row::Wijk(r) => view(r),
            Row::Indicator(r) => view(r),
            _ => return None,
        })
    }
}

/// The edges a row makes: `(from, to, kind, record)`.
fn edges_of(row: &Row) -> Vec<(Id, Id, EdgeKind, Id)> {
    match row {
        Row::Line(l) => vec![(l.id, l.programme_id, EdgeKind::LineOf, l.id)],
        Row::Goal(g) => {
            let mut out = Vec::new();
            if let Some(line) = g.line_id {
                out.push((g.id, line, EdgeKind::GoalOf, g.id));
            }
            if let Some(parent) = g.parent_id {
                out.push((g.id, parent, EdgeKind::SubGoalOf, g.id));
            }
            out
        }
        Row::LineFunding(l) => vec![(l.line_id, l.funding_stream_id, EdgeKind::LineFunding, l.id)],
        Row::InterventionGoal(l) => {
            vec![(l.intervention_id, l.goal_id, EdgeKind::Contributes, l.id)]
        }
        Row::InterventionPartner(l) => {
            vec![(l.intervention_id, l.partner_id, EdgeKind::Partner, l.id)]
        }
        Row::InterventionFunding(l) => {
            vec![(
                l.intervention_id,
                l.funding_stream_id,
                EdgeKind::Funding,
                l.id,
            )]
        }
        Row::InterventionWijk(l) => vec![(l.intervention_id, l.wijk_id, EdgeKind::InWijk, l.id)],
        Row::InterventionRelation(l) => vec![(l.from_id, l.to_id, EdgeKind::Relation, l.id)],
        Row::GoalRelation(l) => vec![(l.from_id, l.to_id, EdgeKind::GoalRelation, l.id)],
        _ => Vec::new(),
    }
}
