//! GraphQL over WebSocket on `/graphql`, speaking `graphql-transport-ws` (the protocol of
//! graphql-ws, Apollo Client and urql) and the legacy `graphql-ws` (subscriptions-transport-ws).
//! async-graphql runs the operations; this layer keeps the rules around them: the token in
//! `connection_init` (with the same roles as HTTP), the protocol's close codes for bad
//! messages, a cap on sockets and on operations per socket, sockets closed when their token is
//! revoked or a subscriber falls too far behind, and a deadline for a client that stops
//! reading.

use std::collections::HashSet;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::Data;
use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, WebSocketProtocols, WsMessage};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

use super::{AppState, request_error};
use crate::api::SlowSubscriber;
use crate::auth::{Principal, Role};

/// Bounds on WebSocket connections.
#[derive(Clone)]
pub struct Sockets {
    open: Arc<Semaphore>,
    max: usize,
    /// Most operations (subscriptions) at once on one socket.
    pub per_socket: usize,
}

impl Sockets {
    pub fn new(max: usize, per_socket: usize) -> Sockets {
        Sockets {
            open: Arc::new(Semaphore::new(max.max(1))),
            max: max.max(1),
            per_socket: per_socket.max(1),
        }
    }

    /// How many sockets are open.
    pub fn open_now(&self) -> usize {
        self.max.saturating_sub(self.open.available_permits())
    }
}

/// How long a client may take to send `connection_init`.
const INIT_TIMEOUT: Duration = Duration::from_secs(10);
/// How often a socket's token is checked again (a revoked token closes its sockets).
const TOKEN_CHECK: Duration = Duration::from_secs(5);
/// How long sending one message to the client may take before the socket is closed (1008).
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Whether a request asks to become a WebSocket.
pub fn is_upgrade(headers: &HeaderMap) -> bool {
    headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// Answers an upgrade request on `/graphql`.
pub async fn upgrade(state: AppState, headers: HeaderMap, upgrade: WebSocketUpgrade) -> Response {
    let Some(protocol) = headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .and_then(|list| {
            list.split(',')
                .find_map(|p| WebSocketProtocols::from_str(p.trim()).ok())
        })
    else {
        return request_error(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "ask for the subprotocol graphql-transport-ws (or the legacy graphql-ws)",
        );
    };
    let Ok(permit) = state.sockets.open.clone().try_acquire_owned() else {
        let mut busy = request_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVICE_UNAVAILABLE",
            "too many open WebSockets; try again shortly",
        );
        busy.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
        return busy;
    };
    // A token on the upgrade request itself counts too (clients that can set headers).
    let header_token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| serve(state, socket, protocol, header_token, permit))
        .into_response()
}

/// What ends a socket from our side.
struct Closing {
    code: u16,
    reason: String,
}

fn close(code: u16, reason: impl Into<String>) -> Closing {
    Closing {
        code,
        reason: reason.into(),
    }
}

/// The message type and id of a client message, if it is one.
fn kind_and_id(text: &str) -> Option<(String, Option<String>)> {
    let value: Value = serde_json::from_str(text).ok()?;
    let kind = value.get("type")?.as_str()?.to_owned();
    let id = value.get("id").and_then(Value::as_str).map(str::to_owned);
    Some((kind, id))
}

