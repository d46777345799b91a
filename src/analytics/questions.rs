//! The integration questions analysts ask of a programme, answered from a snapshot for a
//! scope (area, cluster, wijk, funding stream, year): partners across clusters, cluster
//! overlap, shared interventions, coverage and gaps, funding at risk, similar partners.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::Direction;

use super::network::interventions_in_scope;
use crate::domain::{GoalLevel, Id, Known, Undated, WijkScope};
use crate::graph::{EdgeKind, Filter, Snapshot};

/// A partner's interventions in one programme cluster.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterInterventions {
    pub programme: Id,
    pub interventions: Vec<Id>,
}

/// A partner with its interventions per cluster.
#[derive(Clone, Debug, PartialEq)]
pub struct PartnerClusters {
    pub partner: Id,
    pub clusters: Vec<ClusterInterventions>,
    /// Distinct interventions over all clusters.
    pub interventions: usize,
}

/// Every partner in scope with its interventions per cluster, sorted by number of clusters,
/// then number of interventions (both descending), then id.
pub fn partners_by_cluster(s: &Snapshot, scope: &Filter) -> Vec<PartnerClusters> {
    let mut per_partner: BTreeMap<Id, BTreeMap<Id, Vec<Id>>> = BTreeMap::new();
    let mut totals: BTreeMap<Id, BTreeSet<Id>> = BTreeMap::new();
    for i in interventions_in_scope(s, scope) {
        for p in s.targets(i, EdgeKind::Partner) {
            totals.entry(p).or_default().insert(i);
            for &programme in s.intervention_programmes(i) {
                per_partner
                    .entry(p)
                    .or_default()
                    .entry(programme)
                    .or_default()
                    .push(i);
            }
        }
    }
    let mut out: Vec<PartnerClusters> = totals
        .into_iter()
        .map(|(partner, all)| PartnerClusters {
            partner,
            clusters: per_partner
                .remove(&partner)
                .unwrap_or_default()
                .into_iter()
                .map(|(programme, interventions)| ClusterInterventions {
                    programme,
                    interventions,
                })
                .collect(),
            interventions: all.len(),
        })
        .collect();
    out.sort_by(|a, b| {
        b.clusters
            .len()
            .cmp(&a.clusters.len())
            .then(b.interventions.cmp(&a.interventions))
            .then(a.partner.cmp(&b.partner))
    });
    out
}

/// What one cluster reaches in scope.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClusterReach {
    pub interventions: BTreeSet<Id>,
    pub partners: BTreeSet<Id>,
    pub goals: BTreeSet<Id>,
    pub wijken: BTreeSet<Id>,
}

/// What two clusters have in common.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterPair {
    pub a: Id,
    pub b: Id,
    pub partners: Vec<Id>,
    pub goals: Vec<Id>,
    pub wijken: Vec<Id>,
    /// Relations between an intervention of one cluster and one of the other, as
    /// `(from, to)` intervention pairs.
    pub relations: Vec<(Id, Id)>,
}

/// The overlap between every pair of clusters.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterOverlap {
    pub clusters: Vec<Id>,
    pub reach: Vec<ClusterReach>,
    pub pairs: Vec<ClusterPair>,
}

