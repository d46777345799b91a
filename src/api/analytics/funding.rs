//! Funding risk: which interventions lose their money by a year, who is exposed, what stops
//! when one funding stream stops, and funding scenarios over several streams and years.

use std::sync::Arc;

use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject};

use super::{Share, interventions, node, partners};
use crate::analytics::funding::{self as scenarios, Loss, Scenario, ScenarioResult};
use crate::analytics::{self, questions};
use crate::api::filters::{MAX_FILTER_VALUES, analytics_scope};
use crate::api::node::Node;
use crate::api::types::{FundingStream, Intervention, Partner};
use crate::api::{OrGql, gql_error, ids, snapshot};
use crate::domain::{Id, Table};
use crate::error::Error;
use crate::graph::Snapshot;

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

/// An end year to assume for a funding stream in a scenario.
#[derive(InputObject)]
pub struct AssumedEnd {
    /// The funding stream (ID or slug).
    pub stream: String,
    /// The last year it pays.
    pub year: i32,
}

/// Whether an intervention loses all or part of its funding.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum FundingLoss {
    /// None of its streams pays any more.
    All,
    /// Some of its streams pay, or may pay (the document gives them no end), still.
    Part,
}

impl From<Loss> for FundingLoss {
    fn from(l: Loss) -> Self {
        match l {
            Loss::All => FundingLoss::All,
            Loss::Part => FundingLoss::Part,
        }
    }
}

fn streams(s: &Arc<Snapshot>, ids: &[Id]) -> Vec<FundingStream> {
    ids.iter()
        .filter_map(|&f| FundingStream::load(s, f))
        .collect()
}

/// A funding stream as a scenario treats it.
#[derive(SimpleObject)]
pub struct ScenarioStream {
    /// The stream.
    pub stream: FundingStream,
    /// Whether the scenario stops it: it pays in no year of the scenario.
    pub stopped: bool,
    /// The last year it pays in the scenario: the assumed one, else the document's; null when
    /// neither is known (it may go on paying).
    pub end_year: Option<i32>,
    /// Whether `endYear` is assumed by the scenario rather than given by the document.
    pub end_assumed: bool,
}

/// One year of a funding scenario. Counts are of the interventions the document gives
/// funding.
#[derive(SimpleObject)]
pub struct ScenarioYear {
    /// The year.
    pub year: i32,
    /// Streams known to pay in the year.
    pub streams_paying: Vec<FundingStream>,
    /// Streams whose last year (given or assumed) this is.
    pub streams_ending: Vec<FundingStream>,
    /// Interventions known to run in the year (the document gives both ends of their period).
    pub running: usize,
    /// Of those, how many have a stream known to pay.
    pub funded: usize,
    /// Of those, how many have no stream known to pay but one that may (no end year known).
    pub funding_unknown: usize,
    /// Of those, how many have every stream known not to pay.
    pub unfunded: usize,
    /// Interventions that may run in the year: the document leaves (part of) their period
    /// open; the undated ones are among them.
    pub may_run: usize,
    /// Of those, how many have every stream known not to pay.
    pub may_run_unfunded: usize,
}

/// What one intervention loses in a funding scenario.
pub struct InterventionFundingLoss {
    s: Arc<Snapshot>,
    result: Arc<ScenarioResult>,
    undated: bool,
    index: usize,
}

impl InterventionFundingLoss {
    fn item(&self) -> Option<&scenarios::InterventionLoss> {
        let list = if self.undated {
            &self.result.undated
        } else {
            &self.result.interventions
        };
        list.get(self.index)
    }
}

/// What one intervention loses in a funding scenario.
#[Object]
impl InterventionFundingLoss {
    /// The intervention.
    async fn intervention(&self) -> Option<Intervention> {
        Intervention::load(&self.s, self.item()?.intervention)
    }
    /// All or part of its funding.
    async fn loss(&self) -> Option<FundingLoss> {
        Some(self.item()?.loss.into())
    }
    /// Its streams that pay nothing in `lastYear`.
    async fn streams_lost(&self) -> Vec<FundingStream> {
        self.item()
            .map_or_else(Vec::new, |x| streams(&self.s, &x.lost))
    }
    /// Its streams that pay, or may pay, in `lastYear`.
    async fn streams_kept(&self) -> Vec<FundingStream> {
        self.item()
            .map_or_else(Vec::new, |x| streams(&self.s, &x.kept))
    }
    /// The last year of the scenario in which the intervention runs or may run.
    async fn last_year(&self) -> Option<i32> {
        Some(self.item()?.last_year)
    }
    /// The amounts the document gives for the lost streams (euros), summed; null when it
    /// gives none.
    async fn amount_lost_eur(&self) -> Option<i64> {
        self.item()?.amount_lost_eur
    }
    /// How many lost streams the document gives no amount for.
    async fn amounts_unknown(&self) -> usize {
        self.item().map_or(0, |x| x.amounts_unknown)
    }
}

