//! The service core: the store, the current graph snapshot, the token lookup, and the one
//! path every write takes.
//!
//! A write runs on a [`Draft`] under a single writer lock, is committed to the database in one
//! transaction, and only then becomes the new snapshot. A write that fails validation or in the
//! database changes neither.

mod draft;

use std::sync::{Arc, RwLock};

pub use draft::{Draft, check_funding_link, check_relation};

use crate::auth::Authenticator;
use crate::error::Result;
use crate::graph::Snapshot;
use crate::store::{Author, Store};

/// The store and the current snapshot, shared by all requests.
pub struct Service {
    store: Store,
    authenticator: Authenticator,
    current: RwLock<Arc<Snapshot>>,
    writer: tokio::sync::Mutex<()>,
}

impl Service {
    /// Loads the database into the first snapshot.
    pub async fn open(store: Store) -> Result<Service> {
        let data = store.load().await?;
        let snapshot = Snapshot::build(data, 1);
        Ok(Service {
            authenticator: Authenticator::new(store.clone()),
            store,
            current: RwLock::new(Arc::new(snapshot)),
            writer: tokio::sync::Mutex::new(()),
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

    /// Runs one write by `author`: `change` edits a draft of the current data; if it
    /// succeeds, its rows are committed with their audit entries and the result becomes the
    /// new snapshot, which is returned with `change`'s value.
    pub async fn write<T>(
        &self,
        author: &Author,
        change: impl FnOnce(&mut Draft) -> Result<T>,
    ) -> Result<(Arc<Snapshot>, T)> {
        let _one_writer = self.writer.lock().await;
        let base = self.snapshot();
        let mut draft = Draft::new(base.clone());
        let value = change(&mut draft)?;
        let (_, ops) = draft.into_parts();
        if ops.is_empty() {
            return Ok((base, value));
        }
        self.store.apply(&base.data, &ops, author).await?;
        let next = Arc::new(base.apply(&ops, base.version + 1));
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = next.clone();
        tracing::debug!(version = next.version, rows = ops.len(), "write committed");
        Ok((next, value))
    }
}
