//! The GraphQL object types, one file per node type with its queries, mutations and inputs.

pub mod area;
pub mod funding;
pub mod goal;
pub mod indicator;
pub mod intervention;
pub mod line;
pub mod links;
pub mod partner;
pub mod programme;
pub mod wijk;

use std::sync::Arc;

pub use area::Area;
pub use funding::FundingStream;
pub use goal::Goal;
pub use indicator::{Indicator, Measurement};
pub use intervention::Intervention;
pub use line::Line;
pub use partner::Partner;
pub use programme::Programme;
pub use wijk::Wijk;

use super::connection::{
    Connection, HasConnection, OrderBy, Page, PageArgs, Paged, UndatedCount, order_of,
    page as paged, paginate, window,
};
use crate::domain::{Id, Stamps, Table};
use crate::error::{Error, Result};
use crate::graph::{Filter, Snapshot};

/// Declares the object struct of a node type: the snapshot it was read from and its record.
macro_rules! node_object {
    ($name:ident, $field:ident) => {
        #[derive(Clone)]
        pub struct $name {
            pub(crate) s: std::sync::Arc<crate::graph::Snapshot>,
            pub(crate) r: std::sync::Arc<crate::domain::$name>,
        }

        impl $name {
            /// When the node was created and last changed.
            fn stamps(&self) -> async_graphql::Result<crate::domain::Stamps> {
                super::stamps(&self.s, self.r.id)
            }

            /// The node with this id in the snapshot, if it is one of this type.
            pub fn load(
                s: &std::sync::Arc<crate::graph::Snapshot>,
                id: crate::domain::Id,
            ) -> Option<Self> {
                s.data.$field.get(&id).map(|r| $name {
                    s: s.clone(),
                    r: r.clone(),
                })
            }
        }
    };
}
pub(crate) use node_object;

/// When a node was created and last changed, as its snapshot holds them: read with the node,
/// never from the database.
fn stamps(s: &Snapshot, id: Id) -> async_graphql::Result<Stamps> {
    s.data.stamps_of(id).ok_or_else(|| {
        crate::api::gql_error(Error::Internal(format!(
            "node {id} has no times: its data was not loaded from a database"
        )))
    })
}

/// A connection over all nodes of a table that pass a filter.
pub fn list<T: HasConnection>(
    s: &Arc<Snapshot>,
    table: Table,
    filter: Filter,
    order: Option<OrderBy>,
    page: PageArgs,
    load: fn(&Arc<Snapshot>, Id) -> Option<T>,
) -> Result<Connection<T>> {
    let order = order_of(order, table)?;
    let cut = s.page(table, &filter, order, &window(order, &page)?);
    let connection = Connection::<T>::from_page(paged(cut, order), |id| load(s, id));
    Ok(counting_undated(
        connection,
        UndatedCount::of(s, table, None, &filter),
    ))
}

/// A connection able to count its undated items, when its filter has a year condition.
fn counting_undated<C: Paged>(connection: C, undated: Option<UndatedCount>) -> C {
    match undated {
        Some(undated) => connection.with_undated(undated),
        None => connection,
    }
}

/// A connection over given nodes of `table` (e.g. neighbours) that pass a filter.
pub fn list_of<T: HasConnection>(
    s: &Arc<Snapshot>,
    table: Table,
    ids: Vec<Id>,
    filter: Filter,
    order: Option<OrderBy>,
    page: PageArgs,
    load: fn(&Arc<Snapshot>, Id) -> Option<T>,
) -> Result<Connection<T>> {
    let (page, undated) = page_of(s, table, ids, &filter, order, &page)?;
    let connection = Connection::<T>::from_page(page, |id| load(s, id));
    Ok(counting_undated(connection, undated))
}

