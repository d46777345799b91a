//! The service core: the store, the current graph snapshot, the token lookup, the one path
//! every write takes, and the following of the change log that keeps the snapshot equal to
//! the database when other processes write to it too.
//!
//! A write runs on a [`Draft`] of the newest snapshot under this process's writer lock, is
//! committed to the database in one transaction (with its place in the change log), and only
//! then becomes the new snapshot, by applying its operations to the one before. Several writes
//! (the mutation fields of one request) can share one draft and one transaction: a [`Batch`];
//! a single write is a batch of one. Once the
//! commit has started it runs to the end in a task of its own, so a write that committed always
//! reaches the graph, even when its request is given up. A write that fails validation or in
//! the database changes neither.
//!
//! The snapshot advances one change at a time, in log order: a process's own writes and those
//! of other processes (read from the log when woken by the database or a poll) take the same
//! path, [`Service::publish`].

mod batch;
mod draft;
mod events;
mod follow;

use std::ops::Range;
use std::sync::{Arc, Mutex, RwLock};

pub use batch::Batch;
pub use draft::{Draft, check_funding_link, check_relation, check_target};
pub use events::{EventKind, NodeEvent, events};
pub use follow::Follower;

use crate::auth::Authenticator;
use crate::domain::{Id, Op};
use crate::error::Result;
use crate::graph::Snapshot;
use crate::store::{Author, Store};

/// Ids a process reserves from the database at a time.
const ID_BLOCK: u64 = 1_000_000;
/// Ids a write may use unless it asks for more.
const IDS_PER_WRITE: u64 = 100_000;
/// A process this many changes behind loads the database afresh instead of applying them.
const RELOAD_AFTER: u64 = 50_000;
/// Changes read from the log at a time.
const LOG_PAGE: u64 = 500;

/// A change the snapshot took: its number, what it did, and the snapshots before and after.
#[derive(Clone)]
pub struct Published {
    pub version: u64,
    pub ops: Arc<[Op]>,
    pub author: Arc<Author>,
    pub before: Arc<Snapshot>,
    pub snapshot: Arc<Snapshot>,
}

impl Published {
    /// The events of the change, one per node it touched.
    pub fn events(&self) -> Vec<NodeEvent> {
        events(self.version, &self.ops, |table, id| {
            self.before.data.get(table, id)
        })
    }
}

/// The store and the current snapshot, shared by all requests.
pub struct Service {
    store: Store,
    authenticator: Authenticator,
    current: RwLock<Arc<Snapshot>>,
    /// One write at a time in this process (the database orders writes across processes).
    writer: Arc<tokio::sync::Mutex<()>>,
    /// One snapshot advance at a time, in log order.
    publishing: tokio::sync::Mutex<()>,
    /// Ids reserved for this process and not used yet.
    ids: Mutex<Range<Id>>,
    /// Every change the snapshot takes, for subscribers.
    changes: tokio::sync::broadcast::Sender<Published>,
}

impl Service {
    /// Loads the database into the first snapshot, at the log's head.
    pub async fn open(store: Store) -> Result<Service> {
        let (data, head) = store.load_with_head().await?;
        let snapshot = Snapshot::build(data, head);
        let (changes, _) = tokio::sync::broadcast::channel(1024);
        Ok(Service {
            authenticator: Authenticator::new(store.clone()),
            store,
            current: RwLock::new(Arc::new(snapshot)),
            writer: Arc::new(tokio::sync::Mutex::new(())),
            publishing: tokio::sync::Mutex::new(()),
            ids: Mutex::new(0..0),
            changes,
        })
    }

    /// The current snapshot. Hold on to it for the whole of a request.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Who a request's token belongs to.
    pub fn authenticator(&self) -> &Authenticator {
        &self.authenticator
    }

