//! GraphiQL at `/`, served entirely from the binary: the page, its start script and the
//! vendored browser builds of GraphiQL and React (`assets/graphiql/dist`, pinned by
//! `assets/graphiql/package-lock.json`), embedded at compile time. Nothing is loaded from
//! another host, so GraphiQL works offline and its page may load from `'self'` only.
//!
//! Each file is served at `/graphiql/assets/{name}.{hash}.{ext}`, the hash being that of its
//! content: a new build changes the name, so browsers may keep a file for a year.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};

use super::assets::{self, Assets, CSS, File, JAVASCRIPT};
use super::error_response;
use super::security::graphiql_csp;

/// Where the assets are served (the route in `super::router`).
pub const ASSETS_PATH: &str = "/graphiql/assets";

/// The files the page loads, by the name the page template uses for them.
const FILES: [File; 6] = [
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

static ASSETS: LazyLock<Assets> = LazyLock::new(|| Assets::new(ASSETS_PATH, &FILES));

/// The page with the address of every asset filled in.
static PAGE: LazyLock<String> = LazyLock::new(|| ASSETS.fill(PAGE_TEMPLATE));

/// `GET /`: the GraphiQL page, with a fresh nonce for the `<style>` elements GraphiQL adds
/// (the start script hands it on from its own `<script>` element). Never stored: the nonce is
/// for this response only.
pub async fn page() -> Response {
    let nonce = match assets::nonce() {
        Ok(nonce) => nonce,
        Err(err) => return error_response(err),
    };
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
    ASSETS.serve(
        &file,
        &headers,
        "no such GraphiQL asset; load GraphiQL from /",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_names_every_asset_and_nothing_else() {
        let holes: Vec<_> = PAGE.match_indices("{{").collect();
        assert_eq!(holes.len(), 1, "only the nonce is left open: {}", *PAGE);
        assert!(PAGE.contains(r#"nonce="{{nonce}}""#));
        for address in ASSETS.addresses() {
            assert!(PAGE.contains(&address), "{address}");
        }
        assert!(!PAGE.contains("http://") && !PAGE.contains("https://"));
        assert!(!PAGE.contains("<script>"), "no inline script");
    }
}
