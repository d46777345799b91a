//! Programmes side by side: `compareAreas` gives the same measures for each area, each
//! computed on that area alone; `organisations` the organisations that take part in several.

use async_graphql::{Context, Object, Result, SimpleObject};

use super::Share;
use crate::analytics::{self, compare};
use crate::api::filters::MAX_FILTER_VALUES;
use crate::api::types::{Area, FundingStream, Partner};
use crate::api::{OrGql, gql_error, ids, snapshot};
use crate::domain::{Id, Table};
use crate::error::Error;

/// How complete an area's interventions are.
#[derive(SimpleObject)]
pub struct AreaCoverage {
    /// Interventions that work for a goal.
    pub with_goal: Share,
    /// Interventions with a partner.
    pub with_partner: Share,
    /// Interventions the document places in a wijk.
    pub with_wijk: Share,
    /// Interventions the document names funding for.
    pub with_funding: Share,
}

/// One area's measures, computed on that area alone.
#[derive(SimpleObject)]
pub struct AreaComparison {
    /// The area.
    pub area: Area,
    /// Interventions (active in the year, when one is given).
    pub interventions: usize,
    /// Partners with an intervention: the collaboration network's nodes.
    pub partners: usize,
    /// Programme clusters of the area.
    pub clusters: usize,
    /// Lines (lijnen, pijlers) of the area.
    pub lines: usize,
    /// Funding streams of the area.
    pub funding_streams: usize,
    /// Wijken of the area.
    pub wijken: usize,
    /// Links of the collaboration network (pairs of partners sharing an intervention).
    pub links: usize,
    /// Links over possible links; null with fewer than two partners (no link is possible).
    pub density: Option<f64>,
    /// Connected groups of partners.
    pub components: usize,
    /// Partners working in two programme clusters or more, out of all partners.
    pub cross_cluster_partners: Share,
    /// Partners whose departure splits the network (articulation points).
    pub brokers: usize,
    /// The stream paying the most interventions; null without funding.
    pub main_stream: Option<FundingStream>,
    /// Of the funded interventions, how many the main stream pays.
    pub main_stream_share: Share,
    /// Herfindahl–Hirschman index of the streams' shares of the funding links (1: one stream
    /// pays everything, near 0: many streams pay alike); null without funding links.
    pub funding_concentration: Option<f64>,
    /// Of the funded interventions, how many have every stream ending by `endingBy`; null
    /// without `endingBy` (a stream without an end year does not count as ending).
    pub expiring: Option<Share>,
    /// How complete the interventions are.
    pub coverage: AreaCoverage,
}

/// One partner record of an organisation, in its own area.
#[derive(SimpleObject)]
pub struct OrganisationPartner {
    /// The area (its programme as a whole).
    pub area: Area,
    /// The partner record in that area.
    pub partner: Partner,
    /// Its interventions there.
    pub interventions: usize,
    /// Partners it shares an intervention with in that area's collaboration network.
    pub degree: usize,
    /// Its betweenness in that network (normalised); null when it has no intervention there.
    pub betweenness: Option<f64>,
    /// Its rank by betweenness among the area's partners (1: the highest); null when it has no
    /// intervention there.
    pub rank: Option<usize>,
}

/// A real organisation that takes part in programmes through its partner records, matched by
/// the `organisation` key the data file gives them.
#[derive(SimpleObject)]
pub struct Organisation {
    /// The key its partner records share.
    pub key: String,
    /// The name of its first partner record.
    pub name: String,
    /// In how many areas it takes part.
    pub area_count: usize,
    /// Its partner records, one per area, with how central each is there.
    pub partners: Vec<OrganisationPartner>,
}

/// Comparisons across programmes.
#[derive(Default)]
pub struct CompareQuery;