/// Shared partners, goals served by both, wijken reached by both and related interventions,
/// for every pair of programme clusters in scope.
pub fn cluster_overlap(s: &Snapshot, scope: &Filter) -> ClusterOverlap {
    let clusters: Vec<Id> = s
        .data
        .programmes
        .values()
        .filter(|p| {
            scope.area.is_none_or(|a| a == p.area_id) && scope.programme.is_none_or(|c| c == p.id)
        })
        .map(|p| p.id)
        .collect();
    let mut reach = vec![ClusterReach::default(); clusters.len()];
    let position = |programme: Id| clusters.iter().position(|&c| c == programme);
    let interventions = interventions_in_scope(s, scope);
    for &i in &interventions {
        for &programme in s.intervention_programmes(i) {
            let Some(c) = position(programme) else {
                continue;
            };
            let r = &mut reach[c];
            r.interventions.insert(i);
            r.partners.extend(s.targets(i, EdgeKind::Partner));
            r.goals.extend(s.targets(i, EdgeKind::Contributes));
            r.wijken.extend(s.targets(i, EdgeKind::InWijk));
        }
    }
    let relations: Vec<(Id, Id)> = s
        .data
        .intervention_relations
        .values()
        .filter(|r| {
            interventions.binary_search(&r.from_id).is_ok()
                && interventions.binary_search(&r.to_id).is_ok()
        })
        .map(|r| (r.from_id, r.to_id))
        .collect();
    let mut pairs = Vec::new();
    for x in 0..clusters.len() {
        for y in x + 1..clusters.len() {
            let (a, b) = (&reach[x], &reach[y]);
            let between = |from: Id, to: Id| {
                (a.interventions.contains(&from) && b.interventions.contains(&to))
                    || (b.interventions.contains(&from) && a.interventions.contains(&to))
            };
            pairs.push(ClusterPair {
                a: clusters[x],
                b: clusters[y],
                partners: a.partners.intersection(&b.partners).copied().collect(),
                goals: a.goals.intersection(&b.goals).copied().collect(),
                wijken: a.wijken.intersection(&b.wijken).copied().collect(),
                relations: relations
                    .iter()
                    .copied()
                    .filter(|&(f, t)| between(f, t))
                    .collect(),
            });
        }
    }
    ClusterOverlap {
        clusters,
        reach,
        pairs,
    }
}

/// The interventions two partners share, grouped per cluster (`None`: interventions of no
/// cluster, such as the cross-cutting parts). An intervention of two clusters is in both.
pub fn shared_by_cluster(s: &Snapshot, a: Id, b: Id, scope: &Filter) -> Vec<(Option<Id>, Vec<Id>)> {
    let mut groups: BTreeMap<Option<Id>, Vec<Id>> = BTreeMap::new();
    for i in super::network::shared_interventions(s, a, b, scope) {
        let programmes = s.intervention_programmes(i);
        if programmes.is_empty() {
            groups.entry(None).or_default().push(i);
        }
        for &p in programmes {
            groups.entry(Some(p)).or_default().push(i);
        }
    }
    groups.into_iter().collect()
}

/// What one cell of a coverage matrix says about its wijk and column.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum CoverageState {
    /// Interventions are listed for this wijk (the count says how many).
    Listed,
    /// None is listed for this wijk, but the column has area-wide interventions, which the
    /// document gives to every wijk.
    WholeArea,
    /// None is listed and none is area-wide, but the column has interventions for which the
    /// document names no wijk: whether this wijk has one is not known.
    Unknown,
    /// The column has no intervention in scope at all: a real gap.
    NoIntervention,
}

/// Counts of interventions in a table of rows (wijken) × columns.
#[derive(Clone, Debug, PartialEq)]
pub struct Matrix {
    pub rows: Vec<Id>,
    pub columns: Vec<Id>,
    /// `counts[row][column]`: interventions listed for the row's wijk (area-wide ones apart).
    pub counts: Vec<Vec<usize>>,
    /// Per column: interventions the document gives to every wijk of the area.
    pub whole_area: Vec<usize>,
    /// Per column: interventions for which the document names no wijk.
    pub wijk_unknown: Vec<usize>,
    /// `states[row][column]`: what the cell says (see [`CoverageState`]).
    pub states: Vec<Vec<CoverageState>>,
}

impl Matrix {
    /// An empty matrix of rows × columns.
    fn new(rows: Vec<Id>, columns: Vec<Id>) -> Matrix {
        Matrix {
            counts: vec![vec![0; columns.len()]; rows.len()],
            whole_area: vec![0; columns.len()],
            wijk_unknown: vec![0; columns.len()],
            states: Vec::new(),
            rows,
            columns,
        }
    }

