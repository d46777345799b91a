//! Admission of requests: at most `max_in_flight` served at once (one more is answered 503
//! with `Retry-After`), and each one stopped at the request timeout (504). Both refusals are
//! GraphQL-shaped error bodies in the media type the client asked for. Stopping a request
//! drops its future: GraphQL execution yields often enough to be dropped promptly, and the
//! analytics it started see their cancel flag.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use tokio::sync::Semaphore;

use super::graphql::{refusal, refusal_media};
use crate::api::TIMEOUT_CODE;

/// The shared state of admission.
#[derive(Clone)]
pub struct Admission {
    permits: Arc<Semaphore>,
    timeout: Duration,
}

impl Admission {
    pub fn new(max_in_flight: usize, timeout: Duration) -> Admission {
        Admission {
            permits: Arc::new(Semaphore::new(max_in_flight.max(1))),
            timeout,
        }
    }
}

/// The middleware: admits, times and, when needed, refuses a request.
pub async fn admit(State(admission): State<Admission>, request: Request, next: Next) -> Response {
    let media = refusal_media(request.headers());
    let Ok(_permit) = admission.permits.clone().try_acquire_owned() else {
        let mut busy = refusal(
            media,
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVICE_UNAVAILABLE",
            "the server is serving as many requests as it may; try again shortly",
        );
        busy.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return busy;
    };
    match tokio::time::timeout(admission.timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(
                timeout_s = admission.timeout.as_secs_f64(),
                "a request ran out of time and was stopped"
            );
            refusal(
                media,
                StatusCode::GATEWAY_TIMEOUT,
                TIMEOUT_CODE,
                &format!(
                    "the request took longer than {} s and was stopped",
                    admission.timeout.as_secs_f64()
                ),
            )
        }
    }
}
