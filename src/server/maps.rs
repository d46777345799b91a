//! Network maps over HTTP: `/maps/{view}.{ext}` streams a map in a format (GEXF, GraphML,
//! Cytoscape JSON, DOT, CSV, SVG), and `/maps` is a page where a person picks the view and
//! filters, sees the picture and downloads the files.

use std::io::{self, Write};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::security::{MAPS_PAGE_CSP, require_reader};
use super::{AppState, error_response, request_error};
use crate::domain::NodeRecord;
use crate::maps::{self, FileOptions, Format, MapRequest};

/// Bytes per streamed chunk.
const CHUNK: usize = 64 * 1024;

/// An `io::Write` that hands full chunks to the HTTP body as they fill.
struct ChunkWriter {
    tx: tokio::sync::mpsc::Sender<Result<Bytes, io::Error>>,
    buffer: Vec<u8>,
}

impl ChunkWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK),
        ));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

/// `GET /maps/{view}.{ext}`.
pub async fn map_file(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
    query: Result<Query<MapRequest>, QueryRejection>,
    options: Result<Query<FileOptions>, QueryRejection>,
) -> Response {
    if let Err(refusal) = require_reader(&state, &headers).await {
        return refusal;
    }
    let Some((view, format)) = maps::parse_file_name(&file) else {
        return request_error(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "no such map: use /maps/{collaboration|bipartite|full|ego}.{svg|gexf|graphml|cyjs|dot|nodes.csv|edges.csv|kumu.json}",
        );
    };
    let (request, options) = match (query, options) {
        (Ok(Query(request)), Ok(Query(options))) => (request, options),
        (Err(rejection), _) | (_, Err(rejection)) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
                rejection.body_text(),
            );
        }
    };
    if let Err(err) = options.check(format) {
        return error_response(err);
    }
    let s = state.service.snapshot();
    let spec = match maps::resolve(&s, view, &request, format.has_positions()) {
        Ok(spec) => spec,
        Err(err) => return error_response(err),
    };
    let name = maps::file_name(&s, &spec, format);
    let built = {
        let s = s.clone();
        crate::analytics::off_thread(move |cancel| {
            maps::build_limited(&s, &spec, maps::MAX_NODES, Some(cancel))
        })
        .await
    };
    let map = match built {
        Ok(map) => Arc::new(map),
        Err(err) => return error_response(err),
    };
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tokio::task::spawn_blocking(move || {
        let mut out = ChunkWriter {
            tx,
            buffer: Vec::with_capacity(CHUNK),
        };
        if let Err(err) = maps::write(&map, format, &options, &mut out).and_then(|()| out.flush()) {
            tracing::warn!(error = %err, "map stream stopped");
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    let mut response = Response::new(Body::from_stream(stream));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    let disposition = if format == Format::Svg {
        "inline"
    } else {
        "attachment"
    };
    if let Ok(value) = HeaderValue::from_str(&format!("{disposition}; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

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

/// `GET /maps`: pick a view and filters, see the map, download it.
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
    let of_area = |a: crate::domain::Id| Some(a) == area;
    // "all", then the area's nodes of one table, as (slug, name).
    let choices = |records: Vec<&dyn NodeRecord>| -> Vec<(String, String)> {
        let mut all = vec![(String::new(), "all".to_owned())];
        all.extend(
            records
                .into_iter()
                .filter(|r| of_area(r.area_id()))
                .map(|r| (r.slug().to_owned(), r.name().to_owned())),
        );
        all
    };
    let areas: Vec<(String, String)> = d
        .areas
        .values()
        .map(|a| (a.slug.clone(), a.name.clone()))
        .collect();
    let clusters = choices(d.programmes.values().map(|p| &**p as _).collect());
    let wijken = choices(d.wijken.values().map(|w| &**w as _).collect());
    let streams = choices(d.funding_streams.values().map(|f| &**f as _).collect());
    let mut partners: Vec<(String, String)> = d
        .partners
        .values()
        .filter(|p| of_area(p.area_id))
        .map(|p| (format!("partner:{}", p.slug), p.name.clone()))
        .collect();
    partners.sort_by_key(|a| a.1.to_lowercase());
    let area_slug = area
        .and_then(|a| d.areas.get(&a))
        .map(|a| a.slug.clone())
        .unwrap_or_default();
    let formats: String = Format::ALL
        .iter()
        .map(|f| format!(r##"<a data-ext="{0}" href="#">{0}</a>"##, f.extension()))
        .collect::<Vec<_>>()
        .join(" · ");
    let html = Html(
        PAGE_TEMPLATE
            .replace("{{areas}}", &options(&areas, Some(&area_slug)))
            .replace(
                "{{clusters}}",
                &options(&clusters, request.cluster.as_deref()),
            )
            .replace("{{wijken}}", &options(&wijken, request.wijk.as_deref()))
            .replace(
                "{{streams}}",
                &options(&streams, request.funding_stream.as_deref()),
            )
            .replace("{{partners}}", &options(&partners, request.node.as_deref()))
            .replace("{{formats}}", &formats),
    );
    let mut response = html.into_response();
    if let Ok(csp) = HeaderValue::from_str(&MAPS_PAGE_CSP) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    response
}

/// The page, with `{{…}}` holes for the choices; its script is fixed (see the page's CSP).
pub(super) const PAGE_TEMPLATE: &str = include_str!("maps.html");