    /// Counts one intervention in the columns it works for, by where it works.
    fn count(&mut self, scope: WijkScope, places: &[Id], columns: &[usize]) {
        for &col in columns {
            match scope {
                WijkScope::WholeArea => self.whole_area[col] += 1,
                WijkScope::Unknown => self.wijk_unknown[col] += 1,
                WijkScope::Listed => {
                    for w in places {
                        if let Some(row) = self.rows.iter().position(|x| x == w) {
                            self.counts[row][col] += 1;
                        }
                    }
                }
            }
        }
    }

    /// Fills in the cells' states from the counts.
    fn finish(mut self) -> Matrix {
        self.states = self
            .counts
            .iter()
            .map(|row| {
                row.iter()
                    .enumerate()
                    .map(|(col, &n)| {
                        if n > 0 {
                            CoverageState::Listed
                        } else if self.whole_area[col] > 0 {
                            CoverageState::WholeArea
                        } else if self.wijk_unknown[col] > 0 {
                            CoverageState::Unknown
                        } else {
                            CoverageState::NoIntervention
                        }
                    })
                    .collect()
            })
            .collect();
        self
    }
}

/// Where the interventions are and what is missing.
#[derive(Clone, Debug, PartialEq)]
pub struct Coverage {
    /// Wijken × clusters: interventions in the wijk working for the cluster.
    pub wijk_cluster: Matrix,
    /// Wijken × goals of the given level: interventions in the wijk working for the goal or a
    /// goal below it.
    pub wijk_goal: Matrix,
    /// Goals nothing works for (no intervention on the goal or below it, none on a goal that
    /// serves it, and with a year none that may be active in it either).
    pub goals_without_interventions: Vec<Id>,
    /// With a year: goals only interventions of unknown activity in that year work for
    /// (directly or through a goal they are tied to).
    pub goals_only_undated: Vec<Id>,
    /// Goals nothing works for themselves, covered because a goal that serves them is.
    pub goals_covered_through_related: Vec<Id>,
    pub interventions_without_partner: Vec<Id>,
    pub interventions_without_funding: Vec<Id>,
    pub interventions_without_goal: Vec<Id>,
    /// Interventions for which the document names no wijk (where is unknown, not nowhere).
    pub interventions_without_wijk: Vec<Id>,
    /// Interventions the document gives to every wijk of the area.
    pub interventions_whole_area: Vec<Id>,
}

/// A goal with the goals above it: an intervention on a goal also serves those.
fn served_goals(s: &Snapshot, intervention: Id) -> BTreeSet<Id> {
    let mut out = BTreeSet::new();
    for g in s.targets(intervention, EdgeKind::Contributes) {
        let mut current = Some(g);
        while let Some(id) = current {
            if !out.insert(id) {
                break;
            }
            current = s.data.goals.get(&id).and_then(|g| g.parent_id);
        }
    }
    out
}

