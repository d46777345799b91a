//! The `Node` interface of Global Object Identification, and the `node`/`nodes` lookups.

use std::sync::Arc;

use async_graphql::{Context, ID, Interface, Object, Result};

use super::time::DateTime;
use super::types::{
    Area, FundingStream, Goal, Indicator, Intervention, Line, Measurement, Partner, Programme, Wijk,
};
use super::{ids, snapshot};
use crate::domain::{Id, Table};
use crate::graph::Snapshot;

/// Anything with a global ID: every node type implements it.
// Two fields of one type repeat `ty = "DateTime"`, which clippy takes for a repeated attribute.
#[allow(clippy::duplicated_attributes)]
#[derive(Interface)]
#[graphql(
    field(name = "id", ty = "ID", desc = "The opaque global ID."),
    field(
        name = "version",
        ty = "i64",
        desc = "1 when the node was created, one more with every change."
    ),
    field(
        name = "created_at",
        ty = "DateTime",
        desc = "When the node was created (RFC 3339, UTC). For records older than this release, when the database was upgraded."
    ),
    field(
        name = "updated_at",
        ty = "DateTime",
        desc = "When the node's own record last changed: when `version` last rose (links to and from it do not count). Equal to `createdAt` until the first change."
    )
)]
pub enum Node {
    Area(Area),
    Programme(Programme),
    Line(Line),
    Goal(Goal),
    Intervention(Intervention),
    Partner(Partner),
    FundingStream(FundingStream),
    Wijk(Wijk),
    Indicator(Indicator),
    Measurement(Measurement),
}

/// The node an ID names; `None` when it names none (any more), an error when it is no ID of
/// this service at all.
fn load(s: &Arc<Snapshot>, id: &str) -> Result<Option<Node>> {
    let Some((table, id)) = ids::decode(id) else {
        return Err(super::gql_error(crate::error::Error::invalid(
            "id",
            format!(
                "{:?} is not an ID of this service: IDs are the opaque strings of `id` fields",
                crate::error::shortened(id)
            ),
        )));
    };
    Ok((s.table_of(id) == Some(table))
        .then(|| Node::of(s, id))
        .flatten())
}

impl Node {
    /// The node's name.
    pub fn name(&self) -> &str {
        match self {
            Node::Area(x) => &x.r.name,
            Node::Programme(x) => &x.r.name,
            Node::Line(x) => &x.r.name,
            Node::Goal(x) => &x.r.name,
            Node::Intervention(x) => &x.r.name,
            Node::Partner(x) => &x.r.name,
            Node::FundingStream(x) => &x.r.name,
            Node::Wijk(x) => &x.r.name,
            Node::Indicator(x) => &x.r.name,
            // A measurement has no name of its own: it goes by its indicator's.
            Node::Measurement(x) => {
                x.s.data
                    .indicators
                    .get(&x.r.indicator_id)
                    .map_or("", |i| i.name.as_str())
            }
        }
    }

    /// The node with this record id, whatever its type.
    pub fn of(s: &Arc<Snapshot>, id: Id) -> Option<Node> {
        match s.table_of(id)? {
            Table::Area => Area::load(s, id).map(Node::Area),
            Table::Programme => Programme::load(s, id).map(Node::Programme),
            Table::Line => Line::load(s, id).map(Node::Line),
            Table::Goal => Goal::load(s, id).map(Node::Goal),
            Table::Intervention => Intervention::load(s, id).map(Node::Intervention),
            Table::Partner => Partner::load(s, id).map(Node::Partner),
            Table::FundingStream => FundingStream::load(s, id).map(Node::FundingStream),
            Table::Wijk => Wijk::load(s, id).map(Node::Wijk),
            Table::Indicator => Indicator::load(s, id).map(Node::Indicator),
            Table::Measurement => Measurement::load(s, id).map(Node::Measurement),
            _ => None,
        }
    }
}

/// Lookups by global ID.
#[derive(Default)]
pub struct NodeQuery;

#[Object(guard = "crate::api::Need(crate::auth::Role::Viewer)")]
impl NodeQuery {
    /// The node with this ID, or null when there is none (any more). A string that is no ID
    /// of this service is refused (`BAD_USER_INPUT`).
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID.")] id: ID,
    ) -> Result<Option<Node>> {
        load(&snapshot(ctx)?, &id)
    }

    /// The nodes with these IDs, in the same order; null where there is none. A string that is
    /// no ID of this service is refused (`BAD_USER_INPUT`).
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global IDs (at most 500).")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>> {
        if ids.len() > super::MAX_PAGE_SIZE {
            return Err(super::gql_error(crate::error::Error::invalid(
                "ids",
                "at most 500 IDs at once",
            )));
        }
        let s = snapshot(ctx)?;
        ids.iter().map(|id| load(&s, id)).collect()
    }
}
