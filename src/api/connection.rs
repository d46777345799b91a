//! Relay cursor connections: page arguments, opaque keyset cursors, and the generic connection
//! and edge types. A cursor remembers the sort key of its item, so paging stays correct when
//! writes add or remove items between two requests.

use std::sync::Arc;

use async_graphql::{InputObject, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::types::{
    Area, FundingStream, Goal, Indicator, Intervention, Line, Measurement, Partner, Programme, Wijk,
};
use crate::domain::Id;
use crate::domain::Table;
use crate::error::{Error, Result};
use crate::graph::{Count, Filter, KNOWN, Order, OrderField, Snapshot, SortKey, Window, Windowed};

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
    /// The same page, able to count its list's undated items when asked.
    fn with_undated(self, undated: UndatedCount) -> Self;
}

/// What a list's `undated` count counts: the nodes of a list whose filter has a year
/// condition, counted only when the field is selected.
pub struct UndatedCount {
    pub snapshot: Arc<Snapshot>,
    pub table: Table,
    /// The list's nodes before filtering; `None`: the table's candidates for the filter.
    pub ids: Option<Vec<Id>>,
    pub filter: Filter,
}

impl UndatedCount {
    /// The count of a list of `table` (of the given nodes, or of all), when its filter has a
    /// year condition.
    pub fn of(
        snapshot: &Arc<Snapshot>,
        table: Table,
        ids: Option<&[Id]>,
        filter: &Filter,
    ) -> Option<UndatedCount> {
        filter.has_year().then(|| UndatedCount {
            snapshot: snapshot.clone(),
            table,
            ids: ids.map(<[Id]>::to_vec),
            filter: filter.clone(),
        })
    }

    /// How many of the list's nodes the filter keeps or drops only because their activity in
    /// its year is unknown.
    pub fn count(&self) -> usize {
        self.snapshot
            .count_undated(self.table, self.ids.clone(), &self.filter)
    }
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
        #[graphql(complex)]
        pub struct $conn {
            /// The items of this page, each with its cursor.
            pub edges: Vec<$edge>,
            /// The items of this page (the same as `edges { node }`).
            pub nodes: Vec<$node>,
            /// Where this page lies in the whole list.
            pub page_info: PageInfo,
            /// How many items the whole list holds (all pages, after filters).
            pub total_count: usize,
            #[graphql(skip)]
            pub undated_of: Option<UndatedCount>,
        }

        #[async_graphql::ComplexObject]
        impl $conn {
            /// With a `year` filter: how many items of the list (after its other filters) may
            /// be active in that year but are not known to be, because the document gives no
            /// period or only part of one. `undated: EXCLUDE` (the default) leaves them out of
            /// the list and `totalCount`, `INCLUDE` counts them in, `ONLY` lists just them.
            /// Null without a year filter.
            async fn undated(&self) -> Option<usize> {
                self.undated_of.as_ref().map(UndatedCount::count)
            }
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
                    undated_of: None,
                }
            }

            fn with_undated(self, undated: UndatedCount) -> Self {
                $conn {
                    undated_of: Some(undated),
                    ..self
                }
            }
        }

        impl HasConnection for $node {
            type Connection = $conn;
        }
    };
}

/// Declares the connection type of a list whose edges say more than the node (a partner's
/// role, the amount a stream pays): `$edge` is its edge type, with a `cursor` and a `node`
/// of type `$node`. [`of`](#method.of) builds a page from the edges of a [`Page`].
macro_rules! detailed_connection {
    ($conn:ident, $edge:ident, $node:ident, $doc:literal) => {
        #[doc = $doc]
        #[derive(async_graphql::SimpleObject)]
        #[graphql(complex)]
        pub struct $conn {
            /// The items of this page, each with its cursor and what the link says.
            pub edges: Vec<$edge>,
            /// Where this page lies in the whole list.
            pub page_info: $crate::api::connection::PageInfo,
            /// How many items the whole list holds (all pages, after filters).
            pub total_count: usize,
            #[graphql(skip)]
            pub undated_of: Option<$crate::api::connection::UndatedCount>,
        }

        #[async_graphql::ComplexObject]
        impl $conn {
            /// With a `year` filter: how many items of the list (after its other filters) may
            /// be active in that year but are not known to be (see
            /// `InterventionConnection.undated`). Null without a year filter.
            async fn undated(&self) -> Option<usize> {
                self.undated_of
                    .as_ref()
                    .map($crate::api::connection::UndatedCount::count)
            }

            /// The items of this page, without what the links say.
            async fn nodes(&self) -> Vec<$node> {
                self.edges.iter().map(|e| e.node.clone()).collect()
            }
        }

        impl $conn {
            /// The page's edges, `edge(cursor, id)` making each (`None` drops the item).
            pub fn of(
                (page, undated_of): (
                    $crate::api::connection::Page,
                    Option<$crate::api::connection::UndatedCount>,
                ),
                mut edge: impl FnMut(String, $crate::domain::Id) -> Option<$edge>,
            ) -> $conn {
                $conn {
                    edges: page
                        .items
                        .into_iter()
                        .filter_map(|(cursor, id)| edge(cursor, id))
                        .collect(),
                    page_info: page.info,
                    total_count: page.total,
                    undated_of,
                }
            }
        }
    };
}
pub(crate) use detailed_connection;

