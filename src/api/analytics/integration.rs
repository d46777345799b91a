//! Integration questions: partners across clusters, cluster overlap, shared interventions,
//! similar partners, coverage and gaps.

use std::sync::Arc;

use async_graphql::{ComplexObject, Context, Object, Result, SimpleObject};

use super::{interventions, node, partners, programme};
use crate::analytics::questions::{self, CoverageState};
use crate::api::filters::analytics_scope;
use crate::api::node::Node;
use crate::api::types::{Goal, Intervention, Partner, Programme, Wijk};
use crate::api::{OrGql, ids, snapshot};
use crate::domain::{GoalLevel, Id, RelationKind, Table};
use crate::graph::{Filter, Snapshot};

/// A partner's interventions in one programme cluster.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct PartnerCluster {
    /// The cluster.
    pub cluster: Programme,
    /// The partner's interventions working for it.
    pub interventions: Vec<Intervention>,
}

#[ComplexObject]
impl PartnerCluster {
    /// The cluster.
    #[graphql(deprecation = "Use `cluster` instead.")]
    async fn programme(&self) -> Programme {
        self.cluster.clone()
    }
}

/// A partner that works in several programme clusters: one entry of a cached answer, whose
/// objects are built only when selected.
pub struct CrossClusterPartner {
    s: Arc<Snapshot>,
    all: Arc<Vec<questions::PartnerClusters>>,
    index: usize,
}

impl CrossClusterPartner {
    fn entry(&self) -> Result<&questions::PartnerClusters> {
        self.all
            .get(self.index)
            .ok_or_else(|| "cross-cluster partner missing from its answer".into())
    }
}

/// A partner that works in several programme clusters.
#[Object]
impl CrossClusterPartner {
    /// The partner.
    async fn partner(&self) -> Result<Partner> {
        Ok(Partner::load(&self.s, self.entry()?.partner).ok_or("partner missing")?)
    }
    /// In how many clusters it works.
    async fn cluster_count(&self) -> Result<usize> {
        Ok(self.entry()?.clusters.len())
    }
    /// On how many interventions (each counted once).
    async fn intervention_count(&self) -> Result<usize> {
        Ok(self.entry()?.interventions)
    }
    /// Its interventions per cluster.
    async fn clusters(&self) -> Result<Vec<PartnerCluster>> {
        self.entry()?
            .clusters
            .iter()
            .map(|c| {
                Ok(PartnerCluster {
                    cluster: programme(&self.s, c.programme).gql()?,
                    interventions: interventions(&self.s, c.interventions.iter().copied()),
                })
            })
            .collect()
    }
}

/// What one programme cluster reaches.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ClusterReach {
    /// The cluster.
    pub cluster: Programme,
    /// Interventions working for the cluster's goals.
    pub interventions: usize,
    /// Partners on those interventions.
    pub partners: usize,
    /// Goals those interventions work for.
    pub goals: usize,
    /// Wijken those interventions take place in.
    pub wijken: usize,
}

#[ComplexObject]
impl ClusterReach {
    /// The cluster.
    #[graphql(deprecation = "Use `cluster` instead.")]
    async fn programme(&self) -> Programme {
        self.cluster.clone()
    }
}

/// Two interventions related across clusters.
#[derive(SimpleObject)]
pub struct RelatedPair {
    /// The intervention that refers.
    pub from: Intervention,
    /// The intervention referred to.
    pub to: Intervention,
    /// How they relate.
    pub kind: RelationKind,
}

/// What two programme clusters have in common.
#[derive(SimpleObject)]
pub struct ClusterPairOverlap {
    /// One cluster.
    pub a: Programme,
    /// The other cluster.
    pub b: Programme,
    /// Partners working in both.
    pub shared_partners: Vec<Partner>,
    /// Goals served by interventions of both.
    pub shared_goals: Vec<Goal>,
    /// Wijken reached by both.
    pub shared_wijken: Vec<Wijk>,
    /// Interventions of the one that refer to (or are the same as) interventions of the other.
    pub related_interventions: Vec<RelatedPair>,
}

