//! Following the change log in the background, so a process's snapshot takes the writes of
//! other processes on the same database: on PostgreSQL woken by `NOTIFY` as each write commits
//! (with a slow poll as a safety net for a lost connection), on SQLite by polling the log.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use sea_orm::DbBackend;

use super::Service;
use crate::store::{CHANNEL, now_ms};

/// How often the log is read without being woken: on SQLite that is how writes of other
/// processes arrive; on PostgreSQL it only covers a lost notification.
const POLL_SQLITE: Duration = Duration::from_millis(100);
const POLL_POSTGRES: Duration = Duration::from_secs(1);
/// A follower that has not read the log for this long is not ready.
pub const STALE_AFTER_MS: i64 = 5_000;

/// The background task that follows the change log; stops when dropped.
pub struct Follower {
    task: tokio::task::JoinHandle<()>,
    /// When the log was last read without an error, in milliseconds since the Unix epoch.
    last_read: Arc<AtomicI64>,
}

impl Follower {
    /// Starts following the log for `service`.
    pub fn start(service: Arc<Service>) -> Follower {
        let last_read = Arc::new(AtomicI64::new(now_ms()));
        let task = tokio::spawn(run(service, last_read.clone()));
        Follower { task, last_read }
    }

    /// Whether the log was read recently (the snapshot follows the database).
    pub fn is_following(&self) -> bool {
        now_ms() - self.last_read.load(Ordering::Relaxed) < STALE_AFTER_MS
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn run(service: Arc<Service>, last_read: Arc<AtomicI64>) {
    let postgres = service.store().backend() == DbBackend::Postgres;
    let poll = if postgres { POLL_POSTGRES } else { POLL_SQLITE };
    let mut listener = None;
    loop {
        if postgres && listener.is_none() {
            listener = listen(&service).await;
        }
        let woken = async {
            match listener.as_mut() {
                Some(l) => l.recv().await.map(|_| ()).map_err(|e| e.to_string()),
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            result = woken => {
                if let Err(err) = result {
                    tracing::warn!(error = %err, "lost the change notifications; listening again");
                    listener = None;
                }
            }
            () = tokio::time::sleep(poll) => {}
        }
        match service.follow().await {
            Ok(()) => last_read.store(now_ms(), Ordering::Relaxed),
            Err(err) => tracing::warn!(error = %err, "cannot read the change log"),
        }
    }
}

/// A listener on the change channel, or `None` (retried on the next round) when the database
/// refuses one.
async fn listen(service: &Service) -> Option<sea_orm::sqlx::postgres::PgListener> {
    let pool = service
        .store()
        .connection()
        .get_postgres_connection_pool()
        .clone();
    let mut listener = match sea_orm::sqlx::postgres::PgListener::connect_with(&pool).await {
        Ok(listener) => listener,
        Err(err) => {
            tracing::warn!(error = %err, "cannot listen for changes");
            return None;
        }
    };
    match listener.listen(CHANNEL).await {
        Ok(()) => Some(listener),
        Err(err) => {
            tracing::warn!(error = %err, "cannot listen for changes");
            None
        }
    }
}
