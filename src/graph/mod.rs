//! The in-memory graph: an immutable [`Snapshot`] of all records as a petgraph graph plus the
//! indexes reads need (by id, by slug, derived memberships). Every committed write produces a
//! new snapshot; readers hold the one they started with, so they never see half a change.

mod filter;
mod sizes;

use std::any::{Any, TypeId};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::domain::*;

pub use filter::{Filter, Order, OrderField, SortKey};
pub use sizes::ListSizes;

/// What an edge of the graph means. Edges point from the dependent node to the one it
/// depends on: intervention → goal/partner/stream/wijk, goal → parent goal or line,
/// line → programme, line → stream.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum EdgeKind {
    /// line → programme
    LineOf,
    /// root goal → line
    GoalOf,
    /// goal → parent goal
    SubGoalOf,
    /// line → funding stream (the streams named for the whole line)
    LineFunding,
    /// intervention → goal
    Contributes,
    /// intervention → partner
    Partner,
    /// intervention → funding stream
    Funding,
    /// intervention → wijk
    InWijk,
    /// intervention → intervention
    Relation,
}

/// A node of the graph: the table it lives in and its id.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct NodeRef {
    pub table: Table,
    pub id: Id,
}

/// An edge of the graph: its meaning and the id of the record behind it (the link record, or
/// for structural edges the child node).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct EdgeData {
    pub kind: EdgeKind,
    pub record: Id,
}

/// One consistent version of the whole model.
pub struct Snapshot {
    /// Increases by one with every committed write.
    pub version: u64,
    pub data: Dataset,
    graph: DiGraph<NodeRef, EdgeData>,
    index: HashMap<Id, NodeIndex>,
    slugs: HashMap<(Table, Id, String), Id>,
    area_slugs: HashMap<String, Id>,
    /// The line each goal belongs to (its own, or its root ancestor's).
    goal_line: HashMap<Id, Id>,
    /// Lines and programmes each intervention works for, through its goals.
    intervention_lines: HashMap<Id, Vec<Id>>,
    intervention_programmes: HashMap<Id, Vec<Id>>,
    /// Folded names and aliases, for sorting and search.
    folded: HashMap<Id, (String, Vec<String>)>,
    /// The longest list of each kind, for pricing queries.
    sizes: ListSizes,
    /// Values computed from this snapshot (analytics), by type and key.
    cache: Mutex<HashMap<(TypeId, String), Box<dyn Any + Send + Sync>>>,
}

/// One cached value, computed by one caller at a time.
struct CacheCell<T> {
    value: OnceLock<Arc<T>>,
    computing: Mutex<()>,
}

impl<T> Default for CacheCell<T> {
    fn default() -> Self {
        CacheCell {
            value: OnceLock::new(),
            computing: Mutex::new(()),
        }
    }
}

/// Most cached values per snapshot; beyond it the cache starts over.
const CACHE_ENTRIES: usize = 256;

