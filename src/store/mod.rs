//! Persistence: the database is the source of truth. This module connects (SQLite file by
//! default, PostgreSQL by URL), applies the migrations, loads every table into a [`Dataset`],
//! and applies a list of row operations in one transaction, with the audit trail of who
//! changed what ([`audit`]).

mod audit;
mod changes;
mod convert;
mod entities;

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ActiveModelTrait, ConnectOptions, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, TransactionTrait,
};

pub use crate::domain::Op;
use crate::domain::{Dataset, Id, Row, Stamps, Table};
use crate::error::{Error, Result};
pub use audit::{AuditEntry, AuditFilter, Author, format_time, node_key, now_ms};
pub use changes::{CHANNEL, Change};
use convert::Stored;
use entities as e;
use entities::Versioned;

/// The database behind the service.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
}

/// How often a transaction aborted by a conflict is run again.
pub const RETRIES: u32 = 3;

/// Whether PostgreSQL aborted a transaction for a conflict with another one, so that running it
/// again may succeed (SQLSTATE 40001 serialization failure, 40P01 deadlock).
fn is_transient(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr};
    let (DbErr::Exec(RuntimeErr::SqlxError(err)) | DbErr::Query(RuntimeErr::SqlxError(err))) = err
    else {
        return false;
    };
    err.as_database_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "40001" || code == "40P01")
}

/// Rows per `INSERT` statement; keeps the bound parameters far below every backend's limit.
const INSERT_CHUNK: usize = 500;

/// Completes a database URL: a SQLite file is created when missing.
pub fn normalise_url(url: &str) -> String {
    if url.starts_with("sqlite:") && !url.contains("mode=") && !url.contains(":memory:") {
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}mode=rwc")
    } else {
        url.to_owned()
    }
}

impl Store {
    /// Connects to a `sqlite:` or `postgres://` URL.
    pub async fn connect(url: &str) -> Result<Store> {
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            return Err(Error::invalid(
                "database-url",
                "use a sqlite: or postgres:// URL (e.g. sqlite://samenhang.sqlite)",
            ));
        }
        let mut options = ConnectOptions::new(normalise_url(url));
        options
            // An in-memory SQLite database lives in one connection; files and PostgreSQL pool.
            .max_connections(match url {
                u if u.contains(":memory:") => 1,
                u if u.starts_with("sqlite:") => 4,
                _ => 10,
            })
            .acquire_timeout(Duration::from_secs(10))
            .sqlx_logging(false)
            .map_sqlx_sqlite_opts(|opts| {
                opts.foreign_keys(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(Duration::from_secs(10))
            });
        let db = sea_orm::Database::connect(options)
            .await
            .map_err(Error::Database)?;
        Ok(Store { db })
    }

    /// Which database this is.
    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// Applies pending migrations.
    pub async fn migrate(&self) -> Result<()> {
        Migrator::up(&self.db, None).await.map_err(Error::Database)
    }

    /// Loads every table.
    pub async fn load(&self) -> Result<Dataset> {
        load(&self.db).await
    }

    /// Applies the operations of a write on `base` in one transaction, with their audit
    /// entries and their place in the change log: all of them, or none, made now. Returns the
    /// write's number in the log. Every update and delete of a node holds only if the node is still at
    /// the version the write was made on (`CONFLICT` otherwise), whichever process wrote in
    /// between. A transaction that PostgreSQL aborts for a conflict with another one
    /// (serialization failure, deadlock) is run again, up to [`RETRIES`] times.
    pub async fn apply(&self, base: &Dataset, ops: &[Op], author: &Author) -> Result<u64> {
        let step = Step {
            author: author.clone(),
            ops: ops.len(),
        };
        self.apply_steps(base, ops, std::slice::from_ref(&step), now_ms())
            .await
    }

    /// [`Store::apply`] for a write made of several steps (the mutation fields of one request),
    /// each audited under its own author, made at `at` (milliseconds since the Unix epoch: the
    /// change's time and the times of the nodes it creates or changes); the change log records
    /// the write once, under the first step's actor and the steps' operations joined by `", "`.
    #[tracing::instrument(name = "commit", skip_all, fields(rows = ops.len(), steps = steps.len()))]
    pub async fn apply_steps(
        &self,
        base: &Dataset,
        ops: &[Op],
        steps: &[Step],
        at: i64,
    ) -> Result<u64> {
        if ops.is_empty() {
            return Err(Error::Internal("a write without changes".into()));
        }
        if steps.iter().map(|s| s.ops).sum::<usize>() != ops.len() {
            return Err(Error::Internal(
                "the steps of a write do not add up to its operations".into(),
            ));
        }
        let author = Step::change_author(steps);
        let author = &author;
        let stamps = stamps_after(base, ops, at);
        let entries = audit::entries(base, ops, &stamps, steps, at)?;
        let expected = expected_versions(base, ops);
        let mut attempt = 0;
        loop {
            match self
                .apply_once(ops, &expected, &stamps, entries.clone(), at, author)
                .await
            {
                Err(Error::Database(err)) if attempt < RETRIES && is_transient(&err) => {
                    attempt += 1;
                    tracing::warn!(error = %err, attempt, "transaction conflict: trying again");
                    tokio::time::sleep(Duration::from_millis(10 << attempt)).await;
                }
                done => return done,
            }
        }
    }

