//! The data file: export then import into an empty database is lossless; a bad file is
//! refused as a whole with line, column and field; a failure halfway through a write leaves
//! nothing behind.

use samenhang::dataset::{self, BUNDLED};
use samenhang::error::Error;
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::errors::state;
use crate::helpers::{Backend, TestApp, TestDb, cli, db_test, end_record, spawn_app};

async fn import(app: &crate::helpers::TestApp, text: &str, replace: bool) -> Result<(), Error> {
    let file = dataset::parse(text)?;
    crate::helpers::import(&app.service, &file, replace)
        .await
        .map(|_| ())
}

async fn export_then_import_is_lossless(db: TestDb) {
    let source = spawn_app(db, true).await;
    for (_, text) in BUNDLED.iter().skip(1) {
        import(&source, text, false)
            .await
            .expect("bundled dataset imports");
    }
    let exported = source.export().await;
    let backend = source.db.backend;
    source.stop().await;

    let target_db = match backend {
        Backend::Sqlite => TestDb::sqlite(),
        Backend::Postgres => TestDb::postgres().await.expect("postgres configured"),
    };
    let target = spawn_app(target_db, false).await;
    import(&target, &exported, false).await.expect("re-import");
    assert_eq!(
        target.export().await,
        exported,
        "export → import → export must give the same file"
    );
    // The same holds for what a fresh load from the database gives.
    let stored = target.service.store().load().await.expect("load");
    assert!(
        stored == target.service.snapshot().data,
        "graph and database differ after import"
    );
}
db_test!(export_then_import_is_lossless);

/// One area with a partner working on one intervention: a whole file.
fn good_area() -> String {
    format!(
        "{GOOD_AREA}{}",
        end_record(&[
            ("areas", 1),
            ("partners", 1),
            ("interventions", 1),
            ("intervention_partners", 1)
        ])
    )
}

const GOOD_AREA: &str = "version: 2
areas:
  - slug: proef
    name: Proef
    partners:
      - slug: een
        name: Een
        kind: welfare
    interventions:
      - slug: actie
        name: Actie
        partners:
          executing: [een]
";

