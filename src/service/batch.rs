//! A [`Batch`] is one transaction made of several writes, in order: the mutation fields of one
//! GraphQL request. Every write edits the same draft, so each sees what the ones before it did,
//! and its answer is read from the batch's view (the base snapshot with the batch's operations
//! applied so far). The batch commits once, at the end, all or nothing: a write that fails
//! spoils the batch, and a batch that is dropped or spoiled commits nothing.
//!
//! The writer lock is taken by the first write and held until the commit has landed, so the
//! draft stays valid on the newest data of this process. The commit and the publishing of the
//! new snapshot run to their end in a task of their own, whatever happens to the request.

use std::sync::Arc;

use super::Service;
use crate::error::{Error, Result};
use crate::graph::Snapshot;
use crate::service::Draft;
use crate::store::{Author, Step, now_ms};

/// The writes of one request, committed together.
pub struct Batch {
    service: Arc<Service>,
    /// Ids the batch reserves for its new rows.
    ids: u64,
    state: tokio::sync::Mutex<State>,
}

enum State {
    /// No write yet.
    Idle,
    Open(Box<Open>),
    /// A write failed: the batch commits nothing. Holds the failed write's message.
    Spoiled(String),
    /// Committed (or found empty).
    Closed,
}

/// A batch with writes in it.
struct Open {
    /// This process's writer lock, held until the commit has landed.
    writer: tokio::sync::OwnedMutexGuard<()>,
    /// The snapshot the batch started on.
    base: Arc<Snapshot>,
    draft: Draft,
    /// The base with the batch's operations applied, derived memberships and all: what the
    /// writes' answers are read from, and the snapshot published when nothing came between.
    view: Arc<Snapshot>,
    /// Each write's author and how many operations it made.
    steps: Vec<Step>,
    /// When the batch was made, in milliseconds since the Unix epoch: the time of its change
    /// and of the nodes it creates or changes, in its answers as in the database.
    at: i64,
}

impl Batch {
    pub(super) fn new(service: Arc<Service>, ids: u64) -> Batch {
        Batch {
            service,
            ids,
            state: tokio::sync::Mutex::new(State::Idle),
        }
    }

    /// Runs one write of the batch: `change` edits the batch's draft. Returns the batch's view
    /// after the write (what the write's answer is read from: ids and versions as they will be
    /// committed) and `change`'s value. A write that fails spoils the batch.
    pub async fn write<T>(
        &self,
        author: &Author,
        change: impl FnOnce(&mut Draft) -> Result<T>,
    ) -> Result<(Arc<Snapshot>, T)> {
        let mut state = self.state.lock().await;
        if matches!(*state, State::Idle) {
            match self.service.open_batch(self.ids).await {
                Ok(open) => *state = State::Open(Box::new(open)),
                Err(err) => {
                    *state = State::Spoiled(err.to_string());
                    return Err(err);
                }
            }
        }
        let open = match &mut *state {
            State::Open(open) => open,
            State::Spoiled(_) => {
                // The earlier failure is in the answer already, with its own error.
                return Err(Error::RolledBack(
                    "not run: an earlier field of the request failed, so nothing of the \
                     request is committed"
                        .into(),
                ));
            }
            State::Idle | State::Closed => {
                return Err(Error::Internal("a write on a closed batch".into()));
            }
        };
        let start = open.draft.ops().len();
        match change(&mut open.draft) {
            Ok(value) => {
                let made = &open.draft.ops()[start..];
                if !made.is_empty() {
                    let _span = tracing::debug_span!("view", rows = made.len()).entered();
                    open.view = Arc::new(open.view.apply(made, open.base.version + 1, open.at));
                }
                open.steps.push(Step {
                    author: author.clone(),
                    ops: made.len(),
                });
                Ok((open.view.clone(), value))
            }
            Err(err) => {
                if let State::Open(open) =
                    std::mem::replace(&mut *state, State::Spoiled(err.to_string()))
                {
                    self.service.close_batch(*open);
                }
                Err(err)
            }
        }
    }

    /// Commits the batch's writes in one transaction and publishes the result. Returns the new
    /// snapshot, or `None` when the batch changed nothing. Once started, the commit runs to
    /// its end even if this future is dropped.
    pub async fn commit(&self) -> Result<Option<Arc<Snapshot>>> {
        let state = std::mem::replace(&mut *self.state.lock().await, State::Closed);
        let open = match state {
            State::Idle | State::Closed => return Ok(None),
            State::Spoiled(why) => {
                return Err(Error::Internal(format!(
                    "a spoiled batch cannot commit ({why})"
                )));
            }
            State::Open(open) => open,
        };
        let Open {
            writer,
            base,
            draft,
            view,
            steps,
            at,
        } = *open;
        let (_, ops, unused) = draft.into_parts();
        self.service.give_back(unused);
        if ops.is_empty() {
            return Ok(None);
        }
        let started = std::time::Instant::now();
        // From here on the write runs to its end whatever happens to the request.
        let service = self.service.clone();
        let landed = tokio::spawn(async move {
            let _writer = writer;
            let version = service
                .store
                .apply_steps(&base.data, &ops, &steps, at)
                .await?;
            let author = Step::change_author(&steps);
            service
                .publish(version, ops, author, at, Some((base, view)))
                .await
        });
        let committed = landed
            .await
            .map_err(|e| Error::Internal(format!("a write stopped halfway: {e}")))
            .and_then(|r| r);
        match &committed {
            Ok(_) => {
                metrics::counter!("samenhang_writes_total").increment(1);
                metrics::histogram!("samenhang_write_duration_seconds")
                    .record(started.elapsed().as_secs_f64());
            }
            Err(Error::Conflict { .. }) => {
                metrics::counter!("samenhang_write_conflicts_total").increment(1);
            }
            Err(_) => {}
        }
        committed.map(Some)
    }
}

impl Drop for Batch {
    /// A batch given up before its commit gives its unused ids back and its writer lock free.
    fn drop(&mut self) {
        if let State::Open(open) = std::mem::replace(self.state.get_mut(), State::Closed) {
            self.service.close_batch(*open);
        }
    }
}

impl Service {
    /// A new, empty batch of writes, whose new rows may take up to `ids` ids.
    pub fn batch(self: &Arc<Self>, ids: u64) -> Batch {
        Batch::new(self.clone(), ids)
    }

    /// Starts a batch: takes the writer lock, follows the database to its head and reserves
    /// ids, then drafts on the newest snapshot.
    async fn open_batch(self: &Arc<Self>, ids: u64) -> Result<Open> {
        let writer = self.writer.clone().lock_owned().await;
        // Validate against everything committed so far, by any process.
        self.follow().await?;
        let reserved = self.reserve(ids).await?;
        let base = self.snapshot();
        Ok(Open {
            writer,
            draft: Draft::with_ids(base.clone(), reserved),
            view: base.clone(),
            base,
            steps: Vec::new(),
            at: now_ms(),
        })
    }

    /// Ends a batch that will not commit: its unused ids are kept for the next one.
    fn close_batch(&self, open: Open) {
        let (_, _, unused) = open.draft.into_parts();
        self.give_back(unused);
    }
}