/// The coverage of wijken by clusters and goals, and the gaps, in scope. An area-wide
/// intervention is counted apart, not as a link to each wijk; one without a wijk counts as
/// unknown, not as absent.
pub fn coverage(s: &Snapshot, scope: &Filter, level: GoalLevel) -> Coverage {
    let in_area = |area: Id| scope.area.is_none_or(|a| a == area);
    let interventions = interventions_in_scope(s, scope);
    let wijken: Vec<Id> = s
        .data
        .wijken
        .values()
        .filter(|w| in_area(w.area_id))
        .map(|w| w.id)
        .collect();
    let clusters: Vec<Id> = s
        .data
        .programmes
        .values()
        .filter(|p| in_area(p.area_id) && scope.programme.is_none_or(|c| c == p.id))
        .map(|p| p.id)
        .collect();
    let in_programme = |g: Id| {
        scope
            .programme
            .is_none_or(|c| programme_of_goal(s, g) == Some(c))
    };
    let goals_of_area: Vec<Id> = s
        .data
        .goals
        .values()
        .filter(|g| in_area(g.area_id))
        .map(|g| g.id)
        .collect();
    let goals: Vec<Id> = goals_of_area
        .iter()
        .copied()
        .filter(|g| s.data.goals.get(g).is_some_and(|g| g.level == level))
        .filter(|&g| in_programme(g))
        .collect();
    let mut wijk_cluster = Matrix::new(wijken.clone(), clusters.clone());
    let mut wijk_goal = Matrix::new(wijken, goals.clone());
    let mut served: BTreeSet<Id> = BTreeSet::new();
    let mut gaps = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for &i in &interventions {
        let places = s.targets(i, EdgeKind::InWijk);
        let serves = served_goals(s, i);
        served.extend(serves.iter().copied());
        let wijk_scope = s.wijk_scope(i);
        let cluster_cols: Vec<usize> = s
            .intervention_programmes(i)
            .iter()
            .filter_map(|p| clusters.iter().position(|c| c == p))
            .collect();
        wijk_cluster.count(wijk_scope, &places, &cluster_cols);
        let goal_cols: Vec<usize> = (0..goals.len())
            .filter(|&col| serves.contains(&goals[col]))
            .collect();
        wijk_goal.count(wijk_scope, &places, &goal_cols);
        if s.targets(i, EdgeKind::Partner).is_empty() {
            gaps.0.push(i);
        }
        if s.targets(i, EdgeKind::Funding).is_empty() {
            gaps.1.push(i);
        }
        if s.targets(i, EdgeKind::Contributes).is_empty() {
            gaps.2.push(i);
        }
        match wijk_scope {
            WijkScope::Unknown => gaps.3.push(i),
            WijkScope::WholeArea => gaps.4.push(i),
            WijkScope::Listed => {}
        }
    }
    // With a year, what the undated interventions serve is not a gap but unknown.
    let maybe_served: BTreeSet<Id> = if scope.year.is_some() {
        let undated = Filter {
            undated: Undated::Only,
            ..scope.clone()
        };
        interventions_in_scope(s, &undated)
            .into_iter()
            .flat_map(|i| served_goals(s, i))
            .collect()
    } else {
        BTreeSet::new()
    };
    // A goal tied to a goal that is served (a shared Doel served by the cluster goal that
    // repeats it) is covered through that tie, and listed apart.
    let through = |g: Id, set: &BTreeSet<Id>| {
        s.targets(g, EdgeKind::GoalRelation)
            .iter()
            .any(|h| set.contains(h))
    };
    let (related, open): (Vec<Id>, Vec<Id>) = goals_of_area
        .into_iter()
        .filter(|g| !served.contains(g) && in_programme(*g))
        .partition(|&g| through(g, &served));
    let (unknown, without): (Vec<Id>, Vec<Id>) = open
        .into_iter()
        .partition(|&g| maybe_served.contains(&g) || through(g, &maybe_served));
    Coverage {
        wijk_cluster: wijk_cluster.finish(),
        wijk_goal: wijk_goal.finish(),
        goals_without_interventions: without,
        goals_only_undated: unknown,
        goals_covered_through_related: related,
        interventions_without_partner: gaps.0,
        interventions_without_funding: gaps.1,
        interventions_without_goal: gaps.2,
        interventions_without_wijk: gaps.3,
        interventions_whole_area: gaps.4,
    }
}

fn programme_of_goal(s: &Snapshot, goal: Id) -> Option<Id> {
    s.goal_line(goal)
        .and_then(|l| s.data.lines.get(&l))
        .map(|l| l.programme_id)
}

/// The funding streams of an intervention that may run in the scope's year (all, without a
/// year): those not known to have ended or not to have started. A stream whose years the
/// document does not give may still pay, so it is kept: dropping it would report a loss of
/// funding that is not known.
fn active_streams(s: &Snapshot, intervention: Id, scope: &Filter) -> Vec<Id> {
    s.targets(intervention, EdgeKind::Funding)
        .into_iter()
        .filter(|f| {
            scope.year.is_none_or(|y| {
                s.data
                    .funding_streams
                    .get(f)
                    .is_some_and(|f| f.years().covers(y) != Known::No)
            })
        })
        .collect()
}

