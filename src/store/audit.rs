//! The audit trail and the API tokens, kept beside the graph tables. Every write adds one
//! entry per changed row, with the row before and after as JSON, in the write's own
//! transaction: a write and its record land together or not at all.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::convert::Stored;
use super::entities::{Versioned, api_token, audit_entry};
use super::{Op, Store, for_each_table};
use crate::auth::{Role, TokenInfo};
use crate::domain::{Dataset, Id, Row, Stamps, Table, unstorable_problem};
use crate::error::{Error, Result};

/// An audit entry ready to insert.
pub(super) type Entry = audit_entry::ActiveModel;

/// Who made a write, and with which operation (a mutation's name, `import`, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Author {
    pub actor: String,
    pub operation: String,
}

impl Author {
    pub fn new(actor: impl Into<String>, operation: impl Into<String>) -> Author {
        Author {
            actor: actor.into(),
            operation: operation.into(),
        }
    }
}

/// One changed row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    /// Milliseconds since the Unix epoch.
    pub at: i64,
    pub actor: String,
    pub operation: String,
    /// The table of the row (`partner`, `intervention_partner`, ...).
    pub table: String,
    pub row_id: Id,
    /// The node the row is (`Partner:42`), or for a link the node it starts from.
    pub node: String,
    /// For a link, the node it leads to.
    pub other_node: Option<String>,
    /// The row before and after, as JSON; `None` before an insert and after a delete.
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Which entries to list; every condition given must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub actor: Option<String>,
    /// Entries about this node (`Partner:42`): the node's own row and the links to and from it.
    pub node: Option<String>,
    pub operation: Option<String>,
    /// From this time on (inclusive), in milliseconds since the Unix epoch.
    pub since: Option<i64>,
    /// Before this time (exclusive).
    pub until: Option<i64>,
}

/// Refuses text no database can hold before it reaches one as a query value: PostgreSQL fails
/// on a NUL where SQLite would find nothing, and both must answer alike.
fn storable(field: &str, value: &str) -> Result<()> {
    match unstorable_problem(value) {
        Some(problem) => Err(Error::invalid(field, problem)),
        None => Ok(()),
    }
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Milliseconds since the Unix epoch as RFC 3339 in UTC (`2026-11-30T09:15:00.250Z`).
pub fn format_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map_or_else(
        || ms.to_string(),
        |t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    )
}

/// A node reference as stored: `Partner:42`.
pub fn node_key(table: Table, id: Id) -> String {
    format!("{}:{id}", table.type_name())
}

/// A row as stored: its model with its version and, for a node, its times.
fn row_json(row: &Row, version: i64, stamps: Option<Stamps>) -> Result<String> {
    macro_rules! json {
        ($($module:ident: $rec:ident),+) => {
            match row {
                $(Row::$rec(r) => {
                    let mut model = r.to_model();
                    model.set_version(version);
                    if let Some(stamps) = stamps {
                        model.set_stamps(stamps);
                    }
                    serde_json::to_string(&model)
                })+
            }
        };
    }
    for_each_table!(json).map_err(|e| Error::Internal(format!("cannot record a row: {e}")))
}

/// A row as this write has left it so far: with its version and, for a node, its times.
type State = Option<(Row, i64, Option<Stamps>)>;

