//! Programmes side by side: the same measures for each area, each computed on that area alone
//! (its own collaboration network, its own clusters and streams), so that programmes can be
//! compared without ever merging them into one network; and the organisations that take part
//! in several programmes, with how central they are in each.

use std::collections::BTreeMap;

use super::network::interventions_in_scope;
use super::{
    Cancel, Cancelled, Measure, NetworkKind, brokers, measure, network, partners_by_cluster,
    questions,
};
use crate::domain::{Id, Table};
use crate::graph::{CacheKey, EdgeKind, Filter, Snapshot};

/// The measures of one area, in one year (or all years) and for one expiry year.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CompareKey {
    pub area: Id,
    pub year: Option<i32>,
    pub ending_by: Option<i32>,
}

impl CacheKey for CompareKey {
    type Value = AreaMeasures;
}

/// The measures of one area.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct AreaMeasures {
    pub area: Id,
    /// Interventions in scope.
    pub interventions: usize,
    /// Partners with an intervention in scope (the collaboration network's nodes).
    pub partners: usize,
    /// Programme clusters, lines, funding streams and wijken of the area.
    pub clusters: usize,
    pub lines: usize,
    pub funding_streams: usize,
    pub wijken: usize,
    /// Links of the collaboration network, and its density.
    pub links: usize,
    pub density: f64,
    /// Connected groups of partners.
    pub components: usize,
    /// Partners working in two clusters or more.
    pub cross_cluster_partners: usize,
    /// Partners whose departure splits the network (articulation points).
    pub brokers: usize,
    /// Interventions in scope with at least one funding stream.
    pub funded: usize,
    /// The stream paying the most interventions in scope, and how many.
    pub main_stream: Option<(Id, usize)>,
    /// Herfindahl–Hirschman index of the streams' shares of the funding links in scope
    /// (1: one stream pays everything); `None` without funding links.
    pub funding_concentration: Option<f64>,
    /// Funded interventions whose every stream ends by `ending_by`; `None` without it.
    pub expiring: Option<usize>,
    /// Interventions in scope with a goal, a partner, a wijk.
    pub with_goal: usize,
    pub with_partner: usize,
    pub with_wijk: usize,
}

/// The measures of one area, computed once per snapshot, area, year and expiry year.
pub fn area_measures(s: &Snapshot, key: &CompareKey) -> std::sync::Arc<AreaMeasures> {
    s.cached(key.clone(), || measure_area(s, key))
}

fn measure_area(s: &Snapshot, key: &CompareKey) -> AreaMeasures {
    let scope = Filter {
        area: Some(key.area),
        year: key.year,
        ..Filter::default()
    };
    let interventions = interventions_in_scope(s, &scope);
    let net = network(s, NetworkKind::Collaboration, &scope);
    let broken = brokers(s, NetworkKind::Collaboration, &scope);
    let count = |table: Table| s.in_area(table, key.area).count();
    let mut per_stream: BTreeMap<Id, usize> = BTreeMap::new();
    let mut funded = 0;
    let (mut with_goal, mut with_partner, mut with_wijk) = (0, 0, 0);
    for &i in &interventions {
        let streams = s.targets(i, EdgeKind::Funding);
        funded += usize::from(!streams.is_empty());
        for f in streams {
            *per_stream.entry(f).or_default() += 1;
        }
        with_goal += usize::from(!s.targets(i, EdgeKind::Contributes).is_empty());
        with_partner += usize::from(!s.targets(i, EdgeKind::Partner).is_empty());
        with_wijk += usize::from(!s.targets(i, EdgeKind::InWijk).is_empty());
    }
    let links: usize = per_stream.values().sum();
    let funding_concentration = (links > 0).then(|| {
        per_stream
            .values()
            .map(|&n| (n as f64 / links as f64).powi(2))
            .sum()
    });
    let main_stream = per_stream
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(&f, &n)| (f, n));
    AreaMeasures {
        area: key.area,
        interventions: interventions.len(),
        partners: net.nodes.len(),
        clusters: count(Table::Programme),
        lines: count(Table::Line),
        funding_streams: count(Table::FundingStream),
        wijken: count(Table::Wijk),
        links: net.graph.edge_count(),
        density: net.density(),
        components: broken.components.len(),
        cross_cluster_partners: partners_by_cluster(s, &scope)
            .iter()
            .filter(|p| p.clusters.len() >= 2)
            .count(),
        brokers: broken.articulation_points.len(),
        funded,
        main_stream,
        funding_concentration,
        expiring: key
            .ending_by
            .map(|y| questions::funding_at_risk(s, &scope, y).len()),
        with_goal,
        with_partner,
        with_wijk,
    }
}

