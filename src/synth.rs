//! Synthetic datasets shaped like the domain, for benchmarks and load tests: one area with
//! programme clusters, lines, goal trees, interventions, partners, funding streams and wijken,
//! deterministic by seed.
//!
//! The shape follows the bundled Lelystad Oost data: partners are rooted in one cluster but a
//! few hubs (a municipality, the police, a welfare organisation) work everywhere; most
//! interventions serve one cluster's goals, some serve two; each has several partners, one to
//! three funding streams and sometimes a wijk.

use std::collections::BTreeSet;

use crate::domain::*;

/// How large a synthetic dataset is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Size {
    /// One municipality: about 300 nodes and 2 000 edges.
    Municipality,
    /// National scale: about 20 000 nodes and 150 000 edges.
    National,
    /// Stress: about 200 000 nodes and 2 000 000 edges.
    Stress,
}

/// The counts a size stands for.
struct Shape {
    wijken: usize,
    programmes: usize,
    lines_per_programme: usize,
    sub_goals_per_line: usize,
    interventions: usize,
    partners: usize,
    streams: usize,
    /// Mean number of partners per intervention.
    partners_per_intervention: f64,
}

impl Size {
    fn shape(self) -> Shape {
        match self {
            Size::Municipality => Shape {
                wijken: 6,
                programmes: 3,
                lines_per_programme: 3,
                sub_goals_per_line: 4,
                interventions: 150,
                partners: 60,
                streams: 15,
                partners_per_intervention: 5.0,
            },
            Size::National => Shape {
                wijken: 1_500,
                programmes: 20,
                lines_per_programme: 5,
                sub_goals_per_line: 11,
                interventions: 12_000,
                partners: 4_500,
                streams: 400,
                partners_per_intervention: 8.0,
            },
            Size::Stress => Shape {
                wijken: 15_000,
                programmes: 40,
                lines_per_programme: 10,
                sub_goals_per_line: 11,
                interventions: 120_000,
                partners: 55_000,
                streams: 4_000,
                partners_per_intervention: 12.5,
            },
        }
    }

    /// The slug of the generated area.
    pub fn area_slug(self) -> &'static str {
        match self {
            Size::Municipality => "synthetisch-gemeente",
            Size::National => "synthetisch-nationaal",
            Size::Stress => "synthetisch-stress",
        }
    }
}

/// A small deterministic random generator (SplitMix64): the same seed gives the same data on
/// every platform and every version of the dependencies.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * n as f64) as usize % n.max(1)
    }

    /// A float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A count with the given mean, at least `min` (geometric around the mean).
    fn count(&mut self, mean: f64, min: usize) -> usize {
        let extra = (mean - min as f64).max(0.0);
        if extra == 0.0 {
            return min;
        }
        let p = 1.0 / (extra + 1.0);
        let mut n = min;
        while !self.chance(p) && n < min + (extra * 8.0) as usize {
            n += 1;
        }
        n
    }
}

/// Picks items with Zipf-like popularity: item `i` weighs `1 / (i + 1)^s`.
struct Popularity {
    cumulative: Vec<f64>,
}

impl Popularity {
    fn new(n: usize, exponent: f64) -> Popularity {
        let mut total = 0.0;
        let cumulative = (0..n)
            .map(|i| {
                total += 1.0 / ((i + 1) as f64).powf(exponent);
                total
            })
            .collect();
        Popularity { cumulative }
    }

    fn pick(&self, rng: &mut Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.unit() * total;
        self.cumulative
            .partition_point(|&c| c <= x)
            .min(self.cumulative.len().saturating_sub(1))
    }
}

const PARTNER_KINDS: [PartnerKind; 11] = [
    PartnerKind::Welfare,
    PartnerKind::Government,
    PartnerKind::Education,
    PartnerKind::Housing,
    PartnerKind::CareHealth,
    PartnerKind::PoliceJustice,
    PartnerKind::Childcare,
    PartnerKind::Business,
    PartnerKind::Knowledge,
    PartnerKind::Residents,
    PartnerKind::Other,
];

const FUNDING_KINDS: [FundingKind; 5] = [
    FundingKind::Spuk,
    FundingKind::Municipal,
    FundingKind::Partner,
    FundingKind::NationalProgramme,
    FundingKind::Other,
];

