//! Issue 11, "One shape everywhere": every node has `createdAt` and `updatedAt` (`DateTime`,
//! RFC 3339 in UTC), set by the write that creates or changes the node's own record, kept
//! across a restart and followed by another process through the change log.

use std::time::Duration;

use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestDb, db_test, spawn_app};

const TIMES: &str = "query($id: ID!) { node(id: $id) { version createdAt updatedAt } }";

/// Milliseconds since the Unix epoch, now.
fn now_ms() -> i64 {
    samenhang::store::now_ms()
}

/// A `DateTime` as milliseconds, checking its form: RFC 3339 in UTC with a `Z`.
fn ms(value: &Value) -> i64 {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a time: {value}"));
    assert_eq!(text.len(), "2026-11-30T19:55:56.000Z".len(), "{text}");
    assert!(text.ends_with('Z') && &text[10..11] == "T", "{text}");
    chrono::DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .timestamp_millis()
}

/// A node's version and its two times, as milliseconds.
async fn times(app: &TestApp, id: &str) -> (i64, i64, i64) {
    let node = app.data(TIMES, json!({ "id": id })).await["node"].clone();
    let version = node["version"].as_i64().expect("version");
    (version, ms(&node["createdAt"]), ms(&node["updatedAt"]))
}

/// Creates the partner `nieuw` in Lelystad Oost; its ID.
async fn create_partner(app: &TestApp) -> String {
    let area = app.id_of("area", "lelystad-oost").await;
    let data = app
        .data(
            "mutation($a: ID!) { createPartner(input: { areaId: $a, slug: \"nieuw\", name: \"Nieuw\", kind: BUSINESS }) { id createdAt updatedAt } }",
            json!({ "a": area }),
        )
        .await;
    let created = &data["createPartner"];
    assert_eq!(created["createdAt"], created["updatedAt"], "{created:#}");
    created["id"].as_str().expect("id").to_owned()
}

/// Renames a partner; the mutation's answer.
async fn rename(app: &TestApp, id: &str, name: &str) -> Value {
    app.data(
        "mutation($id: ID!, $n: String!) { updatePartner(id: $id, input: { name: $n }) { version createdAt updatedAt } }",
        json!({ "id": id, "n": name }),
    )
    .await["updatePartner"]
        .clone()
}

/// The time of the last audit entry of an operation.
async fn audited_at(app: &TestApp, operation: &str) -> i64 {
    let data = app
        .data(
            "query($o: String) { auditLog(filter: { operation: $o }, first: 1) { nodes { at } } }",
            json!({ "o": operation }),
        )
        .await;
    ms(&data["auditLog"]["nodes"][0]["at"])
}

async fn a_created_node_has_both_times_at_its_write(db: TestDb) {
    let app = spawn_app(db, true).await;
    let before = now_ms();
    let id = create_partner(&app).await;
    let after = now_ms();
    let (version, created, updated) = times(&app, &id).await;
    assert_eq!(version, 1);
    assert_eq!(created, updated);
    assert!(
        (before..=after).contains(&created),
        "{created} not in {before}..={after}"
    );
    // The same time as the change the audit trail records.
    assert_eq!(created, audited_at(&app, "createPartner").await);
}
db_test!(a_created_node_has_both_times_at_its_write);

async fn an_update_moves_updated_at_and_keeps_created_at(db: TestDb) {
    let app = spawn_app(db, true).await;
    let id = create_partner(&app).await;
    let (_, created, first) = times(&app, &id).await;
    // Two writes a clock tick apart, so their times can differ.
    tokio::time::sleep(Duration::from_millis(5)).await;
    let answer = rename(&app, &id, "Nieuwer").await;
    assert_eq!(answer["version"], 2);
    let (version, created_now, updated) = times(&app, &id).await;
    assert_eq!(version, 2);
    assert_eq!(created_now, created, "createdAt stays");
    assert!(updated > first, "updatedAt moves: {updated} after {first}");
    assert_eq!(ms(&answer["updatedAt"]), updated, "the answer shows it");
    assert_eq!(updated, audited_at(&app, "updatePartner").await);

    // A link is not the partner's own record: its times stay.
    let intervention = app.id_of("intervention", "vw-boost-buddy").await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    app.data(
        "mutation($i: ID!, $p: ID!) { linkPartnerToIntervention(interventionId: $i, partnerId: $p) { partner { id } } }",
        json!({ "i": intervention, "p": id }),
    )
    .await;
    assert_eq!(times(&app, &id).await, (2, created, updated));
    // Nor does an update that changes nothing.
    rename(&app, &id, "Nieuwer").await;
    assert_eq!(times(&app, &id).await, (2, created, updated));
}
db_test!(an_update_moves_updated_at_and_keeps_created_at);