connection!(
    Area,
    AreaConnection,
    AreaEdge,
    "One page of areas.",
    "An area in a page, with its cursor."
);
connection!(
    Programme,
    ClusterConnection,
    ClusterEdge,
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
connection!(
    Indicator,
    IndicatorConnection,
    IndicatorEdge,
    "One page of indicators.",
    "An indicator in a page, with its cursor."
);
connection!(
    Measurement,
    MeasurementConnection,
    MeasurementEdge,
    "One page of measurements.",
    "A measurement in a page, with its cursor."
);

/// The sort order of a list.
#[derive(InputObject, Clone, Copy, Debug, Default)]
pub struct OrderBy {
    /// What to sort by (each field says which lists it sorts).
    #[graphql(default_with = "SortField::Created")]
    pub field: SortField,
    /// Ascending (default) or descending.
    #[graphql(default_with = "SortDirection::Asc")]
    pub direction: SortDirection,
}

/// What a list can be sorted by. Ties are broken by creation order (in the list's direction),
/// so that cursors stay stable. Unknown values (a funding stream without an end year) come
/// last in both directions. `CREATED`, `NAME` and `SLUG` sort every list and are kept as
/// ordered indexes (a page costs what it holds); `UPDATED_AT` sorts every list too, and the
/// other fields the lists named with them, after filtering, per request (a page costs
/// O(matches log matches)). Any other list refuses them with `BAD_USER_INPUT`.
#[derive(async_graphql::Enum, Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum SortField {
    /// Creation order; for the bundled data, the order of the source document.
    #[default]
    Created,
    /// Name, ignoring case and accents.
    Name,
    /// Slug.
    Slug,
    /// When the node's own record last changed (`updatedAt`), longest ago first; `DESC`
    /// lists the latest changes first. Ties by creation order, in the list's direction (as
    /// every field); sorts every list of nodes, per request.
    UpdatedAt,
    /// Kind, by its name (partners and funding streams).
    Kind,
    /// First year (interventions and funding streams); unknown years last.
    StartYear,
    /// Last year (interventions and funding streams); unknown years last.
    EndYear,
    /// The total amount in euros (funding streams); unknown amounts last.
    Amount,
    /// The number of partners: of an intervention its own partners; of a funding stream,
    /// wijk, goal, line or programme cluster the distinct partners of its interventions.
    PartnerCount,
    /// The number of interventions (partners, funding streams, wijken, goals with their
    /// sub-goals, lines and programme clusters).
    InterventionCount,
    /// The number of programme clusters reached through the node's interventions
    /// (interventions, partners, funding streams and wijken).
    ClusterCount,
    /// The number of programme clusters reached through the node's interventions
    /// (interventions, partners, funding streams and wijken).
    #[graphql(deprecation = "Use `CLUSTER_COUNT` instead.")]
    ProgrammeCount,
}

impl SortField {
    /// The graph's order field.
    fn field(self) -> OrderField {
        match self {
            SortField::Created => OrderField::Created,
            SortField::Name => OrderField::Name,
            SortField::Slug => OrderField::Slug,
            SortField::UpdatedAt => OrderField::Updated,
            SortField::Kind => OrderField::Kind,
            SortField::StartYear => OrderField::StartYear,
            SortField::EndYear => OrderField::EndYear,
            SortField::Amount => OrderField::Amount,
            SortField::PartnerCount => OrderField::Count(Count::Partners),
            SortField::InterventionCount => OrderField::Count(Count::Interventions),
            SortField::ClusterCount | SortField::ProgrammeCount => {
                OrderField::Count(Count::Programmes)
            }
        }
    }

