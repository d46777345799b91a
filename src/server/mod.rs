//! The HTTP server: GraphQL at `/graphql` (POST, and GET for queries), GraphiQL at `/` (its
//! files under `/graphiql/assets`), network maps at `/maps`, the recorded measurements at
//! `/results.csv`, and `/health`, behind the security layers (headers, CORS, body limit,
//! admission with its timeout) and a listener that bounds connections.
//! [`Application::build`] binds and reports its port; [`router`] serves tests in-process.

mod admission;
mod assets;
mod graphiql;
mod graphql;
mod listener;
mod maps;
mod maps_page;
mod metrics;
mod persisted;
mod results;
mod security;
mod work;
mod ws;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use tokio::net::TcpListener;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

use crate::api::{AppSchema, Limits, Pricer, build_priced_schema};
use crate::config::{Anonymous, ServeArgs};
use crate::error::{Error, Result};
use crate::service::{Follower, Service};

pub use graphql::{Media, negotiate};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub service: Arc<Service>,
    pub schema: AppSchema,
    /// Prices a document before it runs: a cheap one runs on the thread that read it.
    pub pricer: Pricer,
    /// Whether requests without a token may read.
    pub anonymous_read: bool,
    /// The task that keeps the snapshot following the database's change log.
    pub follower: Arc<Follower>,
    /// The WebSockets open and their bounds.
    pub sockets: ws::Sockets,
    /// The threads GraphQL documents run on, apart from those that serve connections.
    pub work: Arc<work::WorkPool>,
    /// Longest wait for a request's body.
    pub body_timeout: std::time::Duration,
    /// The documents clients may name by their hash.
    pub documents: Arc<persisted::Documents>,
}

/// The service's routes with their layers. Fails on a configuration that cannot work (an
/// origin that is not one).
pub fn router(service: Arc<Service>, config: &ServeArgs) -> Result<Router> {
    let (schema, pricer) = build_priced_schema(service.clone(), limits(config));
    let state = AppState {
        schema,
        pricer,
        follower: Arc::new(Follower::start(service.clone())),
        sockets: ws::Sockets::new(config.max_sockets, config.max_subscriptions),
        work: Arc::new(work::WorkPool::new(
            std::thread::available_parallelism().map_or(2, |n| n.get()),
        )?),
        service,
        anonymous_read: config.anonymous == Anonymous::Read,
        body_timeout: config.header_timeout(),
        documents: Arc::new(persisted::Documents::load(
            &config.trusted_documents,
            config.persisted_only,
        )?),
    };
    let admission = admission::Admission::new(config.max_in_flight, config.request_timeout());
    // `/health` stays outside admission: it answers even when the server is full.
    let admitted = Router::new()
        .route("/", get(graphiql::page))
        .route("/graphiql/assets/{file}", get(graphiql::asset))
        .route("/graphql", get(graphql_or_socket).post(graphql::graphql))
        .route("/maps", get(maps_page::page))
        .route("/maps/assets/{file}", get(maps_page::asset))
        .route("/maps/{file}", get(maps::map_file))
        .route("/results.csv", get(results::results_csv))
        .layer(middleware::from_fn_with_state(admission, admission::admit));
    metrics::handle();
    let mut router = Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics::render))
        .merge(admitted)
        .fallback(nothing_here)
        .route_layer(middleware::from_fn(metrics::track))
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(config.body_limit))
        .layer(middleware::from_fn(graphql_errors))
        .layer(middleware::from_fn(head_limits))
        .layer(compression());
    if let Some(cors) = security::cors_layer(&config.cors_origins, &config.cors_allow_headers)? {
        router = router.layer(cors);
    }
    for layer in security::header_layers() {
        router = router.layer(layer);
    }
    Ok(router.layer(TraceLayer::new_for_http()))
}

/// Answers of 1 KiB and more are compressed (gzip or Brotli) when the client accepts it;
/// WebSocket upgrades and small answers are sent as they are.
fn compression()
-> tower_http::compression::CompressionLayer<impl tower_http::compression::Predicate> {
    use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
    tower_http::compression::CompressionLayer::new()
        .gzip(true)
        .br(true)
        .compress_when(
            SizeAbove::new(1024)
                .and(NotForContentType::GRPC)
                .and(NotForContentType::IMAGES)
                .and(NotForContentType::SSE),
        )
}