async fn a_rolled_back_request_changes_no_times(db: TestDb) {
    let app = spawn_app(db, true).await;
    let halt = app.id_of("partner", "halt").await;
    let before = times(&app, &halt).await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    let body = app
        .graphql(
            "mutation($p: ID!) { a: updatePartner(id: $p, input: { name: \"Anders\" }) { updatedAt } b: updatePartner(id: \"nope\", input: { name: \"X\" }) { id } }",
            json!({ "p": halt }),
        )
        .await;
    assert_eq!(body["data"], Value::Null, "{body:#}");
    assert_eq!(times(&app, &halt).await, before);
    let stored = app.db.connect().await;
    let row = stored
        .query_one_raw(sea_orm::Statement::from_string(
            stored.get_database_backend(),
            "SELECT created_at, updated_at FROM partner WHERE slug = 'halt'",
        ))
        .await
        .expect("query")
        .expect("the partner");
    let column = |name: &str| row.try_get::<i64>("", name).expect(name);
    assert_eq!(
        (1, column("created_at"), column("updated_at")),
        before,
        "the database holds the times the graph shows"
    );
}
db_test!(a_rolled_back_request_changes_no_times);

async fn times_survive_a_restart(db: TestDb) {
    let app = spawn_app(db, true).await;
    let id = create_partner(&app).await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    rename(&app, &id, "Nieuwer").await;
    let halt = app.id_of("partner", "halt").await;
    let shown = (times(&app, &id).await, times(&app, &halt).await);
    assert_ne!(shown.0.1, shown.0.2, "created and updated apart");
    let db = app.stop().await;

    let app = spawn_app(db, true).await;
    assert_eq!((times(&app, &id).await, times(&app, &halt).await), shown);
}
db_test!(times_survive_a_restart);

async fn the_bundled_data_has_its_load_time(db: TestDb) {
    let before = now_ms();
    let app = spawn_app(db, true).await;
    let after = now_ms();
    let fields = "nodes { createdAt updatedAt }";
    let data = app
        .data(
            &format!(
                "{{ areas {{ {fields} }} programmes(first: 500) {{ {fields} }} goals(first: 500) {{ {fields} }} interventions(first: 500) {{ {fields} }} partners(first: 500) {{ {fields} }} fundingStreams(first: 500) {{ {fields} }} wijken(first: 500) {{ {fields} }} }}"
            ),
            json!({}),
        )
        .await;
    let mut seen = Vec::new();
    for (field, connection) in data.as_object().expect("fields") {
        let nodes = connection["nodes"].as_array().expect("nodes");
        assert!(!nodes.is_empty(), "no {field}");
        for node in nodes {
            let (created, updated) = (ms(&node["createdAt"]), ms(&node["updatedAt"]));
            assert_eq!(created, updated, "{field}");
            assert!((before..=after).contains(&created), "{field}: {created}");
            seen.push(created);
        }
    }
    seen.dedup();
    assert_eq!(seen.len(), 1, "one load, one time: {seen:?}");
}
db_test!(the_bundled_data_has_its_load_time);

/// Another process on the same database learns the times from the change log.
async fn another_process_follows_the_times(db: TestDb) {
    let app = spawn_app(db, true).await;
    let other = samenhang::cli::open(&app.db.url, false)
        .await
        .expect("a second process");
    let id = create_partner(&app).await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    rename(&app, &id, "Nieuwer").await;
    let halt = app.id_of("partner", "halt").await;
    app.data(
        "mutation($p: ID!) { deletePartner(id: $p) { id } }",
        json!({ "p": halt }),
    )
    .await;
    other.follow().await.expect("follow the log");
    let (mine, theirs) = (app.service.snapshot(), other.snapshot());
    assert_eq!(theirs.version, mine.version);
    assert_eq!(theirs.data.stamps, mine.data.stamps);
    let loaded = samenhang::cli::open(&app.db.url, false)
        .await
        .expect("a third process, loading afresh");
    assert_eq!(loaded.snapshot().data.stamps, mine.data.stamps);
}
db_test!(another_process_follows_the_times);
