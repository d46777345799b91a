//! `/graphql`, following the GraphQL over HTTP specification: the answer's media type by the
//! client's `Accept` header, status codes that tell a refused request from a partial answer,
//! mutations only over POST, and POST bodies only as JSON (a cross-site form cannot send
//! one without the browser asking first).

use std::collections::HashMap;

use async_graphql::Pos;
use async_graphql::parser::types::{ExecutableDocument, OperationType};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use tokio::sync::OwnedSemaphorePermit;

use super::security::principal;
use super::{AppState, error_response_in};
use crate::api::{AnswerShare, BUSY_CODE, TIMEOUT_CODE, add_error_codes, prepare};
use crate::auth::Role;

/// The highest cost of a document run on the thread that read its request; a costlier one (or
/// one not yet priced) runs on the work pool, so that it cannot hold up the threads that
/// accept connections. A cheap document is done in about the time handing it over would take
/// (the hand-off was a third of a small request's CPU), and yields every few milliseconds
/// like any other (see `crate::api::limits`).
const INLINE_COST: u64 = 10_000;

/// The two media types of a GraphQL answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Media {
    /// `application/graphql-response+json`: request errors get 4xx statuses.
    GraphqlResponse,
    /// `application/json`: every well-formed request gets 200, errors are in the body.
    Json,
}

impl Media {
    fn content_type(self) -> &'static str {
        match self {
            Media::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Media::Json => "application/json; charset=utf-8",
        }
    }
}

/// The media type to answer in, from an `Accept` header: the acceptable type with the highest
/// quality, `application/graphql-response+json` on a tie; `application/json` when the header
/// is missing or accepts anything. `None` when neither is acceptable.
pub fn negotiate(accept: Option<&str>) -> Option<Media> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Some(Media::Json);
    };
    let mut best: Option<(f32, u8, Media)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let kind = parts.next().unwrap_or_default().to_ascii_lowercase();
        let quality = parts
            .filter_map(|p| p.strip_prefix("q="))
            .find_map(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        // Explicitly named types rank above wildcards of the same quality.
        let (rank, media) = match kind.as_str() {
            "application/graphql-response+json" => (3, Media::GraphqlResponse),
            "application/json" => (2, Media::Json),
            "application/*" | "*/*" => (1, Media::Json),
            _ => continue,
        };
        if quality > 0.0 && best.is_none_or(|(q, r, _)| (quality, rank) > (q, r)) {
            best = Some((quality, rank, media));
        }
    }
    best.map(|(_, _, media)| media)
}

/// The media type to refuse a request in: what its `Accept` header prefers, else JSON.
pub fn refusal_media(headers: &HeaderMap) -> Media {
    negotiate(headers.get(header::ACCEPT).and_then(|v| v.to_str().ok())).unwrap_or(Media::Json)
}

/// Whether a POST body's `Content-Type` is JSON.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| v == "application/json" || v == "application/graphql-response+json")
}

/// The operation a request runs: the named one, or the only one.
fn operation_type(doc: &ExecutableDocument, name: Option<&str>) -> Option<OperationType> {
    let mut operations = doc.operations.iter();
    match name {
        Some(wanted) => operations
            .find(|(op_name, _)| op_name.is_some_and(|n| n.as_str() == wanted))
            .map(|(_, op)| op.node.ty),
        None => match (operations.next(), operations.next()) {
            (Some((_, op)), None) => Some(op.node.ty),
            _ => None,
        },
    }
}

/// An answer that carries only request errors, in the negotiated media type: 400 for
/// `application/graphql-response+json`, 200 for `application/json`.
fn refused(media: Media, code: &str, message: String, pos: Option<Pos>) -> Response {
    let mut error = async_graphql::ServerError::new(message, pos);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    answer(
        media,
        async_graphql::Response::from_errors(vec![error]),
        None,
    )
}

