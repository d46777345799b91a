//! The interactive map page at `/maps` (issue 13) served from the binary: the form holds the
//! area's clusters, wijken, funding streams, partners and the years of its timeline; the
//! bundled script and the stylesheet are served here with long-lived caching; the policy
//! allows nothing but samenhang itself. (That the page draws, zooms and focuses in a browser
//! is checked in headless Chromium by `tests/browser/check-maps.sh`.)

use reqwest::StatusCode;

use crate::helpers::{TestApp, TestDb, db_test, spawn_app};

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    app.client
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .expect("GET")
}

/// The values of every `attribute="…"` in `html`.
fn attributes<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    let marker = format!(" {attribute}=\"");
    html.match_indices(&marker)
        .filter_map(|(at, _)| html[at + marker.len()..].split('"').next())
        .collect()
}

db_test!(the_map_page_draws_from_its_own_assets);
async fn the_map_page_draws_from_its_own_assets(db: TestDb) {
    let app = spawn_app(db, true).await;
    let page = get(&app, "/maps?area=lelystad-oost&cluster=veilige-wijken").await;
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .expect("policy")
        .to_owned();
    assert!(
        csp.starts_with("default-src 'none'; script-src 'self';"),
        "{csp}"
    );
    let html = page.text().await.expect("page");
    assert!(!html.contains("{{"), "every hole filled");
    for scheme in ["http://", "https://", "//cdn"] {
        assert!(!html.contains(scheme), "the page names {scheme}");
    }

    // The form offers the area's choices, the one asked for selected.
    assert!(html.contains(r#"<option value="veilige-wijken" selected>Veilige Wijken</option>"#));
    assert!(html.contains(r#"<option value="atolwijk">"#), "wijken");
    assert!(
        html.contains(r#"<option value="partner:halt">Halt</option>"#),
        "partners"
    );
    // The slider spans the funding streams' years (VHF 1 runs 2021–2031), with one step
    // below them for "every year".
    let min: i32 = attributes(&html, "min")
        .into_iter()
        .find_map(|m| m.parse().ok().filter(|y| *y > 1900))
        .expect("the year slider's min");
    let max: i32 = attributes(&html, "max")
        .into_iter()
        .find_map(|m| m.parse().ok().filter(|y| *y > 1900))
        .expect("the year slider's max");
    assert!(min < 2021 && max >= 2031, "{min}..{max}");

    // Its script and stylesheet are here, content-addressed and cached for a year.
    let script = attributes(&html, "src")
        .into_iter()
        .find(|s| s.starts_with("/maps/assets/maps."))
        .expect("the bundled script");
    let style = attributes(&html, "href")
        .into_iter()
        .find(|s| s.starts_with("/maps/assets/page."))
        .expect("the stylesheet");
    for (path, content_type) in [
        (script, "text/javascript; charset=utf-8"),
        (style, "text/css; charset=utf-8"),
    ] {
        let asset = get(&app, path).await;
        assert_eq!(asset.status(), StatusCode::OK, "{path}");
        assert_eq!(asset.headers()["content-type"], content_type, "{path}");
        assert_eq!(
            asset.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
    }
    // sigma.js itself, drawing with WebGL, and the route it reads the map from.
    let code = get(&app, script).await.text().await.expect("script");
    assert!(
        code.contains("webgl") && code.contains(".cyjs"),
        "the bundle"
    );
    assert_eq!(
        get(&app, "/maps/assets/maps.js").await.status(),
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}

// Regression (issue 13): the page fetches the map as any browser does, asking for compression;
// a compressed streamed map ended in a panic and a cut-off body.
db_test!(a_compressed_map_arrives_whole);
async fn a_compressed_map_arrives_whole(db: TestDb) {
    let app = spawn_app(db, true).await;
    for encoding in ["gzip", "br"] {
        let response = app
            .client
            .get(format!("{}/maps/collaboration.cyjs", app.base))
            .header("accept-encoding", encoding)
            .send()
            .await
            .expect("GET");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-encoding"], encoding);
        let body = response.bytes().await.expect("the whole body");
        assert!(body.len() > 1000, "{encoding}: {} bytes", body.len());
    }
    app.stop().await;
}