/// The audit entries of a write: `ops` applied to `base`, each leaving its row with the times
/// in `stamps`, one entry per operation, each under the author of the step that made it.
pub(super) fn entries(
    base: &Dataset,
    ops: &[Op],
    stamps: &[Option<Stamps>],
    steps: &[super::Step],
    at: i64,
) -> Result<Vec<Entry>> {
    // Rows as this write has left them so far, over the base.
    let mut now: HashMap<(Table, Id), State> = HashMap::new();
    let mut out = Vec::with_capacity(ops.len());
    let authors = steps
        .iter()
        .flat_map(|step| std::iter::repeat_n(&step.author, step.ops));
    for ((op, author), &stamps) in ops.iter().zip(authors).zip(stamps) {
        let (table, id, after) = match op {
            Op::Insert(row) => (row.table(), row.id(), Some((row.clone(), 1, stamps))),
            Op::Update(row, version) => (
                row.table(),
                row.id(),
                Some((row.clone(), version.unwrap_or(1), stamps)),
            ),
            Op::Delete(table, id) => (*table, *id, None),
        };
        let before = match op {
            Op::Insert(_) => None,
            _ => now.get(&(table, id)).cloned().unwrap_or_else(|| {
                base.get(table, id)
                    .map(|row| (row, base.version_of(id), base.stamps_of(id)))
            }),
        };
        let Some((shown, ..)) = after.as_ref().or(before.as_ref()) else {
            return Err(Error::Internal(format!(
                "a write deletes {} {id}, which is not there",
                table.name()
            )));
        };
        let (node, other_node) = match shown.ends() {
            Some(((t1, a), (t2, b))) => (node_key(t1, a), Some(node_key(t2, b))),
            None => match shown.owner() {
                Some((owner_table, owner)) => (node_key(owner_table, owner), None),
                None => (node_key(table, id), None),
            },
        };
        let json = |state: &State| {
            state
                .as_ref()
                .map(|(row, version, stamps)| row_json(row, *version, *stamps))
                .transpose()
        };
        out.push(audit_entry::ActiveModel {
            id: NotSet,
            at: Set(at),
            actor: Set(author.actor.clone()),
            operation: Set(author.operation.clone()),
            table_name: Set(table.name().to_owned()),
            row_id: Set(id),
            node: Set(node),
            other_node: Set(other_node),
            before: Set(json(&before)?),
            after: Set(json(&after)?),
            change_version: NotSet,
        });
        now.insert((table, id), after);
    }
    Ok(out)
}