/// The overlap of clusters as square matrices (for a heat map): row and column `i` are
/// `clusters[i]`; off the diagonal what two clusters share, on it what one cluster has.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct OverlapMatrix {
    /// The clusters, in row and column order.
    pub clusters: Vec<Programme>,
    /// Their names, in the same order.
    pub labels: Vec<String>,
    /// Shared partners.
    pub partners: Vec<Vec<usize>>,
    /// Goals served by both.
    pub goals: Vec<Vec<usize>>,
    /// Wijken reached by both.
    pub wijken: Vec<Vec<usize>>,
    /// Related interventions between the two (the diagonal: relations within the cluster).
    pub related_interventions: Vec<Vec<usize>>,
}

#[ComplexObject]
impl OverlapMatrix {
    /// The clusters, in row and column order.
    #[graphql(deprecation = "Use `clusters` instead.")]
    async fn programmes(&self) -> Vec<Programme> {
        self.clusters.clone()
    }
}

/// How the programme clusters overlap.
#[derive(SimpleObject)]
pub struct ClusterOverlap {
    /// What each cluster reaches.
    pub clusters: Vec<ClusterReach>,
    /// Every pair of clusters.
    pub pairs: Vec<ClusterPairOverlap>,
    /// The same as matrices.
    pub matrix: OverlapMatrix,
}

/// Interventions two partners share in one cluster.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct SharedInCluster {
    /// The cluster; null for interventions of no cluster (the cross-cutting parts).
    pub cluster: Option<Programme>,
    /// The shared interventions.
    pub interventions: Vec<Intervention>,
}

#[ComplexObject]
impl SharedInCluster {
    /// The cluster; null for interventions of no cluster (the cross-cutting parts).
    #[graphql(deprecation = "Use `cluster` instead.")]
    async fn programme(&self) -> Option<Programme> {
        self.cluster.clone()
    }
}

/// The interventions two partners share.
#[derive(SimpleObject)]
pub struct SharedInterventions {
    /// The first partner.
    pub a: Partner,
    /// The second partner.
    pub b: Partner,
    /// How many interventions they share.
    pub total: usize,
    /// The shared interventions per cluster (one of two clusters is listed under both).
    pub by_cluster: Vec<SharedInCluster>,
}

/// How alike another partner is.
#[derive(SimpleObject)]
pub struct PartnerSimilarity {
    /// The other partner.
    pub partner: Partner,
    /// The mean of the two Jaccard indices below (0–1).
    pub score: f64,
    /// Jaccard index of their interventions: shared over all.
    pub interventions: f64,
    /// Jaccard index of the goals their interventions work for.
    pub goals: f64,
    /// How many interventions they share.
    pub shared_interventions: usize,
    /// How many goals they share.
    pub shared_goals: usize,
}

/// Counts of interventions per row and column (for a heat map).
#[derive(SimpleObject)]
pub struct CoverageMatrix {
    /// The rows (wijken).
    pub rows: Vec<Node>,
    /// The columns (clusters or goals).
    pub columns: Vec<Node>,
    /// Row names.
    pub row_labels: Vec<String>,
    /// Column names.
    pub column_labels: Vec<String>,
    /// `counts[row][column]`: interventions listed for the row's wijk working for the column.
    /// Area-wide interventions are not in it (see `wholeArea`), nor those whose wijk is not
    /// known (see `wijkUnknown`): a 0 is a gap only where `states` says NO_INTERVENTION.
    pub counts: Vec<Vec<usize>>,
    /// Per column: interventions the document gives to every wijk of the area (area-wide).
    pub whole_area: Vec<usize>,
    /// Per column: interventions for which the document names no wijk.
    pub wijk_unknown: Vec<usize>,
    /// `states[row][column]`: LISTED (interventions listed for the wijk), WHOLE_AREA (none
    /// listed, but area-wide ones), UNKNOWN (none listed or area-wide, but some whose wijk is
    /// not known) or NO_INTERVENTION (a real gap: the column has no intervention in scope).
    pub states: Vec<Vec<CoverageState>>,
}