impl Snapshot {
    /// Builds the graph and indexes of a dataset.
    pub fn build(data: Dataset, version: u64) -> Snapshot {
        let mut graph = DiGraph::with_capacity(node_count(&data), link_count(&data));
        let mut index = HashMap::with_capacity(node_count(&data));
        let mut slugs = HashMap::with_capacity(node_count(&data));
        let mut folded = HashMap::with_capacity(node_count(&data));
        let mut area_slugs = HashMap::new();

        for area in data.areas.values() {
            area_slugs.insert(area.slug.clone(), area.id);
            folded.insert(area.id, (fold(&area.name), Vec::new()));
            let node = graph.add_node(NodeRef {
                table: Table::Area,
                id: area.id,
            });
            index.insert(area.id, node);
        }
        macro_rules! add_nodes {
            ($($field:ident => $table:ident),+) => {$(
                for rec in data.$field.values() {
                    let node = graph.add_node(NodeRef { table: Table::$table, id: rec.id });
                    index.insert(rec.id, node);
                    slugs.insert((Table::$table, rec.area_id, rec.slug.clone()), rec.id);
                    folded.insert(rec.id, (fold(&rec.name), rec.aliases().iter().map(|a| fold(a)).collect()));
                }
            )+};
        }
        add_nodes!(
            programmes => Programme,
            lines => Line,
            goals => Goal,
            interventions => Intervention,
            partners => Partner,
            funding_streams => FundingStream,
            wijken => Wijk
        );

        let mut edge = |from: Id, to: Id, kind: EdgeKind, record: Id| {
            if let (Some(&a), Some(&b)) = (index.get(&from), index.get(&to)) {
                graph.add_edge(a, b, EdgeData { kind, record });
            }
        };
        for line in data.lines.values() {
            edge(line.id, line.programme_id, EdgeKind::LineOf, line.id);
        }
        for goal in data.goals.values() {
            if let Some(line) = goal.line_id {
                edge(goal.id, line, EdgeKind::GoalOf, goal.id);
            }
            if let Some(parent) = goal.parent_id {
                edge(goal.id, parent, EdgeKind::SubGoalOf, goal.id);
            }
        }
        for l in data.line_funding.values() {
            edge(l.line_id, l.funding_stream_id, EdgeKind::LineFunding, l.id);
        }
        for l in data.intervention_goals.values() {
            edge(l.intervention_id, l.goal_id, EdgeKind::Contributes, l.id);
        }
        for l in data.intervention_partners.values() {
            edge(l.intervention_id, l.partner_id, EdgeKind::Partner, l.id);
        }
        for l in data.intervention_funding.values() {
            edge(
                l.intervention_id,
                l.funding_stream_id,
                EdgeKind::Funding,
                l.id,
            );
        }
        for l in data.intervention_wijken.values() {
            edge(l.intervention_id, l.wijk_id, EdgeKind::InWijk, l.id);
        }
        for l in data.intervention_relations.values() {
            edge(l.from_id, l.to_id, EdgeKind::Relation, l.id);
        }

        let goal_line = data
            .goals
            .keys()
            .filter_map(|&goal| root_line(&data, goal).map(|line| (goal, line)))
            .collect::<HashMap<_, _>>();
        let mut intervention_lines: HashMap<Id, Vec<Id>> = HashMap::new();
        let mut intervention_programmes: HashMap<Id, Vec<Id>> = HashMap::new();
        for link in data.intervention_goals.values() {
            if let Some(&line) = goal_line.get(&link.goal_id) {
                intervention_lines
                    .entry(link.intervention_id)
                    .or_default()
                    .push(line);
                if let Some(l) = data.lines.get(&line) {
                    intervention_programmes
                        .entry(link.intervention_id)
                        .or_default()
                        .push(l.programme_id);
                }
            }
        }
        for ids in intervention_lines
            .values_mut()
            .chain(intervention_programmes.values_mut())
        {
            ids.sort_unstable();
            ids.dedup();
        }
        let longest =
            |lists: &HashMap<Id, Vec<Id>>| lists.values().map(Vec::len).max().unwrap_or(0) as u64;
        let sizes = ListSizes::of(
            &data,
            &graph,
            longest(&intervention_lines),
            longest(&intervention_programmes),
        );

        Snapshot {
            version,
            data,
            graph,
            index,
            slugs,
            area_slugs,
            goal_line,
            intervention_lines,
            intervention_programmes,
            folded,
            sizes,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// An empty snapshot (version 0).
    pub fn empty() -> Snapshot {
        Snapshot::build(Dataset::default(), 0)
    }

    /// The table a node id belongs to.
    pub fn table_of(&self, id: Id) -> Option<Table> {
        self.index.get(&id).map(|&n| self.graph[n].table)
    }

    /// Looks up a node by area, table and slug.
    pub fn by_slug(&self, table: Table, area: Id, slug: &str) -> Option<Id> {
        self.slugs.get(&(table, area, slug.to_owned())).copied()
    }

    /// Looks up an area by slug.
    pub fn area_by_slug(&self, slug: &str) -> Option<Id> {
        self.area_slugs.get(slug).copied()
    }

    /// The area a node belongs to.
    pub fn area_of(&self, id: Id) -> Option<Id> {
        let d = &self.data;
        match self.table_of(id)? {
            Table::Area => Some(id),
            Table::Programme => d.programmes.get(&id).map(|r| r.area_id),
            Table::Line => d.lines.get(&id).map(|r| r.area_id),
            Table::Goal => d.goals.get(&id).map(|r| r.area_id),
            Table::Intervention => d.interventions.get(&id).map(|r| r.area_id),
            Table::Partner => d.partners.get(&id).map(|r| r.area_id),
            Table::FundingStream => d.funding_streams.get(&id).map(|r| r.area_id),
            Table::Wijk => d.wijken.get(&id).map(|r| r.area_id),
            _ => None,
        }
    }

    /// The edges of a kind at a node, as `(record id, other node id)`, in record order.
    pub fn edges(&self, id: Id, kind: EdgeKind, direction: Direction) -> Vec<(Id, Id)> {
        let Some(&node) = self.index.get(&id) else {
            return Vec::new();
        };
        let mut out: Vec<(Id, Id)> = self
            .graph
            .edges_directed(node, direction)
            .filter(|e| e.weight().kind == kind)
            .map(|e| {
                let other = match direction {
                    Direction::Outgoing => e.target(),
                    Direction::Incoming => e.source(),
                };
                (e.weight().record, self.graph[other].id)
            })
            .collect();
        out.sort_unstable();
        out
    }

    /// The nodes an edge kind leads to from `id` (outgoing), in record order.
    pub fn targets(&self, id: Id, kind: EdgeKind) -> Vec<Id> {
        self.edges(id, kind, Direction::Outgoing)
            .into_iter()
            .map(|(_, n)| n)
            .collect()
    }

    /// The nodes an edge kind comes from into `id` (incoming), in record order.
    pub fn sources(&self, id: Id, kind: EdgeKind) -> Vec<Id> {
        self.edges(id, kind, Direction::Incoming)
            .into_iter()
            .map(|(_, n)| n)
            .collect()
    }

    /// The line a goal belongs to, through its ancestors.
    pub fn goal_line(&self, goal: Id) -> Option<Id> {
        self.goal_line.get(&goal).copied()
    }

    /// The goal and all goals below it.
    pub fn goal_subtree(&self, goal: Id) -> Vec<Id> {
        let mut out = vec![goal];
        let mut i = 0;
        while i < out.len() {
            let children = self.sources(out[i], EdgeKind::SubGoalOf);
            out.extend(children);
            i += 1;
        }
        out
    }

    /// The lines an intervention works for, through its goals.
    pub fn intervention_lines(&self, intervention: Id) -> &[Id] {
        self.intervention_lines
            .get(&intervention)
            .map_or(&[], Vec::as_slice)
    }

    /// The programme clusters an intervention works for, through its goals.
    pub fn intervention_programmes(&self, intervention: Id) -> &[Id] {
        self.intervention_programmes
            .get(&intervention)
            .map_or(&[], Vec::as_slice)
    }

    /// The interventions a node is involved in: the node's own interventions for partners,
    /// streams and wijken; those working for it for goals (including sub-goals), lines,
    /// programmes and areas. Sorted by id.
    pub fn interventions_of(&self, id: Id) -> Vec<Id> {
        let Some(table) = self.table_of(id) else {
            return Vec::new();
        };
        let mut out: Vec<Id> = match table {
            Table::Intervention => vec![id],
            Table::Partner => self.sources(id, EdgeKind::Partner),
            Table::FundingStream => self.sources(id, EdgeKind::Funding),
            Table::Wijk => self.sources(id, EdgeKind::InWijk),
            Table::Goal => self
                .goal_subtree(id)
                .into_iter()
                .flat_map(|g| self.sources(g, EdgeKind::Contributes))
                .collect(),
            Table::Line => self
                .data
                .interventions
                .keys()
                .copied()
                .filter(|&i| self.intervention_lines(i).contains(&id))
                .collect(),
            Table::Programme => self
                .data
                .interventions
                .keys()
                .copied()
                .filter(|&i| self.intervention_programmes(i).contains(&id))
                .collect(),
            Table::Area => self
                .data
                .interventions
                .values()
                .filter(|i| i.area_id == id)
                .map(|i| i.id)
                .collect(),
            _ => Vec::new(),
        };
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The nodes of `table` reached through a node's interventions (e.g. the partners of a
    /// wijk, the programmes of a partner), sorted by id.
    pub fn reached_through_interventions(&self, id: Id, table: Table) -> Vec<Id> {
        let mut out = BTreeSet::new();
        for i in self.interventions_of(id) {
            match table {
                Table::Programme => out.extend(self.intervention_programmes(i)),
                Table::Line => out.extend(self.intervention_lines(i)),
                Table::Partner => out.extend(self.targets(i, EdgeKind::Partner)),
                Table::FundingStream => out.extend(self.targets(i, EdgeKind::Funding)),
                Table::Wijk => out.extend(self.targets(i, EdgeKind::InWijk)),
                Table::Goal => out.extend(self.targets(i, EdgeKind::Contributes)),
                _ => {}
            }
        }
        out.remove(&id);
        out.into_iter().collect()
    }

    /// A partner's role per intervention.
    pub fn role_map(&self, partner: Id) -> HashMap<Id, PartnerRole> {
        self.edges(partner, EdgeKind::Partner, Direction::Incoming)
            .into_iter()
            .filter_map(|(link, intervention)| {
                Some((
                    intervention,
                    self.data.intervention_partners.get(&link)?.role,
                ))
            })
            .collect()
    }

    /// A funding stream's link per intervention it pays.
    pub fn funding_map(&self, stream: Id) -> HashMap<Id, Arc<InterventionFunding>> {
        self.edges(stream, EdgeKind::Funding, Direction::Incoming)
            .into_iter()
            .filter_map(|(link, intervention)| {
                Some((
                    intervention,
                    self.data.intervention_funding.get(&link)?.clone(),
                ))
            })
            .collect()
    }

    /// Every edge of the graph: `(from, to, kind)`.
    pub fn all_edges(&self) -> impl Iterator<Item = (Id, Id, EdgeKind)> + '_ {
        self.graph.edge_references().map(|e| {
            (
                self.graph[e.source()].id,
                self.graph[e.target()].id,
                e.weight().kind,
            )
        })
    }

    /// The kind of the edge between two nodes, in either direction.
    pub fn edge_kind_between(&self, a: Id, b: Id) -> Option<EdgeKind> {
        self.edge_between(a, b).map(|e| e.kind)
    }

    /// An edge between two nodes, in either direction.
    pub fn edge_between(&self, a: Id, b: Id) -> Option<&EdgeData> {
        let (&x, &y) = (self.index.get(&a)?, self.index.get(&b)?);
        self.graph
            .edges_connecting(x, y)
            .chain(self.graph.edges_connecting(y, x))
            .map(|e| e.weight())
            .next()
    }

    /// A value computed once for this snapshot: later calls with the same key get the same
    /// value without computing it again; concurrent callers wait for the first. A write makes a
    /// new snapshot, so a cached value never outlives the data it was computed from.
    pub fn cached<T: Send + Sync + 'static>(
        &self,
        key: &str,
        compute: impl FnOnce() -> T,
    ) -> Arc<T> {
        match self.cached_try(key, || Ok::<T, std::convert::Infallible>(compute())) {
            Ok(value) => value,
            Err(never) => match never {},
        }
    }

    /// As [`Snapshot::cached`], for a computation that can fail (be cancelled): a failure is
    /// not kept, so the next caller computes afresh.
    pub fn cached_try<T: Send + Sync + 'static, E>(
        &self,
        key: &str,
        compute: impl FnOnce() -> Result<T, E>,
    ) -> Result<Arc<T>, E> {
        let cell: Arc<CacheCell<T>> = {
            let mut cache = self
                .cache
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let key = (TypeId::of::<T>(), key.to_owned());
            if cache.len() >= CACHE_ENTRIES && !cache.contains_key(&key) {
                cache.clear();
            }
            let entry = cache
                .entry(key)
                .or_insert_with(|| Box::new(Arc::new(CacheCell::<T>::default())));
            // The key holds the type, so the cell is always of this type.
            entry
                .downcast_ref::<Arc<CacheCell<T>>>()
                .cloned()
                .unwrap_or_default()
        };
        if let Some(value) = cell.value.get() {
            return Ok(value.clone());
        }
        // One computation at a time per key; who waited finds the value set.
        let _computing = cell
            .computing
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(value) = cell.value.get() {
            return Ok(value.clone());
        }
        let value = Arc::new(compute()?);
        Ok(cell.value.get_or_init(|| value).clone())
    }

