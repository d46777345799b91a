//! The map resolve layer: a [`MapRequest`] as users give it (slugs, IDs, `type:slug`, optional
//! numbers) resolved against a snapshot into a [`MapSpec`] with defaults filled in. GraphQL,
//! the HTTP map routes and the command line all resolve their maps here.

use super::{MapRequest, MapSpec, View};
use crate::error::{Error, Result};
use crate::graph::Snapshot;
use crate::graph::refs::{self, ScopeRefs};

/// Resolves a map request: references by slug or ID, defaults filled in, bad numbers refused.
/// `layout` asks for positions (the formats that carry them need it).
pub fn resolve(s: &Snapshot, view: View, request: &MapRequest, layout: bool) -> Result<MapSpec> {
    let mut scope = refs::scope(
        s,
        &ScopeRefs {
            area: request.area.as_deref(),
            programme: request.cluster.as_deref(),
            wijk: request.wijk.as_deref(),
            funding_stream: request.funding_stream.as_deref(),
            year: request.year,
            // A map of a year shows what is known to run in it.
            undated: Default::default(),
        },
    )?;
    // One map is one programme, never several merged: without an area, the only one loaded,
    // else the bundled default (Lelystad Oost) when it is loaded; else an area must be named.
    if scope.area.is_none() {
        let only = (s.data.areas.len() == 1)
            .then(|| s.data.areas.keys().next().copied())
            .flatten();
        let area = only.or_else(|| s.area_by_slug(crate::dataset::DEFAULT_DATASET));
        scope.area = Some(area.ok_or_else(|| refs::area_needed(s))?);
    }
    let center = request
        .node
        .as_deref()
        .map(|n| refs::node_ref(s, n, scope.area, "node"))
        .transpose()?;
    if let Some(depth) = request.depth
        && !(1..=3).contains(&depth)
    {
        return Err(Error::invalid("depth", "must be from 1 to 3"));
    }
    if let Some(w) = request.min_weight
        && !(w.is_finite() && w >= 0.0)
    {
        return Err(Error::invalid(
            "minWeight",
            "must be a number of at least 0",
        ));
    }
    Ok(MapSpec {
        view,
        scope,
        min_weight: request.min_weight.unwrap_or(1.0),
        center,
        depth: request.depth.unwrap_or(1),
        color_by: request.color.unwrap_or_default(),
        size_by: request.size.unwrap_or_default(),
        seed: request.seed.unwrap_or(1),
        layout,
    })
}
