//! Changes pushed to clients over WebSocket (issue 10), with a real client speaking
//! `graphql-transport-ws` (and the legacy `graphql-ws`): a change committed by one process is
//! pushed by another, filters, the token in `connection_init`, the protocol's close codes, a
//! revoked token closing its socket, a slow client that holds no write back, and the catch-up
//! query.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::helpers::{Server, TestDb, config, create_token, db_test, spawn_app, spawn_app_with};
use samenhang::auth::Role;
use samenhang::config::{Anonymous, ServeArgs};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Opens a WebSocket on `/graphql` of `base` (`http://host:port`) with a subprotocol.
async fn open(base: &str, protocol: &str) -> Socket {
    open_with(base, protocol, None).await
}

/// The same over a TCP connection with a receive buffer of the given size.
async fn open_with(base: &str, protocol: &str, receive_buffer: Option<u32>) -> Socket {
    let url = format!("{}/graphql", base.replacen("http", "ws", 1));
    let mut request = url.into_client_request().expect("a request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        protocol.parse().expect("a header"),
    );
    let addr: std::net::SocketAddr = base
        .trim_start_matches("http://")
        .parse()
        .expect("an address");
    let tcp = tokio::net::TcpSocket::new_v4().expect("a socket");
    if let Some(size) = receive_buffer {
        tcp.set_recv_buffer_size(size).expect("a buffer size");
    }
    let stream = tcp.connect(addr).await.expect("connected");
    let (socket, response) =
        tokio_tungstenite::client_async(request, MaybeTlsStream::Plain(stream))
            .await
            .expect("the socket opens");
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        protocol,
        "the server speaks the protocol"
    );
    socket
}

/// The result of operation `id` (skipping what comes for other operations).
async fn result(socket: &mut Socket, id: &str) -> Value {
    loop {
        let message = next(socket).await.expect("a message");
        if message["id"] == id
            && matches!(message["type"].as_str(), Some("next" | "data" | "error"))
        {
            return message;
        }
    }
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .expect("sent");
}

/// The next message from the server: JSON, or the close code and reason.
async fn next(socket: &mut Socket) -> Result<Value, (u16, String)> {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(15), socket.next())
            .await
            .expect("the server answered in time");
        match message {
            Some(Ok(Message::Text(text))) => {
                return Ok(serde_json::from_str(&text).expect("JSON"));
            }
            Some(Ok(Message::Close(frame))) => {
                return Err(frame.map_or((1005, String::new()), |f| {
                    (u16::from(f.code), f.reason.to_string())
                }));
            }
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => return Err((1006, "dropped".into())),
        }
    }
}

/// Opens a socket, says hello with `payload`, and expects the acknowledgement.
async fn connected(base: &str, payload: Value) -> Socket {
    let mut socket = open(base, "graphql-transport-ws").await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": payload }),
    )
    .await;
    let ack = next(&mut socket).await.expect("an answer");
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    socket
}

const CHANGES: &str = "subscription($f: ChangeFilter) { changes(filter: $f) {
    version operation id nodeType linkedTo linkType
    node { id ... on Partner { name version } } } }";

async fn subscribe(socket: &mut Socket, id: &str, filter: Value) {
    send(
        socket,
        json!({ "id": id, "type": "subscribe", "payload": { "query": CHANGES, "variables": { "f": filter } } }),
    )
    .await;
}

/// The next change pushed for subscription `id`.
async fn change(socket: &mut Socket, id: &str) -> Value {
    let message = next(socket).await.expect("a message");
    assert_eq!(message["type"], "next", "{message}");
    assert_eq!(message["id"], id);
    assert!(message["payload"].get("errors").is_none(), "{message}");
    message["payload"]["data"]["changes"].clone()
}

async fn rename(app: &crate::helpers::TestApp, id: &str, name: &str) -> Value {
    app.data(
        "mutation($p: ID!, $n: String!) { updatePartner(id: $p, input: { name: $n }) { version } }",
        json!({ "p": id, "n": name }),
    )
    .await
}