/// The longest target (path and query string) a request may have: a long query over GET fits.
pub const MAX_URI_BYTES: usize = 32 * 1024;
/// The most header fields a request may carry, and their size together.
pub const MAX_HEADERS: usize = 100;
pub const MAX_HEADER_BYTES: usize = 64 * 1024;

/// Refuses a request whose target or headers are too long with a GraphQL response (`414`,
/// `431`) in the negotiated media type. The connection reads heads up to twice these limits
/// (`listener`), so only a head beyond that gets the HTTP library's own empty answer.
async fn head_limits(request: axum::extract::Request, next: middleware::Next) -> Response {
    let headers = request.headers();
    let header_bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    let target_bytes = request
        .uri()
        .path_and_query()
        .map_or(0, |target| target.as_str().len());
    let refused = if target_bytes > MAX_URI_BYTES {
        Some((
            StatusCode::URI_TOO_LONG,
            "URI_TOO_LONG",
            format!(
                "the request target is longer than {} KiB: send a long query by POST",
                MAX_URI_BYTES / 1024
            ),
        ))
    } else if headers.len() > MAX_HEADERS || header_bytes > MAX_HEADER_BYTES {
        Some((
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "REQUEST_HEADER_FIELDS_TOO_LARGE",
            format!(
                "a request may carry at most {MAX_HEADERS} header fields of {} KiB together",
                MAX_HEADER_BYTES / 1024
            ),
        ))
    } else {
        None
    };
    match refused {
        Some((status, code, message)) => {
            graphql::refusal(graphql::refusal_media(headers), status, code, &message)
        }
        None => next.run(request).await,
    }
}

/// A path the service does not serve: 404 with a body that says what it does serve.
async fn nothing_here(uri: axum::http::Uri) -> Response {
    request_error(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        format!(
            "nothing is served at {}; samenhang serves / (GraphiQL), /graphql, /maps, \
             /maps/{{view}}.{{ext}}, /results.csv, /health, /ready and /metrics",
            uri.path()
        ),
    )
}