/// The `Authorization` value in a `connection_init` payload: `Authorization` or
/// `authorization`, at the top or under `headers`.
fn authorization(payload: &Value) -> Option<String> {
    let find = |v: &Value| {
        v.get("Authorization")
            .or_else(|| v.get("authorization"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    find(payload).or_else(|| payload.get("headers").and_then(find))
}

async fn serve(
    state: AppState,
    socket: WebSocket,
    protocol: WebSocketProtocols,
    header_token: Option<String>,
    _permit: OwnedSemaphorePermit,
) {
    let modern = protocol == WebSocketProtocols::GraphQLWS;
    let (mut sink, mut incoming) = socket.split();
    // Client messages that pass the rules go on to async-graphql through this channel.
    let (forward, forwarded) = mpsc::channel::<String>(16);
    let principal_slot: Arc<Mutex<Option<Principal>>> = Arc::default();
    let slow = SlowSubscriber::default();
    let mut data = Data::default();
    data.insert(slow.clone());
    let slot = principal_slot.clone();
    let mut operations = async_graphql::http::WebSocket::new(
        state.schema.clone(),
        tokio_stream(forwarded),
        protocol,
    )
    .connection_data(data)
    .on_connection_init(move |_| async move {
        let mut data = Data::default();
        if let Some(principal) = slot.lock().unwrap_or_else(|p| p.into_inner()).take() {
            data.insert(principal);
        }
        Ok(data)
    });

    let mut principal: Option<Principal> = None;
    let mut active: HashSet<String> = HashSet::new();
    // Operations refused before they ran: their `complete` is not sent (see `outgoing_text`).
    let mut refused: HashSet<String> = HashSet::new();
    let init_deadline = tokio::time::sleep(INIT_TIMEOUT);
    tokio::pin!(init_deadline);
    let mut token_check = tokio::time::interval(TOKEN_CHECK);
    token_check.tick().await;

    let closing: Option<Closing> = loop {
        tokio::select! {
            message = incoming.next() => {
                let mut text = match message {
                    Some(Ok(Message::Text(text))) => text.to_string(),
                    Some(Ok(Message::Binary(bytes))) => match String::from_utf8(bytes.to_vec()) {
                        Ok(text) => text,
                        Err(_) => break Some(close(4400, "messages must be UTF-8 JSON")),
                    },
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break None,
                };
                let Some((kind, id)) = kind_and_id(&text) else {
                    break Some(close(4400, "invalid message: expected a JSON object with a `type`"));
                };
                match kind.as_str() {
                    "connection_init" => {
                        if principal.is_some() {
                            break Some(close(4429, "too many initialisation requests"));
                        }
                        let payload: Value = serde_json::from_str::<Value>(&text)
                            .ok()
                            .and_then(|v| v.get("payload").cloned())
                            .unwrap_or(Value::Null);
                        let token = authorization(&payload).or_else(|| header_token.clone());
                        let found = state
                            .service
                            .authenticator()
                            .principal(token.as_deref(), state.anonymous_read)
                            .await
                            .and_then(|p| p.require(Role::Viewer).map(|()| p));
                        match found {
                            Ok(p) => {
                                *principal_slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(p.clone());
                                principal = Some(p);
                            }
                            Err(err) => break Some(close(4403, format!("Forbidden: {err}"))),
                        }
                    }
                    "subscribe" | "start" => {
                        if principal.is_none() {
                            break Some(close(4401, "Unauthorized: send connection_init first"));
                        }
                        let Some(id) = id else {
                            break Some(close(4400, "invalid message: an operation needs an id"));
                        };
                        if active.contains(&id) {
                            break Some(close(4409, format!("Subscriber for {id} already exists")));
                        }
                        if active.len() >= state.sockets.per_socket {
                            break Some(close(
                                4400,
                                format!("too many operations on one socket (at most {})", state.sockets.per_socket),
                            ));
                        }
                        match with_document(&state, &text) {
                            Ok(Some(resolved)) => text = resolved,
                            Ok(None) => {}
                            Err(refused) => {
                                let payload = serde_json::json!([{
                                    "message": refused.message,
                                    "extensions": { "code": refused.code },
                                }]);
                                let payload = if modern { payload } else { payload[0].clone() };
                                let error = serde_json::json!({ "id": id, "type": "error", "payload": payload });
                                match tokio::time::timeout(SEND_TIMEOUT, sink.send(Message::Text(error.to_string().into()))).await {
                                    Ok(Ok(())) => continue,
                                    _ => break None,
                                }
                            }
                        }
                        active.insert(id);
                    }
                    "complete" | "stop" => {
                        if let Some(id) = &id {
                            active.remove(id);
                        }
                    }
                    "ping" | "pong" | "connection_terminate" => {}
                    other => break Some(close(4400, format!("invalid message type {other:?}"))),
                }
                if forward.send(text).await.is_err() {
                    break None;
                }
            }
            outgoing = operations.next() => {
                let Some(outgoing) = outgoing else { break None };
                let message = match outgoing {
                    WsMessage::Text(text) => {
                        let Some(text) = outgoing_text(text, modern, &mut refused) else {
                            continue;
                        };
                        if let Some((kind, Some(id))) = kind_and_id(&text)
                            && matches!(kind.as_str(), "complete" | "error")
                        {
                            active.remove(&id);
                        }
                        Message::Text(text.into())
                    }
                    WsMessage::Close(code, reason) => break Some(close(code, reason)),
                };
                match tokio::time::timeout(SEND_TIMEOUT, sink.send(message)).await {
                    Ok(Ok(())) => {}
                    Ok(Err(_)) => break None,
                    // Said as for a client that fell behind: it is one, whichever came first.
                    Err(_) => break Some(close(1008, "the client stopped taking messages; catch up with the changes query")),
                }
            }
            () = &mut init_deadline, if principal.is_none() => {
                if modern {
                    break Some(close(4408, "Connection initialisation timeout"));
                }
                break None;
            }
            () = slow.0.notified() => {
                break Some(close(1008, "the client fell too far behind; catch up with the changes query"));
            }
            _ = token_check.tick(), if matches!(principal, Some(Principal::Token { .. })) => {
                let still = match &principal {
                    Some(Principal::Token { name, .. }) => state.service.store().token_active(name).await.unwrap_or(true),
                    _ => true,
                };
                if !still {
                    break Some(close(4403, "Forbidden: the token was revoked"));
                }
            }
        }
    };
    if let Some(Closing { code, reason }) = closing {
        let frame = Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        }));
        let _ = tokio::time::timeout(SEND_TIMEOUT, sink.send(frame)).await;
    }
    let _ = tokio::time::timeout(SEND_TIMEOUT, sink.close()).await;
}

