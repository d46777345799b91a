//! Relay cursor connections: page arguments, opaque keyset cursors, and the generic connection
//! and edge types. A cursor remembers the sort key of its item, so paging stays correct when
//! writes add or remove items between two requests.

use async_graphql::{InputObject, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::types::{Area, FundingStream, Goal, Intervention, Line, Partner, Programme, Wijk};
use crate::domain::Id;
use crate::error::{Error, Result};
use crate::graph::{Order, OrderField, SortKey, Window, Windowed};

/// Items per page when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: usize = 100;
/// The most items one page may hold.
pub const MAX_PAGE_SIZE: usize = 500;

/// Where a page lies in the whole list.
#[derive(SimpleObject, Clone, Debug)]
pub struct PageInfo {
    /// Whether items come before this page.
    pub has_previous_page: bool,
    /// Whether items come after this page.
    pub has_next_page: bool,
    /// The cursor of the first item of this page.
    pub start_cursor: Option<String>,
    /// The cursor of the last item of this page.
    pub end_cursor: Option<String>,
}

/// A page type: built from a page of ids and a way to load each item.
pub trait Paged: Sized {
    type Node;
    fn from_page(page: Page, load: impl FnMut(Id) -> Option<Self::Node>) -> Self;
}

/// The connection type of a node type.
pub trait HasConnection {
    type Connection: Paged<Node = Self> + async_graphql::OutputType;
}

/// The connection of node type `T`, e.g. `Connection<Partner>` is `PartnerConnection`.
pub type Connection<T> = <T as HasConnection>::Connection;

/// Declares the connection and edge types of one node type.
macro_rules! connection {
    ($node:ident, $conn:ident, $edge:ident, $conn_doc:literal, $edge_doc:literal) => {
        #[doc = $edge_doc]
        #[derive(SimpleObject)]
        pub struct $edge {
            /// Pass this as `after` or `before` to page from this item.
            pub cursor: String,
            /// The item.
            pub node: $node,
        }

        #[doc = $conn_doc]
        #[derive(SimpleObject)]
        pub struct $conn {
            /// The items of this page, each with its cursor.
            pub edges: Vec<$edge>,
            /// The items of this page (the same as `edges { node }`).
            pub nodes: Vec<$node>,
            /// Where this page lies in the whole list.
            pub page_info: PageInfo,
            /// How many items the whole list holds (all pages, after filters).
            pub total_count: usize,
        }

        impl Paged for $conn {
            type Node = $node;
            fn from_page(page: Page, mut load: impl FnMut(Id) -> Option<$node>) -> Self {
                let mut edges = Vec::with_capacity(page.items.len());
                for (cursor, id) in page.items {
                    if let Some(node) = load(id) {
                        edges.push($edge { cursor, node });
                    }
                }
                $conn {
                    nodes: edges.iter().map(|e| e.node.clone()).collect(),
                    edges,
                    page_info: page.info,
                    total_count: page.total,
                }
            }
        }

        impl HasConnection for $node {
            type Connection = $conn;
        }
    };
}

connection!(
    Area,
    AreaConnection,
    AreaEdge,
    "One page of areas.",
    "An area in a page, with its cursor."
);
connection!(
    Programme,
    ProgrammeConnection,
    ProgrammeEdge,
    "One page of programme clusters.",
    "A programme cluster in a page, with its cursor."
);
connection!(
    Line,
    LineConnection,
    LineEdge,
    "One page of lines.",
    "A line in a page, with its cursor."
);
connection!(
    Goal,
    GoalConnection,
    GoalEdge,
    "One page of goals.",
    "A goal in a page, with its cursor."
);
connection!(
    Intervention,
    InterventionConnection,
    InterventionEdge,
    "One page of interventions.",
    "An intervention in a page, with its cursor."
);
connection!(
    Partner,
    PartnerConnection,
    PartnerEdge,
    "One page of partners.",
    "A partner in a page, with its cursor."
);
connection!(
    FundingStream,
    FundingStreamConnection,
    FundingStreamEdge,
    "One page of funding streams.",
    "A funding stream in a page, with its cursor."
);
connection!(
    Wijk,
    WijkConnection,
    WijkEdge,
    "One page of wijken.",
    "A wijk in a page, with its cursor."
);

/// The sort order of a list.
#[derive(InputObject, Clone, Copy, Debug, Default)]
pub struct OrderBy {
    /// What to sort by.
    #[graphql(default_with = "SortField::Created")]
    pub field: SortField,
    /// Ascending (default) or descending.
    #[graphql(default_with = "SortDirection::Asc")]
    pub direction: SortDirection,
}

/// What a list can be sorted by. Ties fall back to creation order.
#[derive(async_graphql::Enum, Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum SortField {
    /// Creation order; for the bundled data, the order of the source document.
    #[default]
    Created,
    /// Name, ignoring case and accents.
    Name,
    /// Slug.
    Slug,
}

