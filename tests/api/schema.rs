//! The schema is a product: the committed SDL matches the code, and every type, field,
//! argument and enum value carries a description.

use samenhang::api::{schema_builder, sdl};
use serde_json::Value;

/// Fails when `schema/schema.graphql` is stale, after rewriting it.
#[test]
fn committed_schema_is_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/schema.graphql");
    let current = sdl();
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    if committed != current {
        std::fs::write(path, &current).expect("rewrite schema/schema.graphql");
        panic!(
            "schema/schema.graphql was not up to date; it has been rewritten: rerun the tests and commit it"
        );
    }
}

#[tokio::test]
async fn everything_in_the_schema_is_described() {
    let schema = schema_builder().finish();
    let response = schema
        .execute(
            "{ __schema { types {
                name description
                fields { name description args { name description } }
                inputFields { name description }
                enumValues { name description }
            } } }",
        )
        .await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let json = response.data.into_json().expect("JSON");
    let mut missing = Vec::new();
    let blank = |v: &Value| v.as_str().is_none_or(|s| s.trim().is_empty());
    for ty in json["__schema"]["types"].as_array().expect("types") {
        let name = ty["name"].as_str().unwrap_or_default();
        if name.starts_with("__") || ["String", "Int", "Float", "Boolean", "ID"].contains(&name) {
            continue;
        }
        if blank(&ty["description"]) {
            missing.push(name.to_owned());
        }
        for field in ty["fields"].as_array().into_iter().flatten() {
            let field_name = field["name"].as_str().unwrap_or_default();
            if blank(&field["description"]) {
                missing.push(format!("{name}.{field_name}"));
            }
            for arg in field["args"].as_array().into_iter().flatten() {
                if blank(&arg["description"]) {
                    missing.push(format!("{name}.{field_name}({})", arg["name"]));
                }
            }
        }
        for list in ["inputFields", "enumValues"] {
            for item in ty[list].as_array().into_iter().flatten() {
                if blank(&item["description"]) {
                    missing.push(format!("{name}.{}", item["name"]));
                }
            }
        }
    }
    assert!(missing.is_empty(), "undocumented: {missing:#?}");
}

/// Every GraphQL example in the README runs without errors on the bundled dataset (as an
/// admin, so the audit-trail example runs too), so the front door stays true.
async fn readme_examples_run(db: crate::helpers::TestDb) {
    // As `cargo run` starts: every bundled programme loaded.
    let app = crate::helpers::spawn_app_bundled(db).await;
    let readme = include_str!("../../README.md");
    let examples: Vec<&str> = readme
        .split("```graphql\n")
        .skip(1)
        .filter_map(|rest| rest.split_once("```").map(|(query, _)| query))
        .collect();
    assert!(examples.len() >= 8, "found {} examples", examples.len());
    // Subscriptions run over a WebSocket: `tests/api/subscriptions.rs` runs them.
    for query in examples
        .into_iter()
        .filter(|q| !q.trim_start().starts_with("subscription"))
    {
        let body = app.graphql(query, serde_json::json!({})).await;
        assert!(body.get("errors").is_none(), "{query}\n{body:#}");
    }
}
crate::helpers::db_test!(readme_examples_run);