/// How hard a partner or programme cluster is hit by a funding scenario.
#[derive(SimpleObject)]
pub struct ScenarioImpact {
    /// The partner or programme cluster.
    pub node: Node,
    /// Its name.
    pub name: String,
    /// Its interventions that lose all their funding.
    pub interventions_losing_all: usize,
    /// Its interventions that lose part of their funding.
    pub interventions_losing_part: usize,
    /// Its funded interventions that run, or may run, in the scenario's years.
    pub interventions: usize,
    /// The amounts the document gives for what its interventions lose (euros); null when it
    /// gives none.
    pub amount_lost_eur: Option<i64>,
}

/// The answer to a funding scenario. Only the parts selected are built.
pub struct FundingScenario {
    s: Arc<Snapshot>,
    result: Arc<ScenarioResult>,
    from: i32,
    to: i32,
}

impl FundingScenario {
    fn losses(&self, undated: bool) -> Vec<InterventionFundingLoss> {
        let len = if undated {
            self.result.undated.len()
        } else {
            self.result.interventions.len()
        };
        (0..len)
            .map(|index| InterventionFundingLoss {
                s: self.s.clone(),
                result: self.result.clone(),
                undated,
                index,
            })
            .collect()
    }

    fn impacts(&self, list: &[scenarios::Impact]) -> Result<Vec<ScenarioImpact>> {
        list.iter()
            .map(|x| {
                let n = node(&self.s, x.node).gql()?;
                Ok(ScenarioImpact {
                    name: n.name().to_owned(),
                    node: n,
                    interventions_losing_all: x.losing_all,
                    interventions_losing_part: x.losing_part,
                    interventions: x.interventions,
                    amount_lost_eur: x.amount_lost_eur,
                })
            })
            .collect()
    }
}