/// Sort direction.
#[derive(async_graphql::Enum, Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum SortDirection {
    /// Smallest first.
    #[default]
    Asc,
    /// Largest first.
    Desc,
}

impl From<Option<OrderBy>> for Order {
    fn from(order: Option<OrderBy>) -> Order {
        let order = order.unwrap_or_default();
        Order {
            field: match order.field {
                SortField::Created => OrderField::Created,
                SortField::Name => OrderField::Name,
                SortField::Slug => OrderField::Slug,
            },
            descending: order.direction == SortDirection::Desc,
        }
    }
}

/// The Relay paging arguments of one list field.
#[derive(Clone, Debug, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

/// A page cut from a sorted list: `(cursor, id)` per item.
pub struct Page {
    pub items: Vec<(String, Id)>,
    pub info: PageInfo,
    pub total: usize,
}

fn field_code(field: OrderField) -> &'static str {
    match field {
        OrderField::Created => "c",
        OrderField::Name => "n",
        OrderField::Slug => "s",
    }
}

/// The opaque cursor of an item under an order.
fn encode_cursor(order: Order, key: &SortKey) -> String {
    let plain = match key {
        SortKey::Created(id) => format!("{}:{id}:", field_code(order.field)),
        SortKey::Text(text, id) => format!("{}:{id}:{text}", field_code(order.field)),
    };
    URL_SAFE_NO_PAD.encode(plain)
}