/// Serialises a GraphQL response with the status its media type calls for; a request stopped
/// by its deadline is 504 in either. The request's share of the budget for answers in flight
/// is held until the body has been sent (or the connection dropped).
fn answer(
    media: Media,
    response: async_graphql::Response,
    share: Option<OwnedSemaphorePermit>,
) -> Response {
    // No data and only errors outside execution: the request itself was refused.
    let refused_whole = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    let coded = |code: &str| {
        refused_whole
            && response.errors.iter().any(|e| {
                e.extensions
                    .as_ref()
                    .and_then(|x| x.get("code"))
                    .is_some_and(|c| matches!(c, async_graphql::Value::String(c) if c == code))
            })
    };
    let (timed_out, busy) = (coded(TIMEOUT_CODE), coded(BUSY_CODE));
    let status = match media {
        _ if timed_out => StatusCode::GATEWAY_TIMEOUT,
        _ if busy => StatusCode::SERVICE_UNAVAILABLE,
        Media::GraphqlResponse if refused_whole => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    };
    // A request refused before it ran has no `data` (GraphQL: "not present").
    let body = if refused_whole {
        serde_json::to_vec(&ErrorsOnly {
            errors: &response.errors,
        })
    } else {
        serde_json::to_vec(&response)
    };
    let body = match body {
        Ok(body) => body,
        Err(err) => {
            tracing::error!(error = %err, "cannot serialise a GraphQL response");
            return refusal(
                media,
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL_SERVER_ERROR",
                "internal server error",
            );
        }
    };
    let body = Body::from(Bytes::from_owner(Held {
        body,
        _share: share,
    }));
    let mut out = with_headers(media, (status, body).into_response());
    if busy {
        out.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    out
}

/// An answer's bytes with the share of the budget they hold.
struct Held {
    body: Vec<u8>,
    _share: Option<OwnedSemaphorePermit>,
}

impl AsRef<[u8]> for Held {
    fn as_ref(&self) -> &[u8] {
        &self.body
    }
}

/// The headers of every GraphQL answer.
fn with_headers(media: Media, mut out: Response) -> Response {
    let headers = out.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media.content_type()),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Accept, Authorization"),
    );
    out
}

/// A refused request as a GraphQL response in the negotiated media type, with its own status.
pub fn refusal(media: Media, status: StatusCode, code: &str, message: &str) -> Response {
    let mut error = async_graphql::ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    let body = serde_json::to_string(&ErrorsOnly { errors: &[error] })
        .unwrap_or_else(|_| r#"{"errors":[{"message":"the request was refused"}]}"#.to_owned());
    with_headers(media, (status, body).into_response())
}

/// The body of a request refused before it ran: its errors alone, each with its keys in the
/// specification's order (`message`, `locations`, `path`, `extensions`).
#[derive(serde::Serialize)]
struct ErrorsOnly<'a> {
    errors: &'a [async_graphql::ServerError],
}

/// A POST body as the GraphQL over HTTP specification names its members. `query` may be
/// absent or `null` (a persisted query sent by its hash); `null` stands for absent in the others
/// too.
#[derive(serde::Deserialize)]
struct PostBody {
    #[serde(default)]
    query: Option<String>,
    #[serde(default, rename = "operationName")]
    operation_name: Option<String>,
    #[serde(default)]
    variables: Option<async_graphql::Variables>,
    #[serde(default)]
    extensions: Option<HashMap<String, async_graphql::Value>>,
}

/// The GraphQL request of a POST body, or why it is not one.
fn from_body(body: &[u8]) -> Result<async_graphql::Request, String> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'[') {
        return Err("batches (JSON arrays) are not served".to_owned());
    }
    let body: PostBody = serde_json::from_slice(body).map_err(|err| {
        let what = if err.is_data() {
            "`query` and `operationName` are strings, `variables` and `extensions` objects"
        } else {
            "send a JSON object with `query` (and `variables`, `operationName`)"
        };
        format!("{what} (line {}, column {})", err.line(), err.column())
    })?;
    let mut request = async_graphql::Request::new(body.query.unwrap_or_default());
    request.operation_name = body.operation_name.filter(|n| !n.is_empty());
    request.variables = body.variables.unwrap_or_default();
    request.extensions = async_graphql::Extensions(body.extensions.unwrap_or_default());
    Ok(request)
}

/// A GET request's parameters, as the GraphQL over HTTP specification names them (the
/// JSON-valued ones as JSON text).
#[derive(serde::Deserialize)]
struct GetParams {
    #[serde(default)]
    query: String,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

/// The GraphQL request of a GET's query string.
fn from_query_string(query: &str) -> Result<async_graphql::Request, String> {
    let params: GetParams = serde_urlencoded::from_str(query).map_err(|_| {
        "the query string is not query, operationName, variables and extensions".to_owned()
    })?;
    let variables: Option<async_graphql::Variables> = json_param("variables", params.variables)?;
    let extensions: Option<HashMap<String, async_graphql::Value>> =
        json_param("extensions", params.extensions)?;
    let mut request = async_graphql::Request::new(params.query);
    request.operation_name = params.operation_name.filter(|n| !n.is_empty());
    request.variables = variables.unwrap_or_default();
    request.extensions = async_graphql::Extensions(extensions.unwrap_or_default());
    Ok(request)
}

/// A JSON-valued parameter of a query string; absent or empty is `None`.
fn json_param<T: serde::de::DeserializeOwned>(
    name: &str,
    text: Option<String>,
) -> Result<Option<T>, String> {
    match text.filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|_| format!("`{name}` is not a JSON object")),
    }
}

