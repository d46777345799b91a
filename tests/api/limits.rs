//! Every request is bounded (issue 9): the queries an attacker found are refused before they
//! run, or stopped while they run, with the server's memory and `/health` unharmed; a request
//! past its time is stopped with 504; an answer past its ceiling stops; connections are
//! capped, half-sent headers time out, and SIGTERM ends the process within its grace period.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::{Server, TestDb, config, db_test, spawn_app, spawn_app_with};

/// `goal { subGoals(first: 500) { nodes { ancestors { subGoals … } } } }`, `levels` deep:
/// the longest pages and unpaged lists nested.
fn goal_chain(levels: usize) -> String {
    let mut inner = "id".to_owned();
    for level in (0..levels).rev() {
        inner = if level % 2 == 0 {
            format!("subGoals(first: 500) {{ nodes {{ {inner} }} }}")
        } else {
            format!("ancestors {{ {inner} }}")
        };
    }
    format!(r#"{{ goal(slug: "ambitie") {{ {inner} }} }}"#)
}

/// `partners(first: n) { nodes { collaborators(first: n) { nodes { … } } } }`, `levels` deep.
fn collaborator_chain(levels: usize, n: usize) -> String {
    let mut inner = "id".to_owned();
    for _ in 1..levels {
        inner = format!("collaborators(first: {n}) {{ nodes {{ {inner} }} }}");
    }
    format!("{{ partners(first: {n}) {{ nodes {{ {inner} }} }} }}")
}

/// `copies` aliased pages of partners, each with `levels` pages of collaborators nested below
/// it (through a chain of fragments).
fn aliased_chain(copies: usize, levels: usize) -> String {
    let pages: Vec<String> = (0..copies)
        .map(|i| format!("a{i}: partners(first: 500) {{ nodes {{ ...F{levels} }} }}"))
        .collect();
    let mut doc = format!(
        "{{ {} }}\nfragment F0 on Partner {{ id }}\n",
        pages.join(" ")
    );
    for i in 1..=levels {
        doc.push_str(&format!(
            "fragment F{i} on Partner {{ collaborators(first: 500) {{ nodes {{ ...F{} }} }} }}\n",
            i - 1
        ));
    }
    doc
}

/// 22 fragments, each spreading the one before twice: 4 million fields from 900 bytes.
fn fragment_bomb() -> String {
    let mut doc =
        String::from("{ ...F21 }\nfragment F0 on Query { __typename areas { totalCount } }\n");
    for i in 1..22 {
        doc.push_str(&format!(
            "fragment F{i} on Query {{ ...F{} ...F{} }}\n",
            i - 1,
            i - 1
        ));
    }
    doc
}

/// 20 aliased copies of the schema with its fields, their arguments and types.
fn introspection_flood() -> String {
    let copies: Vec<String> = (0..20)
        .map(|i| format!("s{i}: __schema {{ types {{ ...T }} }}"))
        .collect();
    format!(
        "{{ {} }}\nfragment T on __Type {{ name fields {{ name args {{ name type {{ ...R }} }} type {{ ...R }} }} }}\n\
         fragment R on __Type {{ name kind ofType {{ name kind ofType {{ name kind ofType {{ name }} }} }} }}",
        copies.join(" ")
    )
}

/// The hostile queries that must be refused before they run.
fn hostile() -> Vec<(&'static str, String)> {
    vec![
        ("nine levels of subGoals and ancestors", goal_chain(9)),
        (
            "eight levels of collaborators(first: 500)",
            collaborator_chain(8, 500),
        ),
        (
            "ten levels of collaborators(first: 100)",
            collaborator_chain(10, 100),
        ),
        ("a fragment bomb", fragment_bomb()),
    ]
}

/// A large argument is priced for every item it is read on: a filter of ten thousand parts
/// under a page of interventions is refused before it runs (alone, it is refused as too many
/// parts), and a `search` longer than any name is refused.
async fn large_arguments_are_priced_where_they_are_read(db: TestDb) {
    let app = spawn_app(db, true).await;
    let leaves: Vec<Value> = (0..100).map(|_| json!({ "search": "x" })).collect();
    let filter = json!({ "or": (0..100).map(|_| json!({ "or": leaves })).collect::<Vec<_>>() });
    let started = Instant::now();
    let error = app
        .error(
            "query($f: PartnerFilter) { interventions(first: 90) { nodes {
                partners(filter: $f) { totalCount } } } }",
            json!({ "f": filter }),
        )
        .await;
    assert_eq!(
        error["extensions"]["code"], "COST_ESTIMATED_TOO_EXPENSIVE",
        "{error:#}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let error = app
        .error(
            "query($f: PartnerFilter) { partners(filter: $f) { totalCount } }",
            json!({ "f": filter }),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{error:#}");

    // An ordinary filter is read for free.
    let ordinary = app
        .graphql(
            r#"{ interventions(first: 10) { nodes { partners(filter: { kindIn: [WELFARE, HOUSING], search: "a" }) { totalCount } } } }"#,
            json!({}),
        )
        .await;
    assert!(ordinary["errors"].is_null(), "{ordinary:#}");

    let search = "query($s: String) { partners(filter: { search: $s }) { totalCount } }";
    let longest = "é".repeat(200);
    app.data(search, json!({ "s": longest })).await;
    let error = app
        .error(search, json!({ "s": format!("{longest}é") }))
        .await;
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{error:#}");
    assert_eq!(error["extensions"]["field"], "search", "{error:#}");
    app.stop().await;
}
db_test!(large_arguments_are_priced_where_they_are_read);

async fn hostile_queries_are_priced_before_they_run(db: TestDb) {
    let app = spawn_app(db, true).await;
    for (what, query) in hostile() {
        let started = Instant::now();
        let error = app.error(&query, json!({})).await;
        assert_eq!(
            error["extensions"]["code"], "COST_ESTIMATED_TOO_EXPENSIVE",
            "{what}: {error:#}"
        );
        let cost = error["extensions"]["cost"].as_u64().expect("the cost");
        assert!(cost > 200_000, "{what}: {cost}");
        assert_eq!(error["extensions"]["limit"], 200_000, "{what}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{what} took {:?}",
            started.elapsed()
        );
    }
    // The cost saturates instead of overflowing: 60 copies of eleven nested pages of
    // partners, 60 × the partners^11 items, do not fit in 64 bits.
    let error = app.error(&aliased_chain(60, 10), json!({})).await;
    assert_eq!(error["extensions"]["cost"], u64::MAX, "{error:#}");

    // Introspection has a cost too: twenty copies of the schema with every field, argument
    // and type cost more than the limit; one copy (what GraphiQL asks) fits.
    let error = app.error(&introspection_flood(), json!({})).await;
    assert_eq!(
        error["extensions"]["code"], "COST_ESTIMATED_TOO_EXPENSIVE",
        "{error:#}"
    );
    let one = introspection_flood().replacen("s0: __schema", "__schema", 1);
    let one = one.split(" s1:").next().unwrap().to_owned()
        + " }\n"
        + one.split_once("}\n").map_or("", |(_, fragments)| fragments);
    let body = app.graphql(&one, json!({})).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    let cost = &body["extensions"]["cost"];
    assert!(
        cost["actual"].as_u64().unwrap() <= cost["requested"].as_u64().unwrap(),
        "{cost}"
    );

    // A fragment that spreads itself is refused, not followed.
    let error = app
        .error(
            "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
            json!({}),
        )
        .await;
    assert_eq!(
        error["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
        "{error:#}"
    );

    // Aliases count as executed: a fragment of 40 aliases spread twice is 80.
    let aliased: Vec<String> = (0..40).map(|i| format!("a{i}: __typename")).collect();
    let doc = format!(
        "{{ x: areas {{ ...A }} y: areas {{ ...A }} }} fragment A on AreaConnection {{ {} }}",
        aliased.join(" ")
    );
    let error = app.error(&doc, json!({})).await;
    assert_eq!(error["extensions"]["aliases"], 82, "{error:#}");

    // A realistic front-end page: 100 partners with 100 interventions each fits the defaults.
    let page = "{ partners(first: 100) { totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { id name kind interventions(first: 100) { totalCount
          edges { role node { id name period } } } } } } }";
    let body = app.graphql(page, json!({})).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    assert!(body["extensions"]["cost"]["requested"].as_u64().unwrap() <= 200_000);
}
db_test!(hostile_queries_are_priced_before_they_run);

