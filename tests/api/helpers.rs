//! Test harness: a fresh database per test (a SQLite file, or a PostgreSQL database when
//! `TEST_POSTGRES_URL` is set), the real server on a free port, and GraphQL helpers.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use samenhang::auth::{Role, hash_token, new_token};
use samenhang::cli::{open, open_with};
use samenhang::config::{DatabaseUrl, ServeArgs};
use samenhang::dataset::DEFAULT_DATASET;
use samenhang::server::Application;
use samenhang::service::Service;
use samenhang::store::Author;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

/// Which database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database of its own for one test, removed when dropped.
pub struct TestDb {
    pub backend: Backend,
    pub url: DatabaseUrl,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    /// A new SQLite file in a temporary directory.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("test.sqlite").display());
        TestDb {
            backend: Backend::Sqlite,
            url: DatabaseUrl::new(url),
            _dir: Some(dir),
            postgres: None,
        }
    }

    /// A new PostgreSQL database, or `None` when `TEST_POSTGRES_URL` is not set. When
    /// `SAMENHANG_REQUIRE_POSTGRES` is set, a missing URL fails the test instead.
    pub async fn postgres() -> Option<TestDb> {
        let Ok(admin) = std::env::var("TEST_POSTGRES_URL") else {
            assert!(
                std::env::var("SAMENHANG_REQUIRE_POSTGRES").is_err(),
                "SAMENHANG_REQUIRE_POSTGRES is set but TEST_POSTGRES_URL is not"
            );
            eprintln!("TEST_POSTGRES_URL not set: skipping the PostgreSQL run of this test");
            return None;
        };
        let name = format!(
            "samenhang_test_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let conn = Database::connect(&admin)
            .await
            .expect("connect to TEST_POSTGRES_URL");
        conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
            .await
            .expect("drop old test database");
        conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        conn.close().await.ok();
        let base = admin
            .rsplit_once('/')
            .map_or(admin.as_str(), |(base, _)| base);
        Some(TestDb {
            backend: Backend::Postgres,
            url: DatabaseUrl::new(format!("{base}/{name}")),
            _dir: None,
            postgres: Some((admin.clone(), name)),
        })
    }

    /// A raw connection to the test database, for looking behind the service's back.
    pub async fn connect(&self) -> sea_orm::DatabaseConnection {
        let url = samenhang::store::normalise_url(self.url.expose());
        Database::connect(url)
            .await
            .expect("connect to the test database")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.postgres.take() {
            // Drop runs outside async code: use a runtime of its own on a fresh thread.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                rt.block_on(async {
                    let conn = Database::connect(&admin).await.ok()?;
                    conn.execute_unprepared(&format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    ))
                    .await
                    .ok()?;
                    conn.close().await.ok()
                })
            })
            .join();
        }
    }
}

/// Declares a test that runs once on SQLite and once on PostgreSQL (when configured).
macro_rules! db_test {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(crate::helpers::TestDb::sqlite()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = crate::helpers::TestDb::postgres().await {
                    super::$name(db).await;
                }
            }
        }
    };
}
pub(crate) use db_test;

/// A running server and a client for it.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub service: Arc<Service>,
    pub db: TestDb,
    /// An admin token, sent with every request of [`TestApp::graphql`].
    pub token: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

/// The default configuration, on a free port.
pub fn config() -> ServeArgs {
    ServeArgs {
        addr: "127.0.0.1:0".parse().expect("address"),
        ..ServeArgs::default()
    }
}

/// Starts the real server on a free port. With `seed`, an empty database gets the bundled
/// Lelystad Oost dataset (only; see [`spawn_app_with`]).
pub async fn spawn_app(db: TestDb, seed: bool) -> TestApp {
    spawn_app_with(db, seed, config()).await
}

/// Starts the real server as a first start does: every bundled programme loaded.
pub async fn spawn_app_bundled(db: TestDb) -> TestApp {
    let service = open(&db.url, true).await.expect("open the service");
    serve(service, db, config()).await
}

