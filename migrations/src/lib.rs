//! Database migrations of samenhang: the typed tables that hold areas, their nodes and the links
//! between them, API tokens, the audit trail, the change log replicas follow, and the indicators
//! and measurements of progress monitoring, the ties between goals, and when each node was
//! created and last changed. The server applies them at start; `samenhang
//! migrate` applies them on demand.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_graph_tables;
mod m20261130_000001_tokens_and_audit;
mod m20261130_000002_node_versions;
mod m20261201_000001_change_log;
mod m20261202_000001_indicators;
mod m20261202_000003_partner_organisation;
mod m20261202_000004_goal_related;
mod m20261202_000005_node_times;

/// The ordered list of samenhang's migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_graph_tables::Migration),
            Box::new(m20261130_000001_tokens_and_audit::Migration),
            Box::new(m20261130_000002_node_versions::Migration),
            Box::new(m20261201_000001_change_log::Migration),
            Box::new(m20261202_000001_indicators::Migration),
            Box::new(m20261202_000003_partner_organisation::Migration),
            Box::new(m20261202_000004_goal_related::Migration),
            Box::new(m20261202_000005_node_times::Migration),
        ]
    }
}
