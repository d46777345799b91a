//! A [`Draft`] is a write in progress: the snapshot the write started on, with each of the
//! write's row operations applied to it as it is made (records, edges, slugs and orders kept
//! current in persistent maps, so every check looks things up instead of scanning), and the
//! operations themselves, which the store commits. Nothing in a draft is visible to readers
//! until the service has committed its operations and published them.
//!
//! The draft's own rules are in [`checks`] (what a record may hold), [`links`] (the one path
//! for the six kinds of link) and [`cascade`] (what a delete takes with it).

mod cascade;
mod checks;
mod indicators;
mod links;

use std::ops::Range;
use std::sync::Arc;

pub use checks::{check_funding_link, check_relation, check_target};

use crate::domain::*;
use crate::error::{Error, Result};
use crate::graph::Snapshot;

/// A node's table, area and slug: unique among the nodes (areas use area 0).
type SlugKey = (Table, Id, String);

/// A write in progress.
pub struct Draft {
    /// The snapshot the write started on, with the write's operations applied so far.
    work: Snapshot,
    ops: Vec<Op>,
    /// The ids new rows take, in order.
    ids: Range<Id>,
}

/// A node record's place among its kind: table, area and slug.
fn slug_key(row: &Row) -> Option<SlugKey> {
    let (area, slug) = match row {
        Row::Area(r) => (0, &r.slug),
        Row::Programme(r) => (r.area_id, &r.slug),
        Row::Line(r) => (r.area_id, &r.slug),
        Row::Goal(r) => (r.area_id, &r.slug),
        Row::Intervention(r) => (r.area_id, &r.slug),
        Row::Partner(r) => (r.area_id, &r.slug),
        Row::FundingStream(r) => (r.area_id, &r.slug),
        Row::Wijk(r) => (r.area_id, &r.slug),
        Row::Indicator(r) => (r.area_id, &r.slug),
        _ => return None,
    };
    Some((row.table(), area, slug.clone()))
}

impl Draft {
    /// A draft on `base` whose new rows take ids after the highest the base holds: for checks
    /// that commit nothing (a dry run) and for tests.
    pub fn new(base: Arc<Snapshot>) -> Draft {
        let ids = base.data.next_id.max(1)..Id::MAX;
        Draft::with_ids(base, ids)
    }

    /// A draft on `base` whose new rows take their ids from `ids` (reserved in the database).
    pub fn with_ids(base: Arc<Snapshot>, ids: Range<Id>) -> Draft {
        Draft {
            // Shares every map with the base; a change copies only its path.
            work: base.share(),
            ops: Vec::new(),
            ids,
        }
    }

    /// The draft's current data.
    pub fn data(&self) -> &Dataset {
        &self.work.data
    }

    /// The operations made so far, in order.
    pub fn ops(&self) -> &[Op] {
        &self.ops
    }

    /// The data as the draft leaves it, the operations that lead there from the base, and the
    /// ids the draft did not use.
    pub fn into_parts(self) -> (Dataset, Vec<Op>, Range<Id>) {
        (self.work.data, self.ops, self.ids)
    }

    fn slug_owner(&self, key: &SlugKey) -> Option<Id> {
        match key.0 {
            Table::Area => self.work.area_by_slug(&key.2),
            table => self.work.by_slug(table, key.1, &key.2),
        }
    }

    /// The table of a node id in this draft.
    pub fn table_of(&self, id: Id) -> Option<Table> {
        self.work.table_of(id)
    }

    /// The area a node belongs to.
    pub fn area_of(&self, id: Id) -> Option<Id> {
        self.work.area_of(id)
    }

    /// Checks that `id` is a node of `table`.
    pub fn expect(&self, table: Table, id: Id, field: &str) -> Result<()> {
        if self.table_of(id) == Some(table) {
            Ok(())
        } else {
            Err(Error::not_found(table.noun(), id, Some(field)))
        }
    }

    /// Records an operation and applies it to the draft.
    fn put(&mut self, op: Op) {
        self.work.stage(&op);
        self.ops.push(op);
    }

    /// Creates a node; its id is assigned here and returned.
    pub fn create(&mut self, mut row: Row) -> Result<Id> {
        let id = self.allocate_id()?;
        row.set_id(id);
        self.check_node(&row, None)?;
        self.put(Op::Insert(row));
        Ok(id)
    }

    /// Hands out a fresh id.
    pub fn allocate_id(&mut self) -> Result<Id> {
        self.ids.next().ok_or_else(|| {
            Error::Internal("the write needs more ids than were reserved for it".into())
        })
    }

    /// The node of a table with this slug in an area (use area 0 for areas themselves).
    pub fn find_slug(&self, table: Table, area: Id, slug: &str) -> Option<Id> {
        self.slug_owner(&(table, area, slug.to_owned()))
    }

    /// Inserts a row that the caller has validated already (bulk import). Links and nodes
    /// alike; the id must be fresh.
    pub fn insert_validated(&mut self, row: Row) {
        self.put(Op::Insert(row));
    }

    /// Replaces a node with a new version of it.
    pub fn update(&mut self, row: Row) -> Result<()> {
        let table = row.table();
        self.expect(table, row.id(), "id")?;
        let previous = self.current_row(table, row.id())?;
        self.check_node(&row, Some(&previous))?;
        if previous == row {
            return Ok(());
        }
        let version = self.work.data.version_of(row.id()) + 1;
        self.put(Op::Update(row, Some(version)));
        Ok(())
    }

    /// Refuses a change made on another version of a node than the current one.
    pub fn check_version(&self, id: Id, expected: Option<i64>) -> Result<()> {
        let current = self.work.data.version_of(id);
        match expected {
            Some(v) if v != current => Err(Error::conflict(
                format!(
                    "the node was changed in the meantime: it is at version {current}, the change was made on version {v}; read it again and redo the change"
                ),
                Some("version"),
            )),
            _ => Ok(()),
        }
    }

    /// The stored version of a node.
    pub fn current_row(&self, table: Table, id: Id) -> Result<Row> {
        Some(table)
            .filter(|t| t.is_node())
            .and_then(|t| self.work.data.get(t, id))
            .ok_or_else(|| Error::not_found(table.noun(), id, Some("id")))
    }

    /// Removes a row, if it is there.
    fn remove(&mut self, table: Table, id: Id) {
        if self.work.data.contains(table, id) {
            self.put(Op::Delete(table, id));
        }
    }
}
