//! The recorded measurements over HTTP: `GET /results.csv?area=SLUG` (or the area's ID) gives the CSV that
//! `samenhang measurements import` and `importMeasurements` read, to whoever may read the API.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::security::require_reader;
use super::{AppState, error_response};
use crate::domain::Table;
use crate::graph::refs;

/// The query of `/results.csv`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ResultsQuery {
    /// Only the indicators of this area (slug); default: every area.
    area: Option<String>,
}

/// `GET /results.csv`.
pub async fn results_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<ResultsQuery>, QueryRejection>,
) -> Response {
    if let Err(refusal) = require_reader(&state, &headers).await {
        return refusal;
    }
    let query = match query {
        Ok(Query(query)) => query,
        Err(rejection) => return super::query_refused(rejection),
    };
    let s = state.service.snapshot();
    // A slug or a global ID, as every other area argument (resolved to an area that exists).
    let area = match query.area {
        Some(given) => match refs::resolve(&s, &given, Table::Area, None, "area") {
            Ok(id) => Some((id, s.slug_of(id).to_owned())),
            Err(err) => return error_response(err),
        },
        None => None,
    };
    let csv = crate::dataset::export_csv(&s, area.as_ref().map(|(id, _)| *id));
    let name = area.map_or("samenhang".to_owned(), |(_, slug)| slug);
    let mut response = csv.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) =
        HeaderValue::from_str(&format!("attachment; filename=\"{name}-results.csv\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
