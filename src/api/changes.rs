//! Changes pushed to clients: the `changes` subscription (one event per changed node, as each
//! write is published, by this process or another on the same database), and the `changes`
//! query to catch up from a version after a reconnect.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject, Subscription};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;

use super::connection::{MAX_PAGE_SIZE, PageInfo};
use super::node::Node;
use super::{OrGql, gql_error, ids, service, snapshot};
use crate::domain::{Id, Table};
use crate::error::Error;
use crate::graph::Snapshot;
use crate::service::{EventKind, NodeEvent, events};

/// What happened to a node.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ChangeOperation {
    /// The node was created.
    Created,
    /// One of the node's own fields changed.
    Updated,
    /// The node was deleted (`node` is null).
    Deleted,
    /// A link to another node was made or changed (`linkedTo` says which).
    Linked,
    /// A link to another node was removed (`linkedTo` says which).
    Unlinked,
}

impl From<EventKind> for ChangeOperation {
    fn from(kind: EventKind) -> Self {
        match kind {
            EventKind::Created => ChangeOperation::Created,
            EventKind::Updated => ChangeOperation::Updated,
            EventKind::Deleted => ChangeOperation::Deleted,
            EventKind::Linked => ChangeOperation::Linked,
            EventKind::Unlinked => ChangeOperation::Unlinked,
        }
    }
}

/// The node types, to filter changes by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum NodeType {
    /// An area-based programme as a whole.
    Area,
    /// A programme cluster.
    Cluster,
    /// A programme cluster.
    #[graphql(deprecation = "Use `CLUSTER` instead.")]
    Programme,
    /// A line (lijn, pijler) of a cluster.
    Line,
    /// A goal at any level.
    Goal,
    /// An intervention.
    Intervention,
    /// A partner organisation.
    Partner,
    /// A funding stream.
    FundingStream,
    /// A wijk.
    Wijk,
    /// An indicator of progress (its targets included).
    Indicator,
    /// A measured result of an indicator.
    Measurement,
}

impl NodeType {
    fn table(self) -> Table {
        match self {
            NodeType::Area => Table::Area,
            NodeType::Cluster | NodeType::Programme => Table::Programme,
            NodeType::Line => Table::Line,
            NodeType::Goal => Table::Goal,
            NodeType::Intervention => Table::Intervention,
            NodeType::Partner => Table::Partner,
            NodeType::FundingStream => Table::FundingStream,
            NodeType::Wijk => Table::Wijk,
            NodeType::Indicator => Table::Indicator,
            NodeType::Measurement => Table::Measurement,
        }
    }
}

/// Which changes to receive; every condition given must hold.
#[derive(InputObject, Clone, Debug, Default)]
pub struct ChangeFilter {
    /// Only changes to nodes of these types.
    pub types: Option<Vec<NodeType>>,
    /// Only changes to these nodes.
    pub ids: Option<Vec<ID>>,
    /// Only changes to nodes of this area (ID or slug).
    pub area: Option<String>,
}

/// A filter with its references resolved.
struct Wanted {
    types: Option<Vec<Table>>,
    ids: Option<Vec<Id>>,
    area: Option<Id>,
}

impl Wanted {
    fn of(filter: Option<ChangeFilter>, s: &Snapshot) -> crate::error::Result<Wanted> {
        let filter = filter.unwrap_or_default();
        let ids = filter
            .ids
            .map(|ids| {
                ids.iter()
                    .map(|id| {
                        ids::decode(id)
                            .map(|(_, id)| id)
                            .ok_or_else(|| Error::invalid("filter.ids", "not an ID of a node"))
                    })
                    .collect::<crate::error::Result<Vec<Id>>>()
            })
            .transpose()?;
        let area = filter
            .area
            .map(|a| ids::resolve(s, &a, Table::Area, None, "filter.area"))
            .transpose()?;
        Ok(Wanted {
            types: filter
                .types
                .map(|t| t.into_iter().map(NodeType::table).collect()),
            ids,
            area,
        })
    }