/// A query heavy enough to take seconds when the limits let it through.
const HEAVY: &str = "{ partners(first: 500) { nodes { collaborators(first: 500) { nodes {
    collaborators(first: 500) { nodes { name collaborators(first: 500) { nodes { name } }
    interventions(first: 500) { edges { node { name } } } } } } } } } }";

async fn answers_and_time_are_capped_while_running(db: TestDb) {
    // The answer's ceiling: past it the request stops and answers only why.
    let app = spawn_app_with(
        db,
        true,
        samenhang::config::ServeArgs {
            max_complexity: u64::MAX,
            max_values: 5_000,
            ..config()
        },
    )
    .await;
    let body = app.graphql(HEAVY, json!({})).await;
    assert_eq!(body["data"], Value::Null, "no partial answer");
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(1), "{body:#}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "COST_ACTUAL_TOO_EXPENSIVE"
    );
    assert_eq!(body["errors"][0]["extensions"]["limit"], 5_000);
    let db = app.stop().await;

    // The deadline: a request past its time is stopped, resolvers included, with 504 and a
    // GraphQL error body in the negotiated media type.
    let app = spawn_app_with(
        db,
        false,
        samenhang::config::ServeArgs {
            max_complexity: u64::MAX,
            max_values: u64::MAX,
            request_timeout_secs: 1,
            ..config()
        },
    )
    .await;
    let started = Instant::now();
    let response = app
        .client
        .post(format!("{}/graphql", app.base))
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": HEAVY }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 504);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/graphql-response+json")
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "GATEWAY_TIMEOUT",
        "{body:#}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // The server is free again at once.
    assert_eq!(app.health().await["status"], "ok");
}
db_test!(answers_and_time_are_capped_while_running);