#[Object(guard = "crate::api::Need(crate::auth::Role::Viewer)")]
impl CompareQuery {
    /// The same measures side by side for several areas (whole programmes): size, density of the
    /// collaboration network, share of cross-cluster partners, brokers, funding concentration
    /// and expiry, and coverage. Each area is measured on its own network; nothing is merged.
    #[graphql(directive = crate::api::limits::weighs::apply(2000))]
    async fn compare_areas(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The areas (IDs or slugs), in the order to list them; all areas when left out."
        )]
        areas: Option<Vec<String>>,
        #[graphql(desc = "Only interventions and funding active in this year.")] year: Option<i32>,
        #[graphql(desc = "The year by which `expiring` counts funding as ended.")]
        ending_by: Option<i32>,
    ) -> Result<Vec<AreaComparison>> {
        let s = snapshot(ctx)?;
        let wanted: Vec<Id> = match &areas {
            Some(list) if list.len() > MAX_FILTER_VALUES => {
                return Err(gql_error(Error::invalid(
                    "areas",
                    format!("at most {MAX_FILTER_VALUES} areas"),
                )));
            }
            // An unknown area is named by its place in the list.
            Some(list) => list
                .iter()
                .enumerate()
                .map(|(i, a)| ids::resolve(&s, a, Table::Area, None, &format!("areas[{i}]")).gql())
                .collect::<Result<_>>()?,
            None => s.data.areas.keys().copied().collect(),
        };
        if wanted.is_empty() {
            return Err(gql_error(Error::invalid(
                "areas",
                "name at least one area, or leave `areas` out for all of them",
            )));
        }
        let mut seen = std::collections::BTreeSet::new();
        if let Some(twice) = wanted.iter().position(|a| !seen.insert(*a)) {
            return Err(gql_error(Error::invalid(
                format!("areas[{twice}]"),
                "this area is named before in the list; name each area once",
            )));
        }
        let measured = {
            let s = s.clone();
            analytics::off_thread(move |_| {
                Ok(wanted
                    .into_iter()
                    .map(|area| {
                        let key = compare::CompareKey {
                            area,
                            year,
                            ending_by,
                        };
                        compare::area_measures(&s, &key)
                    })
                    .collect::<Vec<_>>())
            })
            .await
            .gql()?
        };
        measured
            .iter()
            .map(|m| {
                Ok(AreaComparison {
                    area: Area::load(&s, m.area).ok_or("area missing")?,
                    interventions: m.interventions,
                    partners: m.partners,
                    clusters: m.clusters,
                    lines: m.lines,
                    funding_streams: m.funding_streams,
                    wijken: m.wijken,
                    links: m.links,
                    density: (m.partners >= 2).then_some(m.density),
                    components: m.components,
                    cross_cluster_partners: Share::new(m.cross_cluster_partners, m.partners),
                    brokers: m.brokers,
                    main_stream: m.main_stream.and_then(|(f, _)| FundingStream::load(&s, f)),
                    main_stream_share: Share::new(m.main_stream.map_or(0, |(_, n)| n), m.funded),
                    funding_concentration: m.funding_concentration,
                    expiring: m.expiring.map(|n| Share::new(n, m.funded)),
                    coverage: AreaCoverage {
                        with_goal: Share::new(m.with_goal, m.interventions),
                        with_partner: Share::new(m.with_partner, m.interventions),
                        with_wijk: Share::new(m.with_wijk, m.interventions),
                        with_funding: Share::new(m.funded, m.interventions),
                    },
                })
            })
            .collect()
    }

    /// The organisations whose partner records share an `organisation` key, taking part in at
    /// least `minAreas` areas (whole programmes), most areas first, with how central each record
    /// is in its own area's collaboration network.
    #[graphql(directive = crate::api::limits::weighs::apply(5000))]
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The least number of areas (1 lists every key).", default = 2)]
        min_areas: usize,
    ) -> Result<Vec<Organisation>> {
        let s = snapshot(ctx)?;
        let found = {
            let s = s.clone();
            analytics::off_thread(move |cancel| Ok(compare::organisations(&s, Some(cancel))?))
                .await
                .gql()?
        };
        Ok(found
            .iter()
            .filter(|o| o.areas() >= min_areas)
            .map(|o| Organisation {
                key: o.key.clone(),
                name: o
                    .partners
                    .first()
                    .and_then(|p| s.data.partners.get(&p.partner))
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                area_count: o.areas(),
                partners: o
                    .partners
                    .iter()
                    .filter_map(|p| {
                        Some(OrganisationPartner {
                            area: Area::load(&s, p.area)?,
                            partner: Partner::load(&s, p.partner)?,
                            interventions: p.interventions,
                            degree: p.degree,
                            betweenness: p.betweenness,
                            rank: p.rank,
                        })
                    })
                    .collect(),
            })
            .collect())
    }
}
