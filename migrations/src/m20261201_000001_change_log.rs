//! Several server processes on one database: an ordered change log (one `change` row per
//! committed write, numbered without gaps by a one-row head the write's transaction raises,
//! its rows in the audit trail under that number), ids handed out by the database in blocks,
//! and the indexes a delete or a join on a parent needs.

use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const NODE_TABLES: &[&str] = &[
    "area",
    "programme",
    "line",
    "goal",
    "intervention",
    "partner",
    "funding_stream",
    "wijk",
];

const LINK_TABLES: &[&str] = &[
    "line_funding",
    "intervention_goal",
    "intervention_partner",
    "intervention_funding",
    "intervention_wijk",
    "intervention_relation",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The head of the log: the number of the last committed write. A write raises it in
        // its own transaction, which also orders concurrent writers on PostgreSQL (the row
        // lock is held until commit), so numbers are given in commit order, without gaps.
        manager
            .create_table(
                Table::create()
                    .table("change_head")
                    .col(integer("id").primary_key())
                    .col(big_integer("version"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("change")
                    .col(big_integer("version").primary_key())
                    .col(big_integer("at"))
                    .col(text("actor"))
                    .col(text("operation"))
                    .col(integer("rows"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("audit_entry")
                    .add_column(big_integer_null("change_version"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_audit_entry_change_version")
                    .table("audit_entry")
                    .col("change_version")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        // The next id the database hands out, in blocks, to every process.
        manager
            .create_table(
                Table::create()
                    .table("id_block")
                    .col(integer("id").primary_key())
                    .col(big_integer("next"))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared("INSERT INTO change_head (id, version) VALUES (1, 0)")
            .await?;
        let highest: Vec<String> = NODE_TABLES
            .iter()
            .chain(LINK_TABLES)
            .map(|t| format!("SELECT MAX(id) AS m FROM {t}"))
            .collect();
        db.execute_unprepared(&format!(
            "INSERT INTO id_block (id, next) SELECT 1, COALESCE(MAX(m), 0) + 1 FROM ({}) AS ids",
            highest.join(" UNION ALL ")
        ))
        .await?;
        // Joins and deletes on a parent.
        for (table, column) in [
            ("line", "programme_id"),
            ("goal", "line_id"),
            ("goal", "parent_id"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(format!("ix_{table}_{column}"))
                        .table(table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        // On PostgreSQL the unique (area, slug) pairs become constraints (SQLite has only
        // unique indexes, which enforce the same).
        if manager.get_database_backend() == DbBackend::Postgres {
            for table in NODE_TABLES.iter().filter(|&&t| t != "area") {
                db.execute_unprepared(&format!(
                    "ALTER TABLE {table} ADD CONSTRAINT uq_{table}_area_slug \
                     UNIQUE USING INDEX ux_{table}_area_slug"
                ))
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == DbBackend::Postgres {
            for table in NODE_TABLES.iter().filter(|&&t| t != "area") {
                db.execute_unprepared(&format!(
                    "ALTER TABLE {table} DROP CONSTRAINT uq_{table}_area_slug"
                ))
                .await?;
                db.execute_unprepared(&format!(
                    "CREATE UNIQUE INDEX ux_{table}_area_slug ON {table} (area_id, slug)"
                ))
                .await?;
            }
        }
        for (table, column) in [
            ("line", "programme_id"),
            ("goal", "line_id"),
            ("goal", "parent_id"),
        ] {
            manager
                .drop_index(
                    Index::drop()
                        .name(format!("ix_{table}_{column}"))
                        .table(table)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("ix_audit_entry_change_version")
                    .table("audit_entry")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("audit_entry")
                    .drop_column("change_version")
                    .to_owned(),
            )
            .await?;
        for table in ["id_block", "change", "change_head"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