    /// Whether an event passes: its node's area is looked up where the node still is (after
    /// the change) or was (before a delete).
    fn passes(&self, event: &NodeEvent, after: &Snapshot, before: Option<&Snapshot>) -> bool {
        self.types.as_ref().is_none_or(|t| t.contains(&event.table))
            && self.ids.as_ref().is_none_or(|ids| ids.contains(&event.id))
            && self.area.is_none_or(|area| {
                after
                    .area_of(event.id)
                    .or_else(|| before.and_then(|b| b.area_of(event.id)))
                    == Some(area)
            })
    }
}

/// One change to one node.
#[derive(SimpleObject)]
pub struct Change {
    /// The write's number: the graph version that holds the change.
    pub version: i64,
    /// What happened.
    pub operation: ChangeOperation,
    /// The node's global ID.
    pub id: ID,
    /// The node's type (`Partner`, `Intervention`, …).
    pub node_type: String,
    /// The node as the write left it: in a subscription, read from the graph version that
    /// holds the change; in the `changes` query, as it is now. Null when it is deleted.
    pub node: Option<Node>,
    /// For `LINKED` and `UNLINKED`: the node at the other end of the link.
    pub linked_to: Option<ID>,
    /// For `LINKED` and `UNLINKED`: what the link is (`InterventionPartner`, …).
    pub link_type: Option<String>,
    /// Pass this as `after` to the `changes` query to continue after this change.
    pub cursor: String,
}

/// The type name of a link table.
fn link_type(table: Table) -> &'static str {
    match table {
        Table::LineFunding => "LineFunding",
        Table::InterventionGoal => "InterventionGoal",
        Table::InterventionPartner => "InterventionPartner",
        Table::InterventionFunding => "InterventionFunding",
        Table::InterventionWijk => "InterventionWijk",
        Table::InterventionRelation => "InterventionRelation",
        Table::GoalRelation => "GoalRelation",
        other => other.type_name(),
    }
}

fn cursor(version: u64, index: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("change:{version}:{index}"))
}

fn decode_cursor(cursor: &str) -> Option<(u64, usize)> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
    let mut parts = text.strip_prefix("change:")?.split(':');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

impl Change {
    fn of(event: &NodeEvent, index: usize, s: &Arc<Snapshot>) -> Change {
        Change {
            version: i64::try_from(event.version).unwrap_or(i64::MAX),
            operation: event.kind.into(),
            id: ids::encode(event.table, event.id),
            node_type: event.table.schema_name().to_owned(),
            node: Node::of(s, event.id),
            linked_to: event.link.map(|(_, table, id)| ids::encode(table, id)),
            link_type: event.link.map(|(link, _, _)| link_type(link).to_owned()),
            cursor: cursor(event.version, index),
        }
    }
}

/// Changes since a version, for catching up.
#[derive(SimpleObject)]
pub struct ChangePage {
    /// The changes, oldest first.
    pub nodes: Vec<Change>,
    /// Whether more changes follow (continue with `after: pageInfo.endCursor`).
    pub page_info: PageInfo,
    /// The newest graph version when the page was read.
    pub head: i64,
}

/// The catch-up query.
#[derive(Default)]
pub struct ChangeQuery;