/// One page of given nodes of `table` that pass a filter, and what counts the list's undated
/// nodes: for lists whose edges carry more than the node (a role, an amount).
pub fn page_of(
    s: &Arc<Snapshot>,
    table: Table,
    ids: Vec<Id>,
    filter: &Filter,
    order: Option<OrderBy>,
    page: &PageArgs,
) -> Result<(Page, Option<UndatedCount>)> {
    let order = order_of(order, table)?;
    let undated = UndatedCount::of(s, table, Some(ids.as_slice()), filter);
    let sorted = s.sort_filtered(ids, filter, order);
    Ok((paginate(sorted, order, page)?, undated))
}

/// A record the foreign keys guarantee (a node's area, a line's programme): its absence would
/// be a bug in the snapshot, reported as an internal error rather than a `null`.
pub fn required<T>(found: Option<T>, what: &str) -> async_graphql::Result<T> {
    found.ok_or_else(|| {
        super::gql_error(Error::Internal(format!(
            "the snapshot lacks the {what} of a node"
        )))
    })
}

/// Looks a node up by slug: within the given area, or across areas when the slug is unique.
pub fn by_slug(s: &Snapshot, table: Table, area: Option<&str>, slug: &str) -> Result<Option<Id>> {
    let areas: Vec<Id> = match area {
        Some(area) => match s.area_by_slug(area) {
            Some(id) => vec![id],
            None => return Err(Error::not_found("area", area, Some("area"))),
        },
        None => s.data.areas.keys().copied().collect(),
    };
    let found: Vec<Id> = areas
        .into_iter()
        .filter_map(|a| s.by_slug(table, a, slug))
        .collect();
    match found.as_slice() {
        // A global ID where a slug belongs is a mistake worth naming, not "nothing found".
        [] if super::ids::decode(slug).is_some() => Err(Error::invalid(
            "slug",
            format!(
                "{:?} is a global ID, not a slug: look it up with node(id:)",
                crate::error::shortened(slug)
            ),
        )),
        [] => Ok(None),
        [one] => Ok(Some(*one)),
        _ => Err(Error::invalid(
            "area",
            format!("the slug {slug:?} exists in several areas; give the area too"),
        )),
    }
}

/// Ids of the given table among a list of record ids (for derived lists).
pub fn loaded<T>(
    s: &Arc<Snapshot>,
    ids: impl IntoIterator<Item = Id>,
    load: fn(&Arc<Snapshot>, Id) -> Option<T>,
) -> Vec<T> {
    ids.into_iter().filter_map(|id| load(s, id)).collect()
}

/// What a delete removed.
#[derive(async_graphql::SimpleObject)]
pub struct DeletedNode {
    /// The ID the node had.
    pub id: async_graphql::ID,
}

/// Creates a node and returns it as read from the new snapshot.
/// `row` builds the record from the draft (so anything it derives is current).
pub async fn create<T>(
    ctx: &async_graphql::Context<'_>,
    row: impl FnOnce(&crate::service::Draft) -> crate::domain::Row + Send,
    load: fn(&Arc<Snapshot>, Id) -> Option<T>,
) -> async_graphql::Result<T> {
    let (s, id) = super::transaction::write(ctx, move |d| {
        let row = row(d);
        d.create(row)
    })
    .await?;
    loaded_one(&s, id, load)
}

/// Applies a patch to a node (made on `version`, when given) and returns the node as read
/// from the new snapshot.
pub async fn update<T>(
    ctx: &async_graphql::Context<'_>,
    id: &async_graphql::ID,
    table: Table,
    version: Option<i64>,
    patch: impl FnOnce(&mut crate::domain::Row) -> Result<()> + Send,
    load: fn(&Arc<Snapshot>, Id) -> Option<T>,
) -> async_graphql::Result<T> {
    use super::OrGql;
    let id = super::ids::expect(id, table, "id").gql()?;
    let (s, ()) = super::transaction::write(ctx, move |d| {
        let mut row = d.current_row(table, id)?;
        d.check_version(id, version)?;
        patch(&mut row)?;
        d.update(row)
    })
    .await?;
    loaded_one(&s, id, load)
}