/// Starts the real server with a configuration of the test's own. With `seed`, the database receives Lelystad Oost only: most tests check answers on that one
/// programme (the plan they quote); [`spawn_app_bundled`] loads all four, as a first start does.
pub async fn spawn_app_with(db: TestDb, seed: bool, config: ServeArgs) -> TestApp {
    let datasets: &[&str] = if seed { &[DEFAULT_DATASET] } else { &[] };
    let service = open_with(&db.url, datasets)
        .await
        .expect("open the service");
    serve(service, db, config).await
}

/// Serves an opened service on a free port, with an admin token.
async fn serve(
    service: std::sync::Arc<samenhang::service::Service>,
    db: TestDb,
    config: ServeArgs,
) -> TestApp {
    // A database that served before (a restart) has the first admin token already.
    let earlier = service.store().list_tokens().await.expect("tokens").len();
    let name = match earlier {
        0 => "test-admin".to_owned(),
        n => format!("test-admin-{n}"),
    };
    let token = create_token(&service, &name, Role::Admin).await;
    let app = Application::build(service.clone(), &config)
        .await
        .expect("bind");
    let addr = app.local_addr().expect("address");
    let (tx, rx) = tokio::sync::oneshot::channel();
    let server = tokio::spawn(async move {
        app.run_until(async {
            let _ = rx.await;
        })
        .await
        .expect("server runs");
    });
    TestApp {
        base: format!("http://{addr}"),
        client: reqwest::Client::new(),
        service,
        db,
        token,
        shutdown: Some(tx),
        server: Some(server),
    }
}

/// Makes a token for a test, straight in the store.
pub async fn create_token(service: &Service, name: &str, role: Role) -> String {
    let token = new_token().expect("token");
    service
        .store()
        .create_token(
            name,
            role,
            &hash_token(&token),
            &Author::new("test", "setup"),
        )
        .await
        .expect("create token");
    token
}

/// Imports a data file through the service's write path, as the `import` command does.
pub async fn import(
    service: &Arc<Service>,
    file: &samenhang::dataset::DataFile,
    replace: bool,
) -> samenhang::error::Result<samenhang::dataset::ImportSummary> {
    let author = Author::new("test", "import");
    service
        .write_sized(&author, samenhang::dataset::rows_of(file), |d| {
            samenhang::dataset::import(d, file, replace)
        })
        .await
        .map(|(_, summary)| summary)
}

/// The real binary, run in `dir` without the caller's `DATABASE_URL`.
pub fn samenhang(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_samenhang"));
    command
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn");
    command
}

/// Runs a command of the real binary to its end.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    samenhang(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run samenhang")
}

/// Runs a command of the real binary on a test database.
pub fn cli(db: &TestDb, dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["--database-url", db.url.expose()];
    all.extend_from_slice(args);
    run(dir, &all)
}

/// The closing `end` record of a test data file: the given counts, every other kind 0.
pub fn end_record(counts: &[(&str, u64)]) -> String {
    let kinds = samenhang::dataset::Counts::default().kinds();
    for (kind, _) in counts {
        assert!(
            kinds.iter().any(|(k, _)| k == kind),
            "no kind {kind} in `end`"
        );
    }
    let mut out = String::from("end:\n");
    for (kind, _) in kinds {
        let n = counts
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(0, |(_, n)| *n);
        out.push_str(&format!("  {kind}: {n}\n"));
    }
    out
}