async fn malformed_files_are_refused_with_their_position(db: TestDb) {
    let app = spawn_app(db, true).await;
    let before = app.export().await;
    let whole = |body: &str, counts: &[(&str, u64)]| {
        format!("version: 2\nareas:\n{body}{}", end_record(counts))
    };
    let cases: Vec<(String, &str, Option<u64>)> = vec![
        // YAML syntax.
        ("version: 2\nareas: [ { slug: x, name: X\n".into(), "", Some(2)),
        // A misspelt field.
        (
            "version: 2\nareas:\n  - slug: x\n    nam: X\n".into(),
            "nam",
            Some(4),
        ),
        // An unknown enum value.
        (
            "version: 2\nareas:\n  - slug: x\n    name: X\n    partners:\n      - slug: a\n        name: A\n        kind: bank\n".into(),
            "bank",
            Some(8),
        ),
        // A number that does not fit.
        (
            "version: 2\nareas:\n  - slug: x\n    name: X\n    interventions:\n      - slug: i\n        name: I\n        start_year: 99999999999\n".into(),
            "",
            Some(8),
        ),
        // A reference to nothing.
        (
            whole(
                "  - slug: x\n    name: X\n    interventions:\n      - slug: i\n        name: I\n        partners:\n          lead: [nobody]\n",
                &[("areas", 1), ("interventions", 1), ("intervention_partners", 1)],
            ),
            "areas[0].interventions[0].partners.lead[0]",
            Some(9),
        ),
        // A slug used twice.
        (
            whole(
                "  - slug: x\n    name: X\n    wijken:\n      - slug: w\n        name: W\n      - slug: w\n        name: W2\n",
                &[("areas", 1), ("wijken", 2)],
            ),
            "areas[0].wijken[1].slug",
            Some(8),
        ),
        // Years out of range and in the wrong order.
        (
            whole(
                "  - slug: x\n    name: X\n    funding_streams:\n      - slug: f\n        name: F\n        kind: spuk\n        start_year: 2030\n        end_year: 2020\n",
                &[("areas", 1), ("funding_streams", 1)],
            ),
            "areas[0].funding_streams[0].end_year",
            Some(6),
        ),
        // An area that exists already.
        (
            whole("  - slug: lelystad-oost\n    name: Twee\n", &[("areas", 1)]),
            "exists already",
            Some(3),
        ),
        // A format version this build does not read.
        ("version: 3\nareas: []\n".into(), "version", Some(1)),
        // Version 1 had no `end` record: refused, with the record to add.
        (
            "version: 1\nareas:\n  - slug: x\n    name: X\n".into(),
            "set `version: 2` and add at its end\nend:\n  areas: 1\n  wijken: 0",
            Some(1),
        ),
        // `end` must come last, or a cut after it would go unnoticed.
        (
            format!("{}version: 2\n", end_record(&[]).replace("end:", "areas: []\nend:")),
            "`end` must be the last key",
            Some(end_record(&[]).lines().count() as u64 + 2),
        ),
    ];
    for (text, expected, line) in &cases {
        let err = import(&app, text, false).await.expect_err(text);
        let Error::Invalid(problems) = &err else {
            panic!("{text}: not an input error: {err}")
        };
        let message = err.to_string();
        assert!(message.contains(expected), "{text}\n→ {message}");
        if let Some(line) = line {
            assert_eq!(
                problems[0].position.map(|p| p.0),
                Some(*line),
                "{text}\n→ {message}"
            );
        }
    }
    // Every problem of a file is reported at once.
    let dangling = whole(
        "  - slug: x\n    name: X\n    interventions:\n      - slug: i\n        name: I\n        goals: [a, b]\n        wijken: [c]\n",
        &[
            ("areas", 1),
            ("interventions", 1),
            ("intervention_goals", 2),
            ("intervention_wijken", 1),
        ],
    );
    let err = import(&app, &dangling, false)
        .await
        .expect_err("three dangling references");
    assert!(matches!(&err, Error::Invalid(p) if p.len() == 3), "{err}");

    // A file whose second area is broken imports nothing, not even the first area.
    let two = format!(
        "{GOOD_AREA}  - slug: kapot\n    name: Kapot\n    wijken:\n      - slug: Niet Goed\n        name: X\n{}",
        end_record(&[
            ("areas", 2),
            ("wijken", 1),
            ("partners", 1),
            ("interventions", 1),
            ("intervention_partners", 1)
        ])
    );
    assert!(import(&app, &two, false).await.is_err());
    assert_eq!(app.export().await, before, "refused files changed the data");

    // The same file without the broken area imports; importing it again is refused, and
    // --replace replaces it.
    import(&app, &good_area(), false).await.expect("good file");
    assert!(import(&app, &good_area(), false).await.is_err());
    let renamed = good_area().replace("name: Actie", "name: Andere actie");
    import(&app, &renamed, true).await.expect("replace");
    let data = app.data(r#"{ area(slug: "proef") { interventions { nodes { name } } partners { totalCount } } }"#, json!({})).await;
    assert_eq!(
        data["area"]["interventions"]["nodes"],
        json!([{ "name": "Andere actie" }])
    );
    assert_eq!(data["area"]["partners"]["totalCount"], 1);
}
db_test!(malformed_files_are_refused_with_their_position);

/// The places a file can be cut at a line boundary so that it still looks like YAML: without
/// its last kilobyte, halfway, just before the `end` record, right after `end:`, after its
/// first count and before its last.
fn cuts(text: &str) -> Vec<(&'static str, String)> {
    let through_line = |at: usize| text[..=text[..at].rfind('\n').expect("a line")].to_owned();
    let end = text.find("\nend:\n").expect("an end record") + 1;
    let after_end_line = |lines: usize| {
        text[end..]
            .split_inclusive('\n')
            .take(lines)
            .fold(text[..end].to_owned(), |cut, line| cut + line)
    };
    let counts = text[end..].lines().count();
    vec![
        ("without its last kilobyte", through_line(text.len() - 1024)),
        ("halfway", through_line(text.len() / 2)),
        ("just before `end`", text[..end].to_owned()),
        ("right after `end:`", after_end_line(1)),
        ("after the first count", after_end_line(2)),
        ("before the last count", after_end_line(counts - 1)),
    ]
}

/// Regression (issue "Bounded work for every request"): a data file or an export cut off at a
/// line boundary used to import what was left without a word. Now every cut is refused, by
/// the import command too, and nothing is written.
async fn cut_off_files_are_refused_and_change_nothing(db: TestDb) {
    let app = spawn_app(db, true).await;
    let before = state(&app).await;
    let version = app.health().await["graphVersion"].clone();
    let audited = audit_entries(&app).await;
    let bundled = dataset::bundled("lelystad-oost").expect("bundled");
    let dir = tempfile::tempdir().expect("temporary directory");
    for (source, text) in [
        ("the bundled file", bundled),
        ("an export", before.1.as_str()),
    ] {
        // Every cut both ways: as a new area and replacing the existing one.
        for (place, cut) in cuts(text) {
            for replace in [false, true] {
                let err = import(&app, &cut, replace)
                    .await
                    .expect_err("a cut-off file is refused");
                let message = err.to_string();
                assert_eq!(err.code(), "BAD_USER_INPUT", "{source} {place}: {message}");
                assert!(message.contains("cut off"), "{source} {place}: {message}");
            }
        }
        // The command line says so too, and exits with 2.
        for (place, cut) in cuts(text) {
            let file = dir.path().join("cut.yaml");
            std::fs::write(&file, &cut).expect("write the cut file");
            let file = file.to_str().expect("path");
            for args in [vec!["import", file], vec!["import", "--replace", file]] {
                let refused = cli(&app.db, dir.path(), &args);
                let stderr = String::from_utf8_lossy(&refused.stderr);
                assert_eq!(refused.status.code(), Some(2), "{source} {place}: {stderr}");
                assert!(stderr.contains("cut off"), "{source} {place}: {stderr}");
            }
        }
    }
    // The whole export still imports (as a dry run: the area exists).
    let file = dir.path().join("whole.yaml");
    std::fs::write(&file, &before.1).expect("write the export");
    let whole = cli(
        &app.db,
        dir.path(),
        &["import", "--replace", "--dry-run", file.to_str().unwrap()],
    );
    assert!(
        whole.status.success(),
        "{}",
        String::from_utf8_lossy(&whole.stderr)
    );
    // Its summary counts clusters, in the API's word.
    let summary = String::from_utf8_lossy(&whole.stdout);
    assert!(summary.contains(" clusters, "), "{summary}");
    assert!(!summary.contains("programme"), "{summary}");

    assert_eq!(
        app.health().await["graphVersion"],
        version,
        "the graph moved"
    );
    assert!(
        state(&app).await == before,
        "the graph or the database changed"
    );
    assert_eq!(audit_entries(&app).await, audited, "the audit trail grew");
    app.stop().await;
}
db_test!(cut_off_files_are_refused_and_change_nothing);

/// How many entries the audit trail holds.
async fn audit_entries(app: &TestApp) -> u64 {
    let all = samenhang::store::AuditFilter::default();
    let (_, total) = app
        .service
        .store()
        .audit_log(&all, None, 1)
        .await
        .expect("audit");
    total
}

/// Makes the database refuse any partner called "boom", behind the service's back.
async fn install_failing_trigger(db: &TestDb) {
    let conn = db.connect().await;
    match db.backend {
        Backend::Sqlite => {
            conn.execute_unprepared(
                "CREATE TRIGGER boom BEFORE INSERT ON partner WHEN NEW.name = 'boom' \
                 BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
            )
            .await
            .expect("trigger");
        }
        Backend::Postgres => {
            conn.execute_unprepared(
                "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN \
                   IF NEW.name = 'boom' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; \
                 END $$ LANGUAGE plpgsql; \
                 CREATE TRIGGER boom BEFORE INSERT ON partner FOR EACH ROW EXECUTE FUNCTION boom();",
            )
            .await
            .expect("trigger");
        }
    }
    conn.close().await.ok();
}

async fn a_write_that_fails_in_the_database_changes_nothing(db: TestDb) {
    let app = spawn_app(db, true).await;
    install_failing_trigger(&app.db).await;
    let before_graph = app.export().await;
    let before_version = app.service.snapshot().version;
    let before_audit = audit_entries(&app).await;

    // A multi-row write: the area, a wijk and a first partner are written before the
    // database refuses the second partner.
    let file = format!(
        "version: 2
areas:
  - slug: halfweg
    name: Halfweg
    wijken:
      - slug: w
        name: W
    partners:
      - slug: eerst
        name: Eerst
        kind: other
      - slug: boem
        name: boom
        kind: other
{}",
        end_record(&[("areas", 1), ("wijken", 1), ("partners", 2)])
    );
    let err = import(&app, &file, false)
        .await
        .expect_err("the database refuses");
    assert_eq!(err.code(), "INTERNAL_SERVER_ERROR", "{err}");
    assert_eq!(
        app.service.snapshot().version,
        before_version,
        "the graph moved"
    );
    assert_eq!(app.export().await, before_graph, "the graph changed");
    let stored = app.service.store().load().await.expect("load");
    assert!(
        stored == app.service.snapshot().data,
        "the database kept part of the write"
    );
    assert_eq!(
        audit_entries(&app).await,
        before_audit,
        "the audit trail kept part of it"
    );

    // Over the API the failure is an opaque internal error, and the next write works.
    let area = app.id_of("area", "lelystad-oost").await;
    let error = app
        .error(
            "mutation($a: ID!) { createPartner(input: { areaId: $a, slug: \"b\", name: \"boom\", kind: OTHER }) { id } }",
            json!({ "a": area }),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "INTERNAL_SERVER_ERROR");
    assert_eq!(
        error["message"], "internal server error",
        "no database detail leaks"
    );
    app.data(
        "mutation($a: ID!) { createPartner(input: { areaId: $a, slug: \"b\", name: \"Geen boom\", kind: OTHER }) { id } }",
        json!({ "a": area }),
    )
    .await;
    let stored = app.service.store().load().await.expect("load");
    assert!(stored == app.service.snapshot().data);
}
db_test!(a_write_that_fails_in_the_database_changes_nothing);

/// PostgreSQL aborts a transaction that conflicts with another (SQLSTATE 40001): the write is
/// run again and lands once; a conflict that does not go away is an internal error that
/// changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_conflicts_are_retried() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let app = spawn_app(db, true).await;
    let conn = app.db.connect().await;
    conn.execute_unprepared(
        "CREATE SEQUENCE conflicts; \
         CREATE FUNCTION conflict() RETURNS trigger AS $$ BEGIN \
           IF nextval('conflicts') <= 2 OR NEW.slug = 'altijd' THEN \
             RAISE EXCEPTION 'injected conflict' USING ERRCODE = '40001'; \
           END IF; RETURN NEW; \
         END $$ LANGUAGE plpgsql; \
         CREATE TRIGGER conflict BEFORE INSERT ON wijk FOR EACH ROW EXECUTE FUNCTION conflict();",
    )
    .await
    .expect("trigger");
    let area = app.id_of("area", "lelystad-oost").await;
    let create = "mutation($a: ID!, $s: String!) { createWijk(input: { areaId: $a, slug: $s, name: $s }) { slug } }";
    let created = app
        .data(create, json!({ "a": area, "s": "derde-keer" }))
        .await;
    assert_eq!(created["createWijk"]["slug"], "derde-keer");
    let attempts = conn
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT last_value FROM conflicts",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap();
    assert_eq!(attempts, 3, "two conflicts, then the write landed");
    let audited = app
        .data(
            "{ auditLog(filter: { operation: \"createWijk\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(audited["auditLog"]["totalCount"], 1);

    let before = app.export().await;
    let error = app.error(create, json!({ "a": area, "s": "altijd" })).await;
    assert_eq!(error["extensions"]["code"], "INTERNAL_SERVER_ERROR");
    assert_eq!(app.export().await, before);
    let stored = app.service.store().load().await.expect("load");
    assert!(stored == app.service.snapshot().data);
    conn.close().await.ok();
}