/// A parser error in one line: "Syntax Error: expected …" instead of the parser's drawing of
/// the document.
fn syntax_error(message: &str) -> String {
    match message.lines().find_map(|l| l.trim().strip_prefix("= ")) {
        Some(expected) => format!("Syntax Error: {expected}"),
        None => message.lines().next().unwrap_or(message).to_owned(),
    }
}

/// Reads the request: its body (POST, in good time) or its query string (GET).
async fn read_request(
    state: &AppState,
    request: Request,
    media: Media,
) -> Result<async_graphql::Request, Response> {
    if request.method() == Method::GET || request.method() == Method::HEAD {
        return from_query_string(request.uri().query().unwrap_or_default()).map_err(|why| {
            refusal(
                media,
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                &format!("not a GraphQL request: {why}"),
            )
        });
    }
    // The body must arrive in good time: a trickle must not hold a place for long.
    let body = tokio::time::timeout(
        state.body_timeout,
        axum::body::to_bytes(request.into_body(), usize::MAX),
    );
    let bad_request = |why: String| {
        refusal(
            media,
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            &format!("not a GraphQL request: {why}"),
        )
    };
    match body.await {
        Ok(Ok(bytes)) => from_body(&bytes).map_err(bad_request),
        // A chunked body over the limit is cut off while it is read.
        Ok(Err(err)) if err.to_string().contains("length limit exceeded") => Err(refusal(
            media,
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            "the request body is too large",
        )),
        Ok(Err(_)) => Err(bad_request("the request body cannot be read".to_owned())),
        Err(_) => Err(refusal(
            media,
            StatusCode::REQUEST_TIMEOUT,
            "REQUEST_TIMEOUT",
            "the request body did not arrive in time",
        )),
    }
}

