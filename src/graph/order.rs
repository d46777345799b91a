//! The nodes of each table (and of each table within an area) kept in creation, name and slug
//! order, so that a page of an unfiltered list is cut from an ordered index in O(page + log n):
//! no list is sorted, no table scanned, and the total comes from the index. Other orders
//! (years, kinds, amounts, counts) and filtered lists are sorted per request from the
//! filter's candidates and cut the same way from the sorted list ([`Windowed::of_sorted`]).

use std::ops::Bound;

use imbl::OrdSet;

use super::filter::{Order, OrderField, SortKey};
use crate::domain::Id;

/// The nodes of one table (or one table in one area) in each sort order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Ordered {
    pub created: OrdSet<Id>,
    pub name: OrdSet<(String, Id)>,
    pub slug: OrdSet<(String, Id)>,
}

impl Ordered {
    pub fn insert(&mut self, id: Id, name: &str, slug: &str) {
        self.created.insert(id);
        self.name.insert((name.to_owned(), id));
        self.slug.insert((slug.to_owned(), id));
    }

    pub fn remove(&mut self, id: Id, name: &str, slug: &str) {
        self.created.remove(&id);
        self.name.remove(&(name.to_owned(), id));
        self.slug.remove(&(slug.to_owned(), id));
    }

    pub fn is_empty(&self) -> bool {
        self.created.is_empty()
    }

    /// The page of this index that a window asks for.
    pub fn window(&self, order: Order, window: &Window) -> Windowed {
        match order.field {
            OrderField::Created => cut(
                &self.created,
                order,
                window,
                |id| SortKey::Created(*id),
                |key| match key {
                    SortKey::Created(id) => Some(*id),
                    _ => None,
                },
            ),
            OrderField::Name => cut(&self.name, order, window, text_key, text_of),
            OrderField::Slug => cut(&self.slug, order, window, text_key, text_of),
            // Not kept as an index: `Snapshot::page` sorts the list for these orders and
            // never asks.
            _ => Windowed::default(),
        }
    }
}

fn text_key(item: &(String, Id)) -> SortKey {
    SortKey::Text(item.0.clone(), item.1)
}

fn text_of(key: &SortKey) -> Option<(String, Id)> {
    match key {
        SortKey::Text(text, id) => Some((text.clone(), *id)),
        _ => None,
    }
}

/// Which part of a sorted list a page is: after and before a cursor's key, the first or the
/// last so many (both may be given, as Relay allows).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Window {
    pub after: Option<SortKey>,
    pub before: Option<SortKey>,
    pub first: Option<usize>,
    pub last: Option<usize>,
}

/// A page cut from a sorted list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Windowed {
    pub items: Vec<(SortKey, Id)>,
    /// How many items the whole list holds.
    pub total: usize,
    /// Whether the list holds items before the page, and after it.
    pub has_previous: bool,
    pub has_next: bool,
}

impl Windowed {
    /// The page a window asks for of a list already filtered and sorted by `order`.
    pub fn of_sorted(sorted: Vec<(SortKey, Id)>, order: Order, window: &Window) -> Windowed {
        let mut keys: Vec<SortKey> = sorted.into_iter().map(|(key, _)| key).collect();
        // Cut in the keys' own (ascending) order, as an index is.
        if order.descending {
            keys.reverse();
        }
        // A node listed twice (two links to it) is one item, as in an index.
        keys.dedup();
        cut(&Ascending(&keys), order, window, Clone::clone, |key| {
            Some(key.clone())
        })
    }
}

/// Items in ascending order, from which a window is cut: an index, or a list sorted for the
/// request.
trait Sorted<T> {
    /// The items within `bounds`, in ascending order.
    fn within(&self, bounds: (Bound<T>, Bound<T>)) -> Box<dyn DoubleEndedIterator<Item = &T> + '_>;
    fn count(&self) -> usize;
}

impl<T: Ord + Clone> Sorted<T> for OrdSet<T> {
    fn within(&self, bounds: (Bound<T>, Bound<T>)) -> Box<dyn DoubleEndedIterator<Item = &T> + '_> {
        Box::new(self.range(bounds))
    }

    fn count(&self) -> usize {
        self.len()
    }
}

/// A slice sorted in ascending order, without duplicates.
struct Ascending<'a, T>(&'a [T]);