/// Deletes a node (as seen at `version`, when given).
pub async fn delete(
    ctx: &async_graphql::Context<'_>,
    id: async_graphql::ID,
    table: Table,
    cascade: bool,
    version: Option<i64>,
) -> async_graphql::Result<DeletedNode> {
    use super::OrGql;
    let node = super::ids::expect(&id, table, "id").gql()?;
    super::transaction::write(ctx, move |d| {
        d.expect(table, node, "id")?;
        d.check_version(node, version)?;
        d.delete(table, node, cascade)
    })
    .await?;
    Ok(DeletedNode { id })
}

/// Reads the node a write just produced.
pub fn loaded_one<T>(
    s: &Arc<Snapshot>,
    id: Id,
    load: fn(&Arc<Snapshot>, Id) -> Option<T>,
) -> async_graphql::Result<T> {
    load(s, id)
        .ok_or_else(|| super::gql_error(Error::Internal(format!("node {id} missing after write"))))
}

/// Reads a required reference argument into the id of a node.
pub fn reference(id: &async_graphql::ID, table: Table, field: &str) -> async_graphql::Result<Id> {
    use super::OrGql;
    super::ids::expect(id, table, field).gql()
}

/// Sets an optional text field from an update input: absent keeps, `null` clears.
pub fn patch_opt<T>(target: &mut Option<T>, value: async_graphql::MaybeUndefined<T>) {
    match value {
        async_graphql::MaybeUndefined::Undefined => {}
        async_graphql::MaybeUndefined::Null => *target = None,
        async_graphql::MaybeUndefined::Value(v) => *target = Some(v),
    }
}

/// Sets a required field from an update input when given.
pub fn patch<T>(target: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *target = v;
    }
}

/// The row an update patch expects; any other is a bug.
pub fn wrong_row() -> Error {
    Error::Internal("update patch got a row of another table".into())
}

/// A connection over a table with the caller's filter narrowed by `scope` (e.g. to one area).
pub fn scoped<T: HasConnection, F: super::filters::ToFilter>(
    s: &Arc<Snapshot>,
    filter: &F,
    scope: impl FnOnce(&mut Filter),
    table: Table,
    order: Option<OrderBy>,
    page: PageArgs,
    load: fn(&Arc<Snapshot>, Id) -> Option<T>,
) -> async_graphql::Result<Connection<T>> {
    use super::OrGql;
    let mut f = filter.to_filter(s).gql()?;
    scope(&mut f);
    list(s, table, f, order, page, load).gql()
}

/// A link mutation: reads the IDs of both ends, runs the change on them and returns the first
/// end as read from the new snapshot.
pub async fn link<T>(
    ctx: &async_graphql::Context<'_>,
    from: (&async_graphql::ID, Table, &str),
    to: (&async_graphql::ID, Table, &str),
    change: impl FnOnce(&mut crate::service::Draft, Id, Id) -> Result<()> + Send,
    load: fn(&Arc<Snapshot>, Id) -> Option<T>,
) -> async_graphql::Result<T> {
    let (s, a, _) = link_ends(ctx, from, to, change).await?;
    loaded_one(&s, a, load)
}

/// A link mutation: reads the IDs of both ends and runs the change on them; returns the
/// snapshot after the change and both ends' ids.
pub async fn link_ends(
    ctx: &async_graphql::Context<'_>,
    (from, from_table, from_field): (&async_graphql::ID, Table, &str),
    (to, to_table, to_field): (&async_graphql::ID, Table, &str),
    change: impl FnOnce(&mut crate::service::Draft, Id, Id) -> Result<()> + Send,
) -> async_graphql::Result<(Arc<Snapshot>, Id, Id)> {
    let a = reference(from, from_table, from_field)?;
    let b = reference(to, to_table, to_field)?;
    let (s, ()) = super::transaction::write(ctx, move |d| change(d, a, b)).await?;
    Ok((s, a, b))
}
