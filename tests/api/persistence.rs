//! Data survives a restart, and the real binary works as the README says: it runs with no
//! configuration, honours `--addr`/`DATABASE_URL`, and its commands import, export and print
//! the schema.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::{Backend, TestDb, cli, db_test, run, samenhang, spawn_app};

async fn data_survives_a_restart(db: TestDb) {
    let app = spawn_app(db, true).await;
    let area = app.id_of("area", "lelystad-oost").await;
    app.data(
        "mutation($a: ID!) { createPartner(input: { areaId: $a, slug: \"nieuw\", name: \"Nieuw\", kind: BUSINESS }) { id } }",
        json!({ "a": area }),
    )
    .await;
    let halt = app.id_of("partner", "halt").await;
    app.data(
        "mutation($p: ID!) { deletePartner(id: $p) { id } }",
        json!({ "p": halt }),
    )
    .await;
    let before = app.export().await;
    let db = app.stop().await;

    // The seed is not loaded again into a database that has data.
    let app = spawn_app(db, true).await;
    assert_eq!(app.export().await, before);
    let data = app
        .data(
            r#"{ partner(slug: "nieuw") { kind } halt: partner(slug: "halt") { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["partner"]["kind"], "BUSINESS");
    assert!(data["halt"].is_null());
}
db_test!(data_survives_a_restart);

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Waits until the server answers `/health`.
async fn wait_healthy(port: u16, child: &mut Child) -> Value {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(response) = client
            .get(format!("http://127.0.0.1:{port}/health"))
            .send()
            .await
        {
            return response.json().await.expect("health JSON");
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the server exited early: {status}");
        }
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn count(port: u16, field: &str) -> u64 {
    let body: Value = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/graphql"))
        .json(&json!({ "query": format!("{{ {field} {{ totalCount }} }}") }))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    body["data"][field]["totalCount"].as_u64().expect("a count")
}

fn terminate(child: &mut Child) -> std::process::ExitStatus {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    child.wait().expect("the server exits")
}

/// The README's run command, with no configuration but the port: a SQLite file appears in the
/// working directory, holding the four bundled programmes, and GraphiQL and the API answer.
#[tokio::test]
async fn the_binary_runs_with_no_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = samenhang(dir.path())
        .env("SAMENHANG_ADDR", format!("127.0.0.1:{port}"))
        .spawn()
        .expect("start");
    let health = wait_healthy(port, &mut child).await;
    assert_eq!(health["status"], "ok");
    assert_eq!(health["backend"], "sqlite");
    assert!(dir.path().join("samenhang.sqlite").exists());
    // The four bundled programmes: Lelystad Oost's three clusters, Dronten's two, one each for
    // Samen aan de Slag and Zutphen.
    assert_eq!(count(port, "areas").await, 4);
    assert_eq!(count(port, "clusters").await, 7);
    assert!(count(port, "interventions").await >= 65);
    let page = reqwest::get(format!("http://127.0.0.1:{port}/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.to_lowercase().contains("graphiql"));
    assert!(terminate(&mut child).success(), "graceful shutdown exits 0");
}

/// The same with `--addr` and a PostgreSQL `DATABASE_URL`.
#[tokio::test]
async fn the_binary_runs_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = samenhang(dir.path())
        .env("DATABASE_URL", db.url.expose())
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .spawn()
        .expect("start");
    let health = wait_healthy(port, &mut child).await;
    assert_eq!(health["backend"], "postgres");
    // The four bundled programmes (see above); wijken: Lelystad Oost 4, Dronten 7, Zutphen 1.
    assert_eq!(count(port, "areas").await, 4);
    assert_eq!(count(port, "clusters").await, 7);
    assert!(count(port, "partners").await >= 40);
    assert!(count(port, "fundingStreams").await >= 12);
    assert_eq!(count(port, "wijken").await, 12);
    assert!(terminate(&mut child).success());
}

/// The commands: migrate, export, import (with a dry run), schema; bad files exit with 2 and
/// say where the problem is.
#[test]
fn the_commands_import_export_and_print_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("cli.sqlite").display());
    let with_db = |args: &[&str]| {
        let mut all = vec!["--database-url", db.as_str()];
        all.extend_from_slice(args);
        run(dir.path(), &all)
    };
    assert!(with_db(&["migrate"]).status.success());

    let zutphen = dir.path().join("zutphen.yaml");
    std::fs::write(&zutphen, samenhang::dataset::bundled("zutphen").unwrap()).unwrap();
    let dry = with_db(&["import", "--dry-run", zutphen.to_str().unwrap()]);
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    assert!(String::from_utf8_lossy(&dry.stdout).starts_with("would import zutphen"));
    let exported = with_db(&["export", "-"]);
    assert!(
        !String::from_utf8_lossy(&exported.stdout).contains("zutphen"),
        "a dry run writes nothing"
    );

    let imported = with_db(&["import", zutphen.to_str().unwrap()]);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let exported = with_db(&["export", "-", "--area", "zutphen"]);
    let text = String::from_utf8(exported.stdout).unwrap();
    assert!(text.contains("slug: zutphen"));
    assert!(samenhang::dataset::parse(&text).is_ok());

    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "version: 2\nareas:\n  - slug: x\n    name: X\n    partners:\n      - slug: p\n        name: P\n        kind: bank\n").unwrap();
    let refused = with_db(&["import", bad.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("line 8") && stderr.contains("bank"),
        "{stderr}"
    );

    std::fs::write(&bad, [0xff, 0xfe, b'v']).unwrap();
    let refused = with_db(&["import", bad.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("UTF-8"));

    let schema = run(dir.path(), &["schema"]);
    assert_eq!(
        String::from_utf8(schema.stdout).unwrap(),
        samenhang::api::sdl()
    );
    let help = run(dir.path(), &["--help"]);
    let help = String::from_utf8_lossy(&help.stdout);
    for variable in [
        "DATABASE_URL",
        "SAMENHANG_ADDR",
        "SAMENHANG_NO_SEED",
        "SAMENHANG_ANONYMOUS",
        "SAMENHANG_CORS_ORIGINS",
    ] {
        assert!(
            help.contains(variable),
            "--help does not document {variable}"
        );
    }
}

fn kill_hard(child: &mut Child) -> std::process::ExitStatus {
    let _ = Command::new("kill")
        .arg("-KILL")
        .arg(child.id().to_string())
        .status();
    child.wait().expect("the process is gone")
}

/// One number from the test database.
async fn scalar(db: &TestDb, sql: &str) -> i64 {
    let conn = db.connect().await;
    let row = sea_orm::ConnectionTrait::query_one_raw(
        &conn,
        sea_orm::Statement::from_string(conn.get_database_backend(), sql),
    )
    .await
    .expect("query")
    .expect("a row");
    let value = row
        .try_get_by_index::<i64>(0)
        .or_else(|_| row.try_get_by_index::<i32>(0).map(i64::from))
        .expect("a number");
    conn.close().await.ok();
    value
}

/// After a kill: SQLite's own checks find nothing wrong (PostgreSQL checks itself on recovery).
async fn assert_database_intact(db: &TestDb) {
    if db.backend != Backend::Sqlite {
        return;
    }
    let conn = db.connect().await;
    let backend = conn.get_database_backend();
    let rows = |sql: &'static str| {
        let conn = &conn;
        async move {
            sea_orm::ConnectionTrait::query_all_raw(
                conn,
                sea_orm::Statement::from_string(backend, sql),
            )
            .await
            .expect(sql)
        }
    };
    let integrity = rows("PRAGMA integrity_check").await;
    let verdict: String = integrity[0].try_get_by_index(0).expect("verdict");
    assert_eq!(verdict, "ok");
    assert!(
        rows("PRAGMA foreign_key_check").await.is_empty(),
        "dangling foreign keys"
    );
    conn.close().await.ok();
}

