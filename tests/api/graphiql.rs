//! GraphiQL at `/` served from the binary (issue 11): the page names no other host, every file
//! it loads is served here with its content type and long-lived caching, and its
//! Content-Security-Policy allows nothing but samenhang itself. (That it really runs offline
//! is checked in headless Chromium by `tests/browser/check-graphiql.sh`.)

use reqwest::StatusCode;
use reqwest::header::{
    CACHE_CONTROL, CONNECTION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, IF_NONE_MATCH,
};

use crate::helpers::{TestApp, TestDb, spawn_app};

/// The values of every `attribute="…"` in `html`.
fn attributes<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    let marker = format!(" {attribute}=\"");
    html.match_indices(&marker)
        .filter_map(|(at, _)| html[at + marker.len()..].split('"').next())
        .collect()
}

/// The page's policy as (directive, sources).
fn policy(csp: &str) -> Vec<(String, Vec<String>)> {
    csp.split(';')
        .filter_map(|directive| {
            let mut words = directive.split_whitespace();
            let name = words.next()?.to_owned();
            Some((name, words.map(str::to_owned).collect()))
        })
        .collect()
}

/// A GET on a connection of its own: nothing in this test depends on a pooled connection
/// that the server may have closed while it sat idle.
async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    app.client
        .get(format!("{}{path}", app.base))
        .header(CONNECTION, "close")
        .send()
        .await
        .unwrap_or_else(|err| panic!("GET {path}: {err:?}"))
}

fn header(response: &reqwest::Response, name: impl reqwest::header::AsHeaderName) -> &str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn graphiql_is_served_from_the_binary_and_allows_only_self() {
    let app = spawn_app(TestDb::sqlite(), false).await;

    let page = get(&app, "/").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(header(&page, CONTENT_TYPE).starts_with("text/html"));
    assert_eq!(header(&page, CACHE_CONTROL), "no-store");
    assert_eq!(header(&page, "x-content-type-options"), "nosniff");
    assert_eq!(header(&page, "x-frame-options"), "DENY");
    assert_eq!(header(&page, "referrer-policy"), "no-referrer");
    let csp = header(&page, CONTENT_SECURITY_POLICY).to_owned();
    let html = page.text().await.expect("page");
    assert!(html.contains("<title>samenhang GraphiQL</title>"), "{html}");

    // No other host: no URL with a scheme, no protocol-relative one, no inline script.
    for scheme in ["http://", "https://", "ws://", "wss://", "//"] {
        assert!(!html.contains(scheme), "the page names {scheme}: {html}");
    }
    assert!(
        !html.contains("<script>") && !html.contains("<style"),
        "{html}"
    );

    // The policy: 'self' only, `data:` for the fonts and icons inside GraphiQL's stylesheet,
    // and the page's nonce for the <style> elements GraphiQL's dialogs add.
    let directives = policy(&csp);
    let sources = |name: &str| -> Vec<String> {
        directives
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| s.clone())
            .unwrap_or_else(|| panic!("no {name} in {csp}"))
    };
    assert_eq!(sources("default-src"), ["'none'"], "{csp}");
    assert_eq!(sources("script-src"), ["'self'"], "{csp}");
    assert_eq!(sources("connect-src"), ["'self'"], "{csp}");
    assert_eq!(sources("frame-ancestors"), ["'none'"], "{csp}");
    let style = sources("style-src");
    assert_eq!(style.len(), 2, "{csp}");
    assert_eq!(style[0], "'self'");
    let nonce = style[1]
        .strip_prefix("'nonce-")
        .and_then(|n| n.strip_suffix('\''))
        .unwrap_or_else(|| panic!("no nonce in {csp}"));
    assert!(nonce.len() >= 22, "{csp}");
    for (name, sources) in &directives {
        for source in sources {
            let allowed = source == "'self'"
                || source == "'none'"
                || source.starts_with("'nonce-")
                || (source == "data:" && (name == "font-src" || name == "img-src"));
            assert!(allowed, "{name} allows {source}: {csp}");
        }
    }
    assert!(!csp.contains("unsafe"), "{csp}");
    // The start script hands the nonce on; it is the response's own.
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "{html}");
    let again = get(&app, "/").await;
    assert!(!header(&again, CONTENT_SECURITY_POLICY).contains(nonce));

    // Every file the page loads is here, with its type, a validator and a year of caching.
    let scripts = attributes(&html, "src");
    let styles: Vec<&str> = attributes(&html, "href")
        .into_iter()
        .filter(|href| *href != "data:,")
        .collect();
    assert_eq!(scripts.len(), 4, "{html}");
    assert_eq!(styles.len(), 2, "{html}");
    for (path, content_type) in scripts
        .iter()
        .map(|p| (p, "text/javascript; charset=utf-8"))
        .chain(styles.iter().map(|p| (p, "text/css; charset=utf-8")))
    {
        assert!(path.starts_with("/graphiql/assets/"), "{path}");
        let asset = get(&app, path).await;
        assert_eq!(asset.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&asset, CONTENT_TYPE), content_type, "{path}");
        assert_eq!(
            header(&asset, CACHE_CONTROL),
            "public, max-age=31536000, immutable",
            "{path}"
        );
        assert_eq!(
            header(&asset, "x-content-type-options"),
            "nosniff",
            "{path}"
        );
        let etag = header(&asset, ETAG).to_owned();
        assert!(etag.starts_with('"') && etag.len() > 2, "{path}: {etag:?}");
        // The name carries the content's hash, which is also the validator.
        assert!(path.contains(etag.trim_matches('"')), "{path}: {etag}");
        let body = asset.bytes().await.expect("body");
        assert!(!body.is_empty(), "{path}");
        let revalidated = app
            .client
            .get(format!("{}{path}", app.base))
            .header(IF_NONE_MATCH, &etag)
            .header(CONNECTION, "close")
            .send()
            .await
            .unwrap_or_else(|err| panic!("GET {path} again: {err:?}"));
        assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(header(&revalidated, ETAG), etag, "{path}");
        assert!(revalidated.bytes().await.expect("body").is_empty());
    }
    // GraphiQL itself, not a stand-in.
    let graphiql = scripts
        .iter()
        .find(|s| s.contains("/graphiql.min."))
        .expect("graphiql.min.js on the page");
    let code = get(&app, graphiql).await.text().await.expect("script");
    assert!(code.len() > 500_000 && code.contains("GraphiQL"));

    // Another name, or an old hash, is not found.
    for path in [
        "/graphiql/assets/graphiql.min.js",
        "/graphiql/assets/graphiql.min.0000000000000000.js",
        "/graphiql/assets/..%2F..%2FCargo.toml",
    ] {
        let response = get(&app, path).await;
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
    }
}