/// Sends one query and returns the error code and how long it took.
async fn ask(client: &reqwest::Client, url: &str, query: &str) -> (u16, Value, Duration) {
    let started = Instant::now();
    let response = client
        .post(url)
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("an answer");
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("a JSON body");
    (status, body, started.elapsed())
}

/// The release of issue 9's findings, against the real binary: each hostile query, two at a
/// time, answers with an error within the timeout while `/health` answers within a second
/// and the process stays under 1 GiB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_survives_the_hostile_queries() {
    let server = Server::start(&["--request-timeout-secs", "10"]).await;
    let client = reqwest::Client::new();
    let url = server.url("/graphql");
    let mut queries = hostile();
    queries.push(("twenty copies of the schema", introspection_flood()));
    for (what, query) in queries {
        let a = ask(&client, &url, &query);
        let b = ask(&client, &url, &query);
        let health = async {
            let mut slowest = Duration::ZERO;
            for _ in 0..5 {
                let started = Instant::now();
                let response = client
                    .get(server.url("/health"))
                    .send()
                    .await
                    .expect("health");
                assert_eq!(response.status(), 200);
                slowest = slowest.max(started.elapsed());
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            slowest
        };
        let ((_, a, took_a), (_, b, took_b), slowest) = tokio::join!(a, b, health);
        for (body, took) in [(a, took_a), (b, took_b)] {
            assert!(took < Duration::from_secs(10), "{what} took {took:?}");
            let bounded = body["errors"][0]["extensions"]["code"] == "COST_ESTIMATED_TOO_EXPENSIVE"
                || body["extensions"]["cost"]["actual"]
                    .as_u64()
                    .is_some_and(|n| n <= 200_000);
            assert!(
                bounded,
                "{what}: {}",
                &body.to_string()[..300.min(body.to_string().len())]
            );
        }
        assert!(
            slowest < Duration::from_secs(1),
            "/health took {slowest:?} during {what}"
        );
        let peak = server.peak_memory_kib();
        assert!(peak < 1024 * 1024, "{what}: peak memory {peak} KiB");
    }
}

