//! Property tests over bad input: random and mutated data files for the import parser, and
//! random arguments for the mutations (huge and odd strings, extreme numbers, unknown and
//! wrongly typed ids, cycles in the goal tree, taken slugs). Every case ends in an answer or
//! a clear error: never a panic, never an internal error, never partial data.

use std::sync::Arc;

use proptest::prelude::*;
use samenhang::api::{AppSchema, build_schema, prepare};
use samenhang::auth::{Principal, Role};
use samenhang::config::ServeArgs;
use samenhang::dataset;
use samenhang::graph::Snapshot;
use samenhang::service::{Draft, Service};
use serde_json::{Value, json};

use crate::helpers::TestDb;

/// A data file with some bytes changed, some removed and some repeated.
fn mutated(base: &'static str) -> impl Strategy<Value = String> {
    let len = base.len();
    prop::collection::vec((0..len, any::<u8>(), 0..3u8), 1..12).prop_map(move |edits| {
        let mut bytes = base.as_bytes().to_vec();
        for (at, byte, how) in edits {
            let at = at.min(bytes.len().saturating_sub(1));
            match how {
                0 => bytes[at] = byte,
                1 => {
                    bytes.drain(at..(at + 40).min(bytes.len()));
                }
                _ => {
                    let piece: Vec<u8> = bytes[at..(at + 60).min(bytes.len())].to_vec();
                    bytes.splice(at..at, piece);
                }
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Whatever the file, parsing and importing it into a draft gives an answer or errors
    /// that say where; nothing panics.
    #[test]
    fn the_import_parser_never_panics(text in prop_oneof![
        mutated(dataset::bundled("zutphen").unwrap()),
        mutated(dataset::bundled("dronten").unwrap()),
        "\\PC{0,400}",
        prop::collection::vec(prop_oneof![
            Just("version: 2\n"), Just("areas:\n"), Just("end: { areas: 1, partners: 1 }\n"), Just("  - slug: a\n"), Just("    name: A\n"),
            Just("    partners:\n"), Just("      - slug: p\n"), Just("        kind: other\n"),
            Just("        name: \"\\u0000\"\n"), Just("    interventions:\n"), Just("  &a [*a]\n"),
            Just("        start_year: 99999999999999999999\n"), Just("        start_year: -5\n"),
            Just("- [\n"), Just("{{{{\n"), Just("\t\n"), Just("        partners: [{partner: p, role: lead}]\n"),
        ], 0..40).prop_map(|parts| parts.concat()),
    ]) {
        match dataset::parse(&text) {
            Ok(file) => {
                let mut draft = Draft::new(Arc::new(Snapshot::build(Default::default(), 1)));
                if let Err(err) = dataset::import(&mut draft, &file, false) {
                    prop_assert_ne!(err.code(), "INTERNAL_SERVER_ERROR", "{}", err);
                    prop_assert!(!err.to_string().is_empty());
                }
            }
            Err(err) => {
                prop_assert_eq!(err.code(), "BAD_USER_INPUT", "{}", err);
                prop_assert!(!err.to_string().is_empty());
            }
        }
    }
}

/// Odd strings: empty, blank, huge, control characters, markup, accents, emoji.
fn odd_text() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("")),
        Just(json!("   ")),
        Just(json!("x".repeat(100_000))),
        Just(json!("Wonen & Werk <b>\"Bestaanszekerheid\"</b>")),
        Just(json!("nul\u{0}teken")),
        Just(json!(null)),
        Just(json!(42)),
        "\\PC{0,40}".prop_map(|s| json!(s)),
        "[a-z0-9-]{1,12}".prop_map(|s| json!(s)),
    ]
}

/// Odd numbers for years and amounts.
fn odd_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(i64::MAX)),
        Just(json!(i64::MIN)),
        Just(json!(u64::MAX)),
        Just(json!(1e300)),
        Just(json!(-1)),
        Just(json!(0)),
        Just(json!("2025")),
        Just(json!(null)),
        (1800..2200i64).prop_map(|y| json!(y)),
    ]
}

/// Ids: valid ones of the right and the wrong type, unknown ones, and junk.
fn odd_id(valid: Vec<String>) -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(valid).prop_map(|id| json!(id)),
        Just(json!("UGFydG5lcjo5OTk5OTk")),
        Just(json!("UGFydG5lcjotMQ")),
        Just(json!("")),
        Just(json!(null)),
        "\\PC{0,20}".prop_map(|s| json!(s)),
    ]
}

