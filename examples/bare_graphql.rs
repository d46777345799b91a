//! The yardstick for samenhang's per-request overhead (`bench/frontend.py --bare`): a bare
//! async-graphql schema (the same version samenhang uses) behind one axum handler, with no
//! extensions, no limits, no auth and no cost check, answering the fields of the three
//! front-end shapes of the benchmark from plain vectors and hash maps in memory.
//!
//! It loads the same rows samenhang serves (through samenhang's store, from the same
//! database), so its answers have the same values; what is left is the difference between
//! samenhang's request path and the least a GraphQL server with this library does.
//!
//! `cargo run --release --example bare_graphql -- DATABASE_URL 127.0.0.1:PORT`
//!
//! The schema has only what the shapes ask for:
//! `partners(first) { nodes { id name } }`,
//! `partner(slug) { id name kind interventions(first) { edges { role node { id name
//! clusters { name } funding { fundingStream { name } } } } } }` and
//! `clusters(first) { nodes { id name lines { id name goals(first) { nodes { id name
//! subGoals(first) { nodes { id name interventions(first) { nodes { id name partners(first) {
//! edges { role node { id name } } } } } } } } } } } } }`.

use std::collections::HashMap;

use async_graphql::{Context, EmptyMutation, EmptySubscription, ID, Object, Schema, SimpleObject};
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use samenhang::domain::{Dataset, Id, PartnerKind, PartnerRole, Table};
use samenhang::store::Store;

/// Every record the shapes touch, with the links as plain lists in creation order.
#[derive(Default)]
struct Data {
    partners: Vec<Id>,
    programmes: Vec<Id>,
    names: HashMap<Id, String>,
    ids: HashMap<Id, String>,
    partner_kinds: HashMap<Id, PartnerKind>,
    partner_by_slug: HashMap<String, Id>,
    /// Partner → (intervention, role), by intervention id.
    partner_interventions: HashMap<Id, Vec<(Id, PartnerRole)>>,
    /// Intervention → (partner, role), by link id.
    intervention_partners: HashMap<Id, Vec<(Id, PartnerRole)>>,
    /// Intervention → funding streams, by link id.
    intervention_funding: HashMap<Id, Vec<Id>>,
    /// Intervention → programmes it works for through its goals, by id.
    intervention_programmes: HashMap<Id, Vec<Id>>,
    programme_lines: HashMap<Id, Vec<Id>>,
    /// Line → its top goals.
    line_goals: HashMap<Id, Vec<Id>>,
    /// Goal → the goals below it.
    sub_goals: HashMap<Id, Vec<Id>>,
    /// Goal → the interventions contributing to it directly, by intervention id.
    goal_interventions: HashMap<Id, Vec<Id>>,
}

/// The opaque ID samenhang gives a node (base64url of `Type:id`).
fn opaque(table: Table, id: Id) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{}:{id}", table.type_name()))
}

impl Data {
    fn from(d: &Dataset) -> Data {
        let mut out = Data::default();
        let mut name = |table: Table, id: Id, n: &str| {
            out.names.insert(id, n.to_owned());
            out.ids.insert(id, opaque(table, id));
        };
        for p in d.programmes.values() {
            name(Table::Programme, p.id, &p.name);
        }
        for l in d.lines.values() {
            name(Table::Line, l.id, &l.name);
        }
        for g in d.goals.values() {
            name(Table::Goal, g.id, &g.name);
        }
        for i in d.interventions.values() {
            name(Table::Intervention, i.id, &i.name);
        }
        for p in d.partners.values() {
            name(Table::Partner, p.id, &p.name);
        }
        for f in d.funding_streams.values() {
            name(Table::FundingStream, f.id, &f.name);
        }
        for p in d.partners.values() {
            out.partners.push(p.id);
            out.partner_kinds.insert(p.id, p.kind);
            out.partner_by_slug.insert(p.slug.clone(), p.id);
        }
        out.programmes = d.programmes.keys().copied().collect();
        for l in d.lines.values() {
            out.programme_lines
                .entry(l.programme_id)
                .or_default()
                .push(l.id);
        }
        // A goal's line is its own or its top ancestor's.
        let line_of = |mut goal: Id| -> Option<Id> {
            for _ in 0..64 {
                let g = d.goals.get(&goal)?;
                match (g.line_id, g.parent_id) {
                    (Some(line), _) => return Some(line),
                    (None, Some(parent)) => goal = parent,
                    (None, None) => return None,
                }
            }
            None
        };
        for g in d.goals.values() {
            match (g.line_id, g.parent_id) {
                (Some(line), None) => out.line_goals.entry(line).or_default().push(g.id),
                (_, Some(parent)) => out.sub_goals.entry(parent).or_default().push(g.id),
                (None, None) => {}
            }
        }
        for link in d.intervention_partners.values() {
            out.partner_interventions
                .entry(link.partner_id)
                .or_default()
                .push((link.intervention_id, link.role));
            out.intervention_partners
                .entry(link.intervention_id)
                .or_default()
                .push((link.partner_id, link.role));
        }
        for list in out.partner_interventions.values_mut() {
            list.sort_by_key(|&(i, _)| i);
        }
        for link in d.intervention_funding.values() {
            out.intervention_funding
                .entry(link.intervention_id)
                .or_default()
                .push(link.funding_stream_id);
        }
        for link in d.intervention_goals.values() {
            out.goal_interventions
                .entry(link.goal_id)
                .or_default()
                .push(link.intervention_id);
            let programme = line_of(link.goal_id)
                .and_then(|line| d.lines.get(&line))
                .map(|l| l.programme_id);
            if let Some(programme) = programme {
                out.intervention_programmes
                    .entry(link.intervention_id)
                    .or_default()
                    .push(programme);
            }
        }
        for list in out.goal_interventions.values_mut() {
            list.sort_unstable();
        }
        for list in out.intervention_programmes.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        out
    }