impl<T: Ord> Sorted<T> for Ascending<'_, T> {
    fn within(
        &self,
        (low, high): (Bound<T>, Bound<T>),
    ) -> Box<dyn DoubleEndedIterator<Item = &T> + '_> {
        let items = self.0;
        let start = match &low {
            Bound::Unbounded => 0,
            Bound::Included(t) => items.partition_point(|x| x < t),
            Bound::Excluded(t) => items.partition_point(|x| x <= t),
        };
        let end = match &high {
            Bound::Unbounded => items.len(),
            Bound::Included(t) => items.partition_point(|x| x <= t),
            Bound::Excluded(t) => items.partition_point(|x| x < t),
        };
        Box::new(items[start..end.max(start)].iter())
    }

    fn count(&self) -> usize {
        self.0.len()
    }
}

/// Cuts a window from an ordered set whose items `key` turns into sort keys (and `item` back),
/// as the list in `order` would be cut: the items strictly after `after` and strictly before
/// `before`, then the first `first` of them, then the last `last` of those.
fn cut<T: Ord + Clone>(
    set: &dyn Sorted<T>,
    order: Order,
    window: &Window,
    key: impl Fn(&T) -> SortKey,
    item: impl Fn(&SortKey) -> Option<T>,
) -> Windowed {
    let ascending = !order.descending;
    let after = window.after.as_ref().and_then(&item);
    let before = window.before.as_ref().and_then(&item);
    // The window between the cursors, in the set's own (ascending) terms.
    let (low, high) = if ascending {
        (after.clone(), before.clone())
    } else {
        (before.clone(), after.clone())
    };
    let between = (
        low.map_or(Bound::Unbounded, Bound::Excluded),
        high.map_or(Bound::Unbounded, Bound::Excluded),
    );
    // The window in list order, from its start or from its end.
    let from_start = || -> Box<dyn Iterator<Item = &T>> {
        if ascending {
            Box::new(set.within(between.clone()))
        } else {
            Box::new(set.within(between.clone()).rev())
        }
    };
    let from_end = || -> Box<dyn Iterator<Item = &T>> {
        if ascending {
            Box::new(set.within(between.clone()).rev())
        } else {
            Box::new(set.within(between.clone()))
        }
    };
    // Whether the list holds an item before (or after) `t`, in list order; `inclusive` counts
    // `t` itself.
    let exists = |t: &T, before_it: bool, inclusive: bool| {
        let edge = if inclusive {
            Bound::Included(t.clone())
        } else {
            Bound::Excluded(t.clone())
        };
        let below = before_it == ascending;
        let range = if below {
            (Bound::Unbounded, edge)
        } else {
            (edge, Bound::Unbounded)
        };
        set.within(range).next().is_some()
    };
    let (page, first_cut_end): (Vec<&T>, Option<&T>) = match (window.first, window.last) {
        (None, Some(last)) => {
            let mut page: Vec<&T> = from_end().take(last).collect();
            page.reverse();
            (page, None)
        }
        (first, last) => {
            let firsts: Vec<&T> = from_start().take(first.unwrap_or(usize::MAX)).collect();
            let end = firsts.last().copied();
            let keep = last.map_or(firsts.len(), |l| l.min(firsts.len()));
            (firsts[firsts.len() - keep..].to_vec(), end)
        }
    };
    let (has_previous, has_next) = match (page.first(), page.last(), first_cut_end) {
        (Some(first), Some(last), _) => (exists(first, true, false), exists(last, false, false)),
        // `last: 0` after a non-empty `first`: the page sits after the first cut.
        (None, None, Some(end)) => (true, exists(end, false, false)),
        // An empty page sits where the list was cut: just after `after`, or (cut from the
        // end) at the later of that and `before`.
        _ => {
            let previous_after = after.as_ref().is_some_and(|a| exists(a, true, true));
            let next_after = after
                .as_ref()
                .map_or(set.count() > 0, |a| exists(a, false, false));
            if window.first.is_none() && window.last.is_some() {
                let previous_before = before
                    .as_ref()
                    .map_or(set.count() > 0, |b| exists(b, true, false));
                let next_before = before.as_ref().is_some_and(|b| exists(b, false, true));
                (previous_after || previous_before, next_after && next_before)
            } else {
                (previous_after, next_after)
            }
        }
    };
    Windowed {
        items: page
            .into_iter()
            .map(|t| {
                let k = key(t);
                let id = k.id();
                (k, id)
            })
            .collect(),
        total: set.count(),
        has_previous,
        has_next,
    }
}
