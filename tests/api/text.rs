//! Text no database or export format can hold (NUL and the other C0 controls, the Unicode
//! non-characters) is refused alike on SQLite and PostgreSQL, through the API and in data
//! files; and text stored before that rule still exports readably in every format.
//!
//! Regression tests for the issue "Bounded work for every request": a NUL in a name was stored
//! on SQLite and an internal error on PostgreSQL, and U+FFFE or a NUL broke the XML and DOT
//! exports.

use samenhang::domain::is_storable;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{Value, json};

use crate::errors::{refused, state};
use crate::helpers::{Backend, TestDb, cli, db_test, end_record, spawn_app};
use crate::maps::{Download, download};

/// One of each kind of character that cannot be stored.
const UNSTORABLE: [char; 6] = [
    '\u{0}',
    '\u{1}',
    '\u{FFFE}',
    '\u{FFFF}',
    '\u{FDD0}',
    '\u{1FFFF}',
];

async fn unstorable_text_is_refused_through_the_api(db: TestDb) {
    let app = spawn_app(db, true).await;
    let area = app.id_of("area", "lelystad-oost").await;
    let halt = app.id_of("partner", "halt").await;
    let create = "mutation($i: CreatePartnerInput!) { createPartner(input: $i) { id } }";
    let update =
        "mutation($id: ID!, $i: UpdatePartnerInput!) { updatePartner(id: $id, input: $i) { id } }";
    for c in UNSTORABLE {
        let text = format!("Wonen{c}Werk");
        for (field, value, reported) in [
            ("name", json!(text), "name"),
            ("description", json!(text), "description"),
            ("aliases", json!(["Gewoon", text]), "aliases[1]"),
        ] {
            let mut input =
                json!({ "areaId": area, "slug": "nieuw", "name": "Nieuw", "kind": "OTHER" });
            input[field] = value.clone();
            let create_vars = json!({ "i": input });
            refused(&app, create, create_vars, "BAD_USER_INPUT", Some(reported)).await;
            let update_vars = json!({ "id": halt, "i": { field: value } });
            refused(&app, update, update_vars, "BAD_USER_INPUT", Some(reported)).await;
        }
    }

    // The notes of links, and what an admin sends that reaches the database.
    let intervention = app.id_of("intervention", "pmg-kapot-sterk").await;
    let stream = app.id_of("fundingStream", "spuk-re-integratie").await;
    let nul = "a\u{0}b";
    for (query, variables, field) in [
        (
            "mutation($i: ID!, $f: ID!, $n: String) { linkInterventionFunding(interventionId: $i, fundingStreamId: $f, note: $n) { id } }",
            json!({ "i": intervention, "f": stream, "n": nul }),
            "note",
        ),
        (
            "mutation($n: String!) { createApiToken(name: $n, role: VIEWER) { token } }",
            json!({ "n": nul }),
            "name",
        ),
        (
            "mutation($n: String!) { revokeApiToken(name: $n) { name } }",
            json!({ "n": nul }),
            "name",
        ),
        (
            "query($f: AuditLogFilter) { auditLog(filter: $f) { totalCount } }",
            json!({ "f": { "actor": nul } }),
            "filter.actor",
        ),
        (
            "query($f: AuditLogFilter) { auditLog(filter: $f) { totalCount } }",
            json!({ "f": { "operation": nul } }),
            "filter.operation",
        ),
    ] {
        refused(&app, query, variables, "BAD_USER_INPUT", Some(field)).await;
    }

    // A lone surrogate cannot even be sent: the JSON parser refuses its escape.
    let before = state(&app).await;
    let body = format!(
        r#"{{"query":"mutation($id: ID!, $i: UpdatePartnerInput!) {{ updatePartner(id: $id, input: $i) {{ id }} }}","variables":{{"id":"{halt}","i":{{"name":"a\ud800b"}}}}}}"#
    );
    let response = app
        .client
        .post(format!("{}/graphql", app.base))
        .bearer_auth(&app.token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("request sent");
    assert_eq!(response.status(), 400, "a lone surrogate is a bad request");
    assert!(
        state(&app).await == before,
        "a lone surrogate changed the data"
    );

    // Tab, line breaks, U+FFFD and characters outside the first plane are text like any other.
    let fine = "Wonen\t& Werk \u{FFFD} \u{1F3E0}\r\nregel 2";
    let created = app
        .data(
            create,
            json!({ "i": { "areaId": area, "slug": "nieuw", "name": "Nieuw", "kind": "OTHER",
                          "description": fine, "aliases": [fine] } }),
        )
        .await;
    assert!(created["createPartner"]["id"].is_string());
    app.stop().await;
}
db_test!(unstorable_text_is_refused_through_the_api);

/// A data file with one partner, one funding stream and one intervention; `value` goes into
/// the field `field` (as it is written: quoted with escapes, or with the character itself).
fn data_file(field: &str, value: &str) -> String {
    let fill = |name: &str| if name == field { value } else { "gewoon" };
    format!(
        "version: 2
areas:
  - slug: tekst
    name: Tekst
    partners:
      - slug: p
        name: {}
        kind: other
        description: {}
        aliases: [{}]
    funding_streams:
      - slug: f
        name: F
        kind: spuk
    interventions:
      - slug: i
        name: I
        notes: {}
        targets: [{}]
        funding:
          - stream: f
            note: {}
{}",
        fill("name"),
        fill("description"),
        fill("alias"),
        fill("notes"),
        fill("target"),
        fill("note"),
        end_record(&[
            ("areas", 1),
            ("partners", 1),
            ("funding_streams", 1),
            ("interventions", 1),
            ("intervention_funding", 1),
        ]),
    )
}

/// Each field of [`data_file`]: the path reported for it, the line of its record, and the
/// line and column where its value starts.
const FIELDS: [(&str, &str, u64, (u64, u64)); 6] = [
    ("name", "areas[0].partners[0].name", 6, (7, 15)),
    (
        "description",
        "areas[0].partners[0].description",
        6,
        (9, 22),
    ),
    ("alias", "areas[0].partners[0].aliases[0]", 6, (10, 19)),
    ("notes", "areas[0].interventions[0].notes", 16, (18, 16)),
    (
        "target",
        "areas[0].interventions[0].targets[0]",
        16,
        (19, 19),
    ),
    (
        "note",
        "areas[0].interventions[0].funding[0].note",
        21,
        (22, 19),
    ),
];

async fn unstorable_text_is_refused_in_data_files(db: TestDb) {
    let app = spawn_app(db, true).await;
    let before = state(&app).await;
    let import = |text: String| {
        let service = app.service.clone();
        async move {
            let file = samenhang::dataset::parse(&text)?;
            crate::helpers::import(&service, &file, false).await
        }
    };
    assert!(
        import(data_file("", "")).await.is_ok(),
        "the file without odd characters imports"
    );
    let with_tekst = state(&app).await;
    let dir = tempfile::tempdir().expect("temporary directory");
    for c in UNSTORABLE {
        let code = format!("U+{:04X}", u32::from(c));
        for (field, path, record_line, (line, column)) in FIELDS {
            // Escaped in a quoted string: found after parsing, at the record.
            let escaped = data_file(field, &format!("\"Wonen\\U{:08X}Werk\"", u32::from(c)));
            let err = import(escaped.replace("slug: tekst", "slug: tekst-2"))
                .await
                .expect_err("an escaped character is refused");
            let samenhang::error::Error::Invalid(problems) = &err else {
                panic!("{field} {code}: not an input error: {err}");
            };
            assert_eq!(problems[0].field, path, "{field} {code}: {err}");
            assert_eq!(
                problems[0].position.map(|p| p.0),
                Some(record_line),
                "{field} {code}: {err}"
            );
            assert!(problems[0].message.contains(&code), "{field} {code}: {err}");

            // The character itself: found before parsing, at its line and column.
            let literal = data_file(field, &format!("Wonen{c}Werk"));
            let err = import(literal.replace("slug: tekst", "slug: tekst-3"))
                .await
                .expect_err("a literal character is refused");
            let samenhang::error::Error::Invalid(problems) = &err else {
                panic!("{field} {code}: not an input error: {err}");
            };
            assert_eq!(
                problems[0].position,
                Some((line, column + 5)),
                "{field} {code}: {err}"
            );
            assert!(problems[0].message.contains(&code), "{field} {code}: {err}");

            // The import command says the same, with the line, and exits with 2.
            for (how, text) in [("escaped", &escaped), ("literal", &literal)] {
                let path = dir.path().join(format!("{how}.yaml"));
                std::fs::write(&path, text).expect("write the file");
                let refused = cli(
                    &app.db,
                    dir.path(),
                    &["import", "--replace", path.to_str().unwrap()],
                );
                let stderr = String::from_utf8_lossy(&refused.stderr);
                assert_eq!(
                    refused.status.code(),
                    Some(2),
                    "{how} {field} {code}: {stderr}"
                );
                assert!(
                    stderr.contains(&code) && stderr.contains("line "),
                    "{how} {field} {code}: {stderr}"
                );
            }
        }
    }
    assert!(
        state(&app).await == with_tekst,
        "a refused file changed the data"
    );
    assert_ne!(before.1, with_tekst.1);
    app.stop().await;
}
db_test!(unstorable_text_is_refused_in_data_files);

/// Writes text into a column straight through SQL, around the service.
async fn write_around_the_service(db: &TestDb, table: &str, column: &str, slug: &str, text: &str) {
    let (backend, sql) = match db.backend {
        Backend::Sqlite => (
            DbBackend::Sqlite,
            format!("UPDATE {table} SET {column} = ? WHERE slug = ?"),
        ),
        Backend::Postgres => (
            DbBackend::Postgres,
            format!("UPDATE {table} SET {column} = $1 WHERE slug = $2"),
        ),
    };
    let conn = db.connect().await;
    let done = conn
        .execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [text.into(), slug.into()],
        ))
        .await
        .expect("update around the service");
    assert_eq!(done.rows_affected(), 1, "{table} {slug}");
    conn.close().await.ok();
}

