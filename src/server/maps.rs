//! Network maps over HTTP: `/maps/{view}.{ext}` streams a map in a format (GEXF, GraphML,
//! Cytoscape JSON, DOT, CSV, SVG); the page at `/maps` that draws them is `super::maps_page`.

use std::io::{self, Write};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use futures_util::StreamExt;

use super::security::require_reader;
use super::{AppState, error_response, request_error};
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
        (Err(rejection), _) | (_, Err(rejection)) => return super::query_refused(rejection),
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
    // Fused: the compression layer may poll the body again after its end.
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    })
    .fuse();
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
