//! Database migrations of samenhang: the typed tables that hold areas, their nodes and the links
//! between them. The server applies them at start; `samenhang migrate` applies them on demand.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_graph_tables;

/// The ordered list of samenhang's migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m20261122_000001_create_graph_tables::Migration)]
    }
}
