//! How many items each list field of the schema can return, for the cost check: pages by
//! their arguments, unpaged lists by the longest such list in the snapshot (or the size of the
//! table they come from), introspection lists by the schema itself. Every list field of the
//! schema has a rule here; a test makes sure none is forgotten.

use async_graphql::registry::{MetaField, MetaType, Registry};

use crate::analytics::funding::MAX_SCENARIO_YEARS;
use crate::api::analytics::{MAX_EGO_NODES, MAX_NETWORK_ITEMS};
use crate::api::connection::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use crate::api::maps::MAX_GRAPHQL_NODES;
use crate::graph::ListSizes;

/// The values of a field's arguments, as the size rules read them.
pub trait ArgValues {
    /// A whole-number argument; negative numbers count as zero.
    fn number(&self, name: &str) -> Option<u64>;
    /// The length of a list argument.
    fn list_len(&self, name: &str) -> Option<u64>;
    /// A Boolean argument.
    fn flag(&self, name: &str) -> Option<bool>;
}

/// The most items of a list field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListBound {
    /// A list of at most this many items.
    Items(u64),
    /// A list of at most `rows` lists of at most `columns` items each (a matrix).
    Matrix(u64, u64),
}

impl ListBound {
    /// The bound of each list level of a type that wraps `levels` lists, outermost first.
    pub fn levels(self, levels: usize) -> Vec<u64> {
        let (outer, inner) = match self {
            ListBound::Items(n) => (n, n),
            ListBound::Matrix(rows, columns) => (rows, columns),
        };
        (0..levels)
            .map(|level| if level == 0 { outer } else { inner })
            .collect()
    }
}

/// Everything the size rules read: the snapshot's list sizes and the schema's own.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sizes {
    pub data: ListSizes,
    pub schema: SchemaSizes,
}

/// The introspection lists of the schema: the longest of each kind (for a type or field
/// looked up on its own) and the total of each kind (for `__schema { types { … } }`, which
/// lists them all, so their sum is known exactly).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SchemaSizes {
    types: u64,
    directives: u64,
    most: Counts,
    total: Counts,
}

/// Counts of the lists below a type, a field or a directive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Counts {
    fields: u64,
    field_args: u64,
    input_fields: u64,
    enum_values: u64,
    interfaces: u64,
    possible_types: u64,
    directive_args: u64,
    locations: u64,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        let sum = |a: &mut u64, b: u64| *a = a.saturating_add(b);
        sum(&mut self.fields, other.fields);
        sum(&mut self.field_args, other.field_args);
        sum(&mut self.input_fields, other.input_fields);
        sum(&mut self.enum_values, other.enum_values);
        sum(&mut self.interfaces, other.interfaces);
        sum(&mut self.possible_types, other.possible_types);
        sum(&mut self.directive_args, other.directive_args);
        sum(&mut self.locations, other.locations);
    }

    fn max(&mut self, other: Counts) {
        let max = |a: &mut u64, b: u64| *a = (*a).max(b);
        max(&mut self.fields, other.fields);
        max(&mut self.field_args, other.field_args);
        max(&mut self.input_fields, other.input_fields);
        max(&mut self.enum_values, other.enum_values);
        max(&mut self.interfaces, other.interfaces);
        max(&mut self.possible_types, other.possible_types);
        max(&mut self.directive_args, other.directive_args);
        max(&mut self.locations, other.locations);
    }
}

fn count(len: usize) -> u64 {
    u64::try_from(len).unwrap_or(u64::MAX)
}

impl SchemaSizes {
    pub fn of(registry: &Registry) -> SchemaSizes {
        let mut s = SchemaSizes {
            types: count(registry.types.len()),
            directives: count(registry.directives.len()),
            ..SchemaSizes::default()
        };
        for directive in registry.directives.values() {
            let c = Counts {
                directive_args: count(directive.args.len()),
                locations: count(directive.locations.len()),
                ..Counts::default()
            };
            s.most.max(c);
            s.total.add(c);
        }
        for ty in registry.types.values() {
            let mut c = Counts::default();
            match ty {
                MetaType::Object { fields, .. } | MetaType::Interface { fields, .. } => {
                    c.fields = count(fields.len());
                    for field in fields.values() {
                        let args = count(field.args.len());
                        s.most.field_args = s.most.field_args.max(args);
                        c.field_args = c.field_args.saturating_add(args);
                    }
                }
                MetaType::InputObject { input_fields, .. } => {
                    c.input_fields = count(input_fields.len());
                }
                MetaType::Enum { enum_values, .. } => c.enum_values = count(enum_values.len()),
                MetaType::Scalar { .. } | MetaType::Union { .. } => {}
            }
            c.possible_types = ty.possible_types().map_or(0, |p| count(p.len()));
            c.interfaces = registry
                .implements
                .get(ty.name())
                .map_or(0, |i| count(i.len()));
            let field_args = c.field_args;
            c.field_args = 0;
            s.most.max(c);
            c.field_args = field_args;
            s.total.add(c);
        }
        s
    }
}