/// One mutation with random arguments.
fn odd_mutation(valid: Vec<String>) -> impl Strategy<Value = (String, Value)> {
    let id = move || odd_id(valid.clone());
    prop_oneof![
        (id(), odd_text(), odd_text(), odd_text()).prop_map(|(area, slug, name, description)| (
            "mutation($a: ID!, $s: String!, $n: String!, $d: String) { createPartner(input: { areaId: $a, slug: $s, name: $n, kind: OTHER, description: $d, aliases: [$n] }) { id } }".to_owned(),
            json!({ "a": area, "s": slug, "n": name, "d": description }),
        )),
        (id(), odd_text(), odd_number(), odd_number()).prop_map(|(area, slug, start, end)| (
            "mutation($a: ID!, $s: String!, $b: Int, $e: Int) { createIntervention(input: { areaId: $a, slug: $s, name: $s, startYear: $b, endYear: $e, targets: [$s] }) { id } }".to_owned(),
            json!({ "a": area, "s": slug, "b": start, "e": end }),
        )),
        (id(), id()).prop_map(|(goal, parent)| (
            "mutation($g: ID!, $p: ID) { updateGoal(id: $g, input: { parentId: $p }) { id } }".to_owned(),
            json!({ "g": goal, "p": parent }),
        )),
        (id(), id(), odd_number()).prop_map(|(intervention, stream, amount)| (
            "mutation($i: ID!, $f: ID!, $m: Int) { linkInterventionFunding(interventionId: $i, fundingStreamId: $f, amountEur: $m) { id } }".to_owned(),
            json!({ "i": intervention, "f": stream, "m": amount }),
        )),
        (id(), odd_text(), odd_number()).prop_map(|(partner, name, version)| (
            "mutation($p: ID!, $n: String, $v: Int) { updatePartner(id: $p, input: { name: $n, slug: $n }, version: $v) { id } }".to_owned(),
            json!({ "p": partner, "n": name, "v": version }),
        )),
        id().prop_map(|node| (
            "mutation($n: ID!) { deletePartner(id: $n) { id } }".to_owned(),
            json!({ "n": node }),
        )),
    ]
}

async fn ids(schema: &AppSchema, service: &Service) -> Vec<String> {
    let query = r#"{ area(slug: "lelystad-oost") { id }
        goals(first: 30) { nodes { id } } partners(first: 10) { nodes { id } }
        interventions(first: 10) { nodes { id } } fundingStreams(first: 10) { nodes { id } } }"#;
    let response = schema.execute(request(service, query, json!({}))).await;
    let data = response.data.into_json().expect("JSON");
    let mut ids = vec![data["area"]["id"].as_str().unwrap().to_owned()];
    for list in ["goals", "partners", "interventions", "fundingStreams"] {
        for node in data[list]["nodes"].as_array().unwrap() {
            ids.push(node["id"].as_str().unwrap().to_owned());
        }
    }
    ids
}

pub(crate) fn request(service: &Service, query: &str, variables: Value) -> async_graphql::Request {
    let admin = Principal::Token {
        name: "fuzz".into(),
        role: Role::Admin,
    };
    let request = async_graphql::Request::new(query)
        .variables(async_graphql::Variables::from_json(variables));
    prepare(request, service, admin)
}

fn mutations_never_fail_inside(db: TestDb) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (service, schema, valid) = runtime.block_on(async {
        let service = samenhang::cli::open(&db.url, true).await.expect("open");
        let limits = samenhang::server::limits(&ServeArgs::default());
        let schema = build_schema(service.clone(), limits);
        let valid = ids(&schema, &service).await;
        (service, schema, valid)
    });
    let config = ProptestConfig {
        cases: 96,
        ..ProptestConfig::default()
    };
    proptest!(config, |((query, variables) in odd_mutation(valid.clone()))| {
        runtime.block_on(async {
            let before = service.snapshot().version;
            let response = schema.execute(request(&service, &query, variables.clone())).await;
            let mut response = response;
            samenhang::api::add_error_codes(&mut response);
            for error in &response.errors {
                let code = error.extensions.as_ref().and_then(|x| x.get("code")).cloned();
                prop_assert_ne!(
                    code,
                    Some(async_graphql::Value::from("INTERNAL_SERVER_ERROR")),
                    "{} {} → {}", query, variables, error.message
                );
            }
            if !response.errors.is_empty() && response.data == async_graphql::Value::Null {
                prop_assert_eq!(service.snapshot().version, before, "a refused request wrote");
            }
            Ok(())
        })?;
    });
    runtime.block_on(async {
        let stored = service.store().load().await.expect("load");
        assert!(
            stored == service.snapshot().data,
            "the graph and the database differ"
        );
        service.store().clone().close().await.ok();
    });
    drop(db);
}

#[test]
fn mutations_never_fail_inside_sqlite() {
    mutations_never_fail_inside(TestDb::sqlite());
}

#[test]
fn mutations_never_fail_inside_postgres() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    if let Some(db) = runtime.block_on(TestDb::postgres()) {
        drop(runtime);
        mutations_never_fail_inside(db);
    }
}