    async fn apply_once(
        &self,
        ops: &[Op],
        expected: &[Option<i64>],
        stamps: &[Option<Stamps>],
        entries: Vec<audit::Entry>,
        at: i64,
        author: &Author,
    ) -> Result<u64> {
        let txn = self.db.begin().await?;
        let version = changes::begin_change(&txn, at, author, ops.len()).await?;
        let mut rest = ops;
        let mut at_op = 0;
        while let Some(first) = rest.first() {
            let taken = match first {
                Op::Insert(row) => {
                    let table = row.table();
                    let run = rest
                        .iter()
                        .take(INSERT_CHUNK)
                        .take_while(|op| matches!(op, Op::Insert(r) if r.table() == table))
                        .count();
                    insert_rows(&txn, table, &rest[..run], Stamps::new(at)).await?;
                    run
                }
                Op::Update(row, version) => {
                    update_row(&txn, row, *version, expected[at_op], stamps[at_op]).await?;
                    1
                }
                Op::Delete(table, id) => {
                    delete_row(&txn, *table, *id, expected[at_op]).await?;
                    1
                }
            };
            rest = &rest[taken..];
            at_op += taken;
        }
        audit::record(&txn, entries, Some(version)).await?;
        txn.commit().await?;
        Ok(version)
    }

    /// Every table and the number of the last write they hold, read in one transaction so the
    /// two agree.
    pub async fn load_with_head(&self) -> Result<(Dataset, u64)> {
        // PostgreSQL needs repeatable read for one view of all tables; a SQLite transaction
        // reads one snapshot of the file anyway.
        let txn = match self.backend() {
            DbBackend::Postgres => {
                self.db
                    .begin_with_config(Some(sea_orm::IsolationLevel::RepeatableRead), None)
                    .await?
            }
            _ => self.db.begin().await?,
        };
        let data = load(&txn).await?;
        let head = changes::head(&txn).await?;
        txn.commit().await?;
        Ok((data, head))
    }

    /// The connection, for checks that look at the database directly (tests, diagnostics).
    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Closes the connection pool.
    pub async fn close(self) -> Result<()> {
        self.db.close().await.map_err(Error::Database)
    }
}

/// Loads every table through a connection or transaction.
async fn load(db: &impl ConnectionTrait) -> Result<Dataset> {
    let mut data = Dataset::default();
    macro_rules! load {
        ($($module:ident: $rec:ident),+) => {$(
            for model in e::$module::Entity::find()
                .order_by_asc(e::$module::Column::Id)
                .all(db)
                .await?
            {
                if let Some(version) = model.version().filter(|&v| v != 1) {
                    data.versions.insert(model.id, version);
                }
                if let Some(stamps) = model.stamps() {
                    data.stamps.insert(model.id, stamps);
                }
                data.put(Row::$rec(crate::domain::$rec::from_model(model)?));
            }
        )+};
    }
    for_each_table!(load);
    Ok(data)
}

/// For each operation, the version its node must still have in the database: the version
/// the write found (an update raises it by one, so its predecessor), `None` for links and
/// inserts.
fn expected_versions(base: &Dataset, ops: &[Op]) -> Vec<Option<i64>> {
    let mut now: std::collections::HashMap<Id, i64> = std::collections::HashMap::new();
    ops.iter()
        .map(|op| match op {
            Op::Insert(row) => {
                now.insert(row.id(), 1);
                None
            }
            Op::Update(row, Some(version)) => {
                now.insert(row.id(), *version);
                Some(version - 1)
            }
            Op::Update(_, None) => None,
            Op::Delete(table, id) if table.is_node() => {
                Some(now.get(id).copied().unwrap_or_else(|| base.version_of(*id)))
            }
            Op::Delete(..) => None,
        })
        .collect()
}

/// For each operation, the times its row is left with: created and changed at `at` for a
/// node inserted, changed at `at` for a node updated (created when it was: a node inserted by
/// this same write is not in `base`, so it was created at `at` too), `None` for links and
/// deletes.
fn stamps_after(base: &Dataset, ops: &[Op], at: i64) -> Vec<Option<Stamps>> {
    ops.iter()
        .map(|op| match op {
            Op::Insert(row) if row.table().is_node() => Some(Stamps::new(at)),
            Op::Update(row, _) if row.table().is_node() => Some(Stamps {
                created: base.stamps_of(row.id()).map_or(at, |s| s.created),
                updated: at,
            }),
            _ => None,
        })
        .collect()
}