/// What a field hands down to the lists of its value: for each, how many items it holds.
/// The `edges` and `nodes` of a connection are as long as its page; the lists below
/// `__schema { types }`, which lists every type, hold on average what all types hold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct HandDown {
    items: [(&'static str, u64); 5],
    len: usize,
}

impl HandDown {
    fn of(pairs: &[(&'static str, u64)]) -> HandDown {
        let mut h = HandDown::default();
        for &pair in pairs.iter().take(h.items.len()) {
            h.items[h.len] = pair;
            h.len += 1;
        }
        h
    }

    /// How many items the list field `name` holds, if this hands it down.
    pub fn items_of(&self, name: &str) -> Option<u64> {
        self.items[..self.len]
            .iter()
            .find(|(field, _)| *field == name)
            .map(|&(_, n)| n)
    }
}

/// `total / parents`, rounded up: the average per parent, which bounds the sum when every
/// parent is listed.
fn per(total: u64, parents: u64) -> u64 {
    if parents == 0 {
        0
    } else {
        total.div_ceil(parents)
    }
}

/// The weight of a field beyond its own value: its `@cost(weight:)`, or 1.
pub fn weight(field: &MetaField) -> u64 {
    field
        .directive_invocations
        .iter()
        .filter(|d| d.name == "cost")
        .find_map(|d| match d.args.get("weight") {
            Some(async_graphql::Value::Number(n)) => n.as_u64(),
            _ => None,
        })
        .unwrap_or(1)
}

/// A page size from `first` and `last` (the smaller when both are given), or the default.
fn page(args: &impl ArgValues) -> u64 {
    let max = MAX_PAGE_SIZE as u64;
    match (args.number("first"), args.number("last")) {
        (None, None) => DEFAULT_PAGE_SIZE as u64,
        (a, b) => a.unwrap_or(max).min(b.unwrap_or(max)).min(max),
    }
}

/// What a field hands down to the lists of its value (see [`HandDown`]). `enumerated` says
/// that the field itself is one of a list that names every item of its kind (a type of
/// `__schema { types }`), so the lists below it are sized by averages too.
pub fn hand_down(
    sizes: &Sizes,
    parent: &str,
    field: &str,
    of: &str,
    args: &impl ArgValues,
    enumerated: bool,
) -> Option<HandDown> {
    let s = &sizes.schema;
    if of.ends_with("Connection") {
        let items = page(args).min(longest_list(&sizes.data, parent, field, of, args));
        return Some(HandDown::of(&[("edges", items), ("nodes", items)]));
    }
    match (parent, field) {
        ("Query", "centrality") => Some(HandDown::of(&[(
            "nodes",
            args.number("top").unwrap_or(20).min(500),
        )])),
        ("Query", "egoNetwork") => Some(HandDown::of(&[("nodes", ego_limit(args))])),
        // Every partner record is in one organisation at most: over the whole list, the
        // organisations' records number at most the partners, one per organisation listed on
        // average.
        ("Query", "organisations") => Some(HandDown::of(&[(
            "partners",
            per(sizes.data.partners, sizes.data.partners),
        )])),
        ("Query", "changes") => Some(HandDown::of(&[(
            "nodes",
            args.number("first")
                .unwrap_or(100)
                .min(MAX_PAGE_SIZE as u64),
        )])),
        ("__Schema", "types") => Some(HandDown::of(&[
            ("fields", per(s.total.fields, s.types)),
            ("inputFields", per(s.total.input_fields, s.types)),
            ("enumValues", per(s.total.enum_values, s.types)),
            ("interfaces", per(s.total.interfaces, s.types)),
            ("possibleTypes", per(s.total.possible_types, s.types)),
        ])),
        ("__Schema", "directives") => Some(HandDown::of(&[
            ("args", per(s.total.directive_args, s.directives)),
            ("locations", per(s.total.locations, s.directives)),
        ])),
        ("__Type", "fields") if enumerated => Some(HandDown::of(&[(
            "args",
            per(s.total.field_args, s.total.fields),
        )])),
        _ => None,
    }
}

/// The most items the whole list of a connection can hold in the snapshot, which no page of
/// it exceeds: for a node's own links the longest such list, for other lists of a node type
/// that type's table.
fn longest_list(d: &ListSizes, parent: &str, field: &str, of: &str, args: &impl ArgValues) -> u64 {
    match (parent, field) {
        ("Goal", "subGoals") => d.sub_goals,
        ("Goal", "interventions") if args.flag("deep") != Some(true) => d.goal_interventions,
        ("Line", "goals") => d.line_goals,
        ("Intervention", "partners") => d.intervention_partners,
        ("Partner", "interventions") => d.partner_interventions,
        ("FundingStream", "interventions") => d.stream_interventions,
        _ => match of {
            "AreaConnection" => d.areas,
            "ClusterConnection" => d.programmes,
            "LineConnection" => d.lines,
            "GoalConnection" => d.goals,
            "InterventionConnection" => d.interventions,
            "PartnerConnection" => d.partners,
            "FundingStreamConnection" => d.funding_streams,
            "WijkConnection" => d.wijken,
            _ => u64::MAX,
        },
    }
}

fn ego_limit(args: &impl ArgValues) -> u64 {
    args.number("limit")
        .unwrap_or(500)
        .min(MAX_EGO_NODES as u64)
}

/// The most items a list field returns; for a list without a rule (a test makes sure there is
/// none), every node of the snapshot.
pub fn list_bound(sizes: &Sizes, parent: &str, field: &str, args: &impl ArgValues) -> ListBound {
    known_bound(sizes, parent, field, args).unwrap_or(ListBound::Items(sizes.data.nodes()))
}

/// The rule for a list field, if it has one.
pub fn known_bound(
    sizes: &Sizes,
    parent: &str,
    field: &str,
    args: &impl ArgValues,
) -> Option<ListBound> {
    use ListBound::{Items, Matrix};
    let d = &sizes.data;
    let s = &sizes.schema;
    let network = (MAX_NETWORK_ITEMS as u64).min(d.partners);
    let network_links = (MAX_NETWORK_ITEMS as u64).min(d.collaboration_links);
    let map_nodes = (MAX_GRAPHQL_NODES as u64).min(d.nodes());
    let map_links = d.links.max(d.collaboration_links);
    let labels = d.wijken.max(d.programmes).max(d.goals);
    Some(match (parent, field) {
        // Introspection: a type or field on its own holds at most the longest list.
        ("__Schema", "types") => Items(s.types),
        ("__Schema", "directives") => Items(s.directives),
        ("__Type", "fields") => Items(s.most.fields),
        ("__Type", "interfaces") => Items(s.most.interfaces),
        ("__Type", "possibleTypes") => Items(s.most.possible_types),
        ("__Type", "enumValues") => Items(s.most.enum_values),
        ("__Type", "inputFields") => Items(s.most.input_fields),
        ("__Field", "args") => Items(s.most.field_args),
        ("__Directive", "args") => Items(s.most.directive_args),
        ("__Directive", "locations") => Items(s.most.locations),

        // Lists of texts.
        ("Partner" | "Wijk" | "FundingStream", "aliases")
        | ("Intervention", "indicators" | "targets" | "targetGroups")
        | ("Line", "focus" | "principles" | "targetGroups") => Items(d.texts),

        // The model's own lists.
        ("Goal", "ancestors") => Items(d.ancestors),
        ("Intervention", "goals") => Items(d.intervention_goals),
        ("Intervention", "funding") => Items(d.intervention_streams),
        ("Intervention", "wijken") => Items(d.intervention_wijken),
        ("Intervention", "related") => Items(d.intervention_relations),
        ("Goal", "relatedGoals") => Items(d.goal_relations),
        ("Intervention", "lines") => Items(d.intervention_lines),
        ("Intervention", "clusters" | "programmes") => Items(d.intervention_programmes),
        ("Line", "fundingStreams") => Items(d.line_streams),
        ("Cluster", "lines") => Items(d.programme_lines),
        ("Partner" | "Wijk" | "FundingStream", "clusters" | "programmes") => Items(d.programmes),
        ("FundingStream", "lines") => Items(d.lines),
        ("Indicator", "targets") => Items(d.indicator_targets),

        // Lookups.
        ("Query", "nodes") => Items(args.list_len("ids").unwrap_or(0).min(MAX_PAGE_SIZE as u64)),
        ("Query", "partnersNamed") => Items(d.partners),
        ("Query", "apiTokens") => Items(API_TOKENS_LISTED),
        ("ChangePage", "nodes") => Items(MAX_PAGE_SIZE as u64),

        // Analytics: bounded by what they are made of.
        ("Query", "crossClusterPartners") => Items(d.partners),
        ("CrossClusterPartner", "clusters") => Items(d.programmes),
        ("PartnerCluster", "interventions") => Items(d.partner_interventions),
        ("ClusterOverlap", "clusters") => Items(d.programmes),
        ("ClusterOverlap", "pairs") => Items(d.programmes.saturating_mul(d.programmes)),
        ("ClusterPairOverlap", "relatedInterventions") => Items(d.relations),
        ("ClusterPairOverlap", "sharedGoals") => Items(d.goals),
        ("ClusterPairOverlap", "sharedPartners") => Items(d.partners),
        ("ClusterPairOverlap", "sharedWijken") => Items(d.wijken),
        ("OverlapMatrix", "labels" | "clusters" | "programmes") => Items(d.programmes),
        ("OverlapMatrix", "goals" | "partners" | "relatedInterventions" | "wijken") => {
            Matrix(d.programmes, d.programmes)
        }
        ("SharedInterventions", "byCluster") => Items(d.programmes),
        ("SharedInCluster", "interventions") => Items(d.partner_interventions),
        ("CollaborationNetwork", "nodes" | "articulationPoints") => Items(network),
        ("CollaborationNetwork", "edges" | "bridges") => Items(network_links),
        ("CollaborationEdge", "interventions") => Items(d.partner_interventions),
        ("CentralityRanking", "nodes") => Items(500.min(d.nodes())),
        ("CommunityDetection", "communities") => Items(d.partners),
        ("Community", "partners") => Items(d.partners),
        ("Community", "clusters") => Items(d.programmes),
        ("EgoNetwork", "nodes") => Items(MAX_EGO_NODES as u64),
        ("EgoNetwork", "edges") => {
            let limit = ego_limit(args);
            Items((limit.saturating_mul(limit) / 2).min(map_links))
        }
        ("Path", "steps") => Items(d.nodes()),
        (
            "Coverage",
            "goalsWithoutInterventions" | "goalsOnlyUndated" | "goalsCoveredThroughRelated",
        ) => Items(d.goals),
        (
            "Coverage",
            "interventionsWithoutFunding"
            | "interventionsWithoutGoal"
            | "interventionsWithoutPartner"
            | "interventionsWithoutWijk"
            | "interventionsWholeArea",
        ) => Items(d.interventions),
        (
            "CoverageMatrix",
            "rows" | "columns" | "rowLabels" | "columnLabels" | "wholeArea" | "wijkUnknown",
        ) => Items(labels),
        ("CoverageMatrix", "counts" | "states") => Matrix(labels, labels),
        ("Query", "fundingAtRisk") => Items(d.interventions),
        ("FundingRiskItem", "streams") => Items(d.intervention_streams),
        ("FundingExposure", "byCluster") => Items(d.programmes),
        ("FundingExposure", "byPartner") => Items(d.partners),
        ("FundingExposure", "byWijk") => Items(d.wijken),
        ("StreamStopImpact", "interventionsLeftWithoutFunding" | "interventionsPartlyFunded") => {
            Items(d.stream_interventions)
        }
        ("StreamStopImpact", "partnersAffected") => Items(d.partners),
        ("FundingScenario", "streams") | ("ScenarioYear", "streamsPaying" | "streamsEnding") => {
            Items(d.funding_streams)
        }
        ("FundingScenario", "timeline") => Items(MAX_SCENARIO_YEARS as u64),
        ("FundingScenario", "interventions" | "undated" | "unfunded") => Items(d.interventions),
        ("InterventionFundingLoss", "streamsLost" | "streamsKept") => Items(d.intervention_streams),
        ("FundingScenario", "partnersAffected") => Items(d.partners),
        ("Query", "compareAreas") => Items(d.areas),
        ("Query", "organisations") => Items(d.partners),
        ("Organisation", "partners") => Items(d.partners),
        ("FundingScenario", "clustersAffected") => Items(d.programmes),
        ("Query", "similarPartners") => Items(args.number("top").unwrap_or(10).min(100)),
        ("NetworkMap", "nodes") => Items(map_nodes),
        ("NetworkMap", "edges") => Items(map_links),
        ("MapNode", "clusters" | "clusterShares") => Items(d.programmes),
        // The interventions two partners share, or the one at an end of the link.
        ("MapEdge", "interventions") => Items(d.partner_interventions),
        _ => return None,
    })
}

/// The most tokens `apiTokens` is priced at: tokens are few (one per person or system).
const API_TOKENS_LISTED: u64 = 1_000;
