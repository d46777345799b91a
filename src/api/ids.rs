//! Global object identification: every node has an opaque `ID` that names its type and id
//! (base64url of `Partner:42`). References in inputs and filters accept such an ID, and filters
//! also accept a slug.

use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::domain::{Id, Table};
use crate::error::{Error, Result};
use crate::graph::Snapshot;

/// The opaque ID of a node.
pub fn encode(table: Table, id: Id) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", table.type_name())))
}

/// Reads an opaque ID into its table and id, if it is one.
pub fn decode(id: &str) -> Option<(Table, Id)> {
    let bytes = URL_SAFE_NO_PAD.decode(id.trim_end_matches('=')).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (name, number) = text.split_once(':')?;
    let table = Table::NODES
        .iter()
        .copied()
        .find(|&t| t.type_name() == name)?;
    let id = number.parse::<Id>().ok().filter(|&n| n > 0)?;
    Some((table, id))
}

/// Reads an ID argument that must name a node of `table`.
pub fn expect(id: &ID, table: Table, field: &str) -> Result<Id> {
    match decode(id) {
        Some((t, n)) if t == table => Ok(n),
        Some((t, _)) => Err(Error::invalid(
            field,
            format!(
                "expected the ID of a {}, got the ID of a {}",
                table.type_name(),
                t.type_name()
            ),
        )),
        None => Err(Error::invalid(
            field,
            format!("{:?} is not a valid ID", id.as_str()),
        )),
    }
}

/// Resolves a filter value that is an ID or a slug of `table` (within `area` when given).
pub fn resolve(
    snapshot: &Snapshot,
    value: &str,
    table: Table,
    area: Option<Id>,
    field: &str,
) -> Result<Id> {
    if let Some((t, n)) = decode(value) {
        return if t == table {
            Ok(n)
        } else {
            Err(Error::invalid(
                field,
                format!("expected a {} ID or slug", table.type_name()),
            ))
        };
    }
    if table == Table::Area {
        return snapshot
            .area_by_slug(value)
            .ok_or_else(|| Error::not_found("area", value, Some(field)));
    }
    let matches: Vec<Id> = match area {
        Some(area) => snapshot.by_slug(table, area, value).into_iter().collect(),
        None => snapshot
            .data
            .areas
            .keys()
            .filter_map(|&area| snapshot.by_slug(table, area, value))
            .collect(),
    };
    match matches.as_slice() {
        [one] => Ok(*one),
        [] => Err(Error::not_found(table.noun(), value, Some(field))),
        _ => Err(Error::invalid(
            field,
            format!(
                "the slug {value:?} exists in several areas; filter by area too, or pass an ID"
            ),
        )),
    }
}

/// A node reference: a global ID, or `type:slug` such as `partner:halt`.
pub fn node_ref(s: &Snapshot, value: &str, area: Option<Id>, field: &str) -> Result<Id> {
    if let Some((table, id)) = decode(value) {
        return (s.table_of(id) == Some(table))
            .then_some(id)
            .ok_or_else(|| Error::not_found("node", value, Some(field)));
    }
    let Some((kind, slug)) = value.split_once(':') else {
        return Err(Error::invalid(
            field,
            "give a global ID or type:slug, e.g. partner:halt",
        ));
    };
    let table = Table::NODES
        .iter()
        .copied()
        .find(|&t| {
            t.type_name()
                .eq_ignore_ascii_case(&kind.replace(['-', '_'], ""))
        })
        .ok_or_else(|| Error::invalid(field, format!("unknown node type {kind:?}")))?;
    resolve(s, slug, table, area, field)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_reject_garbage() {
        let id = encode(Table::Partner, 42);
        assert_eq!(decode(&id), Some((Table::Partner, 42)));
        assert_eq!(decode("not an id"), None);
        assert_eq!(decode(&URL_SAFE_NO_PAD.encode("Partner:-1")), None);
        assert_eq!(decode(&URL_SAFE_NO_PAD.encode("LineFunding:3")), None);
        assert!(expect(&id, Table::Wijk, "wijkId").is_err());
        assert_eq!(expect(&id, Table::Partner, "partnerId").unwrap(), 42);
    }
}