    fn name(&self, id: Id) -> &str {
        self.names.get(&id).map_or("", String::as_str)
    }

    fn id(&self, id: Id) -> ID {
        ID(self.ids.get(&id).cloned().unwrap_or_default())
    }
}

fn data<'a>(ctx: &Context<'a>) -> &'a Data {
    ctx.data_unchecked::<&'static Data>()
}

/// At most `first` (default 20) of a list.
fn page<T: Copy>(list: Option<&Vec<T>>, first: Option<i32>) -> Vec<T> {
    let n = usize::try_from(first.unwrap_or(20)).unwrap_or(0);
    list.map(|l| l.iter().take(n).copied().collect())
        .unwrap_or_default()
}

struct Query;

#[Object]
impl Query {
    /// Partners in creation order.
    async fn partners(&self, ctx: &Context<'_>, first: Option<i32>) -> PartnerList {
        PartnerList {
            nodes: page(Some(&data(ctx).partners), first)
                .into_iter()
                .map(Partner)
                .collect(),
        }
    }

    /// The partner with this slug.
    async fn partner(&self, ctx: &Context<'_>, slug: String) -> Option<Partner> {
        data(ctx).partner_by_slug.get(&slug).copied().map(Partner)
    }

    /// Programme clusters in creation order.
    async fn clusters(&self, ctx: &Context<'_>, first: Option<i32>) -> ProgrammeList {
        ProgrammeList {
            nodes: page(Some(&data(ctx).programmes), first)
                .into_iter()
                .map(Programme)
                .collect(),
        }
    }
}

/// A page of partners.
#[derive(SimpleObject)]
struct PartnerList {
    nodes: Vec<Partner>,
}

/// A page of programmes.
#[derive(SimpleObject)]
struct ProgrammeList {
    nodes: Vec<Programme>,
}

/// A page of goals.
#[derive(SimpleObject)]
struct GoalList {
    nodes: Vec<Goal>,
}

/// A page of interventions.
#[derive(SimpleObject)]
struct InterventionList {
    nodes: Vec<Intervention>,
}

/// A page of a partner's interventions.
#[derive(SimpleObject)]
struct PartnerInterventions {
    edges: Vec<PartnerInterventionEdge>,
}

/// One of a partner's interventions.
#[derive(SimpleObject)]
struct PartnerInterventionEdge {
    role: PartnerRole,
    node: Intervention,
}

/// A page of an intervention's partners.
#[derive(SimpleObject)]
struct InterventionPartners {
    edges: Vec<InterventionPartnerEdge>,
}

/// A partner on an intervention.
#[derive(SimpleObject)]
struct InterventionPartnerEdge {
    role: PartnerRole,
    node: Partner,
}

/// A stream paying an intervention.
#[derive(SimpleObject)]
struct InterventionFunding {
    funding_stream: Named,
}

/// Any node of which only the name is asked.
struct Named(Id);

#[Object]
impl Named {
    async fn name<'a>(&self, ctx: &Context<'a>) -> &'a str {
        data(ctx).name(self.0)
    }
}

struct Partner(Id);