/// Generates a dataset of the given size. Ids are dense from 1 in creation order.
pub fn generate(size: Size, seed: u64) -> Dataset {
    let shape = size.shape();
    let mut rng = Rng::new(seed);
    let mut d = Dataset::default();
    let mut id: Id = 0;
    let mut fresh = || {
        id += 1;
        id
    };

    let area = fresh();
    d.put(Row::Area(Area {
        id: area,
        slug: size.area_slug().into(),
        name: format!("Synthetisch programma ({size:?}, seed {seed})"),
        municipality: None,
        description: Some("Generated by `samenhang generate`; not real data.".into()),
        source: None,
    }));
    let text = |prefix: &str, i: usize| (format!("{prefix}-{i}"), format!("{prefix} {i}"));

    let wijken: Vec<Id> = (0..shape.wijken)
        .map(|i| {
            let (slug, name) = text("wijk", i);
            let w = fresh();
            d.put(Row::Wijk(Wijk {
                id: w,
                area_id: area,
                slug,
                name,
                description: None,
                municipality: None,
                cbs_code: None,
                aliases: Vec::new(),
            }));
            w
        })
        .collect();

    // Partners: a home cluster each, a kind, and popularity by position (the first are hubs).
    let partners: Vec<(Id, usize)> = (0..shape.partners)
        .map(|i| {
            let (slug, name) = text("partner", i);
            let p = fresh();
            d.put(Row::Partner(Partner {
                id: p,
                area_id: area,
                slug,
                name,
                description: None,
                kind: PARTNER_KINDS[rng.below(PARTNER_KINDS.len())],
                aliases: Vec::new(),
                organisation: None,
            }));
            (p, rng.below(shape.programmes))
        })
        .collect();
    let mut partners_of_cluster: Vec<Vec<Id>> = vec![Vec::new(); shape.programmes];
    for &(p, home) in &partners {
        partners_of_cluster[home].push(p);
    }
    let global = Popularity::new(partners.len(), 1.1);
    let local: Vec<Popularity> = partners_of_cluster
        .iter()
        .map(|ps| Popularity::new(ps.len(), 0.8))
        .collect();

    let streams: Vec<Id> = (0..shape.streams)
        .map(|i| {
            let (slug, name) = text("fonds", i);
            let s = fresh();
            let start = 2019 + rng.below(8) as i32;
            let end = (rng.chance(0.85)).then(|| start + 1 + rng.below(10) as i32);
            d.put(Row::FundingStream(FundingStream {
                id: s,
                area_id: area,
                slug,
                name,
                description: None,
                kind: FUNDING_KINDS[rng.below(FUNDING_KINDS.len())],
                start_year: Some(start),
                end_year: end,
                amount_eur: rng
                    .chance(0.3)
                    .then(|| 10_000 * (1 + rng.below(500)) as i64),
                aliases: Vec::new(),
            }));
            s
        })
        .collect();
    let stream_popularity = Popularity::new(streams.len(), 0.9);

    // Clusters → lines → a main goal with sub-goals and some sub-sub-goals.
    let mut goals_of_cluster: Vec<Vec<Id>> = vec![Vec::new(); shape.programmes];
    for (c, cluster_goals) in goals_of_cluster.iter_mut().enumerate() {
        let (slug, name) = text("cluster", c);
        let programme = fresh();
        d.put(Row::Programme(Programme {
            id: programme,
            area_id: area,
            slug,
            name,
            description: None,
            chair: None,
            ambition: None,
        }));
        for l in 0..shape.lines_per_programme {
            let (slug, name) = text(&format!("lijn-{c}"), l);
            let line = fresh();
            d.put(Row::Line(Line {
                id: line,
                area_id: area,
                slug,
                name,
                description: None,
                programme_id: programme,
                number: Some(l as i32 + 1),
                nplv_action_line: None,
                target_groups: Vec::new(),
                principles: Vec::new(),
                focus: Vec::new(),
            }));
            let main = fresh();
            d.put(Row::Goal(Goal {
                id: main,
                area_id: area,
                slug: format!("doel-{c}-{l}"),
                name: format!("Hoofddoel {c}.{l}"),
                description: None,
                line_id: Some(line),
                parent_id: None,
                level: GoalLevel::Main,
                number: Some("1".into()),
            }));
            cluster_goals.push(main);
            for g in 0..shape.sub_goals_per_line {
                let parent = if g > 3 && rng.chance(0.3) {
                    cluster_goals[cluster_goals.len() - 1]
                } else {
                    main
                };
                let sub = fresh();
                d.put(Row::Goal(Goal {
                    id: sub,
                    area_id: area,
                    slug: format!("doel-{c}-{l}-{g}"),
                    name: format!("Subdoel {c}.{l}.{g}"),
                    description: None,
                    line_id: None,
                    parent_id: Some(parent),
                    level: GoalLevel::Sub,
                    number: Some(format!("{}", g + 1)),
                }));
                cluster_goals.push(sub);
            }
        }
    }

    // Interventions and their links.
    let mut interventions = Vec::with_capacity(shape.interventions);
    for i in 0..shape.interventions {
        let (slug, name) = text("interventie", i);
        let intervention = fresh();
        let start = 2020 + rng.below(7) as i32;
        d.put(Row::Intervention(Intervention {
            id: intervention,
            area_id: area,
            slug,
            name,
            description: None,
            period: None,
            start_year: Some(start),
            end_year: rng.chance(0.8).then(|| start + rng.below(6) as i32),
            targets: Vec::new(),
            indicators: Vec::new(),
            target_groups: Vec::new(),
            notes: None,
        }));
        interventions.push(intervention);
        let cluster = rng.below(shape.programmes);
        let mut goals = BTreeSet::new();
        let cluster_goals = &goals_of_cluster[cluster];
        goals.insert(cluster_goals[rng.below(cluster_goals.len())]);
        if rng.chance(0.12) {
            let other = &goals_of_cluster[rng.below(shape.programmes)];
            goals.insert(other[rng.below(other.len())]);
        } else if rng.chance(0.4) {
            goals.insert(cluster_goals[rng.below(cluster_goals.len())]);
        }
        for goal in goals {
            let link = fresh();
            d.put(Row::InterventionGoal(InterventionGoal {
                id: link,
                intervention_id: intervention,
                goal_id: goal,
            }));
        }

        let wanted = rng
            .count(shape.partners_per_intervention, 1)
            .min(partners.len());
        let mut chosen = BTreeSet::new();
        let locals = &partners_of_cluster[cluster];
        let mut tries = 0;
        while chosen.len() < wanted && tries < wanted * 20 {
            tries += 1;
            let p = if !locals.is_empty() && rng.chance(0.7) {
                locals[local[cluster].pick(&mut rng)]
            } else {
                partners[global.pick(&mut rng)].0
            };
            chosen.insert(p);
        }
        for (n, partner) in chosen.into_iter().enumerate() {
            let role = match (n, rng.below(10)) {
                (0, 0..=2) => PartnerRole::Lead,
                (0, 3) => PartnerRole::Penvoerder,
                (_, 0..=2) => PartnerRole::Core,
                _ => PartnerRole::Executing,
            };
            let link = fresh();
            d.put(Row::InterventionPartner(InterventionPartner {
                id: link,
                intervention_id: intervention,
                partner_id: partner,
                role,
            }));
        }

        let mut funded = BTreeSet::new();
        for _ in 0..rng.count(1.5, 1) {
            funded.insert(streams[stream_popularity.pick(&mut rng)]);
        }
        for stream in funded {
            let link = fresh();
            d.put(Row::InterventionFunding(InterventionFunding {
                id: link,
                intervention_id: intervention,
                funding_stream_id: stream,
                amount_eur: None,
                note: None,
            }));
        }
        if !wijken.is_empty() && rng.chance(0.6) {
            let mut places = BTreeSet::new();
            for _ in 0..rng.count(1.6, 1) {
                places.insert(wijken[rng.below(wijken.len())]);
            }
            for wijk in places {
                let link = fresh();
                d.put(Row::InterventionWijk(InterventionWijk {
                    id: link,
                    intervention_id: intervention,
                    wijk_id: wijk,
                }));
            }
        }
        if i > 0 && rng.chance(0.04) {
            let other = interventions[rng.below(interventions.len() - 1)];
            let link = fresh();
            d.put(Row::InterventionRelation(InterventionRelation {
                id: link,
                from_id: intervention,
                to_id: other,
                kind: if rng.chance(0.2) {
                    RelationKind::SameAs
                } else {
                    RelationKind::RefersTo
                },
                note: None,
            }));
        }
    }
    d
}