/// One step of a write: who made it and with which operation, and how many of the write's
/// operations (in order) it made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub author: Author,
    pub ops: usize,
}

impl Step {
    /// The author a write of several steps is logged under: the first step's actor, and the
    /// operations of the steps that changed something, in order, joined by `", "`.
    pub fn change_author(steps: &[Step]) -> Author {
        let actor = steps
            .first()
            .map(|s| s.author.actor.clone())
            .unwrap_or_default();
        let mut operations: Vec<&str> = Vec::new();
        for step in steps.iter().filter(|s| s.ops > 0) {
            operations.push(&step.author.operation);
        }
        Author::new(actor, operations.join(", "))
    }
}

/// A write that found a row changed or gone under it.
fn changed_meanwhile(table: Table, id: Id) -> Error {
    Error::conflict(
        format!(
            "the {} {id} was changed or deleted in the meantime; read it again and redo the change",
            table.noun()
        ),
        Some("version"),
    )
}

/// Expands `$m!(module: Record, ...)` for every table, parents before children.
macro_rules! for_each_table {
    ($m:ident) => {
        $m!(
            area: Area,
            programme: Programme,
            line: Line,
            goal: Goal,
            intervention: Intervention,
            partner: Partner,
            funding_stream: FundingStream,
            wijk: Wijk,
            line_funding: LineFunding,
            intervention_goal: InterventionGoal,
            intervention_partner: InterventionPartner,
            intervention_funding: InterventionFunding,
            intervention_wijk: InterventionWijk,
            intervention_relation: InterventionRelation,
            goal_relation: GoalRelation,
            indicator: Indicator,
            indicator_target: IndicatorTarget,
            measurement: Measurement
        )
    };
}
use for_each_table;

fn mismatch(table: Table) -> Error {
    Error::Internal(format!(
        "a batch for table {} holds a row of another table",
        table.name()
    ))
}

/// Inserts rows of one table; nodes with `stamps` as their times.
async fn insert_rows(
    db: &impl ConnectionTrait,
    table: Table,
    ops: &[Op],
    stamps: Stamps,
) -> Result<()> {
    macro_rules! insert {
        ($($module:ident: $rec:ident),+) => {
            match table {
                $(Table::$rec => {
                    let models = ops
                        .iter()
                        .map(|op| match op {
                            Op::Insert(Row::$rec(r)) => {
                                let mut model = r.to_model();
                                model.set_stamps(stamps);
                                Ok(model.into_active_model())
                            }
                            _ => Err(mismatch(table)),
                        })
                        .collect::<Result<Vec<_>>>()?;
                    e::$module::Entity::insert_many(models).exec_without_returning(db).await?;
                })+
            }
        };
    }
    for_each_table!(insert);
    Ok(())
}

async fn update_row(
    db: &impl ConnectionTrait,
    row: &Row,
    version: Option<i64>,
    expected: Option<i64>,
    stamps: Option<Stamps>,
) -> Result<()> {
    macro_rules! update {
        ($($module:ident: $rec:ident),+) => {
            match row {
                $(Row::$rec(r) => {
                    let mut model = r.to_model();
                    if let Some(version) = version {
                        model.set_version(version);
                    }
                    if let Some(stamps) = stamps {
                        model.set_stamps(stamps);
                    }
                    let model = model.into_active_model().reset_all();
                    let mut update = e::$module::Entity::update_many()
                        .set(model)
                        .filter(Expr::col("id").eq(r.id));
                    if let Some(expected) = expected {
                        update = update.filter(Expr::col("version").eq(expected));
                    }
                    update.exec(db).await?.rows_affected
                })+
            }
        };
    }
    let affected = for_each_table!(update);
    if affected != 1 {
        return Err(changed_meanwhile(row.table(), row.id()));
    }
    Ok(())
}

async fn delete_row(
    db: &impl ConnectionTrait,
    table: Table,
    id: Id,
    expected: Option<i64>,
) -> Result<()> {
    macro_rules! delete {
        ($($module:ident: $rec:ident),+) => {
            match table {
                $(Table::$rec => {
                    let mut delete = e::$module::Entity::delete_many().filter(Expr::col("id").eq(id));
                    if let Some(expected) = expected {
                        delete = delete.filter(Expr::col("version").eq(expected));
                    }
                    delete.exec(db).await?.rows_affected
                })+
            }
        };
    }
    let affected = for_each_table!(delete);
    if affected != 1 {
        return Err(changed_meanwhile(table, id));
    }
    Ok(())
}
