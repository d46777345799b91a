//! HTTP hardening shared by every route: security headers, the content security policies of
//! the two HTML pages, the CORS allow-list, and the token check of the non-GraphQL routes.

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header};
use axum::response::Response;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

use super::{AppState, error_response};
use crate::auth::{Principal, Role};
use crate::error::{Error, Result};

/// What a response may load when it says nothing itself: nothing. JSON, CSV and SVG answers
/// run no script and cannot be framed.
const DEFAULT_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The policy of the GraphiQL page (`super::graphiql`): everything it loads comes from
/// samenhang itself. Its stylesheet carries its fonts and icons as `data:` URLs, and its dialogs
/// add `<style>` elements, which carry the page's one-time `nonce` (a hash would not do: they
/// hold the measured width of the scroll bar).
pub fn graphiql_csp(nonce: &str) -> String {
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; \
         font-src 'self' data:; img-src 'self' data:; connect-src 'self'; \
         frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )
}

/// The policy of the map page (`super::maps_page`): its script, stylesheet and map data come
/// from samenhang itself; nothing inline (colours set from the script go through the CSSOM,
/// which a policy does not restrict).
pub const MAPS_PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; \
     form-action 'self'";

/// Layers that add the security headers to every response that has not set them itself.
pub fn header_layers() -> [SetResponseHeaderLayer<HeaderValue>; 4] {
    let fixed = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    [
        fixed(header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        fixed(header::X_FRAME_OPTIONS, "DENY"),
        fixed(header::REFERRER_POLICY, "no-referrer"),
        fixed(header::CONTENT_SECURITY_POLICY, DEFAULT_CSP),
    ]
}

/// The CORS layer for the configured origins; `None` when no origin is allowed (browsers
/// then let only samenhang's own pages read its answers).
pub fn cors_layer(origins: &[String], headers: &[String]) -> Result<Option<CorsLayer>> {
    let origins: Vec<&str> = origins
        .iter()
        .map(|o| o.trim())
        .filter(|o| !o.is_empty())
        .collect();
    if origins.is_empty() {
        return Ok(None);
    }
    let allow = if origins == ["*"] {
        AllowOrigin::any()
    } else {
        let values =
            origins
                .iter()
                .map(|origin| {
                    let valid = (origin.starts_with("https://") || origin.starts_with("http://"))
                        && !origin.ends_with('/')
                        && origin.split("://").nth(1).is_some_and(|host| {
                            !host.is_empty() && !host.contains('/') && !host.contains('*')
                        });
                    HeaderValue::from_str(origin).ok().filter(|_| valid).ok_or_else(|| {
                    Error::invalid(
                        "cors-origin",
                        format!(
                            "{origin:?} is not an origin: use scheme://host[:port], such as \
                             https://kaart.example.nl, or * alone"
                        ),
                    )
                })
                })
                .collect::<Result<Vec<_>>>()?;
        AllowOrigin::list(values)
    };
    let mut allowed = vec![header::CONTENT_TYPE, header::AUTHORIZATION, header::ACCEPT];
    for name in headers.iter().map(|h| h.trim()).filter(|h| !h.is_empty()) {
        let name = header::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            Error::invalid(
                "cors-allow-header",
                format!("{name:?} is not a header name"),
            )
        })?;
        allowed.push(name);
    }
    Ok(Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers(allowed)
            .max_age(std::time::Duration::from_secs(3600)),
    ))
}

/// The principal of a request, from its `Authorization` header. A request with more than one
/// is refused (`BAD_REQUEST`): which one counts would be a guess, and a proxy and samenhang
/// might guess differently.
pub async fn principal(state: &AppState, headers: &HeaderMap) -> Result<Principal> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let first = values.next();
    let more = values.count();
    if more > 0 {
        return Err(Error::BadRequest(format!(
            "the request has {} Authorization headers; send one",
            more + 1
        )));
    }
    let authorization = match first {
        None => None,
        Some(value) => Some(value.to_str().map_err(|_| {
            Error::Unauthenticated("the Authorization header is not readable text".into())
        })?),
    };
    state
        .service
        .authenticator()
        .principal(authorization, state.anonymous_read)
        .await
}

/// Lets a request through only for principals that may read; otherwise the refusal.
pub async fn require_reader(state: &AppState, headers: &HeaderMap) -> Result<(), Response> {
    principal(state, headers)
        .await
        .and_then(|p| p.require(Role::Viewer))
        .map_err(error_response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_checked() {
        assert!(cors_layer(&[], &[]).unwrap().is_none());
        assert!(cors_layer(&["*".into()], &[]).unwrap().is_some());
        assert!(
            cors_layer(&["https://kaart.example.nl".into()], &[])
                .unwrap()
                .is_some()
        );
        assert!(
            cors_layer(&["http://localhost:5173".into()], &[])
                .unwrap()
                .is_some()
        );
        for bad in [
            "kaart.example.nl",
            "https://kaart.example.nl/",
            "https://*.nl",
            "https://",
        ] {
            let err = cors_layer(&[bad.into()], &[]).unwrap_err();
            assert_eq!(err.code(), "BAD_USER_INPUT", "{bad}");
        }
    }
}