/// Half-sent headers cannot exhaust the server: connections are capped (one more is answered
/// 503 with `Retry-After`), the headers' deadline closes the stalled ones, and the server
/// serves again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_header_flood_is_bounded() {
    let server = Server::start(&["--max-connections", "50", "--header-timeout-secs", "2"]).await;
    let before = server.open_files();
    let flood: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
            s.write_all(b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Ty")
                .expect("send");
            s
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        server.open_files() <= before + 50 + 64 + 1,
        "{} files open",
        server.open_files()
    );
    // One more is turned away at once, not left hanging.
    let mut extra = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    extra
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    extra
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    let _ = extra.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.to_lowercase().contains("retry-after: 1"), "{answer}");
    // The stalled ones are closed after the headers' deadline, and the server serves again.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let health = reqwest::get(server.url("/health")).await.expect("health");
    assert_eq!(health.status(), 200);
    for mut stalled in flood {
        stalled
            .set_read_timeout(Some(Duration::from_secs(1)))
            .unwrap();
        // Closed: the end of the stream (after a 503 or nothing), or a reset.
        let still_open = matches!(
            stalled.read_to_end(&mut Vec::new()),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)
        );
        assert!(!still_open, "a stalled connection is still open");
    }
    assert!(
        server.open_files() <= before + 2,
        "{} files open",
        server.open_files()
    );
}

/// Requests beyond `--max-in-flight` are answered 503 with `Retry-After`, while `/health`
/// still answers; SIGTERM ends the process within its grace period although a request is
/// still in flight.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_in_flight_are_capped_and_shutdown_has_a_deadline() {
    let mut server = Server::start(&[
        "--max-in-flight",
        "1",
        "--shutdown-grace-secs",
        "1",
        "--request-timeout-secs",
        "60",
    ])
    .await;
    // A request whose body never finishes holds the one place.
    let mut slow = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    slow.write_all(
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"query\":",
    )
    .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let client = reqwest::Client::new();
    let busy = client
        .post(server.url("/graphql"))
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .expect("an answer");
    assert_eq!(busy.status(), 503);
    assert_eq!(busy.headers()["retry-after"], "1");
    let body: Value = busy.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "SERVICE_UNAVAILABLE"
    );
    let health = client.get(server.url("/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);

    let started = Instant::now();
    let status = server.terminate();
    assert!(status.success(), "{status}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "shutdown took {:?}",
        started.elapsed()
    );
    drop(slow);
}

/// The schema as the document generator needs it: for each type its fields (name, arguments,
/// named type, whether it is composite) and, for abstract types, the possible types.
struct Types {
    fields: std::collections::HashMap<String, Vec<FieldInfo>>,
    possible: std::collections::HashMap<String, Vec<String>>,
}

struct FieldInfo {
    name: String,
    /// Arguments: `(name, required)`.
    args: Vec<(String, bool)>,
    of: String,
    composite: bool,
}

fn named(ty: &Value) -> &Value {
    if ty["ofType"].is_null() {
        ty
    } else {
        named(&ty["ofType"])
    }
}

impl Types {
    fn from_introspection(data: &Value) -> Types {
        let mut fields = std::collections::HashMap::new();
        let mut possible = std::collections::HashMap::new();
        let kinds: std::collections::HashMap<&str, &str> = data["__schema"]["types"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t["name"].as_str().unwrap(), t["kind"].as_str().unwrap()))
            .collect();
        for t in data["__schema"]["types"].as_array().unwrap() {
            let name = t["name"].as_str().unwrap().to_owned();
            if let Some(list) = t["possibleTypes"].as_array() {
                possible.insert(
                    name.clone(),
                    list.iter()
                        .map(|p| p["name"].as_str().unwrap().to_owned())
                        .collect(),
                );
            }
            let Some(list) = t["fields"].as_array() else {
                continue;
            };
            let infos = list
                .iter()
                .map(|f| {
                    let of = named(&f["type"])["name"].as_str().unwrap().to_owned();
                    let composite = matches!(
                        kinds.get(of.as_str()),
                        Some(&("OBJECT" | "INTERFACE" | "UNION"))
                    );
                    FieldInfo {
                        name: f["name"].as_str().unwrap().to_owned(),
                        args: f["args"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|a| {
                                let required =
                                    a["type"]["kind"] == "NON_NULL" && a["defaultValue"].is_null();
                                (a["name"].as_str().unwrap().to_owned(), required)
                            })
                            .collect(),
                        of,
                        composite,
                    }
                })
                .collect();
            fields.insert(name, infos);
        }
        Types { fields, possible }
    }
}