/// Where the interventions are, and what is missing.
#[derive(SimpleObject)]
pub struct Coverage {
    /// Wijken × programme clusters.
    pub wijk_by_cluster: CoverageMatrix,
    /// Wijken × goals of the asked level (an intervention counts for its goal and the goals
    /// above it).
    pub wijk_by_goal: CoverageMatrix,
    /// Goals no intervention works for: none on the goal, on a goal below it, or on a goal it
    /// is tied to as served by (`relatedGoals` with kind `SERVED_BY`, direction `OUTGOING`),
    /// with a year not even one whose activity in that year is unknown. A goal covered only
    /// through such a tie is not here but in `goalsCoveredThroughRelated`.
    pub goals_without_interventions: Vec<Goal>,
    /// With a year: goals that only interventions of unknown activity in that year work for
    /// (not known to be covered, not known to be a gap). Empty without a year.
    pub goals_only_undated: Vec<Goal>,
    /// Goals no intervention works for directly or through a goal below them, covered because
    /// a goal that serves them (`relatedGoals`, `SERVED_BY`, `OUTGOING`) has an intervention
    /// in scope on it or below it: e.g. a shared Doel of the area that a cluster goal repeats.
    /// Listed apart so that nothing is hidden.
    pub goals_covered_through_related: Vec<Goal>,
    /// Interventions without a partner.
    pub interventions_without_partner: Vec<Intervention>,
    /// Interventions without funding.
    pub interventions_without_funding: Vec<Intervention>,
    /// Interventions without a goal.
    pub interventions_without_goal: Vec<Intervention>,
    /// Interventions without a wijk: the document does not say where (`wijkScope:
    /// UNKNOWN`), which is not "nowhere".
    pub interventions_without_wijk: Vec<Intervention>,
    /// Interventions the document gives to every wijk of the area (`wijkScope: WHOLE_AREA`).
    pub interventions_whole_area: Vec<Intervention>,
}

fn scope(s: &Snapshot, area: &Option<String>, year: Option<i32>) -> Result<Filter> {
    analytics_scope(s, area, year, None).gql()
}

fn goals(s: &Arc<Snapshot>, ids: &[Id]) -> Vec<Goal> {
    ids.iter().filter_map(|&g| Goal::load(s, g)).collect()
}

fn matrix(s: &Arc<Snapshot>, m: questions::Matrix) -> Result<CoverageMatrix> {
    let nodes = |ids: &[Id]| {
        ids.iter()
            .map(|&id| node(s, id))
            .collect::<crate::error::Result<Vec<Node>>>()
            .gql()
    };
    let (rows, columns) = (nodes(&m.rows)?, nodes(&m.columns)?);
    Ok(CoverageMatrix {
        row_labels: rows.iter().map(|n| n.name().to_owned()).collect(),
        column_labels: columns.iter().map(|n| n.name().to_owned()).collect(),
        rows,
        columns,
        counts: m.counts,
        whole_area: m.whole_area,
        wijk_unknown: m.wijk_unknown,
        states: m.states,
    })
}

/// The integration questions.
#[derive(Default)]
pub struct IntegrationQuery;

#[Object(guard = "crate::api::Need(crate::auth::Role::Viewer)")]
impl IntegrationQuery {
    /// Partners working on interventions in at least `minClusters` programme clusters, with
    /// their interventions per cluster; most clusters first, then most interventions.
    #[graphql(directive = crate::api::limits::weighs::apply(1000))]
    async fn cross_cluster_partners(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The least number of clusters.", default = 2)] min_clusters: usize,
        #[graphql(desc = "Only this area (ID or slug).")] area: Option<String>,
        #[graphql(desc = "Only interventions known to be active in this year.")] year: Option<i32>,
    ) -> Result<Vec<CrossClusterPartner>> {
        let s = snapshot(ctx)?;
        let scope = scope(&s, &area, year)?;
        let all = crate::analytics::partners_by_cluster(&s, &scope);
        // The answer is sorted by cluster count, most first: the partners asked for lead it.
        let count = all.partition_point(|p| p.clusters.len() >= min_clusters);
        Ok((0..count)
            .map(|index| CrossClusterPartner {
                s: s.clone(),
                all: all.clone(),
                index,
            })
            .collect())
    }