/// A `subscribe` message with the document its hash names written in, when it names one
/// (trusted documents and automatic persisted queries, as over HTTP).
fn with_document(
    state: &AppState,
    text: &str,
) -> Result<Option<String>, super::persisted::Refused> {
    let Ok(mut message) = serde_json::from_str::<Value>(text) else {
        return Ok(None);
    };
    let Some(payload) = message.get_mut("payload").and_then(Value::as_object_mut) else {
        return Ok(None);
    };
    let query = payload
        .get("query")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let extensions = payload
        .get("extensions")
        .and_then(|x| serde_json::from_value(x.clone()).ok())
        .unwrap_or_default();
    let resolved = state.documents.resolve(query, &extensions)?;
    // Over the socket the document is learned when it is subscribed to.
    state.documents.learn_from(query, &extensions);
    match resolved {
        Some(document) => {
            payload.insert("query".to_owned(), Value::String(document.to_string()));
            Ok(Some(message.to_string()))
        }
        None => Ok(None),
    }
}

/// A message from async-graphql as the protocol wants it, or `None` to leave it out. An
/// operation refused before it ran (a syntax, validation or role error: no data and no error
/// with a path) is one `error` message under `graphql-transport-ws`, whose errors carry an
/// `extensions.code` as over HTTP; it ends the operation, so the `complete` that async-graphql
/// sends after it is left out.
fn outgoing_text(text: String, modern: bool, refused: &mut HashSet<String>) -> Option<String> {
    if !modern {
        return Some(text);
    }
    if !text.contains("\"errors\"") {
        if !refused.is_empty()
            && let Some((kind, Some(id))) = kind_and_id(&text)
            && kind == "complete"
            && refused.remove(&id)
        {
            return None;
        }
        return Some(text);
    }
    let Ok(Outgoing {
        id,
        payload: Some(OutgoingPayload { data, errors }),
    }) = serde_json::from_str::<Outgoing>(&text)
    else {
        return Some(text);
    };
    if !data.is_null() || errors.iter().any(|e| !e.path.is_null()) {
        return Some(text);
    }
    let errors: Vec<WireError> = errors
        .into_iter()
        .map(|mut error| {
            // Errors before execution without a code are async-graphql's own: syntax and
            // validation (as `add_error_codes` does over HTTP).
            let code = "GRAPHQL_VALIDATION_FAILED";
            if let Some(extensions) = error.extensions.as_object_mut() {
                extensions.entry("code").or_insert_with(|| code.into());
            } else {
                error.extensions = serde_json::json!({ "code": code });
            }
            error
        })
        .collect();
    let error = serde_json::to_string(&OutgoingError {
        id: &id,
        kind: "error",
        payload: errors,
    })
    .ok()?;
    refused.insert(id);
    Some(error)
}

/// The parts of an outgoing `next` message that say whether it ran.
#[derive(serde::Deserialize)]
struct Outgoing {
    id: String,
    payload: Option<OutgoingPayload>,
}

#[derive(serde::Deserialize)]
struct OutgoingPayload {
    #[serde(default)]
    data: Value,
    #[serde(default)]
    errors: Vec<WireError>,
}

/// One error with its keys in the specification's order.
#[derive(serde::Deserialize, serde::Serialize)]
struct WireError {
    message: String,
    #[serde(default, skip_serializing_if = "Value::is_null")]
    locations: Value,
    #[serde(default, skip_serializing_if = "Value::is_null")]
    path: Value,
    #[serde(default)]
    extensions: Value,
}

#[derive(serde::Serialize)]
struct OutgoingError<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    payload: Vec<WireError>,
}

/// A receiver as a stream of messages for async-graphql.
fn tokio_stream(
    mut receiver: mpsc::Receiver<String>,
) -> impl futures_util::Stream<Item = String> + Send + Unpin + 'static {
    Box::pin(futures_util::stream::poll_fn(move |cx| {
        receiver.poll_recv(cx)
    }))
}