/// A small deterministic random source (splitmix64).
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n.max(1)
    }
}

/// Values for the required arguments the generator knows how to fill.
fn required(field: &str, arg: &str) -> Option<&'static str> {
    Some(match (field, arg) {
        ("partner" | "similarPartners", "slug" | "partner") => "\"halt\"",
        ("goal", "slug") => "\"ambitie\"",
        ("programme" | "cluster", "slug") => "\"veilige-wijken\"",
        ("wijk", "slug") => "\"atolwijk\"",
        ("area", "slug") | ("fundingScenario", "area") => "\"lelystad-oost\"",
        ("fundingScenario", "from") => "2025",
        ("fundingScenario", "to") => "2030",
        ("fundingStream", "slug") | ("fundingStreamStops", "stream") => "\"spuk-re-integratie\"",
        ("fundingAtRisk" | "fundingExposure", "endingBy") => "2026",
        ("egoNetwork", "node") => "\"partner:halt\"",
        ("networkMap", "view") => "COLLABORATION",
        ("__type", "name") => "\"Partner\"",
        ("partnersNamed", "name") => "\"gemeente\"",
        _ => return None,
    })
}

struct Generator<'t> {
    types: &'t Types,
    dice: Dice,
    aliases: usize,
    fragments: Vec<String>,
}

impl Generator<'_> {
    /// A selection set on `ty`, `depth` levels deep at most.
    fn selection(&mut self, ty: &str, depth: u32) -> String {
        let mut items = vec!["__typename".to_owned()];
        for _ in 0..=self.dice.below(3) {
            match self.dice.below(10) {
                0 if depth > 0 => {
                    let on = self.concrete(ty);
                    let inner = self.selection(&on, depth - 1);
                    items.push(format!("... on {on} {{ {inner} }}"));
                }
                1 if depth > 0 => {
                    let name = format!("F{}", self.fragments.len());
                    self.fragments.push(String::new());
                    let on = self.concrete(ty);
                    let inner = self.selection(&on, depth - 1);
                    let index: usize = name[1..].parse().unwrap();
                    self.fragments[index] = format!("fragment {name} on {on} {{ {inner} }}");
                    let spread = format!("... on {ty} {{ ...{name} }}");
                    items.push(spread.clone());
                    if self.dice.below(2) == 0 {
                        items.push(spread);
                    }
                }
                _ => {
                    if let Some(field) = self.field(ty, depth) {
                        items.push(field);
                    }
                }
            }
        }
        items.join(" ")
    }

    /// An object type `ty` stands for: itself, or one of its possible types.
    fn concrete(&mut self, ty: &str) -> String {
        match self.types.possible.get(ty) {
            Some(list) if !list.is_empty() => {
                list[self.dice.below(list.len() as u64) as usize].clone()
            }
            _ => ty.to_owned(),
        }
    }

    fn field(&mut self, ty: &str, depth: u32) -> Option<String> {
        let types = self.types;
        let fields = types.fields.get(ty)?;
        let eligible: Vec<&FieldInfo> = fields
            .iter()
            .filter(|f| !matches!(f.name.as_str(), "history" | "auditLog" | "apiTokens"))
            .filter(|f| {
                f.args
                    .iter()
                    .all(|(a, req)| !req || required(&f.name, a).is_some())
            })
            .filter(|f| depth > 0 || !f.composite)
            .collect();
        if eligible.is_empty() {
            return None;
        }
        let f = eligible[self.dice.below(eligible.len() as u64) as usize];
        let mut args = Vec::new();
        for (arg, req) in &f.args {
            if *req {
                args.push(format!("{arg}: {}", required(&f.name, arg)?));
            } else if matches!(arg.as_str(), "first" | "last" | "top" | "limit")
                && self.dice.below(2) == 0
            {
                args.push(format!("{arg}: {}", 1 + self.dice.below(4)));
            }
        }
        self.aliases += 1;
        let mut text = format!("f{}: {}", self.aliases, f.name);
        if !args.is_empty() {
            text.push_str(&format!("({})", args.join(", ")));
        }
        if f.composite {
            let inner = self.selection(&f.of, depth - 1);
            text.push_str(&format!(" {{ {inner} }}"));
        }
        Some(text)
    }
}

