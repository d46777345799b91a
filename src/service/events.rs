//! What a committed write did to nodes, one event per node: created, updated, deleted, or
//! linked to and unlinked from another node (a link row concerns both its ends, so each gets
//! an event). Subscriptions push these as writes are published; the catch-up query reads them
//! back from the change log.

use crate::domain::{Id, Op, Row, Table};

/// What happened to a node.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    Created,
    Updated,
    Deleted,
    /// A link to another node was made or changed (e.g. a partner's role).
    Linked,
    /// A link to another node was removed.
    Unlinked,
}

/// One event about one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeEvent {
    /// The write's number in the change log.
    pub version: u64,
    pub kind: EventKind,
    pub table: Table,
    pub id: Id,
    /// For link events: the link's table and the node at its other end.
    pub link: Option<(Table, Table, Id)>,
}

/// The events of one write: its operations in order, with `removed` giving the rows deletes
/// took away (a deleted link's ends are no longer in the data after the write).
pub fn events(
    version: u64,
    ops: &[Op],
    removed: impl Fn(Table, Id) -> Option<Row>,
) -> Vec<NodeEvent> {
    let mut out = Vec::new();
    let mut push = |kind, table, id, link| {
        out.push(NodeEvent {
            version,
            kind,
            table,
            id,
            link,
        })
    };
    for op in ops {
        let (row, kind) = match op {
            Op::Insert(row) if row.table().is_node() => {
                push(EventKind::Created, row.table(), row.id(), None);
                continue;
            }
            Op::Update(row, _) if row.table().is_node() => {
                push(EventKind::Updated, row.table(), row.id(), None);
                continue;
            }
            Op::Delete(table, id) if table.is_node() => {
                push(EventKind::Deleted, *table, *id, None);
                continue;
            }
            Op::Insert(row) | Op::Update(row, _) => (row.clone(), EventKind::Linked),
            Op::Delete(table, id) => match removed(*table, *id) {
                Some(row) => (row, EventKind::Unlinked),
                None => continue,
            },
        };
        if let Some(((t1, a), (t2, b))) = row.ends() {
            push(kind, t1, a, Some((row.table(), t2, b)));
            push(kind, t2, b, Some((row.table(), t1, a)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{InterventionPartner, Partner, PartnerKind, PartnerRole};

    #[test]
    fn a_link_is_an_event_at_both_ends() {
        let partner = Row::Partner(Partner {
            id: 1,
            area_id: 9,
            slug: "p".into(),
            name: "P".into(),
            description: None,
            kind: PartnerKind::Other,
            aliases: Vec::new(),
            organisation: None,
        });
        let link = Row::InterventionPartner(InterventionPartner {
            id: 3,
            intervention_id: 2,
            partner_id: 1,
            role: PartnerRole::Lead,
        });
        let ops = [
            Op::Insert(partner),
            Op::Insert(link.clone()),
            Op::Delete(Table::InterventionPartner, 3),
        ];
        let found = events(7, &ops, |_, _| Some(link.clone()));
        let kinds: Vec<(EventKind, Id)> = found.iter().map(|e| (e.kind, e.id)).collect();
        assert_eq!(
            kinds,
            vec![
                (EventKind::Created, 1),
                (EventKind::Linked, 2),
                (EventKind::Linked, 1),
                (EventKind::Unlinked, 2),
                (EventKind::Unlinked, 1),
            ]
        );
        assert_eq!(
            found[1].link,
            Some((Table::InterventionPartner, Table::Partner, 1))
        );
        assert!(found.iter().all(|e| e.version == 7));
    }
}
