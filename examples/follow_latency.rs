//! How soon other replicas show a write: two `samenhang serve` processes on one PostgreSQL
//! database; four writers rename partners on the first as fast as it answers, while a
//! subscriber on the second records when each change arrives. Prints the writes per second and
//! the delay from a write's answer on the first replica to its event on the second (p50, p99,
//! max) as Markdown for BENCHMARKS.md.
//!
//! `cargo run --release --example follow_latency -- target/release/samenhang \
//!     postgres://postgres@127.0.0.1:5432/postgres [SECONDS]`

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

struct Replica {
    child: Child,
    port: u16,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn start(binary: &str, url: &str) -> Replica {
    let port = free_port();
    let child = Command::new(binary)
        .args([
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            url,
        ])
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .spawn()
        .expect("the replica starts");
    // Killed and waited for when dropped, also when it never becomes ready.
    let replica = Replica { child, port };
    for _ in 0..600 {
        if reqwest::get(format!("http://127.0.0.1:{port}/ready"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return replica;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the replica did not become ready");
}

async fn post(port: u16, token: &str, query: &str, variables: Value) -> Value {
    reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("an answer")
        .json()
        .await
        .expect("JSON")
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (binary, admin) = (&args[1], &args[2]);
    let seconds: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10);
    let db = format!("follow_latency_{}", std::process::id());
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(b, _)| b)
        .to_owned();
    let admin_db = sea_orm::Database::connect(admin).await.expect("PostgreSQL");
    use sea_orm::ConnectionTrait;
    admin_db
        .execute_unprepared(&format!("CREATE DATABASE {db}"))
        .await
        .expect("a database");
    let url = format!("{base}/{db}");
    let writer = start(binary, &url).await;
    let reader = start(binary, &url).await;
    let token = String::from_utf8(
        Command::new(binary)
            .args([
                "token",
                "create",
                "bench",
                "--role",
                "editor",
                "--database-url",
                &url,
            ])
            .output()
            .expect("a token")
            .stdout,
    )
    .expect("text")
    .trim()
    .to_owned();
    let partners: Vec<String> = post(
        writer.port,
        &token,
        "{ partners(first: 40) { nodes { id } } }",
        json!({}),
    )
    .await["data"]["partners"]["nodes"]
        .as_array()
        .expect("partners")
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();

    // The subscriber on the other replica: when each version arrives.
    let arrived: Arc<Mutex<HashMap<(String, i64), Instant>>> = Arc::default();
    let mut request = format!("ws://127.0.0.1:{}/graphql", reader.port)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("a socket");
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
    socket
        .send(Message::Text(init.to_string().into()))
        .await
        .unwrap();
    let _ack = socket.next().await;
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": {
        "query": "subscription { changes(filter: { types: [PARTNER] }) { id node { ... on Partner { version } } } }" } });
    socket
        .send(Message::Text(subscribe.to_string().into()))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let listening = {
        let arrived = arrived.clone();
        tokio::spawn(async move {
            while let Some(Ok(Message::Text(text))) = socket.next().await {
                let message: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                let change = &message["payload"]["data"]["changes"];
                if let (Some(id), Some(version)) =
                    (change["id"].as_str(), change["node"]["version"].as_i64())
                {
                    arrived
                        .lock()
                        .unwrap()
                        .entry((id.to_owned(), version))
                        .or_insert_with(Instant::now);
                }
            }
        })
    };

    // Four writers on the first replica: when each write's answer came, by node and version.
    let acknowledged: Arc<Mutex<HashMap<(String, i64), Instant>>> = Arc::default();
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (token, partners, acknowledged) = (token.clone(), partners.clone(), acknowledged.clone());
            let port = writer.port;
            tokio::spawn(async move {
                let mut i = 0;
                while Instant::now() < until {
                    let id = &partners[(w * 10 + i) % partners.len()];
                    let answer = post(
                        port,
                        &token,
                        "mutation($p: ID!, $d: String!) { updatePartner(id: $p, input: { description: $d }) { id version } }",
                        json!({ "p": id, "d": format!("{w}-{i}") }),
                    )
                    .await;
                    let at = Instant::now();
                    let node = &answer["data"]["updatePartner"];
                    if let (Some(id), Some(version)) = (node["id"].as_str(), node["version"].as_i64()) {
                        acknowledged.lock().unwrap().insert((id.to_owned(), version), at);
                    }
                    i += 1;
                }
            })
        })
        .collect();
    for w in writers {
        let _ = w.await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(2)).await;
    listening.abort();
    let arrived = arrived.lock().unwrap().clone();
    let acknowledged = acknowledged.lock().unwrap().clone();
    let writes = acknowledged.len();
    // The delay of each write: from its answer on the first replica to its event on the
    // second (zero when the event came first).
    let mut delays: Vec<f64> = acknowledged
        .iter()
        .filter_map(|(key, sent)| {
            let got = arrived.get(key)?;
            Some(got.saturating_duration_since(*sent).as_secs_f64() * 1000.0)
        })
        .collect();
    let received = delays.len();
    delays.sort_by(f64::total_cmp);
    println!("| writes/s on the first replica | events on the second | delay p50 | p99 | max |");
    println!("| ---: | ---: | ---: | ---: | ---: |");
    println!(
        "| {:.0} | {} of {writes} | {:.1} ms | {:.1} ms | {:.1} ms |",
        writes as f64 / elapsed,
        received,
        percentile(&delays, 0.5),
        percentile(&delays, 0.99),
        delays.last().copied().unwrap_or(0.0),
    );
    drop(writer);
    drop(reader);
    let _ = admin_db
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .await;
}
