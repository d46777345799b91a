//! Several server processes on one database behave as one service (issue 10): writes to all
//! of them at once land once each, conflicts are decided by the database, ids are distinct,
//! the change log has no gap, every process's graph equals a fresh load, a process killed
//! during the writes catches up when restarted; and a write whose request is given up at any
//! point leaves the database and the graph agreeing.

use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::helpers::{GiveUpAfter, Server, TestDb, cli, db_test, spawn_app};

/// Everything a process's graph holds that a client can see, in a canonical form.
const DUMP: &str = "{
  areas(first: 500) { nodes { id slug name version } }
  clusters(first: 500) { nodes { id slug name version } }
  lines(first: 500) { nodes { id slug name version cluster { id } fundingStreams { id } } }
  goals(first: 500) { nodes { id slug name version parent { id } line { id } } }
  wijken(first: 500) { nodes { id slug name version } }
  fundingStreams(first: 500) { nodes { id slug name version } }
  partners(first: 500) { totalCount nodes { id slug name version kind aliases } }
  interventions(first: 500) { totalCount nodes { id slug name version
    partners(first: 500) { edges { role node { id } } } goals { id } wijken { id }
    funding { amountEur note fundingStream { id } } related { kind direction intervention { id } } } }
}";

/// Waits until a process has taken every committed change, then dumps its graph.
async fn settled_dump(server: &Server, head: u64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let health = server.health().await;
        if health["graphVersion"].as_u64() == Some(head) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "a replica did not catch up: {health}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let body = server.graphql(None, DUMP, json!({})).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    body["data"].clone()
}

async fn numbers(db: &TestDb, sql: &str) -> Vec<i64> {
    let conn = db.connect().await;
    conn.query_all_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await
        .expect("query")
        .into_iter()
        .map(|row| row.try_get_by_index::<i64>(0).expect("a number"))
        .collect()
}

/// The change log is numbered 1, 2, … without a gap, up to its head; returns the head.
async fn log_without_gaps(db: &TestDb) -> u64 {
    let versions = numbers(db, "SELECT version FROM change ORDER BY version").await;
    let head = numbers(db, "SELECT version FROM change_head").await[0];
    let expected: Vec<i64> = (1..=head).collect();
    assert_eq!(versions, expected, "the change log has a gap");
    head as u64
}