/// Whether a text holds only characters every format can carry.
fn readable(text: &str) -> bool {
    text.chars().all(is_storable)
}

async fn text_stored_before_the_rule_still_exports(db: TestDb) {
    let app = spawn_app(db, true).await;
    let db = app.stop().await;
    // PostgreSQL cannot hold a NUL at all; SQLite took one before the rule.
    let odd: String = UNSTORABLE
        .iter()
        .filter(|c| db.backend == Backend::Sqlite || **c != '\u{0}')
        .collect();
    let name = |base: &str| format!("{base} {odd} <&> \"'");
    for (table, column, slug, base) in [
        ("area", "name", "lelystad-oost", "Lelystad"),
        ("programme", "name", "veilige-wijken", "Veilig"),
        ("partner", "name", "halt", "Halt"),
        ("partner", "description", "halt", "Over Halt"),
        ("intervention", "name", "pmg-publiekscampagne", "Campagne"),
    ] {
        write_around_the_service(&db, table, column, slug, &name(base)).await;
    }
    let app = spawn_app(db, false).await;
    let snapshot = app.service.snapshot();
    assert!(
        snapshot.data.partners.values().any(|p| !readable(&p.name)),
        "the odd name was loaded"
    );

    let formats = [
        "gexf",
        "graphml",
        "svg",
        "cyjs",
        "dot",
        "nodes.csv",
        "edges.csv",
    ];
    for view in ["collaboration", "bipartite", "full", "ego"] {
        for ext in formats {
            let query = if view == "ego" {
                "?node=partner:halt"
            } else {
                ""
            };
            let path = format!("/maps/{view}.{ext}{query}");
            let Download { status, body, .. } = download(&app, &path).await;
            assert_eq!(status, 200, "{path}");
            assert!(readable(&body), "{path} holds a character it cannot carry");
            // The edge list holds slugs and relations only.
            if ext != "edges.csv" {
                assert!(body.contains('\u{FFFD}'), "{path} lost the odd name");
            }
            match ext {
                "gexf" | "graphml" | "svg" => {
                    if let Err(err) = roxmltree::Document::parse(&body) {
                        panic!("{path} is not XML: {err}");
                    }
                }
                "cyjs" => {
                    serde_json::from_str::<Value>(&body)
                        .unwrap_or_else(|e| panic!("{path} is not JSON: {e}"));
                }
                _ => {}
            }
        }
    }
    // The same document through GraphQL.
    let map = app
        .data(
            "{ networkMap(view: FULL, format: GRAPHML) { document } }",
            json!({}),
        )
        .await;
    let document = map["networkMap"]["document"].as_str().expect("document");
    roxmltree::Document::parse(document).expect("GraphQL's GraphML is XML");

    // The data file: readable, and it imports into an empty database.
    let exported = app.export().await;
    assert!(readable(&exported));
    let file = samenhang::dataset::parse(&exported).expect("the export parses");
    let mut draft =
        samenhang::service::Draft::new(std::sync::Arc::new(samenhang::graph::Snapshot::empty()));
    samenhang::dataset::import(&mut draft, &file, false).expect("the export imports");
    let halt = file.areas[0]
        .partners
        .iter()
        .find(|p| p.slug.value == "halt")
        .expect("halt");
    assert!(halt.name.starts_with("Halt \u{FFFD}"), "{}", halt.name);
    // The maps page lists the odd names readably too.
    assert!(readable(&download(&app, "/maps").await.body));
    app.stop().await;
}
db_test!(text_stored_before_the_rule_still_exports);