    /// For every pair of programme clusters: the partners, goals and wijken they share and the
    /// interventions that refer to each other; also as matrices for a heat map.
    #[graphql(directive = crate::api::limits::weighs::apply(1000))]
    async fn cluster_overlap(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this area (ID or slug).")] area: Option<String>,
        #[graphql(desc = "Only interventions known to be active in this year.")] year: Option<i32>,
    ) -> Result<ClusterOverlap> {
        let s = snapshot(ctx)?;
        let scope = scope(&s, &area, year)?;
        let o = crate::analytics::cluster_overlap(&s, &scope);
        let n = o.clusters.len();
        let mut m = [
            vec![vec![0; n]; n],
            vec![vec![0; n]; n],
            vec![vec![0; n]; n],
            vec![vec![0; n]; n],
        ];
        for (i, r) in o.reach.iter().enumerate() {
            m[0][i][i] = r.partners.len();
            m[1][i][i] = r.goals.len();
            m[2][i][i] = r.wijken.len();
        }
        let relation_kind = |from: Id, to: Id| {
            s.data
                .intervention_relations
                .values()
                .find(|r| r.from_id == from && r.to_id == to)
                .map_or(RelationKind::RefersTo, |r| r.kind)
        };
        let mut pairs = Vec::new();
        for p in &o.pairs {
            let (x, y) = (
                o.clusters
                    .iter()
                    .position(|&c| c == p.a)
                    .unwrap_or_default(),
                o.clusters
                    .iter()
                    .position(|&c| c == p.b)
                    .unwrap_or_default(),
            );
            for (k, count) in [
                p.partners.len(),
                p.goals.len(),
                p.wijken.len(),
                p.relations.len(),
            ]
            .into_iter()
            .enumerate()
            {
                m[k][x][y] = count;
                m[k][y][x] = count;
            }
            pairs.push(ClusterPairOverlap {
                a: programme(&s, p.a).gql()?,
                b: programme(&s, p.b).gql()?,
                shared_partners: partners(&s, p.partners.iter().copied()),
                shared_goals: p.goals.iter().filter_map(|&g| Goal::load(&s, g)).collect(),
                shared_wijken: p.wijken.iter().filter_map(|&w| Wijk::load(&s, w)).collect(),
                related_interventions: p
                    .relations
                    .iter()
                    .filter_map(|&(f, t)| {
                        Some(RelatedPair {
                            from: Intervention::load(&s, f)?,
                            to: Intervention::load(&s, t)?,
                            kind: relation_kind(f, t),
                        })
                    })
                    .collect(),
            });
        }
        let programmes: Vec<Programme> = o
            .clusters
            .iter()
            .map(|&c| programme(&s, c).gql())
            .collect::<Result<_>>()?;
        let [partners_m, goals_m, wijken_m, relations_m] = m;
        Ok(ClusterOverlap {
            clusters: o
                .clusters
                .iter()
                .zip(&o.reach)
                .map(|(&c, r)| {
                    Ok(ClusterReach {
                        cluster: programme(&s, c).gql()?,
                        interventions: r.interventions.len(),
                        partners: r.partners.len(),
                        goals: r.goals.len(),
                        wijken: r.wijken.len(),
                    })
                })
                .collect::<Result<_>>()?,
            pairs,
            matrix: OverlapMatrix {
                labels: programmes.iter().map(|p| p.r.name.clone()).collect(),
                clusters: programmes,
                partners: partners_m,
                goals: goals_m,
                wijken: wijken_m,
                related_interventions: relations_m,
            },
        })
    }

