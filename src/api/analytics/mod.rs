//! The analytics part of the schema: the integration questions as query fields. Every field
//! answers for one area (ID or slug; it may be left out while only one area is loaded, and
//! `compareAreas` lists areas side by side) and takes an optional `year` that restricts it to
//! the interventions and funding active in that year. Results come from the request's
//! snapshot and are cached in it; heavy computations run off the async threads.

mod compare;
mod funding;
mod integration;
mod network;

use std::sync::Arc;

use async_graphql::{MergedObject, SimpleObject};

pub use compare::CompareQuery;
pub use funding::FundingQuery;
pub use integration::IntegrationQuery;
pub use network::NetworkQuery;
pub(crate) use network::{MAX_EGO_NODES, MAX_NETWORK_ITEMS};

use super::node::Node;
use super::types::{Intervention, Partner, Programme};
use crate::domain::Id;
use crate::error::{Error, Result};
use crate::graph::Snapshot;

/// All analytics fields.
#[derive(MergedObject, Default)]
pub struct AnalyticsQuery(IntegrationQuery, NetworkQuery, FundingQuery, CompareQuery);

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
    /// `count / total`; null when the total is 0 (there is nothing to take a share of).
    pub share: Option<f64>,
}

impl Share {
    fn new(count: usize, total: usize) -> Share {
        Share {
            count,
            total,
            share: (total > 0).then(|| count as f64 / total as f64),
        }
    }
}
