//! The data file: export then import into an empty database is lossless; a bad file is
//! refused as a whole with line, column and field; a failure halfway through a write leaves
//! nothing behind.

use samenhang::dataset::{self, BUNDLED};
use samenhang::error::Error;
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::helpers::{Backend, TestDb, db_test, spawn_app};

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

const GOOD_AREA: &str = "version: 1
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
    let cases: &[(&str, &str, Option<u64>)] = &[
        // YAML syntax.
        ("version: 1\nareas: [ { slug: x, name: X\n", "", Some(2)),
        // A misspelt field.
        (
            "version: 1\nareas:\n  - slug: x\n    nam: X\n",
            "nam",
            Some(4),
        ),
        // An unknown enum value.
        (
            "version: 1\nareas:\n  - slug: x\n    name: X\n    partners:\n      - slug: a\n        name: A\n        kind: bank\n",
            "bank",
            Some(8),
        ),
        // A number that does not fit.
        (
            "version: 1\nareas:\n  - slug: x\n    name: X\n    interventions:\n      - slug: i\n        name: I\n        start_year: 99999999999\n",
            "",
            Some(8),
        ),
        // A reference to nothing.
        (
            "version: 1\nareas:\n  - slug: x\n    name: X\n    interventions:\n      - slug: i\n        name: I\n        partners:\n          lead: [nobody]\n",
            "areas[0].interventions[0].partners.lead[0]",
            Some(9),
        ),
        // A slug used twice.
        (
            "version: 1\nareas:\n  - slug: x\n    name: X\n    wijken:\n      - slug: w\n        name: W\n      - slug: w\n        name: W2\n",
            "areas[0].wijken[1].slug",
            Some(8),
        ),
        // Years out of range and in the wrong order.
        (
            "version: 1\nareas:\n  - slug: x\n    name: X\n    funding_streams:\n      - slug: f\n        name: F\n        kind: spuk\n        start_year: 2030\n        end_year: 2020\n",
            "areas[0].funding_streams[0].end_year",
            Some(6),
        ),
        // An area that exists already.
        (
            "version: 1\nareas:\n  - slug: lelystad-oost\n    name: Twee\n",
            "exists already",
            Some(3),
        ),
        // A format version this build does not read.
        ("version: 2\nareas: []\n", "version", Some(1)),
    ];
    for (text, expected, line) in cases {
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
    let err = import(
        &app,
        "version: 1\nareas:\n  - slug: x\n    name: X\n    interventions:\n      - slug: i\n        name: I\n        goals: [a, b]\n        wijken: [c]\n",
        false,
    )
    .await
    .expect_err("three dangling references");
    assert!(matches!(&err, Error::Invalid(p) if p.len() == 3), "{err}");

    // A file whose second area is broken imports nothing, not even the first area.
    let two = format!(
        "{GOOD_AREA}  - slug: kapot\n    name: Kapot\n    wijken:\n      - slug: Niet Goed\n        name: X\n"
    );
    assert!(import(&app, &two, false).await.is_err());
    assert_eq!(app.export().await, before, "refused files changed the data");

    // The same file without the broken area imports; importing it again is refused, and
    // --replace replaces it.
    import(&app, GOOD_AREA, false).await.expect("good file");
    assert!(import(&app, GOOD_AREA, false).await.is_err());
    let renamed = GOOD_AREA.replace("name: Actie", "name: Andere actie");
    import(&app, &renamed, true).await.expect("replace");
    let data = app.data(r#"{ area(slug: "proef") { interventions { nodes { name } } partners { totalCount } } }"#, json!({})).await;
    assert_eq!(
        data["area"]["interventions"]["nodes"],
        json!([{ "name": "Andere actie" }])
    );
    assert_eq!(data["area"]["partners"]["totalCount"], 1);
}
db_test!(malformed_files_are_refused_with_their_position);

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
    let audited = || async {
        let all = samenhang::store::AuditFilter::default();
        app.service
            .store()
            .audit_log(&all, None, 1)
            .await
            .expect("audit")
            .1
    };
    let before_audit = audited().await;

    // A multi-row write: the area, a wijk and a first partner are written before the
    // database refuses the second partner.
    let file = "version: 1
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
";
    let err = import(&app, file, false)
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
        audited().await,
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