/// How many values a JSON answer holds: every object, list, item and scalar.
fn values(v: &Value) -> u64 {
    match v {
        Value::Object(map) => 1 + map.values().map(values).sum::<u64>(),
        Value::Array(items) => 1 + items.iter().map(values).sum::<u64>(),
        _ => 1,
    }
}

/// The cost computed before a query runs bounds what it produces: for random documents with
/// lists, pages, fragments (spread twice), inline fragments, aliases and introspection, the
/// values of the answer never exceed the cost it was priced at.
#[test]
fn the_cost_bounds_the_answer() {
    use proptest::prelude::*;
    let db = TestDb::sqlite();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (service, schema, types) = runtime.block_on(async {
        let service = samenhang::cli::open(&db.url, true).await.expect("open");
        let limits = samenhang::server::limits(&samenhang::config::ServeArgs {
            max_complexity: 300_000,
            max_aliases: 10_000,
            ..samenhang::config::ServeArgs::default()
        });
        let schema = samenhang::api::build_schema(service.clone(), limits);
        let introspection = "{ __schema { types { name kind possibleTypes { name }
            fields { name type { name kind ofType { name kind ofType { name kind ofType { name kind
              ofType { name kind ofType { name kind ofType { name kind } } } } } } }
              args { name defaultValue type { kind } } } } } }";
        let response = schema
            .execute(crate::fuzz::request(&service, introspection, json!({})))
            .await;
        let types = Types::from_introspection(&response.data.into_json().unwrap());
        (service, schema, types)
    });
    let ran = std::sync::atomic::AtomicUsize::new(0);
    let config = ProptestConfig {
        cases: 400,
        ..ProptestConfig::default()
    };
    proptest!(config, |(seed in any::<u64>())| {
        let mut g = Generator { types: &types, dice: Dice(seed), aliases: 0, fragments: Vec::new() };
        let body = g.selection("Query", 5);
        let doc = format!("{{ {body} }}\n{}", g.fragments.join("\n"));
        let response = runtime.block_on(schema.execute(crate::fuzz::request(&service, &doc, json!({}))));
        let answer = serde_json::to_value(&response).unwrap();
        let code = &answer["errors"][0]["extensions"]["code"];
        if code == "COST_ESTIMATED_TOO_EXPENSIVE" {
            prop_assert!(answer["errors"][0]["extensions"]["cost"].as_u64().unwrap() > 300_000);
        } else {
            prop_assert!(answer["extensions"]["cost"].is_object(), "{doc}\n{answer:#}");
            let requested = answer["extensions"]["cost"]["requested"].as_u64().unwrap();
            let actual = answer["extensions"]["cost"]["actual"].as_u64().unwrap();
            let produced = values(&answer["data"]) - 1;
            prop_assert!(produced <= requested, "{doc}\nproduced {produced} > priced {requested}");
            let _ = actual;
            ran.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    });
    let ran = ran.into_inner();
    assert!(
        ran >= 200,
        "only {ran} of 400 documents ran within the limit"
    );
}

