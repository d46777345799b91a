//! The record of every node and link type, and [`Dataset`], which holds one of each table.

use std::sync::Arc;

use imbl::OrdMap;

use super::{
    FundingKind, GoalLevel, GoalRelationKind, Id, Indicator, IndicatorTarget, Measurement,
    PartnerKind, PartnerRole, RelationKind,
};

/// An area-based programme as a whole (e.g. *Samen Lelystad Oost*). Every other node belongs
/// to exactly one area.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Area {
    pub id: Id,
    pub slug: String,
    pub name: String,
    pub municipality: Option<String>,
    pub description: Option<String>,
    /// The source document the area's data was transcribed from.
    pub source: Option<String>,
}

/// A programme cluster (e.g. Veilige Wijken).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Programme {
    pub id: Id,
    pub area_id: Id,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub chair: Option<String>,
    pub ambition: Option<String>,
}

/// A line or pillar (lijn / pijler) of a programme cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub id: Id,
    pub area_id: Id,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub programme_id: Id,
    pub number: Option<i32>,
    pub nplv_action_line: Option<String>,
    pub target_groups: Vec<String>,
    pub principles: Vec<String>,
    pub focus: Vec<String>,
}

/// A goal. Root goals hang on a line (or on nothing, for area-wide goals); the others hang on
/// a parent goal and take its line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Goal {
    pub id: Id,
    pub area_id: Id,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub line_id: Option<Id>,
    pub parent_id: Option<Id>,
    pub level: GoalLevel,
    pub number: Option<String>,
}

/// An intervention: a concrete activity, project or measure of the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Intervention {
    pub id: Id,
    pub area_id: Id,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    /// The running period (looptijd) as the source words it.
    pub period: Option<String>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    /// Targets (aantal / streven).
    pub targets: Vec<String>,
    /// Monitoring indicators.
    pub indicators: Vec<String>,
    pub target_groups: Vec<String>,
    pub notes: Option<String>,
}

/// An organisation (or a named group of parties) that works on interventions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partner {
    pub id: Id,
    pub area_id: Id,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub kind: PartnerKind,
    pub aliases: Vec<String>,
    /// The key of the real organisation this record stands for, shared by the records of the
    /// same organisation in other areas (set in the data file only where the documents name
    /// the same organisation).
    pub organisation: Option<String>,
}

/// A source of money: a grant, a budget or a partner's own means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FundingStream {
    pub id: Id,
    pub area_id: Id,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub kind: FundingKind,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    pub amount_eur: Option<i64>,
    pub aliases: Vec<String>,
}

/// A neighbourhood (wijk).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wijk {
    pub id: Id,
    pub area_id: Id,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub municipality: Option<String>,
    pub cbs_code: Option<String>,
    pub aliases: Vec<String>,
}

/// A funding stream the source names for a whole line ("SPUKS").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineFunding {
    pub id: Id,
    pub line_id: Id,
    pub funding_stream_id: Id,
}

/// An intervention contributes to a goal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterventionGoal {
    pub id: Id,
    pub intervention_id: Id,
    pub goal_id: Id,
}

/// A partner works on an intervention in a role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterventionPartner {
    pub id: Id,
    pub intervention_id: Id,
    pub partner_id: Id,
    pub role: PartnerRole,
}

/// A funding stream pays (part of) an intervention.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterventionFunding {
    pub id: Id,
    pub intervention_id: Id,
    pub funding_stream_id: Id,
    pub amount_eur: Option<i64>,
    pub note: Option<String>,
}

/// An intervention takes place in a wijk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterventionWijk {
    pub id: Id,
    pub intervention_id: Id,
    pub wijk_id: Id,
}

/// One intervention refers to, or is the same as, another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterventionRelation {
    pub id: Id,
    pub from_id: Id,
    pub to_id: Id,
    pub kind: RelationKind,
    pub note: Option<String>,
}

/// One goal is tied to another (`from` is served by `to`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoalRelation {
    pub id: Id,
    pub from_id: Id,
    pub to_id: Id,
    pub kind: GoalRelationKind,
    pub note: Option<String>,
}

/// When a node was created and when its own row was last changed (which is when its
/// `version` last rose), in milliseconds since the Unix epoch. Links and a node's child rows
/// (an indicator's targets) have none of their own; a change of an indicator's targets makes a
/// new version of the indicator and so changes its `updated`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Stamps {
    pub created: i64,
    pub updated: i64,
}

impl Stamps {
    /// A node created at `at`.
    pub fn new(at: i64) -> Stamps {
        Stamps {
            created: at,
            updated: at,
        }
    }
}