/// `GET` and `POST /graphql`.
pub async fn graphql(State(state): State<AppState>, request: Request) -> Response {
    let headers = request.headers();
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let Some(media) = negotiate(accept) else {
        return refusal(
            Media::Json,
            StatusCode::NOT_ACCEPTABLE,
            "NOT_ACCEPTABLE",
            "answers are application/graphql-response+json or application/json",
        );
    };
    let method = request.method().clone();
    if method == Method::POST && !is_json(headers) {
        return refusal(
            media,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "send the request as Content-Type: application/json",
        );
    }
    let principal = match principal(&state, headers).await {
        Ok(principal) => principal,
        Err(err) => return error_response_in(media, err),
    };
    // Whoever may not read learns nothing, not even whether the document parses.
    if let Err(err) = principal.require(Role::Viewer) {
        return error_response_in(media, err);
    }
    let mut request = match read_request(&state, request, media).await {
        Ok(request) => request,
        Err(refused) => return refused,
    };
    // Without a document and without a hash there is nothing to parse.
    if request.query.trim().is_empty() && !request.extensions.contains_key("persistedQuery") {
        return refused(media, "BAD_REQUEST", "no query given".to_owned(), None);
    }
    // A document sent by its hash (trusted documents and automatic persisted queries).
    match state.documents.resolve(&request.query, &request.extensions) {
        Ok(Some(document)) => request.query = document.to_string(),
        Ok(None) => {}
        Err(why) => return refused(media, why.code, why.message, None),
    }
    // An automatic persisted query is learned once it has run (below).
    let teaches = state
        .documents
        .teaches(&request.query, &request.extensions)
        .then(|| (request.query.clone(), request.extensions.clone()));
    // Parsed once: the schema executes the document parsed here (and measures it first).
    let operation_name = request.operation_name.clone();
    let operation = match request.parsed_query() {
        Ok(doc) => operation_type(doc, operation_name.as_deref()),
        Err(err) => {
            let pos = err.locations.first().copied();
            return refused(
                media,
                "GRAPHQL_PARSE_FAILED",
                syntax_error(&err.message),
                pos,
            );
        }
    };
    let Some(operation) = operation else {
        let message = match operation_name {
            Some(name) => format!(
                "Unknown operation named \"{}\".",
                crate::error::shortened(&name)
            ),
            None => {
                "the document holds no operation (or several: name one in operationName)".to_owned()
            }
        };
        return refused(media, "GRAPHQL_VALIDATION_FAILED", message, None);
    };
    if operation == OperationType::Subscription {
        return refused(
            media,
            "BAD_REQUEST",
            "subscriptions are served over a WebSocket on /graphql (graphql-transport-ws or \
             graphql-ws), not over HTTP"
                .to_owned(),
            None,
        );
    }
    let write = operation != OperationType::Query;
    if (method == Method::GET || method == Method::HEAD) && write {
        let mut response = refusal(
            media,
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "mutations must be sent with POST",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    let needed = if write { Role::Editor } else { Role::Viewer };
    if let Err(err) = principal.require(needed) {
        return error_response_in(media, err);
    }
    let share = AnswerShare::default();
    let mut request = prepare(request, &state.service, principal).data(share.clone());
    let mut response = if state
        .pricer
        .price(&mut request)
        .is_some_and(|cost| cost <= INLINE_COST)
    {
        state.schema.execute(request).await
    } else {
        let schema = state.schema.clone();
        match state
            .work
            .run(async move { schema.execute(request).await })
            .await
        {
            Ok(response) => response,
            Err(err) => return error_response_in(media, err),
        }
    };
    add_error_codes(&mut response);
    if let Some((query, extensions)) = teaches
        && !(response.data == async_graphql::Value::Null
            && response.errors.iter().any(|e| e.path.is_empty()))
    {
        state.documents.learn_from(&query, &extensions);
    }
    let kind = match operation {
        OperationType::Mutation => "mutation",
        OperationType::Subscription => "subscription",
        OperationType::Query => "query",
    };
    let outcome = response
        .errors
        .first()
        .and_then(|e| e.extensions.as_ref()?.get("code").cloned())
        .map_or_else(
            || "ok".to_owned(),
            |c| c.to_string().trim_matches('"').to_owned(),
        );
    ::metrics::counter!("samenhang_graphql_requests_total", "operation" => kind, "outcome" => outcome)
        .increment(1);
    answer(media, response, share.take())
}

/// Answers that layers in front of `/graphql` gave without a GraphQL body (a body over the
/// limit, a method it does not serve) get one, in the media type the client asked for.
pub async fn graphql_errors(request: Request, next: axum::middleware::Next) -> Response {
    let media = refusal_media(request.headers());
    let response = next.run(request).await;
    let status = response.status();
    let graphql_body = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.contains("json"));
    if !(status.is_client_error() || status.is_server_error()) || graphql_body {
        return response;
    }
    let (code, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ("PAYLOAD_TOO_LARGE", "the request body is too large"),
        StatusCode::METHOD_NOT_ALLOWED => (
            "METHOD_NOT_ALLOWED",
            "/graphql serves GET (queries) and POST",
        ),
        _ => ("BAD_REQUEST", "the request was refused"),
    };
    refusal_for(&response, media, code, message)
}

/// A GraphQL refusal in place of a layer's answer without a body, with the answer's status
/// and its `Allow` and `Retry-After` headers.
pub fn refusal_for(answer: &Response, media: Media, code: &str, message: &str) -> Response {
    let mut shaped = refusal(media, answer.status(), code, message);
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(value) = answer.headers().get(&name) {
            shaped.headers_mut().insert(name, value.clone());
        }
    }
    shaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_by_accept_header() {
        use Media::*;
        assert_eq!(negotiate(None), Some(Json));
        assert_eq!(negotiate(Some("*/*")), Some(Json));
        assert_eq!(negotiate(Some("application/json")), Some(Json));
        assert_eq!(
            negotiate(Some("application/graphql-response+json")),
            Some(GraphqlResponse)
        );
        assert_eq!(
            negotiate(Some("application/json, application/graphql-response+json")),
            Some(GraphqlResponse)
        );
        assert_eq!(
            negotiate(Some(
                "application/graphql-response+json;q=0.5, application/json"
            )),
            Some(Json)
        );
        assert_eq!(
            negotiate(Some(
                "text/html, application/graphql-response+json;q=0.9, */*;q=0.8"
            )),
            Some(GraphqlResponse)
        );
        assert_eq!(negotiate(Some("text/html")), None);
        assert_eq!(negotiate(Some("application/json;q=0")), None);
    }
}
