//! The in-memory graph: an immutable [`Snapshot`] of all records with the edges between them
//! and the indexes reads need (by id, by slug, by area, in each sort order, derived
//! memberships). Every committed write produces the next snapshot by applying its row
//! operations to the one before ([`Snapshot::apply`]): everything is held in persistent maps,
//! so the next snapshot shares all it did not change and costs what the change touches.
//! Readers hold the snapshot they started with, so they never see half a change.

mod apply;
mod filter;
mod indicators;
mod order;
pub mod refs;
mod sizes;

use std::any::{Any, TypeId};
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock};

use imbl::{OrdMap, OrdSet};
use petgraph::Direction;

use crate::domain::*;

pub use filter::{Count, Filter, KNOWN, Order, OrderField, Range, SortKey};
pub use indicators::today;
pub use order::{Window, Windowed};
pub use sizes::ListSizes;

/// What an edge of the graph means. Edges point from the dependent node to the one it
/// depends on: intervention → goal/partner/stream/wijk, goal → parent goal or line,
/// line → programme, line → stream.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
    /// goal → goal that serves it
    GoalRelation,
}

/// An edge of the graph: its meaning and the id of the record behind it (the link record, or
/// for structural edges the child node).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct EdgeData {
    pub kind: EdgeKind,
    pub record: Id,
}

/// One end of an edge as a node keeps it: the kind, the record behind the edge and the node at
/// the other end. Sorted, so the edges of one kind come together in record order.
type EdgeEnd = (EdgeKind, Id, Id);

/// The edges at one node, both ways.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Adjacency {
    out: OrdSet<EdgeEnd>,
    inc: OrdSet<EdgeEnd>,
}

impl Adjacency {
    fn side(&self, direction: Direction) -> &OrdSet<EdgeEnd> {
        match direction {
            Direction::Outgoing => &self.out,
            Direction::Incoming => &self.inc,
        }
    }
}

/// A node's folded name and aliases, for sorting and search.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Folded {
    name: String,
    aliases: Vec<String>,
}

/// One consistent version of the whole model.
pub struct Snapshot {
    /// Increases by one with every committed write.
    pub version: u64,
    pub data: Dataset,
    /// The table of every node.
    tables: OrdMap<Id, Table>,
    /// The edges at every node.
    adjacency: OrdMap<Id, Adjacency>,
    slugs: OrdMap<(Table, Id, String), Id>,
    area_slugs: OrdMap<String, Id>,
    /// The line each goal belongs to (its own, or its root ancestor's).
    goal_line: OrdMap<Id, Id>,
    /// Lines and programmes each intervention works for, through its goals, and the other
    /// way round.
    intervention_lines: OrdMap<Id, Arc<[Id]>>,
    intervention_programmes: OrdMap<Id, Arc<[Id]>>,
    line_interventions: OrdMap<Id, OrdSet<Id>>,
    programme_interventions: OrdMap<Id, OrdSet<Id>>,
    folded: OrdMap<Id, Arc<Folded>>,
    /// The indicators on each intervention, goal or line; the indicators and measurements
    /// naming each wijk.
    owner_indicators: OrdMap<Id, OrdSet<Id>>,
    wijk_records: OrdMap<Id, OrdSet<Id>>,
    /// The target rows of each indicator.
    indicator_targets: OrdMap<Id, OrdSet<Id>>,
    /// The measurements of each indicator, by period (start, end, id).
    indicator_measurements: OrdMap<Id, OrdSet<indicators::ByPeriod>>,
    /// Every node of a table in each sort order, all areas together and per area.
    orders: OrdMap<(Table, Option<Id>), order::Ordered>,
    /// The longest list of each kind, for pricing queries.
    sizes: ListSizes,
    /// Values computed from this snapshot (analytics), by typed key.
    cache: Mutex<HashMap<Box<dyn AnyKey>, Box<dyn Any + Send + Sync>>>,
}

/// The key of a value cached in a snapshot (see [`Snapshot::cached`]): a small value that
/// names one question with its arguments, and by its type the type of the answer. Two keys
/// of different types never share an entry.
pub trait CacheKey: Hash + Eq + Send + Sync + 'static {
    /// The answer the key stands for.
    type Value: Send + Sync + 'static;
}