/// The fields every node record has.
pub trait NodeRecord {
    fn id(&self) -> Id;
    fn area_id(&self) -> Id;
    fn slug(&self) -> &str;
    fn name(&self) -> &str;
    /// Other names the node goes by.
    fn aliases(&self) -> &[String] {
        &[]
    }
}

macro_rules! node_record {
    ($($rec:ident $(with $aliases:ident)?),+) => {$(
        impl NodeRecord for $rec {
            fn id(&self) -> Id { self.id }
            fn area_id(&self) -> Id { self.area_id }
            fn slug(&self) -> &str { &self.slug }
            fn name(&self) -> &str { &self.name }
            $(fn aliases(&self) -> &[String] { &self.$aliases })?
        }
    )+};
}

node_record!(
    Programme,
    Line,
    Goal,
    Intervention,
    Partner with aliases,
    FundingStream with aliases,
    Wijk with aliases,
    Indicator
);

impl NodeRecord for Area {
    fn id(&self) -> Id {
        self.id
    }
    /// An area is its own area.
    fn area_id(&self) -> Id {
        self.id
    }
    fn slug(&self) -> &str {
        &self.slug
    }
    fn name(&self) -> &str {
        &self.name
    }
}

/// Declares [`Table`], [`Row`] and [`Dataset`] from one list of tables, so the three can never
/// disagree.
macro_rules! tables {
    ($($field:ident: $rec:ident = $name:literal),+ $(,)?) => {
        /// A table of the model.
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Table { $($rec),+ }

        impl Table {
            /// The type name of a node table (`Partner`, `FundingStream`, ...), as in the
            /// GraphQL schema and global IDs; `Link` for the link tables. A cluster keeps the
            /// name `Programme` here (the schema says `Cluster`), so its IDs stay valid.
            pub fn type_name(self) -> &'static str {
                match self {
                    Table::Area => "Area",
                    Table::Programme => "Programme",
                    Table::Line => "Line",
                    Table::Goal => "Goal",
                    Table::Intervention => "Intervention",
                    Table::Partner => "Partner",
                    Table::FundingStream => "FundingStream",
                    Table::Wijk => "Wijk",
                    Table::Indicator => "Indicator",
                    Table::Measurement => "Measurement",
                    _ => "Link",
                }
            }

            /// The table's name in the database.
            pub fn name(self) -> &'static str {
                match self { $(Table::$rec => $name),+ }
            }

            /// The table with this name in the database.
            pub fn from_name(name: &str) -> Option<Table> {
                match name { $($name => Some(Table::$rec),)+ _ => None }
            }
        }

        /// One record of any table.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum Row { $($rec($rec)),+ }

        impl Row {
            pub fn table(&self) -> Table {
                match self { $(Row::$rec(_) => Table::$rec),+ }
            }

            pub fn id(&self) -> Id {
                match self { $(Row::$rec(r) => r.id),+ }
            }

            pub fn set_id(&mut self, id: Id) {
                match self { $(Row::$rec(r) => r.id = id),+ }
            }
        }

        impl Row {
            /// The two nodes a link row joins, as (table, id); `None` for a node row.
            pub fn ends(&self) -> Option<((Table, Id), (Table, Id))> {
                match self {
                    Row::LineFunding(r) => Some(((Table::Line, r.line_id), (Table::FundingStream, r.funding_stream_id))),
                    Row::InterventionGoal(r) => Some(((Table::Intervention, r.intervention_id), (Table::Goal, r.goal_id))),
                    Row::InterventionPartner(r) => Some(((Table::Intervention, r.intervention_id), (Table::Partner, r.partner_id))),
                    Row::InterventionFunding(r) => Some(((Table::Intervention, r.intervention_id), (Table::FundingStream, r.funding_stream_id))),
                    Row::InterventionWijk(r) => Some(((Table::Intervention, r.intervention_id), (Table::Wijk, r.wijk_id))),
                    Row::InterventionRelation(r) => Some(((Table::Intervention, r.from_id), (Table::Intervention, r.to_id))),
                    Row::GoalRelation(r) => Some(((Table::Goal, r.from_id), (Table::Goal, r.to_id))),
                    _ => None,
                }
            }

            /// The node a child row belongs to, as (table, id): an indicator's target belongs
            /// to the indicator. `None` for nodes and links.
            pub fn owner(&self) -> Option<(Table, Id)> {
                match self {
                    Row::IndicatorTarget(r) => Some((Table::Indicator, r.indicator_id)),
                    _ => None,
                }
            }
        }

        $(impl From<$rec> for Row {
            fn from(record: $rec) -> Row { Row::$rec(record) }
        })+

        /// One complete copy of every record, keyed by id (ids ascend in creation order).
        /// The tables are persistent maps: copying a dataset (for a write's draft, for the
        /// next snapshot) copies nothing, and a change copies only the path to what it changes.
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        pub struct Dataset {
            $(pub $field: OrdMap<Id, Arc<$rec>>,)+
            /// The version of each node changed since it was created (absent: version 1).
            pub versions: OrdMap<Id, i64>,
            /// When each node was created and last changed, as stored with its row.
            pub stamps: OrdMap<Id, Stamps>,
            /// The next free id.
            pub next_id: Id,
        }

        impl Dataset {
            /// Inserts or replaces a row.
            pub fn put(&mut self, row: Row) {
                self.next_id = self.next_id.max(row.id() + 1);
                match row { $(Row::$rec(r) => { self.$field.insert(r.id, Arc::new(r)); })+ }
            }

            /// Whether a row is there.
            pub fn contains(&self, table: Table, id: Id) -> bool {
                match table { $(Table::$rec => self.$field.contains_key(&id)),+ }
            }

            /// A copy of a row, if it is there.
            pub fn get(&self, table: Table, id: Id) -> Option<Row> {
                match table { $(Table::$rec => self.$field.get(&id).map(|r| Row::$rec(r.as_ref().clone()))),+ }
            }

            /// Removes a row, returning it.
            pub fn remove(&mut self, table: Table, id: Id) -> Option<Row> {
                self.versions.remove(&id);
                self.stamps.remove(&id);
                match table { $(Table::$rec => self.$field.remove(&id).map(|r| Row::$rec(Arc::unwrap_or_clone(r)))),+ }
            }

            /// Every row, table by table, parents before children.
            pub fn rows(&self) -> Vec<Row> {
                let mut rows = Vec::new();
                $(rows.extend(self.$field.values().map(|r| Row::$rec(r.as_ref().clone())));)+
                rows
            }

            /// Number of rows per table, parents before children.
            pub fn counts(&self) -> Vec<(Table, usize)> {
                vec![$((Table::$rec, self.$field.len())),+]
            }
        }
    };
}

