//! Global object identification: every node has an opaque `ID` that names its type and id
//! (base64url of `Partner:42`). References in inputs and filters accept such an ID, and filters
//! also accept a slug.

use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::domain::{Id, Table};
use crate::error::{Error, Result};
pub use crate::graph::refs::{decode, node_ref, resolve};

/// The opaque ID of a node.
pub fn encode(table: Table, id: Id) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", table.type_name())))
}

/// Reads an ID argument that must name a node of `table`.
pub fn expect(id: &ID, table: Table, field: &str) -> Result<Id> {
    match decode(id) {
        Some((t, n)) if t == table => Ok(n),
        Some((t, _)) => Err(Error::invalid(
            field,
            format!(
                "expected the ID of a {}, got the ID of a {}",
                table.schema_name(),
                t.schema_name()
            ),
        )),
        None => Err(Error::invalid(
            field,
            format!("{:?} is not a valid ID", id.as_str()),
        )),
    }
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