impl TestApp {
    /// Posts a GraphQL request with a token (or none) and returns the HTTP response.
    pub async fn post_as(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.base))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request sent")
    }

    /// Posts a GraphQL request as admin and returns the whole response body.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        let response = self.post_as(Some(&self.token), query, variables).await;
        assert!(response.status().is_success(), "HTTP {}", response.status());
        response.json().await.expect("JSON body")
    }

    /// The `data` of a request that must succeed.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let body = self.graphql(query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// The first error of a request that must fail.
    pub async fn error(&self, query: &str, variables: Value) -> Value {
        let body = self.graphql(query, variables).await;
        body["errors"][0].clone()
    }

    /// The `extensions.code` of the first error of a request that must fail.
    pub async fn error_code(&self, query: &str, variables: Value) -> String {
        let error = self.error(query, variables).await;
        error["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code in {error:#}"))
            .to_owned()
    }

    /// The global ID of a node, looked up by slug with a query field such as `partner`.
    pub async fn id_of(&self, field: &str, slug: &str) -> String {
        let data = self
            .data(
                &format!("query($s: String!) {{ {field}(slug: $s) {{ id }} }}"),
                json!({ "s": slug }),
            )
            .await;
        data[field]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no {field} {slug}"))
            .to_owned()
    }

    /// Everything stored, as the data file (ids aside, the whole content).
    pub async fn export(&self) -> String {
        let snapshot = self.service.snapshot();
        samenhang::dataset::to_yaml(&samenhang::dataset::export(&snapshot.data, None))
            .expect("export")
    }

    /// The answer of `/health`.
    pub async fn health(&self) -> Value {
        self.client
            .get(format!("{}/health", self.base))
            .send()
            .await
            .expect("request sent")
            .json()
            .await
            .expect("JSON body")
    }

    /// Stops the server gracefully and hands back the database.
    pub async fn stop(mut self) -> TestDb {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server stopped");
        }
        self.service
            .store()
            .clone()
            .close()
            .await
            .expect("close the pool");
        let TestApp { db, .. } = self;
        db
    }
}

/// The real binary serving on a free port with a fresh seeded SQLite file of its own, for
/// tests that need a process of its own (its memory, its open files, its signals).
pub struct Server {
    pub child: std::process::Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl Server {
    /// Starts `samenhang serve` with extra flags and waits until it answers `/health`.
    pub async fn start(flags: &[&str]) -> Server {
        Server::start_on(None, flags).await
    }

    /// The same on a database of the caller's (several servers may share one); `None` for a
    /// fresh SQLite file of the server's own.
    pub async fn start_on(database: Option<&str>, flags: &[&str]) -> Server {
        let dir = tempfile::tempdir().expect("temporary directory");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("free port");
        let database = database.map_or_else(
            || format!("sqlite://{}", dir.path().join("samenhang.sqlite").display()),
            str::to_owned,
        );
        let child = samenhang(dir.path())
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .args(["--database-url", &database])
            .args(flags)
            .spawn()
            .expect("start samenhang");
        let mut server = Server {
            child,
            port,
            _dir: dir,
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while reqwest::get(server.url("/health")).await.is_err() {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("the server exited early: {status}");
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the server did not start"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Posts a GraphQL request (with a token, when given) and returns the body.
    pub async fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = reqwest::Client::new()
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
            .send()
            .await
            .expect("an answer")
            .json()
            .await
            .expect("a JSON body")
    }

    /// The answer of `/health`.
    pub async fn health(&self) -> Value {
        reqwest::get(self.url("/health"))
            .await
            .expect("health answered")
            .json()
            .await
            .expect("a JSON body")
    }

    /// A line of the process's `/proc/PID/status` as a number (kB for memory).
    fn status(&self, key: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the server's status");
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|rest| rest.trim_start_matches(':').split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no {key} in the status"))
    }

    /// The most memory the process has held (VmHWM), in KiB.
    pub fn peak_memory_kib(&self) -> u64 {
        self.status("VmHWM")
    }

    /// How many files (sockets included) the process has open.
    pub fn open_files(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id()))
            .map(|d| d.count())
            .unwrap_or(0)
    }

    /// Sends SIGTERM and waits for the process to exit.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let _ = std::process::Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        self.child.wait().expect("the server exits")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Polls a future at most `polls` times, then drops it: the request given up at that await.
pub struct GiveUpAfter<F> {
    pub future: std::pin::Pin<Box<F>>,
    pub polls: usize,
}

impl<F: std::future::Future> std::future::Future for GiveUpAfter<F> {
    type Output = Option<F::Output>;
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        if self.polls == 0 {
            return std::task::Poll::Ready(None);
        }
        self.polls -= 1;
        self.future.as_mut().poll(cx).map(Some)
    }
}

/// The global ID samenhang gives node `id` of a type (`samenhang_id("Partner", 7)`).
pub fn samenhang_id(typename: &str, id: i64) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{typename}:{id}"))
}
