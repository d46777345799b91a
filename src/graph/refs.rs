//! References to nodes as users give them: a global ID (base64url of `Partner:42`), a slug
//! (within an area), or `type:slug` such as `partner:halt` (`cluster:` or `programme:` for a
//! cluster). GraphQL, the HTTP map routes and the command line resolve them here against a
//! snapshot.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::{Filter, Snapshot};
use crate::domain::{Id, Table};
use crate::error::{Error, Result};

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

/// Resolves a filter value that is an ID or a slug of `table` (within `area` when given) to
/// a node the snapshot has.
pub fn resolve(
    snapshot: &Snapshot,
    value: &str,
    table: Table,
    area: Option<Id>,
    field: &str,
) -> Result<Id> {
    if let Some((t, n)) = decode(value) {
        return if t != table {
            Err(Error::invalid(
                field,
                format!("expected an ID or slug of type {}", table.schema_name()),
            ))
        } else if snapshot.table_of(n) == Some(table) {
            Ok(n)
        } else {
            Err(Error::not_found(table.noun(), value, Some(field)))
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
    let plain = kind.replace(['-', '_'], "");
    // `cluster:` as the schema names it; `programme:` as it used to.
    let table = Table::NODES
        .iter()
        .copied()
        .find(|&t| {
            t.schema_name().eq_ignore_ascii_case(&plain)
                || t.type_name().eq_ignore_ascii_case(&plain)
        })
        .ok_or_else(|| Error::invalid(field, format!("unknown node type {kind:?}")))?;
    resolve(s, slug, table, area, field)
}

/// The references that narrow an analytic, each a slug or ID; field names are used in errors.
#[derive(Clone, Debug, Default)]
pub struct ScopeRefs<'a> {
    pub area: Option<&'a str>,
    pub programme: Option<&'a str>,
    pub wijk: Option<&'a str>,
    pub funding_stream: Option<&'a str>,
    pub year: Option<i32>,
    /// What a year condition does with what is not known to run in the year.
    pub undated: crate::domain::Undated,
}

/// Resolves the scope of an analytic: the area first, then the other references within it.
pub fn scope(s: &Snapshot, refs: &ScopeRefs<'_>) -> Result<Filter> {
    let area = refs
        .area
        .map(|a| resolve(s, a, Table::Area, None, "area"))
        .transpose()?;
    let get = |value: Option<&str>, table: Table, field: &str| {
        value.map(|v| resolve(s, v, table, area, field)).transpose()
    };
    Ok(Filter {
        area,
        programme: get(refs.programme, Table::Programme, "cluster")?,
        wijk: get(refs.wijk, Table::Wijk, "wijk")?,
        funding_stream: get(refs.funding_stream, Table::FundingStream, "fundingStream")?,
        year: refs.year,
        undated: refs.undated,
        ..Filter::default()
    })
}

/// The refusal of an analytic asked without an area while several are loaded: each
/// programme is its own network, never merged with the others.
pub fn area_needed(snapshot: &Snapshot) -> Error {
    let slugs: Vec<&str> = snapshot
        .data
        .areas
        .values()
        .map(|a| a.slug.as_str())
        .collect();
    Error::invalid(
        "area",
        format!(
            "{} areas are loaded; name one ({}): analytics answer per area, never for merged programmes",
            slugs.len(),
            slugs.join(", ")
        ),
    )
}