fn decode_cursor(order: Order, cursor: &str, field: &str) -> Result<SortKey> {
    let bad = || {
        Error::invalid(
            field,
            "not a cursor of this list (cursors are only valid for the list and order they came from)",
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let plain = String::from_utf8(bytes).map_err(|_| bad())?;
    let mut parts = plain.splitn(3, ':');
    let (Some(code), Some(id), Some(text)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    if code != field_code(order.field) {
        return Err(bad());
    }
    let id = id.parse::<Id>().map_err(|_| bad())?;
    Ok(match order.field {
        OrderField::Created => SortKey::Created(id),
        OrderField::Name | OrderField::Slug => SortKey::Text(text.to_owned(), id),
    })
}

fn page_size(value: Option<i32>, field: &str) -> Result<Option<usize>> {
    match value {
        None => Ok(None),
        Some(n) if n < 0 => Err(Error::invalid(field, "must not be negative")),
        Some(n) if n as usize > MAX_PAGE_SIZE => Err(Error::invalid(
            field,
            format!("must be at most {MAX_PAGE_SIZE}; page through longer lists"),
        )),
        Some(n) => Ok(Some(n as usize)),
    }
}

/// The window of a sorted list the paging arguments ask for: cursors decoded (and refused
/// when they belong to another list or order), the default page size applied when neither
/// `first` nor `last` is given.
pub fn window(order: Order, args: &PageArgs) -> Result<Window> {
    let first = page_size(args.first, "first")?;
    let last = page_size(args.last, "last")?;
    let cursor = |value: &Option<String>, field: &str| {
        value
            .as_deref()
            .map(|c| decode_cursor(order, c, field))
            .transpose()
    };
    Ok(Window {
        after: cursor(&args.after, "after")?,
        before: cursor(&args.before, "before")?,
        first: if first.is_none() && last.is_none() {
            Some(DEFAULT_PAGE_SIZE)
        } else {
            first
        },
        last,
    })
}

/// A page as the API gives it: items with their cursors.
pub fn page(cut: Windowed, order: Order) -> Page {
    let items: Vec<(String, Id)> = cut
        .items
        .iter()
        .map(|(key, id)| (encode_cursor(order, key), *id))
        .collect();
    Page {
        info: PageInfo {
            has_previous_page: cut.has_previous,
            has_next_page: cut.has_next,
            start_cursor: items.first().map(|(c, _)| c.clone()),
            end_cursor: items.last().map(|(c, _)| c.clone()),
        },
        items,
        total: cut.total,
    }
}

/// Cuts a page from a list sorted by `order`.
pub fn paginate(sorted: Vec<(SortKey, Id)>, order: Order, args: &PageArgs) -> Result<Page> {
    let window = window(order, args)?;
    Ok(page(Windowed::of_sorted(sorted, order, &window), order))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(n: i64) -> Vec<(SortKey, Id)> {
        (1..=n).map(|id| (SortKey::Created(id), id)).collect()
    }

    fn ids(page: &Page) -> Vec<Id> {
        page.items.iter().map(|(_, id)| *id).collect()
    }

    #[test]
    fn pages_forward_and_backward() {
        let order = Order::default();
        let args = PageArgs {
            first: Some(2),
            ..Default::default()
        };
        let p1 = paginate(list(5), order, &args).unwrap();
        assert_eq!(ids(&p1), vec![1, 2]);
        assert!(!p1.info.has_previous_page && p1.info.has_next_page);
        let args = PageArgs {
            first: Some(2),
            after: p1.info.end_cursor.clone(),
            ..Default::default()
        };
        let p2 = paginate(list(5), order, &args).unwrap();
        assert_eq!(ids(&p2), vec![3, 4]);
        let args = PageArgs {
            last: Some(2),
            before: p2.info.start_cursor.clone(),
            ..Default::default()
        };
        let back = paginate(list(5), order, &args).unwrap();
        assert_eq!(ids(&back), vec![1, 2]);
        let args = PageArgs {
            last: Some(1),
            ..Default::default()
        };
        assert_eq!(ids(&paginate(list(5), order, &args).unwrap()), vec![5]);
    }

    #[test]
    fn a_cursor_survives_the_removal_of_its_item() {
        let order = Order::default();
        let p1 = paginate(
            list(5),
            order,
            &PageArgs {
                first: Some(3),
                ..Default::default()
            },
        )
        .unwrap();
        let without_three: Vec<_> = list(5).into_iter().filter(|(_, id)| *id != 3).collect();
        let args = PageArgs {
            first: Some(5),
            after: p1.info.end_cursor,
            ..Default::default()
        };
        assert_eq!(
            ids(&paginate(without_three, order, &args).unwrap()),
            vec![4, 5]
        );
    }

    #[test]
    fn descending_text_order_and_bad_cursors() {
        let order = Order {
            field: OrderField::Name,
            descending: true,
        };
        let sorted = vec![
            (SortKey::Text("c".into(), 3), 3),
            (SortKey::Text("b".into(), 2), 2),
            (SortKey::Text("a".into(), 1), 1),
        ];
        let p1 = paginate(
            sorted.clone(),
            order,
            &PageArgs {
                first: Some(1),
                ..Default::default()
            },
        )
        .unwrap();
        let args = PageArgs {
            first: Some(5),
            after: p1.info.end_cursor.clone(),
            ..Default::default()
        };
        assert_eq!(
            ids(&paginate(sorted.clone(), order, &args).unwrap()),
            vec![2, 1]
        );
        let wrong_order = PageArgs {
            after: p1.info.end_cursor,
            ..Default::default()
        };
        assert!(paginate(sorted.clone(), Order::default(), &wrong_order).is_err());
        let garbage = PageArgs {
            after: Some("%%%".into()),
            ..Default::default()
        };
        assert!(paginate(sorted.clone(), order, &garbage).is_err());
        assert!(
            paginate(
                sorted,
                order,
                &PageArgs {
                    first: Some(-1),
                    ..Default::default()
                }
            )
            .is_err()
        );
    }
}