    /// Whether lists of `table` sort by this field.
    pub fn sorts(self, table: Table) -> bool {
        use Table::*;
        match self {
            SortField::Created | SortField::Name | SortField::Slug | SortField::UpdatedAt => true,
            SortField::Kind => matches!(table, Partner | FundingStream),
            SortField::StartYear | SortField::EndYear => {
                matches!(table, Intervention | FundingStream)
            }
            SortField::Amount => table == FundingStream,
            SortField::PartnerCount => {
                matches!(
                    table,
                    Intervention | FundingStream | Wijk | Goal | Line | Programme
                )
            }
            SortField::InterventionCount => {
                matches!(
                    table,
                    Partner | FundingStream | Wijk | Goal | Line | Programme
                )
            }
            SortField::ClusterCount | SortField::ProgrammeCount => {
                matches!(table, Intervention | Partner | FundingStream | Wijk)
            }
        }
    }
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

/// The order of a list of `table`'s nodes, refused when that list does not sort by the field.
pub fn order_of(order: Option<OrderBy>, table: Table) -> Result<Order> {
    let order = order.unwrap_or_default();
    if !order.field.sorts(table) {
        return Err(Error::invalid(
            "orderBy",
            format!(
                "a list of {} cannot be sorted by {}; see the description of SortField",
                table.schema_name(),
                async_graphql::InputType::to_value(&order.field)
            ),
        ));
    }
    Ok(Order {
        field: order.field.field(),
        descending: order.direction == SortDirection::Desc,
    })
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
        OrderField::Updated => "u",
        OrderField::Kind => "k",
        OrderField::StartYear => "sy",
        OrderField::EndYear => "ey",
        OrderField::Amount => "a",
        OrderField::Count(Count::Partners) => "pc",
        OrderField::Count(Count::Interventions) => "ic",
        OrderField::Count(Count::Programmes) => "gc",
    }
}

/// The opaque cursor of an item under an order: `code:id:text` for texts, `code:id:` for
/// creation order, `code:id:rank:value` for numbers.
fn encode_cursor(order: Order, key: &SortKey) -> String {
    let code = field_code(order.field);
    let plain = match key {
        SortKey::Created(id) => format!("{code}:{id}:"),
        SortKey::Text(text, id) => format!("{code}:{id}:{text}"),
        SortKey::Number(rank, value, id) => format!("{code}:{id}:{rank}:{value}"),
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
    let (Some(code), Some(id), Some(rest)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    if code != field_code(order.field) {
        return Err(bad());
    }
    let id = id.parse::<Id>().map_err(|_| bad())?;
    Ok(match order.field {
        OrderField::Created => SortKey::Created(id),
        OrderField::Name | OrderField::Slug | OrderField::Kind => {
            SortKey::Text(rest.to_owned(), id)
        }
        OrderField::StartYear
        | OrderField::EndYear
        | OrderField::Amount
        | OrderField::Updated
        | OrderField::Count(_) => {
            let (rank, value) = rest.split_once(':').ok_or_else(bad)?;
            let rank = rank.parse::<u8>().map_err(|_| bad())?;
            let value = value.parse::<i64>().map_err(|_| bad())?;
            // A known value, or an unknown one ranked for this direction (a cursor of the
            // other direction would place unknown values wrongly).
            let missing = SortKey::missing_rank(order.descending);
            if !(rank == KNOWN || rank == missing && value == 0) {
                return Err(bad());
            }
            SortKey::Number(rank, value, id)
        }
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

    /// A number cursor decodes to the key it was made of, in every numeric order and
    /// direction; an unknown value's cursor is refused by the other direction.
    #[test]
    fn number_cursors_round_trip() {
        for field in [
            OrderField::StartYear,
            OrderField::EndYear,
            OrderField::Amount,
            OrderField::Count(Count::Partners),
            OrderField::Count(Count::Interventions),
            OrderField::Count(Count::Programmes),
        ] {
            for descending in [false, true] {
                let order = Order { field, descending };
                for key in [
                    SortKey::number(Some(-3), 7, descending),
                    SortKey::number(Some(2026), 8, descending),
                    SortKey::number(None, 9, descending),
                ] {
                    let cursor = encode_cursor(order, &key);
                    assert_eq!(decode_cursor(order, &cursor, "after").unwrap(), key);
                }
                let unknown = encode_cursor(order, &SortKey::number(None, 9, descending));
                let other = Order {
                    field,
                    descending: !descending,
                };
                assert!(decode_cursor(other, &unknown, "after").is_err());
                let name = Order {
                    field: OrderField::Name,
                    descending,
                };
                assert!(decode_cursor(name, &unknown, "after").is_err());
            }
        }
    }

    /// Each list takes the fields its type has and refuses the others.
    #[test]
    fn lists_take_their_own_sort_fields() {
        let by = |field| {
            Some(OrderBy {
                field,
                direction: SortDirection::Desc,
            })
        };
        assert!(order_of(by(SortField::EndYear), Table::FundingStream).is_ok());
        assert!(order_of(by(SortField::PartnerCount), Table::Intervention).is_ok());
        assert!(order_of(by(SortField::InterventionCount), Table::Partner).is_ok());
        assert!(order_of(by(SortField::Amount), Table::Partner).is_err());
        assert!(order_of(by(SortField::Kind), Table::Wijk).is_err());
        assert!(order_of(by(SortField::Name), Table::Area).is_ok());
        assert_eq!(order_of(None, Table::Area).unwrap(), Order::default());
    }
}