/// One partner record of an organisation: its area and how central it is there.
#[derive(Clone, Debug, PartialEq)]
pub struct OrganisationPartner {
    pub area: Id,
    pub partner: Id,
    /// Its interventions in the area.
    pub interventions: usize,
    /// Its place in the area's collaboration network: partners it shares an intervention with,
    /// betweenness, and rank by betweenness (1: the highest); `None` outside the network.
    pub degree: usize,
    pub betweenness: Option<f64>,
    pub rank: Option<usize>,
}

/// A real organisation and its partner records in the areas it takes part in.
#[derive(Clone, Debug, PartialEq)]
pub struct Organisation {
    /// The `organisation` key its partner records share.
    pub key: String,
    /// Its records, in area order.
    pub partners: Vec<OrganisationPartner>,
}

impl Organisation {
    /// In how many areas it takes part.
    pub fn areas(&self) -> usize {
        let mut areas: Vec<Id> = self.partners.iter().map(|p| p.area).collect();
        areas.dedup();
        areas.len()
    }
}

/// The cache key of [`organisations`].
#[derive(Debug, PartialEq, Eq, Hash)]
struct OrganisationsKey;

impl CacheKey for OrganisationsKey {
    type Value = Vec<Organisation>;
}

/// Every organisation key of the snapshot with its partner records and their centrality in
/// their own area's network; most areas first, then by key. Computed once per snapshot;
/// stops when `cancel` is set.
pub fn organisations(
    s: &Snapshot,
    cancel: Option<&Cancel>,
) -> Result<std::sync::Arc<Vec<Organisation>>, Cancelled> {
    s.cached_try(OrganisationsKey, || {
        let mut by_key: BTreeMap<&str, Vec<&crate::domain::Partner>> = BTreeMap::new();
        for p in s.data.partners.values() {
            if let Some(key) = &p.organisation {
                by_key.entry(key.as_str()).or_default().push(p.as_ref());
            }
        }
        let mut out = Vec::with_capacity(by_key.len());
        for (key, mut records) in by_key {
            records.sort_by_key(|p| (p.area_id, p.id));
            let mut partners = Vec::with_capacity(records.len());
            for p in records {
                let scope = Filter {
                    area: Some(p.area_id),
                    ..Filter::default()
                };
                let net = network(s, NetworkKind::Collaboration, &scope);
                let between = measure(
                    s,
                    NetworkKind::Collaboration,
                    &scope,
                    Measure::Betweenness,
                    None,
                    cancel,
                )?;
                let position = net.index_of(p.id);
                let betweenness =
                    position.and_then(|v| between.as_ref().as_ref().map(|b| b[v as usize]));
                let rank = betweenness.map(|own| {
                    1 + between
                        .as_ref()
                        .as_ref()
                        .map_or(0, |b| b.iter().filter(|&&x| x > own).count())
                });
                partners.push(OrganisationPartner {
                    area: p.area_id,
                    partner: p.id,
                    interventions: s.sources(p.id, EdgeKind::Partner).len(),
                    degree: position.map_or(0, |v| net.graph.degree(v)),
                    betweenness,
                    rank,
                });
            }
            out.push(Organisation {
                key: key.to_owned(),
                partners,
            });
        }
        out.sort_by(|a, b| b.areas().cmp(&a.areas()).then(a.key.cmp(&b.key)));
        Ok(out)
    })
}
