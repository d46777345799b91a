//! The HTTP server: GraphQL at `/graphql` (POST, and GET for queries), GraphiQL at `/`,
//! network maps at `/maps`, and `/health`. [`Application::build`] binds and reports its
//! port; [`router`] serves tests in-process.

mod maps;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use async_graphql::http::GraphiQLSource;
use async_graphql::parser::types::OperationType;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::Router;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use sea_orm::ConnectionTrait;
use serde_json::json;
use tokio::net::TcpListener;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::api::{AppSchema, Limits, add_error_codes, build_schema, with_snapshot};
use crate::config::ServeArgs;
use crate::error::{Error, Result};
use crate::service::Service;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub service: Arc<Service>,
    pub schema: AppSchema,
}

/// The service's routes with their layers.
pub fn router(service: Arc<Service>, config: &ServeArgs) -> Router {
    let limits = Limits {
        complexity: config.max_complexity,
        depth: config.max_depth,
    };
    let state = AppState {
        schema: build_schema(service.clone(), limits),
        service,
    };
    Router::new()
        .route("/", get(graphiql))
        .route("/graphql", get(graphql).post(graphql))
        .route("/health", get(health))
        .route("/maps", get(maps::page))
        .route("/maps/{file}", get(maps::map_file))
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(config.body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::GATEWAY_TIMEOUT,
            config.request_timeout(),
        ))
        .layer(TraceLayer::new_for_http())
}

/// A bound, not yet running server.
pub struct Application {
    listener: TcpListener,
    router: Router,
}

impl Application {
    /// Binds the address (port 0 picks a free port).
    pub async fn build(service: Arc<Service>, config: &ServeArgs) -> Result<Application> {
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|e| Error::Internal(format!("cannot listen on {}: {e}", config.addr)))?;
        Ok(Application {
            listener,
            router: router(service, config),
        })
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> Result<SocketAddr> {
        self.listener
            .local_addr()
            .map_err(|e| Error::Internal(format!("no local address: {e}")))
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<()> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(|e| Error::Internal(format!("server failed: {e}")))
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

async fn graphiql() -> Html<String> {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .title("samenhang GraphiQL")
            .finish(),
    )
}

/// A GraphQL error response outside normal execution (bad HTTP request).
pub(crate) fn request_error(
    status: StatusCode,
    code: &str,
    message: impl Into<String>,
) -> Response {
    let body = json!({ "errors": [{ "message": message.into(), "extensions": { "code": code } }] });
    (status, axum::Json(body)).into_response()
}

/// The rejection of a request that is not a GraphQL request at all.
pub struct BadRequest(async_graphql::ParseRequestError);

impl From<async_graphql::ParseRequestError> for BadRequest {
    fn from(err: async_graphql::ParseRequestError) -> Self {
        BadRequest(err)
    }
}

impl IntoResponse for BadRequest {
    fn into_response(self) -> Response {
        match self.0 {
            async_graphql::ParseRequestError::PayloadTooLarge => request_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                "the request body is too large",
            ),
            other => request_error(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                format!("not a GraphQL request: {other}"),
            ),
        }
    }
}

/// Whether the request's operation is a mutation (or subscription).
fn is_write(request: &async_graphql::Request) -> bool {
    let Ok(doc) = async_graphql::parser::parse_query(&request.query) else {
        return false;
    };
    doc.operations.iter().any(|(name, op)| {
        let selected = match (&request.operation_name, name) {
            (Some(wanted), Some(name)) => wanted.as_str() == name.as_str(),
            (Some(_), None) => false,
            (None, _) => true,
        };
        selected && op.node.ty != OperationType::Query
    })
}

async fn graphql(
    State(state): State<AppState>,
    method: Method,
    request: GraphQLRequest<BadRequest>,
) -> Response {
    let request = request.into_inner();
    if method == Method::GET && is_write(&request) {
        let mut response = request_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "mutations must be sent with POST",
        );
        response.headers_mut().insert(
            axum::http::header::ALLOW,
            axum::http::HeaderValue::from_static("POST"),
        );
        return response;
    }
    let request = with_snapshot(request, &state.service);
    let mut response = state.schema.execute(request).await;
    add_error_codes(&mut response);
    GraphQLResponse::from(response).into_response()
}

async fn health(State(state): State<AppState>) -> Response {
    let snapshot = state.service.snapshot();
    let store = state.service.store();
    let database = match store.connection().execute_unprepared("SELECT 1").await {
        Ok(_) => "ok",
        Err(err) => {
            tracing::error!(error = %err, "health check: database unreachable");
            "unreachable"
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
        "areas": snapshot.data.areas.len(),
    });
    (status, axum::Json(body)).into_response()
}