    /// The changes the snapshot takes from now on, each with the snapshot that holds it.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Published> {
        self.changes.subscribe()
    }

    /// Runs one write by `author`: `change` edits a draft of the newest data; if it succeeds,
    /// its rows are committed with their audit entries and the result becomes the new
    /// snapshot, which is returned with `change`'s value. A batch of one write.
    pub async fn write<T>(
        self: &Arc<Self>,
        author: &Author,
        change: impl FnOnce(&mut Draft) -> Result<T>,
    ) -> Result<(Arc<Snapshot>, T)> {
        self.write_sized(author, IDS_PER_WRITE, change).await
    }

    /// [`Service::write`] for a change that may create up to `ids` rows (an import).
    #[tracing::instrument(name = "write", skip_all, fields(actor = %author.actor, operation = %author.operation))]
    pub async fn write_sized<T>(
        self: &Arc<Self>,
        author: &Author,
        ids: u64,
        change: impl FnOnce(&mut Draft) -> Result<T>,
    ) -> Result<(Arc<Snapshot>, T)> {
        let batch = self.batch(ids);
        let (view, value) = batch.write(author, change).await?;
        let next = batch.commit().await?.unwrap_or(view);
        Ok((next, value))
    }

    /// A batch for the mutation fields of one request (see [`Batch`]).
    pub fn request_batch(self: &Arc<Self>) -> Batch {
        self.batch(IDS_PER_WRITE)
    }

    /// Ids for a write: what is left of this process's block when that is enough, else a new
    /// block from the database.
    async fn reserve(&self, at_least: u64) -> Result<Range<Id>> {
        let left = std::mem::replace(&mut *self.lock_ids(), 0..0);
        if u64::try_from(left.end - left.start).unwrap_or(0) >= at_least {
            return Ok(left);
        }
        self.store.reserve_ids(at_least.max(ID_BLOCK)).await
    }

    /// Keeps the ids a write did not use for the next one.
    fn give_back(&self, unused: Range<Id>) {
        let mut ids = self.lock_ids();
        if unused.end - unused.start > ids.end - ids.start {
            *ids = unused;
        }
    }

    fn lock_ids(&self) -> std::sync::MutexGuard<'_, Range<Id>> {
        self.ids.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes the change numbered `version` (committed by this process at `at`) the new
    /// snapshot, after every change before it.
    /// `prepared` is the snapshot the write was drafted on and that snapshot with the write
    /// applied: published as it is when nothing came between.
    async fn publish(
        &self,
        version: u64,
        ops: Vec<Op>,
        author: Author,
        at: i64,
        prepared: Option<(Arc<Snapshot>, Arc<Snapshot>)>,
    ) -> Result<Arc<Snapshot>> {
        let _order = self.publishing.lock().await;
        if self.snapshot().version + 1 < version {
            self.follow_locked(version - 1).await?;
        }
        let current = self.snapshot();
        if current.version >= version {
            // Another path (the follower) applied it already.
            return Ok(current);
        }
        let next = prepared
            .filter(|(base, view)| Arc::ptr_eq(base, &current) && view.version == version)
            .map(|(_, view)| view);
        let change = (version, at, ops.into(), Arc::new(author));
        Ok(self.advance(&current, change, "own", next))
    }

    /// Applies one change (its number, time, operations and author) to the current snapshot
    /// and tells the subscribers.
    fn advance(
        &self,
        current: &Arc<Snapshot>,
        (version, at, ops, author): (u64, i64, Arc<[Op]>, Arc<Author>),
        source: &'static str,
        prepared: Option<Arc<Snapshot>>,
    ) -> Arc<Snapshot> {
        let next = prepared.unwrap_or_else(|| {
            let _span = tracing::debug_span!("apply", version, rows = ops.len(), source).entered();
            Arc::new(current.apply(&ops, version, at))
        });
        metrics::counter!("samenhang_changes_applied_total", "source" => source).increment(1);
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = next.clone();
        tracing::debug!(version, rows = ops.len(), "snapshot advanced");
        // Nobody listening is fine.
        let _ = self.changes.send(Published {
            version,
            ops,
            author,
            before: current.clone(),
            snapshot: next.clone(),
        });
        next
    }

    /// Brings the snapshot up to the head of the change log: the writes of other processes.
    #[tracing::instrument(skip_all)]
    pub async fn follow(&self) -> Result<()> {
        let _order = self.publishing.lock().await;
        self.follow_locked(u64::MAX).await
    }

    /// [`Service::follow`] up to change `until`, with the publishing lock held.
    async fn follow_locked(&self, until: u64) -> Result<()> {
        loop {
            let current = self.snapshot();
            if current.version >= until {
                return Ok(());
            }
            let head = self.store.head().await?;
            if head <= current.version {
                return Ok(());
            }
            if head - current.version > RELOAD_AFTER {
                self.reload().await?;
                continue;
            }
            let changes = self
                .store
                .changes_after(current.version, LOG_PAGE.min(until - current.version))
                .await?;
            if changes.is_empty() {
                return Ok(());
            }
            for change in changes {
                let current = self.snapshot();
                if change.version != current.version + 1 {
                    tracing::warn!(
                        expected = current.version + 1,
                        found = change.version,
                        "a gap in the change log: loading the database afresh"
                    );
                    self.reload().await?;
                    break;
                }
                let author = Arc::new(Author::new(change.actor, change.operation));
                let change = (change.version, change.at, change.ops.into(), author);
                self.advance(&current, change, "log", None);
            }
        }
    }

    /// Loads the whole database afresh (after falling far behind).
    async fn reload(&self) -> Result<()> {
        let (data, head) = self.store.load_with_head().await?;
        let snapshot = Arc::new(Snapshot::build(data, head));
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = snapshot;
        self.authenticator.forget();
        tracing::info!(version = head, "loaded the database afresh");
        Ok(())
    }

    /// How many changes the snapshot is behind the database.
    pub async fn lag(&self) -> Result<u64> {
        let head = self.store.head().await?;
        Ok(head.saturating_sub(self.snapshot().version))
    }
}