/// `/graphql`'s own answers for what the layers in front of it refuse; on the other routes, a
/// method the route does not serve is refused with a body naming the ones it does.
async fn graphql_errors(request: axum::extract::Request, next: middleware::Next) -> Response {
    let path = request.uri().path().to_owned();
    if path == "/graphql" {
        return graphql::graphql_errors(request, next).await;
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::METHOD_NOT_ALLOWED
        || response.headers().contains_key(header::CONTENT_TYPE)
    {
        return response;
    }
    let serves = response
        .headers()
        .get(header::ALLOW)
        .and_then(|a| a.to_str().ok())
        .unwrap_or("GET");
    let message = format!("{path} serves {serves}");
    graphql::refusal_for(&response, Media::Json, "METHOD_NOT_ALLOWED", &message)
}

/// The bounds on a query that a configuration sets.
pub fn limits(config: &ServeArgs) -> Limits {
    Limits {
        cost: config.max_complexity,
        depth: config.max_depth,
        aliases: config.max_aliases,
        recursion: config.max_recursion,
        directives: config.max_directives,
        values: config.max_values,
        timeout: config.request_timeout(),
        in_flight: config.max_cost_in_flight.max(1),
        introspection: !config.no_introspection,
    }
}

/// A bound, not yet running server.
pub struct Application {
    listener: TcpListener,
    router: Router,
    limits: listener::ConnectionLimits,
}

impl Application {
    /// Binds the address (port 0 picks a free port).
    pub async fn build(service: Arc<Service>, config: &ServeArgs) -> Result<Application> {
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|e| Error::Internal(format!("cannot listen on {}: {e}", config.addr)))?;
        let router = router(service, config)?;
        let limits = listener::ConnectionLimits {
            max: config.max_connections.max(1),
            header_timeout: config.header_timeout(),
            write_timeout: config.write_timeout(),
            grace: config.shutdown_grace(),
        };
        Ok(Application {
            listener,
            router,
            limits,
        })
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> Result<SocketAddr> {
        self.listener
            .local_addr()
            .map_err(|e| Error::Internal(format!("no local address: {e}")))
    }

    /// Serves until `shutdown` completes, then lets the requests in flight finish for at
    /// most the grace period.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<()> {
        listener::serve(self.listener, self.router, self.limits, shutdown).await;
        Ok(())
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// `GET /graphql`: a query, or the upgrade to a WebSocket for subscriptions.
async fn graphql_or_socket(
    State(state): State<AppState>,
    request: axum::extract::Request,
) -> Response {
    use axum::extract::FromRequestParts;
    if !ws::is_upgrade(request.headers()) {
        return graphql::graphql(State(state), request).await;
    }
    let (mut parts, _) = request.into_parts();
    match axum::extract::WebSocketUpgrade::from_request_parts(&mut parts, &state).await {
        Ok(upgrade) => ws::upgrade(state, parts.headers, upgrade).await,
        Err(rejection) => rejection.into_response(),
    }
}

/// A query string that does not read (a map route, `/results.csv`): 400, naming a parameter
/// given twice instead of passing on the parser's words.
pub(crate) fn query_refused(rejection: axum::extract::rejection::QueryRejection) -> Response {
    let text = rejection.body_text();
    let message = match text
        .split_once("duplicate field `")
        .and_then(|(_, rest)| rest.split_once('`'))
    {
        Some((name, _)) => format!("the query parameter `{name}` is given more than once"),
        None => text,
    };
    request_error(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", message)
}

/// A request refused before GraphQL ran, as a GraphQL response (`application/json`).
pub(crate) fn request_error(
    status: StatusCode,
    code: &str,
    message: impl Into<String>,
) -> Response {
    graphql::refusal(Media::Json, status, code, &message.into())
}

/// The refusal of a request for an error of the service, with the status that fits it.
pub(crate) fn error_response(err: Error) -> Response {
    error_response_in(Media::Json, err)
}

/// [`error_response`] in the media type the client asked for.
pub(crate) fn error_response_in(media: Media, err: Error) -> Response {
    let status = match &err {
        Error::NotFound { .. } => StatusCode::NOT_FOUND,
        Error::Invalid(_) => StatusCode::BAD_REQUEST,
        Error::Conflict { .. } | Error::RolledBack(_) => StatusCode::CONFLICT,
        Error::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        Error::Forbidden(_) => StatusCode::FORBIDDEN,
        Error::BadRequest(_) => StatusCode::BAD_REQUEST,
        Error::Database(_) | Error::Internal(_) => {
            tracing::error!(error = %err, "request failed");
            return graphql::refusal(
                media,
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL_SERVER_ERROR",
                "internal server error",
            );
        }
    };
    let mut response = graphql::refusal(media, status, err.code(), &err.to_string());
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"samenhang\""),
        );
    }
    response
}

/// Most changes a ready process may be behind the database.
const READY_LAG: u64 = 1_000;

async fn health(State(state): State<AppState>) -> Response {
    let snapshot = state.service.snapshot();
    let store = state.service.store();
    let (database, lag) = match state.service.lag().await {
        Ok(lag) => ("ok", Some(lag)),
        Err(err) => {
            tracing::error!(error = %err, "health check: database unreachable");
            ("unreachable", None)
        }
    };
    let status = if database == "ok" {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "status": if database == "ok" { "ok" } else { "degraded" },
        "database": database,
        "backend": format!("{:?}", store.backend()).to_lowercase(),
        "graphVersion": snapshot.version,
        "lag": lag,
        "following": state.follower.is_following(),
        "areas": snapshot.data.areas.len(),
    });
    (status, axum::Json(body)).into_response()
}

/// Ready to serve behind a load balancer: the snapshot is loaded and follows the database's
/// change log (read recently, not far behind).
async fn ready(State(state): State<AppState>) -> Response {
    let lag = state.service.lag().await.ok();
    let following = state.follower.is_following();
    let ready = following && lag.is_some_and(|l| l <= READY_LAG);
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "ready": ready,
        "graphVersion": state.service.snapshot().version,
        "lag": lag,
        "following": following,
    });
    (status, axum::Json(body)).into_response()
}