/// A change committed by one process is pushed by another process on the same database, as
/// the filter asks.
async fn changes_from_another_process_are_pushed(db: TestDb) {
    let url = db.url.expose().to_owned();
    let app = spawn_app(db, true).await;
    let replica = Server::start_on(Some(&url), &[]).await;
    let halt = app.id_of("partner", "halt").await;
    let politie = app.id_of("partner", "politie").await;
    let mut all = connected(&replica.url(""), json!({})).await;
    subscribe(&mut all, "all", json!({ "types": ["PARTNER"] })).await;
    let mut one = connected(&replica.url(""), json!({})).await;
    subscribe(&mut one, "halt", json!({ "ids": [halt] })).await;
    // Let both subscriptions start before the writes.
    tokio::time::sleep(Duration::from_millis(300)).await;

    rename(&app, &politie, "Politie Flevoland").await;
    rename(&app, &halt, "Halt Flevoland").await;
    let first = change(&mut all, "all").await;
    assert_eq!(first["operation"], "UPDATED");
    assert_eq!(first["id"], politie.as_str());
    assert_eq!(first["node"]["name"], "Politie Flevoland");
    let second = change(&mut all, "all").await;
    assert_eq!(second["id"], halt.as_str());
    assert_eq!(
        second["version"].as_i64(),
        first["version"].as_i64().map(|v| v + 1)
    );
    // The filtered subscription sees only Halt's change.
    let only = change(&mut one, "halt").await;
    assert_eq!(only["id"], halt.as_str());
    assert_eq!(only["node"]["name"], "Halt Flevoland");

    // A link is a change at both its ends; the partner end is pushed with the other end.
    let intervention = app.id_of("intervention", "vw-publiekscampagne").await;
    app.data(
        "mutation($i: ID!, $p: ID!) { linkInterventionPartner(interventionId: $i, partnerId: $p) { id } }",
        json!({ "i": intervention, "p": halt }),
    )
    .await;
    let linked = change(&mut one, "halt").await;
    assert_eq!(linked["operation"], "LINKED");
    assert_eq!(linked["linkedTo"], intervention.as_str());
    assert_eq!(linked["linkType"], "InterventionPartner");

    // What a client missed, from the log: the catch-up query.
    let since = first["version"].as_i64().unwrap() - 1;
    let caught = app
        .data(
            "query($s: Int!) { changes(since: $s, filter: { ids: [\"PLACEHOLDER\"] }) { head nodes { version operation id } pageInfo { hasNextPage } } }"
                .replace("PLACEHOLDER", &halt)
                .as_str(),
            json!({ "s": since }),
        )
        .await;
    let ops: Vec<&str> = caught["changes"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["operation"].as_str().unwrap())
        .collect();
    assert_eq!(ops, ["UPDATED", "LINKED"], "{caught:#}");

    // Ending a subscription ends its events: the server answers `complete`.
    send(&mut one, json!({ "id": "halt", "type": "complete" })).await;
    rename(&app, &halt, "Halt").await;
    let pushed = change(&mut all, "all").await;
    assert_eq!(pushed["id"], halt.as_str());
    while let Ok(Some(Ok(Message::Text(text)))) =
        tokio::time::timeout(Duration::from_millis(500), one.next()).await
    {
        let message: Value = serde_json::from_str(&text).unwrap();
        assert_ne!(
            message["type"], "next",
            "a completed subscription received {message}"
        );
    }
}
db_test!(changes_from_another_process_are_pushed);

