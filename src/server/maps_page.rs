//! The interactive map page at `/maps`: the form (view, area, filters, style) filled in here,
//! the map drawn in the browser by sigma.js over graphology from the `/maps/{view}.cyjs`
//! route. Its script is bundled from `web/maps` (pinned by `web/maps/package-lock.json`) into
//! `assets/maps/dist` and embedded at compile time with the page's stylesheet; both are served
//! at `/maps/assets/{name}.{hash}.{ext}`, so the page loads from `'self'` only.

use std::sync::LazyLock;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};

use super::AppState;
use super::assets::{Assets, CSS, File, JAVASCRIPT};
use super::security::{MAPS_PAGE_CSP, require_reader};
use crate::domain::{Id, NodeRecord, Table};
use crate::graph::Snapshot;
use crate::maps::{self, Format, MapRequest};

/// Where the assets are served (the route in `super::router`).
pub const ASSETS_PATH: &str = "/maps/assets";

/// The files the page loads, by the name the page template uses for them.
const FILES: [File; 2] = [
    (
        "maps.js",
        JAVASCRIPT,
        include_bytes!("../../assets/maps/dist/maps.js"),
    ),
    ("page.css", CSS, include_bytes!("maps_page/page.css")),
];

/// The page, with `{{…}}` holes for the asset addresses and the form's choices.
const PAGE_TEMPLATE: &str = include_str!("maps_page/index.html");

static ASSETS: LazyLock<Assets> = LazyLock::new(|| Assets::new(ASSETS_PATH, &FILES));

/// The template with the address of every asset filled in.
static PAGE: LazyLock<String> = LazyLock::new(|| ASSETS.fill(PAGE_TEMPLATE));

/// `<option>`s for `(value, label)` pairs, `selected` marked.
fn options(items: &[(String, String)], selected: Option<&str>) -> String {
    items
        .iter()
        .map(|(value, label)| {
            let sel = if Some(value.as_str()) == selected {
                " selected"
            } else {
                ""
            };
            format!(
                r#"<option value="{}"{sel}>{}</option>"#,
                maps::xml(value),
                maps::xml(label)
            )
        })
        .collect()
}

/// "all", then the area's nodes of `table` in creation order, as (slug, name).
fn choices(s: &Snapshot, table: Table, area: Option<Id>) -> Vec<(String, String)> {
    let d = &s.data;
    let mut all = vec![(String::new(), "all".to_owned())];
    let Some(area) = area else { return all };
    all.extend(s.in_area(table, area).filter_map(|id| {
        let record: &dyn NodeRecord = match table {
            Table::Programme => &**d.programmes.get(&id)?,
            Table::Wijk => &**d.wijken.get(&id)?,
            Table::FundingStream => &**d.funding_streams.get(&id)?,
            Table::Partner => &**d.partners.get(&id)?,
            _ => return None,
        };
        Some((record.slug().to_owned(), record.name().to_owned()))
    }));
    all
}

/// The years the slider spans: those of the area's funding streams (the plan's timeline),
/// or none when no stream names a year.
fn years(s: &Snapshot, area: Option<Id>) -> Option<(i32, i32)> {
    let streams = area
        .into_iter()
        .flat_map(|a| s.in_area(Table::FundingStream, a))
        .filter_map(|id| s.data.funding_streams.get(&id));
    let bounds = streams.flat_map(|f| [f.start_year, f.end_year]).flatten();
    bounds.fold(None, |range, year| match range {
        None => Some((year, year)),
        Some((low, high)) => Some((low.min(year), high.max(year))),
    })
}

/// `GET /maps`: the interactive map page.
pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(request): Query<MapRequest>,
) -> Response {
    if let Err(refusal) = require_reader(&state, &headers).await {
        return refusal;
    }
    let s = state.service.snapshot();
    let d = &s.data;
    let area = request
        .area
        .as_deref()
        .and_then(|slug| s.area_by_slug(slug))
        .or_else(|| d.areas.keys().next().copied());
    let areas: Vec<(String, String)> = d
        .areas
        .values()
        .map(|a| (a.slug.clone(), a.name.clone()))
        .collect();
    let area_slug = area
        .and_then(|a| d.areas.get(&a))
        .map(|a| a.slug.clone())
        .unwrap_or_default();
    let mut partners: Vec<(String, String)> = choices(&s, Table::Partner, area)
        .into_iter()
        .skip(1)
        .map(|(slug, name)| (format!("partner:{slug}"), name))
        .collect();
    partners.sort_by_key(|a| a.1.to_lowercase());
    // The lowest position of the slider means "every year"; without years the slider is hidden.
    let (low, high) = years(&s, area).map_or((0, 0), |(first, last)| (first - 1, last));
    let formats: String = Format::ALL
        .iter()
        .map(|f| format!(r##"<a data-ext="{0}" href="#">{0}</a>"##, f.extension()))
        .collect::<Vec<_>>()
        .join(" · ");
    let html = PAGE
        .replace("{{areas}}", &options(&areas, Some(&area_slug)))
        .replace(
            "{{clusters}}",
            &options(
                &choices(&s, Table::Programme, area),
                request.cluster.as_deref(),
            ),
        )
        .replace(
            "{{wijken}}",
            &options(&choices(&s, Table::Wijk, area), request.wijk.as_deref()),
        )
        .replace(
            "{{streams}}",
            &options(
                &choices(&s, Table::FundingStream, area),
                request.funding_stream.as_deref(),
            ),
        )
        .replace("{{partners}}", &options(&partners, request.node.as_deref()))
        .replace("{{yearMin}}", &low.to_string())
        .replace("{{yearMax}}", &high.to_string())
        .replace("{{formats}}", &formats);
    let mut response = Html(html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(MAPS_PAGE_CSP),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// `GET /maps/assets/{file}`: an embedded file, `304` when the browser has it already.
pub async fn asset(Path(file): Path<String>, headers: HeaderMap) -> Response {
    ASSETS.serve(
        &file,
        &headers,
        "no such map page asset; load the page from /maps",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_names_every_asset_and_no_other_host() {
        for address in ASSETS.addresses() {
            assert!(PAGE.contains(&address), "{address}");
        }
        assert!(!PAGE.contains("http://") && !PAGE.contains("https://"));
        assert!(!PAGE.contains("<script>") && !PAGE.contains("<style"));
        assert!(!PAGE.contains(" style="), "no inline style");
        let holes: Vec<&str> = PAGE
            .match_indices("{{")
            .filter_map(|(at, _)| PAGE[at + 2..].split("}}").next())
            .collect();
        assert_eq!(
            holes,
            [
                "areas", "clusters", "wijken", "streams", "yearMin", "yearMax", "yearMin",
                "partners", "formats"
            ]
        );
    }
}