tables!(
    areas: Area = "area",
    programmes: Programme = "programme",
    lines: Line = "line",
    goals: Goal = "goal",
    interventions: Intervention = "intervention",
    partners: Partner = "partner",
    funding_streams: FundingStream = "funding_stream",
    wijken: Wijk = "wijk",
    line_funding: LineFunding = "line_funding",
    intervention_goals: InterventionGoal = "intervention_goal",
    intervention_partners: InterventionPartner = "intervention_partner",
    intervention_funding: InterventionFunding = "intervention_funding",
    intervention_wijken: InterventionWijk = "intervention_wijk",
    intervention_relations: InterventionRelation = "intervention_relation",
    goal_relations: GoalRelation = "goal_relation",
    indicators: Indicator = "indicator",
    indicator_targets: IndicatorTarget = "indicator_target",
    measurements: Measurement = "measurement",
);

impl Dataset {
    /// A node's version: 1 when created, one more with every change.
    pub fn version_of(&self, id: Id) -> i64 {
        self.versions.get(&id).copied().unwrap_or(1)
    }

    /// When a node was created and last changed; `None` for a link, or for a dataset read from
    /// a data file rather than a database.
    pub fn stamps_of(&self, id: Id) -> Option<Stamps> {
        self.stamps.get(&id).copied()
    }

    /// Hands out a fresh id.
    pub fn allocate_id(&mut self) -> Id {
        let id = self.next_id.max(1);
        self.next_id = id + 1;
        id
    }
}

impl Table {
    /// The node tables (the rest are link tables).
    pub const NODES: &'static [Table] = &[
        Table::Area,
        Table::Programme,
        Table::Line,
        Table::Goal,
        Table::Intervention,
        Table::Partner,
        Table::FundingStream,
        Table::Wijk,
        Table::Indicator,
        Table::Measurement,
    ];

    pub fn is_node(self) -> bool {
        Table::NODES.contains(&self)
    }
}

impl Table {
    /// The name of a node table's type in the GraphQL schema: [`Table::type_name`], but
    /// `Cluster` for a programme cluster.
    pub fn schema_name(self) -> &'static str {
        match self {
            Table::Programme => "Cluster",
            other => other.type_name(),
        }
    }

    /// The word for one row of the table, for messages.
    pub fn noun(self) -> &'static str {
        match self {
            Table::Area => "area",
            Table::Programme => "cluster",
            Table::Line => "line",
            Table::Goal => "goal",
            Table::Intervention => "intervention",
            Table::Partner => "partner",
            Table::FundingStream => "funding stream",
            Table::Wijk => "wijk",
            Table::Indicator => "indicator",
            Table::Measurement => "measurement",
            Table::IndicatorTarget => "indicator target",
            _ => "link",
        }
    }
}