/// The token goes in `connection_init`; the protocol's close codes answer what breaks it.
async fn sockets_follow_the_protocol_and_the_roles(db: TestDb) {
    let app = spawn_app_with(
        db,
        true,
        ServeArgs {
            anonymous: Anonymous::None,
            ..config()
        },
    )
    .await;
    let viewer = create_token(&app.service, "kijker", Role::Viewer).await;
    let base = app.base.clone();

    // Without a token where one is needed: 4403.
    let mut socket = open(&base, "graphql-transport-ws").await;
    send(&mut socket, json!({ "type": "connection_init" })).await;
    assert_eq!(next(&mut socket).await.unwrap_err().0, 4403);
    // A subscription before `connection_init`: 4401.
    let mut socket = open(&base, "graphql-transport-ws").await;
    subscribe(&mut socket, "early", json!({})).await;
    assert_eq!(next(&mut socket).await.unwrap_err().0, 4401);
    // Not a message: 4400.
    let mut socket = open(&base, "graphql-transport-ws").await;
    socket.send(Message::Text("nonsense".into())).await.unwrap();
    assert_eq!(next(&mut socket).await.unwrap_err().0, 4400);
    // The same id twice: 4409.
    let auth = json!({ "Authorization": format!("Bearer {viewer}") });
    let mut socket = connected(&base, auth.clone()).await;
    subscribe(&mut socket, "x", json!({})).await;
    subscribe(&mut socket, "x", json!({})).await;
    assert_eq!(next(&mut socket).await.unwrap_err().0, 4409);
    // A second `connection_init`: 4429.
    let mut socket = connected(&base, auth.clone()).await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": auth }),
    )
    .await;
    assert_eq!(next(&mut socket).await.unwrap_err().0, 4429);
    // A mutation over the socket obeys the roles: a viewer may not write.
    let mut socket = connected(
        &base,
        json!({ "authorization": format!("Bearer {viewer}") }),
    )
    .await;
    send(
        &mut socket,
        json!({ "id": "w", "type": "subscribe", "payload": { "query": "mutation { revokeApiToken(name: \"kijker\") { name } }" } }),
    )
    .await;
    let answer = result(&mut socket, "w").await;
    assert_eq!(
        answer["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{answer}"
    );
    // A document that fails validation is one `error` message with the code, as over HTTP,
    // and (graphql-transport-ws) no `complete` after it.
    send(
        &mut socket,
        json!({ "id": "bad", "type": "subscribe", "payload": { "query": "{ partner(slug: \"halt\") { nope } }" } }),
    )
    .await;
    let answer = result(&mut socket, "bad").await;
    assert_eq!(answer["type"], "error", "{answer}");
    assert_eq!(
        answer["payload"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
        "{answer}"
    );
    assert!(answer["payload"][0]["locations"].is_array(), "{answer}");
    // Queries work over the socket too, on the current graph.
    send(
        &mut socket,
        json!({ "id": "q", "type": "subscribe", "payload": { "query": "{ partner(slug: \"halt\") { name } }" } }),
    )
    .await;
    let answer = loop {
        let message = next(&mut socket).await.expect("a message");
        assert!(
            !(message["id"] == "bad" && message["type"] == "complete"),
            "a refused operation is not completed: {message}"
        );
        if message["id"] == "q" && message["type"] == "next" {
            break message;
        }
    };
    assert_eq!(
        answer["payload"]["data"]["partner"]["name"], "Halt",
        "{answer}"
    );

    // The legacy protocol: `connection_init`, `start`, `data`.
    let mut legacy = open(&base, "graphql-ws").await;
    send(
        &mut legacy,
        json!({ "type": "connection_init", "payload": auth }),
    )
    .await;
    assert_eq!(next(&mut legacy).await.unwrap()["type"], "connection_ack");
    send(
        &mut legacy,
        json!({ "id": "1", "type": "start", "payload": { "query": "{ partner(slug: \"halt\") { name } }" } }),
    )
    .await;
    let data = result(&mut legacy, "1").await;
    assert_eq!(data["type"], "data", "{data}");
    assert_eq!(data["payload"]["data"]["partner"]["name"], "Halt");
}
db_test!(sockets_follow_the_protocol_and_the_roles);

/// Revoking a token closes the sockets that use it.
async fn a_revoked_token_closes_its_socket(db: TestDb) {
    let app = spawn_app(db, true).await;
    let viewer = create_token(&app.service, "volger", Role::Viewer).await;
    let mut socket = connected(
        &app.base,
        json!({ "Authorization": format!("Bearer {viewer}") }),
    )
    .await;
    subscribe(&mut socket, "s", json!({})).await;
    app.data(
        "mutation { revokeApiToken(name: \"volger\") { name } }",
        json!({}),
    )
    .await;
    let started = Instant::now();
    let (code, reason) = next(&mut socket).await.expect_err("closed");
    assert_eq!(code, 4403, "{reason}");
    assert!(reason.contains("revoked"), "{reason}");
    assert!(started.elapsed() < Duration::from_secs(10));
}
db_test!(a_revoked_token_closes_its_socket);

/// A client that stops reading holds no write back: the writes go on at their pace, and the
/// client's socket is closed.
async fn a_slow_client_holds_no_write_back(db: TestDb) {
    let app = spawn_app(db, true).await;
    let halt = app.id_of("partner", "halt").await;
    // A small receive buffer and heavy events, so that the buffers between us fill.
    let mut socket = open_with(&app.base, "graphql-transport-ws", Some(4096)).await;
    send(&mut socket, json!({ "type": "connection_init" })).await;
    assert_eq!(next(&mut socket).await.unwrap()["type"], "connection_ack");
    let heavy = "subscription { changes { id node { ... on Partner { name description
        interventions(first: 100) { edges { node { name description targets indicators } } } } } } }";
    send(
        &mut socket,
        json!({ "id": "heavy", "type": "subscribe", "payload": { "query": heavy } }),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let gemeente = app.id_of("partner", "gemeente-lelystad").await;
    let started = Instant::now();
    for i in 0..1500 {
        let target = if i % 2 == 0 { &halt } else { &gemeente };
        rename(&app, target, &format!("Naam {i}")).await;
    }
    let writing = started.elapsed();
    assert!(
        writing < Duration::from_secs(120),
        "1 500 writes took {writing:?} with a stuck subscriber"
    );
    // The socket is closed: fell behind (1008) or stopped taking messages (dropped).
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut received = 0;
    let mut bytes = 0;
    loop {
        match tokio::time::timeout(Duration::from_secs(20), socket.next()).await {
            Ok(Some(Ok(Message::Close(frame)))) => {
                let code = frame.map_or(1005, |f| u16::from(f.code));
                assert_eq!(code, 1008);
                break;
            }
            Ok(Some(Ok(m))) => {
                received += 1;
                bytes += m.len();
            }
            Ok(Some(Err(_)) | None) => break,
            Err(_) => {
                panic!("the slow socket stayed open after {received} messages, {bytes} bytes")
            }
        }
        assert!(Instant::now() < deadline, "the slow socket stayed open");
    }
}
db_test!(a_slow_client_holds_no_write_back);