    /// The longest list of each kind and the size of each table.
    pub fn sizes(&self) -> &ListSizes {
        &self.sizes
    }

    /// The folded name of a node (for sorting).
    pub fn folded_name(&self, id: Id) -> &str {
        self.folded.get(&id).map_or("", |(name, _)| name.as_str())
    }

    /// Whether a node's name, slug or aliases contain the folded needle.
    pub fn matches_search(&self, id: Id, slug: &str, needle: &str) -> bool {
        self.folded.get(&id).is_some_and(|(name, aliases)| {
            name.contains(needle)
                || slug.contains(needle)
                || aliases.iter().any(|a| a.contains(needle))
        })
    }
}

fn node_count(d: &Dataset) -> usize {
    d.areas.len()
        + d.programmes.len()
        + d.lines.len()
        + d.goals.len()
        + d.interventions.len()
        + d.partners.len()
        + d.funding_streams.len()
        + d.wijken.len()
}

fn link_count(d: &Dataset) -> usize {
    d.lines.len()
        + d.goals.len()
        + d.line_funding.len()
        + d.intervention_goals.len()
        + d.intervention_partners.len()
        + d.intervention_funding.len()
        + d.intervention_wijken.len()
        + d.intervention_relations.len()
}

/// The line at the root of a goal's ancestry (bounded, so a corrupt cycle cannot hang us).
fn root_line(data: &Dataset, goal: Id) -> Option<Id> {
    let mut current = data.goals.get(&goal)?;
    for _ in 0..=data.goals.len() {
        match current.parent_id {
            Some(parent) => current = data.goals.get(&parent)?,
            None => return current.line_id,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn a_failed_computation_is_not_cached() {
        let s = Snapshot::build(Dataset::default(), 1);
        let failed: Result<Arc<u32>, &str> = s.cached_try("x", || Err("cancelled"));
        assert!(failed.is_err());
        assert_eq!(*s.cached_try::<u32, &str>("x", || Ok(7)).unwrap(), 7);
        assert_eq!(
            *s.cached_try::<u32, &str>("x", || Err("not asked")).unwrap(),
            7
        );
    }

    #[test]
    fn cached_values_are_computed_once_per_snapshot() {
        let calls = AtomicUsize::new(0);
        let compute = || {
            calls.fetch_add(1, Ordering::SeqCst);
            42u32
        };
        let first = Snapshot::empty();
        assert_eq!(*first.cached("answer", compute), 42);
        assert_eq!(*first.cached("answer", compute), 42);
        assert_eq!(calls.load(Ordering::SeqCst), 1, "a second ask is a lookup");
        // Another key, or another type under the same key, is another value.
        assert_eq!(*first.cached("other", compute), 42);
        assert_eq!(*first.cached("answer", || "text"), "text");
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        // A new snapshot (after a write) computes afresh.
        let second = Snapshot::build(first.data.clone(), first.version + 1);
        second.cached("answer", compute);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }
}