/// The answer to a funding scenario.
#[Object]
impl FundingScenario {
    /// The first year of the timeline.
    async fn from(&self) -> i32 {
        self.from
    }
    /// The last year of the timeline: "the end" of the scenario.
    async fn to(&self) -> i32 {
        self.to
    }
    /// The area's funding streams as the scenario treats them: those stopped or given an end
    /// year first.
    async fn streams(&self) -> Vec<ScenarioStream> {
        self.result
            .streams
            .iter()
            .filter_map(|x| {
                Some(ScenarioStream {
                    stream: FundingStream::load(&self.s, x.stream)?,
                    stopped: x.stopped,
                    end_year: x.end_year,
                    end_assumed: x.end_assumed,
                })
            })
            .collect()
    }
    /// Year by year: which streams pay and end, and how many interventions are funded.
    async fn timeline(&self) -> Vec<ScenarioYear> {
        self.result
            .timeline
            .iter()
            .map(|y| ScenarioYear {
                year: y.year,
                streams_paying: streams(&self.s, &y.streams_paying),
                streams_ending: streams(&self.s, &y.streams_ending),
                running: y.running,
                funded: y.funded,
                funding_unknown: y.funding_unknown,
                unfunded: y.unfunded,
                may_run: y.may_run,
                may_run_unfunded: y.may_run_unfunded,
            })
            .collect()
    }
    /// Interventions with a (partly) known period that lose funding by the last year they run
    /// in the scenario: those losing all first.
    async fn interventions(&self) -> Vec<InterventionFundingLoss> {
        self.losses(false)
    }
    /// Interventions for which the document gives no period at all that lose funding, listed
    /// apart: whether they still run is unknown.
    async fn undated(&self) -> Vec<InterventionFundingLoss> {
        self.losses(true)
    }
    /// The interventions left with no funding at the end: in the last year they run (or may
    /// run) in the scenario, every one of their streams is known not to pay.
    async fn unfunded(&self) -> Vec<Intervention> {
        interventions(&self.s, self.result.unfunded.iter().copied())
    }
    /// The partners of interventions that lose funding, most interventions losing all first.
    async fn partners_affected(&self) -> Result<Vec<ScenarioImpact>> {
        self.impacts(&self.result.partners)
    }
    /// The programme clusters of interventions that lose funding, most hit first.
    async fn clusters_affected(&self) -> Result<Vec<ScenarioImpact>> {
        self.impacts(&self.result.clusters)
    }
    /// Interventions of the area for which the document names no funding (not in the
    /// scenario).
    async fn interventions_without_funding(&self) -> usize {
        self.result.without_funding
    }
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
        Ok(scenarios::at_risk(&s, &scope, ending_by)
            .iter()
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
        let e = scenarios::exposure(&s, &scope, ending_by);
        let list = |items: &[questions::Exposure]| -> Result<Vec<Exposure>> {
            items
                .iter()
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
            by_partner: list(&e.by_partner)?,
            by_cluster: list(&e.by_cluster)?,
            by_wijk: list(&e.by_wijk)?,
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
        let stop = scenarios::stream_stops(&s, &scope, id);
        let affected = partners(&s, stop.partners.iter().map(|p| p.0));
        Ok(StreamStopImpact {
            stream: FundingStream::load(&s, id).ok_or("stream missing")?,
            interventions_left_without_funding: interventions(&s, stop.unfunded.iter().copied()),
            interventions_partly_funded: interventions(&s, stop.partly_funded.iter().copied()),
            partners_affected: affected
                .into_iter()
                .zip(stop.partners.iter().copied())
                .map(|(partner, (_, left, partly))| AffectedPartner {
                    partner,
                    interventions_left_without_funding: left,
                    interventions_partly_funded: partly,
                })
                .collect(),
        })
    }

    /// A funding scenario for one area: stop several streams at once (`stop`), assume end
    /// years for streams (`assumeEnd`, e.g. for those the document gives none), and see year
    /// by year from `from` to `to` which streams pay, which interventions lose all or part of
    /// their funding (with the amounts where the document gives them), the partners and
    /// clusters hit, the undated interventions apart, and the interventions left unfunded at
    /// the end. A stream the document gives no end year may go on paying: it counts as
    /// unknown, not as paying, unless an end is assumed.
    #[graphql(directive = crate::api::limits::weighs::apply(2000))]
    #[allow(clippy::too_many_arguments)]
    async fn funding_scenario(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The area (ID or slug).")] area: String,
        #[graphql(
            desc = "Streams (IDs or slugs) that pay nothing in the scenario.",
            default
        )]
        stop: Vec<String>,
        #[graphql(desc = "End years to assume for streams.", default)] assume_end: Vec<AssumedEnd>,
        #[graphql(desc = "The first year of the timeline.")] from: i32,
        #[graphql(desc = "The last year of the timeline (at most 50 years after `from`).")] to: i32,
    ) -> Result<FundingScenario> {
        for (field, len) in [("stop", stop.len()), ("assumeEnd", assume_end.len())] {
            if len > MAX_FILTER_VALUES {
                return Err(gql_error(Error::invalid(
                    field,
                    format!("at most {MAX_FILTER_VALUES} streams"),
                )));
            }
        }
        let s = snapshot(ctx)?;
        let area = ids::resolve(&s, &area, Table::Area, None, "area").gql()?;
        let stream = |value: &str, field: &str| {
            ids::resolve(&s, value, Table::FundingStream, Some(area), field).gql()
        };
        let stop = stop
            .iter()
            .map(|v| stream(v, "stop"))
            .collect::<Result<Vec<Id>>>()?;
        let assume_end = assume_end
            .iter()
            .map(|a| Ok((stream(&a.stream, "assumeEnd")?, a.year)))
            .collect::<Result<Vec<(Id, i32)>>>()?;
        let scenario = Scenario::new(&s, area, stop, assume_end, from, to).gql()?;
        let result = {
            let s = s.clone();
            analytics::off_thread(move |cancel| {
                Ok(scenarios::cached_scenario(&s, &scenario, Some(cancel))?)
            })
            .await
            .gql()?
        };
        Ok(FundingScenario {
            s,
            result,
            from,
            to,
        })
    }
}