/// Writes audit entries inside a transaction, under the number of their write in the change
/// log when they have one.
pub(super) async fn record(
    db: &impl ConnectionTrait,
    entries: Vec<Entry>,
    version: Option<u64>,
) -> Result<()> {
    let version = version.map(|v| i64::try_from(v).unwrap_or(i64::MAX));
    let mut entries = entries
        .into_iter()
        .map(|mut e| {
            e.change_version = Set(version);
            e
        })
        .peekable();
    while entries.peek().is_some() {
        let chunk: Vec<_> = entries.by_ref().take(super::INSERT_CHUNK).collect();
        audit_entry::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

fn from_model(m: audit_entry::Model) -> AuditEntry {
    AuditEntry {
        id: m.id,
        at: m.at,
        actor: m.actor,
        operation: m.operation,
        table: m.table_name,
        row_id: m.row_id,
        node: m.node,
        other_node: m.other_node,
        before: m.before,
        after: m.after,
    }
}

fn token_info(m: api_token::Model) -> Result<TokenInfo> {
    Ok(TokenInfo {
        role: Role::parse(&m.role).ok_or_else(|| {
            Error::Internal(format!("api_token.role holds unknown value {:?}", m.role))
        })?,
        name: m.name,
        created_at: m.created_at,
        revoked_at: m.revoked_at,
    })
}

impl Store {
    /// Audit entries matching `filter`, newest first: at most `limit` of them, older than the
    /// entry `before_id` when given; and how many match in all.
    pub async fn audit_log(
        &self,
        filter: &AuditFilter,
        before_id: Option<i64>,
        limit: u64,
    ) -> Result<(Vec<AuditEntry>, u64)> {
        use audit_entry::Column as C;
        for (field, value) in [
            ("filter.actor", &filter.actor),
            ("filter.node", &filter.node),
            ("filter.operation", &filter.operation),
        ] {
            storable(field, value.as_deref().unwrap_or_default())?;
        }
        let mut query = audit_entry::Entity::find();
        if let Some(actor) = &filter.actor {
            query = query.filter(C::Actor.eq(actor.as_str()));
        }
        if let Some(node) = &filter.node {
            query = query.filter(
                Expr::col(C::Node)
                    .eq(node.as_str())
                    .or(Expr::col(C::OtherNode).eq(node.as_str())),
            );
        }
        if let Some(operation) = &filter.operation {
            query = query.filter(C::Operation.eq(operation.as_str()));
        }
        if let Some(since) = filter.since {
            query = query.filter(C::At.gte(since));
        }
        if let Some(until) = filter.until {
            query = query.filter(C::At.lt(until));
        }
        let total = query.clone().count(&self.db).await?;
        if let Some(before) = before_id {
            query = query.filter(C::Id.lt(before));
        }
        let rows = query
            .order_by_desc(C::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        Ok((rows.into_iter().map(from_model).collect(), total))
    }

    /// Stores a new token under `name` (its hash only) and records it in the audit trail.
    pub async fn create_token(
        &self,
        name: &str,
        role: Role,
        hash: &str,
        by: &Author,
    ) -> Result<TokenInfo> {
        crate::auth::check_token_name(name)?;
        let at = now_ms();
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        let taken = api_token::Entity::find()
            .filter(api_token::Column::Name.eq(name))
            .one(&txn)
            .await?;
        if taken.is_some() {
            return Err(Error::conflict(
                format!("a token named {name:?} exists already"),
                Some("name"),
            ));
        }
        let inserted = api_token::Entity::insert(api_token::ActiveModel {
            id: NotSet,
            name: Set(name.to_owned()),
            role: Set(role.name().to_owned()),
            hash: Set(hash.to_owned()),
            created_at: Set(at),
            revoked_at: Set(None),
        })
        .exec(&txn)
        .await?;
        let info = TokenInfo {
            name: name.to_owned(),
            role,
            created_at: at,
            revoked_at: None,
        };
        record_token(&txn, inserted.last_insert_id, None, Some(&info), by, at).await?;
        txn.commit().await?;
        Ok(info)
    }

    /// Every token, oldest first.
    pub async fn list_tokens(&self) -> Result<Vec<TokenInfo>> {
        api_token::Entity::find()
            .order_by_asc(api_token::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(token_info)
            .collect()
    }

    /// Revokes the token `name` (revoking twice keeps the first time).
    pub async fn revoke_token(&self, name: &str, by: &Author) -> Result<TokenInfo> {
        storable("name", name)?;
        let at = now_ms();
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        let model = api_token::Entity::find()
            .filter(api_token::Column::Name.eq(name))
            .one(&txn)
            .await?
            .ok_or_else(|| Error::not_found("token", name, Some("name")))?;
        let id = model.id;
        let before = token_info(model)?;
        if before.revoked_at.is_some() {
            return Ok(before);
        }
        api_token::Entity::update_many()
            .col_expr(api_token::Column::RevokedAt, Expr::value(at))
            .filter(api_token::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        let after = TokenInfo {
            revoked_at: Some(at),
            ..before.clone()
        };
        record_token(&txn, id, Some(&before), Some(&after), by, at).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Whether a token of this name exists and is not revoked.
    pub async fn token_active(&self, name: &str) -> Result<bool> {
        Ok(api_token::Entity::find()
            .filter(api_token::Column::Name.eq(name))
            .filter(api_token::Column::RevokedAt.is_null())
            .one(&self.db)
            .await?
            .is_some())
    }

    /// The name and role of the unrevoked token with this hash.
    pub async fn find_token(&self, hash: &str) -> Result<Option<(String, Role)>> {
        let found = api_token::Entity::find()
            .filter(api_token::Column::Hash.eq(hash))
            .filter(api_token::Column::RevokedAt.is_null())
            .one(&self.db)
            .await?;
        Ok(found
            .map(token_info)
            .transpose()?
            .map(|info| (info.name, info.role)))
    }
}

/// Records a token change (never the hash) in the audit trail.
async fn record_token(
    db: &impl ConnectionTrait,
    id: i64,
    before: Option<&TokenInfo>,
    after: Option<&TokenInfo>,
    by: &Author,
    at: i64,
) -> Result<()> {
    let json = |info: &TokenInfo| {
        serde_json::json!({
            "name": info.name,
            "role": info.role.name(),
            "created_at": info.created_at,
            "revoked_at": info.revoked_at,
        })
        .to_string()
    };
    let entry = audit_entry::ActiveModel {
        id: NotSet,
        at: Set(at),
        actor: Set(by.actor.clone()),
        operation: Set(by.operation.clone()),
        table_name: Set("api_token".to_owned()),
        row_id: Set(id),
        node: Set(format!("ApiToken:{id}")),
        other_node: Set(None),
        before: Set(before.map(json)),
        after: Set(after.map(json)),
        change_version: NotSet,
    };
    // Token changes stay out of the change log (they change no node); other processes learn
    // of them when their remembered lookups expire.
    record(db, vec![entry], None).await
}