/// An intervention whose every funding stream ends by a year.
#[derive(Clone, Debug, PartialEq)]
pub struct AtRisk {
    pub intervention: Id,
    pub streams: Vec<Id>,
    /// The year its last stream ends.
    pub last_year: i32,
}

/// The interventions in scope that have funding and whose every (active) stream ends in or
/// before `ending_by`. A stream without an end year does not end. Sorted by the year the
/// money runs out, then id.
pub fn funding_at_risk(s: &Snapshot, scope: &Filter, ending_by: i32) -> Vec<AtRisk> {
    let mut out: Vec<AtRisk> = interventions_in_scope(s, scope)
        .into_iter()
        .filter_map(|i| {
            let streams = active_streams(s, i, scope);
            let ends: Option<Vec<i32>> = streams
                .iter()
                .map(|f| s.data.funding_streams.get(f).and_then(|f| f.end_year))
                .collect();
            let last = ends?.into_iter().max()?;
            (last <= ending_by).then_some(AtRisk {
                intervention: i,
                streams,
                last_year: last,
            })
        })
        .collect();
    out.sort_by_key(|r| (r.last_year, r.intervention));
    out
}

/// How many of a node's interventions are exposed.
#[derive(Clone, Debug, PartialEq)]
pub struct Exposure {
    pub node: Id,
    pub exposed: usize,
    pub total: usize,
}

impl Exposure {
    pub fn share(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.exposed as f64 / self.total as f64
        }
    }
}

/// Exposure to funding that ends by a year, per partner, cluster and wijk.
#[derive(Clone, Debug, PartialEq)]
pub struct FundingExposure {
    pub by_partner: Vec<Exposure>,
    pub by_cluster: Vec<Exposure>,
    pub by_wijk: Vec<Exposure>,
}

/// For each partner, cluster and wijk: of its interventions in scope, how many are at risk
/// by `ending_by`. Sorted by share, then number exposed (both descending), then id.
pub fn funding_exposure(s: &Snapshot, scope: &Filter, ending_by: i32) -> FundingExposure {
    let at_risk: BTreeSet<Id> = funding_at_risk(s, scope, ending_by)
        .into_iter()
        .map(|r| r.intervention)
        .collect();
    let mut partner: BTreeMap<Id, (usize, usize)> = BTreeMap::new();
    let mut cluster: BTreeMap<Id, (usize, usize)> = BTreeMap::new();
    let mut wijk: BTreeMap<Id, (usize, usize)> = BTreeMap::new();
    for i in interventions_in_scope(s, scope) {
        let exposed = usize::from(at_risk.contains(&i));
        let count = |map: &mut BTreeMap<Id, (usize, usize)>, node: Id| {
            let entry = map.entry(node).or_default();
            entry.0 += exposed;
            entry.1 += 1;
        };
        for p in s.targets(i, EdgeKind::Partner) {
            count(&mut partner, p);
        }
        for &c in s.intervention_programmes(i) {
            count(&mut cluster, c);
        }
        for w in s.targets(i, EdgeKind::InWijk) {
            count(&mut wijk, w);
        }
    }
    let list = |map: BTreeMap<Id, (usize, usize)>| {
        let mut out: Vec<Exposure> = map
            .into_iter()
            .map(|(node, (exposed, total))| Exposure {
                node,
                exposed,
                total,
            })
            .collect();
        out.sort_by(|a, b| {
            b.share()
                .total_cmp(&a.share())
                .then(b.exposed.cmp(&a.exposed))
                .then(a.node.cmp(&b.node))
        });
        out
    };
    FundingExposure {
        by_partner: list(partner),
        by_cluster: list(cluster),
        by_wijk: list(wijk),
    }
}

/// What happens when one funding stream stops.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamStop {
    /// Interventions the stream pays that have no other (active) stream.
    pub unfunded: Vec<Id>,
    /// Interventions the stream pays that keep other funding.
    pub partly_funded: Vec<Id>,
    /// Partners of those interventions: `(partner, unfunded, partly funded)`, most hit first.
    pub partners: Vec<(Id, usize, usize)>,
}