fn token(db: &TestDb, name: &str) -> String {
    let dir = tempfile::tempdir().expect("temporary directory");
    let out = cli(
        db,
        dir.path(),
        &["token", "create", name, "--role", "editor"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Writes of every kind, on one replica: creates, renames, links and deletes of its own
/// partners, and attempts on the shared partner at `version`.
async fn writes(
    server: &Server,
    token: &str,
    who: usize,
    rounds: usize,
    shared: &str,
    area: &str,
    intervention: &str,
) -> (Vec<String>, usize) {
    let mut ids = Vec::new();
    let mut won = 0;
    for round in 0..rounds {
        let created = server
            .graphql(
                Some(token),
                "mutation($a: ID!, $s: String!) { createPartner(input: { areaId: $a, slug: $s, name: $s, kind: OTHER }) { id version } }",
                json!({ "a": area, "s": format!("replica-{who}-{round}") }),
            )
            .await;
        let id = created["data"]["createPartner"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{created:#}"))
            .to_owned();
        ids.push(id.clone());
        let renamed = server
            .graphql(
                Some(token),
                "mutation($p: ID!) { updatePartner(id: $p, input: { name: \"renamed\" }, version: 1) { version } }",
                json!({ "p": id }),
            )
            .await;
        assert_eq!(
            renamed["data"]["updatePartner"]["version"], 2,
            "{renamed:#}"
        );
        let linked = server
            .graphql(
                Some(token),
                "mutation($i: ID!, $p: ID!) { linkInterventionPartner(interventionId: $i, partnerId: $p) { id } }",
                json!({ "i": intervention, "p": id }),
            )
            .await;
        assert!(linked.get("errors").is_none(), "{linked:#}");
        if round % 2 == 1 {
            let deleted = server
                .graphql(
                    Some(token),
                    "mutation($p: ID!) { deletePartner(id: $p, version: 2) { id } }",
                    json!({ "p": id }),
                )
                .await;
            assert!(deleted.get("errors").is_none(), "{deleted:#}");
        }
        // Every replica tries to change the shared partner from the same version: the
        // database lets exactly one of them through.
        let attempt = server
            .graphql(
                Some(token),
                "mutation($p: ID!, $v: Int!, $d: String!) { updatePartner(id: $p, input: { description: $d }, version: $v) { version } }",
                json!({ "p": shared, "v": round + 1, "d": format!("{who} in round {round}") }),
            )
            .await;
        match attempt["errors"][0]["extensions"]["code"].as_str() {
            None => won += 1,
            Some("CONFLICT") => {}
            Some(other) => panic!("{other}: {attempt:#}"),
        }
        // Wait until the shared partner is past this round on this replica.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let seen = server
                .graphql(
                    None,
                    "query($p: ID!) { node(id: $p) { ... on Partner { version } } }",
                    json!({ "p": shared }),
                )
                .await;
            if seen["data"]["node"]["version"].as_u64() >= Some(round as u64 + 2) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the shared partner stayed at {seen}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    (ids, won)
}

/// Three replicas on one PostgreSQL database, written to at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_on_one_database_behave_as_one() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let url = db.url.expose().to_owned();
    let first = Server::start_on(Some(&url), &[]).await;
    let token = token(&db, "replicas");
    let second = Server::start_on(Some(&url), &[]).await;
    let third = Server::start_on(Some(&url), &[]).await;
    let ids = first
        .graphql(None, r#"{ area(slug: "lelystad-oost") { id } partner(slug: "halt") { id } intervention(slug: "vw-publiekscampagne") { id } }"#, json!({}))
        .await;
    let area = ids["data"]["area"]["id"].as_str().unwrap().to_owned();
    let shared = ids["data"]["partner"]["id"].as_str().unwrap().to_owned();
    let intervention = ids["data"]["intervention"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    const ROUNDS: usize = 6;
    let ((a, won_a), (b, won_b), (c, won_c)) = tokio::join!(
        writes(&first, &token, 1, ROUNDS, &shared, &area, &intervention),
        writes(&second, &token, 2, ROUNDS, &shared, &area, &intervention),
        writes(&third, &token, 3, ROUNDS, &shared, &area, &intervention),
    );
    // Exactly one change of the shared partner per version.
    assert_eq!(won_a + won_b + won_c, ROUNDS, "conflicting updates");
    let mut all: Vec<String> = a.into_iter().chain(b).chain(c).collect();
    let count = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), count, "two replicas handed out the same id");

    let head = log_without_gaps(&db).await;
    let dumps = [
        settled_dump(&first, head).await,
        settled_dump(&second, head).await,
        settled_dump(&third, head).await,
    ];
    let fresh = Server::start_on(Some(&url), &[]).await;
    let loaded = settled_dump(&fresh, head).await;
    for dump in &dumps {
        assert!(*dump == loaded, "a replica differs from a fresh load");
    }
    // The bundled programmes' partners: Lelystad Oost 47, Dronten 2, Samen aan de Slag 5,
    // Zutphen 6.
    assert_eq!(
        loaded["partners"]["totalCount"].as_u64().unwrap() as usize,
        60 + 3 * ROUNDS - 3 * (ROUNDS / 2)
    );
}

/// A replica killed with SIGKILL in the middle of the writes catches up when it starts again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_replica_catches_up() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let url = db.url.expose().to_owned();
    let writer = Server::start_on(Some(&url), &[]).await;
    let token = token(&db, "replicas");
    let mut victim = Server::start_on(Some(&url), &[]).await;
    let area = writer
        .graphql(None, r#"{ area(slug: "lelystad-oost") { id } }"#, json!({}))
        .await["data"]["area"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let write = |i: usize| {
        let (writer, token, area) = (&writer, &token, &area);
        async move {
            let body = writer
                .graphql(
                    Some(token),
                    "mutation($a: ID!, $s: String!) { createPartner(input: { areaId: $a, slug: $s, name: $s, kind: OTHER }) { id } }",
                    json!({ "a": area, "s": format!("after-kill-{i}") }),
                )
                .await;
            assert!(body.get("errors").is_none(), "{body:#}");
        }
    };
    for i in 0..20 {
        write(i).await;
        if i == 10 {
            let _ = victim.child.kill();
            let _ = victim.child.wait();
        }
    }
    victim = Server::start_on(Some(&url), &[]).await;
    for i in 20..30 {
        write(i).await;
    }
    let head = log_without_gaps(&db).await;
    assert!(settled_dump(&victim, head).await == settled_dump(&writer, head).await);
}

/// Two processes on one SQLite file converge by polling the log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_sqlite_file_converge() {
    let db = TestDb::sqlite();
    let url = db.url.expose().to_owned();
    let a = Server::start_on(Some(&url), &[]).await;
    let token = token(&db, "sqlite-writer");
    let b = Server::start_on(Some(&url), &[]).await;
    let halt = a
        .graphql(None, r#"{ partner(slug: "halt") { id } }"#, json!({}))
        .await["data"]["partner"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let renamed = a
        .graphql(
            Some(&token),
            "mutation($p: ID!) { updatePartner(id: $p, input: { name: \"Halt Flevoland\" }) { version } }",
            json!({ "p": halt }),
        )
        .await;
    assert!(renamed.get("errors").is_none(), "{renamed:#}");
    let head = log_without_gaps(&db).await;
    let seen = settled_dump(&b, head).await;
    assert!(seen == settled_dump(&a, head).await);
    // A write on the other process sees the first one's: its version is the next.
    let again = b
        .graphql(
            Some(&token),
            "mutation($p: ID!) { updatePartner(id: $p, input: { description: \"b\" }, version: 2) { version } }",
            json!({ "p": halt }),
        )
        .await;
    assert_eq!(again["data"]["updatePartner"]["version"], 3, "{again:#}");
}

/// A write given up at every one of its await points leaves the database and the graph
/// agreeing, and never uses a version twice.
async fn a_write_given_up_anywhere_lands_whole_or_not_at_all(db: TestDb) {
    let app = spawn_app(db, true).await;
    let snapshot = app.service.snapshot();
    let area = snapshot.area_by_slug("lelystad-oost").expect("the area");
    let id = snapshot
        .by_slug(samenhang::domain::Table::Partner, area, "halt")
        .expect("Halt");
    let author = samenhang::store::Author::new("test", "giveUp");
    let mut completed = false;
    let mut polls = 1;
    while !completed {
        let name = format!("Halt {polls}");
        let write = app.service.write(&author, move |d| {
            let mut row = d.current_row(samenhang::domain::Table::Partner, id)?;
            if let samenhang::domain::Row::Partner(p) = &mut row {
                p.name = name;
            }
            d.update(row)
        });
        completed = GiveUpAfter {
            future: Box::pin(write),
            polls,
        }
        .await
        .is_some();
        polls += 1;
        // Whatever was started runs to its end; then the graph and the database agree.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let stored = app.service.store().load().await.expect("load");
            let head = app.service.store().head().await.expect("head");
            let snapshot = app.service.snapshot();
            if snapshot.version == head && stored == snapshot.data {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "after giving up at poll {polls}, the graph (version {}) and the database (head {head}) disagree",
                snapshot.version
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(polls < 10_000, "the write never completed");
    }
    // Every version of the partner was written once.
    let conn = app.db.connect().await;
    let rows = conn
        .query_all_raw(Statement::from_string(
            conn.get_database_backend(),
            format!("SELECT after FROM audit_entry WHERE table_name = 'partner' AND row_id = {id} ORDER BY id"),
        ))
        .await
        .expect("audit");
    let mut seen: Vec<i64> = rows
        .iter()
        .filter_map(|r| r.try_get_by_index::<Option<String>>(0).ok().flatten())
        .filter_map(|after| serde_json::from_str::<Value>(&after).ok()?["version"].as_i64())
        .collect();
    let count = seen.len();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), count, "a version was written twice");
    log_without_gaps(&app.db).await;
}
db_test!(a_write_given_up_anywhere_lands_whole_or_not_at_all);

/// `/ready` says the graph follows the database; `/metrics` counts requests and writes and
/// shows the graph version and the lag, in the Prometheus text format.
async fn readiness_and_metrics(db: TestDb) {
    let app = spawn_app(db, true).await;
    let halt = app.id_of("partner", "halt").await;
    app.data(
        "mutation($p: ID!) { updatePartner(id: $p, input: { name: \"Halt Flevoland\" }) { version } }",
        json!({ "p": halt }),
    )
    .await;
    let ready = app
        .client
        .get(format!("{}/ready", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let ready: Value = ready.json().await.unwrap();
    assert_eq!(ready["ready"], true, "{ready}");
    assert_eq!(ready["lag"], 0);
    let response = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = response.text().await.unwrap();
    let value = |name: &str| -> f64 {
        text.lines()
            .filter(|l| l.starts_with(name) && !l.starts_with('#'))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    };
    assert!(value("samenhang_writes_total") >= 1.0, "{text}");
    assert!(value("samenhang_graphql_requests_total") >= 2.0, "{text}");
    assert_eq!(
        value("samenhang_graph_version"),
        app.service.snapshot().version as f64
    );
    assert_eq!(value("samenhang_replica_lag"), 0.0);
    assert!(text.contains("samenhang_http_request_duration_seconds_bucket{route=\"/graphql\""));
}
db_test!(readiness_and_metrics);
