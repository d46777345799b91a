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
    fn flag(&self, _: &str) -> Option<bool> {
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

fn limits(in_flight: u64) -> super::Limits {
    super::Limits {
        cost: 200_000,
        depth: 24,
        aliases: 64,
        recursion: 32,
        directives: 8,
        values: 1_000_000,
        timeout: std::time::Duration::from_secs(30),
        in_flight,
        introspection: true,
    }
}

/// An answer holds its share of the budget until its transport lets go of it: a second
/// request that does not fit waits, and runs once the first answer is gone.
#[tokio::test]
async fn answers_in_flight_share_a_budget() {
    use std::time::Duration;

    use super::{AnswerShare, QueryLimits};
    let schema = crate::api::schema_builder()
        .extension(QueryLimits::new(limits(400)))
        .finish();
    let query = "{ __schema { types { name } } }";
    let first = AnswerShare::default();
    let answer = schema
        .execute(async_graphql::Request::new(query).data(first.clone()))
        .await;
    assert!(answer.errors.is_empty(), "{:?}", answer.errors);
    let Some(async_graphql::Value::Object(cost)) = answer.extensions.get("cost") else {
        panic!("no cost in {:?}", answer.extensions);
    };
    let requested = cost.get("requested").cloned();
    assert!(
        matches!(&requested, Some(async_graphql::Value::Number(n)) if n.as_u64().is_some_and(|c| c > 200 && c <= 400)),
        "{requested:?}"
    );
    // The first answer is still being sent: the second waits.
    let second = schema.execute(query);
    tokio::pin!(second);
    assert!(
        tokio::time::timeout(Duration::from_millis(200), &mut second)
            .await
            .is_err(),
        "the second request ran while the first answer held the budget"
    );
    // The first answer has gone out: the second runs.
    drop(first.take());
    let answer = tokio::time::timeout(Duration::from_secs(5), second)
        .await
        .expect("the second request ran");
    assert!(answer.errors.is_empty(), "{:?}", answer.errors);
}
