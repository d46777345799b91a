//! Funding risk: which interventions lose their money by a year, who is exposed, and what
//! stops when one funding stream stops.

use async_graphql::{Context, Object, Result, SimpleObject};

use super::{Share, interventions, node, partners};
use crate::analytics::questions;
use crate::api::filters::analytics_scope;
use crate::api::node::Node;
use crate::api::types::{FundingStream, Intervention, Partner};
use crate::api::{OrGql, ids, snapshot};
use crate::domain::Table;

/// An intervention all of whose funding ends by the year asked about.
#[derive(SimpleObject)]
pub struct FundingRiskItem {
    /// The intervention.
    pub intervention: Intervention,
    /// Its funding streams (those active in the year asked, when one is given).
    pub streams: Vec<FundingStream>,
    /// The year its last stream ends.
    pub last_year: i32,
}

/// How exposed one partner, cluster or wijk is.
#[derive(SimpleObject)]
pub struct Exposure {
    /// The partner, programme cluster or wijk.
    pub node: Node,
    /// Its name.
    pub name: String,
    /// Of its interventions, how many are at risk.
    pub exposed: Share,
}

/// Exposure to ending funding per partner, cluster and wijk, most exposed first.
#[derive(SimpleObject)]
pub struct FundingExposure {
    /// Per partner.
    pub by_partner: Vec<Exposure>,
    /// Per programme cluster.
    pub by_cluster: Vec<Exposure>,
    /// Per wijk.
    pub by_wijk: Vec<Exposure>,
}

/// A partner hit when a funding stream stops.
#[derive(SimpleObject)]
pub struct AffectedPartner {
    /// The partner.
    pub partner: Partner,
    /// Of its interventions paid by the stream, how many keep no funding.
    pub interventions_left_without_funding: usize,
    /// And how many keep other funding.
    pub interventions_partly_funded: usize,
}

/// What happens when one funding stream stops.
#[derive(SimpleObject)]
pub struct StreamStopImpact {
    /// The stream.
    pub stream: FundingStream,
    /// Interventions the stream pays alone: they are left without funding.
    pub interventions_left_without_funding: Vec<Intervention>,
    /// Interventions the stream pays together with others.
    pub interventions_partly_funded: Vec<Intervention>,
    /// The partners of those interventions, most hit first.
    pub partners_affected: Vec<AffectedPartner>,
}

/// Funding risk.
#[derive(Default)]
pub struct FundingQuery;

#[Object(guard = "crate::api::Need(crate::auth::Role::Viewer)")]
impl FundingQuery {
    /// The interventions whose every funding stream ends in or before `endingBy` (a stream
    /// without an end year does not end); earliest end first. With `year`, only interventions
    /// and streams active in that year count.
    #[graphql(directive = crate::api::limits::weighs::apply(1000))]
    async fn funding_at_risk(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The last year to look at.")] ending_by: i32,
        #[graphql(desc = "Only this area (ID or slug).")] area: Option<String>,
        #[graphql(desc = "Only interventions and funding known to be active in this year.")]
        year: Option<i32>,
    ) -> Result<Vec<FundingRiskItem>> {
        let s = snapshot(ctx)?;
        let scope = analytics_scope(&s, &area, year, None).gql()?;
        Ok(questions::funding_at_risk(&s, &scope, ending_by)
            .into_iter()
            .filter_map(|r| {
                Some(FundingRiskItem {
                    intervention: Intervention::load(&s, r.intervention)?,
                    streams: r
                        .streams
                        .iter()
                        .filter_map(|&f| FundingStream::load(&s, f))
                        .collect(),
                    last_year: r.last_year,
                })
            })
            .collect())
    }

    /// For each partner, programme cluster and wijk: the share of its interventions whose
    /// funding all ends by `endingBy`.
    #[graphql(directive = crate::api::limits::weighs::apply(1000))]
    async fn funding_exposure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The last year to look at.")] ending_by: i32,
        #[graphql(desc = "Only this area (ID or slug).")] area: Option<String>,
        #[graphql(desc = "Only interventions and funding known to be active in this year.")]
        year: Option<i32>,
    ) -> Result<FundingExposure> {
        let s = snapshot(ctx)?;
        let scope = analytics_scope(&s, &area, year, None).gql()?;
        let e = questions::funding_exposure(&s, &scope, ending_by);
        let list = |items: Vec<questions::Exposure>| -> Result<Vec<Exposure>> {
            items
                .into_iter()
                .map(|x| {
                    let n = node(&s, x.node).gql()?;
                    Ok(Exposure {
                        name: n.name().to_owned(),
                        node: n,
                        exposed: Share::new(x.exposed, x.total),
                    })
                })
                .collect()
        };
        Ok(FundingExposure {
            by_partner: list(e.by_partner)?,
            by_cluster: list(e.by_cluster)?,
            by_wijk: list(e.by_wijk)?,
        })
    }

    /// What if this stream stops: the interventions left without funding, those that keep
    /// other funding, and the partners affected.
    #[graphql(directive = crate::api::limits::weighs::apply(1000))]
    async fn funding_stream_stops(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The funding stream (ID or slug).")] stream: String,
        #[graphql(desc = "The area (ID or slug); needed when the slug exists in several areas.")]
        area: Option<String>,
        #[graphql(desc = "Only interventions and funding known to be active in this year.")]
        year: Option<i32>,
    ) -> Result<StreamStopImpact> {
        let s = snapshot(ctx)?;
        let scope = analytics_scope(&s, &area, year, None).gql()?;
        let id = ids::resolve(&s, &stream, Table::FundingStream, scope.area, "stream").gql()?;
        let stop = questions::stream_stops(&s, &scope, id);
        let affected = partners(&s, stop.partners.iter().map(|p| p.0));
        Ok(StreamStopImpact {
            stream: FundingStream::load(&s, id).ok_or("stream missing")?,
            interventions_left_without_funding: interventions(&s, stop.unfunded),
            interventions_partly_funded: interventions(&s, stop.partly_funded),
            partners_affected: affected
                .into_iter()
                .zip(stop.partners)
                .map(|(partner, (_, left, partly))| AffectedPartner {
                    partner,
                    interventions_left_without_funding: left,
                    interventions_partly_funded: partly,
                })
                .collect(),
        })
    }
}
