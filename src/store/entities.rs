//! sea-orm entities, one per table of the migration. They are the storage shape only; the
//! domain records in [`crate::domain`] are what the rest of the service sees.

use sea_orm::FromJsonQueryResult;
use serde::{Deserialize, Serialize};

use crate::domain::Stamps;

/// The version and time columns of node rows (link rows have none).
pub trait Versioned {
    fn version(&self) -> Option<i64>;
    fn set_version(&mut self, version: i64);
    fn stamps(&self) -> Option<Stamps>;
    fn set_stamps(&mut self, stamps: Stamps);
}

macro_rules! versioned {
    (nodes: $($node:ident),+; links: $($link:ident),+) => {
        $(impl Versioned for $node::Model {
            fn version(&self) -> Option<i64> {
                Some(self.version)
            }
            fn set_version(&mut self, version: i64) {
                self.version = version;
            }
            fn stamps(&self) -> Option<Stamps> {
                Some(Stamps {
                    created: self.created_at,
                    updated: self.updated_at,
                })
            }
            fn set_stamps(&mut self, stamps: Stamps) {
                self.created_at = stamps.created;
                self.updated_at = stamps.updated;
            }
        })+
        $(impl Versioned for $link::Model {
            fn version(&self) -> Option<i64> {
                None
            }
            fn set_version(&mut self, _: i64) {}
            fn stamps(&self) -> Option<Stamps> {
                None
            }
            fn set_stamps(&mut self, _: Stamps) {}
        })+
    };
}

versioned!(
    nodes: area, programme, line, goal, intervention, partner, funding_stream, wijk, indicator,
        measurement;
    links: line_funding, intervention_goal, intervention_partner, intervention_funding,
        intervention_wijk, intervention_relation, goal_relation, indicator_target
);

/// A list of strings kept in a JSON column.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
pub struct StringList(pub Vec<String>);

