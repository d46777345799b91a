use super::measure::list_levels;
use super::sizes::{ArgValues, Sizes, known_bound};

/// Arguments left out: every rule falls back to its default.
struct NoArgs;

impl ArgValues for NoArgs {
    fn number(&self, _: &str) -> Option<u64> {
        None
    }
    fn list_len(&self, _: &str) -> Option<u64> {
        None
    }
}

/// The list fields of the schema's own types (introspection aside): `(type, field, type)`.
fn list_fields() -> Vec<(String, String, String)> {
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    let doc = async_graphql::parser::parse_schema(crate::api::sdl()).expect("the SDL parses");
    let mut out = Vec::new();
    for def in doc.definitions {
        let TypeSystemDefinition::Type(ty) = def else {
            continue;
        };
        let fields = match &ty.node.kind {
            TypeKind::Object(o) => &o.fields,
            TypeKind::Interface(i) => &i.fields,
            _ => continue,
        };
        for field in fields {
            let of = field.node.ty.node.to_string();
            if list_levels(&of) > 0 {
                out.push((
                    ty.node.name.node.to_string(),
                    field.node.name.node.to_string(),
                    of,
                ));
            }
        }
    }
    out
}

#[test]
fn every_list_field_has_a_size_rule() {
    let sizes = Sizes::default();
    let missing: Vec<String> = list_fields()
        .into_iter()
        .filter(|(parent, field, of)| {
            let sized_by_page = (parent.ends_with("Connection")
                && (field == "edges" || field == "nodes"))
                || (parent == "CentralityRanking" && field == "nodes");
            !sized_by_page
                && known_bound(&sizes, parent, field, &NoArgs).is_none()
                && !of.is_empty()
        })
        .map(|(parent, field, of)| format!("{parent}.{field}: {of}"))
        .collect();
    assert!(
        missing.is_empty(),
        "list fields without a size rule: {missing:#?}"
    );
}
