//! The analytics part of the schema: the integration questions as query fields. Every field
//! takes the area (ID or slug; all areas when left out) and an optional `year` that restricts
//! it to the interventions and funding active in that year. Results come from the request's
//! snapshot and are cached in it; heavy computations run off the async threads.

mod funding;
mod integration;
mod network;

use std::sync::Arc;

use async_graphql::{MergedObject, SimpleObject};

pub use funding::FundingQuery;
pub use integration::IntegrationQuery;
pub use network::NetworkQuery;

use super::node::Node;
use super::types::{Intervention, Partner, Programme};
use crate::analytics;
use crate::domain::Id;
use crate::error::{Error, Result};
use crate::graph::Snapshot;

/// All analytics fields.
#[derive(MergedObject, Default)]
pub struct AnalyticsQuery(IntegrationQuery, NetworkQuery, FundingQuery);

/// Runs a computation on a blocking thread, so the async workers keep serving requests.
pub(super) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::Internal(format!("an analytics task failed: {e}")))
}

/// Sets its flag when dropped: when the request times out, the server drops the request's
/// future, and the computation it started sees the flag and stops.
struct CancelOnDrop(Arc<analytics::Cancel>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// As [`blocking`], for a computation that stops when the request is given up.
pub(super) async fn cancellable<T: Send + 'static>(
    work: impl FnOnce(&analytics::Cancel) -> Result<T, analytics::Cancelled> + Send + 'static,
) -> Result<T> {
    let cancel = Arc::new(analytics::Cancel::new(false));
    let _on_drop = CancelOnDrop(cancel.clone());
    blocking(move || work(&cancel))
        .await?
        .map_err(|e| Error::Internal(format!("{e}")))
}

fn partners(s: &Arc<Snapshot>, ids: impl IntoIterator<Item = Id>) -> Vec<Partner> {
    ids.into_iter()
        .filter_map(|id| Partner::load(s, id))
        .collect()
}

fn interventions(s: &Arc<Snapshot>, ids: impl IntoIterator<Item = Id>) -> Vec<Intervention> {
    ids.into_iter()
        .filter_map(|id| Intervention::load(s, id))
        .collect()
}

fn programme(s: &Arc<Snapshot>, id: Id) -> Result<Programme> {
    Programme::load(s, id)
        .ok_or_else(|| Error::Internal(format!("programme {id} missing from its snapshot")))
}

fn node(s: &Arc<Snapshot>, id: Id) -> Result<Node> {
    Node::of(s, id).ok_or_else(|| Error::Internal(format!("node {id} missing from its snapshot")))
}

/// A count with its share of a total.
#[derive(SimpleObject)]
pub struct Share {
    /// How many.
    pub count: usize,
    /// Out of how many.
    pub total: usize,
    /// `count / total` (0 when the total is 0).
    pub share: f64,
}

impl Share {
    fn new(count: usize, total: usize) -> Share {
        Share {
            count,
            total,
            share: if total == 0 {
                0.0
            } else {
                count as f64 / total as f64
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;
    use std::time::Duration;

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_request_given_up_stops_its_computation() {
        let (seen, stopped) = std::sync::mpsc::channel();
        let work = cancellable(move |cancel| {
            for _ in 0..10_000 {
                if cancel.load(Ordering::Relaxed) {
                    let _ = seen.send(());
                    return Err(analytics::Cancelled);
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            Ok(())
        });
        // As the server's timeout does: wait a little, then drop the request's future.
        let timed_out = tokio::time::timeout(Duration::from_millis(50), work).await;
        assert!(timed_out.is_err());
        stopped
            .recv_timeout(Duration::from_secs(5))
            .expect("the computation saw the cancel and stopped");
    }
}
