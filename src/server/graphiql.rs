//! GraphiQL at `/`, served entirely from the binary: the page, its start script and the
//! vendored browser builds of GraphiQL and React (`assets/graphiql/dist`, pinned by
//! `assets/graphiql/package-lock.json`), embedded at compile time. Nothing is loaded from
//! another host, so GraphiQL works offline and its page may load from `'self'` only.
//!
//! Each file is served at `/graphiql/assets/{name}.{hash}.{ext}`, the hash being that of its
//! content: a new build changes the name, so browsers may keep a file for a year.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use super::security::graphiql_csp;
use super::{error_response, request_error};
use crate::error::Error;

/// Where the assets are served (the route in `super::router`).
pub const ASSETS_PATH: &str = "/graphiql/assets";

/// How long browsers and caches may keep an asset: its name changes with its content.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// The files the page loads, by the name the page template uses for them.
const FILES: [(&str, &str, &[u8]); 6] = [
    (
        "react.production.min.js",
        JAVASCRIPT,
        include_bytes!("../../assets/graphiql/dist/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        JAVASCRIPT,
        include_bytes!("../../assets/graphiql/dist/react-dom.production.min.js"),
    ),
    (
        "graphiql.min.js",
        JAVASCRIPT,
        include_bytes!("../../assets/graphiql/dist/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        CSS,
        include_bytes!("../../assets/graphiql/dist/graphiql.min.css"),
    ),
    ("start.js", JAVASCRIPT, include_bytes!("graphiql/start.js")),
    ("page.css", CSS, include_bytes!("graphiql/page.css")),
];

/// The page, with a `{{name}}` hole for the address of each of [`FILES`] and `{{nonce}}` for
/// the nonce of the response.
const PAGE_TEMPLATE: &str = include_str!("graphiql/index.html");

/// One embedded file under its content-addressed name.
struct Asset {
    /// The name in the page template, such as `graphiql.min.js`.
    name: &'static str,
    /// The name it is served under, such as `graphiql.min.3f0c…e2.js`.
    served_as: String,
    content_type: &'static str,
    bytes: &'static [u8],
    /// A strong validator: the content hash, quoted.
    etag: HeaderValue,
}

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|&(name, content_type, bytes)| {
            let digest = Sha256::digest(bytes);
            let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
            let served_as = match name.rsplit_once('.') {
                Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
                None => format!("{name}.{hash}"),
            };
            let etag = HeaderValue::from_str(&format!("\"{hash}\""))
                .unwrap_or_else(|_| HeaderValue::from_static("\"\""));
            Asset {
                name,
                served_as,
                content_type,
                bytes,
                etag,
            }
        })
        .collect()
});

/// The page with the address of every asset filled in.
static PAGE: LazyLock<String> = LazyLock::new(|| {
    ASSETS.iter().fold(PAGE_TEMPLATE.to_owned(), |page, asset| {
        page.replace(
            &format!("{{{{{}}}}}", asset.name),
            &format!("{ASSETS_PATH}/{}", asset.served_as),
        )
    })
});

/// `GET /`: the GraphiQL page, with a fresh nonce for the `<style>` elements GraphiQL adds
/// (the start script hands it on from its own `<script>` element). Never stored: the nonce is
/// for this response only.
pub async fn page() -> Response {
    let mut bytes = [0_u8; 18];
    if let Err(e) = getrandom::fill(&mut bytes) {
        return error_response(Error::Internal(format!("no randomness for a nonce: {e}")));
    }
    let nonce = STANDARD.encode(bytes);
    let mut response = Html(PAGE.replace("{{nonce}}", &nonce)).into_response();
    let headers = response.headers_mut();
    if let Ok(csp) = HeaderValue::from_str(&graphiql_csp(&nonce)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /graphiql/assets/{file}`: an embedded file, `304` when the browser has it already.
pub async fn asset(Path(file): Path<String>, headers: HeaderMap) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.served_as == file) else {
        return request_error(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "no such GraphiQL asset; load GraphiQL from /",
        );
    };
    let cached = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == "*" || tag.as_bytes() == asset.etag.as_bytes());
    let mut response = if cached {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            )],
            asset.bytes,
        )
            .into_response()
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, asset.etag.clone());
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_names_every_asset_and_nothing_else() {
        let holes: Vec<_> = PAGE.match_indices("{{").collect();
        assert_eq!(holes.len(), 1, "only the nonce is left open: {}", *PAGE);
        assert!(PAGE.contains(r#"nonce="{{nonce}}""#));
        for asset in ASSETS.iter() {
            assert!(
                PAGE.contains(&format!("{ASSETS_PATH}/{}", asset.served_as)),
                "{}",
                asset.name
            );
        }
        assert!(!PAGE.contains("http://") && !PAGE.contains("https://"));
        assert!(!PAGE.contains("<script>"), "no inline script");
    }

    #[test]
    fn names_carry_the_content_hash() {
        let names: std::collections::HashSet<_> = ASSETS.iter().map(|a| &a.served_as).collect();
        assert_eq!(names.len(), FILES.len());
        let start = ASSETS
            .iter()
            .find(|a| a.name == "start.js")
            .map(|a| &a.served_as);
        assert!(start.is_some_and(|s| s.starts_with("start.")
            && s.ends_with(".js")
            && s.len() == "start..js".len() + 16));
    }
}