/// A cache key of any type, for the one map of a snapshot's cached values: equal when of the
/// same type and equal, hashed with its type.
trait AnyKey: Any + Send + Sync {
    fn as_any(&self) -> &dyn Any;
    fn equals(&self, other: &dyn AnyKey) -> bool;
    fn hash_into(&self, state: &mut dyn Hasher);
}

impl<K: CacheKey> AnyKey for K {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn equals(&self, other: &dyn AnyKey) -> bool {
        other.as_any().downcast_ref::<K>() == Some(self)
    }
    fn hash_into(&self, mut state: &mut dyn Hasher) {
        TypeId::of::<K>().hash(&mut state);
        self.hash(&mut state);
    }
}

impl PartialEq for Box<dyn AnyKey> {
    fn eq(&self, other: &Self) -> bool {
        self.as_ref().equals(other.as_ref())
    }
}

impl Eq for Box<dyn AnyKey> {}

impl Hash for Box<dyn AnyKey> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_ref().hash_into(state);
    }
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
    /// Builds the graph and indexes of a dataset: every record applied to an empty snapshot,
    /// the same path every write takes.
    pub fn build(data: Dataset, version: u64) -> Snapshot {
        let versions = data.versions.clone();
        let stamps = data.stamps.clone();
        let ops: Vec<Op> = data.rows().into_iter().map(Op::Insert).collect();
        let mut s = Snapshot::empty().apply_at(&ops, version, None);
        s.data.versions = versions;
        s.data.stamps = stamps;
        s.data.next_id = s.data.next_id.max(data.next_id);
        s
    }

    /// An empty snapshot (version 0).
    pub fn empty() -> Snapshot {
        Snapshot {
            version: 0,
            data: Dataset::default(),
            tables: OrdMap::new(),
            adjacency: OrdMap::new(),
            slugs: OrdMap::new(),
            area_slugs: OrdMap::new(),
            goal_line: OrdMap::new(),
            intervention_lines: OrdMap::new(),
            intervention_programmes: OrdMap::new(),
            line_interventions: OrdMap::new(),
            programme_interventions: OrdMap::new(),
            folded: OrdMap::new(),
            owner_indicators: OrdMap::new(),
            wijk_records: OrdMap::new(),
            indicator_targets: OrdMap::new(),
            indicator_measurements: OrdMap::new(),
            orders: OrdMap::new(),
            sizes: ListSizes::default(),
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The table a node id belongs to.
    pub fn table_of(&self, id: Id) -> Option<Table> {
        self.tables.get(&id).copied()
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
            Table::Indicator => d.indicators.get(&id).map(|r| r.area_id),
            Table::Measurement => d
                .measurements
                .get(&id)
                .and_then(|m| d.indicators.get(&m.indicator_id))
                .map(|r| r.area_id),
            _ => None,
        }
    }

    /// The edge ends of a kind at a node, one way, in record order.
    fn ends(
        &self,
        id: Id,
        kind: EdgeKind,
        direction: Direction,
    ) -> impl Iterator<Item = &EdgeEnd> + '_ {
        self.adjacency
            .get(&id)
            .into_iter()
            .flat_map(move |a| a.side(direction).range((kind, Id::MIN, Id::MIN)..))
            .take_while(move |(k, _, _)| *k == kind)
    }

    /// The edges of a kind at a node, as `(record id, other node id)`, in record order.
    pub fn edges(&self, id: Id, kind: EdgeKind, direction: Direction) -> Vec<(Id, Id)> {
        self.ends(id, kind, direction)
            .map(|&(_, record, other)| (record, other))
            .collect()
    }

    /// How many edges of a kind a node has, one way.
    pub fn degree(&self, id: Id, kind: EdgeKind, direction: Direction) -> usize {
        self.ends(id, kind, direction).count()
    }

    /// The nodes an edge kind leads to from `id` (outgoing), in record order.
    pub fn targets(&self, id: Id, kind: EdgeKind) -> Vec<Id> {
        self.ends(id, kind, Direction::Outgoing)
            .map(|&(_, _, other)| other)
            .collect()
    }

    /// The nodes an edge kind comes from into `id` (incoming), in record order.
    pub fn sources(&self, id: Id, kind: EdgeKind) -> Vec<Id> {
        self.ends(id, kind, Direction::Incoming)
            .map(|&(_, _, other)| other)
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

    /// The goal and all goals above it.
    fn goal_and_ancestors(&self, goal: Id) -> Vec<Id> {
        let mut out = vec![goal];
        let mut current = goal;
        // Bounded by the number of goals, so a corrupt cycle cannot hang us.
        while out.len() <= self.data.goals.len() {
            match self.data.goals.get(&current).and_then(|g| g.parent_id) {
                Some(parent) => {
                    out.push(parent);
                    current = parent;
                }
                None => break,
            }
        }
        out
    }

    /// The lines an intervention works for, through its goals.
    pub fn intervention_lines(&self, intervention: Id) -> &[Id] {
        self.intervention_lines
            .get(&intervention)
            .map_or(&[], |ids| ids.as_ref())
    }

    /// Where an intervention works: in every wijk of its area (area-wide), in some of them, or
    /// not known (no wijk linked). Costs its own wijk links and the size of one index.
    pub fn wijk_scope(&self, intervention: Id) -> WijkScope {
        let linked = self.degree(intervention, EdgeKind::InWijk, Direction::Outgoing);
        let of_area = self
            .area_of(intervention)
            .and_then(|area| self.orders.get(&(Table::Wijk, Some(area))))
            .map_or(0, |o| o.created.len());
        match linked {
            0 => WijkScope::Unknown,
            n if n >= of_area => WijkScope::WholeArea,
            _ => WijkScope::Listed,
        }
    }

    /// The programme clusters an intervention works for, through its goals.
    pub fn intervention_programmes(&self, intervention: Id) -> &[Id] {
        self.intervention_programmes
            .get(&intervention)
            .map_or(&[], |ids| ids.as_ref())
    }

    /// The interventions a node is involved in: the node's own interventions for partners,
    /// streams and wijken; those working for it for goals (including sub-goals), lines,
    /// programmes and areas. Sorted by id.
    pub fn interventions_of(&self, id: Id) -> Vec<Id> {
        let Some(table) = self.table_of(id) else {
            return Vec::new();
        };
        let set = |map: &OrdMap<Id, OrdSet<Id>>| {
            map.get(&id)
                .map(|ids| ids.iter().copied().collect())
                .unwrap_or_default()
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
            Table::Line => set(&self.line_interventions),
            Table::Programme => set(&self.programme_interventions),
            Table::Area => self.in_area(Table::Intervention, id).collect(),
            _ => Vec::new(),
        };
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The nodes of `table` in an area, in creation order.
    pub fn in_area(&self, table: Table, area: Id) -> impl Iterator<Item = Id> + '_ {
        self.orders
            .get(&(table, Some(area)))
            .into_iter()
            .flat_map(|o| o.created.iter().copied())
    }

    /// The nodes of `table` an intervention is involved with, as [`Snapshot::interventions_of`]
    /// counts them the other way: the intervention is among the interventions of each.
    fn involved(&self, intervention: Id, table: Table) -> Vec<Id> {
        match table {
            Table::Intervention => vec![intervention],
            Table::Partner => self.targets(intervention, EdgeKind::Partner),
            Table::FundingStream => self.targets(intervention, EdgeKind::Funding),
            Table::Wijk => self.targets(intervention, EdgeKind::InWijk),
            Table::Goal => {
                let mut goals: Vec<Id> = self
                    .targets(intervention, EdgeKind::Contributes)
                    .into_iter()
                    .flat_map(|g| self.goal_and_ancestors(g))
                    .collect();
                goals.sort_unstable();
                goals.dedup();
                goals
            }
            Table::Line => self.intervention_lines(intervention).to_vec(),
            Table::Programme => self.intervention_programmes(intervention).to_vec(),
            Table::Area => self.area_of(intervention).into_iter().collect(),
            _ => Vec::new(),
        }
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

    /// A partner's role in an intervention, found among the intervention's few partner links
    /// (not the partner's many).
    pub fn role_in(&self, partner: Id, intervention: Id) -> Option<PartnerRole> {
        let &(_, link, _) = self
            .ends(intervention, EdgeKind::Partner, Direction::Outgoing)
            .find(|&&(_, _, other)| other == partner)?;
        Some(self.data.intervention_partners.get(&link)?.role)
    }

    /// How a funding stream pays an intervention, found among the intervention's few funding
    /// links (not the stream's many).
    pub fn funding_of(&self, stream: Id, intervention: Id) -> Option<Arc<InterventionFunding>> {
        let &(_, link, _) = self
            .ends(intervention, EdgeKind::Funding, Direction::Outgoing)
            .find(|&&(_, _, other)| other == stream)?;
        self.data.intervention_funding.get(&link).cloned()
    }

    /// The interventions a funding stream pays.
    pub fn stream_interventions(&self, stream: Id) -> Vec<Id> {
        self.ends(stream, EdgeKind::Funding, Direction::Incoming)
            .map(|&(_, _, intervention)| intervention)
            .collect()
    }

    /// Every edge of the graph: `(from, to, kind)`.
    pub fn all_edges(&self) -> impl Iterator<Item = (Id, Id, EdgeKind)> + '_ {
        self.adjacency
            .iter()
            .flat_map(|(&from, a)| a.out.iter().map(move |&(kind, _, to)| (from, to, kind)))
    }

    /// The kind of the edge between two nodes, in either direction.
    pub fn edge_kind_between(&self, a: Id, b: Id) -> Option<EdgeKind> {
        self.edge_between(a, b).map(|e| e.kind)
    }

    /// An edge between two nodes, in either direction.
    pub fn edge_between(&self, a: Id, b: Id) -> Option<EdgeData> {
        let adjacency = self.adjacency.get(&a)?;
        adjacency
            .out
            .iter()
            .chain(adjacency.inc.iter())
            .find(|&&(_, _, other)| other == b)
            .map(|&(kind, record, _)| EdgeData { kind, record })
    }

    /// A value computed once for this snapshot under a typed key: later calls with an equal
    /// key get the same value without computing it again; concurrent callers wait for the
    /// first. The key's type says what value it holds, so a key can only ever fetch the kind of
    /// value it was stored with. A write makes a new snapshot, so a cached value never outlives
    /// the data it was computed from.
    pub fn cached<K: CacheKey>(&self, key: K, compute: impl FnOnce() -> K::Value) -> Arc<K::Value> {
        match self.cached_try(key, || Ok::<K::Value, std::convert::Infallible>(compute())) {
            Ok(value) => value,
            Err(never) => match never {},
        }
    }

    /// As [`Snapshot::cached`], for a computation that can fail (be cancelled): a failure is
    /// not kept, so the next caller computes afresh.
    pub fn cached_try<K: CacheKey, E>(
        &self,
        key: K,
        compute: impl FnOnce() -> Result<K::Value, E>,
    ) -> Result<Arc<K::Value>, E> {
        let cell: Arc<CacheCell<K::Value>> = {
            let mut cache = self
                .cache
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let key: Box<dyn AnyKey> = Box::new(key);
            if cache.len() >= CACHE_ENTRIES && !cache.contains_key(&key) {
                cache.clear();
            }
            let entry = cache
                .entry(key)
                .or_insert_with(|| Box::new(Arc::new(CacheCell::<K::Value>::default())));
            // The key's type fixes the value's, so the cell is always of this type.
            entry
                .downcast_ref::<Arc<CacheCell<K::Value>>>()
                .cloned()
                .unwrap_or_default()
        };
        if let Some(value) = cell.value.get() {
            metrics::counter!("samenhang_analytics_cache_total", "result" => "hit").increment(1);
            return Ok(value.clone());
        }
        metrics::counter!("samenhang_analytics_cache_total", "result" => "miss").increment(1);
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
        self.folded.get(&id).map_or("", |f| f.name.as_str())
    }

    /// Whether a node's name, slug or aliases contain the folded needle.
    pub fn matches_search(&self, id: Id, slug: &str, needle: &str) -> bool {
        self.folded.get(&id).is_some_and(|f| {
            f.name.contains(needle)
                || slug.contains(needle)
                || f.aliases.iter().any(|a| a.contains(needle))
        })
    }
}

#[cfg(test)]
mod tests;