/// Waits until the import's transaction is writing: SQLite's write-ahead log grows, or
/// PostgreSQL shows the import inserting.
async fn wait_until_writing(db: &TestDb, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let writing = match db.backend {
            Backend::Sqlite => {
                let wal = format!("{}-wal", db.url.expose().trim_start_matches("sqlite://"));
                std::fs::metadata(wal).is_ok_and(|m| m.len() > (4 << 20))
            }
            Backend::Postgres => {
                let name = db
                    .url
                    .expose()
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                scalar(
                    db,
                    &format!(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = '{name}' AND query ILIKE 'INSERT%' AND state = 'active'"
                    ),
                )
                .await
                    > 0
            }
        };
        if writing {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the import ended before it could be killed: {status}");
        }
        assert!(
            Instant::now() < deadline,
            "the import never started writing"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// SIGKILL in the middle of a large import: nothing of it stays, the database is intact,
/// and the next import works.
async fn a_killed_import_leaves_nothing(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let url = db.url.expose().to_owned();
    let with_db = |args: &[&str]| {
        let mut all = vec!["--database-url", url.as_str()];
        all.extend_from_slice(args);
        all.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    assert!(
        run(dir.path(), &["--database-url", &url, "migrate"])
            .status
            .success()
    );
    let national = dir.path().join("national.yaml");
    let generated = run(
        dir.path(),
        &["generate", national.to_str().unwrap(), "--size", "national"],
    );
    assert!(generated.status.success());

    let mut import = samenhang(dir.path())
        .args(with_db(&["import", national.to_str().unwrap()]))
        .stdout(Stdio::null())
        .spawn()
        .expect("start the import");
    wait_until_writing(&db, &mut import).await;
    let status = kill_hard(&mut import);
    assert!(!status.success(), "the import was killed, not finished");

    assert_database_intact(&db).await;
    for table in [
        "area",
        "partner",
        "intervention",
        "intervention_partner",
        "audit_entry",
    ] {
        assert_eq!(
            scalar(&db, &format!("SELECT count(*) FROM {table}")).await,
            0,
            "{table} kept part of the killed import"
        );
    }
    let zutphen = dir.path().join("zutphen.yaml");
    std::fs::write(&zutphen, samenhang::dataset::bundled("zutphen").unwrap()).unwrap();
    let after = run(
        dir.path(),
        &with_db(&["import", zutphen.to_str().unwrap()])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(
        after.status.success(),
        "{}",
        String::from_utf8_lossy(&after.stderr)
    );
    assert_eq!(scalar(&db, "SELECT count(*) FROM area").await, 1);
}
db_test!(a_killed_import_leaves_nothing);

/// SIGKILL while writes stream in: every write the server acknowledged is there after a
/// restart, and the database is intact.
async fn acknowledged_writes_survive_a_kill(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let url = db.url.expose().to_owned();
    let created = cli(
        &db,
        dir.path(),
        &["token", "create", "schrijver", "--role", "editor"],
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let token = String::from_utf8(created.stdout).unwrap().trim().to_owned();
    let port = free_port();
    let mut server = samenhang(dir.path())
        .args([
            "--database-url",
            &url,
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
        ])
        .spawn()
        .expect("start");
    wait_healthy(port, &mut server).await;
    let client = reqwest::Client::new();
    let area = {
        let body: Value = client
            .post(format!("http://127.0.0.1:{port}/graphql"))
            .json(&json!({ "query": "{ area(slug: \"lelystad-oost\") { id } }" }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body["data"]["area"]["id"].as_str().unwrap().to_owned()
    };

    // Four writers; the server is killed while they write.
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (client, token, area) = (client.clone(), token.clone(), area.clone());
            tokio::spawn(async move {
                let mut acknowledged = Vec::new();
                for n in 0.. {
                    let slug = format!("w-{w}-{n}");
                    let sent = client
                        .post(format!("http://127.0.0.1:{port}/graphql"))
                        .bearer_auth(&token)
                        .json(&json!({
                            "query": "mutation($a: ID!, $s: String!) { createWijk(input: { areaId: $a, slug: $s, name: $s }) { id } }",
                            "variables": { "a": area, "s": slug },
                        }))
                        .send()
                        .await;
                    let Ok(response) = sent else { break };
                    let Ok(body) = response.json::<Value>().await else { break };
                    if body["data"]["createWijk"]["id"].is_string() {
                        acknowledged.push(slug);
                    }
                }
                acknowledged
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    kill_hard(&mut server);
    let mut acknowledged = Vec::new();
    for writer in writers {
        acknowledged.extend(writer.await.expect("writer"));
    }
    assert!(acknowledged.len() > 10, "too few writes before the kill");

    assert_database_intact(&db).await;
    let store = samenhang::store::Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let data = store.load().await.unwrap();
    let present: std::collections::HashSet<&str> =
        data.wijken.values().map(|w| w.slug.as_str()).collect();
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|slug| !present.contains(slug.as_str()))
        .collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    let audited = store
        .audit_log(
            &samenhang::store::AuditFilter {
                operation: Some("createWijk".into()),
                ..Default::default()
            },
            None,
            1,
        )
        .await
        .unwrap()
        .1;
    // The writers' wijken (`w-…`; the bundled programmes' own wijken are named otherwise).
    let landed = present.iter().filter(|slug| slug.starts_with("w-")).count();
    assert_eq!(audited as usize, landed, "one audit entry per landed write");
    store.close().await.unwrap();
}
db_test!(acknowledged_writes_survive_a_kill);