#[Object]
impl Partner {
    async fn id(&self, ctx: &Context<'_>) -> ID {
        data(ctx).id(self.0)
    }
    async fn name<'a>(&self, ctx: &Context<'a>) -> &'a str {
        data(ctx).name(self.0)
    }
    async fn kind(&self, ctx: &Context<'_>) -> Option<PartnerKind> {
        data(ctx).partner_kinds.get(&self.0).copied()
    }
    async fn interventions(&self, ctx: &Context<'_>, first: Option<i32>) -> PartnerInterventions {
        PartnerInterventions {
            edges: page(data(ctx).partner_interventions.get(&self.0), first)
                .into_iter()
                .map(|(i, role)| PartnerInterventionEdge {
                    role,
                    node: Intervention(i),
                })
                .collect(),
        }
    }
}

struct Intervention(Id);

#[Object]
impl Intervention {
    async fn id(&self, ctx: &Context<'_>) -> ID {
        data(ctx).id(self.0)
    }
    async fn name<'a>(&self, ctx: &Context<'a>) -> &'a str {
        data(ctx).name(self.0)
    }
    async fn clusters(&self, ctx: &Context<'_>) -> Vec<Named> {
        let list = data(ctx).intervention_programmes.get(&self.0);
        list.map(|l| l.iter().map(|&p| Named(p)).collect())
            .unwrap_or_default()
    }
    async fn funding(&self, ctx: &Context<'_>) -> Vec<InterventionFunding> {
        let list = data(ctx).intervention_funding.get(&self.0);
        list.map(|l| {
            l.iter()
                .map(|&f| InterventionFunding {
                    funding_stream: Named(f),
                })
                .collect()
        })
        .unwrap_or_default()
    }
    async fn partners(&self, ctx: &Context<'_>, first: Option<i32>) -> InterventionPartners {
        InterventionPartners {
            edges: page(data(ctx).intervention_partners.get(&self.0), first)
                .into_iter()
                .map(|(p, role)| InterventionPartnerEdge {
                    role,
                    node: Partner(p),
                })
                .collect(),
        }
    }
}

struct Programme(Id);

#[Object]
impl Programme {
    async fn id(&self, ctx: &Context<'_>) -> ID {
        data(ctx).id(self.0)
    }
    async fn name<'a>(&self, ctx: &Context<'a>) -> &'a str {
        data(ctx).name(self.0)
    }
    async fn lines(&self, ctx: &Context<'_>) -> Vec<Line> {
        let list = data(ctx).programme_lines.get(&self.0);
        list.map(|l| l.iter().map(|&id| Line(id)).collect())
            .unwrap_or_default()
    }
}

struct Line(Id);

#[Object]
impl Line {
    async fn id(&self, ctx: &Context<'_>) -> ID {
        data(ctx).id(self.0)
    }
    async fn name<'a>(&self, ctx: &Context<'a>) -> &'a str {
        data(ctx).name(self.0)
    }
    async fn goals(&self, ctx: &Context<'_>, first: Option<i32>) -> GoalList {
        GoalList {
            nodes: page(data(ctx).line_goals.get(&self.0), first)
                .into_iter()
                .map(Goal)
                .collect(),
        }
    }
}

struct Goal(Id);

#[Object]
impl Goal {
    async fn id(&self, ctx: &Context<'_>) -> ID {
        data(ctx).id(self.0)
    }
    async fn name<'a>(&self, ctx: &Context<'a>) -> &'a str {
        data(ctx).name(self.0)
    }
    async fn sub_goals(&self, ctx: &Context<'_>, first: Option<i32>) -> GoalList {
        GoalList {
            nodes: page(data(ctx).sub_goals.get(&self.0), first)
                .into_iter()
                .map(Goal)
                .collect(),
        }
    }
    async fn interventions(&self, ctx: &Context<'_>, first: Option<i32>) -> InterventionList {
        InterventionList {
            nodes: page(data(ctx).goal_interventions.get(&self.0), first)
                .into_iter()
                .map(Intervention)
                .collect(),
        }
    }
}

type Bare = Schema<Query, EmptyMutation, EmptySubscription>;

async fn graphql(State(schema): State<Bare>, request: GraphQLRequest) -> GraphQLResponse {
    schema.execute(request.into_inner()).await.into()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, addr] = args.as_slice() else {
        anyhow::bail!("usage: bare_graphql DATABASE_URL ADDR");
    };
    let store = Store::connect(url).await?;
    let dataset = store.load().await?;
    let data: &'static Data = Box::leak(Box::new(Data::from(&dataset)));
    drop(dataset);
    let schema = Schema::build(Query, EmptyMutation, EmptySubscription)
        .data(data)
        .finish();
    let app = Router::new()
        .route("/graphql", post(graphql))
        .route("/health", get(|| async { "ok" }))
        .with_state(schema);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    eprintln!(
        "bare_graphql: {} partners, {} programmes, on {addr}",
        data.partners.len(),
        data.programmes.len()
    );
    axum::serve(listener, app).await?;
    Ok(())
}
