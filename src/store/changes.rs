//! The change log several processes on one database follow. Every committed write raises the
//! one-row head in its own transaction (on PostgreSQL the row lock orders concurrent writers,
//! so numbers are given in commit order and without gaps), records one `change` row under
//! that number, and tags its audit entries with it: the audit trail holds every row before and
//! after, which is all a follower needs to apply the write to its own graph. On PostgreSQL the
//! transaction also sends a `NOTIFY` that wakes the followers when it commits.
//!
//! Ids are handed out by the database in blocks, so processes never give out the same one.

use std::ops::Range;

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};

use super::convert::Stored;
use super::entities::{audit_entry, change};
use super::{Author, Store, entities as e, for_each_table};
use crate::domain::{Id, Op, Row, Table};
use crate::error::{Error, Result};

/// The PostgreSQL channel a committed write is announced on, with its number.
pub const CHANNEL: &str = "samenhang_changes";

/// A committed write as the log holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Its number: one more than the write before it.
    pub version: u64,
    /// Milliseconds since the Unix epoch.
    pub at: i64,
    pub actor: String,
    pub operation: String,
    /// Its row operations on the graph tables, in order.
    pub ops: Vec<Op>,
    /// The rows its deletes took away, as they were.
    pub removed: Vec<Row>,
}

/// Raises the head inside a write's transaction and records the write: its number.
pub(super) async fn begin_change(
    txn: &impl ConnectionTrait,
    at: i64,
    author: &Author,
    rows: usize,
) -> Result<u64> {
    let backend = txn.get_database_backend();
    let row = txn
        .query_one_raw(Statement::from_string(
            backend,
            "UPDATE change_head SET version = version + 1 WHERE id = 1 RETURNING version",
        ))
        .await?
        .ok_or_else(|| Error::Internal("the change log has no head".into()))?;
    let version: i64 = row.try_get("", "version")?;
    e::change::Entity::insert(change::ActiveModel {
        version: sea_orm::ActiveValue::Set(version),
        at: sea_orm::ActiveValue::Set(at),
        actor: sea_orm::ActiveValue::Set(author.actor.clone()),
        operation: sea_orm::ActiveValue::Set(author.operation.clone()),
        rows: sea_orm::ActiveValue::Set(i32::try_from(rows).unwrap_or(i32::MAX)),
    })
    .exec_without_returning(txn)
    .await?;
    if backend == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), version.to_string().into()],
        ))
        .await?;
    }
    u64::try_from(version).map_err(|_| Error::Internal("a negative change number".into()))
}

/// A row of a graph table as the audit trail keeps it (JSON of its database model), with its
/// version for a node.
fn row_of(table: Table, json: &str, entry: i64) -> Result<(Row, Option<i64>)> {
    let bad = |err: serde_json::Error| {
        Error::Internal(format!(
            "the audit entry {entry} cannot be read back: {err}"
        ))
    };
    macro_rules! row {
        ($($module:ident: $rec:ident),+) => {
            match table {
                $(Table::$rec => {
                    let model: e::$module::Model = serde_json::from_str(json).map_err(bad)?;
                    let version = e::Versioned::version(&model);
                    (Row::$rec(crate::domain::$rec::from_model(model)?), version)
                })+
            }
        };
    }
    Ok(for_each_table!(row))
}

/// Adds what one audit entry of a graph table records to its change: the row operation, and
/// for a delete the row as it was.
fn take(change: &mut Change, entry: &audit_entry::Model) -> Result<()> {
    let Some(table) = Table::from_name(&entry.table_name) else {
        return Ok(());
    };
    match (&entry.before, &entry.after) {
        (before, None) => {
            change.ops.push(Op::Delete(table, entry.row_id));
            if let Some(before) = before {
                change.removed.push(row_of(table, before, entry.id)?.0);
            }
        }
        (None, Some(after)) => change
            .ops
            .push(Op::Insert(row_of(table, after, entry.id)?.0)),
        (Some(_), Some(after)) => {
            let (row, version) = row_of(table, after, entry.id)?;
            change.ops.push(Op::Update(row, version));
        }
    }
    Ok(())
}

impl Store {
    /// The number of the last committed write.
    pub async fn head(&self) -> Result<u64> {
        head(&self.db).await
    }

    /// The committed writes after `version`, oldest first, at most `limit` of them.
    pub async fn changes_after(&self, version: u64, limit: u64) -> Result<Vec<Change>> {
        let from = i64::try_from(version).unwrap_or(i64::MAX);
        let changes = e::change::Entity::find()
            .filter(Expr::col(change::Column::Version).gt(from))
            .order_by_asc(change::Column::Version)
            .limit(limit)
            .all(&self.db)
            .await?;
        let Some(last) = changes.last().map(|c| c.version) else {
            return Ok(Vec::new());
        };
        let entries = audit_entry::Entity::find()
            .filter(Expr::col(audit_entry::Column::ChangeVersion).gt(from))
            .filter(Expr::col(audit_entry::Column::ChangeVersion).lte(last))
            .order_by_asc(audit_entry::Column::ChangeVersion)
            .order_by_asc(audit_entry::Column::Id)
            .all(&self.db)
            .await?;
        let mut out: Vec<Change> = changes
            .into_iter()
            .map(|c| Change {
                version: u64::try_from(c.version).unwrap_or(0),
                at: c.at,
                actor: c.actor,
                operation: c.operation,
                ops: Vec::new(),
                removed: Vec::new(),
            })
            .collect();
        for entry in entries {
            let Some(version) = entry.change_version.and_then(|v| u64::try_from(v).ok()) else {
                continue;
            };
            let Some(change) = out.iter_mut().find(|c| c.version == version) else {
                continue;
            };
            take(change, &entry)?;
        }
        Ok(out)
    }

    /// Reserves `count` fresh ids: no other process, now or later, is given any of them.
    pub async fn reserve_ids(&self, count: u64) -> Result<Range<Id>> {
        let count = i64::try_from(Ord::max(count, 1)).unwrap_or(i64::MAX / 2);
        let row = self
            .db
            .query_one_raw(Statement::from_sql_and_values(
                self.backend(),
                match self.backend() {
                    DbBackend::Postgres => {
                        "UPDATE id_block SET next = next + $1 WHERE id = 1 RETURNING next"
                    }
                    _ => "UPDATE id_block SET next = next + ? WHERE id = 1 RETURNING next",
                },
                [count.into()],
            ))
            .await?
            .ok_or_else(|| Error::Internal("the id block has no row".into()))?;
        let next: i64 = row.try_get("", "next")?;
        Ok(next - count..next)
    }
}

/// The number of the last committed write, as a connection (or transaction) sees it.
pub(super) async fn head(db: &impl ConnectionTrait) -> Result<u64> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT version FROM change_head WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| Error::Internal("the change log has no head".into()))?;
    let version: i64 = row.try_get("", "version")?;
    Ok(u64::try_from(version).unwrap_or(0))
}