    /// The interventions two partners both work on, per cluster.
    #[graphql(directive = crate::api::limits::weighs::apply(1000))]
    async fn shared_interventions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "One partner (ID or slug).")] a: String,
        #[graphql(desc = "The other partner (ID or slug).")] b: String,
        #[graphql(desc = "The area (ID or slug); needed when the slugs exist in several areas.")]
        area: Option<String>,
        #[graphql(desc = "Only interventions known to be active in this year.")] year: Option<i32>,
    ) -> Result<SharedInterventions> {
        let s = snapshot(ctx)?;
        let scope = scope(&s, &area, year)?;
        let pa = ids::resolve(&s, &a, Table::Partner, scope.area, "a").gql()?;
        let pb = ids::resolve(&s, &b, Table::Partner, scope.area, "b").gql()?;
        let groups = questions::shared_by_cluster(&s, pa, pb, &scope);
        let total = crate::analytics::network::shared_interventions(&s, pa, pb, &scope).len();
        Ok(SharedInterventions {
            a: Partner::load(&s, pa).ok_or("partner missing")?,
            b: Partner::load(&s, pb).ok_or("partner missing")?,
            total,
            by_cluster: groups
                .into_iter()
                .map(|(p, list)| SharedInCluster {
                    cluster: p.and_then(|p| Programme::load(&s, p)),
                    interventions: interventions(&s, list),
                })
                .collect(),
        })
    }

    /// The partners most like a given one: Jaccard similarity of the interventions they work
    /// on and of the goals those serve; best first, partners with nothing in common left out.
    #[graphql(directive = crate::api::limits::weighs::apply(1000))]
    async fn similar_partners(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partner (ID or slug).")] partner: String,
        #[graphql(desc = "How many to return (at most 100).", default = 10)] top: usize,
        #[graphql(desc = "The area (ID or slug); needed when the slug exists in several areas.")]
        area: Option<String>,
        #[graphql(desc = "Only interventions known to be active in this year.")] year: Option<i32>,
    ) -> Result<Vec<PartnerSimilarity>> {
        if top > 100 {
            return Err(crate::api::gql_error(crate::error::Error::invalid(
                "top",
                "must be at most 100",
            )));
        }
        let s = snapshot(ctx)?;
        let scope = scope(&s, &area, year)?;
        let p = ids::resolve(&s, &partner, Table::Partner, scope.area, "partner").gql()?;
        let found = questions::similar_partners(&s, &scope, p, top.min(100));
        Ok(found
            .into_iter()
            .filter_map(|x| {
                Some(PartnerSimilarity {
                    partner: Partner::load(&s, x.partner)?,
                    score: x.score,
                    interventions: x.interventions,
                    goals: x.goals,
                    shared_interventions: x.shared_interventions,
                    shared_goals: x.shared_goals,
                })
            })
            .collect())
    }

    /// Wijken × clusters and wijken × goals matrices of interventions, and the gaps: goals
    /// nothing works for, interventions without partner, funding, goal or wijk.
    #[graphql(directive = crate::api::limits::weighs::apply(1000))]
    async fn coverage(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this area (ID or slug).")] area: Option<String>,
        #[graphql(desc = "Only interventions known to be active in this year.")] year: Option<i32>,
        #[graphql(
            desc = "The level of the goals in the wijk × goal matrix.",
            default_with = "GoalLevel::Main"
        )]
        goal_level: GoalLevel,
    ) -> Result<Coverage> {
        let s = snapshot(ctx)?;
        let scope = scope(&s, &area, year)?;
        let c = crate::analytics::coverage(&s, &scope, goal_level);
        Ok(Coverage {
            wijk_by_cluster: matrix(&s, c.wijk_cluster.clone())?,
            wijk_by_goal: matrix(&s, c.wijk_goal.clone())?,
            goals_without_interventions: goals(&s, &c.goals_without_interventions),
            goals_only_undated: goals(&s, &c.goals_only_undated),
            goals_covered_through_related: goals(&s, &c.goals_covered_through_related),
            interventions_without_partner: interventions(
                &s,
                c.interventions_without_partner.iter().copied(),
            ),
            interventions_without_funding: interventions(
                &s,
                c.interventions_without_funding.iter().copied(),
            ),
            interventions_without_goal: interventions(
                &s,
                c.interventions_without_goal.iter().copied(),
            ),
            interventions_without_wijk: interventions(
                &s,
                c.interventions_without_wijk.iter().copied(),
            ),
            interventions_whole_area: interventions(&s, c.interventions_whole_area.iter().copied()),
        })
    }
}