#[Object(guard = "crate::api::Need(crate::auth::Role::Viewer)")]
impl ChangeQuery {
    /// The changes after a graph version (`since`) or after a change (`after`, a cursor), oldest
    /// first: what a subscriber missed while it was away. `node` is the node as it is now.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Changes after this graph version.")] since: Option<i64>,
        #[graphql(desc = "Changes after this change (its `cursor`).")] after: Option<String>,
        #[graphql(desc = "The most changes to return (at most 500).", default = 100)] first: i32,
        #[graphql(desc = "Which changes.")] filter: Option<ChangeFilter>,
    ) -> Result<ChangePage> {
        let first = usize::try_from(first)
            .ok()
            .filter(|&n| n <= MAX_PAGE_SIZE)
            .ok_or_else(|| gql_error(Error::invalid("first", "must be from 0 to 500")))?;
        let (mut version, mut skip) = match (after, since) {
            (Some(c), _) => decode_cursor(&c)
                .map(|(v, i)| (v.saturating_sub(1), i + 1))
                .ok_or_else(|| gql_error(Error::invalid("after", "not a cursor of changes")))?,
            (None, Some(v)) => (u64::try_from(v).unwrap_or(0), 0),
            (None, None) => {
                return Err(gql_error(Error::invalid(
                    "since",
                    "give `since` or `after`",
                )));
            }
        };
        let s = snapshot(ctx)?;
        let wanted = Wanted::of(filter, &s).gql()?;
        let store = service(ctx)?.store();
        let head = store.head().await.gql()?;
        let mut nodes = Vec::new();
        let mut more = false;
        'pages: while version < head {
            let changes = store.changes_after(version, 20).await.gql()?;
            if changes.is_empty() {
                break;
            }
            for change in changes {
                let found = events(change.version, &change.ops, |table, id| {
                    change
                        .removed
                        .iter()
                        .find(|r| r.table() == table && r.id() == id)
                        .cloned()
                });
                for (index, event) in found.iter().enumerate().skip(skip) {
                    if !wanted.passes(event, &s, None) {
                        continue;
                    }
                    if nodes.len() == first {
                        more = true;
                        break 'pages;
                    }
                    nodes.push(Change::of(event, index, &s));
                }
                skip = 0;
                version = change.version;
            }
        }
        Ok(ChangePage {
            page_info: PageInfo {
                has_previous_page: false,
                has_next_page: more,
                start_cursor: nodes.first().map(|c: &Change| c.cursor.clone()),
                end_cursor: nodes.last().map(|c: &Change| c.cursor.clone()),
            },
            nodes,
            head: i64::try_from(head).unwrap_or(i64::MAX),
        })
    }
}

/// The root of all subscriptions.
#[derive(Default)]
pub struct SubscriptionRoot;

/// Changes pushed as they happen, over a WebSocket on `/graphql` (`graphql-transport-ws`).
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Every change to a node from now on, by this process or any other on the same database,
    /// one event per node as each write is published. A client that falls more than a
    /// thousand writes behind is disconnected (catch up with the `changes` query).
    #[graphql(guard = "crate::api::Need(crate::auth::Role::Viewer)")]
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which changes.")] filter: Option<ChangeFilter>,
    ) -> Result<impl Stream<Item = Result<Change>>> {
        let service = service(ctx)?.clone();
        let wanted = Arc::new(Wanted::of(filter, &service.snapshot()).gql()?);
        let lagged = ctx.data_opt::<SlowSubscriber>().cloned();
        let receiver = service.subscribe();
        let stream = futures_util::stream::unfold(
            (receiver, Vec::<Change>::new().into_iter(), false),
            move |(mut receiver, mut pending, ended)| {
                let (wanted, lagged) = (wanted.clone(), lagged.clone());
                async move {
                    if ended {
                        return None;
                    }
                    loop {
                        if let Some(next) = pending.next() {
                            return Some((Ok(next), (receiver, pending, false)));
                        }
                        match receiver.recv().await {
                            Ok(published) => {
                                pending = published
                                    .events()
                                    .iter()
                                    .enumerate()
                                    .filter(|(_, e)| {
                                        wanted.passes(
                                            e,
                                            &published.snapshot,
                                            Some(&published.before),
                                        )
                                    })
                                    .map(|(i, e)| Change::of(e, i, &published.snapshot))
                                    .collect::<Vec<_>>()
                                    .into_iter();
                            }
                            Err(RecvError::Lagged(missed)) => {
                                if let Some(lagged) = &lagged {
                                    lagged.0.notify_one();
                                }
                                let message = format!(
                                    "the subscriber fell {missed} writes behind and was dropped; \
                                     catch up with the changes query"
                                );
                                let err = gql_error(Error::conflict(message, None));
                                return Some((Err(err), (receiver, pending, true)));
                            }
                            Err(RecvError::Closed) => return None,
                        }
                    }
                }
            },
        );
        Ok(stream)
    }
}

/// Put in a socket's data by the WebSocket transport: notified when a subscription on the
/// socket falls too far behind, so the socket is closed with a reason.
#[derive(Clone, Default)]
pub struct SlowSubscriber(pub Arc<tokio::sync::Notify>);