macro_rules! entity {
    ($module:ident, $table:tt, { $($(#[$meta:meta])* $field:ident: $ty:ty),* $(,)? }) => {
        pub mod $module {
            #[allow(unused_imports)]
            use super::StringList;
            use sea_orm::entity::prelude::*;

            #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                #[sea_orm(primary_key, auto_increment = false)]
                pub id: i64,
                $($(#[$meta])* pub $field: $ty,)*
            }

            #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
            pub enum Relation {}

            impl ActiveModelBehavior for ActiveModel {}
        }
    };
}

entity!(area, "area", {
    slug: String,
    name: String,
    municipality: Option<String>,
    description: Option<String>,
    source: Option<String>,
    version: i64,
    /// Milliseconds since the Unix epoch; absent from audit entries older than the column.
    #[serde(default)]
    created_at: i64,
    #[serde(default)]
    updated_at: i64,
});

entity!(programme, "programme", {
    area_id: i64,
    slug: String,
    name: String,
    description: Option<String>,
    chair: Option<String>,
    ambition: Option<String>,
    version: i64,
    /// Milliseconds since the Unix epoch; absent from audit entries older than the column.
    #[serde(default)]
    created_at: i64,
    #[serde(default)]
    updated_at: i64,
});

entity!(line, "line", {
    area_id: i64,
    slug: String,
    name: String,
    description: Option<String>,
    programme_id: i64,
    number: Option<i32>,
    nplv_action_line: Option<String>,
    target_groups: StringList,
    principles: StringList,
    focus: StringList,
    version: i64,
    /// Milliseconds since the Unix epoch; absent from audit entries older than the column.
    #[serde(default)]
    created_at: i64,
    #[serde(default)]
    updated_at: i64,
});

entity!(goal, "goal", {
    area_id: i64,
    slug: String,
    name: String,
    description: Option<String>,
    line_id: Option<i64>,
    parent_id: Option<i64>,
    level: String,
    number: Option<String>,
    version: i64,
    /// Milliseconds since the Unix epoch; absent from audit entries older than the column.
    #[serde(default)]
    created_at: i64,
    #[serde(default)]
    updated_at: i64,
});

entity!(intervention, "intervention", {
    area_id: i64,
    slug: String,
    name: String,
    description: Option<String>,
    period: Option<String>,
    start_year: Option<i32>,
    end_year: Option<i32>,
    targets: StringList,
    indicators: StringList,
    target_groups: StringList,
    notes: Option<String>,
    version: i64,
    /// Milliseconds since the Unix epoch; absent from audit entries older than the column.
    #[serde(default)]
    created_at: i64,
    #[serde(default)]
    updated_at: i64,
});

entity!(partner, "partner", {
    area_id: i64,
    slug: String,
    name: String,
    description: Option<String>,
    kind: String,
    aliases: StringList,
    version: i64,
    /// Milliseconds since the Unix epoch; absent from audit entries older than the column.
    #[serde(default)]
    created_at: i64,
    #[serde(default)]
    updated_at: i64,
    organisation: Option<String>,
});

entity!(funding_stream, "funding_stream", {
    area_id: i64,
    slug: String,
    name: String,
    description: Option<String>,
    kind: String,
    start_year: Option<i32>,
    end_year: Option<i32>,
    amount_eur: Option<i64>,
    aliases: StringList,
    version: i64,
    /// Milliseconds since the Unix epoch; absent from audit entries older than the column.
    #[serde(default)]
    created_at: i64,
    #[serde(default)]
    updated_at: i64,
});

entity!(wijk, "wijk", {
    area_id: i64,
    slug: String,
    name: String,
    description: Option<String>,
    municipality: Option<String>,
    cbs_code: Option<String>,
    aliases: StringList,
    version: i64,
    /// Milliseconds since the Unix epoch; absent from audit entries older than the column.
    #[serde(default)]
    created_at: i64,
    #[serde(default)]
    updated_at: i64,
});

entity!(line_funding, "line_funding", {
    line_id: i64,
    funding_stream_id: i64,
});

entity!(intervention_goal, "intervention_goal", {
    intervention_id: i64,
    goal_id: i64,
});

entity!(intervention_partner, "intervention_partner", {
    intervention_id: i64,
    partner_id: i64,
    role: String,
});

entity!(intervention_funding, "intervention_funding", {
    intervention_id: i64,
    funding_stream_id: i64,
    amount_eur: Option<i64>,
    note: Option<String>,
});

entity!(intervention_wijk, "intervention_wijk", {
    intervention_id: i64,
    wijk_id: i64,
});

entity!(intervention_relation, "intervention_relation", {
    from_id: i64,
    to_id: i64,
    kind: String,
    note: Option<String>,
});

entity!(goal_relation, "goal_relation", {
    from_id: i64,
    to_id: i64,
    kind: String,
    note: Option<String>,
});

entity!(indicator, "indicator", {
    area_id: i64,
    slug: String,
    name: String,
    intervention_id: Option<i64>,
    goal_id: Option<i64>,
    line_id: Option<i64>,
    unit: Option<String>,
    measure: String,
    direction: Option<String>,
    baseline_value: Option<f64>,
    baseline_year: Option<i32>,
    start_year: Option<i32>,
    end_year: Option<i32>,
    target_note: Option<String>,
    wijk_id: Option<i64>,
    target_group: Option<String>,
    source: String,
    version: i64,
    /// Milliseconds since the Unix epoch; absent from audit entries older than the column.
    #[serde(default)]
    created_at: i64,
    #[serde(default)]
    updated_at: i64,
});

entity!(indicator_target, "indicator_target", {
    indicator_id: i64,
    value: f64,
    qualifier: Option<String>,
    start_year: Option<i32>,
    end_year: Option<i32>,
});

entity!(measurement, "measurement", {
    indicator_id: i64,
    value: Option<f64>,
    status: Option<String>,
    period_start: String,
    period_end: String,
    wijk_id: Option<i64>,
    comment: Option<String>,
    recorded_by: Option<String>,
    version: i64,
    /// Milliseconds since the Unix epoch; absent from audit entries older than the column.
    #[serde(default)]
    created_at: i64,
    #[serde(default)]
    updated_at: i64,
});

/// API tokens: a name, a role and the SHA-256 hash of the token (never the token).
pub mod api_token {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "api_token")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub role: String,
        pub hash: String,
        pub created_at: i64,
        pub revoked_at: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The audit trail: one entry per changed row, with the row before and after as JSON.
/// One committed write in the change log; its rows are the audit entries with its number.
pub mod change {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "change")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub version: i64,
        pub at: i64,
        pub actor: String,
        pub operation: String,
        pub rows: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod audit_entry {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_entry")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub at: i64,
        pub actor: String,
        pub operation: String,
        pub table_name: String,
        pub row_id: i64,
        pub node: String,
        pub other_node: Option<String>,
        pub before: Option<String>,
        pub after: Option<String>,
        /// The write (its number in the change log) the entry belongs to.
        pub change_version: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