/// What an attacker tried next (issue 9, second round): errors that repeat the input, answers
/// of many errors, long texts that weigh more than their count, long names, a missing
/// variable, goal trees deeper than the data file can hold, and bodies that trickle in.
async fn answers_are_bounded_by_what_they_hold(db: TestDb) {
    let app = spawn_app_with(
        db,
        true,
        samenhang::config::ServeArgs {
            max_values: 10_000,
            max_cost_in_flight: 5_000,
            ..config()
        },
    )
    .await;
    // An error repeats at most a hundred characters of the input.
    let long = "x".repeat(10_000);
    let error = app
        .error(
            "query($w: String!) { interventions(filter: { wijk: $w }) { totalCount } }",
            json!({ "w": long }),
        )
        .await;
    assert!(
        error["message"].as_str().unwrap().len() < 300,
        "{}",
        &error["message"].as_str().unwrap()[..300]
    );
    // More than a hundred errors stop the answer.
    let halt = app.id_of("partner", "halt").await;
    let ids: Vec<&str> = (0..150).map(|_| halt.as_str()).collect();
    let body = app
        .graphql(
            "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Partner { interventions(filter: { wijk: \"nergens\" }) { totalCount } } } }",
            json!({ "ids": ids }),
        )
        .await;
    assert_eq!(body["data"], Value::Null, "{body:#}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "COST_ACTUAL_TOO_EXPENSIVE"
    );
    assert_eq!(body["errors"].as_array().unwrap().len(), 1);
    // Long texts weigh what they take: the area's description is some 5 600 bytes.
    let area = app.id_of("area", "lelystad-oost").await;
    let areas = |n: usize| -> Value { json!((0..n).map(|_| area.clone()).collect::<Vec<_>>()) };
    let descriptions = "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Area { description } } }";
    let response = app
        .post_as(Some(&app.token), descriptions, json!({ "ids": areas(500) }))
        .await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert!(status == 200 || status == 503, "{status}");
    let code = &body["errors"][0]["extensions"]["code"];
    assert!(
        code == "COST_ACTUAL_TOO_EXPENSIVE" || code == "SERVICE_UNAVAILABLE",
        "{body:#}"
    );
    assert_eq!(body["data"], Value::Null);
    // Past the budget for answers in flight it stops with 503 and Retry-After.
    let response = app
        .client
        .post(format!("{}/graphql", app.base))
        .json(&json!({ "query": descriptions, "variables": { "ids": areas(300) } }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "1");
    // A few fit.
    let fine = app.graphql(descriptions, json!({ "ids": areas(5) })).await;
    assert!(fine.get("errors").is_none(), "{fine:#}");

    // A name longer than any in the schema is refused before anything looks for it.
    let name = "a".repeat(500);
    let error = app.error(&format!("{{ {name} }}"), json!({})).await;
    assert_eq!(error["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED");
    assert_eq!(error["extensions"]["length"], 500);
    // A missing variable is the client's mistake.
    assert_eq!(
        app.error_code(
            "query($n: Int!) { partners(first: $n) { totalCount } }",
            json!({})
        )
        .await,
        "BAD_USER_INPUT"
    );
    // A goal tree is at most 25 levels deep, so that every export imports again.
    let mut parent = app.id_of("goal", "ambitie").await;
    let mut refused = None;
    for level in 0..30 {
        let body = app
            .graphql(
                "mutation($a: ID!, $p: ID!, $s: String!) { createGoal(input: { areaId: $a, parentId: $p, slug: $s, name: $s, level: SUB }) { id } }",
                json!({ "a": area, "p": parent, "s": format!("diep-{level}") }),
            )
            .await;
        match body["data"]["createGoal"]["id"].as_str() {
            Some(id) => parent = id.to_owned(),
            None => {
                refused = Some(body["errors"][0].clone());
                break;
            }
        }
    }
    let refused = refused.expect("a goal tree of 30 levels was made");
    assert_eq!(
        refused["extensions"]["code"], "BAD_USER_INPUT",
        "{refused:#}"
    );
    let export = app.export().await;
    samenhang::dataset::parse(&export).expect("the deepest tree still imports");
}
db_test!(answers_are_bounded_by_what_they_hold);

/// A body that trickles in is answered 408 after the header deadline; one over the limit in
/// chunks is 413, as with a `Content-Length`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_arrive_in_time_and_size() {
    let server = Server::start(&["--header-timeout-secs", "1"]).await;
    let mut slow = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    slow.write_all(
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"query\":",
    )
    .unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut answer = vec![0; 512];
    let n = slow.read(&mut answer).expect("an answer");
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");

    let mut chunked = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    chunked
        .write_all(b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        .unwrap();
    let chunk = vec![b' '; 64 * 1024];
    for _ in 0..20 {
        let _ = chunked.write_all(format!("{:x}\r\n", chunk.len()).as_bytes());
        let _ = chunked.write_all(&chunk);
        let _ = chunked.write_all(b"\r\n");
    }
    chunked
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut answer = vec![0; 512];
    let n = chunked.read(&mut answer).expect("an answer");
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}