/// The interventions left without funding, and the partners affected, if `stream` stops.
pub fn stream_stops(s: &Snapshot, scope: &Filter, stream: Id) -> StreamStop {
    let mut unfunded = Vec::new();
    let mut partly_funded = Vec::new();
    let mut partners: BTreeMap<Id, (usize, usize)> = BTreeMap::new();
    let paid: BTreeSet<Id> = s.sources(stream, EdgeKind::Funding).into_iter().collect();
    for i in interventions_in_scope(s, scope)
        .into_iter()
        .filter(|i| paid.contains(i))
    {
        let others = active_streams(s, i, scope)
            .into_iter()
            .filter(|&f| f != stream)
            .count();
        let alone = others == 0;
        if alone {
            unfunded.push(i);
        } else {
            partly_funded.push(i);
        }
        for p in s.targets(i, EdgeKind::Partner) {
            let entry = partners.entry(p).or_default();
            if alone {
                entry.0 += 1;
            } else {
                entry.1 += 1;
            }
        }
    }
    let mut partners: Vec<(Id, usize, usize)> =
        partners.into_iter().map(|(p, (u, f))| (p, u, f)).collect();
    partners.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    StreamStop {
        unfunded,
        partly_funded,
        partners,
    }
}

/// How alike another partner is.
#[derive(Clone, Debug, PartialEq)]
pub struct Similarity {
    pub partner: Id,
    /// The mean of the two Jaccard indices.
    pub score: f64,
    /// Jaccard index of the two partners' interventions.
    pub interventions: f64,
    /// Jaccard index of the goals their interventions work for.
    pub goals: f64,
    pub shared_interventions: usize,
    pub shared_goals: usize,
}

fn jaccard(a: &BTreeSet<Id>, b: &BTreeSet<Id>) -> (f64, usize) {
    let shared = a.intersection(b).count();
    let union = a.len() + b.len() - shared;
    (
        if union == 0 {
            0.0
        } else {
            shared as f64 / union as f64
        },
        shared,
    )
}

/// The partners most like `partner` (Jaccard over interventions and over goals), best first;
/// partners with nothing in common are left out.
pub fn similar_partners(s: &Snapshot, scope: &Filter, partner: Id, top: usize) -> Vec<Similarity> {
    let in_scope: BTreeSet<Id> = interventions_in_scope(s, scope).into_iter().collect();
    let profile = |p: Id| -> (BTreeSet<Id>, BTreeSet<Id>) {
        let interventions: BTreeSet<Id> = s
            .edges(p, EdgeKind::Partner, Direction::Incoming)
            .into_iter()
            .map(|(_, i)| i)
            .filter(|i| in_scope.contains(i))
            .collect();
        let goals = interventions
            .iter()
            .flat_map(|&i| s.targets(i, EdgeKind::Contributes))
            .collect();
        (interventions, goals)
    };
    let (mine, my_goals) = profile(partner);
    // Candidates: partners sharing an intervention or a goal.
    let mut candidates: BTreeSet<Id> = BTreeSet::new();
    for &i in &mine {
        candidates.extend(s.targets(i, EdgeKind::Partner));
    }
    for &g in &my_goals {
        for i in s.sources(g, EdgeKind::Contributes) {
            if in_scope.contains(&i) {
                candidates.extend(s.targets(i, EdgeKind::Partner));
            }
        }
    }
    candidates.remove(&partner);
    let mut out: Vec<Similarity> = candidates
        .into_iter()
        .map(|other| {
            let (theirs, their_goals) = profile(other);
            let (ji, si) = jaccard(&mine, &theirs);
            let (jg, sg) = jaccard(&my_goals, &their_goals);
            Similarity {
                partner: other,
                score: (ji + jg) / 2.0,
                interventions: ji,
                goals: jg,
                shared_interventions: si,
                shared_goals: sg,
            }
        })
        .filter(|x| x.score > 0.0)
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.shared_interventions.cmp(&a.shared_interventions))
            .then(a.partner.cmp(&b.partner))
    });
    out.truncate(top);
    out
}
